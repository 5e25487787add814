//! `--base-ref` in a real temporary git repository: findings at the base
//! revision are computed in-process, only new ones fail, and policy
//! changes that weaken the gate are `policy-weakened` findings at the
//! changed lines. The worktree used for the base is cleaned up.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args([
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

const BASE_POLICY: &str = "[sources]\ngit = \"allow\"\n";

fn repo_with_base(dir: &Path) {
    std::fs::copy(
        repo().join("testdata/lock-vulns/Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
    std::fs::write(dir.join("depgate.toml"), BASE_POLICY).unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "base"]);
}

fn check(dir: &Path, extra: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let db = repo().join("testdata/advisory-db-mini");
    run(depgate(home.path())
        .current_dir(dir)
        .args([
            "check",
            "--lockfile-only",
            "--today",
            "2026-11-23",
            "--format",
            "json",
            "--advisory-db",
        ])
        .arg(db)
        .args(extra))
}

#[test]
fn base_ref_gates_only_new_findings_and_flags_weakened_policy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repo_with_base(d);
    // Unchanged: every finding is existing, the gate passes.
    let same = check(d, &["--base-ref", "HEAD"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    // The change: a new ban, a waiver, and a lowered level.
    std::fs::write(
        d.join("depgate.toml"),
        format!("{BASE_POLICY}\n[levels]\nadvisory-unmaintained = \"info\"\n\n[[bans.deny]]\ncrate = \"wrapper\"\n\n[[waivers]]\nid = \"RUSTSEC-9999-0001\"\nreason = \"not reachable\"\nexpires = 2027-01-01\n"),
    )
    .unwrap();
    let out = check(d, &["--base-ref", "HEAD"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let fs = v["findings"].as_array().unwrap();
    let new: Vec<&str> = fs
        .iter()
        .filter(|f| f["diff"] == "new")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(new.contains(&"ban-denied-crate"), "{new:?}");
    let weakened: Vec<(&str, u64)> = fs
        .iter()
        .filter(|f| f["rule"] == "policy-weakened")
        .map(|f| {
            (
                f["subject"].as_str().unwrap(),
                f["locations"][0]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        weakened.contains(&("level:advisory-unmaintained", 5)),
        "{weakened:?}"
    );
    assert!(
        weakened
            .iter()
            .any(|(s, l)| s.starts_with("waiver:") && *l == 10),
        "{weakened:?}"
    );
    assert!(
        fs.iter()
            .filter(|f| f["rule"] == "advisory-vulnerability")
            .all(|f| f["diff"] == "existing")
    );
    // The base worktree is gone again.
    let list = Command::new("git")
        .args(["worktree", "list"])
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&list.stdout).lines().count(), 1);
}

#[test]
fn a_bad_base_ref_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    repo_with_base(dir.path());
    let out = check(dir.path(), &["--base-ref", "no-such-branch"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no-such-branch"), "{}", out.stderr);
}
