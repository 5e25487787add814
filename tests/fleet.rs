//! `depgate fleet`: discovery, the untrusted-repository trap, tighten-only
//! repository policies, isolation of broken units, byte-identical output
//! across thread counts, query, and the per-unit agreement with `check`.
//! Shard and merge are in `fleet_shards.rs`.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

const DB: &str = "testdata/advisory-db-mini";
const TODAY: &str = "2026-11-23";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn vulns() -> String {
    std::fs::read_to_string(repo().join("testdata/lock-vulns/Cargo.lock")).unwrap()
}

const SMALL: &str = "version = 4\n\n[[package]]\nname = \"fuzz\"\nversion = \"0.0.0\"\n";

/// A fleet of repositories with nested, excluded and skipped lockfiles.
fn fleet(root: &Path) {
    write(root, "alpha/.git/HEAD", "ref: refs/heads/main\n");
    write(root, "alpha/Cargo.lock", &vulns());
    write(
        root,
        "alpha/crates/member/Cargo.toml",
        "[package]\nname = \"member\"\n",
    );
    write(root, "alpha/fuzz/Cargo.lock", SMALL);
    write(root, "alpha/excluded/Cargo.lock", SMALL);
    write(root, "alpha/target/debug/Cargo.lock", "not a lockfile");
    write(root, "alpha/vendor/x/Cargo.lock", "not a lockfile");
    write(root, "beta/.git/HEAD", "ref: refs/heads/main\n");
    write(root, "beta/ws1/Cargo.lock", SMALL);
    write(root, "beta/ws2/Cargo.lock", &vulns());
    write(root, "beta/node_modules/y/Cargo.lock", "not a lockfile");
    write(root, "empty/.git/HEAD", "");
    write(root, "empty/README.md", "no lockfile here\n");
    std::os::unix::fs::symlink(root, root.join("beta/loop")).unwrap();
    std::os::unix::fs::symlink("/", root.join("outside")).unwrap();
}

fn scan(home: &Path, args: &[&str]) -> Output {
    let mut all = vec!["fleet", "scan", "--advisory-db", DB, "--today", TODAY];
    all.extend(args);
    run(depgate(home).args(&all))
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", out.stderr))
}

fn units(v: &Value) -> Vec<(String, String)> {
    v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let p = u["path"].as_str().unwrap().to_string();
            (p, u["repository"].as_str().unwrap().to_string())
        })
        .collect()
}

/// Checks a fleet report against the published depgate.fleet/v1 schema.
fn assert_schema(v: &Value) {
    let text =
        std::fs::read_to_string(repo().join("testdata/schemas/depgate.fleet.v1.schema.json"))
            .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn discovery_finds_nested_units_and_skips_the_rest() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("repos");
    fleet(&root);
    let r = root.to_str().unwrap();
    let out = scan(t.path(), &[r, "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_schema(&json(&out));
    let got = units(&json(&out));
    let want: Vec<(String, String)> = [
        ("alpha", "alpha"),
        ("alpha/excluded", "alpha"),
        ("alpha/fuzz", "alpha"),
        ("beta/ws1", "beta"),
        ("beta/ws2", "beta"),
    ]
    .iter()
    .map(|(u, repo)| (format!("{r}/{u}"), format!("{r}/{repo}")))
    .collect();
    assert_eq!(got, want);
    // A repos-file with comments names the same repositories.
    let list = t.path().join("repos.txt");
    std::fs::write(
        &list,
        format!("# the fleet\n{r}/alpha\n\n{r}/beta   # monorepo\n{r}/empty\n"),
    )
    .unwrap();
    let out = scan(
        t.path(),
        &["--repos-file", list.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(units(&json(&out)), want);
}

/// The trap: a repository that would run code under cargo, and whose own
/// policy waives everything. Fleet mode runs nothing and ignores it.
fn trap(root: &Path, marker: &Path) {
    let m = marker.display();
    write(root, "trap/.git/HEAD", "");
    write(root, "trap/Cargo.lock", &vulns());
    write(
        root,
        "trap/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nbuild = \"build.rs\"\n",
    );
    write(
        root,
        "trap/build.rs",
        &format!("fn main() {{ std::fs::write(\"{m}\", \"build.rs ran\").unwrap(); }}\n"),
    );
    write(
        root,
        "trap/.cargo/config.toml",
        &format!("[build]\nrustc-wrapper = \"/bin/sh -c 'touch {m}'\"\n"),
    );
    write(
        root,
        "trap/rust-toolchain.toml",
        "[toolchain]\nchannel = \"1.70.0\"\n",
    );
    write(
        root,
        "trap/depgate.toml",
        "fail-on = \"deny\"\n[levels]\nadvisory-vulnerability = \"allow\"\nadvisory-unmaintained = \"allow\"\n\n[[waivers]]\nid = \"RUSTSEC-9999-0001\"\nreason = \"trust me\"\nexpires = \"2099-01-01\"\n",
    );
}

fn findings(report: &Value) -> Vec<(String, String, String)> {
    let mut f: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("rule"), s("level"), s("subject"))
        })
        .collect();
    f.sort();
    f
}

fn unit_report(v: &Value, suffix: &str) -> Value {
    let u = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no unit {suffix}"));
    u["report"].clone()
}

#[test]
fn an_untrusted_repository_runs_nothing_and_cannot_waive() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("repos");
    let marker = t.path().join("MARKER");
    trap(&root, &marker);
    let out = scan(t.path(), &[root.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!marker.exists(), "something from the repository ran");
    let v = json(&out);
    let got = findings(&unit_report(&v, "trap"));
    let alone = run(depgate(t.path()).args([
        "check",
        "--lockfile-only",
        "--lockfile",
        "testdata/lock-vulns/Cargo.lock",
        "--advisory-db",
        DB,
        "--today",
        TODAY,
        "--format",
        "json",
    ]));
    let want = findings(&serde_json::from_str(&alone.stdout).unwrap());
    assert_eq!(
        got, want,
        "every finding is there, the repository's policy ignored"
    );
    assert_eq!(v["toolchains"]["pinned"][0]["channel"], "1.70.0");
    // With tighten-only, the same policy only produces refusals.
    write(
        t.path(),
        "fleet.toml",
        "[fleet]\nrepo-policy = \"tighten-only\"\n",
    );
    let fleet_policy = t.path().join("fleet.toml");
    let out = scan(
        t.path(),
        &[
            root.to_str().unwrap(),
            "--policy",
            fleet_policy.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(!marker.exists());
    let report = unit_report(&json(&out), "trap");
    let mut got = findings(&report);
    let refused: Vec<_> = got
        .iter()
        .filter(|f| f.0 == "policy-weakened")
        .cloned()
        .collect();
    got.retain(|f| f.0 != "policy-weakened");
    assert_eq!(got, want);
    let subjects: Vec<&str> = refused.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "repo-policy:levels.advisory-unmaintained",
            "repo-policy:levels.advisory-vulnerability",
            "repo-policy:waivers[*/RUSTSEC-9999-0001/*/*]",
        ]
    );
    let loc = &report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "policy-weakened")
        .unwrap()["locations"][0];
    assert_eq!(loc["path"], "depgate.toml");
    assert!(loc["line"].as_u64().unwrap() >= 2);
}

#[test]
fn a_repository_policy_may_tighten() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("repos");
    write(&root, "r/.git/HEAD", "");
    write(&root, "r/Cargo.lock", &vulns());
    write(
        &root,
        "r/depgate.toml",
        "[[bans.deny]]\ncrate = \"wrapper\"\nreason = \"replaced\"\n\n[levels]\nadvisory-notice = \"deny\"\n",
    );
    write(
        t.path(),
        "fleet.toml",
        "[fleet]\nrepo-policy = \"tighten-only\"\n",
    );
    let p = t.path().join("fleet.toml");
    let out = scan(
        t.path(),
        &[
            root.to_str().unwrap(),
            "--policy",
            p.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let report = unit_report(&json(&out), "/r");
    let got = findings(&report);
    assert!(
        got.iter()
            .any(|f| f.0 == "ban-denied-crate" && f.1 == "deny"),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|f| f.0 == "advisory-notice" && f.1 == "deny"),
        "{got:?}"
    );
    assert!(!got.iter().any(|f| f.0 == "policy-weakened"), "{got:?}");
    assert_eq!(
        report["policy"].as_array().unwrap().last().unwrap(),
        "depgate.toml"
    );
}

#[test]
fn broken_units_are_error_rows_and_the_rest_are_scanned() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("repos");
    for i in 0..19 {
        write(&root, &format!("ok{i:02}/Cargo.lock"), &vulns());
    }
    write(
        &root,
        "bad/Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"x\"\nversion = \"not.a.version\"\n",
    );
    let report = t.path().join("fleet.json");
    let out_arg = format!("json={}", report.display());
    let out = scan(
        t.path(),
        &[root.to_str().unwrap(), "--output", &out_arg, "-q"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["summary"]["units"], 20);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["failed"], 19);
    let bad = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["error"].is_object())
        .unwrap();
    assert_eq!(bad["error"]["path"], "bad/Cargo.lock");
    assert_eq!(bad["error"]["line"], 5);
    assert!(bad["report"].is_null());
}

#[test]
fn output_is_byte_identical_at_any_thread_count_and_in_every_format() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("repos");
    fleet(&root);
    let r = root.to_str().unwrap();
    for format in ["json", "csv", "markdown", "human"] {
        let one = scan(t.path(), &[r, "--format", format, "--jobs", "1"]);
        let two = scan(t.path(), &[r, "--format", format, "--jobs", "2"]);
        assert_eq!(one.stdout, two.stdout, "{format}");
        assert!(!one.stdout.is_empty());
    }
    let csv = scan(t.path(), &[r, "--format", "csv"]).stdout;
    assert!(csv.starts_with(
        "unit,repository,rule,level,crate,version,subject,location,message,fingerprint\r\n"
    ));
    assert!(csv.contains("advisory-vulnerability,deny,demo-critical"));
}

#[test]
fn sarif_one_file_per_repository() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("repos");
    fleet(&root);
    let dir = t.path().join("sarif");
    let arg = format!("sarif={}/", dir.display());
    let out = scan(t.path(), &[root.to_str().unwrap(), "--output", &arg, "-q"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    let alpha = names.iter().find(|n| n.ends_with("alpha.sarif")).unwrap();
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(alpha)).unwrap()).unwrap();
    let run = &v["runs"][0];
    assert!(
        run["automationDetails"]["id"]
            .as_str()
            .unwrap()
            .starts_with("depgate-fleet/")
    );
    let uris: std::collections::BTreeSet<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains("Cargo.lock"), "{uris:?}");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("../shared/schemas/sarif-schema-2.1.0.json"))
            .unwrap_or_else(|_| "true".into()),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    assert!(validator.is_valid(&v));
}

#[test]
fn query_answers_from_a_saved_report() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("repos");
    fleet(&root);
    let report = t.path().join("fleet.json");
    let arg = format!("json={}", report.display());
    scan(t.path(), &[root.to_str().unwrap(), "--output", &arg, "-q"]);
    let q = |spec: &str| {
        run(depgate(t.path()).args([
            "fleet",
            "query",
            spec,
            "--report",
            report.to_str().unwrap(),
            "--format",
            "json",
        ]))
    };
    let hits: Value = serde_json::from_str(&q("demo-critical").stdout).unwrap();
    let units: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units.len(), 2, "{units:?}");
    assert!(units[0].ends_with("alpha") && units[1].ends_with("beta/ws2"));
    assert_eq!(hits[0]["direct"], true);
    assert_eq!(hits[0]["location"], "Cargo.lock:16");
    let none: Value = serde_json::from_str(&q("demo-critical@2.0.0").stdout).unwrap();
    assert_eq!(none.as_array().unwrap().len(), 0);
    let human = run(depgate(t.path()).args([
        "fleet",
        "query",
        "demo-critical@^1",
        "--report",
        report.to_str().unwrap(),
    ]));
    assert!(human.stdout.contains("2 units"), "{}", human.stdout);
    let bad = q("demo@x.y");
    assert_eq!(bad.code, 2);
}
