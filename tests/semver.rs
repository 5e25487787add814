//! `depgate semver`: real rustdoc JSON builds of fixture crate pairs
//! (`testdata/semver/<pair>/{base,head}`, one module per change class),
//! with the change classes and findings in insta snapshots; refactors that
//! must report nothing; an edited JSON of an unsupported format; and one
//! end-to-end run in a temporary git repository through `check --base-ref`.

mod common;

use common::{depgate, repo, run};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn semver(home: &Path, pair: &str, extra: &[&str]) -> (i32, Value, String) {
    let base = format!("testdata/semver/{pair}/base");
    let head = format!("testdata/semver/{pair}/head/Cargo.toml");
    let out = run(depgate(home)
        .args([
            "semver",
            "--base-dir",
            &base,
            "--manifest-path",
            &head,
            "--today",
            "2026-12-01",
            "--format",
            "json",
        ])
        .args(extra));
    let v = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    (out.code, v, out.stderr)
}

/// One line per change and per finding, for the snapshot.
fn listing(v: &Value) -> String {
    let mut lines = Vec::new();
    for c in v["crates"].as_array().unwrap() {
        lines.push(format!(
            "crate {} {} -> {}: required {}, actual {}",
            c["name"].as_str().unwrap(),
            c["base_version"].as_str().unwrap_or("-"),
            c["head_version"].as_str().unwrap_or("-"),
            c["required"].as_str().unwrap(),
            c["actual"].as_str().unwrap()
        ));
        for x in c["changes"].as_array().unwrap() {
            lines.push(format!(
                "  {:5} {:20} {}  [{} -> {}]",
                x["bump"].as_str().unwrap(),
                x["kind"].as_str().unwrap(),
                x["path"].as_str().unwrap(),
                x["base"].as_str().unwrap_or("-"),
                x["head"].as_str().unwrap_or("-"),
            ));
        }
    }
    for f in v["report"]["findings"].as_array().unwrap() {
        let at = &f["locations"][0];
        lines.push(format!(
            "finding {} {} {} @ {}:{}",
            f["level"].as_str().unwrap(),
            f["rule"].as_str().unwrap(),
            f["subject"].as_str().unwrap(),
            at["path"].as_str().unwrap_or("-"),
            at["line"].as_u64().unwrap_or(0)
        ));
    }
    lines.join("\n")
}

/// The case modules (`m01_...`, `t05_...`) with at least one change.
fn cases(v: &Value) -> BTreeSet<String> {
    v["crates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["changes"].as_array().unwrap().iter())
        .filter_map(|x| x["path"].as_str()?.split("::").nth(1).map(str::to_string))
        .collect()
}

#[test]
fn change_classes_of_functions_and_types() {
    let home = tempfile::tempdir().unwrap();
    let mut all = BTreeSet::new();
    for pair in ["fns", "types"] {
        let (code, v, err) = semver(home.path(), pair, &[]);
        assert_eq!(
            code, 1,
            "{pair}: a minor bump with breaking changes fails: {err}"
        );
        all.extend(cases(&v));
        insta::assert_snapshot!(format!("semver_{pair}"), listing(&v));
    }
    let (code, v, err) = semver(home.path(), "versions", &[]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("semver_versions", listing(&v));
    let crates = v["crates"].as_array().unwrap().len();
    assert!(
        all.len() + crates >= 40,
        "{} cases: {all:?}",
        all.len() + crates
    );
}

#[test]
fn refactors_report_nothing() {
    let home = tempfile::tempdir().unwrap();
    let (code, v, err) = semver(home.path(), "noop", &[]);
    assert_eq!(code, 0, "{err}");
    let c = &v["crates"][0];
    assert_eq!(c["changes"], serde_json::json!([]), "{}", listing(&v));
    assert_eq!(c["required"], "none");
    assert_eq!(v["report"]["findings"], serde_json::json!([]));
    // The source has 10 refactor modules; each is still in the API.
    let text =
        std::fs::read_to_string(repo().join("testdata/semver/noop/head/src/lib.rs")).unwrap();
    assert_eq!(
        text.matches("pub mod n").count(),
        9,
        "n02 is a private module re-exported"
    );
}

#[test]
fn the_base_is_cached_and_unsupported_formats_are_refused() {
    let home = tempfile::tempdir().unwrap();
    let (_, first, _) = semver(home.path(), "noop", &["-v"]);
    let out = run(depgate(home.path()).args([
        "semver",
        "--base-dir",
        "testdata/semver/noop/base",
        "--manifest-path",
        "testdata/semver/noop/head/Cargo.toml",
        "--today",
        "2026-12-01",
        "-v",
        "--format",
        "json",
    ]));
    assert!(
        out.stderr.contains("base rustdoc JSON from the cache"),
        "{}",
        out.stderr
    );
    assert_eq!(
        serde_json::from_str::<Value>(&out.stdout).unwrap()["crates"],
        first["crates"]
    );
    // Edit the cached JSON to a format this build does not read.
    let cache = home.path().join("depgate-home/rustdoc/cache");
    let file = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("sv-noop-")
        })
        .expect("the base's rustdoc JSON is cached");
    let text = std::fs::read_to_string(&file).unwrap();
    let want = format!("\"format_version\":{}", depgate::semver::SUPPORTED[0]);
    assert!(text.contains(&want), "the JSON carries its format");
    std::fs::write(&file, text.replace(&want, "\"format_version\":99")).unwrap();
    let out = run(depgate(home.path()).args([
        "semver",
        "--base-dir",
        "testdata/semver/noop/base",
        "--manifest-path",
        "testdata/semver/noop/head/Cargo.toml",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("format 99 is not supported") && out.stderr.contains("reads format 57"),
        "{}",
        out.stderr
    );
    let out = run(depgate(home.path()).args(["semver", "--supported-formats"]));
    assert_eq!(out.stdout, "57\n");
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_base_ref_runs_the_api_gate_in_a_real_repository() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::create_dir(dir.join("src")).unwrap();
    let manifest = |v: &str| {
        format!("[package]\nname = \"e2e\"\nversion = \"{v}\"\nedition = \"2021\"\n\n[workspace]\n")
    };
    std::fs::write(dir.join("Cargo.toml"), manifest("1.0.0")).unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "pub fn f(x: u32) -> u32 { x }\npub fn g() {}\n",
    )
    .unwrap();
    std::fs::write(dir.join("depgate.toml"), "[semver]\napi = \"deny\"\n").unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "v1"]);
    git(dir, &["tag", "v1.0.0"]);
    std::fs::write(dir.join("Cargo.toml"), manifest("1.0.1")).unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "pub fn f(x: u64) -> u64 { x }\npub fn g() {}\n",
    )
    .unwrap();
    std::process::Command::new("cargo")
        .arg("generate-lockfile")
        .arg("--offline")
        .current_dir(dir)
        .output()
        .unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "break f"]);
    let home = tempfile::tempdir().unwrap();
    let check = |extra: &[&str]| {
        run(depgate(home.path())
            .current_dir(dir)
            .args([
                "check",
                "--base-ref",
                "v1.0.0",
                "--today",
                "2026-12-01",
                "--format",
                "json",
                "--offline",
            ])
            .args(extra))
    };
    let out = check(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let f: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "semver-insufficient-bump")
        .collect();
    let subjects: Vec<&str> = f.iter().map(|f| f["subject"].as_str().unwrap()).collect();
    assert_eq!(
        subjects,
        ["e2e::f parameter-type", "e2e::f return-type"],
        "{v}"
    );
    assert_eq!(f[0]["properties"]["head"], "fn(u64) -> u64");
    assert_eq!(f[0]["locations"][0]["path"], "src/lib.rs");
    assert_eq!(f[0]["diff"], "new", "{}", f[0]);
    // Building rustdoc runs build scripts: never in lockfile-only mode.
    let out = check(&["--lockfile-only"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--lockfile-only"), "{}", out.stderr);
    // A base that does not build is exit 2 with the failing command.
    std::fs::write(dir.join("src/lib.rs"), "pub fn f(x: u64) -> u64 { x }\n").unwrap();
    git(dir, &["commit", "-qam", "ok"]);
    std::fs::write(dir.join("src/lib.rs"), "this is not rust\n").unwrap();
    git(dir, &["commit", "-qam", "broken"]);
    std::fs::write(dir.join("src/lib.rs"), "pub fn f(x: u64) -> u64 { x }\n").unwrap();
    let out = run(depgate(home.path())
        .current_dir(dir)
        .args(["semver", "--base-ref", "HEAD"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cargo rustdoc") && out.stderr.contains("error"),
        "{}",
        out.stderr
    );
}

#[test]
fn deprecated_apis_of_dependencies_warn_then_deny() {
    let home = tempfile::tempdir().unwrap();
    let dir = "testdata/semver/deprecated-apis/app";
    let out = run(depgate(home.path()).args([
        "semver",
        "--base-dir",
        dir,
        "--manifest-path",
        &format!("{dir}/Cargo.toml"),
        "--today",
        "2026-12-01",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let got: Vec<(String, String, u64)> = v["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["level"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
                f["locations"][0]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let at = |line: u32| format!("{dir}/src/lib.rs:{line}");
    assert_eq!(
        got,
        [
            (
                "deny".to_string(),
                format!("old_crate::module::function @ {}", at(2)),
                24
            ),
            (
                "warn".to_string(),
                format!("old_crate::module::later @ {}", at(3)),
                24
            ),
            (
                "info".to_string(),
                format!("old_crate::untracked @ {}", at(4)),
                16
            ),
        ]
    );
    let text = serde_json::to_string(&v).unwrap();
    assert!(
        text.contains("(90 days left)") && text.contains("(30 days ago)"),
        "{text}"
    );
}
