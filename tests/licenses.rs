//! Licences against cargo-deny 0.20.2 on real graphs (ripgrep, bat, uv)
//! under three policies (the broad list of PROVENANCE.txt and the two
//! narrow ones of cargo-deny/licenses/), plus expression edge cases.

mod common;
use common::*;
use std::collections::BTreeSet;

const BROAD: &str = r#"["MIT", "Apache-2.0", "Apache-2.0 WITH LLVM-exception", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Unlicense", "Zlib", "Unicode-3.0", "Unicode-DFS-2016", "MPL-2.0", "CC0-1.0", "BSL-1.0", "0BSD", "CDLA-Permissive-2.0"]"#;
const MIT: &str = r#"["MIT"]"#;
const APACHE: &str = r#"["Apache-2.0", "Apache-2.0 WITH LLVM-exception", "Unicode-3.0"]"#;

/// Crates depgate rejects and cargo-deny does not, each for a documented
/// reason (rules/license-rejected.md): cargo-deny drops optional
/// dependencies whose feature is off although `cargo metadata` resolves
/// them (fst, pcre2…, bytes, valuable, jiff-static, ring), and it did not
/// report unicode-ident, whose `(MIT OR Apache-2.0) AND Unicode-3.0`
/// needs Unicode-3.0, under `allow = ["MIT"]`.
fn documented_extra(graph: &str, policy: &str) -> &'static [&'static str] {
    match (graph, policy) {
        ("ripgrep", "narrow-mit") => &["unicode-ident"],
        ("ripgrep", "narrow-apache") => &["fst", "grep-pcre2", "pcre2", "pcre2-sys"],
        ("bat", "narrow-apache") => &["bytes", "jiff-static"],
        ("uv", "narrow-mit") => &["ring"],
        ("uv", "narrow-apache") => &["jiff-static", "ring", "valuable"],
        _ => &[],
    }
}

fn ours(shared: &std::path::Path, graph: &str, lock: &str, allow: &str) -> BTreeSet<String> {
    // cargo-deny leaves dev-only crates out of its licence check by default.
    let policy = format!(
        "[licenses]\nallow = {allow}\n[licenses.exposure]\ndev-only = \"allow\"\n[sources]\ngit = \"allow\"\n"
    );
    corpus_graph_findings(shared, graph, lock, &policy)
        .iter()
        .filter(|f| {
            ["license-rejected", "license-unknown", "license-invalid"]
                .contains(&f["rule"].as_str().unwrap())
        })
        .map(|f| f["package"]["name"].as_str().unwrap().to_string())
        .collect()
}

fn theirs(path: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|d| d["fields"]["code"] == "rejected")
        .map(|d| {
            d["fields"]["graphs"][0]["Krate"]["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn rejected_crates_agree_with_cargo_deny() {
    let Some(shared) = shared() else { return };
    let graphs = [
        ("ripgrep", "BurntSushi__ripgrep__2026-08-04.lock"),
        ("bat", "sharkdp__bat__2026-08-01.lock"),
        ("uv", "astral-sh__uv__2026-08-21.lock"),
    ];
    let mut compared = 0;
    for (graph, lock) in graphs {
        for (policy, allow, reference) in [
            (
                "broad",
                BROAD,
                shared.join(format!("corpus/cargo-deny/{graph}.jsonl")),
            ),
            (
                "narrow-mit",
                MIT,
                shared.join(format!(
                    "corpus/cargo-deny/licenses/{graph}.narrow-mit.jsonl"
                )),
            ),
            (
                "narrow-apache",
                APACHE,
                shared.join(format!(
                    "corpus/cargo-deny/licenses/{graph}.narrow-apache.jsonl"
                )),
            ),
        ] {
            let mut mine = ours(&shared, graph, lock, allow);
            for extra in documented_extra(graph, policy) {
                assert!(
                    mine.remove(*extra),
                    "{graph}/{policy}: the documented difference `{extra}` is gone"
                );
            }
            let deny = theirs(&reference);
            assert_eq!(mine, deny, "{graph}/{policy}");
            compared += deny.len();
        }
    }
    assert!(compared > 300, "{compared}");
}

#[test]
fn expression_edge_cases() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join(".git")).unwrap();
    let mut lock = String::from("version = 4\n");
    let crates = [
        ("app", "MIT"),
        ("either-ok", "MIT OR GPL-3.0-only"),
        ("both-needed", "MIT AND GPL-3.0-only"),
        ("with-exception", "Apache-2.0 WITH LLVM-exception"),
        ("or-later", "GPL-2.0+"),
        ("legacy", "MIT/Apache-2.0"),
        ("deprecated-id", "GPL-2.0"),
        ("broken", "MIT OR OR"),
        ("no-license", ""),
    ];
    let mut packages = Vec::new();
    for (name, license) in crates {
        let source = if name == "app" {
            "null".to_string()
        } else {
            "\"registry+https://github.com/rust-lang/crates.io-index\"".to_string()
        };
        let lic = if license.is_empty() {
            "null".to_string()
        } else {
            format!("\"{license}\"")
        };
        let id = if name == "app" {
            "path+file:///ws#app@0.1.0".to_string()
        } else {
            format!("registry+https://github.com/rust-lang/crates.io-index#{name}@1.0.0")
        };
        packages.push((name, id, source, lic));
        lock.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = {}\n",
            if name == "app" {
                "\"0.1.0\""
            } else {
                "\"1.0.0\""
            }
        ));
        if name != "app" {
            lock.push_str("source = \"registry+https://github.com/rust-lang/crates.io-index\"\n");
        }
    }
    std::fs::write(ws.join("Cargo.lock"), lock).unwrap();
    let pkgs: Vec<String> = packages
        .iter()
        .map(|(name, id, source, lic)| {
            let ver = if *name == "app" { "0.1.0" } else { "1.0.0" };
            format!("{{\"name\":\"{name}\",\"version\":\"{ver}\",\"id\":\"{id}\",\"license\":{lic},\"license_file\":null,\"source\":{source},\"dependencies\":[],\"targets\":[],\"features\":{{}},\"manifest_path\":\"/ws/{name}/Cargo.toml\",\"authors\":[],\"categories\":[],\"keywords\":[],\"edition\":\"2021\",\"metadata\":null,\"publish\":null}}")
        })
        .collect();
    let deps: Vec<String> = packages.iter().skip(1).map(|(name, id, _, _)| format!("{{\"name\":\"{}\",\"pkg\":\"{id}\",\"dep_kinds\":[{{\"kind\":null,\"target\":null}}]}}", name.replace('-', "_"))).collect();
    let mut nodes = vec![format!(
        "{{\"id\":\"{}\",\"dependencies\":[],\"deps\":[{}],\"features\":[]}}",
        packages[0].1,
        deps.join(",")
    )];
    nodes.extend(packages.iter().skip(1).map(|(_, id, _, _)| {
        format!("{{\"id\":\"{id}\",\"dependencies\":[],\"deps\":[],\"features\":[]}}")
    }));
    let meta = format!(
        "{{\"packages\":[{}],\"workspace_members\":[\"{}\"],\"workspace_default_members\":[\"{}\"],\"resolve\":{{\"nodes\":[{}],\"root\":null}},\"workspace_root\":\"/ws\",\"target_directory\":\"/ws/target\",\"version\":1,\"metadata\":null}}",
        pkgs.join(","),
        packages[0].1,
        packages[0].1,
        nodes.join(",")
    );
    std::fs::File::create(ws.join("metadata.json"))
        .unwrap()
        .write_all(meta.as_bytes())
        .unwrap();
    std::fs::write(ws.join("p.toml"), "[licenses]\nallow = [\"MIT\", \"Apache-2.0 WITH LLVM-exception\", \"GPL-2.0-or-later\", \"BSD-3-Clause\"]\n").unwrap();
    let out = run_strings(&[
        "check".into(),
        "--manifest-path".into(),
        ws.join("Cargo.toml").to_str().unwrap().into(),
        "--metadata-path".into(),
        ws.join("metadata.json").to_str().unwrap().into(),
        "--policy".into(),
        ws.join("p.toml").to_str().unwrap().into(),
        "--format".into(),
        "json".into(),
        "--today".into(),
        "2026-11-23".into(),
    ]);
    assert!(out.code < 2, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rule_of = |krate: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["package"]["name"] == krate)
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        rule_of("either-ok").is_empty(),
        "OR: one allowed branch is enough"
    );
    assert_eq!(
        rule_of("both-needed"),
        ["license-rejected"],
        "AND needs every part"
    );
    assert!(
        rule_of("with-exception").is_empty(),
        "WITH exceptions match exactly"
    );
    // `GPL-2.0+` is legacy syntax for GPL-2.0-or-later, which the policy allows.
    assert_eq!(rule_of("or-later"), ["license-imprecise"]);
    // The deprecated `GPL-2.0` means GPL-2.0-only, which or-later does not cover.
    assert_eq!(
        rule_of("deprecated-id"),
        ["license-imprecise", "license-rejected"]
    );
    assert_eq!(
        rule_of("legacy"),
        ["license-imprecise"],
        "MIT/Apache-2.0 is read as MIT OR Apache-2.0"
    );
    assert_eq!(rule_of("broken"), ["license-invalid"]);
    assert_eq!(rule_of("no-license"), ["license-unknown"]);
    let unused: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "license-allow-unused")
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert_eq!(unused, ["BSD-3-Clause"]);
}

#[test]
fn copyleft_and_osi_policies() {
    let Some(shared) = shared() else { return };
    // uv's graph has MPL-2.0 (weak copyleft) crates.
    let mpl = |policy: &str| -> usize {
        let policy = format!("[licenses]\nallow = {BROAD}\n{policy}\n[sources]\ngit = \"allow\"\n");
        corpus_graph_findings(&shared, "uv", "astral-sh__uv__2026-08-21.lock", &policy)
            .iter()
            .filter(|f| {
                f["rule"] == "license-rejected"
                    && f["message"]
                        .as_str()
                        .unwrap()
                        .contains("MPL-2.0 is weak copyleft")
            })
            .count()
    };
    assert_eq!(mpl(""), 0);
    assert_eq!(mpl("deny-copyleft = \"strong\""), 0, "MPL-2.0 is weak");
    assert!(mpl("deny-copyleft = \"weak\"") > 0);
}
