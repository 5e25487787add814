//! Renderers: each turns an [`Assessment`] into text, and none changes a
//! verdict. The report module imports only the model: it knows nothing of
//! graphs, policies or checks.

pub mod changelog;
pub mod fleet;
pub mod gitlab;
pub mod human;
pub mod inventory;
pub mod json;
pub mod markdown;
pub mod sarif;
mod sarif_types;

use crate::model::{Assessment, DbSummary};

/// `--format` and `--output FORMAT=PATH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Markdown,
    GitlabCodequality,
    GitlabDependencyScanning,
}

impl Format {
    pub const NAMES: [&'static str; 6] = [
        "human",
        "json",
        "sarif",
        "markdown",
        "gitlab-codequality",
        "gitlab-dependency-scanning",
    ];
    const ALL: [Format; 6] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::GitlabCodequality,
        Format::GitlabDependencyScanning,
    ];

    pub fn parse(s: &str) -> Option<Format> {
        let i = Self::NAMES.iter().position(|n| n.eq_ignore_ascii_case(s))?;
        Some(Self::ALL[i])
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        Format::parse(s).ok_or_else(|| format!("expected one of: {}", Format::NAMES.join(", ")))
    }
}

/// The advisory database line of the human and Markdown summaries.
fn db_line(db: &DbSummary) -> String {
    format!(
        "{} {} ({}, {} days old, {} advisories)",
        db.kind,
        db.commit
            .as_deref()
            .map_or("", |c| c.get(..12).unwrap_or(c)),
        db.date,
        db.age_days,
        db.advisories
    )
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

pub fn render(report: &Assessment, format: Format, opts: RenderOptions<'_>) -> String {
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
