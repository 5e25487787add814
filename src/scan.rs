//! One workspace, end to end: load the graph (metadata or lockfile mode),
//! then [`scan`], a pure function of (graph, policy, today, CLI levels)
//! that runs every check family and the decide stage. Fleet scans call
//! [`scan`] from many threads with one shared policy.

use crate::checks::{ScanContext, run_all};
use crate::date::Date;
use crate::decide::{CliLevel, DecideInput, Outcome, decide};
use crate::error::{Error, Result};
use crate::finding::Level;
use crate::graph::license_data::{self, LicenseDataOption};
use crate::graph::metadata::{CargoOptions, LoadInput};
use crate::graph::{Graph, find_repo_root, lockfile, metadata};
use crate::location::{SourceText, display_path};
use crate::policy::Policy;
use std::path::{Path, PathBuf};

/// Where the workspace is and how to load it.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceInput {
    /// `--lockfile-only`: read Cargo.lock alone; never run cargo.
    pub lockfile_only: bool,
    /// `--lockfile`: an explicit Cargo.lock (default: the workspace's).
    pub lockfile: Option<PathBuf>,
    /// `--metadata-path`: pre-generated `cargo metadata` JSON.
    pub metadata_path: Option<PathBuf>,
    pub cargo: CargoOptions,
    pub targets: Vec<String>,
    /// `--license-data`: where lockfile mode takes license fields from.
    pub license_data: crate::graph::license_data::LicenseDataOption,
}

/// The directory holding `--manifest-path`, else the current directory.
fn start_dir(input: &WorkspaceInput) -> Result<PathBuf> {
    let dir = match &input.cargo.manifest_path {
        Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
        None => std::env::current_dir().map_err(|e| Error::read(".", e))?,
    };
    Ok(if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    })
}

fn read_text(path: &Path, base: &Path) -> Result<SourceText> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
    Ok(SourceText::new(display_path(Some(base), path), text))
}

/// Loads the workspace graph as the input asks.
pub fn load_workspace(input: &WorkspaceInput) -> Result<Graph> {
    let start = start_dir(input)?;
    let start = start.canonicalize().map_err(|e| Error::read(&start, e))?;
    if input.lockfile_only {
        let lock_path = input
            .lockfile
            .clone()
            .unwrap_or_else(|| start.join("Cargo.lock"));
        let base = find_repo_root(&start).unwrap_or_else(|| start.clone());
        let src = read_text(&lock_path, &base)?;
        // Lockfile mode knows no edge conditions, but --target still
        // selects `affected.os/arch` for advisories: validate it the same way.
        crate::graph::targets::Platforms::new(&input.targets)?;
        let mut graph = lockfile::load_graph(src, start)?;
        graph.targets = input.targets.clone();
        if input.license_data == LicenseDataOption::CargoCache {
            let home = crate::advisories::index_cache::cargo_home().unwrap_or_default();
            graph.license_data = license_data::from_cargo_cache(&mut graph, &home);
        }
        return Ok(graph);
    }
    if input.license_data == LicenseDataOption::CargoCache {
        return Err(Error::Usage(
            "--license-data cargo-cache applies only with --lockfile-only: metadata mode reads license fields from cargo metadata".into(),
        ));
    }
    let json_src = match &input.metadata_path {
        Some(p) => read_text(p, &start)?,
        None => SourceText::new(
            "cargo metadata",
            metadata::run_cargo_metadata(&input.cargo)?,
        ),
    };
    // A pre-generated file may carry placeholder paths (or come from another
    // machine): then the workspace root is where --manifest-path, or else
    // the current directory, says.
    let meta_root = workspace_root_of(&json_src.text);
    let probe_root = match (&input.metadata_path, &input.cargo.manifest_path, meta_root) {
        (None, _, Some(r)) => r,
        (Some(_), None, Some(r)) if r.is_dir() => r,
        _ => start.clone(),
    };
    let base = find_repo_root(&probe_root).unwrap_or_else(|| probe_root.clone());
    let lock_path = input
        .lockfile
        .clone()
        .unwrap_or_else(|| probe_root.join("Cargo.lock"));
    let lockfile = match read_text(&lock_path, &base) {
        Ok(src) => Some(src),
        Err(_) if input.lockfile.is_none() && !lock_path.exists() => None,
        Err(e) => return Err(e),
    };
    metadata::load_graph(LoadInput {
        json: &json_src,
        root: Some(probe_root),
        lockfile,
        targets: &input.targets,
    })
}

fn workspace_root_of(json: &str) -> Option<PathBuf> {
    #[derive(serde::Deserialize)]
    struct Root {
        workspace_root: PathBuf,
    }
    serde_json::from_str::<Root>(json)
        .ok()
        .map(|r| r.workspace_root)
}

/// What every workspace of a scan shares, read-only.
pub struct Shared<'a> {
    pub policy: &'a Policy,
    pub db: Option<&'a crate::advisories::AdvisoryDb>,
    pub index: Option<&'a crate::advisories::index_cache::IndexCache>,
    pub today: Date,
    pub cli: &'a [CliLevel],
    pub fail_on: Option<Level>,
    /// `--baseline`: diff-only gating.
    pub baseline: Option<&'a crate::decide::baseline::Baseline>,
    /// Findings computed outside the check families (`policy-weakened`).
    pub extra: &'a [crate::finding::Finding],
}

/// Checks one workspace. Pure: the same inputs give the same outcome.
pub fn scan(graph: &Graph, shared: &Shared<'_>) -> Outcome {
    let ctx = ScanContext {
        graph,
        policy: shared.policy,
        today: shared.today,
        db: shared.db,
        index: shared.index,
        cli: shared.cli,
    };
    let workspace = graph.workspace_key();
    let input = DecideInput {
        policy: shared.policy,
        cli: shared.cli,
        fail_on: shared.fail_on,
        today: shared.today,
        workspace: &workspace,
        baseline: shared.baseline,
    };
    let mut findings = run_all(&ctx);
    findings.extend(shared.extra.iter().cloned());
    let mut outcome = decide(findings, &input);
    crate::checks::fill_paths(graph, &mut outcome.findings);
    outcome
}
