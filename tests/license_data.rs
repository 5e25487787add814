//! Where license data comes from (metadata, nothing in lockfile mode, the
//! cargo registry cache on opt-in), clarifications pinned by SHA-256, the
//! `license` line of member manifests, unused exceptions, and the presets'
//! licence keys.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

/// A workspace with a Cargo.lock only (app, three crates.io packages and a
/// git one) and a CARGO_HOME whose registry cache holds two of them.
fn lockfile_workspace(root: &Path) {
    let ws = root.join("ws");
    std::fs::create_dir_all(ws.join(".git")).unwrap();
    let mut lock = String::from(
        "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"gplcrate\", \"mitcrate\", \"missing\", \"gitdep\"]\n",
    );
    for (name, ver) in [
        ("gplcrate", "1.0.0"),
        ("mitcrate", "2.0.0"),
        ("missing", "0.1.0"),
    ] {
        lock.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{ver}\"\nsource = \"{CRATES_IO}\"\nchecksum = \"{}\"\n",
            "0".repeat(64)
        ));
    }
    lock.push_str("\n[[package]]\nname = \"gitdep\"\nversion = \"0.3.0\"\nsource = \"git+https://example.com/g#0123456789abcdef0123456789abcdef01234567\"\n");
    std::fs::write(ws.join("Cargo.lock"), lock).unwrap();
    let cache = root.join("cargo-home/registry/src/index.crates.io-1949cf8c6b5b557f");
    for (dir, license) in [
        ("gplcrate-1.0.0", "GPL-3.0-only"),
        ("mitcrate-2.0.0", "MIT"),
    ] {
        std::fs::create_dir_all(cache.join(dir)).unwrap();
        std::fs::write(
            cache.join(dir).join("Cargo.toml"),
            format!("[package]\nname = \"x\"\nversion = \"1.0.0\"\nlicense = \"{license}\"\n"),
        )
        .unwrap();
        std::fs::write(cache.join(dir).join("LICENSE"), format!("{license} text\n")).unwrap();
    }
}

fn check_lockfile(root: &Path, policy: &str, extra: &[&str]) -> (Output, Value) {
    std::fs::write(root.join("p.toml"), policy).unwrap();
    let ws = root.join("ws");
    let mut args = vec![
        "check",
        "--lockfile-only",
        "--manifest-path",
        ws.join("Cargo.toml").to_str().unwrap().to_string().leak(),
        "--policy",
        root.join("p.toml").to_str().unwrap().to_string().leak(),
        "--format",
        "json",
        "--today",
        "2026-11-23",
    ];
    args.extend(extra);
    let out = run(depgate(root).args(&args));
    assert!(out.code < 2, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    (out, v)
}

/// (rule, package, message) of every license finding.
fn license_findings(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("license-"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["package"]["name"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const ALLOW_MIT: &str = "[licenses]\nallow = [\"MIT\"]\n[sources]\ngit = \"allow\"\n";

#[test]
fn lockfile_mode_has_no_license_data_unless_the_cache_is_opted_in() {
    let dir = tempfile::tempdir().unwrap();
    lockfile_workspace(dir.path());
    let (_, v) = check_lockfile(dir.path(), ALLOW_MIT, &[]);
    assert_eq!(v["license_data"]["source"], "none");
    let found = license_findings(&v);
    // Four dependencies, every one unknown, each saying why (the member
    // `app` is not judged: lockfile mode reads no member manifest). With
    // data missing, the allow-list is not reported as unused.
    let unknown: Vec<_> = found
        .iter()
        .filter(|(r, _, m)| {
            r == "license-unknown" && m.contains("Cargo.lock carries no license data")
        })
        .collect();
    assert_eq!(unknown.len(), 4, "{found:?}");
    assert_eq!(
        found.len(),
        4,
        "no license-allow-unused without data: {found:?}"
    );

    let (out, v) = check_lockfile(dir.path(), ALLOW_MIT, &["--license-data", "cargo-cache"]);
    assert_eq!(v["license_data"]["source"], "cargo-cache");
    assert_eq!(
        v["license_data"]["found"],
        serde_json::json!(["gplcrate 1.0.0", "mitcrate 2.0.0"])
    );
    assert_eq!(
        v["license_data"]["missing"],
        serde_json::json!(["missing 0.1.0"])
    );
    assert!(
        out.stderr
            .contains("2 crates found (gplcrate 1.0.0, mitcrate 2.0.0), 1 missing (missing 0.1.0)"),
        "{}",
        out.stderr
    );
    let found = license_findings(&v);
    let of = |krate: &str| -> Vec<&(String, String, String)> {
        found.iter().filter(|(_, p, _)| p == krate).collect()
    };
    assert_eq!(of("mitcrate").len(), 0, "{found:?}");
    let gpl = of("gplcrate");
    assert_eq!(gpl.len(), 1);
    assert_eq!(gpl[0].0, "license-rejected");
    assert!(
        gpl[0]
            .2
            .ends_with("is licensed `GPL-3.0-only`: GPL-3.0-only is not in the allow-list"),
        "{}",
        gpl[0].2
    );
    assert!(
        of("missing")[0]
            .2
            .contains("not in the local cargo registry cache")
    );
    assert!(of("gitdep")[0].2.contains("reads crates.io packages only"));
    let rejected = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "license-rejected")
        .unwrap();
    assert_eq!(rejected["properties"]["license-source"], "cargo-cache");
    // The rejected crate points at its Cargo.lock entry.
    assert_eq!(rejected["locations"][0]["path"], "Cargo.lock");
}

#[test]
fn cargo_cache_option_is_refused_in_metadata_mode() {
    let mut args = WS_BASIC.to_vec();
    args.extend(["--license-data", "cargo-cache"]);
    let out = depgate_args(&args);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("applies only with --lockfile-only"),
        "{}",
        out.stderr
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn clarification_applies_until_its_license_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    lockfile_workspace(dir.path());
    let license = dir
        .path()
        .join("cargo-home/registry/src/index.crates.io-1949cf8c6b5b557f/gplcrate-1.0.0/LICENSE");
    let digest = sha256_hex(&std::fs::read(&license).unwrap());
    let policy = format!(
        "[licenses]\nallow = [\"MIT\"]\nunknown = \"warn\"\n\n[[licenses.clarify]]\ncrate = \"gplcrate\"\nversions = \"1\"\nexpression = \"MIT\"\nlicense-files = [{{ path = \"LICENSE\", sha256 = \"{digest}\" }}]\n\n[[licenses.clarify]]\ncrate = \"not-in-graph\"\nexpression = \"MIT\"\nlicense-files = []\n\n[[licenses.clarify]]\ncrate = \"mitcrate\"\nexpression = \"MIT\"\nlicense-files = []\n\n[[licenses.clarify]]\ncrate = \"mitcrate\"\nexpression = \"Apache-2.0\"\nlicense-files = []\n[sources]\ngit = \"allow\"\n"
    );
    let (_, v) = check_lockfile(dir.path(), &policy, &["--license-data", "cargo-cache"]);
    let found = license_findings(&v);
    assert!(!found.iter().any(|(_, p, _)| p == "gplcrate"), "{found:?}");
    let unused: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "license-allow-unused")
        .collect();
    // Allow entries are not judged (some crates have no data); the
    // clarification for no crate, and the one shadowed by an earlier entry
    // for the same crate, are reported at their lines.
    assert_eq!(unused.len(), 2);
    assert_eq!(unused[0]["subject"], "clarify:mitcrate");
    assert_eq!(unused[0]["locations"][0]["line"], 21);
    assert!(
        unused[0]["message"]
            .as_str()
            .unwrap()
            .contains("never applied: an earlier clarification")
    );
    assert_eq!(unused[1]["subject"], "clarify:not-in-graph");
    assert_eq!(
        unused[1]["locations"][0]["line"], 11,
        "at the clarification in the policy"
    );
    assert!(
        unused[1]["message"]
            .as_str()
            .unwrap()
            .ends_with("matched no package")
    );

    std::fs::write(&license, "GPL-3.0-only text, amended\n").unwrap();
    let (out, v) = check_lockfile(dir.path(), &policy, &["--license-data", "cargo-cache"]);
    assert_eq!(out.code, 1);
    let stale: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "license-clarify-stale")
        .collect();
    assert_eq!(stale.len(), 1);
    let msg = stale[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("`LICENSE` has changed") && msg.contains(&digest),
        "{msg}"
    );
    assert!(
        stale[0]["locations"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("p.toml")
    );
    assert_eq!(stale[0]["locations"][0]["line"], 5);
    // Judged by its own field again.
    assert!(
        license_findings(&v)
            .iter()
            .any(|(r, p, _)| r == "license-rejected" && p == "gplcrate")
    );

    // Without the cache, the clarification cannot be verified: stale too.
    let (_, v) = check_lockfile(dir.path(), &policy, &[]);
    let stale = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "license-clarify-stale")
        .unwrap();
    assert!(stale["message"].as_str().unwrap().contains("not available"));
}

#[test]
fn bad_license_policy_entries_are_exit_2_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(
        &p,
        "[licenses]\nallow = [\"MIT\", \"Apache2\", \"GPL-2.0+\"]\n\n[[licenses.clarify]]\ncrate = \"x\"\nexpression = \"MIT OR OR\"\nlicense-files = [{ path = \"LICENSE\", sha256 = \"abc\" }]\n",
    )
    .unwrap();
    let out = depgate_args(&["policy", "check", p.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    for want in [
        "p.toml:2:17: `licenses.allow`: `Apache2` is not an SPDX license id: unknown term (did you mean `Apache-2.0`?)",
        "(did you mean `GPL-2.0-or-later`?)",
        "p.toml:6:14: `licenses.clarify[0].expression`: invalid SPDX expression `MIT OR OR`",
        "`licenses.clarify[0].license-files[0].sha256`: `abc` is not a SHA-256 digest",
    ] {
        assert!(
            out.stderr.contains(want),
            "missing {want:?} in\n{}",
            out.stderr
        );
    }
}

#[test]
fn member_findings_point_at_the_manifest_license_line_and_exceptions_can_be_unused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(
        &p,
        "[licenses]\nallow = [\"Apache-2.0\", \"Unlicense\"]\ninclude-unpublished = true\nunknown = \"warn\"\n\n[[licenses.exceptions]]\ncrate = \"itoa\"\nallow = [\"Apache-2.0\"]\n\n[[licenses.exceptions]]\ncrate = \"fixture-app\"\nversions = \"0.2\"\nallow = [\"MIT\"]\n[sources]\ngit = \"allow\"\n",
    )
    .unwrap();
    let mut args = WS_BASIC.to_vec();
    args.extend(["--policy", p.to_str().unwrap(), "--format", "json"]);
    let out = depgate_args(&args);
    assert!(out.code < 2, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    // fixture-app is MIT: allowed only by its exception. fixture-core is
    // `MIT OR Apache-2.0`: fine. Nothing rejected among members.
    assert!(
        !findings
            .iter()
            .any(|f| f["rule"] == "license-rejected" && f["package"]["name"] == "fixture-app")
    );
    // The itoa exception repeats the allow-list: unused, at its line.
    let unused: Vec<(&str, u64)> = findings
        .iter()
        .filter(|f| f["rule"] == "license-allow-unused")
        .map(|f| {
            (
                f["subject"].as_str().unwrap(),
                f["locations"][0]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(unused.contains(&("exception:itoa", 6)), "{unused:?}");
    let itoa = findings
        .iter()
        .find(|f| f["subject"] == "exception:itoa")
        .unwrap();
    assert!(
        itoa["message"]
            .as_str()
            .unwrap()
            .ends_with("was not needed: the allow-list already covers what it allows")
    );
    // A member's license finding points at the `license` line of its Cargo.toml.
    std::fs::write(
        &p,
        "[licenses]\nallow = [\"Apache-2.0\"]\n[sources]\ngit = \"allow\"\n",
    )
    .unwrap();
    let out = depgate_args(&args);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let app = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "license-rejected" && f["package"]["name"] == "fixture-app")
        .expect("fixture-app (MIT) is rejected");
    assert_eq!(
        app["locations"][0]["path"],
        "testdata/ws-basic/crates/app/Cargo.toml"
    );
    assert_eq!(app["locations"][0]["line"], 5);
    // An exception out of its version range does not apply, and is unused.
    std::fs::write(&p, "[licenses]\nallow = [\"Apache-2.0\"]\n[[licenses.exceptions]]\ncrate = \"fixture-app\"\nversions = \">=1\"\nallow = [\"MIT\"]\n[sources]\ngit = \"allow\"\n").unwrap();
    let scoped: Value = serde_json::from_str(&depgate_args(&args).stdout).unwrap();
    let rules_for_app: Vec<&str> = scoped["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["package"]["name"] == "fixture-app" || f["subject"] == "exception:fixture-app"
        })
        .map(|f| f["rule"].as_str().unwrap())
        .filter(|r| r.starts_with("license-"))
        .collect();
    assert_eq!(rules_for_app, ["license-allow-unused", "license-rejected"]);
    // fixture-core has publish = false: skipped by default.
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["package"]["name"] == "fixture-core"
                && f["rule"].as_str().unwrap().starts_with("license-"))
    );
}

#[test]
fn presets_license_keys_in_lockfile_mode() {
    let dir = tempfile::tempdir().unwrap();
    lockfile_workspace(dir.path());
    // default refuses no license: lockfile-mode unknowns are counted, not reported.
    let (out, v) = check_lockfile(
        dir.path(),
        "extends = [\"preset:default\"]\n[sources]\ngit = \"allow\"\n",
        &[],
    );
    assert!(
        license_findings(&v).is_empty(),
        "{:?}",
        license_findings(&v)
    );
    assert_eq!(v["summary"]["allowed"]["license-unknown"], 4);
    assert_eq!(out.code, 0, "{}", out.stdout);
    // Counted ones are tallied only when no waiver could match them: a
    // waiver naming the rule, or naming no rule, still finds its package.
    let unused = |v: &serde_json::Value| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "waiver-unused")
            .count()
    };
    let base = "extends = [\"preset:default\"]\n[sources]\ngit = \"allow\"\n[[waivers]]\n";
    for (waiver, expect_unused) in [
        ("rule = \"license-unknown\"\ncrate = \"missing\"\n", 0),
        ("crate = \"missing\"\n", 0),
        ("id = \"RUSTSEC-2099-0001\"\n", 1),
    ] {
        let policy = format!("{base}{waiver}reason = \"r\"\nexpires = 2099-01-01\n");
        let (_, v) = check_lockfile(dir.path(), &policy, &[]);
        assert_eq!(v["summary"]["allowed"]["license-unknown"], 4, "{waiver}");
        assert_eq!(unused(&v), expect_unused, "{waiver}");
    }
    // ... unless a level is set for the rule: then they are reported in full.
    let (_, v) = check_lockfile(
        dir.path(),
        "extends = [\"preset:default\"]\n[sources]\ngit = \"allow\"\n",
        &["-W", "license-unknown"],
    );
    let warned: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "license-unknown")
        .collect();
    assert_eq!(warned.len(), 4);
    assert!(warned.iter().all(|f| {
        f["level"] == "warn"
            && f["message"]
                .as_str()
                .unwrap()
                .contains("Cargo.lock carries no license data")
            && f["locations"][0]["path"] == "Cargo.lock"
    }));
    // strict needs license data: without it every package is unknown at deny.
    let (out, v) = check_lockfile(
        dir.path(),
        "extends = [\"preset:strict\"]\n[sources]\ngit = \"allow\"\n",
        &[],
    );
    assert_eq!(out.code, 1);
    let denied = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "license-unknown" && f["level"] == "deny")
        .count();
    assert_eq!(denied, 4);
    // regulated denies strong copyleft: GPL-3.0-only from the cache.
    let (_, v) = check_lockfile(
        dir.path(),
        "extends = [\"preset:regulated\"]\n[sources]\ngit = \"allow\"\n",
        &["--license-data", "cargo-cache"],
    );
    let gpl = license_findings(&v)
        .into_iter()
        .find(|(r, p, _)| r == "license-rejected" && p == "gplcrate")
        .expect("GPL rejected");
    assert!(
        gpl.2.contains("GPL-3.0-only is strong copyleft"),
        "{}",
        gpl.2
    );
}

#[test]
fn inventory_in_lockfile_mode_with_the_cargo_cache() {
    let dir = tempfile::tempdir().unwrap();
    lockfile_workspace(dir.path());
    let manifest = dir.path().join("ws/Cargo.toml");
    let args = [
        "licenses",
        "--lockfile-only",
        "--license-data",
        "cargo-cache",
        "--format",
        "json",
        "--manifest-path",
        manifest.to_str().unwrap(),
    ];
    let out = run(depgate(dir.path()).args(args));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("2 crates found"), "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let rows: Vec<(String, String, String)> = v["crates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["license_source"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |n: &str| rows.iter().find(|r| r.0 == n).unwrap().clone();
    // The built-in default policy has no allow-list: every known license is allowed.
    assert_eq!(
        row("gplcrate"),
        ("gplcrate".into(), "cargo-cache".into(), "allowed".into())
    );
    assert_eq!(
        row("missing"),
        ("missing".into(), "none".into(), "unknown".into())
    );
    assert_eq!(
        v["license_data"]["missing"],
        serde_json::json!(["missing 0.1.0"])
    );
}

#[test]
fn cargo_cache_and_clarify_never_read_outside_the_crate() {
    let dir = tempfile::tempdir().unwrap();
    lockfile_workspace(dir.path());
    let root = dir.path();
    // A Cargo.lock name that would climb out of the cache is refused at
    // load, naming its line; a cached manifest that is a link to /dev/zero
    // is not read.
    let lock = root.join("ws/Cargo.lock");
    let plain = std::fs::read_to_string(&lock).unwrap();
    let with = |name: &str| {
        format!(
            "{plain}\n[[package]]\nname = \"{name}\"\nversion = \"1.0.0\"\nsource = \"{CRATES_IO}\"\n"
        )
    };
    std::fs::write(&lock, with("../../../../../evil/x")).unwrap();
    std::fs::write(root.join("p.toml"), "").unwrap();
    let ws = root.join("ws/Cargo.toml");
    let out = run(depgate(root).args([
        "check",
        "--lockfile-only",
        "--license-data",
        "cargo-cache",
        "--manifest-path",
        ws.to_str().unwrap(),
        "--policy",
        root.join("p.toml").to_str().unwrap(),
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("Cargo.lock:"), "{}", out.stderr);
    assert!(
        out.stderr.contains("`package[../../../../../evil/x].name`"),
        "{}",
        out.stderr
    );
    std::fs::write(&lock, with("zero")).unwrap();
    let cache = root.join("cargo-home/registry/src/index.crates.io-1949cf8c6b5b557f");
    std::fs::create_dir_all(root.join("evil/x-1.0.0")).unwrap();
    std::fs::write(
        root.join("evil/x-1.0.0/Cargo.toml"),
        "[package]\nlicense = \"MIT\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(cache.join("zero-1.0.0")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", cache.join("zero-1.0.0/Cargo.toml")).unwrap();
    // A crate whose `sub` directory links out of it.
    std::os::unix::fs::symlink("/etc", cache.join("mitcrate-2.0.0/sub")).unwrap();
    let digest = sha256_hex(&std::fs::read("/etc/hostname").unwrap_or_default());
    let policy = format!(
        "[licenses]\nallow = [\"MIT\"]\nunknown = \"warn\"\n[[licenses.clarify]]\ncrate = \"mitcrate\"\nexpression = \"MIT\"\nlicense-files = [{{ path = \"sub/hostname\", sha256 = \"{digest}\" }}]\n[sources]\ngit = \"allow\"\n"
    );
    let (_, v) = check_lockfile(root, &policy, &["--license-data", "cargo-cache"]);
    let missing = &v["license_data"]["missing"];
    assert!(
        missing
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "zero 1.0.0")
    );
    let stale = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "license-clarify-stale")
        .expect("the clarification through a link is stale");
    assert!(
        stale["message"]
            .as_str()
            .unwrap()
            .contains("outside the crate")
            || stale["message"].as_str().unwrap().contains("cannot read"),
        "{}",
        stale["message"]
    );

    // `..` in a clarification path is refused when the policy loads.
    let p = root.join("bad.toml");
    std::fs::write(
        &p,
        format!("[licenses]\n[[licenses.clarify]]\ncrate = \"x\"\nexpression = \"MIT\"\nlicense-files = [{{ path = \"../app/LICENSE\", sha256 = \"{digest}\" }}]\n"),
    )
    .unwrap();
    let out = depgate_args(&["policy", "check", p.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("`licenses.clarify[0].license-files[0].path`: `../app/LICENSE` must be a relative path inside the crate"),
        "{}",
        out.stderr
    );
}
