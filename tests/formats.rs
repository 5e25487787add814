//! insta snapshots of every machine format on one fixture with
//! vulnerability, informational and ban findings (the synthetic advisory
//! lockfile plus a ban), checked by eye.

mod common;
use common::*;

fn report(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(&p, "[[bans.deny]]\ncrate = \"wrapper\"\nreason = \"fixture ban\"\nuse-instead = \"demo-v4 directly\"\n").unwrap();
    let out = depgate_args(&[
        "check",
        "--lockfile-only",
        "--manifest-path",
        "testdata/lock-vulns/Cargo.toml",
        "--advisory-db",
        "testdata/advisory-db-mini",
        "--today",
        "2026-11-23",
        "--policy",
        p.to_str().unwrap(),
        "--format",
        format,
    ]);
    assert_eq!(out.code, 1, "{format}: {}", out.stderr);
    // The policy lives in a temporary directory: name it stably.
    out.stdout.replace(p.to_str().unwrap(), "POLICY")
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("formats_sarif", report("sarif"));
}

#[test]
fn gitlab_codequality_snapshot() {
    insta::assert_snapshot!("formats_gitlab_codequality", report("gitlab-codequality"));
}

#[test]
fn gitlab_dependency_scanning_snapshot() {
    insta::assert_snapshot!(
        "formats_gitlab_dependency_scanning",
        report("gitlab-dependency-scanning")
    );
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("formats_markdown", report("markdown"));
}
