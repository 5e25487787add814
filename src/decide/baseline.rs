//! Diff-only gating against a baseline: a previous `depgate.report/v1`
//! JSON report (`--baseline FILE`), or the findings at a base revision
//! (`--base-ref`). Findings are matched by fingerprint: `new` ones fail
//! the gate as usual, `existing` ones only when their kind is listed in
//! `[diff] fail-existing` (by default a vulnerability past its patch
//! deadline, `sla-overdue`, and `waiver-expired`: without them a
//! pull-request gate could never enforce a deadline). Baseline findings
//! that are gone are reported as `resolved`.

use crate::error::{Error, Result};
use crate::model::{Diff, Finding, Resolved, SCHEMA};
use crate::policy::schema::{Field, Looser, Ty, Unset};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The default `[diff] fail-existing`.
pub const DEFAULT_FAIL_EXISTING: &[&str] = &["sla-overdue", "waiver-expired"];

/// `[diff]` keys. A kind removed from `fail-existing` is looser.
pub const FIELDS: &[Field] = &[Field::new(
    "fail-existing",
    Ty::StrList,
    "kinds of existing findings that still fail: `sla-overdue`, `waiver-expired`, or rule ids",
)
.looser(Looser::Removed {
    label: "fail-existing kind",
    unset: Unset::Default(DEFAULT_FAIL_EXISTING),
})];

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
        let shown = path.display().to_string();
        let links = crate::input::Links::Follow;
        let text = crate::input::read_text(path, &shown, crate::input::MAX_JSON, links)?;
        Baseline::parse(&text, &shown)
    }

    /// Parses a depgate JSON report's text; `shown` names it in errors.
    pub fn parse(text: &str, shown: &str) -> Result<Baseline> {
        let report: ReportFile = serde_json::from_str(text).map_err(|e| {
            Error::input(
                shown,
                (e.line() as u32, (e.column() as u32).max(1)),
                "",
                format!("not a depgate JSON report: {e}"),
            )
        })?;
        if report.schema != SCHEMA {
            return Err(Error::input(
                shown,
                (1, 1),
                "schema",
                format!(
                    "unsupported report schema `{}` (expected {SCHEMA})",
                    report.schema
                ),
            ));
        }
        Ok(Baseline::of(report.findings))
    }

    /// A baseline of these findings.
    pub fn of(findings: impl IntoIterator<Item = Resolved>) -> Baseline {
        Baseline {
            findings: findings
                .into_iter()
                .map(|f| (f.fingerprint.clone(), f))
                .collect(),
        }
    }

    /// `new` or `existing`.
    pub fn status(&self, f: &Finding) -> Diff {
        if self.findings.contains_key(&f.fingerprint) {
            Diff::Existing
        } else {
            Diff::New
        }
    }

    /// Baseline findings that this run no longer has.
    pub fn resolved(&self, findings: &[Finding]) -> Vec<Resolved> {
        let now: BTreeSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
        self.findings
            .values()
            .filter(|r| !now.contains(r.fingerprint.as_str()))
            .cloned()
            .collect()
    }
}
