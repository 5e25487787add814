//! Determinism: the same input gives byte-identical output across 10 runs,
//! across thread counts 1, 2 and 8 (`RAYON_NUM_THREADS` for `check`,
//! `--jobs` for `fleet scan`), and across directory orders: the same files
//! created in different orders (on tmpfs, readdir follows creation order).

mod common;
use common::*;
use std::path::Path;

const DB: &str = "testdata/advisory-db-mini";

fn check(home: &Path, threads: &str, format: &str) -> String {
    let out = run(depgate(home).env("RAYON_NUM_THREADS", threads).args([
        "check",
        "--manifest-path",
        "testdata/ws-basic/Cargo.toml",
        "--metadata-path",
        "testdata/ws-basic/metadata.json",
        "--advisory-db",
        DB,
        "--today",
        "2026-11-23",
        "--format",
        format,
    ]));
    assert!(out.code <= 1, "{}", out.stderr);
    out.stdout
}

#[test]
fn check_output_is_the_same_every_run_and_at_any_thread_count() {
    let t = tempfile::tempdir().unwrap();
    for format in ["json", "sarif", "human", "markdown"] {
        let want = check(t.path(), "1", format);
        for (i, threads) in ["2", "8", "1", "2", "8", "1", "2", "8", "4"]
            .iter()
            .enumerate()
        {
            assert!(
                check(t.path(), threads, format) == want,
                "{format}: run {i} with {threads} threads differs"
            );
        }
    }
}

/// A fleet of repositories created in the given order of names.
fn fleet(root: &Path, order: &[usize]) {
    let vulns = std::fs::read_to_string(repo().join("testdata/lock-vulns/Cargo.lock")).unwrap();
    let small = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n";
    let names = ["zeta", "alpha", "mid", "beta", "omega", "k9"];
    for &i in order {
        let dir = root.join(names[i]);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(
            dir.join("Cargo.lock"),
            if i % 2 == 0 { &vulns } else { small },
        )
        .unwrap();
        for sub in ["fuzz", "bench"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
            std::fs::write(dir.join(sub).join("Cargo.lock"), small).unwrap();
        }
    }
}

fn scan(home: &Path, root: &Path, jobs: &str) -> String {
    let out = run(depgate(home)
        .current_dir(root.parent().unwrap())
        .args([
            "fleet",
            "scan",
            "repos",
            "--format",
            "json",
            "--jobs",
            jobs,
            "--today",
            "2026-11-23",
            "--advisory-db",
        ])
        .arg(repo().join(DB)));
    assert!(out.code <= 1, "{}", out.stderr);
    out.stdout
}

#[test]
fn fleet_output_is_the_same_whatever_the_directory_order_and_jobs() {
    // /dev/shm is a tmpfs where one exists: there readdir order is creation order.
    let base = if Path::new("/dev/shm").is_dir() {
        Path::new("/dev/shm")
    } else {
        Path::new("/tmp")
    };
    let mut outputs = Vec::new();
    for (n, order) in [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [2, 5, 0, 3, 1, 4]]
        .iter()
        .enumerate()
    {
        let t = tempfile::tempdir_in(base).unwrap();
        let root = t.path().join("repos");
        fleet(&root, order);
        for jobs in ["1", "2", "8"] {
            outputs.push((
                format!("order {n}, --jobs {jobs}"),
                scan(t.path(), &root, jobs),
            ));
        }
    }
    let (_, want) = &outputs[0];
    assert!(want.contains("\"units\""));
    for (what, got) in &outputs {
        assert!(got == want, "{what} differs from the first run");
    }
}
