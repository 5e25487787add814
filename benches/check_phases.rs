//! Where the time of one `depgate check --lockfile-only --format json`
//! goes, phase by phase, in-process: the same calls as the command, timed
//! one after another, so cold (first round, as a fresh process sees it)
//! and warm (median of the later rounds) can be told apart.
//!
//!     cargo bench --bench check_phases -- LOCKFILE [ADVISORY_DB_DIR]
//!
//! Without a directory the embedded snapshot is used. `benches/compare.py`
//! times whole processes; this says which phase to work on.

use depgate::graph::WorkspaceInput;
use depgate::pipeline::{Against, Inputs, Loaded};
use depgate::report::{Format, RenderOptions, render};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PHASES: [&str; 5] = ["graph", "policy", "db", "pipeline", "render"];

fn round(
    input: &WorkspaceInput,
    db_dir: Option<&PathBuf>,
    cache: &std::path::Path,
) -> [Duration; 5] {
    let mut t = Instant::now();
    let mut lap = || {
        let e = t.elapsed();
        t = Instant::now();
        e
    };
    let graph = depgate::graph::load(input).expect("graph");
    let g = lap();
    let loaded = Loaded::for_graph(None, &graph).expect("policy");
    let p = lap();
    let db = match db_dir {
        Some(d) => depgate::advisories::AdvisoryDb::load_cached(d, Some(cache)),
        None => depgate::advisories::store::embedded(),
    }
    .expect("db");
    let d = lap();
    let today = depgate::date::Date::parse("2026-12-01").expect("date");
    let inputs = Inputs {
        loaded: &loaded,
        db: Some(&db),
        today,
        cli: &[],
        fail_on: None,
    };
    let a = depgate::pipeline::run(&inputs, &graph, Against::Nothing).expect("run");
    let r = lap();
    let out = render(&a, Format::Json, RenderOptions::default());
    std::hint::black_box(out.len());
    [g, p, d, r, lap()]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(lock) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench check_phases -- LOCKFILE [ADVISORY_DB_DIR]");
        return;
    };
    let db_dir = args.get(1).map(PathBuf::from);
    let cache = tempfile::tempdir().expect("tempdir");
    let cache_dir = cache.path().to_path_buf();
    if let Some(d) = &db_dir {
        // Build the pre-parsed index once, as a first run would.
        depgate::advisories::AdvisoryDb::load_cached(d, Some(&cache_dir)).expect("db");
    }
    let input = WorkspaceInput {
        lockfile_only: true,
        lockfile: Some(lock.canonicalize().expect("lockfile")),
        ..WorkspaceInput::default()
    };
    let n: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(21);
    let rounds: Vec<[Duration; 5]> = (0..n.max(2))
        .map(|_| round(&input, db_dir.as_ref(), &cache_dir))
        .collect();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("{:10} {:>9} {:>9}", "phase", "cold ms", "warm ms");
    let (mut cold, mut warm) = (0.0, 0.0);
    for (i, name) in PHASES.iter().enumerate() {
        let mut later: Vec<Duration> = rounds[1..].iter().map(|r| r[i]).collect();
        later.sort();
        let (c, w) = (ms(rounds[0][i]), ms(later[later.len() / 2]));
        cold += c;
        warm += w;
        println!("{name:10} {c:9.3} {w:9.3}");
    }
    println!("{:10} {cold:9.3} {warm:9.3}", "total");
}
