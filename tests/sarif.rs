//! SARIF output is valid SARIF 2.1.0 (checked against the official schema
//! from ../shared/schemas, without network), with relative locations, real
//! regions, rule metadata, and the core fingerprint.

mod common;
use common::*;
use serde_json::Value;

fn validator() -> Option<jsonschema::Validator> {
    let shared = shared()?;
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(shared.join("schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    Some(jsonschema::draft4::new(&schema).expect("schema compiles"))
}

fn assert_valid(v: &jsonschema::Validator, sarif: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: {} schema errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn fixture_sarif_is_valid_and_complete() {
    let out = run_strings(&with(WS_BASIC, &["--format", "sarif"]));
    assert_eq!(
        out.code, 1,
        "SARIF mode still fails the gate: {}",
        out.stderr
    );
    let sarif: Value = serde_json::from_str(&out.stdout).unwrap();
    if let Some(v) = validator() {
        assert_valid(&v, &sarif, "fixture");
        // The validator really validates: a bad level is rejected.
        let mut broken = sarif.clone();
        broken["runs"][0]["results"][0]["level"] = "fatal".into();
        assert!(v.iter_errors(&broken).next().is_some());
    }
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "depgate");
    assert!(driver["informationUri"].is_string());
    for rule in driver["rules"].as_array().unwrap() {
        assert_ne!(rule["id"], rule["name"]);
        assert!(rule["help"]["text"].is_string() && rule["help"]["markdown"].is_string());
        if let Some(sev) = rule["properties"].get("security-severity") {
            assert!(sev.is_string(), "security-severity must be a string");
        }
    }
    assert_eq!(run["automationDetails"]["id"], "depgate/testdata/ws-basic/");
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        7,
        "the fixture findings, two path-only dependencies and the stale embedded DB"
    );
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert_eq!(
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
    }
    let git = results
        .iter()
        .find(|r| r["ruleId"] == "source-git-unpinned")
        .unwrap();
    assert!(
        git["message"]["text"]
            .as_str()
            .unwrap()
            .contains("gitdep-branch 0.1.0")
    );
    assert!(
        git["message"]["text"]
            .as_str()
            .unwrap()
            .contains("Fix: pin it")
    );
}

#[test]
fn category_can_be_overridden() {
    let out = run_strings(&with(
        WS_BASIC,
        &["--format", "sarif", "--sarif-category", "deps/app"],
    ));
    let sarif: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "deps/app/");
}

#[test]
fn corpus_sarif_is_schema_valid() {
    let Some(v) = validator() else { return };
    let shared = shared().unwrap();
    for name in [
        "astral-sh__uv__2026-08-21.lock",
        "BurntSushi__ripgrep__2019-04-25.lock",
        "lapce__lapce__2023-05-31.lock",
    ] {
        let path = shared.join("corpus/lockfiles").join(name);
        let out = depgate_args(&[
            "check",
            "--lockfile-only",
            "--lockfile",
            path.to_str().unwrap(),
            "--format",
            "sarif",
            "--today",
            "2026-11-23",
            "--policy",
            "policies/regulated.toml",
        ]);
        assert!(out.code < 2, "{name}: {}", out.stderr);
        let sarif: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_valid(&v, &sarif, name);
    }
}
