//! Requirement hygiene on a real workspace: `cargo metadata --offline`
//! runs on a temporary workspace of path crates (no network needed), and
//! every finding points at the member's Cargo.toml line.

mod common;
use common::*;
use std::path::Path;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn workspace(dir: &Path, app_version: &str) {
    write(
        &dir.join("Cargo.toml"),
        "[workspace]\nmembers = [\"app\", \"lib-a\", \"lib-b\", \"lib-c\"]\nresolver = \"2\"\n",
    );
    write(
        &dir.join("app/Cargo.toml"),
        &format!(
            "[package]\nname = \"app\"\nversion = \"{app_version}\"\nedition = \"2021\"\n\n[dependencies]\nlib-a = {{ path = \"../lib-a\", version = \"*\" }}\nlib-b = {{ path = \"../lib-b\", version = \">=0.1\" }}\nlib-c = {{ path = \"../lib-c\", version = \"0.1.0-alpha.1\" }}\n"
        ),
    );
    write(
        &dir.join("lib-a/Cargo.toml"),
        "[package]\nname = \"lib-a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nlib-b = { path = \"../lib-b\" }\n\n[dev-dependencies]\nlib-c = { path = \"../lib-c\" }\n",
    );
    write(
        &dir.join("lib-b/Cargo.toml"),
        "[package]\nname = \"lib-b\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
    );
    write(
        &dir.join("lib-c/Cargo.toml"),
        "[package]\nname = \"lib-c\"\nversion = \"0.1.0-alpha.1\"\nedition = \"2021\"\n",
    );
    for c in ["app", "lib-a", "lib-b", "lib-c"] {
        write(&dir.join(c).join("src/lib.rs"), "");
    }
    std::fs::create_dir_all(dir.join(".git")).unwrap();
}

fn findings(dir: &Path, policy: &str) -> Vec<serde_json::Value> {
    write(&dir.join("depgate.toml"), policy);
    let home = tempfile::tempdir().unwrap();
    let out = run(depgate(home.path())
        .args([
            "check",
            "--offline",
            "--format",
            "json",
            "--today",
            "2026-11-23",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml")));
    assert!(out.code < 2, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] != "advisory-db-stale")
        .cloned()
        .collect()
}

#[test]
fn requirement_rules_point_at_the_manifest_lines() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "0.1.0");
    let fs = findings(dir.path(), "");
    let at = |rule: &str| -> Vec<(String, u64)> {
        fs.iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| {
                (
                    f["locations"][0]["path"].as_str().unwrap().to_string(),
                    f["locations"][0]["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        at("wildcard-requirement"),
        [("app/Cargo.toml".to_string(), 7)]
    );
    assert_eq!(
        at("unbounded-requirement"),
        [("app/Cargo.toml".to_string(), 8)]
    );
    assert_eq!(
        at("prerelease-dependency"),
        [("app/Cargo.toml".to_string(), 9)]
    );
    // lib-a is publishable and depends on lib-b by path only; its dev-dependency is exempt.
    assert_eq!(
        at("path-dependency-in-published-crate"),
        [("lib-a/Cargo.toml".to_string(), 7)]
    );
    assert!(
        at("invalid-member-version").is_empty(),
        "semver is the default scheme"
    );
}

#[test]
fn calver_scheme_for_member_versions() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "2026.11.0");
    let fs = findings(dir.path(), "[requirements]\nversioning = \"calver\"\n");
    let names: Vec<&str> = fs
        .iter()
        .filter(|f| f["rule"] == "invalid-member-version")
        .map(|f| f["package"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["lib-a", "lib-b", "lib-c"],
        "app's 2026.11.0 is calver; the 0.1 crates are not"
    );
    let f = fs
        .iter()
        .find(|f| f["rule"] == "invalid-member-version")
        .unwrap();
    assert_eq!(f["locations"][0]["line"], 3);
}
