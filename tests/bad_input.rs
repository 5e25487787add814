//! Bad input fails closed: exit code 2, a message that names the file and
//! line (or the flag, JSON path or key), and never a panic or a report.
//!
//! The cases are the directories of `testdata/bad-input/`: each holds the
//! files of one case and a `case.toml` (see [`Case`]). A case runs on a
//! temporary copy of its directory, so nothing is ever written into
//! `testdata/`. To add a case, add a directory: no code changes.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The readers a case may exercise (`reader` in case.toml).
const READERS: &[&str] = &[
    "lockfile",
    "policy",
    "extends",
    "metadata",
    "baseline",
    "advisory-db",
    "fleet-report",
    "cli",
    "toolchain",
    "manifest",
    "sbom",
    "artifact",
    "release",
];

/// Shard variables of CI engines; a case never inherits them.
const SHARD_VARS: [&str; 4] = [
    "JOB_COMPLETION_INDEX",
    "CI_NODE_INDEX",
    "CI_NODE_TOTAL",
    "DEPGATE_SHARD_COUNT",
];

/// One `testdata/bad-input/<NNN-name>/case.toml`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// Which reader the case exercises: one of [`READERS`].
    reader: String,
    /// One line: what is wrong with the input.
    what: String,
    /// `bad` (the default): a bad input. `same-as`: a valid variant whose
    /// exit code and stdout must equal those of the case `same_as`.
    /// `valid`: a valid input, only run as the reference of a `same-as`.
    #[serde(default = "bad")]
    kind: String,
    /// For `kind = "same-as"`: the directory name of the reference case.
    same_as: Option<String>,
    /// Arguments; `{dir}` is the temporary copy of the case directory and
    /// `{repo}` the repository root.
    args: Vec<String>,
    /// Substrings stderr must contain: the file:line (or JSON path, key or
    /// flag) and the message.
    #[serde(default)]
    expect: Vec<String>,
    /// The exit code (default 2).
    #[serde(default = "two")]
    exit: i32,
    /// Whether stdout may be non-empty (a fleet scan reports its error rows).
    #[serde(default)]
    stdout_allowed: bool,
    /// Substrings stdout must contain.
    #[serde(default)]
    expect_stdout: Vec<String>,
}

fn bad() -> String {
    "bad".into()
}

fn two() -> i32 {
    2
}

fn corpus() -> PathBuf {
    repo().join("testdata/bad-input")
}

/// Every case directory, sorted by name, with its parsed case.toml.
fn cases() -> Vec<(String, Case)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("testdata/bad-input")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(dir.join("case.toml"))
            .unwrap_or_else(|e| panic!("{name}/case.toml: {e}"));
        let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}/case.toml: {e}"));
        assert!(
            READERS.contains(&case.reader.as_str()),
            "{name}: unknown reader `{}` (one of {READERS:?})",
            case.reader
        );
        assert!(
            ["bad", "same-as", "valid"].contains(&case.kind.as_str()),
            "{name}: unknown kind `{}`",
            case.kind
        );
        assert!(!case.what.trim().is_empty(), "{name}: empty `what`");
        out.push((name, case));
    }
    out
}

/// Copies the directory `from` to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs the case `name` on a temporary copy of its directory, in a
/// hermetic environment. The copy's path reads `{dir}` in the output.
fn run_case(name: &str, case: &Case) -> Output {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("case");
    copy_dir(&corpus().join(name), &dir);
    let d = dir.to_str().unwrap();
    let root = repo();
    let r = root.to_str().unwrap();
    let mut cmd = depgate(t.path());
    for var in SHARD_VARS {
        cmd.env_remove(var);
    }
    cmd.args(
        case.args
            .iter()
            .map(|a| a.replace("{dir}", d).replace("{repo}", r)),
    );
    let out = run(&mut cmd);
    Output {
        code: out.code,
        stdout: out.stdout.replace(d, "{dir}"),
        stderr: out.stderr.replace(d, "{dir}"),
    }
}

/// What is wrong with the outcome of a bad-input case, if anything.
fn check_bad(name: &str, case: &Case) -> Option<String> {
    let out = run_case(name, case);
    let mut problems = Vec::new();
    if out.code != case.exit {
        problems.push(format!("exit {} (expected {})", out.code, case.exit));
    }
    for e in case
        .expect
        .iter()
        .filter(|e| !out.stderr.contains(e.as_str()))
    {
        problems.push(format!("stderr lacks {e:?}"));
    }
    if !case.stdout_allowed && !out.stdout.is_empty() {
        problems.push("stdout is not empty".into());
    }
    for e in case
        .expect_stdout
        .iter()
        .filter(|e| !out.stdout.contains(e.as_str()))
    {
        problems.push(format!("stdout lacks {e:?}"));
    }
    if problems.is_empty() {
        return None;
    }
    Some(format!(
        "{name} [{}] {}: {}\nstderr: {}\nstdout: {}",
        case.reader,
        case.what,
        problems.join("; "),
        out.stderr,
        out.stdout
    ))
}

#[test]
fn every_bad_input_exits_2_and_names_the_place() {
    let mut per_reader: BTreeMap<&str, usize> = READERS.iter().map(|r| (*r, 0)).collect();
    let mut failures = Vec::new();
    let all = cases();
    for (name, case) in all.iter().filter(|(_, c)| c.kind == "bad") {
        assert!(
            !case.expect.is_empty() || !case.expect_stdout.is_empty(),
            "{name}: a case must expect something"
        );
        *per_reader.get_mut(case.reader.as_str()).unwrap() += 1;
        failures.extend(check_bad(name, case));
    }
    let total: usize = per_reader.values().sum();
    eprintln!("bad-input cases per reader ({total} in all):");
    for (reader, n) in &per_reader {
        eprintln!("  {reader:<13} {n}");
    }
    assert!(
        total >= 50,
        "only {total} bad-input cases; expected at least 50"
    );
    assert!(
        per_reader.values().all(|n| *n > 0),
        "every reader needs a case: {per_reader:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} bad-input cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The first line where `a` and `b` differ, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    let (mut la, mut lb) = (a.lines(), b.lines());
    for n in 1.. {
        match (la.next(), lb.next()) {
            (None, None) => break,
            (x, y) if x == y => continue,
            (x, y) => return format!("line {n}: {x:?} vs {y:?}"),
        }
    }
    "only the line endings differ".into()
}

#[test]
fn valid_variants_parse_the_same() {
    let all = cases();
    let mut failures = Vec::new();
    let variants: Vec<&(String, Case)> = all.iter().filter(|(_, c)| c.kind == "same-as").collect();
    assert!(variants.len() >= 2, "expected the BOM and CRLF variants");
    for (name, case) in variants {
        let reference = case
            .same_as
            .as_deref()
            .unwrap_or_else(|| panic!("{name}: kind = \"same-as\" without `same_as`"));
        let (_, base) = all
            .iter()
            .find(|(n, _)| n == reference)
            .unwrap_or_else(|| panic!("{name}: `same_as` names no case directory `{reference}`"));
        let (got, want) = (run_case(name, case), run_case(reference, base));
        if got.code >= 2 || want.code >= 2 || got.stdout.is_empty() {
            failures.push(format!(
                "{name}: exit {} ({reference}: exit {}), or no report\nstderr: {}\n{reference} stderr: {}",
                got.code, want.code, got.stderr, want.stderr
            ));
        } else if got.code != want.code || got.stdout != want.stdout {
            failures.push(format!(
                "{name} differs from {reference}: exit {} vs {}; {}",
                got.code,
                want.code,
                first_difference(&got.stdout, &want.stdout)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn setup(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn a_failing_run_leaves_no_half_written_report() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &[("Cargo.lock", "version = 9\n")]);
    let d = dir.path().to_str().unwrap();
    let report = dir.path().join("report.json");
    let out = run_strings(&[
        "check".into(),
        "--lockfile-only".into(),
        "--manifest-path".into(),
        format!("{d}/Cargo.toml"),
        "--output".into(),
        format!("json={}", report.display()),
    ]);
    assert_eq!(out.code, 2);
    assert!(!report.exists());
}
