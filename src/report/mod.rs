//! Reports: the verdict as plain data ([`Report`], the JSON schema
//! `depgate.report/v1`) and the renderers that turn it into text. A
//! renderer never changes a verdict. Files are written atomically: a temp
//! file beside the target, then a rename.

pub mod gitlab;
pub mod human;
pub mod inventory;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::date::Date;
use crate::decide::{Counts, Outcome};
use crate::error::{Error, Result};
use crate::finding::{Finding, Level};
use crate::graph::{Graph, Mode};
use crate::location::SourceText;
use crate::policy::Policy;
use serde::Serialize;
use std::path::Path;

pub const SCHEMA: &str = "depgate.report/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Markdown,
    GitlabCodequality,
    GitlabDependencyScanning,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        <Format as clap::ValueEnum>::from_str(s, true).ok()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceInfo {
    /// Workspace root relative to the repository root (`.` at the top).
    pub root: String,
    pub mode: Mode,
    pub lockfile: Option<String>,
    pub lock_version: Option<u32>,
    /// Selected `--target`s; empty means all targets.
    pub targets: Vec<String>,
    pub packages: usize,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub fail_on: Level,
    pub passed: bool,
    pub exit_code: u8,
}

/// Which advisory database a report used, and its age.
#[derive(Debug, Clone, Serialize)]
pub struct DbReport {
    /// `directory`, `cache` or `embedded`.
    pub kind: String,
    pub path: Option<String>,
    pub commit: Option<String>,
    pub date: Date,
    pub age_days: i64,
    pub advisories: usize,
    /// Advisories loaded leniently (e.g. unscorable CVSS vectors).
    pub warnings: Vec<String>,
}

impl DbReport {
    pub fn new(db: &crate::advisories::AdvisoryDb, today: Date) -> DbReport {
        DbReport {
            kind: db.info.kind.clone(),
            path: db.info.path.clone(),
            commit: db.info.commit.clone(),
            date: db.info.date,
            age_days: today.days() - db.info.date.days(),
            advisories: db.info.advisories,
            warnings: db.warnings.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool: Tool,
    pub today: Date,
    pub workspace: WorkspaceInfo,
    /// Policy layers in merge order; the last is the policy itself.
    pub policy: Vec<String>,
    pub findings: Vec<Finding>,
    pub summary: Counts,
    pub verdict: Verdict,
    /// The advisory database used.
    pub advisory_db: Option<DbReport>,
    /// Where license fields came from (`--license-data`).
    pub license_data: crate::graph::license_data::LicenseData,
    /// With `--baseline`: baseline findings that are gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Vec<crate::decide::baseline::Resolved>>,
    /// Files the findings point at, for renderers that quote lines.
    #[serde(skip)]
    pub texts: Vec<SourceText>,
}

impl Report {
    pub fn new(graph: &Graph, policy: &Policy, outcome: Outcome, today: Date) -> Report {
        let mut members: Vec<String> = graph
            .members()
            .map(|m| graph.package(m).name.clone())
            .collect();
        members.sort();
        let mut texts: Vec<SourceText> = graph.lockfile.iter().cloned().collect();
        texts.extend(graph.manifests.values().map(|m| m.src.clone()));
        texts.extend(policy.texts.iter().cloned());
        Report {
            schema: SCHEMA,
            tool: Tool {
                name: "depgate",
                version: env!("CARGO_PKG_VERSION"),
            },
            today,
            workspace: WorkspaceInfo {
                root: graph.workspace_key(),
                mode: graph.mode,
                lockfile: graph.lockfile.as_ref().map(|l| l.display.clone()),
                lock_version: graph.lock_version,
                targets: graph.targets.clone(),
                packages: graph.graph.node_count(),
                members,
            },
            policy: policy.layers.clone(),
            findings: outcome.findings,
            summary: outcome.counts,
            verdict: Verdict {
                fail_on: outcome.fail_on,
                passed: outcome.passed,
                exit_code: if outcome.passed {
                    crate::decide::EXIT_PASS
                } else {
                    crate::decide::EXIT_FAIL
                },
            },
            advisory_db: None,
            license_data: graph.license_data.clone(),
            resolved: None,
            texts,
        }
    }

    pub fn text(&self, path: &str) -> Option<&SourceText> {
        self.texts.iter().find(|t| t.display == path)
    }
}

/// Options for renderers that have them.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    pub color: bool,
    pub verbose: bool,
    /// SARIF `automationDetails.id` category (default `depgate/<workspace>`).
    pub sarif_category: Option<&'a str>,
    /// GitLab dependency-scanning schema version (default 15.1.5).
    pub gitlab_schema_version: Option<&'a str>,
}

pub fn render(report: &Report, format: Format, opts: RenderOptions<'_>) -> String {
    match format {
        Format::Human => human::render(report, opts),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report, opts.sarif_category),
        Format::Markdown => markdown::render(report),
        Format::GitlabCodequality => gitlab::codequality(report),
        Format::GitlabDependencyScanning => {
            gitlab::dependency_scanning(report, opts.gitlab_schema_version)
        }
    }
}

/// Writes `contents` to `path` atomically: a temp file in the same
/// directory, flushed, then renamed over the target.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.depgate-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        Error::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}
