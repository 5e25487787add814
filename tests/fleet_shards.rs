//! The shard/merge contract, run for real: N separate depgate processes in
//! parallel, each scanning its shard, then `fleet merge`. The merged report
//! is byte-identical to an unsharded scan for N = 1, 3 and 7 (with empty
//! shards), in any order; incomplete or mismatched shard sets are exit 2.

mod common;
use common::*;
use std::path::{Path, PathBuf};

const DB: &str = "testdata/advisory-db-mini";
const TODAY: &str = "2026-11-23";

fn fleet(root: &Path) {
    let vulns = std::fs::read_to_string(repo().join("testdata/lock-vulns/Cargo.lock")).unwrap();
    let small = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n";
    for (i, name) in ["api", "billing", "core", "docs", "edge"]
        .iter()
        .enumerate()
    {
        let dir = root.join(name);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(
            dir.join("Cargo.lock"),
            if i % 2 == 0 { &vulns } else { small },
        )
        .unwrap();
        std::fs::create_dir_all(dir.join("fuzz")).unwrap();
        std::fs::write(dir.join("fuzz/Cargo.lock"), small).unwrap();
    }
}

fn scan_cmd(home: &Path, root: &Path, extra: &[String]) -> std::process::Command {
    let mut cmd = depgate(home);
    for var in [
        "JOB_COMPLETION_INDEX",
        "DEPGATE_SHARD_COUNT",
        "CI_NODE_INDEX",
        "CI_NODE_TOTAL",
    ] {
        cmd.env_remove(var);
    }
    cmd.args(["fleet", "scan", "--advisory-db", DB, "--today", TODAY, "-q"])
        .arg(root)
        .args(extra);
    cmd
}

/// Runs the N shards as parallel processes; returns their report paths.
fn shards(home: &Path, root: &Path, n: u32) -> Vec<PathBuf> {
    let mut children = Vec::new();
    let mut paths = Vec::new();
    for k in 1..=n {
        let path = home.join(format!("shard-{k}-of-{n}.json"));
        let extra = vec![
            "--shard".to_string(),
            format!("{k}/{n}"),
            "--output".to_string(),
            format!("json={}", path.display()),
        ];
        let mut cmd = scan_cmd(home, root, &extra);
        cmd.stderr(std::process::Stdio::null());
        children.push(cmd.spawn().unwrap());
        paths.push(path);
    }
    for mut c in children {
        let code = c.wait().unwrap().code().unwrap();
        assert!(code <= 1, "a shard exited {code}");
    }
    paths
}

fn merge(home: &Path, parts: &[PathBuf], out: &Path) -> Output {
    let mut cmd = depgate(home);
    cmd.args(["fleet", "merge", "-q", "--output"])
        .arg(format!("json={}", out.display()))
        .args(parts);
    run(&mut cmd)
}

#[test]
fn merged_shards_equal_an_unsharded_scan() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path();
    let root = home.join("repos");
    fleet(&root);
    let whole = home.join("whole.json");
    let out = run(&mut scan_cmd(
        home,
        &root,
        &["--output".into(), format!("json={}", whole.display())],
    ));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let want = std::fs::read(&whole).unwrap();
    for n in [1, 3, 7] {
        let parts = shards(home, &root, n);
        let sizes: Vec<usize> = parts
            .iter()
            .map(|p| {
                let v: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
                v["units"].as_array().unwrap().len()
            })
            .collect();
        assert_eq!(sizes.iter().sum::<usize>(), 10);
        if n == 7 {
            assert!(
                sizes.contains(&0),
                "5 repositories over 7 shards leave one empty: {sizes:?}"
            );
        }
        for p in &parts {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            assert!(v["shard"]["count"] == n, "a shard report carries its shard");
        }
        let merged = home.join(format!("merged-{n}.json"));
        let out = merge(home, &parts, &merged);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            std::fs::read(&merged).unwrap() == want,
            "N = {n}: merged differs from the unsharded scan"
        );
        // The order of the shard files does not matter.
        let mut reversed = parts.clone();
        reversed.reverse();
        let again = home.join(format!("merged-{n}-rev.json"));
        merge(home, &reversed, &again);
        assert!(std::fs::read(&again).unwrap() == want);
    }
}

#[test]
fn incomplete_or_mismatched_shards_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path();
    let root = home.join("repos");
    fleet(&root);
    let parts = shards(home, &root, 3);
    let out = home.join("m.json");
    let missing = merge(home, &parts[..2], &out);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("shard 3/3 is missing"),
        "{}",
        missing.stderr
    );
    let twice = merge(
        home,
        &[
            parts[0].clone(),
            parts[0].clone(),
            parts[1].clone(),
            parts[2].clone(),
        ],
        &out,
    );
    assert_eq!(twice.code, 2);
    assert!(
        twice.stderr.contains("shard 1/3 is also"),
        "{}",
        twice.stderr
    );
    // A shard made under another policy (here: a command-line level).
    let other = home.join("other.json");
    let extra = ["--shard", "3/3", "-D", "advisory-notice", "--output"].map(String::from);
    let mut extra = extra.to_vec();
    extra.push(format!("json={}", other.display()));
    run(&mut scan_cmd(home, &root, &extra));
    let mixed = merge(home, &[parts[0].clone(), parts[1].clone(), other], &out);
    assert_eq!(mixed.code, 2);
    assert!(
        mixed.stderr.contains("different `policy`"),
        "{}",
        mixed.stderr
    );
    assert!(!out.exists(), "no merged report on a refused merge");
    // An unsharded report is not a shard.
    let whole = home.join("whole.json");
    run(&mut scan_cmd(
        home,
        &root,
        &["--output".into(), format!("json={}", whole.display())],
    ));
    let not_shard = merge(home, &[whole], &out);
    assert_eq!(not_shard.code, 2);
    assert!(
        not_shard.stderr.contains("not a shard report"),
        "{}",
        not_shard.stderr
    );
}

#[test]
fn shard_auto_reads_the_engines_variables() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path();
    let root = home.join("repos");
    fleet(&root);
    let explicit = shards(home, &root, 3);
    let auto = |vars: &[(&str, &str)], extra: &[&str], name: &str| {
        let path = home.join(name);
        let mut args: Vec<String> = vec!["--shard".into(), "auto".into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(["--output".into(), format!("json={}", path.display())]);
        let mut cmd = scan_cmd(home, &root, &args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = run(&mut cmd);
        assert!(out.code <= 1, "{}", out.stderr);
        std::fs::read(path).unwrap()
    };
    let second = std::fs::read(&explicit[1]).unwrap();
    // Kubernetes Indexed Job: 0-based index.
    assert!(
        auto(
            &[("JOB_COMPLETION_INDEX", "1")],
            &["--shard-count", "3"],
            "k8s.json"
        ) == second
    );
    assert!(
        auto(
            &[("JOB_COMPLETION_INDEX", "1"), ("DEPGATE_SHARD_COUNT", "3")],
            &[],
            "k8s-env.json"
        ) == second
    );
    // GitLab parallel: 1-based.
    assert!(
        auto(
            &[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "3")],
            &[],
            "gitlab.json"
        ) == second
    );
    let none = run(&mut scan_cmd(
        home,
        &root,
        &["--shard".into(), "auto".into()],
    ));
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("JOB_COMPLETION_INDEX"));
}
