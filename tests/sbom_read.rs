//! `depgate check --sbom`: CycloneDX SBOMs as the graph. depgate's own
//! SBOMs give the same findings as the workspace (the round trip, on real
//! corpus graphs); SBOMs by cargo-cyclonedx and cdxgen are read; what
//! names no Cargo package is a finding; malformed SBOMs are exit 2 with
//! the JSON path.

mod common;

use common::{depgate_args, shared};
use serde_json::Value;
use std::collections::BTreeSet;

/// The families an SBOM carries the data for. Requirements, toolchain and
/// boundaries read member manifests; `source-path-outside-workspace` needs
/// the path of a path dependency: an SBOM records neither.
const ROUND_TRIP_RULES: &[&str] = &[
    "advisory-vulnerability",
    "advisory-unmaintained",
    "advisory-unsound",
    "advisory-notice",
    "source-registry-not-allowed",
    "source-git-unpinned",
    "source-git-denied",
    "ban-denied-crate",
    "duplicate-versions",
    "deprecated-crate",
    "license-rejected",
    "license-unknown",
    "license-imprecise",
    "license-invalid",
];

const POLICY: &str = r#"extends = ["preset:strict"]

[licenses]
allow = ["MIT", "Unlicense", "Apache-2.0"]

[[bans.deny]]
crate = "memchr"

[duplicates]
include-compatible = true

[levels]
advisory-notice = "info"
"#;

type Key = (String, String, String, String);

fn keys(findings: &[Value], included: Option<&BTreeSet<(String, String)>>) -> BTreeSet<Key> {
    findings
        .iter()
        .filter(|f| ROUND_TRIP_RULES.contains(&f["rule"].as_str().unwrap_or_default()))
        .filter_map(|f| {
            let name = f["package"]["name"].as_str()?.to_string();
            let version = f["package"]["version"].as_str()?.to_string();
            let kept = included.is_none_or(|set| {
                // A duplicates finding lists versions; the SBOM may hold fewer.
                version
                    .split(", ")
                    .all(|v| set.contains(&(name.clone(), v.to_string())))
            });
            kept.then(|| {
                let subject = f["subject"].as_str().unwrap_or_default().to_string();
                (
                    f["rule"].as_str().unwrap().to_string(),
                    name,
                    version,
                    subject,
                )
            })
        })
        .collect()
}

fn report(args: &[&str]) -> Value {
    let out = depgate_args(args);
    assert!(out.code < 2, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON report")
}

/// (name, version) of every component and member of an SBOM.
fn included(doc: &Value) -> BTreeSet<(String, String)> {
    let mut all = vec![&doc["metadata"]["component"]];
    all.extend(
        doc["metadata"]["component"]["components"]
            .as_array()
            .into_iter()
            .flatten(),
    );
    all.extend(doc["components"].as_array().into_iter().flatten());
    all.iter()
        .filter_map(|c| {
            Some((
                c["name"].as_str()?.to_string(),
                c["version"].as_str()?.to_string(),
            ))
        })
        .collect()
}

#[test]
fn depgate_sboms_round_trip_on_real_graphs() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.toml");
    std::fs::write(&policy, POLICY).unwrap();
    let policy = policy.to_str().unwrap();
    let today = "2026-11-23";
    let fixture = common::repo().join("testdata/ws-basic/metadata.json");
    for name in ["ws-basic", "ripgrep", "bat", "uv"] {
        let meta = match name {
            "ws-basic" => fixture.clone(),
            _ => shared.join(format!("corpus/metadata/{name}.json")),
        };
        let meta = meta.to_str().unwrap();
        let sbom = dir.path().join(format!("{name}.cdx.json"));
        let out = depgate_args(&[
            "sbom",
            "--metadata-path",
            meta,
            "--output",
            sbom.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&sbom).unwrap()).unwrap();
        let base = ["--policy", policy, "--format", "json", "--today", today];
        let ws = report(&[&["check", "--metadata-path", meta][..], &base].concat());
        let from_sbom = report(&[&["check", "--sbom", sbom.to_str().unwrap()][..], &base].concat());
        assert_eq!(from_sbom["workspace"]["mode"], "sbom");
        let set = included(&doc);
        let want = keys(ws["findings"].as_array().unwrap(), Some(&set));
        let got = keys(from_sbom["findings"].as_array().unwrap(), None);
        assert!(
            want.len() >= 2,
            "{name}: the policy finds enough to compare: {want:?}"
        );
        if name == "ws-basic" {
            assert!(
                want.iter().any(|k| k.0 == "source-git-unpinned"),
                "{want:?}"
            );
        }
        assert_eq!(got, want, "{name}: the SBOM gives the workspace's findings");
        // Every finding is located at a JSON path into the SBOM.
        for f in from_sbom["findings"].as_array().unwrap() {
            if f["package"].is_object() {
                let at = &f["locations"][0];
                assert!(at["label"].as_str().unwrap().starts_with("$."), "{f}");
                assert!(at["line"].as_u64().unwrap() > 1, "{f}");
            }
        }
    }
}

#[test]
fn a_cargo_cyclonedx_sbom_is_read() {
    // testdata/sbom/README.md says how the fixture was made.
    let args = [
        "check",
        "--sbom",
        "testdata/sbom/cargo-cyclonedx-hello.cdx.json",
        "--today",
        "2026-11-23",
        "--format",
        "json",
        "-A",
        "advisory-db-stale",
    ];
    let out = depgate_args(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v["workspace"]["members"],
        serde_json::json!(["auditable-hello"])
    );
    assert_eq!(v["workspace"]["packages"], 4);
    let vuln = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["subject"] == "RUSTSEC-2021-0003")
        .expect("smallvec 1.6.0 is vulnerable");
    assert_eq!(vuln["package"]["name"], "smallvec");
    assert_eq!(vuln["locations"][0]["label"], "$.components[2]");
    assert_eq!(vuln["paths"][0], "auditable-hello 0.1.0 -> smallvec 1.6.0");
    // Spec 1.4 is read as well.
    let text = std::fs::read_to_string(common::repo().join(args[2])).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    std::fs::write(
        &old,
        text.replace("\"specVersion\": \"1.5\"", "\"specVersion\": \"1.4\""),
    )
    .unwrap();
    let out = depgate_args(&[&["check", "--sbom", old.to_str().unwrap()][..], &args[3..]].concat());
    assert_eq!(out.code, 1, "{}", out.stderr);
}

#[test]
fn a_cdxgen_sbom_is_read() {
    let out = depgate_args(&[
        "check",
        "--sbom",
        "testdata/sbom/cdxgen-ws-basic.cdx.json",
        "--today",
        "2026-11-23",
        "--format",
        "json",
        "-A",
        "advisory-db-stale",
    ]);
    assert!(out.code < 2, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    // Members listed twice (in metadata and among the components) are one package each.
    assert_eq!(v["workspace"]["packages"], 10);
    assert_eq!(
        v["workspace"]["members"],
        serde_json::json!(["fixture-app", "fixture-core"])
    );
    let rules: BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains("sbom-component-unidentified"), "{rules:?}");
    // cdxgen without license lookups gives no license for the dependencies.
    assert!(rules.contains("license-unknown"), "{rules:?}");
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn components_that_name_no_cargo_package_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = write(
        dir.path(),
        "bom.json",
        r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "components": [
    { "type": "library", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0" },
    { "type": "library", "name": "zlib", "version": "1.3" },
    { "type": "library", "name": "serde", "purl": "pkg:cargo/serde" },
    { "type": "library", "name": "itoa", "purl": "pkg:cargo/itoa@1.0.19",
      "components": [ { "type": "file", "name": "data.bin" } ] }
  ]
}"#,
    );
    let base = [
        "check",
        "--sbom",
        &sbom,
        "--today",
        "2026-11-23",
        "--format",
        "json",
        "-A",
        "advisory-db-stale",
    ];
    let out = depgate_args(&base);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<(String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "sbom-component-unidentified")
        .map(|f| {
            (
                f["subject"].as_str().unwrap().to_string(),
                f["locations"][0]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("$.components[0]".to_string(), 5),
        ("$.components[1]".to_string(), 6),
        ("$.components[2]".to_string(), 7),
        ("$.components[3].components[0]".to_string(), 9),
    ];
    assert_eq!(found, want);
    assert_eq!(v["workspace"]["packages"], 1, "itoa is checked");
    // A waiver on the JSON path accepts one of them.
    let policy = write(
        dir.path(),
        "p.toml",
        "[[waivers]]\nrule = \"sbom-component-unidentified\"\nid = \"$.components[1]\"\nreason = \"vendored C library\"\nexpires = 2027-01-01\n",
    );
    let out = depgate_args(&[&base[..], &["--policy", &policy]].concat());
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["summary"]["waived"], 1, "{}", out.stdout);
}

#[test]
fn malformed_sboms_are_exit_2_with_the_json_path() {
    let dir = tempfile::tempdir().unwrap();
    let head = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6","#;
    for (text, want) in [
        (
            "{\n  \"bomFormat\": \"CycloneDX\",\n  oops\n}".to_string(),
            "bad.json:3:3: `$`",
        ),
        (
            r#"{"bomFormat": "SPDX", "specVersion": "1.6"}"#.to_string(),
            "`$.bomFormat`",
        ),
        (
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.3"}"#.to_string(),
            "CycloneDX 1.3 is not supported (this build reads 1.4, 1.5, 1.6)",
        ),
        (
            format!("{head}\n \"components\": [{{\"name\": \"a\", \"version\": 5}}]}}"),
            "bad.json:2:42: `$.components[0].version`",
        ),
        (
            format!(
                "{head}\n \"components\": [{{\"name\": \"a\", \"licenses\": [{{\"expression\": 1}}]}}]}}"
            ),
            "`$.components[0].licenses[0].expression`",
        ),
        (
            format!(
                "{head} \"components\": [{{\"name\": \"a\", \"bom-ref\": \"a\", \"purl\": \"pkg:cargo/a@1.0.0\"}}],\n \"dependencies\": [{{\"ref\": \"a\", \"dependsOn\": [\"b\"]}}]}}"
            ),
            "`$.dependencies[0].dependsOn[0]`: `b` names no component",
        ),
    ] {
        let bad = write(dir.path(), "bad.json", &text);
        let out = depgate_args(&["check", "--sbom", &bad]);
        assert_eq!(out.code, 2, "{text}: {}", out.stderr);
        assert!(
            out.stderr.contains(want),
            "{text}:\nwant {want}\n{}",
            out.stderr
        );
    }
    let ok = write(
        dir.path(),
        "ok.json",
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#,
    );
    for extra in [
        &["--lockfile-only"][..],
        &["--metadata-path", "testdata/ws-basic/metadata.json"],
        &["--license-data", "cargo-cache"],
    ] {
        let out = depgate_args(&[&["check", "--sbom", &ok][..], extra].concat());
        assert_eq!(out.code, 2, "{extra:?}: {}", out.stderr);
    }
}
