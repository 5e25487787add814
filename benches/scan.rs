//! Benchmark of the fleet hot path: parse every corpus Cargo.lock, build
//! its graph and run the full scan (all check families + decide) with the
//! strict preset. Run with `cargo bench --bench scan`; needs ../shared.
//! Reports the median of several rounds, per file and for the whole set.

use depgate::date::Date;
use depgate::graph::lockfile;
use depgate::location::SourceText;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const ROUNDS: usize = 15;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/lockfiles");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("benchmark skipped: {} is missing", dir.display());
        return;
    };
    let mut files: Vec<(String, String)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".lock"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    let policy = depgate::policy::load_preset("strict", &depgate::registry::schema())
        .expect("strict preset");
    let loaded = depgate::pipeline::Loaded::new(policy);
    let db =
        depgate::advisories::AdvisoryDb::load(&dir.join("../../advisory-db")).expect("advisory db");
    let today = Date::parse("2026-11-23").expect("date");
    let largest = files
        .iter()
        .max_by_key(|(_, t)| t.len())
        .cloned()
        .expect("corpus is empty");

    let run = |name: &str, text: &str| {
        let src = SourceText::new(name, text.to_string());
        let graph = lockfile::load_graph(src, PathBuf::from(".")).expect("lockfile parses");
        let inputs = depgate::pipeline::Inputs {
            loaded: &loaded,
            db: Some(&db),
            today,
            cli: &[],
            fail_on: None,
        };
        depgate::pipeline::run(&inputs, &graph, depgate::pipeline::Against::Nothing).expect("scan")
    };

    let parse_only: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            for (name, text) in &files {
                let src = SourceText::new(name.as_str(), text.clone());
                std::hint::black_box(lockfile::parse(&src).expect("parses"));
            }
            t.elapsed()
        })
        .collect();
    let full: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            for (name, text) in &files {
                std::hint::black_box(run(name, text));
            }
            t.elapsed()
        })
        .collect();
    let one: Vec<Duration> = (0..ROUNDS * 4)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(run(&largest.0, &largest.1));
            t.elapsed()
        })
        .collect();
    let packages: usize = files
        .iter()
        .map(|(_, t)| t.matches("[[package]]").count())
        .sum();
    println!(
        "corpus: {} lockfiles, {packages} packages; median of {ROUNDS} rounds",
        files.len()
    );
    println!(
        "parse all lockfiles:             {:>9.2?}",
        median(parse_only)
    );
    let m = median(full);
    println!(
        "parse + graph + scan, all files: {:>9.2?}  ({:.1} µs/package)",
        m,
        m.as_secs_f64() * 1e6 / packages as f64
    );
    println!(
        "parse + graph + scan, largest ({}, {} packages): {:.2?}",
        largest.0,
        largest.1.matches("[[package]]").count(),
        median(one)
    );
}
