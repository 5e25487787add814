//! Bad input fails closed: exit code 2, a message that names the file and
//! line (or the flag), and never a panic or a report.

mod common;
use common::*;
use std::path::Path;

struct Case {
    name: &'static str,
    /// Files to create in the case's directory: (relative path, contents).
    files: &'static [(&'static str, &'static str)],
    /// Arguments; `{dir}` is replaced by the case directory.
    args: &'static [&'static str],
    /// Substrings the stderr must contain (file:line, key, message).
    expect: &'static [&'static str],
}

const LOCK_OK: &str = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n";
const POLICY_ARGS: &[&str] = &[
    "check",
    "--lockfile-only",
    "--manifest-path",
    "{dir}/Cargo.toml",
    "--policy",
    "{dir}/p.toml",
];
const LOCK_ARGS: &[&str] = &[
    "check",
    "--lockfile-only",
    "--manifest-path",
    "{dir}/Cargo.toml",
];

const CASES: &[Case] = &[
    Case {
        name: "truncated lockfile",
        files: &[(
            "Cargo.lock",
            "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1",
        )],
        args: LOCK_ARGS,
        expect: &["Cargo.lock:5:", "invalid TOML"],
    },
    Case {
        name: "a TOML file that is not a Cargo.lock",
        files: &[(
            "Cargo.lock",
            "[sources]\nallow-registries = [\"crates-io\"]\n",
        )],
        args: LOCK_ARGS,
        expect: &["Cargo.lock:1:1", "`package`", "no [[package]] entries"],
    },
    Case {
        // Found by hand: this panicked in the index-cache path split.
        name: "a registry crate with a non-ASCII name",
        files: &[
            (
                "Cargo.lock",
                "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"a\u{e9}b\"]\n\n[[package]]\nname = \"a\u{e9}b\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
            ),
            (
                "p.toml",
                "[advisories.yanked]\nsource = \"cargo-index-cache\"\n",
            ),
        ],
        args: POLICY_ARGS,
        expect: &["Cargo.lock:8:1", "package[a\u{e9}b].name", "not 1-64 ASCII"],
    },
    Case {
        name: "a lockfile package with an empty name",
        files: &[(
            "Cargo.lock",
            "version = 3\n\n[[package]]\nname = \"\"\nversion = \"0.1.0\"\n",
        )],
        args: LOCK_ARGS,
        expect: &["Cargo.lock:3:1", "an empty package name"],
    },
    Case {
        name: "lockfile is not TOML",
        files: &[("Cargo.lock", "version = 3\n<<<<<<< HEAD\n")],
        args: LOCK_ARGS,
        expect: &["Cargo.lock:2:", "invalid TOML"],
    },
    Case {
        name: "unknown lockfile version",
        files: &[("Cargo.lock", "version = 7\n")],
        args: LOCK_ARGS,
        expect: &[
            "Cargo.lock:1:11",
            "`version`",
            "unsupported lockfile version 7",
        ],
    },
    Case {
        name: "duplicate package entries",
        files: &[(
            "Cargo.lock",
            "version = 3\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
        )],
        args: LOCK_ARGS,
        expect: &["Cargo.lock:6:1", "duplicate package entry"],
    },
    Case {
        name: "invalid package version",
        files: &[(
            "Cargo.lock",
            "version = 3\n[[package]]\nname = \"a\"\nversion = \"one\"\n",
        )],
        args: LOCK_ARGS,
        expect: &["Cargo.lock:4:", "package[a].version", "invalid version"],
    },
    Case {
        name: "dependency on a missing package",
        files: &[(
            "Cargo.lock",
            "version = 3\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\n \"ghost\",\n]\n",
        )],
        args: LOCK_ARGS,
        expect: &["Cargo.lock:6:", "matches no [[package]]"],
    },
    Case {
        name: "package without a name",
        files: &[(
            "Cargo.lock",
            "version = 3\n[[package]]\nversion = \"1.0.0\"\n",
        )],
        args: LOCK_ARGS,
        expect: &["Cargo.lock:2:", "missing field `name`"],
    },
    Case {
        name: "lockfile is not UTF-8",
        files: &[("Cargo.lock", "version = 3\n\u{0}\u{1}\n")],
        args: LOCK_ARGS,
        expect: &["Cargo.lock:2:"],
    },
    Case {
        name: "missing Cargo.lock",
        files: &[],
        args: LOCK_ARGS,
        expect: &["Cargo.lock", "cannot read"],
    },
    Case {
        name: "unreadable lockfile (a directory)",
        files: &[("Cargo.lock/x", "")],
        args: LOCK_ARGS,
        expect: &["Cargo.lock", "cannot read"],
    },
    Case {
        name: "policy with an unknown key",
        files: &[
            ("Cargo.lock", LOCK_OK),
            ("p.toml", "fail-on = \"deny\"\nexposre = {}\n"),
        ],
        args: POLICY_ARGS,
        expect: &[
            "p.toml:2:1",
            "`exposre`",
            "unknown key",
            "did you mean `exposure`?",
        ],
    },
    Case {
        name: "policy with an unknown nested key",
        files: &[
            ("Cargo.lock", LOCK_OK),
            ("p.toml", "[sources]\nallow-registry = []\n"),
        ],
        args: POLICY_ARGS,
        expect: &[
            "p.toml:2:1",
            "`sources.allow-registry`",
            "did you mean `allow-registries`?",
        ],
    },
    Case {
        name: "policy with a wrong type",
        files: &[
            ("Cargo.lock", LOCK_OK),
            ("p.toml", "\n[exposure]\ndev-only = 3\n"),
        ],
        args: POLICY_ARGS,
        expect: &[
            "p.toml:3:12",
            "`exposure.dev-only`",
            "expected a string, found integer",
        ],
    },
    Case {
        name: "policy with an invalid value",
        files: &[
            ("Cargo.lock", LOCK_OK),
            ("p.toml", "[sources]\ngit = \"maybe\"\n"),
        ],
        args: POLICY_ARGS,
        expect: &["p.toml:2:7", "`sources.git`", "invalid value `maybe`"],
    },
    Case {
        name: "policy with a bad date",
        files: &[
            ("Cargo.lock", LOCK_OK),
            (
                "p.toml",
                "[[waivers]]\ncrate = \"a\"\nreason = \"r\"\nexpires = \"2026-02-30\"\n",
            ),
        ],
        args: POLICY_ARGS,
        expect: &[
            "p.toml:4:11",
            "`waivers[0].expires`",
            "invalid date `2026-02-30`",
        ],
    },
    Case {
        name: "waiver without reason",
        files: &[
            ("Cargo.lock", LOCK_OK),
            (
                "p.toml",
                "[[waivers]]\ncrate = \"a\"\nexpires = 2027-01-01\n",
            ),
        ],
        args: POLICY_ARGS,
        expect: &["p.toml:1:", "`waivers[0].reason`", "missing required key"],
    },
    Case {
        name: "policy with an unknown rule in [levels]",
        files: &[
            ("Cargo.lock", LOCK_OK),
            ("p.toml", "[levels]\nsource-git-unpined = \"warn\"\n"),
        ],
        args: POLICY_ARGS,
        expect: &[
            "p.toml:2:1",
            "unknown rule id",
            "did you mean `source-git-unpinned`?",
        ],
    },
    Case {
        name: "policy that is not TOML",
        files: &[("Cargo.lock", LOCK_OK), ("p.toml", "[sources\n")],
        args: POLICY_ARGS,
        expect: &["p.toml:1:", "invalid TOML"],
    },
    Case {
        name: "ban without crate",
        files: &[
            ("Cargo.lock", LOCK_OK),
            ("p.toml", "[[bans.deny]]\nreason = \"x\"\n"),
        ],
        args: POLICY_ARGS,
        expect: &["p.toml:1:", "`bans.deny[0].crate`", "missing required key"],
    },
    Case {
        name: "ban with a bad version range",
        files: &[
            ("Cargo.lock", LOCK_OK),
            (
                "p.toml",
                "[[bans.deny]]\ncrate = \"x\"\nversions = \"<<1\"\n",
            ),
        ],
        args: POLICY_ARGS,
        expect: &["p.toml:3:12", "invalid version requirement"],
    },
    Case {
        name: "extends cycle",
        files: &[
            ("Cargo.lock", LOCK_OK),
            ("p.toml", "extends = [\"q.toml\"]\n"),
            ("q.toml", "extends = [\"p.toml\"]\n"),
        ],
        args: POLICY_ARGS,
        expect: &[
            "q.toml:1:12",
            "`extends` cycle: ",
            "p.toml -> ",
            "q.toml -> ",
        ],
    },
    Case {
        name: "missing extends file",
        files: &[
            ("Cargo.lock", LOCK_OK),
            ("p.toml", "\nextends = [\"org/baseline.toml\"]\n"),
        ],
        args: POLICY_ARGS,
        expect: &["p.toml:2:12", "`extends`", "baseline.toml"],
    },
    Case {
        name: "unknown preset",
        files: &[
            ("Cargo.lock", LOCK_OK),
            ("p.toml", "extends = [\"preset:lenient\"]\n"),
        ],
        args: POLICY_ARGS,
        expect: &["p.toml:1:12", "unknown preset `lenient`"],
    },
    Case {
        name: "missing policy file",
        files: &[("Cargo.lock", LOCK_OK)],
        args: POLICY_ARGS,
        expect: &["p.toml", "cannot read"],
    },
    Case {
        name: "several policy problems are all reported",
        files: &[
            ("Cargo.lock", LOCK_OK),
            (
                "p.toml",
                "fail-on = \"never\"\n[sources]\ngit = 1\nbogus = true\n",
            ),
        ],
        args: POLICY_ARGS,
        expect: &["p.toml:1:11", "p.toml:3:7", "p.toml:4:1"],
    },
    Case {
        name: "invalid metadata JSON",
        files: &[("Cargo.lock", LOCK_OK), ("m.json", "{\"packages\": [\n")],
        args: &[
            "check",
            "--manifest-path",
            "{dir}/Cargo.toml",
            "--metadata-path",
            "{dir}/m.json",
        ],
        expect: &["m.json:2:", "invalid cargo metadata JSON"],
    },
    Case {
        name: "metadata without resolve",
        files: &[
            ("Cargo.lock", LOCK_OK),
            (
                "m.json",
                "{\"packages\":[],\"workspace_members\":[],\"workspace_default_members\":[],\"resolve\":null,\"workspace_root\":\"/x\",\"target_directory\":\"/x/t\",\"version\":1,\"metadata\":null}",
            ),
        ],
        args: &[
            "check",
            "--manifest-path",
            "{dir}/Cargo.toml",
            "--metadata-path",
            "{dir}/m.json",
        ],
        expect: &["m.json:1:1", "`resolve`", "--no-deps"],
    },
    Case {
        name: "unknown target triple",
        files: &[],
        args: &[
            "check",
            "--manifest-path",
            "testdata/ws-basic/Cargo.toml",
            "--metadata-path",
            "testdata/ws-basic/metadata.json",
            "--target",
            "x86_64-unknown-nowhere",
        ],
        expect: &["--target x86_64-unknown-nowhere", "unknown target triple"],
    },
    Case {
        name: "unknown rule on the command line",
        files: &[("Cargo.lock", LOCK_OK)],
        args: &[
            "check",
            "--lockfile-only",
            "--manifest-path",
            "{dir}/Cargo.toml",
            "-D",
            "ban-denied-crates",
        ],
        expect: &[
            "unknown rule id `ban-denied-crates`",
            "did you mean `ban-denied-crate`?",
        ],
    },
    Case {
        name: "bad --today",
        files: &[("Cargo.lock", LOCK_OK)],
        args: &[
            "check",
            "--lockfile-only",
            "--manifest-path",
            "{dir}/Cargo.toml",
            "--today",
            "23/11/2026",
        ],
        expect: &["--today 23/11/2026", "YYYY-MM-DD"],
    },
    Case {
        name: "unsupported output format",
        files: &[("Cargo.lock", LOCK_OK)],
        args: &[
            "check",
            "--lockfile-only",
            "--manifest-path",
            "{dir}/Cargo.toml",
            "--output",
            "yaml={dir}/r.yaml",
        ],
        expect: &["unsupported format `yaml`"],
    },
    Case {
        name: "unknown explain id",
        files: &[],
        args: &["explain", "source-git"],
        expect: &["unknown rule id `source-git`"],
    },
];

fn setup(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn every_bad_input_exits_2_and_names_the_place() {
    assert!(CASES.len() >= 20);
    let mut failures = Vec::new();
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        setup(dir.path(), case.files);
        let d = dir.path().to_str().unwrap();
        let args: Vec<String> = case.args.iter().map(|a| a.replace("{dir}", d)).collect();
        let out = run_strings(&args);
        let missing: Vec<&&str> = case
            .expect
            .iter()
            .filter(|e| !out.stderr.contains(*e))
            .collect();
        if out.code != 2 || !missing.is_empty() || !out.stdout.is_empty() {
            failures.push(format!(
                "{}: exit {} missing {missing:?}\nstderr: {}\nstdout: {}",
                case.name, out.code, out.stderr, out.stdout
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_failing_run_leaves_no_half_written_report() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &[("Cargo.lock", "version = 9\n")]);
    let d = dir.path().to_str().unwrap();
    let report = dir.path().join("report.json");
    let out = run_strings(&[
        "check".into(),
        "--lockfile-only".into(),
        "--manifest-path".into(),
        format!("{d}/Cargo.toml"),
        "--output".into(),
        format!("json={}", report.display()),
    ]);
    assert_eq!(out.code, 2);
    assert!(!report.exists());
}
