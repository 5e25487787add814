//! Benchmark: the share of licence evaluation in a `check` of the real uv
//! graph (699 packages, `../shared/corpus/metadata/uv.json` with its
//! Cargo.lock). Times the whole scan (every family + decide) under one
//! policy with and without a `[licenses]` table (broad and narrow
//! allow-lists), and the licenses family alone; graph loading is outside
//! the timings and the same for both. Run with
//! `cargo bench --bench licenses`; reports medians.

use depgate::checks::{ScanContext, licenses};
use depgate::date::Date;
use depgate::graph::metadata::{LoadInput, load_graph};
use depgate::location::SourceText;
use depgate::pipeline::{Against, Inputs, Loaded};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const ROUNDS: usize = 101;
const BROAD: &str = r#"["MIT", "Apache-2.0", "Apache-2.0 WITH LLVM-exception", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Unlicense", "Zlib", "Unicode-3.0", "Unicode-DFS-2016", "MPL-2.0", "CC0-1.0", "BSL-1.0", "0BSD", "CDLA-Permissive-2.0"]"#;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(f: impl Fn() -> T) -> Duration {
    median(
        (0..ROUNDS)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let Ok(json) = std::fs::read_to_string(shared.join("corpus/metadata/uv.json")) else {
        eprintln!("benchmark skipped: {} is missing", shared.display());
        return;
    };
    let lock =
        std::fs::read_to_string(shared.join("corpus/lockfiles/astral-sh__uv__2026-08-21.lock"))
            .expect("uv lockfile");
    let graph = load_graph(LoadInput {
        json: &SourceText::new("uv.json", json),
        root: Some(PathBuf::from("/nonexistent/uv")),
        lockfile: Some(SourceText::new("Cargo.lock", lock)),
        targets: &[],
    })
    .expect("uv graph loads");
    let db =
        depgate::advisories::AdvisoryDb::load(&shared.join("advisory-db")).expect("advisory db");
    let today = Date::parse("2026-11-23").expect("date");
    let dir = std::env::temp_dir().join(format!("depgate-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(".git")).expect("temp dir");
    let policy = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, format!("[sources]\ngit = \"allow\"\n{text}")).expect("write policy");
        let p = depgate::policy::load_file(&path, &depgate::registry::schema());
        Loaded::new(p.expect("policy loads"))
    };
    let without = policy("none.toml", "");
    let broad = policy("broad.toml", &format!("[licenses]\nallow = {BROAD}\n"));
    let narrow = policy("narrow.toml", "[licenses]\nallow = [\"MIT\"]\n");
    let scan = |p: &Loaded| {
        let inputs = Inputs {
            loaded: p,
            db: Some(&db),
            today,
            cli: &[],
            fail_on: None,
        };
        depgate::pipeline::run(&inputs, &graph, Against::Nothing).expect("scan")
    };
    let family = |p: &Loaded| {
        let overridden = Default::default();
        let ctx = ScanContext {
            graph: &graph,
            today,
            db: Some(&db),
            index: None,
            overridden: &overridden,
            workspace: graph.workspace_key(),
            waiver_rules: None,
        };
        let mut out = Vec::new();
        p.configs.run_family(licenses::FAMILY.name, &ctx, &mut out);
        out.len()
    };
    let base = time(|| scan(&without));
    println!(
        "uv graph: {} packages; median of {ROUNDS} rounds",
        graph.graph.node_count()
    );
    println!("full scan, no [licenses]:          {base:>9.2?}");
    for (name, p) in [("broad allow-list", &broad), ("allow = [\"MIT\"]", &narrow)] {
        let with = time(|| scan(p));
        let alone = time(|| family(p));
        println!(
            "full scan, {name:<22} {with:>9.2?}  licenses family alone {alone:>8.2?} ({} findings) = {:.1}% of the scan",
            family(p),
            100.0 * alone.as_secs_f64() / with.as_secs_f64()
        );
    }
    // End to end: the `depgate check` binary on the same graph (load the
    // metadata JSON and Cargo.lock, the advisory DB from its pre-parsed
    // cache, scan, render JSON), with and without `[licenses]`.
    let cli = |policy: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_depgate"))
            .env("DEPGATE_HOME", dir.join("home"))
            .args([
                "check",
                "--format",
                "json",
                "--today",
                "2026-11-23",
                "--metadata-path",
            ])
            .arg(shared.join("corpus/metadata/uv.json"))
            .arg("--lockfile")
            .arg(shared.join("corpus/lockfiles/astral-sh__uv__2026-08-21.lock"))
            .arg("--advisory-db")
            .arg(shared.join("advisory-db"))
            .arg("--policy")
            .arg(dir.join(policy))
            .output()
            .expect("run depgate");
        assert!(
            out.status.code().is_some_and(|c| c < 2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    cli("none.toml"); // builds the DB cache
    let e2e = |policy: &str| {
        median(
            (0..15)
                .map(|_| {
                    let t = Instant::now();
                    cli(policy);
                    t.elapsed()
                })
                .collect(),
        )
    };
    let (none, broad, narrow) = (e2e("none.toml"), e2e("broad.toml"), e2e("narrow.toml"));
    println!(
        "depgate check (process, end to end): no [licenses] {none:.2?}, broad {broad:.2?}, allow = [\"MIT\"] {narrow:.2?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
