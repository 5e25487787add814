//! The library crates of a workspace, from `cargo metadata --no-deps`
//! (hardened; resolves nothing, so it needs no network).

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A workspace member with a library target.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub version: semver::Version,
    pub manifest: PathBuf,
}

/// The members of the workspace at `dir` that have a library target.
pub fn library_members(dir: &Path) -> Result<BTreeMap<String, Member>> {
    let mut cmd =
        crate::graph::metadata::hardened_cargo(&["metadata", "--format-version", "1", "--no-deps"]);
    cmd.current_dir(dir);
    let shown = format!("cargo metadata --no-deps (in {})", dir.display());
    let stdout = crate::command::output(&mut cmd, &shown)?;
    let meta: cargo_metadata::Metadata =
        serde_json::from_slice(&stdout).map_err(|e| Error::Command {
            command: shown,
            status: "unreadable output".into(),
            stderr: e.to_string(),
        })?;
    let members: std::collections::BTreeSet<_> = meta.workspace_members.iter().collect();
    Ok(meta
        .packages
        .iter()
        .filter(|p| members.contains(&p.id))
        .filter(|p| {
            p.targets.iter().any(|t| {
                t.kind.iter().any(|k| {
                    matches!(
                        k,
                        cargo_metadata::TargetKind::Lib
                            | cargo_metadata::TargetKind::RLib
                            | cargo_metadata::TargetKind::DyLib
                            | cargo_metadata::TargetKind::ProcMacro
                    )
                })
            })
        })
        .map(|p| {
            (
                p.name.to_string(),
                Member {
                    name: p.name.to_string(),
                    version: p.version.clone(),
                    manifest: p.manifest_path.clone().into_std_path_buf(),
                },
            )
        })
        .collect())
}
