//! The parse-only floor of a fleet scan, for `benches/fleet.py`: discover
//! every unit under a root, read and parse each Cargo.lock (the same
//! discovery and reader as `depgate fleet scan`), and nothing else — no
//! advisory DB, no policy, no checks, no report. Timed in-process, so the
//! floor leaves out process start-up, which the fleet timing includes.
//!
//!     cargo bench --bench parse_floor -- ROOT [JOBS]
//!
//! Prints `floor_ms=<median of 9 rounds>`.

use depgate::graph::lockfile;
use depgate::location::SourceText;
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The allocator the depgate binary uses, so the floor is comparable.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn round(root: &PathBuf) -> (Duration, usize) {
    let t = Instant::now();
    let units = depgate::fleet::discover::discover(std::slice::from_ref(root)).expect("discover");
    let packages: usize = units
        .par_iter()
        .map(|u| {
            let text = std::fs::read_to_string(u.dir.join("Cargo.lock")).unwrap_or_default();
            lockfile::parse(&SourceText::new("Cargo.lock", text)).map_or(0, |l| l.packages.len())
        })
        .sum();
    (t.elapsed(), packages)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench parse_floor -- ROOT [JOBS]");
        return;
    };
    let jobs = args.get(1).and_then(|j| j.parse().ok()).unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("pool");
    let mut times = Vec::new();
    let mut packages = 0;
    for _ in 0..9 {
        let (d, n) = pool.install(|| round(&root));
        times.push(d);
        packages = n;
    }
    times.sort();
    println!(
        "floor_ms={:.1} packages={packages}",
        times[4].as_secs_f64() * 1e3
    );
}
