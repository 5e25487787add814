//! The composite GitHub Action: its structure (required keys, a shell on
//! every run step, actions pinned to full commit SHAs, inputs only through
//! `env:`), and its shell steps run locally with simulated GITHUB_*
//! variables against the fixture workspace.

mod common;
use common::*;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn action() -> Value {
    serde_yaml_ng::from_str(&std::fs::read_to_string(repo().join("action.yml")).unwrap()).unwrap()
}

fn steps(a: &Value) -> Vec<Value> {
    a["runs"]["steps"].as_sequence().unwrap().clone()
}

const PINNED: &[&str] = &[
    "actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae",
    "github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e",
];

#[test]
fn action_structure() {
    let a = action();
    for key in ["name", "description", "inputs", "outputs", "runs"] {
        assert!(!a[key].is_null(), "action.yml lacks `{key}`");
    }
    assert_eq!(a["runs"]["using"], "composite");
    for input in [
        "args",
        "policy",
        "working-directory",
        "sarif",
        "summary",
        "fail-on",
        "category",
    ] {
        assert!(
            !a["inputs"][input]["description"].is_null(),
            "input `{input}`"
        );
    }
    for step in steps(&a) {
        let name = step["name"].as_str().unwrap_or("?");
        if let Some(run) = step["run"].as_str() {
            assert!(
                step["shell"].as_str().is_some(),
                "step `{name}` has no shell"
            );
            assert!(
                !run.contains("${{"),
                "step `{name}` interpolates an expression into shell"
            );
        }
        if let Some(uses) = step["uses"].as_str() {
            let (_, sha) = uses.split_once('@').unwrap();
            assert!(
                sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                "`{uses}` is not pinned to a SHA"
            );
            assert!(PINNED.contains(&uses), "unexpected action `{uses}`");
        }
    }
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    assert!(
        !text
            .lines()
            .any(|l| l.contains("${{ inputs.") && l.trim_start().starts_with("run:"))
    );
}

/// Evaluates the two expression forms the action uses in `env:`.
fn eval(expr: &str, inputs: &BTreeMap<&str, &str>, outputs: &BTreeMap<String, String>) -> String {
    let Some(inner) = expr
        .trim()
        .strip_prefix("${{")
        .and_then(|e| e.strip_suffix("}}"))
    else {
        return expr.to_string();
    };
    let inner = inner.trim();
    if let Some(name) = inner.strip_prefix("inputs.") {
        return inputs.get(name).unwrap_or(&"").to_string();
    }
    if let Some(rest) = inner.strip_prefix("steps.") {
        let (step, key) = rest.split_once(".outputs.").unwrap();
        return outputs
            .get(&format!("{step}.{key}"))
            .cloned()
            .unwrap_or_default();
    }
    String::new() // github.* context: empty in this simulation
}

/// Runs every shell step except the install (the test binary is on PATH
/// instead); returns the exit code of the last step.
fn run_action(inputs: &BTreeMap<&str, &str>, workdir: &Path) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_depgate"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut outputs: BTreeMap<String, String> = BTreeMap::new();
    let mut last = 0;
    for step in steps(&action()) {
        let (Some(run), Some(id)) = (
            step["run"].as_str(),
            step["id"].as_str().or(step["name"].as_str()),
        ) else {
            continue;
        };
        if id == "install" {
            continue;
        }
        let cond = step["if"].as_str().unwrap_or("");
        if cond.contains("inputs.summary == 'true'") && inputs["summary"] != "true" {
            continue;
        }
        if cond.contains("steps.fork.outputs.fork == 'true'")
            && outputs.get("fork.fork").map(String::as_str) != Some("true")
        {
            continue;
        }
        let out_file = tmp.path().join(format!("{id}.out"));
        std::fs::write(&out_file, "").unwrap();
        let mut cmd = std::process::Command::new("bash");
        cmd.arg("-e").arg("-c").arg(run).current_dir(workdir);
        cmd.env("PATH", &path)
            .env("GITHUB_OUTPUT", &out_file)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_ACTION_PATH", repo())
            .env("RUNNER_TEMP", tmp.path())
            .env("DEPGATE_HOME", tmp.path().join("home"))
            .env("CARGO_HOME", tmp.path().join("cargo-home"))
            .env("DEPGATE_TODAY", "2026-11-23");
        if let Some(env) = step["env"].as_mapping() {
            for (k, v) in env {
                cmd.env(
                    k.as_str().unwrap(),
                    eval(v.as_str().unwrap_or(""), inputs, &outputs),
                );
            }
        }
        let status = cmd.status().unwrap();
        last = status.code().unwrap_or(-1);
        for line in std::fs::read_to_string(&out_file).unwrap().lines() {
            if let Some((k, v)) = line.split_once('=') {
                outputs.insert(format!("{id}.{k}"), v.to_string());
            }
        }
    }
    (last, std::fs::read_to_string(&summary).unwrap_or_default())
}

fn fixture_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["Cargo.toml", "Cargo.lock", "depgate.toml"] {
        std::fs::copy(repo().join("testdata/ws-basic").join(f), dir.path().join(f)).unwrap();
    }
    dir
}

#[test]
fn shell_steps_run_locally() {
    let dir = fixture_dir();
    let mut inputs = BTreeMap::from([
        ("args", "--lockfile-only"),
        ("policy", ""),
        ("working-directory", "."),
        ("sarif", "true"),
        ("summary", "true"),
        ("fail-on", "deny"),
        ("category", "deps"),
    ]);
    let (code, summary) = run_action(&inputs, dir.path());
    assert_eq!(code, 1, "the fixture fails the gate");
    assert!(summary.contains("depgate: gate failed"), "{summary}");
    inputs.insert("fail-on", "never");
    assert_eq!(
        run_action(&inputs, dir.path()).0,
        0,
        "fail-on never passes on findings"
    );
    inputs.insert("args", "--lockfile-only --today not-a-date");
    assert_eq!(
        run_action(&inputs, dir.path()).0,
        2,
        "an error still fails with fail-on never"
    );
    inputs.insert("args", "--lockfile-only");
    inputs.insert("fail-on", "sometimes");
    assert_eq!(run_action(&inputs, dir.path()).0, 2);
}
