//! Diff-only gating with --baseline: findings already in a previous JSON
//! report are `existing` and do not fail the gate, except a vulnerability
//! past its patch deadline and an expired waiver (`[diff] fail-existing`);
//! new ones fail; gone ones are `resolved`.

mod common;
use common::*;
use serde_json::Value;

const LOCK: &[&str] = &[
    "check",
    "--lockfile-only",
    "--manifest-path",
    "testdata/lock-vulns/Cargo.toml",
    "--advisory-db",
    "testdata/advisory-db-mini",
    "--today",
    "2026-11-23",
];

fn run_policy(dir: &std::path::Path, policy: &str, extra: &[&str]) -> (i32, Value) {
    let p = dir.join("p.toml");
    std::fs::write(&p, policy).unwrap();
    let out = run_strings(&with(
        LOCK,
        &[
            &["--policy", p.to_str().unwrap(), "--format", "json"],
            extra,
        ]
        .concat(),
    ));
    assert!(out.code < 2, "{}", out.stderr);
    (out.code, serde_json::from_str(&out.stdout).unwrap())
}

#[test]
fn only_new_findings_fail_except_overdue_and_expired() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    // The base branch: vulnerabilities without a patch window.
    let (code, v) = run_policy(dir.path(), "", &[]);
    assert_eq!(code, 1);
    std::fs::write(&base, serde_json::to_string(&v).unwrap()).unwrap();
    let b = base.to_str().unwrap();

    // Same findings against the baseline: all existing, the gate passes.
    let (code, v) = run_policy(dir.path(), "", &["--baseline", b]);
    assert_eq!(code, 0, "{v}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["diff"] == "existing")
    );
    assert_eq!(v["resolved"].as_array().unwrap().len(), 0);

    // A new ban fails; the existing vulnerabilities still do not.
    let (code, v) = run_policy(
        dir.path(),
        "[[bans.deny]]\ncrate = \"wrapper\"\n",
        &["--baseline", b],
    );
    assert_eq!(code, 1);
    let new: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["diff"] == "new")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(new, ["ban-denied-crate"]);

    // A vulnerability past its patch deadline fails even when existing...
    let sla = "[advisories.patch-sla]\ncritical = \"7d\"\nhigh = \"30d\"\nmedium = \"90d\"\nlow = \"180d\"\nunscored = \"365d\"\n";
    let (code, v) = run_policy(dir.path(), sla, &["--baseline", b]);
    assert_eq!(code, 1, "RUSTSEC-9999-0001 is 6 days overdue");
    let overdue: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["days_overdue"].is_number())
        .collect();
    assert!(!overdue.is_empty() && overdue.iter().all(|f| f["diff"] == "existing"));
    // ...unless the policy says otherwise.
    let (code, _) = run_policy(
        dir.path(),
        &format!("{sla}[diff]\nfail-existing = []\n"),
        &["--baseline", b],
    );
    assert_eq!(code, 0);

    // Findings that are gone (here: a rule set to allow) are resolved.
    let (_, v) = run_policy(
        dir.path(),
        "[levels]\nadvisory-unmaintained = \"allow\"\n",
        &["--baseline", b],
    );
    let resolved: Vec<&str> = v["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(resolved, ["advisory-unmaintained"]);
}

#[test]
fn a_bad_baseline_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.json");
    std::fs::write(&p, "{\"schema\": \"something/v9\", \"findings\": []}").unwrap();
    let out = run_strings(&with(LOCK, &["--baseline", p.to_str().unwrap()]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("b.json:1:1") && out.stderr.contains("unsupported report schema"),
        "{}",
        out.stderr
    );
    std::fs::write(&p, "not json").unwrap();
    let out = run_strings(&with(LOCK, &["--baseline", p.to_str().unwrap()]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("not a depgate JSON report"),
        "{}",
        out.stderr
    );
}
