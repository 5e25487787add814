//! The fixture workspace end to end: findings, exposure, targets, and
//! snapshots of the human and JSON reports (checked by eye).

mod common;
use common::*;

#[test]
fn human_report_snapshot() {
    let out = run_strings(&with(WS_BASIC, &[]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!("ws_basic_human", out.stdout);
}

#[test]
fn json_report_snapshot() {
    let out = run_strings(&with(WS_BASIC, &["--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["schema"], "depgate.report/v1");
    insta::assert_snapshot!("ws_basic_json", out.stdout);
}

fn findings(extra: &[&str]) -> Vec<serde_json::Value> {
    let out = run_strings(&with(WS_BASIC, &[&["--format", "json"], extra].concat()));
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v["findings"].as_array().unwrap().clone()
}

fn find<'a>(fs: &'a [serde_json::Value], rule: &str, krate: &str) -> Option<&'a serde_json::Value> {
    fs.iter()
        .find(|f| f["rule"] == rule && f["package"]["name"] == krate)
}

#[test]
fn expected_findings_and_exposure() {
    let fs = findings(&[]);
    let git = find(&fs, "source-git-unpinned", "gitdep-branch").expect("unpinned git dep");
    assert_eq!(git["level"], "deny");
    // The manifest line of the declaration, and the Cargo.lock entry.
    let paths: Vec<&str> = git["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "testdata/ws-basic/Cargo.lock",
            "testdata/ws-basic/crates/app/Cargo.toml"
        ]
    );
    assert!(
        find(&fs, "source-git-unpinned", "gitdep-pinned").is_none(),
        "a rev-pinned git dep is fine"
    );
    let ryu = find(&fs, "ban-denied-crate", "ryu").expect("dev-only ban");
    assert_eq!(
        (ryu["exposure"].as_str(), ryu["level"].as_str()),
        (Some("dev-only"), Some("warn"))
    );
    assert_eq!(ryu["level_source"], "exposure-cap");
    assert!(
        find(&fs, "ban-denied-crate", "memchr").is_none(),
        "memchr is only used by its wrapper"
    );
    assert!(find(&fs, "source-path-outside-workspace", "outside-lib").is_some());
}

#[test]
fn every_target_is_active_without_target_flag() {
    // cfg-if is a cfg(windows) dependency; a ban on it shows its exposure.
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.toml");
    std::fs::write(
        &policy,
        "[[bans.deny]]\ncrate = \"cfg-if\"\n[exposure]\ninactive-target = \"info\"\n",
    )
    .unwrap();
    let p = policy.to_str().unwrap();
    let all = findings(&["--policy", p]);
    let f = find(&all, "ban-denied-crate", "cfg-if").unwrap();
    assert_eq!(
        (f["exposure"].as_str(), f["level"].as_str()),
        (Some("normal"), Some("deny"))
    );
    let linux = findings(&["--policy", p, "--target", "x86_64-unknown-linux-gnu"]);
    let f = find(&linux, "ban-denied-crate", "cfg-if").unwrap();
    assert_eq!(
        (f["exposure"].as_str(), f["level"].as_str()),
        (Some("inactive-target"), Some("info"))
    );
    let windows = findings(&["--policy", p, "--target", "x86_64-pc-windows-msvc"]);
    assert_eq!(
        find(&windows, "ban-denied-crate", "cfg-if").unwrap()["exposure"],
        "normal"
    );
}

#[test]
fn build_only_exposure() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.toml");
    std::fs::write(&policy, "[[bans.deny]]\ncrate = \"autocfg\"\n").unwrap();
    let fs = findings(&["--policy", policy.to_str().unwrap()]);
    assert_eq!(
        find(&fs, "ban-denied-crate", "autocfg").unwrap()["exposure"],
        "build-only"
    );
}

#[test]
fn lockfile_only_mode_on_the_fixture() {
    let out = depgate_args(&[
        "check",
        "--lockfile-only",
        "--manifest-path",
        "testdata/ws-basic/Cargo.toml",
        "--today",
        "2026-11-23",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["workspace"]["mode"], "lockfile-only");
    let fs = v["findings"].as_array().unwrap();
    let git = find(fs, "source-git-unpinned", "gitdep-branch").unwrap();
    assert_eq!(git["exposure"], "unknown");
    // In lockfile mode, a dev-only crate is not known to be dev-only.
    assert_eq!(
        find(fs, "ban-denied-crate", "ryu").unwrap()["level"],
        "deny"
    );
    // Path locations are unknown without manifests.
    assert!(find(fs, "source-path-outside-workspace", "outside-lib").is_none());
}

#[test]
fn inverse_paths_name_the_member() {
    let fs = findings(&[]);
    let itoa = find(&fs, "ban-denied-crate", "itoa").unwrap();
    assert_eq!(itoa["paths"][0], "fixture-app 0.2.0 -> itoa 1.0.19");
}

#[test]
fn output_files_are_written_and_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    let h = dir.path().join("h.txt");
    let out_a = format!("json={}", a.display());
    let out_h = format!("human={}", h.display());
    let r1 = run_strings(&with(
        WS_BASIC,
        &["--output", &out_a, "--output", &out_h, "-q"],
    ));
    assert_eq!(r1.code, 1);
    assert_eq!(r1.stdout, "", "-q prints no human report");
    let out_b = format!("json={}", b.display());
    run_strings(&with(WS_BASIC, &["--output", &out_b, "-q"]));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(std::fs::read_to_string(&h).unwrap().contains("gate failed"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .collect();
    assert!(leftovers.is_empty(), "no temp files left behind");
}

#[test]
fn color_follows_flag_and_cargo_term_color() {
    let always = run_strings(&with(WS_BASIC, &["--color", "always"]));
    assert!(always.stdout.contains("\x1b["));
    let never = run_strings(&with(WS_BASIC, &["--color", "never"]));
    assert!(!never.stdout.contains("\x1b["));
    let home = tempfile::tempdir().unwrap();
    let env = run(depgate(home.path())
        .args(WS_BASIC)
        .env("CARGO_TERM_COLOR", "always"));
    assert!(env.stdout.contains("\x1b["));
}

#[test]
fn closed_stdout_is_not_an_error() {
    use std::process::Stdio;
    let home = tempfile::tempdir().unwrap();
    let mut child = depgate(home.path())
        .args(WS_BASIC)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -0`
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the exit code is still the verdict"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn markdown_summary_snapshot() {
    let out = run_strings(&with(WS_BASIC, &["--format", "markdown"]));
    assert_eq!(out.code, 1);
    assert!(out.stdout.len() < 1024 * 1024);
    insta::assert_snapshot!("ws_basic_markdown", out.stdout);
}

#[test]
fn gitlab_codequality_report() {
    let out = run_strings(&with(WS_BASIC, &["--format", "gitlab-codequality"]));
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let issues = v.as_array().unwrap();
    assert_eq!(
        issues.len(),
        7,
        "the fixture findings, two path-only dependencies and the stale embedded DB"
    );
    for i in issues {
        for key in [
            "description",
            "check_name",
            "fingerprint",
            "severity",
            "location",
        ] {
            assert!(!i[key].is_null(), "{key} missing in {i}");
        }
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() > 0);
    }
}
