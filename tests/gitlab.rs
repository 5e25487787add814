//! GitLab dependency-scanning reports validate against GitLab's schema
//! (../shared/schemas, draft-07), on the synthetic advisory fixture and on
//! real corpus lockfiles.

mod common;
use common::*;
use serde_json::Value;

fn validator() -> Option<jsonschema::Validator> {
    let shared = shared()?;
    let text = std::fs::read_to_string(
        shared.join("schemas/gitlab-dependency-scanning-report-format.json"),
    )
    .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    Some(jsonschema::draft7::new(&schema).expect("schema compiles"))
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {}", errors.join("\n"));
}

#[test]
fn dependency_scanning_report_on_the_fixture() {
    let out = depgate_args(&[
        "check",
        "--lockfile-only",
        "--manifest-path",
        "testdata/lock-vulns/Cargo.toml",
        "--advisory-db",
        "testdata/advisory-db-mini",
        "--today",
        "2026-11-23",
        "--format",
        "gitlab-dependency-scanning",
    ]);
    assert_eq!(
        out.code, 1,
        "the exit code follows the gate: {}",
        out.stderr
    );
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["version"], "15.1.5");
    assert_eq!(doc["scan"]["start_time"], "2026-11-23T00:00:00", "no Z");
    let vulns = doc["vulnerabilities"].as_array().unwrap();
    let critical = vulns
        .iter()
        .find(|v| v["location"]["dependency"]["package"]["name"] == "demo-critical")
        .unwrap();
    assert_eq!(critical["severity"], "Critical");
    assert_eq!(critical["identifiers"][0]["value"], "RUSTSEC-9999-0001");
    assert!(
        critical["solution"]
            .as_str()
            .unwrap()
            .contains("cargo update -p demo-critical@1.0.0")
    );
    if let Some(v) = validator() {
        assert_valid(&v, &doc, "fixture");
        let mut broken = doc.clone();
        broken["scan"]["start_time"] = "2026-11-23T00:00:00Z".into();
        assert!(
            v.iter_errors(&broken).next().is_some(),
            "the validator rejects a Z timestamp"
        );
    }
    let other = depgate_args(&[
        "check",
        "--lockfile-only",
        "--manifest-path",
        "testdata/lock-vulns/Cargo.toml",
        "--advisory-db",
        "testdata/advisory-db-mini",
        "--format",
        "gitlab-dependency-scanning",
        "--gitlab-schema-version",
        "15.0.7",
    ]);
    assert!(other.stdout.contains("\"version\": \"15.0.7\""));
    assert_eq!(
        depgate_args(&["check", "--gitlab-schema-version", "15"]).code,
        2
    );
}

#[test]
fn dependency_scanning_reports_on_corpus_lockfiles_are_schema_valid() {
    let Some(v) = validator() else { return };
    let shared = shared().unwrap();
    for name in [
        "BurntSushi__ripgrep__2019-04-25.lock",
        "astral-sh__uv__2026-08-21.lock",
    ] {
        let lock = shared.join("corpus/lockfiles").join(name);
        let out = depgate_args(&[
            "check",
            "--lockfile-only",
            "--lockfile",
            lock.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--format",
            "gitlab-dependency-scanning",
        ]);
        assert!(out.code < 2, "{}", out.stderr);
        let doc: Value = serde_json::from_str(&out.stdout).unwrap();
        assert!(
            !doc["vulnerabilities"].as_array().unwrap().is_empty(),
            "{name}"
        );
        assert_valid(&v, &doc, name);
    }
}

#[test]
fn reports_on_what_ships_are_schema_valid() {
    let Some(v) = validator() else { return };
    for args in [
        &["artifact", "testdata/auditable/auditable-hello.bin"][..],
        &[
            "check",
            "--sbom",
            "testdata/sbom/cargo-cyclonedx-hello.cdx.json",
        ],
        &["check", "--sbom", "testdata/sbom/cdxgen-ws-basic.cdx.json"],
    ] {
        let out = depgate_args(
            &[
                args,
                &[
                    "--today",
                    "2026-11-23",
                    "--format",
                    "gitlab-dependency-scanning",
                ],
            ]
            .concat(),
        );
        assert!(out.code < 2, "{args:?}: {}", out.stderr);
        let doc: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_valid(&v, &doc, &format!("{args:?}"));
        if args[0] == "artifact" {
            let vulns = doc["vulnerabilities"].as_array().unwrap();
            assert_eq!(
                vulns[0]["location"]["file"], "testdata/auditable/auditable-hello.bin",
                "{doc}"
            );
        }
    }
}
