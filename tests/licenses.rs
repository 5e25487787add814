//! Licences against cargo-deny 0.20.2 on real graphs (ripgrep, bat, uv)
//! under three policies (the broad list of PROVENANCE.txt and the two
//! narrow ones of cargo-deny/licenses/), plus expression edge cases.

mod common;
use common::*;
use std::collections::BTreeSet;

const BROAD: &str = r#"["MIT", "Apache-2.0", "Apache-2.0 WITH LLVM-exception", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Unlicense", "Zlib", "Unicode-3.0", "Unicode-DFS-2016", "MPL-2.0", "CC0-1.0", "BSL-1.0", "0BSD", "CDLA-Permissive-2.0"]"#;
const MIT: &str = r#"["MIT"]"#;
const APACHE: &str = r#"["Apache-2.0", "Apache-2.0 WITH LLVM-exception", "Unicode-3.0"]"#;

/// Crates depgate rejects and cargo-deny does not: none since depgate
/// checks the packages cargo builds (`src/graph/features.rs`). Before, the
/// optional dependencies cargo metadata resolves but no feature enables
/// (fst, pcre2…, bytes, valuable, jiff-static, ring) differed, and
/// unicode-ident, reached only through members that are not default.
fn documented_extra(_graph: &str, _policy: &str) -> &'static [&'static str] {
    &[]
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

/// A workspace (metadata JSON + Cargo.lock) whose member `app` depends on
/// one crates.io crate per `(name, license)`; an empty license is none.
fn edge_workspace(crates: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join(".git")).unwrap();
    let mut lock =
        String::from("version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n");
    let app_id = "path+file:///ws#app@0.1.0";
    let mut pkgs = vec![format!(
        "{{\"name\":\"app\",\"version\":\"0.1.0\",\"id\":\"{app_id}\",\"license\":\"MIT\",\"license_file\":null,\"source\":null,\"dependencies\":[],\"targets\":[],\"features\":{{}},\"manifest_path\":\"/ws/app/Cargo.toml\",\"authors\":[],\"categories\":[],\"keywords\":[],\"edition\":\"2021\",\"metadata\":null,\"publish\":null}}"
    )];
    let mut deps = Vec::new();
    let mut nodes = Vec::new();
    for (name, license) in crates {
        let id = format!("registry+https://github.com/rust-lang/crates.io-index#{name}@1.0.0");
        lock.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ));
        let lic = if license.is_empty() {
            "null".to_string()
        } else {
            format!("\"{license}\"")
        };
        pkgs.push(format!("{{\"name\":\"{name}\",\"version\":\"1.0.0\",\"id\":\"{id}\",\"license\":{lic},\"license_file\":null,\"source\":\"registry+https://github.com/rust-lang/crates.io-index\",\"dependencies\":[],\"targets\":[],\"features\":{{}},\"manifest_path\":\"/ws/{name}/Cargo.toml\",\"authors\":[],\"categories\":[],\"keywords\":[],\"edition\":\"2021\",\"metadata\":null,\"publish\":null}}"));
        deps.push(format!(
            "{{\"name\":\"{}\",\"pkg\":\"{id}\",\"dep_kinds\":[{{\"kind\":null,\"target\":null}}]}}",
            name.replace('-', "_")
        ));
        nodes.push(format!(
            "{{\"id\":\"{id}\",\"dependencies\":[],\"deps\":[],\"features\":[]}}"
        ));
    }
    nodes.insert(
        0,
        format!(
            "{{\"id\":\"{app_id}\",\"dependencies\":[],\"deps\":[{}],\"features\":[]}}",
            deps.join(",")
        ),
    );
    std::fs::write(ws.join("Cargo.lock"), lock).unwrap();
    let meta = format!(
        "{{\"packages\":[{}],\"workspace_members\":[\"{app_id}\"],\"workspace_default_members\":[\"{app_id}\"],\"resolve\":{{\"nodes\":[{}],\"root\":null}},\"workspace_root\":\"/ws\",\"target_directory\":\"/ws/target\",\"version\":1,\"metadata\":null}}",
        pkgs.join(","),
        nodes.join(",")
    );
    std::fs::write(ws.join("metadata.json"), meta).unwrap();
    dir
}

/// The JSON report of `check` on an [`edge_workspace`] under `policy`.
fn edge_check(ws: &std::path::Path, policy: &str) -> serde_json::Value {
    std::fs::write(ws.join("p.toml"), policy).unwrap();
    let path = |f: &str| ws.join(f).to_str().unwrap().to_string();
    let out = run_strings(&[
        "check".into(),
        "--manifest-path".into(),
        path("Cargo.toml"),
        "--metadata-path".into(),
        path("metadata.json"),
        "--policy".into(),
        path("p.toml"),
        "--format".into(),
        "json".into(),
        "--today".into(),
        "2026-11-23".into(),
    ]);
    assert!(out.code < 2, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

/// (rule, message) of the findings about `krate`.
fn about(v: &serde_json::Value, krate: &str) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["package"]["name"] == krate)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn expression_edge_cases() {
    let ws = edge_workspace(&[
        ("either-ok", "MIT OR GPL-3.0-only"),
        ("both-needed", "MIT AND GPL-3.0-only"),
        ("with-exception", "Apache-2.0 WITH LLVM-exception"),
        ("or-later", "GPL-2.0+"),
        ("legacy", "MIT/Apache-2.0"),
        ("deprecated-id", "GPL-2.0"),
        ("broken", "MIT OR OR"),
        ("no-license", ""),
    ]);
    let v = edge_check(
        ws.path(),
        "[licenses]\nallow = [\"MIT\", \"Apache-2.0 WITH LLVM-exception\", \"GPL-2.0-or-later\", \"BSD-3-Clause\"]\n",
    );
    let rule_of =
        |krate: &str| -> Vec<String> { about(&v, krate).into_iter().map(|(r, _)| r).collect() };
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
    let imprecise = &about(&v, "deprecated-id")[0].1;
    assert!(imprecise.ends_with("read as `GPL-2.0-only`"), "{imprecise}");
    assert_eq!(
        rule_of("legacy"),
        ["license-imprecise"],
        "MIT/Apache-2.0 is read as MIT OR Apache-2.0"
    );
    assert!(
        about(&v, "legacy")[0]
            .1
            .ends_with("read as `MIT OR Apache-2.0`")
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
fn deny_and_copyleft_see_through_legacy_ids_exceptions_and_or_later() {
    let ws = edge_workspace(&[
        ("agpl-legacy", "AGPL-3.0"),
        ("gpl-legacy", "GPL-3.0"),
        ("gpl-gcc", "GPL-3.0-only WITH GCC-exception-3.1"),
        ("lgpl-plus", "LGPL-2.1+"),
        ("apache-llvm", "Apache-2.0 WITH LLVM-exception"),
        ("mixed", "(MIT OR GPL-3.0-only) AND Zlib"),
    ]);
    // Regulated denies strong copyleft, whatever the spelling.
    let v = edge_check(ws.path(), "extends = [\"preset:regulated\"]\n");
    for (krate, kind) in [
        ("agpl-legacy", "AGPL-3.0-only is strong copyleft"),
        ("gpl-legacy", "GPL-3.0-only is strong copyleft"),
        ("gpl-gcc", "GPL-3.0-only is strong copyleft"),
    ] {
        let rejected = about(&v, krate)
            .into_iter()
            .find(|(r, _)| r == "license-rejected");
        assert!(
            rejected.as_ref().is_some_and(|(_, m)| m.contains(kind)),
            "{krate}: {rejected:?}"
        );
    }
    // A denied license is denied in every form and with any exception.
    let v = edge_check(
        ws.path(),
        "[licenses]\ndeny = [\"GPL-3.0-only\", \"LGPL-2.1-only\", \"Apache-2.0\"]\n",
    );
    for krate in ["gpl-legacy", "gpl-gcc", "lgpl-plus", "apache-llvm"] {
        assert!(
            about(&v, krate)
                .iter()
                .any(|(r, m)| r == "license-rejected" && m.contains("is denied")),
            "{krate}: {:?}",
            about(&v, krate)
        );
    }
    // The reason is the decisive failure: Zlib, not the GPL branch MIT covers.
    let v = edge_check(
        ws.path(),
        "[licenses]\nallow = [\"MIT\"]\ndeny = [\"GPL-3.0-only\"]\n",
    );
    let mixed = about(&v, "mixed");
    assert_eq!(mixed.len(), 1);
    assert!(
        mixed[0].1.ends_with(
            "is licensed `(MIT OR GPL-3.0-only) AND Zlib`: Zlib is not in the allow-list"
        ),
        "{}",
        mixed[0].1
    );
    let props = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["package"]["name"] == "mixed")
        .unwrap();
    assert_eq!(props["properties"]["failing"], serde_json::json!(["Zlib"]));
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
