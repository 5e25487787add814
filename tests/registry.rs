//! The rule registry and the docs: unique ids, one page per rule with the
//! fixed headings, no orphan pages, and every policy example in the rule
//! pages, the presets and the README validates.

mod common;
use common::*;
use std::collections::BTreeSet;

#[test]
fn rule_ids_are_unique_kebab_case_and_names_differ() {
    let mut seen = BTreeSet::new();
    for r in depgate::registry::rules() {
        assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
        assert!(
            r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            r.id
        );
        assert_ne!(r.name, r.id);
        assert!(!r.summary.is_empty());
    }
}

#[test]
fn every_rule_has_a_page_and_every_page_a_rule() {
    let ids: BTreeSet<String> = depgate::registry::rules()
        .iter()
        .map(|r| r.id.to_string())
        .collect();
    let pages: BTreeSet<String> = std::fs::read_dir(repo().join("rules"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".md")
                .to_string()
        })
        .collect();
    assert_eq!(ids, pages, "rules/ must hold exactly one page per rule id");
    for r in depgate::registry::rules() {
        for heading in [
            "## What it checks",
            "## Why it matters",
            "## How to fix",
            "## Example policy",
        ] {
            assert!(
                r.page.contains(heading),
                "rules/{}.md lacks `{heading}`",
                r.id
            );
        }
        assert!(
            r.page.starts_with(&format!("# {}", r.id)),
            "rules/{}.md must start with its id",
            r.id
        );
    }
}

/// ```toml blocks of a Markdown text.
fn toml_blocks(md: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut cur: Option<String> = None;
    for line in md.lines() {
        match (&mut cur, line.trim_start()) {
            (None, l) if l.starts_with("```toml") => cur = Some(String::new()),
            (Some(_), l) if l.starts_with("```") => blocks.push(cur.take().unwrap()),
            (Some(b), _) => {
                b.push_str(line);
                b.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

fn assert_valid_policy(text: &str, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("depgate.toml");
    std::fs::write(&path, text).unwrap();
    if let Err(e) = depgate::policy::load_file(&path, &depgate::registry::schema()) {
        panic!("{what}: example policy is invalid:\n{e}\n---\n{text}");
    }
}

#[test]
fn rule_page_examples_are_valid_policies() {
    for r in depgate::registry::rules() {
        let blocks = toml_blocks(r.page);
        assert!(!blocks.is_empty(), "rules/{}.md has no example", r.id);
        for b in blocks {
            assert_valid_policy(&b, &format!("rules/{}.md", r.id));
        }
    }
}

#[test]
fn readme_policy_examples_are_valid() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let blocks = toml_blocks(&readme);
    assert!(!blocks.is_empty(), "the README shows policy examples");
    for (i, b) in blocks.iter().enumerate() {
        assert_valid_policy(b, &format!("README.md block {i}"));
    }
}

#[test]
fn presets_load_and_layer() {
    for (name, _) in depgate::policy::PRESETS {
        let p = depgate::policy::load_preset(name, &depgate::registry::schema())
            .unwrap_or_else(|e| panic!("preset {name}: {e}"));
        assert_eq!(p.layers.last().unwrap(), &format!("preset:{name}"));
    }
    let reg = depgate::policy::load_preset("regulated", &depgate::registry::schema()).unwrap();
    assert_eq!(
        reg.layers,
        ["preset:default", "preset:strict", "preset:regulated"]
    );
    let loaded = depgate::pipeline::Loaded::new(reg);
    let sources = loaded.configs.get::<depgate::checks::sources::Config>();
    assert_eq!(
        sources.unwrap().git,
        depgate::checks::sources::GitPolicy::Deny
    );
}

#[test]
fn rules_and_explain_commands() {
    let out = depgate_args(&["rules"]);
    assert_eq!(out.code, 0);
    for r in depgate::registry::rules() {
        assert!(out.stdout.contains(r.id));
    }
    let page = depgate_args(&["explain", "source-git-unpinned"]);
    assert_eq!(page.code, 0);
    assert!(page.stdout.starts_with("# source-git-unpinned"));
}

#[test]
fn cargo_subcommand_binary_drops_its_name() {
    // Cargo runs `cargo depgate rules` as `cargo-depgate depgate rules`.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-depgate"))
        .args(["depgate", "rules"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("source-git-unpinned"));
}

#[test]
fn scan_inputs_are_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<depgate::graph::Graph>();
    assert_send_sync::<depgate::policy::Policy>();
    assert_send_sync::<depgate::decide::Outcome>();
}

#[test]
fn readme_documents_every_key_flag_command_and_rule() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut keys = Vec::new();
    depgate::policy::schema::key_reference(&depgate::registry::all_fields(), "", &mut keys);
    for (key, _, _) in keys {
        assert!(
            readme.contains(&format!("`{key}`")),
            "README lacks policy key `{key}`"
        );
    }
    use clap::CommandFactory;
    let cli = depgate::cli::Cli::command();
    let mut subs: Vec<&clap::Command> =
        ["check", "licenses", "sbom", "artifact", "verify", "semver"]
            .iter()
            .map(|s| cli.find_subcommand(s).unwrap())
            .collect();
    let fleet = cli.find_subcommand("fleet").unwrap();
    subs.extend(fleet.get_subcommands());
    for sub in fleet.get_subcommands() {
        assert!(
            readme.contains(&format!("depgate fleet {}", sub.get_name())),
            "README lacks `depgate fleet {}`",
            sub.get_name()
        );
    }
    for arg in subs.iter().flat_map(|s| s.get_arguments()) {
        if let Some(long) = arg.get_long() {
            assert!(
                readme.contains(&format!("--{long}")),
                "README lacks `--{long}`"
            );
        }
        if let Some(short) = arg.get_short() {
            assert!(
                readme.contains(&format!("-{short} ")),
                "README lacks `-{short}`"
            );
        }
    }
    for sub in cli.get_subcommands() {
        assert!(
            readme.contains(&format!("depgate {}", sub.get_name())),
            "README lacks `depgate {}`",
            sub.get_name()
        );
    }
    for r in depgate::registry::rules() {
        assert!(
            readme.contains(&format!("`{}`", r.id)),
            "README lacks rule `{}`",
            r.id
        );
    }
    let first_block = readme.split("```sh").nth(1).unwrap();
    assert!(
        first_block.contains("cargo run --release -- check") && first_block.contains("cargo test")
    );
}

#[test]
fn notice_attributes_every_cc_by_advisory() {
    let Some(shared) = shared() else { return };
    let notice = std::fs::read_to_string(repo().join("NOTICE")).unwrap();
    let db = depgate::advisories::AdvisoryDb::load(&shared.join("advisory-db")).unwrap();
    let cc: Vec<_> = db
        .all()
        .unwrap()
        .into_iter()
        .filter(|a| a.license == "CC-BY-4.0")
        .collect();
    assert_eq!(cc.len(), 21);
    for a in cc {
        assert!(notice.contains(&a.id), "NOTICE lacks {}", a.id);
    }
}
