//! Policy layering: discovery stops at the repository root, `extends`
//! merges as documented, and `policy show` names every value's origin.

mod common;
use common::*;
use std::path::Path;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn extends_merges_scalars_lists_and_tables() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        &d.join("org/baseline.toml"),
        "extends = [\"preset:strict\"]\nfail-on = \"warn\"\n[sources]\nallow-registries = [\"crates-io\", \"sparse+https://corp/index/\"]\nallow-git = [\"https://git.corp/\"]\n[[bans.deny]]\ncrate = \"openssl\"\n",
    );
    write(
        &d.join("repo/depgate.toml"),
        "extends = [\"../org/baseline.toml\"]\nfail-on = \"deny\"\n[sources]\nallow-registries = [\"crates-io\"]\n[[bans.deny]]\ncrate = \"time\"\nversions = \"<0.2\"\n",
    );
    let p = depgate::policy::load_file(&d.join("repo/depgate.toml"), &depgate::registry::schema())
        .unwrap();
    let loaded = depgate::pipeline::Loaded::new(p.clone());
    let sources = loaded
        .configs
        .get::<depgate::checks::sources::Config>()
        .unwrap();
    let bans = loaded
        .configs
        .get::<depgate::checks::bans::Config>()
        .unwrap();
    // Scalars: the later layer wins.
    assert_eq!(loaded.decide.fail_on, depgate::model::Level::Deny);
    // Plain lists are replaced, not appended.
    assert_eq!(sources.allow_registries, ["crates-io"]);
    // Tables merge key by key: allow-git survives from the baseline, git from strict.
    assert_eq!(sources.allow_git, ["https://git.corp/"]);
    assert_eq!(sources.git, depgate::checks::sources::GitPolicy::RequireRev);
    // Arrays of tables accumulate, baseline first.
    let bans: Vec<&str> = bans.deny.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(bans, ["openssl", "time"]);
    assert_eq!(p.layers.len(), 4, "{:?}", p.layers);
    let shown = depgate::policy::show::show(&p);
    assert!(shown.contains("fail-on = \"deny\""));
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("allow-git") && l.contains("baseline.toml:5:")),
        "{shown}"
    );
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("dev-only") && l.contains("preset:strict")),
        "{shown}"
    );
}

#[test]
fn discovery_walks_up_to_the_repository_root_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A policy above the repository root must not be found.
    write(&d.join("depgate.toml"), "bogus = true\n");
    std::fs::create_dir_all(d.join("repo/.git")).unwrap();
    std::fs::create_dir_all(d.join("repo/crates/ws")).unwrap();
    assert_eq!(depgate::policy::discover(&d.join("repo/crates/ws")), None);
    write(&d.join("repo/.cargo/depgate.toml"), "fail-on = \"warn\"\n");
    assert_eq!(
        depgate::policy::discover(&d.join("repo/crates/ws")),
        Some(d.join("repo/.cargo/depgate.toml"))
    );
    write(&d.join("repo/crates/.depgate.toml"), "");
    assert_eq!(
        depgate::policy::discover(&d.join("repo/crates/ws")),
        Some(d.join("repo/crates/.depgate.toml"))
    );
    write(&d.join("repo/crates/depgate.toml"), "");
    assert_eq!(
        depgate::policy::discover(&d.join("repo/crates/ws")),
        Some(d.join("repo/crates/depgate.toml"))
    );
}

#[test]
fn policy_check_and_show_commands() {
    let ok = depgate_args(&["policy", "check", "testdata/ws-basic/depgate.toml"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout
            .contains("preset:default <- preset:strict <- testdata/ws-basic/depgate.toml"),
        "{}",
        ok.stdout
    );
    let show = depgate_args(&[
        "policy",
        "show",
        "--policy",
        "testdata/ws-basic/depgate.toml",
    ]);
    assert_eq!(show.code, 0);
    insta::assert_snapshot!("policy_show_fixture", show.stdout);
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("p.toml"),
        "[sources]\ngit = \"sometimes\"\n",
    );
    let bad = depgate_args(&[
        "policy",
        "check",
        dir.path().join("p.toml").to_str().unwrap(),
    ]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("p.toml:2:7: `sources.git`: invalid value `sometimes`"),
        "{}",
        bad.stderr
    );
}

/// A policy error names the file, line, column and key on one line, then
/// quotes the line and points at the key, as findings are shown.
#[test]
fn policy_errors_quote_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("depgate.toml");
    std::fs::write(&p, "[sources]\nallow-registry = [\"x\"]\n").unwrap();
    let out = common::depgate_args(&["policy", "check", p.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    let shown = p.display().to_string();
    assert!(
        out.stderr.contains(&format!(
            "error: {shown}:2:1: `sources.allow-registry`: unknown key (did you mean `allow-registries`?)"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("2 | allow-registry = [\"x\"]"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("  | ^^^^^^^^^^^^^^ did you mean `allow-registries`?"),
        "{}",
        out.stderr
    );
}
