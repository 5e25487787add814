//! The decide stage: exit-code matrix for every format, the level
//! precedence chain, waivers on the boundary day, and fingerprints that
//! survive edits to Cargo.lock.

mod common;
use common::*;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

fn policy_file(dir: &std::path::Path, text: &str) -> String {
    let p = dir.join("policy.toml");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

const FORMATS: &[&str] = &[
    "human",
    "json",
    "sarif",
    "markdown",
    "gitlab-codequality",
    "gitlab-dependency-scanning",
];

#[test]
fn exit_code_matrix_for_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let pass = policy_file(
        dir.path(),
        "[sources]\ngit = \"allow\"\npath-outside-workspace = \"info\"\n",
    );
    for format in FORMATS {
        // Fails: the fixture policy denies things.
        let fail = run_strings(&with(WS_BASIC, &["--format", format]));
        assert_eq!(fail.code, 1, "{format}: {}", fail.stderr);
        // Passes: a permissive policy.
        let ok = run_strings(&with(WS_BASIC, &["--format", format, "--policy", &pass]));
        assert_eq!(ok.code, 0, "{format}: {}", ok.stdout);
        // Warn-level findings fail only with --fail-on warn.
        let warn = run_strings(&with(
            WS_BASIC,
            &[
                "--format",
                format,
                "--policy",
                &pass,
                "-W",
                "source-path-outside-workspace",
            ],
        ));
        assert_eq!(warn.code, 0, "{format}");
        let warn_gate = run_strings(&with(
            WS_BASIC,
            &[
                "--format",
                format,
                "--policy",
                &pass,
                "-W",
                "source-path-outside-workspace",
                "--fail-on",
                "warn",
            ],
        ));
        assert_eq!(warn_gate.code, 1, "{format}");
        // Errors win: a bad policy is 2 even when findings would fail the gate.
        let bad = policy_file(dir.path(), "bogus = 1\n");
        let err = run_strings(&with(WS_BASIC, &["--format", format, "--policy", &bad]));
        assert_eq!(err.code, 2, "{format}");
        let _ = policy_file(
            dir.path(),
            "[sources]\ngit = \"allow\"\npath-outside-workspace = \"info\"\n",
        );
        // Also when only --output uses the format.
        let target = dir.path().join(format!("r.{format}"));
        let out = run_strings(&with(
            WS_BASIC,
            &["-q", "--output", &format!("{format}={}", target.display())],
        ));
        assert_eq!(out.code, 1);
        assert!(target.exists());
    }
}

fn level_of(extra: &[&str], policy: &str, rule: &str, krate: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = policy_file(dir.path(), policy);
    let out = run_strings(&with(
        WS_BASIC,
        &[&["--format", "json", "--policy", &p], extra].concat(),
    ));
    assert!(out.code < 2, "{}", out.stderr);
    let v = json(&out);
    let all = v["findings"].as_array().unwrap();
    match all
        .iter()
        .find(|f| f["rule"] == rule && f["package"]["name"] == krate)
    {
        Some(f) => (
            f["level"].as_str().unwrap().to_string(),
            f["level_source"].as_str().unwrap().to_string(),
        ),
        None => (
            "allow".to_string(),
            format!("allowed: {}", v["summary"]["allowed"]),
        ),
    }
}

#[test]
fn precedence_chain_family_cap_levels_cli() {
    let ban = "[[bans.deny]]\ncrate = \"ryu\"\n";
    // 1. family: the rule default (deny).
    assert_eq!(
        level_of(&[], ban, "ban-denied-crate", "ryu"),
        ("deny".into(), "family".into())
    );
    // 2. the shared exposure table caps dev-only ryu.
    let capped = format!("{ban}[exposure]\ndev-only = \"info\"\n");
    assert_eq!(
        level_of(&[], &capped, "ban-denied-crate", "ryu"),
        ("info".into(), "exposure-cap".into())
    );
    // 2b. the family's own exposure table overrides the shared one.
    let own = format!("{capped}[bans.exposure]\ndev-only = \"warn\"\n");
    assert_eq!(
        level_of(&[], &own, "ban-denied-crate", "ryu"),
        ("warn".into(), "exposure-cap".into())
    );
    // 3. [levels] replaces outright, above the cap.
    let levels = format!("{capped}[levels]\nban-denied-crate = \"deny\"\n");
    assert_eq!(
        level_of(&[], &levels, "ban-denied-crate", "ryu"),
        ("deny".into(), "policy-levels".into())
    );
    // 4. the CLI wins, and the last flag for a rule wins.
    assert_eq!(
        level_of(
            &["-W", "ban-denied-crate"],
            &levels,
            "ban-denied-crate",
            "ryu"
        ),
        ("warn".into(), "cli".into())
    );
    assert_eq!(
        level_of(
            &["-A", "ban-denied-crate", "-D", "ban-denied-crate"],
            &levels,
            "ban-denied-crate",
            "ryu"
        ),
        ("deny".into(), "cli".into())
    );
    let allowed = level_of(
        &["-D", "ban-denied-crate", "-A", "ban-denied-crate"],
        &levels,
        "ban-denied-crate",
        "ryu",
    );
    assert_eq!(allowed.0, "allow");
    assert!(
        allowed.1.contains("\"ban-denied-crate\":1"),
        "{}",
        allowed.1
    );
    // A cap never raises a level.
    let raise = "[[bans.deny]]\ncrate = \"ryu\"\n[levels]\nban-denied-crate = \"info\"\n[exposure]\ndev-only = \"deny\"\n";
    assert_eq!(level_of(&[], raise, "ban-denied-crate", "ryu").0, "info");
}

fn waiver_run(today: &str, expires: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let p = policy_file(
        dir.path(),
        &format!(
            "[sources]\ngit = \"allow\"\npath-outside-workspace = \"info\"\n[[bans.deny]]\ncrate = \"itoa\"\n\n[[waivers]]\nrule = \"ban-denied-crate\"\ncrate = \"itoa\"\nreason = \"migration in progress\"\nexpires = {expires}\n"
        ),
    );
    let args = [
        "check",
        "--manifest-path",
        "testdata/ws-basic/Cargo.toml",
        "--metadata-path",
        "testdata/ws-basic/metadata.json",
        "--format",
        "json",
        "--policy",
        &p,
        "--today",
        today,
    ];
    let out = depgate_args(&args);
    let mut v = json(&out);
    v["exit"] = out.code.into();
    v
}

#[test]
fn waivers_apply_through_their_expiry_day() {
    let before = waiver_run("2027-01-30", "2027-01-31");
    let on = waiver_run("2027-01-31", "2027-01-31");
    let after = waiver_run("2027-02-01", "2027-01-31");
    for v in [&before, &on] {
        assert_eq!(v["exit"], 0, "{v}");
        assert_eq!(v["summary"]["waived"], 1);
        let f = &v["findings"][0];
        assert_eq!(f["waived"]["reason"], "migration in progress");
    }
    assert_eq!(after["exit"], 1);
    let failing: Vec<&serde_json::Value> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "deny")
        .collect();
    let rules: Vec<&str> = failing
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["ban-denied-crate", "waiver-expired"]);
    let expired = failing[1];
    assert!(
        expired["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2027-01-31 (1 days ago)")
    );
    assert_eq!(
        expired["locations"][0]["line"], 7,
        "points at the waiver's line"
    );
}

#[test]
fn unused_waiver_points_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = policy_file(
        dir.path(),
        "[sources]\ngit = \"allow\"\n\n[[waivers]]\ncrate = \"not-in-graph\"\nreason = \"r\"\nexpires = 2030-01-01\n",
    );
    let out = run_strings(&with(WS_BASIC, &["--format", "json", "--policy", &p]));
    let v = json(&out);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "waiver-unused")
        .unwrap();
    assert_eq!(f["level"], "warn");
    assert_eq!(f["locations"][0]["line"], 4);
}

#[test]
fn fingerprints_survive_lockfile_edits() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("ws");
    copy_dir(&repo().join("testdata/ws-basic"), &copy);
    let lock = copy.join("Cargo.lock");
    let args = |d: &std::path::Path| -> Vec<String> {
        [
            "check",
            "--manifest-path",
            &format!("{}/Cargo.toml", d.display()),
            "--metadata-path",
            &format!("{}/metadata.json", d.display()),
            "--format",
            "json",
            "--today",
            "2026-11-23",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let before = json(&run_strings(&args(&copy)));
    let text = std::fs::read_to_string(&lock).unwrap();
    // Insert lines at the top: every [[package]] entry moves down.
    std::fs::write(&lock, format!("# edited\n# twice\n{text}")).unwrap();
    let after = json(&run_strings(&args(&copy)));
    let prints = |v: &serde_json::Value| -> Vec<(String, u64)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["locations"][0]["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("Cargo.lock"))
            })
            .map(|f| {
                (
                    f["fingerprint"].as_str().unwrap().to_string(),
                    f["locations"][0]["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (b, a) = (prints(&before), prints(&after));
    assert_eq!(b.len(), a.len());
    assert!(b.len() >= 4);
    for ((fb, lb), (fa, la)) in b.iter().zip(&a) {
        assert_eq!(fb, fa, "fingerprint changed");
        assert_eq!(*la, lb + 2, "the Cargo.lock line moved with the entry");
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    let Some(shared) = shared() else { return };
    let lock = shared.join("corpus/lockfiles/astral-sh__uv__2026-08-21.lock");
    let db = shared.join("advisory-db");
    let args = [
        "check",
        "--lockfile-only",
        "--lockfile",
        lock.to_str().unwrap(),
        "--advisory-db",
        db.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        "2026-11-23",
    ];
    let outputs: Vec<String> = ["1", "2", "4"]
        .iter()
        .map(|n| {
            let home = tempfile::tempdir().unwrap();
            run(depgate(home.path()).args(args).env("RAYON_NUM_THREADS", n)).stdout
        })
        .collect();
    assert!(outputs[0].contains("advisory-vulnerability"));
    assert!(outputs.iter().all(|o| *o == outputs[0]));
}

/// A source kind depgate does not know (`ftp://`) is not a pass: it is
/// `source-registry-not-allowed` unless the policy names it.
#[test]
fn an_unknown_source_kind_is_not_allowed() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join("Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"x\"]\n\n[[package]]\nname = \"x\"\nversion = \"1.0.0\"\nsource = \"ftp://evil.example/x\"\n",
    )
    .unwrap();
    let ws = t.path().join("Cargo.toml");
    let out = run(depgate(t.path()).args([
        "check",
        "--lockfile-only",
        "--format",
        "json",
        "--manifest-path",
        ws.to_str().unwrap(),
    ]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"source-registry-not-allowed"), "{rules:?}");
}
