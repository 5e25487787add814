//! Findings are data: a rule, a level, the package, a message, labelled
//! locations, exposure, a stable fingerprint, structured properties for
//! the reports and typed [`Facts`] for the stages after the checks.
//! Checks build them; the decide stage sets final levels; renderers only
//! read them.

use super::exposure::Exposure;
use super::rule::Rule;
use crate::location::Location;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Severity of a finding, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Not reported; counted in `--verbose` and JSON `allowed` totals.
    Allow,
    Info,
    Warn,
    Deny,
}

impl Level {
    pub const NAMES: [&'static str; 4] = ["deny", "warn", "info", "allow"];

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "deny" => Some(Level::Deny),
            "warn" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "allow" => Some(Level::Allow),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Deny => "deny",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Allow => "allow",
        }
    }
}

/// Which step of the precedence chain set the final level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LevelSource {
    /// The check family (its policy keys, or the rule default).
    Family,
    /// Capped by the `[exposure]` table (or a family's own override).
    ExposureCap,
    /// `[levels]` in the policy.
    PolicyLevels,
    /// `-D/-W/-A` on the command line.
    Cli,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageRef {
    pub name: String,
    pub version: String,
    /// `crates.io`, `path`, a registry URL or `git URL`.
    pub source: String,
}

/// With `--baseline` or `--base-ref`: whether the baseline had the finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Diff {
    New,
    Existing,
}

/// Index of a waiver in the assessment's waiver list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WaiverId(pub u32);

/// A CVSS base score's severity band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// The advisory a finding is about, as the reports need it.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryFacts {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub aliases: Vec<String>,
    /// A security vulnerability (not an informational advisory).
    pub vulnerability: bool,
}

/// Typed facts that later stages read (decide, the renderers), so no stage
/// looks a property up by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Days past a vulnerability's patch deadline (`sla-overdue`).
    pub overdue_days: Option<i64>,
    /// The CVSS base score and its severity.
    pub cvss: Option<(f64, Severity)>,
    pub advisory: Option<Box<AdvisoryFacts>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: &'static Rule,
    pub level: Level,
    pub level_source: LevelSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<PackageRef>,
    pub message: String,
    /// What the finding is about within the package (advisory id, licence
    /// expression, ban spec, …): part of the fingerprint.
    pub subject: String,
    pub locations: Vec<Location>,
    pub exposure: Exposure,
    /// Inverse paths from workspace members, `a 1.0 -> b 2.0`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// The graph node whose inverse paths fill `paths` once the decide
    /// stage has kept the finding: findings at `allow` never pay for them.
    #[serde(skip)]
    pub paths_from: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, serde_json::Value>,
    #[serde(skip)]
    pub facts: Facts,
    /// The waiver that accepts this finding, if any (serialized in full by
    /// the assessment, which holds the waivers).
    #[serde(skip)]
    pub waived: Option<WaiverId>,
    #[serde(skip)]
    pub diff: Option<Diff>,
    /// How many findings this one stands for: 1, or more for a tally of
    /// `allow` findings that no waiver can match (see [`Finding::tallied`]).
    #[serde(skip)]
    pub tally: u32,
}

/// Hash of (rule id, workspace path, crate name, subject key). Excludes the
/// version, line, level and message so it survives lockfile edits and
/// upgrades that keep the problem.
pub fn fingerprint(rule: &str, workspace: &str, krate: &str, subject: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule, workspace, krate, subject] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    hex(&digest[..16])
}

/// Lowercase hex of `bytes`, as digests are written.
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

impl Finding {
    /// A finding at the rule's default level with no package, at
    /// `locations`; callers add the package, fix and properties they have.
    pub fn new(
        rule: &'static Rule,
        workspace: &str,
        krate: &str,
        subject: &str,
        message: String,
        locations: Vec<Location>,
    ) -> Finding {
        let fingerprint = fingerprint(rule.id, workspace, krate, subject);
        Finding::with_fingerprint(rule, subject, message, locations, fingerprint)
    }

    /// A finding that is only counted at `allow` (see the checks' context):
    /// it never reaches a report or a baseline, so it is not fingerprinted.
    pub fn counted(rule: &'static Rule, subject: &str) -> Finding {
        Finding::with_fingerprint(rule, subject, String::new(), Vec::new(), String::new())
    }

    /// `n` findings of `rule` at `allow` that only count: no waiver names
    /// the rule and no level raises it, so one record carries them all.
    pub fn tallied(rule: &'static Rule, n: u32) -> Finding {
        let mut f = Finding::counted(rule, "");
        f.level = Level::Allow;
        f.tally = n;
        f
    }

    fn with_fingerprint(
        rule: &'static Rule,
        subject: &str,
        message: String,
        locations: Vec<Location>,
        fingerprint: String,
    ) -> Finding {
        Finding {
            rule,
            level: rule.default_level,
            level_source: LevelSource::Family,
            package: None,
            message,
            subject: subject.to_string(),
            locations,
            exposure: Exposure::Normal,
            paths: Vec::new(),
            paths_from: None,
            fix: None,
            fingerprint,
            properties: BTreeMap::new(),
            facts: Facts::default(),
            waived: None,
            diff: None,
            tally: 1,
        }
    }

    /// Sort key: rule, package, version, subject, first location.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.rule.id,
            self.package
                .as_ref()
                .map(|p| (&p.name, &p.version, &p.source)),
            &self.subject,
            self.locations.first(),
            &self.fingerprint,
        )
    }
}
