//! duplicate-versions against cargo-deny 0.20.2's `duplicate` diagnostics
//! on real graphs, with every deliberate difference asserted, plus fixture
//! cases (dev-only duplicates, skip, skip-tree).

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};

/// cargo-deny's `multiple-versions-include-dev = false` default, as policy.
const DENY_EQUIVALENT: &str =
    "[sources]\ngit = \"allow\"\n[duplicates.exposure]\ndev-only = \"allow\"\n";

fn ours(
    shared: &std::path::Path,
    graph: &str,
    lock: &str,
    policy: &str,
) -> BTreeMap<String, BTreeSet<String>> {
    corpus_graph_findings(shared, graph, lock, policy)
        .iter()
        .filter(|f| f["rule"] == "duplicate-versions")
        .map(|f| {
            let versions = f["properties"]["versions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect();
            (f["package"]["name"].as_str().unwrap().to_string(), versions)
        })
        .collect()
}

fn theirs(shared: &std::path::Path, graph: &str) -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(
        shared
            .join("corpus/cargo-deny")
            .join(format!("{graph}.jsonl")),
    )
    .unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let d: serde_json::Value = serde_json::from_str(line).unwrap();
        let f = &d["fields"];
        if f["code"] != "duplicate" {
            continue;
        }
        let msg = f["message"].as_str().unwrap();
        let name = msg.split('\'').nth(1).unwrap().to_string();
        let versions = f["graphs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["Krate"]["version"].as_str().unwrap().to_string())
            .collect();
        out.insert(name, versions);
    }
    out
}

#[test]
fn duplicates_agree_with_cargo_deny_on_real_graphs() {
    let Some(shared) = shared() else { return };
    // No differences left: depgate checks what cargo builds, so optional
    // dependencies no feature enables (jiff -> defmt -> bitflags 1.x) and
    // what only a weak feature names (wit-bindgen-rust-macro?/async ->
    // wasmparser -> hashbrown 0.15 -> foldhash 0.1) are out, as in
    // cargo-deny. Extras stay listed here per graph should one appear.
    let extra: BTreeMap<&str, Vec<&str>> = BTreeMap::from([
        ("uv", vec![]),
        ("bat", vec![]),
        ("bat__2021-05-12", vec![]),
        ("ripgrep", vec![]),
        ("ripgrep__2021-05-01", vec![]),
    ]);
    let index = std::fs::read_to_string(shared.join("corpus/metadata/INDEX.tsv")).unwrap();
    let mut compared = 0;
    for row in index.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let graph = cols[0].trim_end_matches(".json");
        let mut mine = ours(&shared, graph, cols[6], DENY_EQUIVALENT);
        let deny = theirs(&shared, graph);
        for name in &extra[graph] {
            assert!(
                mine.remove(*name).is_some(),
                "{graph}: expected the documented extra `{name}`"
            );
        }
        assert_eq!(
            mine.keys().collect::<Vec<_>>(),
            deny.keys().collect::<Vec<_>>(),
            "{graph}"
        );
        assert_eq!(mine, deny, "{graph}: versions differ");
        compared += deny.len();
    }
    assert_eq!(compared, 31 + 6 + 1);
}

#[test]
fn dev_only_duplicates_are_capped_by_exposure() {
    let Some(shared) = shared() else { return };
    // With the default exposure table, bat's dashmap (5.x only via the
    // dev-dependency serial_test) is reported, at the dev-only cap.
    let all = ours(
        &shared,
        "bat",
        "sharkdp__bat__2026-08-01.lock",
        "[sources]\ngit = \"allow\"\n",
    );
    assert!(all.contains_key("dashmap"));
    let capped = ours(
        &shared,
        "bat",
        "sharkdp__bat__2026-08-01.lock",
        DENY_EQUIVALENT,
    );
    assert!(!capped.contains_key("dashmap"));
}

#[test]
fn skip_and_skip_tree() {
    let Some(shared) = shared() else { return };
    let base = ours(
        &shared,
        "uv",
        "astral-sh__uv__2026-08-21.lock",
        DENY_EQUIVALENT,
    );
    assert!(base.contains_key("hashbrown") && base.contains_key("foldhash"));
    let skip = format!(
        "{DENY_EQUIVALENT}[[duplicates.skip]]\ncrate = \"hashbrown\"\nversions = \"<0.15\"\nreason = \"test\"\n"
    );
    let skipped = ours(&shared, "uv", "astral-sh__uv__2026-08-21.lock", &skip);
    assert!(!skipped["hashbrown"].contains("0.14.5"));
    let tree = format!("{DENY_EQUIVALENT}[[duplicates.skip-tree]]\ncrate = \"petgraph\"\n");
    let pruned = ours(&shared, "uv", "astral-sh__uv__2026-08-21.lock", &tree);
    // petgraph holds hashbrown 0.15 (and with it foldhash 0.1); its whole
    // tree leaves the comparison, as with cargo-deny's skip-tree.
    assert!(
        pruned
            .get("hashbrown")
            .is_none_or(|v| !v.contains("0.15.5")),
        "{pruned:?}"
    );
    assert!(!pruned.contains_key("foldhash"), "{pruned:?}");
}
