//! `--base-ref REV`: the findings at a base revision, computed in-process.
//! The base tree is checked out with `git worktree add --detach` into a
//! temporary directory (the repository's working tree is not touched), the
//! workspace is loaded there the same way as now, checked against the
//! policy as it was at REV, and the worktree is removed again. The result
//! is a baseline for diff-only gating, plus the base policy so
//! `policy-weakened` can compare.

use crate::decide::baseline::{Baseline, Resolved};
use crate::error::{Error, Result};
use crate::scan::{Shared, WorkspaceInput, load_workspace, scan};
use std::path::{Path, PathBuf};
use std::process::Command;

fn git(repo: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| Error::Command {
            command: format!("git {}", args.join(" ")),
            status: "could not start".into(),
            stderr: e.to_string(),
        })?;
    if !out.status.success() {
        return Err(Error::Command {
            command: format!("git {}", args.join(" ")),
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Re-roots `path` (inside `repo`) into `base`.
fn rebase(path: &Path, repo: &Path, base: &Path) -> PathBuf {
    let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match abs.strip_prefix(repo) {
        Ok(rel) => base.join(rel),
        Err(_) => path.to_path_buf(),
    }
}

/// Removes the worktree however the check ends.
struct Worktree<'a> {
    repo: &'a Path,
    dir: PathBuf,
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

/// Findings and effective policy at `rev`, for a workspace in `repo`.
pub fn base_findings(
    repo: &Path,
    rev: &str,
    input: &WorkspaceInput,
    policy_arg: Option<&Path>,
    workspace_root: &Path,
    shared: &Shared<'_>,
) -> Result<(Baseline, crate::policy::Policy)> {
    let commit = git(
        repo,
        &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
    )?;
    let tmp = std::env::temp_dir().join(format!(
        "depgate-base-{}-{}",
        std::process::id(),
        &commit[..commit.len().min(12)]
    ));
    git(
        repo,
        &[
            "worktree",
            "add",
            "--detach",
            "--force",
            &tmp.to_string_lossy(),
            &commit,
        ],
    )?;
    let wt = Worktree {
        repo,
        dir: tmp.clone(),
    };
    let mut base_input = input.clone();
    let root = rebase(workspace_root, repo, &wt.dir);
    base_input.cargo.manifest_path = Some(root.join("Cargo.toml"));
    base_input.lockfile = input.lockfile.as_deref().map(|l| rebase(l, repo, &wt.dir));
    base_input.metadata_path = None;
    let graph = load_workspace(&base_input)?;
    let policy = match policy_arg {
        Some(p) if rebase(p, repo, &wt.dir).is_file() => {
            crate::policy::load_file(&rebase(p, repo, &wt.dir))?
        }
        Some(p) => crate::policy::load_file(p)?,
        None => crate::policy::load(None, &graph.workspace_root, graph.repo_root.as_deref())?,
    };
    let base_shared = Shared {
        policy: &policy,
        baseline: None,
        extra: &[],
        ..*shared
    };
    let outcome = scan(&graph, &base_shared);
    let findings = outcome
        .findings
        .iter()
        .map(|f| {
            let r = Resolved {
                rule: f.rule.to_string(),
                package: f.package.as_ref().map(|p| serde_json::json!(p)),
                message: f.message.clone(),
                fingerprint: f.fingerprint.clone(),
            };
            (f.fingerprint.clone(), r)
        })
        .collect();
    drop(wt);
    Ok((Baseline { findings }, policy))
}
