//! Over the whole lockfile corpus laid out as one repository each: every
//! unit's findings in one fleet scan equal those of `depgate check
//! --lockfile-only` on that lockfile alone, with the same DB and policy.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;

const TODAY: &str = "2026-11-23";

type Key = (String, String, String, String, String);

fn keys(report: &Value) -> Vec<Key> {
    let mut k: Vec<Key> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (
                s(&f["rule"]),
                s(&f["level"]),
                s(&f["package"]["name"]),
                s(&f["package"]["version"]),
                s(&f["subject"]),
            )
        })
        .collect();
    k.sort();
    k
}

#[test]
fn fleet_units_agree_with_check_on_every_corpus_lockfile() {
    let Some(shared) = shared() else { return };
    let db = shared.join("advisory-db");
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("repos");
    let mut locks = BTreeMap::new();
    for e in std::fs::read_dir(shared.join("corpus/lockfiles")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "lock") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            std::fs::create_dir_all(root.join(&name).join(".git")).unwrap();
            std::fs::copy(&path, root.join(&name).join("Cargo.lock")).unwrap();
            locks.insert(name, path);
        }
    }
    assert!(locks.len() >= 99, "{} lockfiles", locks.len());
    let report = t.path().join("fleet.json");
    let out = run(depgate(t.path()).args([
        "fleet",
        "scan",
        root.to_str().unwrap(),
        "--advisory-db",
        db.to_str().unwrap(),
        "--today",
        TODAY,
        "-q",
        "--output",
        &format!("json={}", report.display()),
    ]));
    assert!(out.code <= 1, "{}", out.stderr);
    let fleet: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let units = fleet["units"].as_array().unwrap();
    assert_eq!(units.len(), locks.len());
    let names: Vec<&String> = locks.keys().collect();
    let mismatches = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(name) = names.get(i) else { break };
                    let alone = run(depgate(t.path()).args([
                        "check",
                        "--lockfile-only",
                        "--lockfile",
                        locks[*name].to_str().unwrap(),
                        "--advisory-db",
                        db.to_str().unwrap(),
                        "--today",
                        TODAY,
                        "--format",
                        "json",
                    ]));
                    let want = keys(&serde_json::from_str(&alone.stdout).unwrap());
                    let unit = units
                        .iter()
                        .find(|u| u["path"].as_str().unwrap().ends_with(name.as_str()))
                        .unwrap();
                    let got = keys(&unit["report"]);
                    if got != want || got.is_empty() {
                        mismatches.lock().unwrap().push(format!(
                            "{name}: fleet {} findings, check {}",
                            got.len(),
                            want.len()
                        ));
                    }
                }
            });
        }
    });
    let m = mismatches.into_inner().unwrap();
    assert!(m.is_empty(), "{}", m.join("\n"));
}
