//! Loading a workspace into a complete [`Graph`]: the mode (metadata or
//! Cargo.lock alone), where the lockfile is, which root the workspace and
//! repository have, the selected targets and where license data comes
//! from. Nothing after this stage touches the disk for the graph.

use super::license_data::{self, LicenseDataOption};
use super::metadata::{self, CargoOptions, LoadInput};
use super::{Graph, find_repo_root, lockfile};
use crate::error::{Error, Result};
use crate::location::SourceText;
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
    pub license_data: LicenseDataOption,
    /// `--sbom`: a CycloneDX JSON SBOM is the graph; nothing else is read.
    pub sbom: Option<PathBuf>,
}

fn start_dir(input: &WorkspaceInput) -> Result<PathBuf> {
    workspace_dir(input.cargo.manifest_path.as_deref())
}

/// The directory holding `--manifest-path`, else the current directory.
pub fn workspace_dir(manifest_path: Option<&Path>) -> Result<PathBuf> {
    let dir = match manifest_path {
        Some(p) if p.is_dir() => {
            return Err(Error::Usage(format!(
                "--manifest-path {}: a directory; pass the path of its Cargo.toml",
                p.display()
            )));
        }
        Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
        None => std::env::current_dir().map_err(|e| Error::read(".", e))?,
    };
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    dir.canonicalize().map_err(|e| Error::read(&dir, e))
}

/// Loads the workspace graph as the input asks.
pub fn load(input: &WorkspaceInput) -> Result<Graph> {
    let start = start_dir(input)?;
    if let Some(path) = &input.sbom {
        return sbom_mode(input, path, start);
    }
    if input.lockfile_only {
        return lockfile_mode(input, start);
    }
    if input.license_data == LicenseDataOption::CargoCache {
        return Err(Error::Usage(
            "--license-data cargo-cache applies only with --lockfile-only: metadata mode reads license fields from cargo metadata".into(),
        ));
    }
    metadata_mode(input, start)
}

/// Cargo.lock alone: nothing is run and no other file is read.
fn lockfile_mode(input: &WorkspaceInput, start: PathBuf) -> Result<Graph> {
    let lock_path = input
        .lockfile
        .clone()
        .unwrap_or_else(|| start.join("Cargo.lock"));
    let base = find_repo_root(&start).unwrap_or_else(|| start.clone());
    let src = crate::input::read_source(&lock_path, &base, crate::input::MAX_LOCKFILE)?;
    // Lockfile mode knows no edge conditions, but --target still
    // selects `affected.os/arch` for advisories: validate it the same way.
    super::targets::Platforms::new(&input.targets)?;
    let mut graph = lockfile::load_graph(src, start)?;
    graph.targets = input.targets.clone();
    if input.license_data == LicenseDataOption::CargoCache {
        let home = super::cargo_home().unwrap_or_default();
        graph.license_data = license_data::from_cargo_cache(&mut graph, &home);
    }
    Ok(graph)
}

/// A CycloneDX SBOM: nothing is run and no other file is read.
fn sbom_mode(input: &WorkspaceInput, path: &Path, start: PathBuf) -> Result<Graph> {
    let base = find_repo_root(&start).unwrap_or_else(|| start.clone());
    let src = crate::input::read_source(path, &base, crate::input::MAX_JSON)?;
    let mut graph = super::cyclonedx::load_graph(src, start)?;
    if !input.targets.is_empty() {
        graph.targets = input.targets.clone();
    }
    super::targets::Platforms::new(&graph.targets)?;
    Ok(graph)
}

/// `cargo metadata` (run, or a pre-generated file) and the lockfile beside it.
fn metadata_mode(input: &WorkspaceInput, start: PathBuf) -> Result<Graph> {
    let json_src = match &input.metadata_path {
        Some(p) => crate::input::read_source(p, &start, crate::input::MAX_JSON)?,
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
        _ => start,
    };
    let base = find_repo_root(&probe_root).unwrap_or_else(|| probe_root.clone());
    let lock_path = input
        .lockfile
        .clone()
        .unwrap_or_else(|| probe_root.join("Cargo.lock"));
    let lockfile = match crate::input::read_source(&lock_path, &base, crate::input::MAX_LOCKFILE) {
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
