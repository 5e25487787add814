//! Metadata mode runs `cargo metadata`, which honours the scanned
//! repository's `.cargo/config.toml`. depgate clears the rustc wrappers and
//! `build.rustc`, so a trap repository's wrapper never runs.

mod common;
use common::*;
use std::path::Path;

/// A workspace whose cargo config points every rustc invocation at a
/// script that leaves a marker file.
fn trap_repo(dir: &Path, key: &str) -> std::path::PathBuf {
    let marker = dir.join("MARKER");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join(".cargo")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"trap\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        dir.join("Cargo.lock"),
        "version = 4\n\n[[package]]\nname = \"trap\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let script = dir.join("wrapper.sh");
    // As a wrapper it gets `rustc ARGS`; as build.rustc it gets `ARGS`.
    let exec = if key == "rustc" {
        "exec rustc \"$@\""
    } else {
        "exec \"$@\""
    };
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho ran >> '{}'\n{exec}\n", marker.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(
        dir.join(".cargo/config.toml"),
        format!("[build]\n{key} = '{}'\n", script.display()),
    )
    .unwrap();
    marker
}

#[cfg(unix)]
#[test]
fn repository_rustc_wrapper_and_rustc_do_not_run() {
    for key in ["rustc-wrapper", "rustc-workspace-wrapper", "rustc"] {
        let dir = tempfile::tempdir().unwrap();
        let marker = trap_repo(dir.path(), key);
        let home = tempfile::tempdir().unwrap();
        // Control: plain cargo metadata does run the trap, so the test can fail.
        let control =
            std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(["metadata", "--format-version", "1", "--offline"])
                .current_dir(dir.path())
                .env("CARGO_HOME", home.path())
                .env_remove("RUSTC_WRAPPER")
                .env_remove("RUSTC_WORKSPACE_WRAPPER")
                .env_remove("RUSTC")
                .output()
                .unwrap();
        assert!(
            control.status.success(),
            "{}",
            String::from_utf8_lossy(&control.stderr)
        );
        if key != "rustc-workspace-wrapper" {
            // cargo metadata only asks rustc for target info; the workspace
            // wrapper applies to member compilations, so it is not hit here.
            assert!(
                marker.exists(),
                "{key}: the control run should trigger the trap"
            );
        }
        let _ = std::fs::remove_file(&marker);
        let out = run(depgate(home.path())
            .args([
                "check",
                "--offline",
                "--today",
                "2026-11-23",
                "--format",
                "json",
            ])
            .current_dir(dir.path()));
        assert!(out.code < 2, "{key}: {}", out.stderr);
        assert!(
            !marker.exists(),
            "{key}: depgate ran the repository's {key}"
        );
    }
}

#[test]
fn lockfile_only_never_runs_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let marker = trap_repo(dir.path(), "rustc");
    let home = tempfile::tempdir().unwrap();
    // A PATH with no cargo at all: lockfile mode must not need it.
    let out = run(depgate(home.path())
        .args(["check", "--lockfile-only", "--today", "2026-11-23"])
        .current_dir(dir.path())
        .env("PATH", "/nonexistent")
        .env("CARGO", "/nonexistent/cargo"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!marker.exists());
}
