//! Waivers: `[[waivers]]` entries that accept a finding for a while, with a
//! reason and an expiry. A waiver matches by rule, subject id (advisory id,
//! ban spec, …), crate and version range; at least one of rule, id or
//! crate is required so no waiver can match everything. A waived finding
//! is still reported, marked `waived`, and does not fail the gate. A
//! waiver is in force up to and including its `expires` day; after that it
//! stops waiving and `waiver-expired` points at it. A waiver that matched
//! nothing gives `waiver-unused`.

use crate::date::Date;
use crate::error::InputProblem;
use crate::finding::Finding;
use crate::location::Location;
use crate::policy::schema::{Field, Ty};
use crate::policy::tree::Node;
use serde::Serialize;

crate::rule!(
    EXPIRED,
    "waiver-expired",
    "WaiverExpired",
    "waivers",
    Deny,
    false,
    "A waiver's `expires` date has passed: it no longer waives anything."
);
crate::rule!(
    UNUSED,
    "waiver-unused",
    "WaiverUnused",
    "waivers",
    Warn,
    false,
    "A waiver matched no finding: it can be removed."
);

pub const POLICY: Field = Field::new(
    "waivers",
    Ty::Tables(FIELDS),
    "accepted findings, each with a reason and an expiry",
);

const FIELDS: &[Field] = &[
    Field::new("rule", Ty::Str, "rule id the waiver applies to"),
    Field::new(
        "id",
        Ty::Str,
        "subject id: an advisory id, a ban spec, a registry or git URL",
    ),
    Field::new("crate", Ty::Str, "crate name"),
    Field::new(
        "versions",
        Ty::VersionReq,
        "version range of the crate (default: any)",
    ),
    Field::required("reason", Ty::Str, "why the finding is accepted"),
    Field::required(
        "expires",
        Ty::Date,
        "last day the waiver applies (YYYY-MM-DD)",
    ),
    Field::new(
        "approved-by",
        Ty::Str,
        "who approved it (required where `waiver-require-approval = true`)",
    ),
];

/// Whether `approved-by` is mandatory (the `regulated` preset sets it).
pub const REQUIRE_APPROVAL: Field = Field::new(
    "waiver-require-approval",
    Ty::Bool,
    "every waiver needs `approved-by`",
);

#[derive(Debug, Clone, Serialize)]
pub struct Waiver {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "crate", skip_serializing_if = "Option::is_none")]
    pub krate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<String>,
    pub reason: String,
    pub expires: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    pub location: Location,
}

impl Waiver {
    fn key(&self) -> String {
        let parts = [&self.rule, &self.id, &self.krate, &self.versions];
        parts
            .iter()
            .map(|p| p.as_deref().unwrap_or("*"))
            .collect::<Vec<_>>()
            .join("/")
    }

    fn matches(&self, f: &Finding) -> bool {
        let pkg = f.package.as_ref();
        self.rule.as_ref().is_none_or(|r| r == f.rule)
            && self.id.as_ref().is_none_or(|i| *i == f.subject)
            && self
                .krate
                .as_ref()
                .is_none_or(|c| pkg.is_some_and(|p| p.name == *c))
            && self.versions.as_ref().is_none_or(|v| {
                let req = semver::VersionReq::parse(v).ok();
                let ver = pkg.and_then(|p| semver::Version::parse(&p.version).ok());
                matches!((req, ver), (Some(r), Some(v)) if r.matches(&v))
            })
    }
}

pub fn from_tree(tree: &Node) -> Vec<Waiver> {
    let entries = tree.get("waivers").map_or(&[][..], Node::as_array);
    entries
        .iter()
        .filter_map(|e| {
            let s = |k: &str| e.get(k).and_then(Node::as_str).map(str::to_string);
            let expires = e.get("expires").and_then(|n| match &n.value {
                crate::policy::tree::Value::Str(s) | crate::policy::tree::Value::Datetime(s) => {
                    Date::parse(s)
                }
                _ => None,
            })?;
            Some(Waiver {
                rule: s("rule"),
                id: s("id"),
                krate: s("crate"),
                versions: s("versions"),
                reason: s("reason")?,
                expires,
                approved_by: s("approved-by"),
                location: Location {
                    path: e.origin.file.clone(),
                    line: e.origin.line,
                    column: e.origin.column,
                    label: "waiver".into(),
                },
            })
        })
        .collect()
}

/// Checks beyond the schema: a waiver must name a rule, id or crate, and
/// carry `approved-by` when the policy requires it.
pub fn validate(tree: &Node, problems: &mut Vec<InputProblem>) {
    let require = matches!(
        tree.get("waiver-require-approval").map(|n| &n.value),
        Some(crate::policy::tree::Value::Bool(true))
    );
    for (i, e) in tree
        .get("waivers")
        .map_or(&[][..], Node::as_array)
        .iter()
        .enumerate()
    {
        let mut problem = |message: &str| {
            problems.push(InputProblem {
                path: e.origin.file.clone(),
                line: e.origin.line,
                column: e.origin.column,
                key: format!("waivers[{i}]"),
                message: message.to_string(),
                help: None,
            })
        };
        if ["rule", "id", "crate"].iter().all(|k| e.get(k).is_none()) {
            problem("a waiver must name at least one of `rule`, `id` or `crate`");
        }
        if require && e.get("approved-by").is_none() {
            problem("`approved-by` is required (waiver-require-approval = true)");
        }
    }
}

/// Marks waived findings and adds `waiver-expired` / `waiver-unused`.
pub fn apply(findings: &mut Vec<Finding>, waivers: &[Waiver], today: Date, workspace: &str) {
    let mut used = vec![false; waivers.len()];
    for f in findings.iter_mut() {
        for (i, w) in waivers.iter().enumerate() {
            if w.matches(f) {
                used[i] = true;
                if today <= w.expires {
                    f.waived = Some(w.clone());
                    break;
                }
            }
        }
    }
    for (i, w) in waivers.iter().enumerate() {
        let (rule, message) = if today > w.expires {
            let days = today.days() - w.expires.days();
            (
                &EXPIRED,
                format!(
                    "waiver `{}` expired on {} ({days} days ago): {}",
                    w.key(),
                    w.expires,
                    w.reason
                ),
            )
        } else if !used[i] {
            (&UNUSED, format!("waiver `{}` matched no finding", w.key()))
        } else {
            continue;
        };
        let mut f = Finding::new(
            rule,
            workspace,
            "",
            &w.key(),
            message,
            vec![w.location.clone()],
        );
        f.fix = Some(if rule.id == EXPIRED.id {
            "fix the underlying finding, or renew the waiver with a new `expires` and a fresh approval".into()
        } else {
            "remove the waiver".into()
        });
        findings.push(f);
    }
}
