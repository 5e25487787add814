//! The assessment of one workspace: everything the renderers need, and
//! the JSON report `depgate.report/v1` as it is serialized. The pipeline
//! builds it; renderers only read it. Its [`Verdict`] carries the exit
//! code of a gate.

use super::exposure::{LicenseData, Mode};
use super::finding::{Diff, Finding, Level, WaiverId};
use super::rule::Rule;
use super::waiver::Waiver;
use crate::date::Date;
use crate::location::SourceText;
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The JSON report schema.
pub const SCHEMA: &str = "depgate.report/v1";

/// Exit code: the gate passed (or a command that is not a gate succeeded).
pub const EXIT_PASS: u8 = 0;
/// Exit code: the gate failed.
pub const EXIT_FAIL: u8 = 1;
pub use crate::error::EXIT_ERROR;

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub const DEPGATE: Tool = Tool {
        name: "depgate",
        version: env!("CARGO_PKG_VERSION"),
    };
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
    /// Resolved packages cargo never builds (optional dependencies no
    /// enabled feature turns on): not checked (metadata mode).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_built: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub deny: usize,
    pub warn: usize,
    pub info: usize,
    /// Findings accepted by a waiver (any level); they do not fail the gate.
    pub waived: usize,
    /// Findings at `allow`, by rule: not reported, only counted.
    pub allowed: BTreeMap<String, usize>,
}

/// The gate's verdict.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Verdict {
    pub fail_on: Level,
    pub passed: bool,
    pub exit_code: u8,
}

impl Verdict {
    pub fn new(fail_on: Level, passed: bool) -> Verdict {
        Verdict {
            fail_on,
            passed,
            exit_code: if passed { EXIT_PASS } else { EXIT_FAIL },
        }
    }
}

/// A finding from a baseline, as much as a `resolved` entry shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resolved {
    pub rule: String,
    #[serde(default)]
    pub package: Option<serde_json::Value>,
    pub message: String,
    pub fingerprint: String,
}

/// Which advisory database a report used, and its age.
#[derive(Debug, Clone, Serialize)]
pub struct DbSummary {
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

#[derive(Debug, Clone)]
pub struct Assessment {
    pub tool: Tool,
    pub today: Date,
    pub workspace: WorkspaceInfo,
    /// Policy layers in merge order; the last is the policy itself.
    pub policy: Vec<String>,
    /// Reported findings (level above `allow`), sorted.
    pub findings: Vec<Finding>,
    pub summary: Counts,
    pub verdict: Verdict,
    pub advisory_db: Option<DbSummary>,
    pub license_data: LicenseData,
    /// With a baseline: baseline findings that are gone.
    pub resolved: Option<Vec<Resolved>>,
    /// The policy's waivers; findings refer to them by [`WaiverId`].
    pub waivers: Vec<Waiver>,
    /// Every rule, in registry order (SARIF lists them all).
    pub rules: &'static [&'static Rule],
    /// Files the findings point at, for renderers that quote lines.
    pub texts: Vec<SourceText>,
    /// Things the user should know that are not findings (stderr).
    pub notes: Vec<String>,
}

impl Assessment {
    pub fn exit_code(&self) -> u8 {
        self.verdict.exit_code
    }

    pub fn text(&self, path: &str) -> Option<&SourceText> {
        self.texts.iter().find(|t| t.display == path)
    }

    pub fn waiver(&self, id: WaiverId) -> Option<&Waiver> {
        self.waivers.get(id.0 as usize)
    }

    /// The waiver that accepts `f`, if any.
    pub fn waiver_of(&self, f: &Finding) -> Option<&Waiver> {
        f.waived.and_then(|id| self.waiver(id))
    }
}

/// A finding as the JSON report writes it: its own fields, then the
/// waiver in full and the diff status.
#[derive(Serialize)]
struct FindingView<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<&'a Waiver>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<Diff>,
}

impl Serialize for Assessment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let findings: Vec<FindingView<'_>> = self
            .findings
            .iter()
            .map(|f| FindingView {
                finding: f,
                waived: self.waiver_of(f),
                diff: f.diff,
            })
            .collect();
        let fields = if self.resolved.is_some() { 11 } else { 10 };
        let mut st = s.serialize_struct("Assessment", fields)?;
        st.serialize_field("schema", SCHEMA)?;
        st.serialize_field("tool", &self.tool)?;
        st.serialize_field("today", &self.today)?;
        st.serialize_field("workspace", &self.workspace)?;
        st.serialize_field("policy", &self.policy)?;
        st.serialize_field("findings", &findings)?;
        st.serialize_field("summary", &self.summary)?;
        st.serialize_field("verdict", &self.verdict)?;
        st.serialize_field("advisory_db", &self.advisory_db)?;
        st.serialize_field("license_data", &self.license_data)?;
        if let Some(r) = &self.resolved {
            st.serialize_field("resolved", r)?;
        }
        st.end()
    }
}
