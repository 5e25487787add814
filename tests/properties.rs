//! Properties (proptest): a policy round-trips through `policy show`; a
//! finding's fingerprint survives line insertions and version bumps that
//! keep the problem; merging shard reports does not depend on their order.

mod common;
use common::*;
use depgate::location::SourceText;
use depgate::policy::tree::{Node, Value};
use proptest::prelude::*;

/// A policy value with origins left out, for comparing trees.
fn plain(n: &Node) -> serde_json::Value {
    match &n.value {
        Value::Str(s) | Value::Datetime(s) => serde_json::json!(s),
        Value::Int(i) => serde_json::json!(i),
        Value::Float(f) => serde_json::json!(f),
        Value::Bool(b) => serde_json::json!(b),
        Value::Array(a) => a.iter().map(plain).collect(),
        Value::Table(t) => t.iter().map(|(k, e)| (k.clone(), plain(&e.node))).collect(),
    }
}

/// Pieces a generated policy is made of; each is valid on its own.
fn pieces() -> impl Strategy<Value = String> {
    let top = (
        prop::sample::select(vec![
            "",
            "extends = [\"preset:strict\"]\n",
            "extends = [\"preset:regulated\"]\n",
        ]),
        prop::sample::select(vec!["", "fail-on = \"warn\"\n", "fail-on = \"deny\"\n"]),
        prop::sample::select(vec![
            "",
            "min-toolchain = \"1.80\"\n",
            "min-toolchain = \"1.85.1\"\n",
        ]),
    );
    let tables = (
        prop::option::of((0.0f64..10.0, 1u32..400)).prop_map(|o| {
            o.map_or(String::new(), |(cvss, days)| {
                format!(
                    "[advisories]\nfail-on-cvss = {:.1}\nmax-db-age = \"{days}d\"\n",
                    cvss
                )
            })
        }),
        prop::sample::subsequence(
            vec![
                "advisory-notice",
                "duplicate-versions",
                "fleet-drift",
                "source-git-unpinned",
            ],
            0..=4,
        )
        .prop_flat_map(|rules| {
            let n = rules.len();
            (
                Just(rules),
                prop::collection::vec(
                    prop::sample::select(vec!["deny", "warn", "info", "allow"]),
                    n,
                ),
            )
        })
        .prop_map(|(rules, levels)| {
            let mut s = String::from("[levels]\n");
            for (r, l) in rules.iter().zip(levels) {
                s.push_str(&format!("{r} = \"{l}\"\n"));
            }
            s
        }),
        prop::collection::vec("[a-z]{1,8}", 0..3).prop_map(|names| {
            names
                .iter()
                .map(|n| format!("[[bans.deny]]\ncrate = \"{n}\"\nreason = \"r\"\n"))
                .collect::<String>()
        }),
        prop::option::of(prop::sample::subsequence(
            vec!["MIT", "Apache-2.0", "ISC", "BSD-3-Clause"],
            1..=4,
        ))
        .prop_map(|o| o.map_or(String::new(), |l| format!("[licenses]\nallow = {l:?}\n"))),
    );
    (top, tables).prop_map(|((a, b, c), (d, e, f, g))| format!("{a}{b}{c}{d}{e}{f}{g}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// `policy show`'s effective policy, parsed again as one file, is the
    /// same effective policy.
    #[test]
    fn a_policy_round_trips_through_show(text in pieces()) {
        let schema = depgate::registry::schema();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("depgate.toml");
        std::fs::write(&file, &text).unwrap();
        let p = depgate::policy::load_file(&file, &schema).unwrap();
        let shown = depgate::policy::show::show(&p);
        let again = depgate::policy::from_text(SourceText::new("shown.toml", shown.clone()), &schema)
            .unwrap_or_else(|e| panic!("{e}\n{shown}"));
        prop_assert_eq!(plain(&p.tree), plain(&again.tree), "{}", shown);
    }

    /// Comment lines inserted between entries, and a version bump of the
    /// unmaintained crate (every version is affected), keep every
    /// finding's fingerprint.
    #[test]
    fn fingerprints_survive_line_insertions_and_bumps(
        inserts in prop::collection::vec((0usize..200, 1usize..4), 0..6),
        patch in 0u64..50,
    ) {
        let base = std::fs::read_to_string(repo().join("testdata/lock-vulns/Cargo.lock")).unwrap();
        let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
        for (at, n) in inserts {
            let at = at % lines.len();
            if lines[at].starts_with("[[package]]") {
                for _ in 0..n {
                    lines.insert(at, "# inserted".to_string());
                }
            }
        }
        let moved = lines.join("\n").replace("name = \"demo-old\"\nversion = \"0.9.0\"", &format!("name = \"demo-old\"\nversion = \"0.9.{patch}\""));
        prop_assert_eq!(fingerprints(&base), fingerprints(&moved));
    }
}

/// (rule, fingerprint) of every finding of a lockfile, checked in-process.
fn fingerprints(lock: &str) -> Vec<(String, String)> {
    let db = depgate::advisories::db::AdvisoryDb::load(&repo().join("testdata/advisory-db-mini"))
        .unwrap();
    let graph = depgate::graph::lockfile::load_graph(
        SourceText::new("Cargo.lock", lock.to_string()),
        "/ws".into(),
    )
    .unwrap();
    let policy = depgate::policy::builtin_default(&depgate::registry::schema()).unwrap();
    let loaded = depgate::pipeline::Loaded::new(policy);
    let inputs = depgate::pipeline::Inputs {
        loaded: &loaded,
        db: Some(&db),
        today: depgate::date::Date::parse("2026-11-23").unwrap(),
        cli: &[],
        fail_on: None,
    };
    let a = depgate::pipeline::run(&inputs, &graph, depgate::pipeline::Against::Nothing).unwrap();
    let mut f: Vec<(String, String)> = a
        .findings
        .iter()
        .map(|f| (f.rule.id.to_string(), f.fingerprint.clone()))
        .collect();
    f.sort();
    assert!(f.len() >= 4);
    f
}

/// Shard reports of one fleet, scanned in-process.
fn shard_reports(n: u32) -> Vec<(std::path::PathBuf, depgate::model::fleet::FleetReport)> {
    let t = tempfile::tempdir().unwrap();
    let vulns = std::fs::read_to_string(repo().join("testdata/lock-vulns/Cargo.lock")).unwrap();
    for name in ["a", "b", "c", "d", "e", "f"] {
        std::fs::create_dir_all(t.path().join(name).join(".git")).unwrap();
        std::fs::write(t.path().join(name).join("Cargo.lock"), &vulns).unwrap();
    }
    let db = depgate::advisories::db::AdvisoryDb::load(&repo().join("testdata/advisory-db-mini"))
        .unwrap();
    let loaded = depgate::pipeline::Loaded::new(
        depgate::policy::builtin_default(&depgate::registry::schema()).unwrap(),
    );
    (1..=n)
        .map(|k| {
            let opts = depgate::fleet::ScanOptions {
                roots: vec![(t.path().to_path_buf(), None)],
                inputs: depgate::pipeline::Inputs {
                    loaded: &loaded,
                    db: Some(&db),
                    today: depgate::date::Date::parse("2026-11-23").unwrap(),
                    cli: &[],
                    fail_on: None,
                },
                jobs: Some(1),
                shard: Some(depgate::fleet::shard::Shard { index: k, count: n }),
                keep_assessments: false,
                license_home: None,
                progress: None,
            };
            let r = depgate::fleet::scan(&opts).unwrap().report;
            // Through the JSON, as `fleet merge` reads shard files.
            let text = depgate::report::fleet::json(&r);
            (
                format!("shard-{k}.json").into(),
                depgate::fleet::merge::parse(&text, "shard").unwrap(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any order of the shard files gives the same merged report.
    #[test]
    fn merging_does_not_depend_on_the_order(order in Just((0..4usize).collect::<Vec<_>>()).prop_shuffle()) {
        let parts = shard_reports(4);
        let want = depgate::report::fleet::json(&depgate::fleet::merge::merge(parts.clone()).unwrap());
        let shuffled: Vec<_> = order.iter().map(|&i| parts[i].clone()).collect();
        let got = depgate::report::fleet::json(&depgate::fleet::merge::merge(shuffled).unwrap());
        prop_assert!(got == want);
    }
}
