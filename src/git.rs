//! git, run as a command: the one place depgate starts `git`. Used by
//! `--base-ref` (a base revision checked out into a temporary worktree)
//! and by the semver gate (tags and commit dates for the deprecation
//! policy). A failing git is an error with its command and stderr.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `git -C repo ARGS` and returns its trimmed stdout.
pub fn git(repo: &Path, args: &[&str]) -> Result<String> {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(repo).args(args);
    let out = crate::command::output(&mut cmd, &format!("git {}", args.join(" ")))?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// Removes the worktree however the check ends; the temporary directory
/// that holds it goes with it.
pub struct Worktree<'a> {
    repo: &'a Path,
    pub dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Drop for Worktree<'_> {
    fn drop(&mut self) {
        let _ = Command::new("git")
            .arg("-C")
            .arg(self.repo)
            .args(["worktree", "remove", "--force"])
            .arg(&self.dir)
            .output();
    }
}

/// Checks out `commit` of `repo` into a fresh temporary directory.
pub fn checkout<'a>(repo: &'a Path, commit: &str) -> Result<Worktree<'a>> {
    let tmp = tempfile::Builder::new()
        .prefix("depgate-base-")
        .tempdir()
        .map_err(|e| Error::Write {
            path: std::env::temp_dir(),
            source: e,
        })?;
    let dir = tmp.path().join("tree");
    git(
        repo,
        &[
            "worktree",
            "add",
            "--detach",
            &dir.to_string_lossy(),
            commit,
        ],
    )?;
    Ok(Worktree {
        repo,
        dir,
        _tmp: tmp,
    })
}
