//! How an advisory finding gets its level: CVSS v2/v3/v4 scores, the
//! threshold and unscored handling, patch-SLA windows on their boundary
//! days, exposure caps, waivers by advisory id, and a fail-closed DB.
//! Uses the synthetic DB in testdata/advisory-db-mini.

mod common;
use common::*;
use serde_json::Value;

const LOCK: &[&str] = &[
    "check",
    "--lockfile-only",
    "--manifest-path",
    "testdata/lock-vulns/Cargo.toml",
    "--advisory-db",
    "testdata/advisory-db-mini",
];

fn run_with(policy: &str, today: &str) -> (i32, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(&p, policy).unwrap();
    let out = run_strings(&with(
        LOCK,
        &[
            "--policy",
            p.to_str().unwrap(),
            "--today",
            today,
            "--format",
            "json",
        ],
    ));
    assert!(out.code < 2, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    (out.code, v["findings"].as_array().unwrap().clone())
}

fn by_crate<'a>(fs: &'a [Value], krate: &str) -> &'a Value {
    fs.iter()
        // The Windows-only notice on demo-low has its own test below.
        .find(|f| f["package"]["name"] == krate && f["rule"] != "advisory-notice")
        .unwrap_or_else(|| panic!("no finding for {krate}"))
}

#[test]
fn scores_for_every_cvss_version_and_unscorable_vectors() {
    let (_, fs) = run_with("", "2026-11-23");
    assert_eq!(
        by_crate(&fs, "demo-critical")["properties"]["cvss_score"],
        9.8
    );
    assert_eq!(by_crate(&fs, "demo-v4")["properties"]["cvss_score"], 9.3);
    assert_eq!(
        by_crate(&fs, "demo-v4")["properties"]["severity"],
        "critical"
    );
    assert_eq!(
        by_crate(&fs, "demo-low")["properties"]["cvss_score"],
        2.1,
        "a v2 vector"
    );
    let bad = by_crate(&fs, "demo-badcvss");
    assert!(
        bad["properties"]["cvss_score"].is_null(),
        "unscorable vector: loaded, unscored"
    );
    assert!(bad["message"].as_str().unwrap().contains("(unscored)"));
    // Withdrawn advisories never match: demo-critical has exactly one finding.
    assert_eq!(
        fs.iter()
            .filter(|f| f["package"]["name"] == "demo-critical")
            .count(),
        1
    );
    let out = run_strings(&with(LOCK, &["--today", "2026-11-23"]));
    assert!(
        out.stderr.contains("RUSTSEC-9999-0003.md: CVSS vector"),
        "the warning names the file: {}",
        out.stderr
    );
}

#[test]
fn threshold_and_unscored() {
    let (_, fs) = run_with("[advisories]\nfail-on-cvss = 9.5\n", "2026-11-23");
    assert_eq!(by_crate(&fs, "demo-critical")["level"], "deny");
    assert_eq!(
        by_crate(&fs, "demo-v4")["level"],
        "warn",
        "9.3 is below 9.5"
    );
    assert_eq!(
        by_crate(&fs, "demo-badcvss")["level"],
        "deny",
        "unscored counts as relevant by default"
    );
    let (_, fs) = run_with(
        "[advisories]\nfail-on-cvss = 9.5\nunscored = \"warn\"\nbelow-threshold = \"info\"\n",
        "2026-11-23",
    );
    assert_eq!(by_crate(&fs, "demo-badcvss")["level"], "info");
    assert_eq!(by_crate(&fs, "demo-v4")["level"], "info");
}

#[test]
fn patch_sla_window_boundaries() {
    // RUSTSEC-9999-0001 (critical) is dated 2026-11-10: a 7-day window ends 2026-11-17.
    let sla = "[advisories.patch-sla]\ncritical = \"7d\"\nhigh = \"30d\"\nmedium = \"90d\"\nlow = \"180d\"\nunscored = \"30d\"\n";
    let level = |today: &str| {
        let (_, fs) = run_with(sla, today);
        let f = by_crate(&fs, "demo-critical").clone();
        (
            f["level"].as_str().unwrap().to_string(),
            f["properties"].clone(),
        )
    };
    let (l, p) = level("2026-11-16");
    assert_eq!((l.as_str(), p["days_left"].as_i64()), ("warn", Some(1)));
    let (l, p) = level("2026-11-17");
    assert_eq!(
        (l.as_str(), p["days_left"].as_i64()),
        ("warn", Some(0)),
        "the deadline day is still inside"
    );
    let (l, p) = level("2026-11-18");
    assert_eq!((l.as_str(), p["days_overdue"].as_i64()), ("deny", Some(1)));
    assert_eq!(p["deadline"], "2026-11-17");
    // Without patch-sla a relevant vulnerability denies at once.
    let (_, fs) = run_with("", "2026-11-11");
    assert_eq!(by_crate(&fs, "demo-critical")["level"], "deny");
}

#[test]
fn informational_scope_and_level() {
    let (_, fs) = run_with(
        "[advisories.unmaintained]\nlevel = \"deny\"\nscope = \"direct\"\n",
        "2026-11-23",
    );
    assert_eq!(by_crate(&fs, "demo-old")["rule"], "advisory-unmaintained");
    assert_eq!(by_crate(&fs, "demo-old")["level"], "deny");
}

#[test]
fn remediation_lines() {
    let (_, fs) = run_with("", "2026-11-23");
    assert_eq!(
        by_crate(&fs, "demo-critical")["fix"],
        "cargo update -p demo-critical@1.0.0 --precise 1.0.1  (patched: >= 1.0.1)"
    );
    let v4 = by_crate(&fs, "demo-v4")["fix"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        v4.contains("semver-incompatible") && v4.contains("`wrapper`"),
        "{v4}"
    );
}

#[test]
fn waiver_by_advisory_id_and_exposure_cap() {
    let (code, fs) = run_with(
        "[[waivers]]\nid = \"RUSTSEC-9999-0001\"\nreason = \"not reachable\"\nexpires = 2027-01-01\n[[waivers]]\nid = \"RUSTSEC-9999-0002\"\nreason = \"x\"\nexpires = 2027-01-01\n[[waivers]]\nid = \"RUSTSEC-9999-0003\"\nreason = \"x\"\nexpires = 2027-01-01\n[[waivers]]\nid = \"RUSTSEC-9999-0004\"\nreason = \"x\"\nexpires = 2027-01-01\n",
        "2026-11-23",
    );
    assert_eq!(code, 0, "every vulnerability is waived");
    assert_eq!(
        by_crate(&fs, "demo-critical")["waived"]["reason"],
        "not reachable"
    );
    // Exposure: the fixture's ryu is dev-only; a critical advisory on it is capped.
    let out = run_strings(&with(
        WS_BASIC,
        &[
            "--advisory-db",
            "testdata/advisory-db-mini",
            "--format",
            "json",
            "-A",
            "ban-denied-crate",
        ],
    ));
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "advisory-vulnerability")
        .unwrap();
    assert_eq!(
        (
            f["exposure"].as_str(),
            f["level"].as_str(),
            f["level_source"].as_str()
        ),
        (Some("dev-only"), Some("warn"), Some("exposure-cap"))
    );
}

#[test]
fn human_report_with_several_vulnerabilities() {
    let out = run_strings(&with(LOCK, &["--today", "2026-11-23"]));
    assert_eq!(out.code, 1);
    insta::assert_snapshot!("lock_vulns_human", out.stdout);
}

#[test]
fn missing_or_corrupt_db_fails_closed() {
    let out = run_strings(&with(&LOCK[..4], &["--advisory-db", "testdata/no-such-db"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no-such-db"), "{}", out.stderr);
    let dir = tempfile::tempdir().unwrap();
    let adv = dir.path().join("crates/x");
    std::fs::create_dir_all(&adv).unwrap();
    std::fs::write(adv.join("RUSTSEC-2000-0001.md"), "```toml\n[advisory]\nid = \"RUSTSEC-2000-0001\"\npackage = \"x\"\ndate = \"2000-01-01\"\n\n[versions]\npatched = [\"nonsense\"\n```\n").unwrap();
    let out = run_strings(&with(
        &LOCK[..4],
        &["--advisory-db", dir.path().to_str().unwrap()],
    ));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("RUSTSEC-2000-0001.md:"),
        "{}",
        out.stderr
    );
    std::fs::write(
        adv.join("RUSTSEC-2000-0001.md"),
        "```toml\n[advisory]\nid = \"RUSTSEC-2000-0001\"\npackage = \"x\"\n```\n",
    )
    .unwrap();
    let out = run_strings(&with(
        &LOCK[..4],
        &["--advisory-db", dir.path().to_str().unwrap()],
    ));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("missing field `date`"),
        "{}",
        out.stderr
    );
}

#[test]
fn embedded_snapshot_matches_the_shared_db() {
    let Some(shared) = shared() else { return };
    let embedded = depgate::advisories::store::embedded().unwrap();
    let dir = depgate::advisories::AdvisoryDb::load(&shared.join("advisory-db")).unwrap();
    assert_eq!(embedded.info.commit, dir.info.commit);
    assert_eq!(embedded.info.date, dir.info.date);
    // Every field of every advisory, as today's parser reads the directory
    // (the snapshot is pre-parsed, so a parser change must regenerate it:
    // `depgate db snapshot --from ../shared/advisory-db --out src/advisories/snapshot.idx`).
    let fields = |db: &depgate::advisories::AdvisoryDb, origin: &str| {
        db.all()
            .unwrap()
            .into_iter()
            .map(|a| {
                let mut a = a.clone();
                a.file = a.file.strip_prefix(origin).unwrap().to_string();
                serde_json::to_string(&a).unwrap()
            })
            .collect::<Vec<_>>()
    };
    let origin = shared.join("advisory-db").display().to_string();
    assert_eq!(fields(&embedded, "embedded"), fields(&dir, &origin));
    let warnings = |db: &depgate::advisories::AdvisoryDb, origin: &str| {
        db.warnings
            .iter()
            .map(|w| w.replace(origin, ""))
            .collect::<Vec<_>>()
    };
    assert_eq!(warnings(&embedded, "embedded"), warnings(&dir, &origin));
}

#[test]
fn yanked_from_the_local_index_cache_only_when_enabled() {
    let home = tempfile::tempdir().unwrap();
    let cache = home
        .path()
        .join("cargo-home/registry/index/index.crates.io-test/.cache/de/mo");
    std::fs::create_dir_all(&cache).unwrap();
    let mut bytes = vec![3u8, 2, 0, 0, 0];
    bytes.extend_from_slice(b"Unknown\0");
    bytes.extend_from_slice(
        b"1.0.0\0{\"name\":\"demo-critical\",\"vers\":\"1.0.0\",\"yanked\":true}\0",
    );
    std::fs::write(cache.join("demo-critical"), bytes).unwrap();
    let policy = home.path().join("p.toml");
    std::fs::write(
        &policy,
        "[advisories.yanked]\nlevel = \"deny\"\nsource = \"cargo-index-cache\"\n",
    )
    .unwrap();
    let args = with(
        LOCK,
        &[
            "--today",
            "2026-11-23",
            "--format",
            "json",
            "--policy",
            policy.to_str().unwrap(),
        ],
    );
    let out = run(depgate(home.path()).args(&args));
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let yanked: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "advisory-yanked")
        .collect();
    assert_eq!(yanked.len(), 1);
    assert_eq!(
        (
            yanked[0]["package"]["name"].as_str(),
            yanked[0]["level"].as_str()
        ),
        (Some("demo-critical"), Some("deny"))
    );
    assert!(
        out.stderr.contains("not in the local cargo index cache") && out.stderr.contains("demo-v4"),
        "{}",
        out.stderr
    );
    // Off by default: the same cache gives no finding.
    let out =
        run(depgate(home.path()).args(with(LOCK, &["--today", "2026-11-23", "--format", "json"])));
    assert!(!out.stdout.contains("advisory-yanked"));
}

#[test]
fn pre_parsed_cache_is_built_and_invalidated_when_the_directory_changes() {
    let Some(shared) = shared() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let db_dir = tmp.path().join("db");
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(shared.join("advisory-db"))
        .arg(&db_dir)
        .status()
        .unwrap();
    assert!(status.success());
    let cache = tmp.path().join("cache");
    let first = depgate::advisories::AdvisoryDb::load_cached(&db_dir, Some(&cache)).unwrap();
    assert!(!first.info.from_cache);
    let second = depgate::advisories::AdvisoryDb::load_cached(&db_dir, Some(&cache)).unwrap();
    assert!(
        second.info.from_cache,
        "the second load uses the pre-parsed cache"
    );
    assert_eq!(
        serde_json::to_string(&first.all().unwrap()).unwrap(),
        serde_json::to_string(&second.all().unwrap()).unwrap()
    );
    // Add one advisory: the cache must not be used.
    let file = db_dir.join("crates/demo/RUSTSEC-9999-0001.md");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "```toml\n[advisory]\nid = \"RUSTSEC-9999-0001\"\npackage = \"demo\"\ndate = \"2026-01-01\"\n```\n\n# t\n").unwrap();
    let third = depgate::advisories::AdvisoryDb::load_cached(&db_dir, Some(&cache)).unwrap();
    assert!(!third.info.from_cache);
    assert_eq!(third.all().unwrap().len(), first.all().unwrap().len() + 1);
    // Change a file's content in place (same name): also a miss.
    std::fs::write(&file, "```toml\n[advisory]\nid = \"RUSTSEC-9999-0001\"\npackage = \"demo2\"\ndate = \"2026-01-01\"\n```\n\n# t\n").unwrap();
    let fourth = depgate::advisories::AdvisoryDb::load_cached(&db_dir, Some(&cache)).unwrap();
    assert!(!fourth.info.from_cache);
    assert!(fourth.for_package("demo2").next().is_some());
    assert!(
        depgate::advisories::AdvisoryDb::load_cached(&db_dir, Some(&cache))
            .unwrap()
            .info
            .from_cache
    );
    // The hardest edit: same size, and the old modification time put back.
    // Only the change time shows it, and it must still be noticed.
    let before = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&file, "```toml\n[advisory]\nid = \"RUSTSEC-9999-0001\"\npackage = \"demo3\"\ndate = \"2026-01-01\"\n```\n\n# t\n").unwrap();
    let f = std::fs::File::options().write(true).open(&file).unwrap();
    f.set_modified(before).unwrap();
    drop(f);
    let fifth = depgate::advisories::AdvisoryDb::load_cached(&db_dir, Some(&cache)).unwrap();
    assert!(
        !fifth.info.from_cache,
        "a same-size edit with the old mtime"
    );
    assert!(fifth.for_package("demo3").next().is_some());
    // A removed advisory file is noticed too.
    std::fs::remove_file(&file).unwrap();
    let sixth = depgate::advisories::AdvisoryDb::load_cached(&db_dir, Some(&cache)).unwrap();
    assert!(!sixth.info.from_cache);
    assert_eq!(sixth.info.advisories, first.info.advisories);
    // A damaged cache file is rebuilt, never trusted.
    let idx = std::fs::read_dir(&cache)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&idx).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&idx, &bytes).unwrap();
    let seventh = depgate::advisories::AdvisoryDb::load_cached(&db_dir, Some(&cache)).unwrap();
    assert!(
        !seventh.info.from_cache,
        "a flipped byte fails the checksum"
    );
    assert_eq!(
        serde_json::to_string(&seventh.all().unwrap()).unwrap(),
        serde_json::to_string(&first.all().unwrap()).unwrap()
    );
    // Scoped loads (one `check`): an in-place edit to another crate's
    // advisory cannot change the answer and is not statted; a load whose
    // graph has that crate, or an unscoped one, notices it.
    let dir = db_dir.join("crates/openssl");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let before = std::fs::metadata(&files[0]).unwrap().modified().unwrap();
    std::fs::write(&files[0], text.replacen("# ", "#_", 1)).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&files[0])
        .unwrap()
        .set_modified(before)
        .unwrap();
    let scoped = |names: &[&'static str]| {
        let set: rustc_hash::FxHashSet<&str> = names.iter().copied().collect();
        depgate::advisories::AdvisoryDb::load_scoped(&db_dir, Some(&cache), Some(&set))
            .unwrap()
            .info
            .from_cache
    };
    assert!(scoped(&["demo", "serde"]), "openssl is out of scope");
    assert!(
        !scoped(&["openssl"]),
        "openssl is in scope: the edit is noticed"
    );
    assert!(scoped(&["openssl"]), "and the rebuilt index is used again");
    // An added file anywhere changes the count, so it is noticed in any scope.
    std::fs::write(dir.join("RUSTSEC-9999-0002.md"), "```toml\n[advisory]\nid = \"RUSTSEC-9999-0002\"\npackage = \"openssl\"\ndate = \"2026-01-01\"\n```\n\n# t\n").unwrap();
    assert!(
        !scoped(&["demo"]),
        "an added advisory changes its directory"
    );
}

#[test]
fn affected_os_narrows_only_with_a_target() {
    let notice = |extra: &[&str]| {
        let out = run_strings(&with(
            LOCK,
            &[&["--today", "2026-11-23", "--format", "json"], extra].concat(),
        ));
        assert!(out.code < 2, "{}", out.stderr);
        out.stdout.contains("RUSTSEC-9999-0008")
    };
    assert!(notice(&[]), "no --target: every target counts");
    assert!(notice(&["--target", "x86_64-pc-windows-msvc"]));
    assert!(!notice(&["--target", "x86_64-unknown-linux-gnu"]));
}

#[test]
fn regulated_requires_approved_by_on_waivers() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    std::fs::write(&p, "extends = [\"preset:regulated\"]\n\n[[waivers]]\nid = \"RUSTSEC-9999-0001\"\nreason = \"r\"\nexpires = 2027-01-01\n").unwrap();
    let out = depgate_args(&["policy", "check", p.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("p.toml:3:1") && out.stderr.contains("`approved-by` is required"),
        "{}",
        out.stderr
    );
    std::fs::write(&p, "extends = [\"preset:regulated\"]\n\n[[waivers]]\nid = \"RUSTSEC-9999-0001\"\nreason = \"r\"\nexpires = 2027-01-01\napproved-by = \"ciso@example.com\"\n").unwrap();
    assert_eq!(
        depgate_args(&["policy", "check", p.to_str().unwrap()]).code,
        0
    );
}
