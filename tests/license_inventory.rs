//! `depgate licenses`: the inventory in human, JSON and CSV, written to a
//! file, and agreeing with `check` on a real graph.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

const WS: &[&str] = &[
    "licenses",
    "--manifest-path",
    "testdata/ws-basic/Cargo.toml",
    "--metadata-path",
    "testdata/ws-basic/metadata.json",
];

#[test]
fn inventory_json_lists_every_package_and_license() {
    let out = depgate_args(
        &with(WS, &["--format", "json"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["schema"], "depgate.licenses/v1");
    assert_eq!(v["license_data"]["source"], "metadata");
    let crates = v["crates"].as_array().unwrap();
    let check = depgate_args(
        &with(WS_BASIC, &["--format", "json"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let report: Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(
        crates.len() as u64,
        report["workspace"]["packages"].as_u64().unwrap()
    );
    let status = |name: &str| -> String {
        crates.iter().find(|c| c["name"] == name).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // ws-basic's policy extends strict (no allow-list); fixture-core is unpublished.
    assert_eq!(status("fixture-core"), "skipped");
    assert_eq!(status("fixture-app"), "allowed");
    assert_eq!(status("outside-lib"), "allowed");
    let row = crates.iter().find(|c| c["name"] == "memchr").unwrap();
    assert_eq!(row["license"], "Unlicense OR MIT");
    assert_eq!(row["licenses"], serde_json::json!(["MIT", "Unlicense"]));
    assert_eq!(row["license_source"], "manifest");
    // By license: MIT is used by fixture-app, and each list is sorted.
    let mit = v["licenses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["license"] == "MIT")
        .unwrap();
    let names: Vec<&str> = mit["crates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(names.contains(&"fixture-app 0.2.0"), "{names:?}");
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
fn inventory_csv_human_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.toml");
    std::fs::write(&policy, "[licenses]\nallow = [\"MIT\"]\n").unwrap();
    let p = policy.to_str().unwrap();
    let csv = depgate_args(
        &with(WS, &["--format", "csv", "--policy", p])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(csv.code, 0);
    let mut lines = csv.stdout.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("name,version,source,license,license_source,status,reason")
    );
    assert!(
        csv.stdout
            .contains("\r\nfixture-app,0.2.0,path,MIT,manifest,allowed,\r\n"),
        "{}",
        csv.stdout
    );
    // A reason with a comma is quoted (RFC 4180).
    let ryu = csv
        .stdout
        .split("\r\n")
        .find(|l| l.starts_with("ryu,"))
        .unwrap();
    assert_eq!(
        ryu,
        "ryu,1.0.23,crates.io,Apache-2.0 OR BSL-1.0,manifest,rejected,Apache-2.0 is not in the allow-list; BSL-1.0 is not in the allow-list"
    );
    let by_license = depgate_args(
        &with(WS, &["--format", "csv", "--by", "license"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(by_license.stdout.starts_with("license,count,crates\r\n"));
    assert!(
        by_license.stdout.contains("\r\nMIT,"),
        "{}",
        by_license.stdout
    );

    let human = depgate_args(&with(WS, &[]).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(human.stdout.contains("license data: metadata"));
    assert!(human.stdout.contains("\nBy license:\n") && human.stdout.contains("\nBy crate:\n"));
    assert!(human.stdout.contains("skipped 1"), "{}", human.stdout);

    let file = dir.path().join("inv.json");
    let out = depgate_args(
        &with(
            WS,
            &["--format", "json", "--output", file.to_str().unwrap()],
        )
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
    );
    assert_eq!(out.code, 0);
    assert!(out.stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["schema"], "depgate.licenses/v1");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "p.toml and inv.json: no temporary file is left"
    );
}

#[test]
fn inventory_agrees_with_check_on_the_uv_graph() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(
        &p,
        "[licenses]\nallow = [\"MIT\"]\n[sources]\ngit = \"allow\"\n",
    )
    .unwrap();
    let meta = shared.join("corpus/metadata/uv.json");
    let lock = shared.join("corpus/lockfiles/astral-sh__uv__2026-08-21.lock");
    let args = [
        "licenses",
        "--metadata-path",
        meta.to_str().unwrap(),
        "--lockfile",
        lock.to_str().unwrap(),
        "--policy",
        p.to_str().unwrap(),
        "--format",
        "json",
    ];
    let out = depgate_args(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    // 699 resolved, 15 of them never built (see src/graph/features.rs).
    assert_eq!(v["crates"].as_array().unwrap().len(), 684);
    let inv: BTreeSet<String> = v["crates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "rejected")
        .map(|c| {
            format!(
                "{} {}",
                c["name"].as_str().unwrap(),
                c["version"].as_str().unwrap()
            )
        })
        .collect();
    let policy = std::fs::read_to_string(&p).unwrap();
    let checked: BTreeSet<String> =
        corpus_graph_findings(&shared, "uv", "astral-sh__uv__2026-08-21.lock", &policy)
            .iter()
            .filter(|f| f["rule"] == "license-rejected")
            .map(|f| {
                format!(
                    "{} {}",
                    f["package"]["name"].as_str().unwrap(),
                    f["package"]["version"].as_str().unwrap()
                )
            })
            .collect();
    assert!(inv.len() > 50, "{}", inv.len());
    assert_eq!(inv, checked);
}
