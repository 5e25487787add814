//! Graph hygiene beyond duplicates: deprecated crates with sunset dates,
//! the curated deprecated-crates preset, boundaries, the toolchain floor
//! and toolchain advisories, and duplicates that exist only for another
//! target.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

fn check_with(policy: &str, extra: &[&str]) -> (i32, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(&p, policy).unwrap();
    // The fixture without its fixed --today: each test gives its own date.
    let out = run_strings(&with(
        &WS_BASIC[..5],
        &[
            &["--format", "json", "--policy", p.to_str().unwrap()],
            extra,
        ]
        .concat(),
    ));
    assert!(out.code < 2, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    (out.code, v["findings"].as_array().unwrap().clone())
}

fn of<'a>(fs: &'a [Value], rule: &str) -> Vec<&'a Value> {
    fs.iter().filter(|f| f["rule"] == rule).collect()
}

#[test]
fn sunset_boundaries() {
    let policy = "[[deprecated]]\ncrate = \"itoa\"\nuse-instead = \"std formatting\"\nreason = \"test\"\nsunset = 2026-12-01\n";
    let level = |today: &str| {
        let (_, fs) = check_with(policy, &["--today", today]);
        let f = of(&fs, "deprecated-crate")[0].clone();
        (
            f["level"].as_str().unwrap().to_string(),
            f["message"].as_str().unwrap().to_string(),
        )
    };
    let (l, m) = level("2026-11-30");
    assert_eq!(l, "warn");
    assert!(m.contains("in 1 days"), "{m}");
    assert_eq!(level("2026-12-01").0, "deny", "the sunset day denies");
    assert_eq!(level("2026-12-02").0, "deny");
}

#[test]
fn curated_deprecated_crates_preset() {
    let Some(shared) = shared() else { return };
    let p =
        depgate::policy::load_preset("deprecated-crates", &depgate::registry::schema()).unwrap();
    let loaded = depgate::pipeline::Loaded::new(p);
    let maintenance = loaded.configs.get::<depgate::checks::maintenance::Config>();
    let names: Vec<String> = maintenance
        .unwrap()
        .deprecations
        .iter()
        .map(|d| d.name.clone())
        .collect();
    assert!(names.len() >= 15 && names.contains(&"lazy_static".to_string()));
    let dir = tempfile::tempdir().unwrap();
    let pol = dir.path().join("p.toml");
    std::fs::write(
        &pol,
        "extends = [\"preset:default\", \"preset:deprecated-crates\"]\n",
    )
    .unwrap();
    let lock = shared.join("corpus/lockfiles/BurntSushi__ripgrep__2019-04-25.lock");
    let out = depgate_args(&[
        "check",
        "--lockfile-only",
        "--lockfile",
        lock.to_str().unwrap(),
        "--policy",
        pol.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        "2026-11-23",
    ]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let deprecated: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "deprecated-crate")
        .map(|f| f["package"]["name"].as_str().unwrap())
        .collect();
    assert!(deprecated.contains(&"lazy_static"), "{deprecated:?}");
}

#[test]
fn boundaries_show_the_offending_path() {
    let (code, fs) = check_with(
        "[[boundaries]]\nmembers = [\"crates/app\"]\ndeny = [\"memchr\", \"ryu\"]\nreason = \"layering\"\n",
        &["--today", "2026-11-23"],
    );
    assert_eq!(code, 1);
    let v = of(&fs, "boundary-violation");
    assert_eq!(v.len(), 1, "ryu is a dev-dependency and does not count");
    assert_eq!(
        v[0]["paths"][0],
        "fixture-app 0.2.0 -> fixture-core 0.1.0 -> memchr 2.8.3"
    );
    let (_, fs) = check_with(
        "[[boundaries]]\nmembers = [\"*-core\"]\ndeny = [\"memchr\"]\n",
        &["--today", "2026-11-23"],
    );
    assert_eq!(
        of(&fs, "boundary-violation")[0]["paths"][0],
        "fixture-core 0.1.0 -> memchr 2.8.3"
    );
    let (code, fs) = check_with(
        "[[boundaries]]\nmembers = [\"crates/app\"]\ndeny = [\"tokio\"]\n",
        &["--today", "2026-11-23", "-A", "advisory-db-stale"],
    );
    assert!(of(&fs, "boundary-violation").is_empty());
    assert_eq!(code, 1, "other fixture findings still fail the gate");
}

fn toolchain_workspace(dir: &Path, toolchain: &str) {
    let src = repo().join("testdata/ws-basic");
    for entry in ["Cargo.toml", "Cargo.lock", "metadata.json"] {
        std::fs::copy(src.join(entry), dir.join(entry)).unwrap();
    }
    std::fs::write(dir.join("rust-toolchain.toml"), toolchain).unwrap();
}

#[test]
fn toolchain_floor_and_toolchain_advisories() {
    let dir = tempfile::tempdir().unwrap();
    toolchain_workspace(
        dir.path(),
        "[toolchain]\nchannel = \"1.50\"\ncomponents = [\"clippy\"]\n",
    );
    let pol = dir.path().join("p.toml");
    std::fs::write(&pol, "min-toolchain = \"1.85\"\n").unwrap();
    let d = dir.path().to_str().unwrap();
    let out = run_strings(&[
        "check".into(),
        "--manifest-path".into(),
        format!("{d}/Cargo.toml"),
        "--metadata-path".into(),
        format!("{d}/metadata.json"),
        "--policy".into(),
        pol.to_str().unwrap().into(),
        "--format".into(),
        "json".into(),
        "--today".into(),
        "2026-11-23".into(),
    ]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let fs = v["findings"].as_array().unwrap();
    let below = of(fs, "toolchain-below-minimum");
    assert_eq!(below.len(), 1);
    assert_eq!(
        (
            below[0]["locations"][0]["line"].as_u64(),
            below[0]["locations"][0]["column"].as_u64()
        ),
        (Some(2), Some(11))
    );
    let advisories: Vec<&str> = of(fs, "toolchain-advisory")
        .iter()
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert!(
        advisories.contains(&"CVE-2022-21658"),
        "std::fs::remove_dir_all race affects 1.50: {advisories:?}"
    );
    // Lockfile mode never reads rust-toolchain files.
    let lock_only = run_strings(&[
        "check".into(),
        "--lockfile-only".into(),
        "--manifest-path".into(),
        format!("{d}/Cargo.toml"),
        "--policy".into(),
        pol.to_str().unwrap().into(),
        "--format".into(),
        "json".into(),
    ]);
    assert!(!lock_only.stdout.contains("toolchain-"));
}

#[test]
fn invalid_rust_toolchain_file_exits_2_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    toolchain_workspace(dir.path(), "[toolchain]\nchannel = 1.80\n");
    let d = dir.path().to_str().unwrap();
    let out = run_strings(&[
        "check".into(),
        "--manifest-path".into(),
        format!("{d}/Cargo.toml"),
        "--metadata-path".into(),
        format!("{d}/metadata.json"),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("rust-toolchain.toml:2:11") && out.stderr.contains("toolchain.channel"),
        "{}",
        out.stderr
    );
}

#[test]
fn duplicates_only_for_another_target_are_capped() {
    let Some(shared) = shared() else { return };
    let meta = shared.join("corpus/metadata/uv.json");
    let lock = shared.join("corpus/lockfiles/astral-sh__uv__2026-08-21.lock");
    let run_uv = |extra: &[&str]| -> Vec<Value> {
        let mut args = vec![
            "check",
            "--metadata-path",
            meta.to_str().unwrap(),
            "--lockfile",
            lock.to_str().unwrap(),
            "--format",
            "json",
            "--today",
            "2026-11-23",
        ];
        args.extend_from_slice(extra);
        let out = depgate_args(&args);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        v["findings"].as_array().unwrap().clone()
    };
    let find = |fs: &[Value]| {
        fs.iter()
            .find(|f| f["rule"] == "duplicate-versions" && f["package"]["name"] == "windows-sys")
            .cloned()
            .unwrap()
    };
    let all = find(&run_uv(&[]));
    assert_eq!(
        (all["exposure"].as_str(), all["level"].as_str()),
        (Some("normal"), Some("warn"))
    );
    let linux = find(&run_uv(&["--target", "x86_64-unknown-linux-gnu"]));
    assert_eq!(
        (linux["exposure"].as_str(), linux["level"].as_str()),
        (Some("inactive-target"), Some("info")),
        "capped by the default preset"
    );
}

#[test]
fn stale_release_from_index_pubtime_only() {
    let home = tempfile::tempdir().unwrap();
    let cache = home
        .path()
        .join("cargo-home/registry/index/index.crates.io-test/.cache/it/oa");
    std::fs::create_dir_all(&cache).unwrap();
    let mut bytes = vec![3u8, 2, 0, 0, 0];
    bytes.extend_from_slice(b"Unknown\0");
    bytes.extend_from_slice(b"1.0.19\0{\"name\":\"itoa\",\"vers\":\"1.0.19\",\"yanked\":false,\"pubtime\":\"2023-01-02T00:00:00Z\"}\0");
    std::fs::write(cache.join("itoa"), bytes).unwrap();
    let policy = home.path().join("p.toml");
    std::fs::write(&policy, "[maintenance]\nmax-release-age = \"365d\"\n").unwrap();
    let out = run(depgate(home.path()).args(with(
        WS_BASIC,
        &["--format", "json", "--policy", policy.to_str().unwrap()],
    )));
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let stale: Vec<&Value> = of(v["findings"].as_array().unwrap(), "stale-release");
    assert_eq!(stale.len(), 1, "only itoa is dated by the cache");
    assert!(
        stale[0]["message"]
            .as_str()
            .unwrap()
            .contains("published on 2023-01-02")
    );
    // Crates the cache does not date are named once, never guessed.
    assert!(
        out.stderr.contains("not in the local cargo index cache") && out.stderr.contains("ryu"),
        "{}",
        out.stderr
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// One report with every hygiene family, checked by eye.
#[test]
fn hygiene_report_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    copy_tree(&repo().join("testdata/ws-basic"), &ws);
    // Its own repository root, so every path in the report is relative.
    std::fs::create_dir_all(ws.join(".git")).unwrap();
    std::fs::write(
        ws.join("rust-toolchain.toml"),
        "[toolchain]\nchannel = \"1.82\"\n",
    )
    .unwrap();
    std::fs::write(
        ws.join("depgate.toml"),
        "min-toolchain = \"1.85\"\n\n[sources]\ngit = \"allow\"\npath-outside-workspace = \"allow\"\n\n[[deprecated]]\ncrate = \"itoa\"\nuse-instead = \"std formatting\"\nreason = \"fixture\"\nsunset = 2027-01-01\n\n[[boundaries]]\nmembers = [\"crates/core\"]\ndeny = [\"memchr\"]\nreason = \"the core stays dependency-free\"\n\n[levels]\nadvisory-db-stale = \"allow\"\n",
    )
    .unwrap();
    let out = run_strings(&[
        "check".into(),
        "--manifest-path".into(),
        ws.join("Cargo.toml").to_str().unwrap().into(),
        "--metadata-path".into(),
        ws.join("metadata.json").to_str().unwrap().into(),
        "--today".into(),
        "2026-11-23".into(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!("hygiene_human", out.stdout);
}
