//! Differential test against the `rustsec` crate (what cargo-audit uses),
//! over the real snapshot DB: the same advisories with the same ids,
//! packages, version ranges, dates, informational kinds, withdrawn flags
//! and CVSS scores; and the same affected/not-affected answer for every
//! (advisory, version) pair that the corpus lockfiles contain.

mod common;
use common::*;
use depgate::advisories::AdvisoryDb;
use std::collections::BTreeMap;

#[test]
fn advisories_are_identical_to_rustsec() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("advisory-db");
    let ours = AdvisoryDb::load(&dir).unwrap();
    let theirs = rustsec::Database::open(&dir).expect("rustsec opens the snapshot");
    let theirs: BTreeMap<String, &rustsec::Advisory> = theirs
        .iter()
        .map(|a| (a.metadata.id.to_string(), a))
        .collect();
    assert_eq!(ours.all().unwrap().len(), theirs.len());
    let mut diffs = Vec::new();
    for a in ours.all().unwrap() {
        let Some(t) = theirs.get(&a.id) else {
            diffs.push(format!("{}: not in rustsec", a.id));
            continue;
        };
        let m = &t.metadata;
        let reqs = |v: &[semver::VersionReq]| v.iter().map(|r| r.to_string()).collect::<Vec<_>>();
        let ours_reqs = |v: &[depgate::advisories::version_range::VersionRange]| {
            v.iter()
                .map(|r| semver::VersionReq::parse(r.as_str()).unwrap().to_string())
                .collect::<Vec<_>>()
        };
        let checks = [
            ("package", a.package.clone(), m.package.to_string()),
            ("date", a.date.to_string(), m.date.as_str().to_string()),
            (
                "informational",
                format!(
                    "{:?}",
                    a.informational
                        .as_ref()
                        .map(|i| serde_json::to_value(i).unwrap())
                ),
                format!(
                    "{:?}",
                    m.informational
                        .as_ref()
                        .map(|i| serde_json::Value::String(i.as_str().to_string()))
                ),
            ),
            (
                "withdrawn",
                format!("{:?}", a.withdrawn.map(|d| d.to_string())),
                format!("{:?}", m.withdrawn.as_ref().map(|d| d.as_str().to_string())),
            ),
            (
                "score",
                format!("{:?}", a.score.as_ref().map(|s| s.score)),
                format!(
                    "{:?}",
                    m.cvss.as_ref().map(|c| (c.score() * 10.0).round() / 10.0)
                ),
            ),
            (
                "patched",
                format!("{:?}", ours_reqs(&a.patched)),
                format!("{:?}", reqs(t.versions.patched())),
            ),
            (
                "unaffected",
                format!("{:?}", ours_reqs(&a.unaffected)),
                format!("{:?}", reqs(t.versions.unaffected())),
            ),
        ];
        for (what, x, y) in checks {
            if x != y {
                diffs.push(format!("{} {what}: ours {x} rustsec {y}", a.id));
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn affected_answers_match_rustsec_for_every_corpus_version() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("advisory-db");
    let ours = AdvisoryDb::load(&dir).unwrap();
    let theirs = rustsec::Database::open(&dir).unwrap();
    let theirs: BTreeMap<String, &rustsec::Advisory> = theirs
        .iter()
        .map(|a| (a.metadata.id.to_string(), a))
        .collect();
    let mut versions: BTreeMap<String, std::collections::BTreeSet<semver::Version>> =
        BTreeMap::new();
    for e in std::fs::read_dir(shared.join("corpus/lockfiles")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "lock") {
            continue;
        }
        let src = depgate::location::SourceText::new("x", std::fs::read_to_string(&path).unwrap());
        for p in depgate::graph::lockfile::parse(&src).unwrap().packages {
            versions.entry(p.name).or_default().insert(p.version);
        }
    }
    let mut pairs = 0;
    for (name, vs) in &versions {
        for a in ours.for_package(name) {
            for v in vs {
                let t = theirs[&a.id].versions.is_vulnerable(v);
                assert_eq!(
                    depgate::advisories::matching::is_affected(a, v),
                    t,
                    "{} {name} {v}",
                    a.id
                );
                pairs += 1;
            }
        }
    }
    assert!(pairs > 3000, "{pairs} pairs compared");
}
