//! Real data: every corpus Cargo.lock parses with the right package count
//! and lockfile version, and the real `cargo metadata` graphs load with the
//! right members and edge kinds.

mod common;
use common::*;
use depgate::graph::metadata::{LoadInput, load_graph};
use depgate::graph::{DepKind, lockfile};
use depgate::location::SourceText;

fn tsv(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .map(|h| h.to_string())
                .zip(l.split('\t').map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn every_lockfile_parses_with_its_package_count_and_version() {
    let Some(shared) = shared() else { return };
    let rows = tsv(&shared.join("corpus/INDEX.tsv"));
    assert_eq!(rows.len(), 99);
    let (mut total, mut fast) = (0, 0);
    for row in &rows {
        let path = shared.join("corpus/lockfiles").join(&row["file"]);
        let src = SourceText::new(row["file"].clone(), std::fs::read_to_string(&path).unwrap());
        let lock = lockfile::parse(&src).unwrap_or_else(|e| panic!("{}: {e}", row["file"]));
        assert_eq!(
            lock.packages.len().to_string(),
            row["packages"],
            "{}",
            row["file"]
        );
        assert_eq!(
            lock.version.to_string(),
            row["lock_version"],
            "{}",
            row["file"]
        );
        // Every line points at a [[package]] header naming the package.
        for p in &lock.packages {
            assert_eq!(
                src.line(p.line),
                Some("[[package]]"),
                "{} {}",
                row["file"],
                p.name
            );
            assert_eq!(
                src.line(p.line + 1),
                Some(format!("name = \"{}\"", p.name).as_str())
            );
        }
        total += lock.packages.len();
        fast += usize::from(depgate::graph::lockfile_fast::handles(&src.text));
        // The fast reader and the TOML parser give equal results.
        let toml = lockfile::parse_toml_only(&src).unwrap();
        assert!(
            lock == toml,
            "{}: fast and TOML readers differ",
            row["file"]
        );
    }
    assert_eq!(total, 36_342);
    // Every real lockfile takes the fast path, and agrees with TOML.
    assert_eq!(fast, 99);
}

#[test]
fn lockfile_only_check_runs_on_every_corpus_lockfile() {
    let Some(shared) = shared() else { return };
    for row in tsv(&shared.join("corpus/INDEX.tsv")) {
        let path = shared.join("corpus/lockfiles").join(&row["file"]);
        let out = depgate_args(&[
            "check",
            "--lockfile-only",
            "--lockfile",
            path.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--format",
            "json",
        ]);
        assert!(
            out.code == 0 || out.code == 1,
            "{}: {}",
            row["file"],
            out.stderr
        );
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v["workspace"]["packages"].to_string(), row["packages"]);
    }
}

#[test]
fn real_metadata_graphs_load_with_members_and_edge_kinds() {
    let Some(shared) = shared() else { return };
    for row in tsv(&shared.join("corpus/metadata/INDEX.tsv")) {
        let json_path = shared.join("corpus/metadata").join(&row["file"]);
        let text = std::fs::read_to_string(&json_path).unwrap();
        let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
        let lock_path = shared.join("corpus/lockfiles").join(&row["lockfile"]);
        let lock = SourceText::new(
            row["lockfile"].clone(),
            std::fs::read_to_string(&lock_path).unwrap(),
        );
        let json = SourceText::new(row["file"].clone(), text);
        let g = load_graph(LoadInput {
            json: &json,
            root: None,
            lockfile: Some(lock),
            targets: &[],
        })
        .unwrap_or_else(|e| panic!("{}: {e}", row["file"]));
        // Every resolved package is either built (in the graph) or listed
        // as never built.
        assert_eq!(
            (g.graph.node_count() + g.not_built.len()).to_string(),
            row["packages"],
            "{}",
            row["file"]
        );
        let members: usize = row["workspace_members"].parse().unwrap();
        assert!(g.members().count() <= members, "{}", row["file"]);
        assert!(g.members().count() >= 1, "{}", row["file"]);
        // Every resolved package has its Cargo.lock line and checksum.
        for (_, p) in g.packages() {
            assert!(
                p.lock_line.is_some(),
                "{}: {} has no Cargo.lock line",
                row["file"],
                p.id
            );
            assert_eq!(
                p.checksum.is_some(),
                p.source.is_crates_io(),
                "{}: {}",
                row["file"],
                p.id
            );
        }
        // Spot-check edge kinds against the JSON: every dev edge there is a dev decl here.
        let mut dev_edges = 0;
        for node in raw["resolve"]["nodes"].as_array().unwrap() {
            for dep in node["deps"].as_array().unwrap() {
                for k in dep["dep_kinds"].as_array().unwrap() {
                    if k["kind"] == "dev" {
                        dev_edges += 1;
                    }
                }
            }
        }
        let ours: usize = g
            .graph
            .edge_weights()
            .map(|e| e.decls.iter().filter(|d| d.kind == DepKind::Dev).count())
            .sum();
        assert_eq!(ours, dev_edges, "{}", row["file"]);
        let targeted = g
            .graph
            .edge_weights()
            .filter(|e| e.decls.iter().any(|d| d.target.is_some()))
            .count();
        assert!(
            targeted > 0,
            "{}: real graphs have cfg-conditional edges",
            row["file"]
        );
    }
}

#[test]
fn exposure_on_real_graphs_narrows_with_a_target() {
    let Some(shared) = shared() else { return };
    let text = std::fs::read_to_string(shared.join("corpus/metadata/ripgrep.json")).unwrap();
    let json = SourceText::new("ripgrep.json", text);
    let all = load_graph(LoadInput {
        json: &json,
        root: None,
        lockfile: None,
        targets: &[],
    })
    .unwrap();
    let linux = ["x86_64-unknown-linux-gnu".to_string()];
    let lin = load_graph(LoadInput {
        json: &json,
        root: None,
        lockfile: None,
        targets: &linux,
    })
    .unwrap();
    let exposure = |g: &depgate::graph::Graph, name: &str| {
        g.packages()
            .find(|(_, p)| p.name == name)
            .map(|(_, p)| p.exposure.as_str())
    };
    // winapi-util is only a cfg(windows) dependency in ripgrep.
    assert_eq!(exposure(&all, "winapi-util"), Some("normal"));
    assert_eq!(exposure(&lin, "winapi-util"), Some("inactive-target"));
    assert_eq!(exposure(&lin, "memchr"), Some("normal"));
}

/// Regression: the fast reader accepted duplicate keys that TOML rejects.
#[test]
fn duplicate_keys_are_left_to_the_toml_parser() {
    let ok = "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n";
    assert!(depgate::graph::lockfile_fast::handles(ok));
    for dup in [
        "version = 3\nversion = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
        "version = 3\n\n[[package]]\nname = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\n",
        "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nversion = \"2.0.0\"\n",
        "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"x\"\nsource = \"y\"\n",
    ] {
        assert!(!depgate::graph::lockfile_fast::handles(dup), "{dup}");
        let src = SourceText::new("Cargo.lock", dup.to_string());
        let err = lockfile::parse(&src)
            .map(|_| ())
            .expect_err("TOML rejects a duplicate key");
        assert!(err.to_string().contains("Cargo.lock:"), "{err}");
    }
}
