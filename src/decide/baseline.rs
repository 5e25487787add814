//! Diff-only gating against a baseline: a previous `depgate.report/v1`
//! JSON report (`--baseline FILE`). Findings are matched by fingerprint:
//! `new` ones fail the gate as usual, `existing` ones only when their kind
//! is listed in `[diff] fail-existing` (by default a vulnerability past
//! its patch deadline, `sla-overdue`, and `waiver-expired`: without them a
//! pull-request gate could never enforce a deadline). Baseline findings
//! that are gone are reported as `resolved`.

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::policy::schema::{Field, Ty};
use crate::policy::tree::Node;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const POLICY: Field = Field::new(
    "diff",
    Ty::Table(FIELDS),
    "diff-only gating against --baseline",
);

const FIELDS: &[Field] = &[Field::new(
    "fail-existing",
    Ty::StrList,
    "kinds of existing findings that still fail: `sla-overdue`, `waiver-expired`, or rule ids",
)];

/// The default `[diff] fail-existing`.
pub const DEFAULT_FAIL_EXISTING: [&str; 2] = ["sla-overdue", "waiver-expired"];

/// A finding from the baseline, as much as a `resolved` entry shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resolved {
    pub rule: String,
    #[serde(default)]
    pub package: Option<serde_json::Value>,
    pub message: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub findings: BTreeMap<String, Resolved>,
}

#[derive(Deserialize)]
struct ReportFile {
    schema: String,
    findings: Vec<Resolved>,
}

impl Baseline {
    /// Reads a depgate JSON report; anything else is an error naming the file.
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
        let report: ReportFile = serde_json::from_str(&text).map_err(|e| {
            Error::input(
                path.display().to_string(),
                (e.line() as u32, e.column() as u32),
                "",
                format!("not a depgate JSON report: {e}"),
            )
        })?;
        if report.schema != crate::report::SCHEMA {
            return Err(Error::input(
                path.display().to_string(),
                (1, 1),
                "schema",
                format!(
                    "unsupported report schema `{}` (expected {})",
                    report.schema,
                    crate::report::SCHEMA
                ),
            ));
        }
        Ok(Baseline {
            findings: report
                .findings
                .into_iter()
                .map(|f| (f.fingerprint.clone(), f))
                .collect(),
        })
    }
}

/// `new` or `existing`.
pub fn status(baseline: &Baseline, f: &Finding) -> &'static str {
    if baseline.findings.contains_key(&f.fingerprint) {
        "existing"
    } else {
        "new"
    }
}

/// Whether an existing finding still fails, by `[diff] fail-existing`.
pub fn fails_when_existing(tree: &Node, f: &Finding) -> bool {
    let configured = tree.at(&["diff", "fail-existing"]).map(Node::str_list);
    let kinds: Vec<String> = configured.unwrap_or_else(|| {
        DEFAULT_FAIL_EXISTING
            .iter()
            .map(|s| s.to_string())
            .collect()
    });
    kinds.iter().any(|k| match k.as_str() {
        "sla-overdue" => f.properties.contains_key("days_overdue"),
        rule => rule == f.rule,
    })
}

/// Baseline findings that this run no longer has.
pub fn resolved(baseline: &Baseline, findings: &[Finding]) -> Vec<Resolved> {
    let now: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f.fingerprint.as_str()).collect();
    baseline
        .findings
        .values()
        .filter(|r| !now.contains(r.fingerprint.as_str()))
        .cloned()
        .collect()
}
