//! `--base-ref REV`: the findings at a base revision, computed in-process.
//! The base tree is checked out with `git worktree add --detach` into a
//! temporary directory (the repository's working tree is not touched), the
//! workspace is loaded there the same way as now, checked against the
//! policy as it was at REV, and the worktree is removed again. The result
//! is a baseline for diff-only gating, plus the base policy so
//! `policy-weakened` can compare.

use super::{Inputs, Loaded};
use crate::advisories::index_cache::IndexCache;
use crate::decide::baseline::Baseline;
use crate::error::{Error, Result};
use crate::git::{checkout, git};
use crate::graph::{Graph, WorkspaceInput};
use crate::model::Resolved;
use crate::policy::Policy;
use std::path::{Path, PathBuf};

/// The base revision's findings, as a baseline, and its effective policy.
pub struct Base {
    pub baseline: Baseline,
    pub policy: Policy,
}

/// Re-roots `path` (inside `repo`) into `base`.
fn rebase(path: &Path, repo: &Path, base: &Path) -> PathBuf {
    let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match abs.strip_prefix(repo) {
        Ok(rel) => base.join(rel),
        Err(_) => path.to_path_buf(),
    }
}

/// The findings and effective policy at `rev` of the workspace `graph`
/// was loaded from, with the same inputs otherwise.
pub fn evaluate(
    inputs: &Inputs<'_>,
    graph: &Graph,
    rev: &str,
    input: &WorkspaceInput,
    policy_arg: Option<&Path>,
    index: Option<&IndexCache>,
) -> Result<Base> {
    let repo = graph.repo_root.as_deref().ok_or_else(|| {
        Error::Usage("--base-ref needs the workspace to be inside a git repository".into())
    })?;
    let commit = git(
        repo,
        &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
    )?;
    let wt = checkout(repo, &commit)?;
    let mut base_input = input.clone();
    let root = rebase(&graph.workspace_root, repo, &wt.dir);
    base_input.cargo.manifest_path = Some(root.join("Cargo.toml"));
    base_input.lockfile = input.lockfile.as_deref().map(|l| rebase(l, repo, &wt.dir));
    base_input.metadata_path = None;
    base_input.sbom = input.sbom.as_deref().map(|l| rebase(l, repo, &wt.dir));
    let base_graph = crate::graph::load(&base_input)?;
    if let Some(db) = inputs.db {
        db.prepare(base_graph.packages().map(|(_, p)| p.name.as_str()))?;
    }
    let loaded = match policy_arg {
        Some(p) if rebase(p, repo, &wt.dir).is_file() => {
            let schema = crate::registry::schema();
            Loaded::new(crate::policy::load_file(
                &rebase(p, repo, &wt.dir),
                &schema,
            )?)
        }
        other => Loaded::for_graph(other, &base_graph)?,
    };
    let base_inputs = Inputs {
        loaded: &loaded,
        ..*inputs
    };
    let unit = super::Unit {
        graph: &base_graph,
        index,
        workspace: base_graph.workspace_key(),
    };
    let outcome = super::evaluate(&base_inputs, &unit, None, Vec::new());
    let findings = outcome.findings.iter().map(|f| Resolved {
        rule: f.rule.id.to_string(),
        package: f.package.as_ref().map(|p| serde_json::json!(p)),
        message: f.message.clone(),
        fingerprint: f.fingerprint.clone(),
    });
    let baseline = Baseline::of(findings);
    drop(wt);
    Ok(Base {
        baseline,
        policy: loaded.policy,
    })
}
