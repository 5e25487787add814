//! The build set in metadata mode equals what cargo builds: for each
//! fixture workspace under `testdata/features/` (resolver 1 and 2; default
//! features, `--no-default-features`, `--all-features`), the packages of
//! depgate's graph are exactly `cargo tree --edges normal,build,dev
//! --target all`'s (recorded by `testdata/features/regenerate.sh`).

mod common;
use common::*;
use depgate::location::SourceText;
use std::collections::BTreeSet;

fn built(dir: &str, metadata: &str) -> (BTreeSet<String>, Vec<String>) {
    let path = repo().join("testdata/features").join(dir).join(metadata);
    let json = SourceText::new(metadata, std::fs::read_to_string(path).unwrap());
    let g = depgate::graph::metadata::load_graph(depgate::graph::metadata::LoadInput {
        json: &json,
        root: None,
        lockfile: None,
        targets: &[],
    })
    .unwrap();
    let set = g
        .packages()
        .map(|(_, p)| format!("{} v{}", p.name, p.version))
        .collect();
    (set, g.not_built.clone())
}

fn oracle(dir: &str, file: &str) -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(repo().join("testdata/features").join(dir).join(file)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_build_set_is_what_cargo_tree_builds() {
    for dir in ["r1", "r2"] {
        for (metadata, tree) in [
            ("metadata.json", "cargo-tree.txt"),
            ("metadata-no-default.json", "cargo-tree-no-default.txt"),
            ("metadata-all-features.json", "cargo-tree-all-features.txt"),
        ] {
            let (got, not_built) = built(dir, metadata);
            let want = oracle(dir, tree);
            let extra: Vec<_> = got.difference(&want).collect();
            let missing: Vec<_> = want.difference(&got).collect();
            assert!(
                extra.is_empty() && missing.is_empty(),
                "{dir}/{metadata}: depgate also has {extra:?}, lacks {missing:?} (not built: {not_built:?})"
            );
            assert!(
                not_built.iter().any(|p| p.starts_with("feat-maybe ")),
                "{dir}/{metadata}: {not_built:?}"
            );
        }
    }
}
