//! The fleet report (`depgate.fleet/v1`): every unit's full report, and the
//! aggregates computed from them. It is written by `fleet scan`, read back
//! by `fleet merge` and `fleet query`, and rendered by `report::fleet`. A
//! unit's report is kept as the exact JSON text `depgate check` would write
//! (compact), so a merge re-emits it byte for byte.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub const FLEET_SCHEMA: &str = "depgate.fleet/v1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FleetReport {
    pub schema: String,
    pub tool: FleetTool,
    pub today: String,
    /// The fleet policy's layers, and a digest of their texts: shards made
    /// with different policies are not merged.
    pub policy: FleetPolicy,
    pub advisory_db: Option<serde_json::Value>,
    /// What the aggregates take from the policy and the command line, so
    /// `fleet merge` recomputes them with no policy at hand.
    pub params: FleetParams,
    /// Set on a shard's report only; a merged report has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    pub summary: FleetSummary,
    pub verdict: FleetVerdict,
    /// Fleet-wide findings (`fleet-drift`), at their final level.
    pub findings: Vec<FleetFinding>,
    pub advisories: Vec<AdvisoryImpact>,
    /// Per CVSS severity: how many advisories, and how many (advisory,
    /// unit) hits.
    pub advisory_severity: Vec<SeverityCount>,
    pub drift: Vec<Drift>,
    pub toolchains: Toolchains,
    /// Licence expressions by package count, when licence data was read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<LicenseCount>,
    pub inventory: Vec<InventoryEntry>,
    #[serde(serialize_with = "units_in_parallel")]
    pub units: Vec<UnitRecord>,
}

/// The units, serialized compactly on the worker threads a chunk at a
/// time (they are most of a fleet report; a chunk bounds the memory), then
/// written in order: the same bytes as a sequential serialization.
fn units_in_parallel<S: serde::Serializer>(units: &[UnitRecord], s: S) -> Result<S::Ok, S::Error> {
    use rayon::prelude::*;
    use serde::ser::{Error, SerializeSeq};
    let mut seq = s.serialize_seq(Some(units.len()))?;
    for chunk in units.chunks(64) {
        let raw: Vec<Box<RawValue>> = chunk
            .par_iter()
            .map(serde_json::value::to_raw_value)
            .collect::<Result<_, _>>()
            .map_err(S::Error::custom)?;
        for r in &raw {
            seq.serialize_element(r)?;
        }
    }
    seq.end()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetTool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetParams {
    /// `[fleet] internal` patterns.
    pub internal: Vec<String>,
    /// The final level of `fleet-drift` (policy `[levels]`, `-D/-W/-A`).
    pub drift_level: String,
    /// The level from which a finding fails the gate.
    pub fail_on: String,
    /// The policy's `min-toolchain`.
    pub min_toolchain: Option<String>,
}

/// A fleet-wide finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetFinding {
    pub rule: String,
    pub level: String,
    pub message: String,
    pub subject: String,
    /// `UNIT/Cargo.lock:LINE` places, one per version line.
    pub locations: Vec<FleetLocation>,
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetLocation {
    pub path: String,
    pub line: u32,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCount {
    pub severity: String,
    pub advisories: usize,
    pub hits: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetPolicy {
    pub layers: Vec<String>,
    /// SHA-256 of the layers' texts and the command-line levels.
    pub digest: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// 1-based.
    pub index: u32,
    pub count: u32,
    /// Units discovered before partitioning (all shards together).
    pub discovered: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetSummary {
    pub repositories: usize,
    pub units: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub deny: usize,
    pub warn: usize,
    pub info: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetVerdict {
    /// 2 if any unit could not be scanned, else 1 if any failed, else 0.
    pub exit_code: u8,
}

/// One advisory across the fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdvisoryImpact {
    pub id: String,
    #[serde(rename = "crate")]
    pub krate: String,
    pub title: String,
    pub severity: Option<String>,
    pub cvss: Option<f64>,
    /// Largest number of days past the patch deadline, over the units.
    pub max_overdue_days: Option<i64>,
    pub units: Vec<String>,
}

/// One crate at several semver-incompatible versions across units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drift {
    #[serde(rename = "crate")]
    pub krate: String,
    /// Internal to the organisation (`[fleet] internal`, or another
    /// registry or git source).
    pub internal: bool,
    pub versions: Vec<DriftVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftVersion {
    /// The compatibility class (`1`, `0.3`, `0.0.7`).
    pub class: String,
    pub versions: Vec<String>,
    pub units: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toolchains {
    /// Channel → units pinning it.
    pub pinned: Vec<ToolchainCount>,
    /// Units with no `rust-toolchain(.toml)`.
    pub unpinned: usize,
    /// The lowest pinned release: the fleet's minimum patch level.
    pub minimum: Option<String>,
    /// The policy's `min-toolchain`, when set.
    pub required: Option<String>,
    /// Units whose pinned release is below `min-toolchain`.
    pub below_required: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolchainCount {
    pub channel: String,
    pub units: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseCount {
    pub expression: String,
    pub packages: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryEntry {
    #[serde(rename = "crate")]
    pub krate: String,
    pub version: String,
    pub units: Vec<String>,
}

/// One unit: where it is, its verdict or error, its packages (for queries
/// from a saved report) and its full report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitRecord {
    pub path: String,
    pub repository: String,
    /// The unit's lockfile, relative to the repository.
    pub lockfile: String,
    pub toolchain: Option<String>,
    pub exit_code: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<UnitError>,
    pub packages: Vec<UnitPackage>,
    /// The unit's `depgate.report/v1`, exactly as `check` writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Box<RawValue>>,
    /// The report's findings as the aggregates and renderers read them:
    /// taken from the assessment by a scan, parsed back by
    /// [`FleetReport::read_findings`] after reading a saved report.
    #[serde(skip)]
    pub findings: Vec<FindingLite>,
}

impl FleetReport {
    /// Fills every unit's `findings` from its embedded report.
    pub fn read_findings(&mut self) {
        for u in &mut self.units {
            u.findings = u.report.as_deref().map(unit_findings).unwrap_or_default();
        }
    }
}

/// Why a unit could not be scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitError {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub key: String,
    pub message: String,
}

/// A package of a unit's graph, with the indices of its dependencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPackage {
    pub name: String,
    pub version: String,
    /// `crates.io` (left out of the JSON, as most packages are), `path`,
    /// a registry URL or `git URL`.
    #[serde(default = "crates_io", skip_serializing_if = "is_crates_io")]
    pub source: String,
    pub line: u32,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub member: bool,
    /// The SPDX expression, when licence data was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deps: Vec<u32>,
}

fn crates_io() -> String {
    "crates.io".to_string()
}

fn is_crates_io(s: &str) -> bool {
    s == "crates.io"
}

/// The parts of a unit report's findings the aggregates read.
#[derive(Debug, Clone, Deserialize)]
pub struct FindingLite {
    pub rule: String,
    pub level: String,
    pub message: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub package: Option<PackageLite>,
    #[serde(default)]
    pub locations: Vec<LocationLite>,
    #[serde(default)]
    pub properties: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub fingerprint: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PackageLite {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LocationLite {
    pub path: String,
    pub line: u32,
}

/// The properties the aggregates read.
const LITE_PROPERTIES: [&str; 4] = ["advisory", "severity", "cvss_score", "days_overdue"];

impl FindingLite {
    /// The same as parsing the finding's JSON back (the merge path).
    pub fn of(f: &super::Finding) -> FindingLite {
        FindingLite {
            rule: f.rule.id.to_string(),
            level: f.level.as_str().to_string(),
            message: f.message.clone(),
            subject: f.subject.clone(),
            package: f.package.as_ref().map(|p| PackageLite {
                name: p.name.clone(),
                version: p.version.clone(),
            }),
            locations: f
                .locations
                .iter()
                .take(1)
                .map(|l| LocationLite {
                    path: l.path.clone(),
                    line: l.line,
                })
                .collect(),
            properties: LITE_PROPERTIES
                .iter()
                .filter_map(|k| Some((k.to_string(), f.properties.get(*k)?.clone())))
                .collect(),
            fingerprint: f.fingerprint.clone(),
        }
    }
}

/// The findings of a unit report (the rest of it is skipped).
pub fn unit_findings(report: &RawValue) -> Vec<FindingLite> {
    #[derive(Deserialize)]
    struct Only {
        findings: Vec<FindingLite>,
    }
    serde_json::from_str::<Only>(report.get())
        .map(|o| o.findings)
        .unwrap_or_default()
}
