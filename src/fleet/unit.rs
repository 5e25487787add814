//! One fleet unit: its Cargo.lock (and, as data, its pinned toolchain and
//! when allowed its own policy) read with size limits, the one-unit
//! pipeline run on the shared inputs, and the record the fleet report
//! keeps. Nothing from the repository is executed and no other file is
//! read. A unit that cannot be scanned becomes an error record; it never
//! stops the others.

use super::discover::UnitDir;
use crate::error::{Error, Result};
use crate::graph::{Graph, lockfile, toolchain};
use crate::location::{SourceText, display_path};
use crate::model::fleet::{FindingLite, UnitError, UnitPackage, UnitRecord};
use crate::model::{Assessment, EXIT_ERROR};
use crate::pipeline::{Against, Inputs};
use std::path::Path;

pub use crate::input::MAX_LOCKFILE;
/// Largest `rust-toolchain(.toml)` or repository policy read.
pub const MAX_SMALL_FILE: u64 = 1 << 20;

/// How units are scanned.
pub struct UnitOptions<'a> {
    /// Keep the assessment (for SARIF per repository).
    pub keep: bool,
    /// `--license-data cargo-cache`: licences from this cargo home.
    pub license_home: Option<&'a Path>,
}

/// What a scanned unit gives the fleet.
pub struct Scanned {
    pub record: UnitRecord,
    /// Kept only when a renderer needs it (SARIF per repository).
    pub assessment: Option<Assessment>,
}

/// Reads a repository file as data: a regular file (never a link, FIFO or
/// device) of at most `limit` bytes, so a hostile repository cannot make
/// the scan read outside itself, block, or run out of memory.
pub fn read_bounded(path: &Path, shown: &str, limit: u64) -> Result<String> {
    crate::input::read_text(path, shown, limit, crate::input::Links::Refuse)
}

/// Loads the unit's graph: Cargo.lock alone, plus its pinned toolchain.
pub fn load_graph(u: &UnitDir, license_home: Option<&Path>) -> Result<Graph> {
    let path = u.dir.join("Cargo.lock");
    let shown = display_path(Some(&u.repo_dir), &path);
    let text = read_bounded(&path, &shown, MAX_LOCKFILE)?;
    let mut graph = lockfile::load_graph(SourceText::new(shown, text), u.dir.clone())?;
    graph.repo_root = Some(u.repo_dir.clone());
    graph.toolchain = read_toolchain(u)?;
    if let Some(home) = license_home {
        graph.license_data = crate::graph::license_data::from_cargo_cache(&mut graph, home);
    }
    Ok(graph)
}

/// The unit's `rust-toolchain.toml` (or legacy `rust-toolchain`), read as
/// data from the unit's directory, else its repository's root.
fn read_toolchain(u: &UnitDir) -> Result<Option<toolchain::Toolchain>> {
    for dir in [&u.dir, &u.repo_dir] {
        for name in ["rust-toolchain.toml", "rust-toolchain"] {
            let path = dir.join(name);
            if std::fs::symlink_metadata(&path).is_err() {
                continue;
            }
            let shown = display_path(Some(&u.repo_dir), &path);
            let text = read_bounded(&path, &shown, MAX_SMALL_FILE)?;
            return toolchain::parse(&SourceText::new(shown, text)).map(Some);
        }
    }
    Ok(None)
}

/// Scans one unit with the shared inputs (or the unit's own layered
/// policy). Errors become the record's `error`.
pub fn scan(inputs: &Inputs<'_>, u: &UnitDir, opts: &UnitOptions<'_>) -> Scanned {
    if let Some((file, line, why)) = &u.unreadable {
        let msg = format!("{file}:{line}: repository `{}`: {why}", u.id);
        let e = Error::input(file, (*line, 1), "", msg);
        return Scanned {
            record: error_record(u, &e),
            assessment: None,
        };
    }
    match try_scan(inputs, u, opts.license_home) {
        Ok((graph, assessment)) => {
            // Serialized straight into a raw value (no re-parse).
            let report = serde_json::value::to_raw_value(&assessment).ok();
            let record = UnitRecord {
                path: u.id.clone(),
                repository: u.repo_id.clone(),
                lockfile: lockfile_of(u),
                toolchain: graph.toolchain.as_ref().map(|t| t.channel.clone()),
                exit_code: assessment.exit_code(),
                error: None,
                packages: packages(&graph),
                report,
                findings: assessment.findings.iter().map(FindingLite::of).collect(),
            };
            Scanned {
                record,
                assessment: opts.keep.then_some(assessment),
            }
        }
        Err(e) => Scanned {
            record: error_record(u, &e),
            assessment: None,
        },
    }
}

fn try_scan(
    inputs: &Inputs<'_>,
    u: &UnitDir,
    license_home: Option<&Path>,
) -> Result<(Graph, Assessment)> {
    let graph = load_graph(u, license_home)?;
    let own = super::repo_policy::layer(inputs.loaded, u, &graph.workspace_key())?;
    let assessment = match own {
        Some((loaded, refused)) => {
            let inputs = Inputs {
                loaded: &loaded,
                ..*inputs
            };
            crate::pipeline::run_with(&inputs, &graph, Against::Nothing, refused)?
        }
        None => crate::pipeline::run(inputs, &graph, Against::Nothing)?,
    };
    Ok((graph, assessment))
}

fn lockfile_of(u: &UnitDir) -> String {
    display_path(Some(&u.repo_dir), &u.dir.join("Cargo.lock"))
}

/// An error record: the first input problem's place, else the lockfile.
fn error_record(u: &UnitDir, e: &Error) -> UnitRecord {
    let lockfile = lockfile_of(u);
    let error = match e {
        Error::Input(problems) if !problems.is_empty() => {
            let p = &problems[0];
            UnitError {
                path: p.path.clone(),
                line: p.line,
                column: p.column,
                key: p.key.clone(),
                message: e.to_string(),
            }
        }
        _ => UnitError {
            path: lockfile.clone(),
            line: 0,
            column: 0,
            key: String::new(),
            message: e.to_string(),
        },
    };
    UnitRecord {
        path: u.id.clone(),
        repository: u.repo_id.clone(),
        lockfile,
        toolchain: None,
        exit_code: EXIT_ERROR,
        error: Some(error),
        packages: Vec::new(),
        report: None,
        findings: Vec::new(),
    }
}

/// The graph's packages in lockfile order, with their dependencies.
fn packages(graph: &Graph) -> Vec<UnitPackage> {
    graph
        .packages()
        .map(|(ix, p)| {
            let mut deps: Vec<u32> = graph
                .graph
                .neighbors(ix)
                .map(|d| d.index() as u32)
                .collect();
            deps.sort_unstable();
            deps.dedup();
            UnitPackage {
                name: p.name.clone(),
                version: p.version.to_string(),
                source: p.source.short(),
                line: p.lock_line.unwrap_or(0),
                member: p.is_member,
                license: p.license.clone(),
                deps,
            }
        })
        .collect()
}
