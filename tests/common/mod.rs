//! Shared test helpers: run the depgate binary hermetically, and find the
//! shared corpus beside the repository.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` when present. Without it the test is skipped loudly, unless
/// `DEPGATE_REQUIRE_CORPUS=1` (set by `.ci/run`), which makes it a failure.
pub fn shared() -> Option<PathBuf> {
    let dir = repo().join("../shared");
    if dir.join("corpus").is_dir() {
        return Some(dir);
    }
    if std::env::var("DEPGATE_REQUIRE_CORPUS").is_ok_and(|v| v == "1") {
        panic!("DEPGATE_REQUIRE_CORPUS=1 but {} is missing", dir.display());
    }
    eprintln!(
        "\n*** SKIPPED: the shared corpus {} is missing; set DEPGATE_REQUIRE_CORPUS=1 to fail instead ***\n",
        dir.display()
    );
    None
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A depgate command with a hermetic environment: temporary CARGO_HOME and
/// DEPGATE_HOME, no colour, and no inherited DEPGATE_TODAY.
pub fn depgate(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_depgate"));
    cmd.current_dir(repo())
        .env("CARGO_HOME", home.join("cargo-home"))
        .env("DEPGATE_HOME", home.join("depgate-home"))
        .env_remove("DEPGATE_TODAY")
        .env_remove("CARGO_TERM_COLOR")
        .env("NO_COLOR", "1");
    cmd
}

pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("run depgate");
    let o = Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !o.stderr.contains("panicked"),
        "depgate panicked:\n{}",
        o.stderr
    );
    o
}

/// Runs depgate with `args` in a fresh temp home.
pub fn depgate_args(args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("tempdir");
    run(depgate(home.path()).args(args))
}

/// The fixture workspace checked with its pre-generated metadata.
pub const WS_BASIC: &[&str] = &[
    "check",
    "--manifest-path",
    "testdata/ws-basic/Cargo.toml",
    "--metadata-path",
    "testdata/ws-basic/metadata.json",
    "--today",
    "2026-11-23",
];

pub fn with(base: &[&str], extra: &[&str]) -> Vec<String> {
    base.iter().chain(extra).map(|s| s.to_string()).collect()
}

pub fn run_strings(args: &[String]) -> Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    depgate_args(&refs)
}

/// Findings of `depgate check` on a corpus metadata graph and its lockfile
/// (`graph` names `corpus/metadata/<graph>.json`) under `policy` (TOML).
pub fn corpus_graph_findings(
    shared: &Path,
    graph: &str,
    lock: &str,
    policy: &str,
) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("p.toml");
    std::fs::write(&p, policy).expect("write policy");
    let meta = shared.join("corpus/metadata").join(format!("{graph}.json"));
    let lockfile = shared.join("corpus/lockfiles").join(lock);
    let args = [
        "check",
        "--metadata-path",
        meta.to_str().unwrap(),
        "--lockfile",
        lockfile.to_str().unwrap(),
        "--policy",
        p.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        "2026-11-23",
    ];
    let out = depgate_args(&args);
    assert!(out.code < 2, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON report");
    v["findings"].as_array().cloned().unwrap_or_default()
}
