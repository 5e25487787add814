//! `depgate sbom`: CycloneDX 1.6 JSON, valid against the official schema
//! (`../shared/schemas/cyclonedx/`), reproducible byte for byte, on the
//! fixture workspace and on real `cargo metadata` graphs.

mod common;

use common::{depgate, repo, run, shared};
use serde_json::Value;
use std::path::PathBuf;

/// Serves the schema's relative references (`spdx.schema.json`,
/// `jsf-0.82.schema.json`) from the directory beside it: no network.
struct Local(PathBuf);

impl jsonschema::Retrieve for Local {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or_default();
        let text = std::fs::read_to_string(self.0.join(name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn validator(shared: &std::path::Path) -> jsonschema::Validator {
    let dir = shared.join("schemas/cyclonedx");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("bom-1.6.schema.json")).unwrap())
            .unwrap();
    jsonschema::options()
        .with_retriever(Local(dir))
        .build(&schema)
        .expect("the CycloneDX 1.6 schema compiles")
}

fn sbom(args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let out = run(depgate(home.path())
        .arg("sbom")
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

fn assert_valid(v: &jsonschema::Validator, text: &str, what: &str) -> Value {
    let doc: Value = serde_json::from_str(text).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
    doc
}

/// Every component is identified and hashed, or says why it has no hash,
/// and every dependency edge names a component or the workspace.
fn assert_complete(doc: &Value, what: &str) {
    let mut refs: std::collections::BTreeSet<&str> = Default::default();
    let top = &doc["metadata"]["component"];
    refs.insert(top["bom-ref"].as_str().unwrap());
    for c in top["components"].as_array().into_iter().flatten() {
        refs.insert(c["bom-ref"].as_str().unwrap());
    }
    for c in doc["components"].as_array().unwrap() {
        refs.insert(c["bom-ref"].as_str().unwrap());
        assert!(
            c["purl"].as_str().unwrap().starts_with("pkg:cargo/"),
            "{what}: {c}"
        );
        let hashed = c["hashes"].as_array().is_some_and(|h| !h.is_empty());
        let says = c["properties"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["name"] == "depgate:no-hash");
        assert!(hashed || says, "{what}: a silent gap: {c}");
        assert!(
            matches!(c["scope"].as_str(), Some("required" | "excluded")),
            "{what}: {c}"
        );
    }
    for d in doc["dependencies"].as_array().unwrap() {
        assert!(refs.contains(d["ref"].as_str().unwrap()), "{what}: {d}");
        for on in d["dependsOn"].as_array().unwrap() {
            assert!(refs.contains(on.as_str().unwrap()), "{what}: {on}");
        }
    }
}

#[test]
fn real_graphs_give_valid_reproducible_sboms() {
    let Some(shared) = shared() else { return };
    let v = validator(&shared);
    for name in ["ripgrep", "bat", "uv"] {
        let meta = shared.join(format!("corpus/metadata/{name}.json"));
        let meta = meta.to_str().unwrap();
        let args = ["--metadata-path", meta, "--today", "2026-12-01"];
        let first = sbom(&args);
        let doc = assert_valid(&v, &first, name);
        assert_complete(&doc, name);
        assert_eq!(first, sbom(&args), "{name}: two runs, the same bytes");
        assert_eq!(doc["metadata"]["timestamp"], "2026-12-01T00:00:00Z");
        // Dev-only packages are left out unless asked for, then excluded.
        let with_dev = sbom(&[&args[..], &["--include-dev"]].concat());
        let dev = assert_valid(&v, &with_dev, name);
        assert!(
            dev["components"].as_array().unwrap().len()
                > doc["components"].as_array().unwrap().len(),
            "{name}: --include-dev lists the dev-only packages"
        );
        assert_ne!(
            dev["serialNumber"], doc["serialNumber"],
            "the serial follows the content"
        );
    }
}

#[test]
fn lockfile_mode_and_timestamps() {
    let Some(shared) = shared() else { return };
    let v = validator(&shared);
    let lock = shared.join("corpus/lockfiles/BurntSushi__ripgrep__2023-05-25.lock");
    let lock = lock.to_str().unwrap();
    let text = sbom(&["--lockfile-only", "--lockfile", lock]);
    let doc = assert_valid(&v, &text, "lockfile mode");
    assert_complete(&doc, "lockfile mode");
    assert!(
        doc["metadata"].get("timestamp").is_none(),
        "no date given, no timestamp"
    );
    // SOURCE_DATE_EPOCH sets it, as reproducible builds expect.
    let home = tempfile::tempdir().unwrap();
    let out = run(depgate(home.path())
        .args(["sbom", "--lockfile-only", "--lockfile", lock])
        .env("SOURCE_DATE_EPOCH", "1764547200"));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["metadata"]["timestamp"], "2025-12-01T00:00:00Z");
    assert_eq!(doc["specVersion"], "1.6");
    let v15 = sbom(&[
        "--lockfile-only",
        "--lockfile",
        lock,
        "--spec-version",
        "1.5",
    ]);
    assert_eq!(
        serde_json::from_str::<Value>(&v15).unwrap()["specVersion"],
        "1.5"
    );
}

#[test]
fn the_fixture_workspace() {
    let Some(shared) = shared() else { return };
    let v = validator(&shared);
    let text = sbom(&[
        "--manifest-path",
        "testdata/ws-basic/Cargo.toml",
        "--metadata-path",
        "testdata/ws-basic/metadata.json",
    ]);
    let doc = assert_valid(&v, &text, "ws-basic");
    assert_complete(&doc, "ws-basic");
    // The validator is real: a wrong scope and a bad serial number fail it.
    let mut bad = doc.clone();
    bad["serialNumber"] = "not-a-urn".into();
    assert!(!v.is_valid(&bad));
    let mut bad = doc.clone();
    bad["components"][0]["scope"] = "sometimes".into();
    assert!(!v.is_valid(&bad));
    assert!(repo().join("testdata/ws-basic").is_dir());
}
