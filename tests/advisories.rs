//! Advisories on real data: the snapshot DB loads with the counts from its
//! SNAPSHOT.txt, and matching agrees with cargo-audit 0.22.2's recorded
//! output on every corpus lockfile, for vulnerabilities and separately for
//! informational warnings.

mod common;
use common::*;
use depgate::advisories::{AdvisoryDb, Informational, matching};
use depgate::graph::Source;
use depgate::graph::lockfile;
use depgate::location::SourceText;
use std::collections::BTreeSet;

type Triple = (String, String, String);

fn load_db(shared: &std::path::Path) -> AdvisoryDb {
    AdvisoryDb::load(&shared.join("advisory-db")).expect("the snapshot loads")
}

#[test]
fn snapshot_db_loads_with_its_documented_counts() {
    let Some(shared) = shared() else { return };
    let db = load_db(&shared);
    assert_eq!(db.all().unwrap().len(), 1225);
    assert_eq!(
        db.all()
            .unwrap()
            .into_iter()
            .filter(|a| a.withdrawn.is_some())
            .count(),
        13
    );
    let kind = |k: Informational| {
        db.all()
            .unwrap()
            .into_iter()
            .filter(|a| a.informational.as_ref() == Some(&k))
            .count()
    };
    assert_eq!(
        (
            kind(Informational::Unmaintained),
            kind(Informational::Unsound),
            kind(Informational::Notice)
        ),
        (267, 203, 6)
    );
    assert_eq!(
        db.all()
            .unwrap()
            .into_iter()
            .filter(|a| a.collection == "rust")
            .count(),
        20
    );
    assert_eq!(
        db.info.commit.as_deref(),
        Some("bf5c0d245a92671908518d7e765914d437954ed6")
    );
    assert_eq!(db.info.date.to_string(), "2026-08-21");
    assert_eq!(
        db.all()
            .unwrap()
            .into_iter()
            .filter(|a| a.license == "CC-BY-4.0")
            .count(),
        21
    );
}

fn audit_sets(json: &serde_json::Value) -> (BTreeSet<Triple>, BTreeSet<Triple>) {
    let triple = |a: &serde_json::Value, p: &serde_json::Value| {
        (
            p["name"].as_str().unwrap().to_string(),
            p["version"].as_str().unwrap().to_string(),
            a["id"].as_str().unwrap().to_string(),
        )
    };
    let vulns = json["vulnerabilities"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| triple(&v["advisory"], &v["package"]))
        .collect();
    let mut info = BTreeSet::new();
    for (kind, list) in json["warnings"].as_object().unwrap() {
        if kind == "yanked" {
            continue;
        }
        for w in list.as_array().unwrap() {
            info.insert(triple(&w["advisory"], &w["package"]));
        }
    }
    (vulns, info)
}

#[test]
fn matching_agrees_with_cargo_audit_on_every_corpus_lockfile() {
    let Some(shared) = shared() else { return };
    let db = load_db(&shared);
    let (mut n_vulns, mut n_info, mut files) = (0, 0, 0);
    let mut diffs = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(shared.join("corpus/lockfiles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "lock"))
    {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let src = SourceText::new(name.clone(), std::fs::read_to_string(path).unwrap());
        let lock = lockfile::parse(&src).unwrap();
        let (mut vulns, mut info) = (BTreeSet::new(), BTreeSet::new());
        for p in &lock.packages {
            let source = Source::parse(p.source.as_deref());
            for a in matching::matches(&db, &p.name, &p.version, &source, &[]) {
                let t = (p.name.clone(), p.version.to_string(), a.id.clone());
                if a.informational.is_some() {
                    info.insert(t)
                } else {
                    vulns.insert(t)
                };
            }
        }
        let audit: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(
                shared
                    .join("corpus/cargo-audit")
                    .join(format!("{name}.json")),
            )
            .unwrap(),
        )
        .unwrap();
        let (want_vulns, want_info) = audit_sets(&audit);
        if vulns != want_vulns {
            diffs.push(format!(
                "{name} vulns: only ours {:?}, only cargo-audit {:?}",
                vulns.difference(&want_vulns).collect::<Vec<_>>(),
                want_vulns.difference(&vulns).collect::<Vec<_>>()
            ));
        }
        if info != want_info {
            diffs.push(format!(
                "{name} info: only ours {:?}, only cargo-audit {:?}",
                info.difference(&want_info).collect::<Vec<_>>(),
                want_info.difference(&info).collect::<Vec<_>>()
            ));
        }
        n_vulns += want_vulns.len();
        n_info += want_info.len();
        files += 1;
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    assert_eq!((files, n_vulns, n_info), (99, 1285, 1642));
}
