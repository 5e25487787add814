//! The `[licenses]` policy table: its schema, and the typed form the
//! check reads. The schema validates every SPDX id, expression and digest
//! when the policy loads, so the typed form never sees a bad one.

use crate::finding::Level;
use crate::policy::schema::{EXPOSURE_FIELDS, Field, Ty};
use crate::policy::tree::{Node, Origin, Value};

pub const FIELDS: &[Field] = &[
    Field::new(
        "allow",
        Ty::SpdxList,
        "allowed SPDX licenses, e.g. \"MIT\"; without it every license not refused is allowed",
    ),
    Field::new(
        "deny",
        Ty::SpdxList,
        "denied SPDX licenses (win over allow and exceptions)",
    ),
    Field::new(
        "unknown",
        Ty::OneOf(&["deny", "warn"]),
        "level of license-unknown (default deny)",
    ),
    Field::new(
        "deny-copyleft",
        Ty::OneOf(&["strong", "weak", "none"]),
        "deny strong copyleft, or weak and strong (curated table in policies/copyleft.toml)",
    ),
    Field::new(
        "require-osi-approved",
        Ty::Bool,
        "every license used must be OSI approved (SPDX list data)",
    ),
    Field::new(
        "require-fsf-free",
        Ty::Bool,
        "every license used must be FSF free/libre (SPDX list data)",
    ),
    Field::new(
        "include-unpublished",
        Ty::Bool,
        "also check workspace members with publish = false",
    ),
    Field::new(
        "exceptions",
        Ty::Tables(EXCEPTION_FIELDS),
        "extra allowed licenses for one crate",
    ),
    Field::new(
        "clarify",
        Ty::Tables(CLARIFY_FIELDS),
        "the license expression of a crate whose metadata is missing or wrong, pinned to its license files",
    ),
    Field::new(
        "exposure",
        Ty::Table(EXPOSURE_FIELDS),
        "exposure caps for this family",
    ),
];

const EXCEPTION_FIELDS: &[Field] = &[
    Field::required("crate", Ty::Str, "crate name"),
    Field::new(
        "versions",
        Ty::VersionReq,
        "versions it applies to (default: all)",
    ),
    Field::required("allow", Ty::SpdxList, "licenses allowed for this crate"),
];

const CLARIFY_FIELDS: &[Field] = &[
    Field::required("crate", Ty::Str, "crate name"),
    Field::new(
        "versions",
        Ty::VersionReq,
        "versions it applies to (default: all)",
    ),
    Field::required(
        "expression",
        Ty::SpdxExpr,
        "the SPDX expression to use instead of the crate's `license` field",
    ),
    Field::required(
        "license-files",
        Ty::Tables(FILE_FIELDS),
        "files, relative to the crate root, whose SHA-256 must match for the clarification to apply (`[]`: always applies)",
    ),
];

const FILE_FIELDS: &[Field] = &[
    Field::required(
        "path",
        Ty::RelPath,
        "file path relative to the crate root (no `..`)",
    ),
    Field::required("sha256", Ty::Sha256, "SHA-256 of the file (`sha256sum`)"),
];

/// One allowed or denied SPDX licensee, with where it was written.
#[derive(Debug, Clone)]
pub struct Entry {
    pub text: String,
    pub licensee: spdx::Licensee,
    pub origin: Origin,
}

/// One `[[licenses.exceptions]]` entry.
#[derive(Debug, Clone)]
pub struct Exception {
    pub krate: String,
    pub versions: Option<semver::VersionReq>,
    pub allow: Vec<Entry>,
    pub origin: Origin,
}

/// One `[[licenses.clarify]]` entry.
#[derive(Debug, Clone)]
pub struct Clarify {
    pub krate: String,
    pub versions: Option<semver::VersionReq>,
    pub expression: String,
    /// (path relative to the crate root, lowercase SHA-256 hex).
    pub files: Vec<(String, String)>,
    pub origin: Origin,
}

/// `deny-copyleft`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copyleft {
    None,
    Strong,
    Weak,
}

/// The typed `[licenses]` table.
#[derive(Debug, Clone)]
pub struct LicensePolicy {
    /// `None`: no allow-list, every license not refused is allowed.
    pub allow: Option<Vec<Entry>>,
    pub deny: Vec<Entry>,
    pub unknown: Level,
    pub copyleft: Copyleft,
    pub osi: bool,
    pub fsf: bool,
    pub include_unpublished: bool,
    pub exceptions: Vec<Exception>,
    pub clarify: Vec<Clarify>,
}

fn entries(node: Option<&Node>) -> Vec<Entry> {
    node.map_or(&[][..], Node::as_array)
        .iter()
        .filter_map(|n| {
            let text = n.as_str()?.to_string();
            let licensee = spdx::Licensee::parse(&text).ok()?;
            Some(Entry {
                text,
                licensee,
                origin: n.origin.clone(),
            })
        })
        .collect()
}

fn versions(e: &Node) -> Option<semver::VersionReq> {
    e.get("versions")
        .and_then(Node::as_str)
        .and_then(|v| semver::VersionReq::parse(v).ok())
}

impl LicensePolicy {
    /// The typed table, or `None` when the policy has no `[licenses]`.
    pub fn from_policy(policy: &crate::policy::Policy) -> Option<LicensePolicy> {
        let table = policy.tree.get("licenses")?;
        let flag = |k: &str| matches!(table.get(k).map(|n| &n.value), Some(Value::Bool(true)));
        let tables = |k: &str| table.get(k).map_or(&[][..], Node::as_array);
        let exceptions = tables("exceptions")
            .iter()
            .filter_map(|e| {
                Some(Exception {
                    krate: e.get("crate")?.as_str()?.to_string(),
                    versions: versions(e),
                    allow: entries(e.get("allow")),
                    origin: e.origin.clone(),
                })
            })
            .collect();
        let clarify = tables("clarify")
            .iter()
            .filter_map(|e| {
                let files = e
                    .get("license-files")
                    .map_or(&[][..], Node::as_array)
                    .iter()
                    .filter_map(|f| {
                        let path = f.get("path")?.as_str()?.to_string();
                        Some((path, f.get("sha256")?.as_str()?.to_ascii_lowercase()))
                    })
                    .collect();
                Some(Clarify {
                    krate: e.get("crate")?.as_str()?.to_string(),
                    versions: versions(e),
                    expression: e.get("expression")?.as_str()?.to_string(),
                    files,
                    origin: e.origin.clone(),
                })
            })
            .collect();
        Some(LicensePolicy {
            allow: table.get("allow").map(|n| entries(Some(n))),
            deny: entries(table.get("deny")),
            unknown: match table.get("unknown").and_then(Node::as_str) {
                Some("warn") => Level::Warn,
                _ => Level::Deny,
            },
            copyleft: match table.get("deny-copyleft").and_then(Node::as_str) {
                Some("strong") => Copyleft::Strong,
                Some("weak") => Copyleft::Weak,
                _ => Copyleft::None,
            },
            osi: flag("require-osi-approved"),
            fsf: flag("require-fsf-free"),
            include_unpublished: flag("include-unpublished"),
            exceptions,
            clarify,
        })
    }

    /// No `[licenses]` table: every valid expression is allowed.
    pub fn permissive() -> LicensePolicy {
        LicensePolicy {
            allow: None,
            deny: Vec::new(),
            unknown: Level::Warn,
            copyleft: Copyleft::None,
            osi: false,
            fsf: false,
            include_unpublished: true,
            exceptions: Vec::new(),
            clarify: Vec::new(),
        }
    }

    /// Whether any license could be refused: an allow-list, a deny-list,
    /// copyleft or list-data requirements, or unknown licenses denied.
    /// Without that, a package whose license is unknown loses nothing.
    pub fn needs_data(&self) -> bool {
        self.allow.is_some()
            || !self.deny.is_empty()
            || self.copyleft != Copyleft::None
            || self.osi
            || self.fsf
            || self.unknown == Level::Deny
    }
}

/// Whether `entry` applies to version `v` of crate `name`.
pub fn applies(
    krate: &str,
    req: &Option<semver::VersionReq>,
    name: &str,
    v: &semver::Version,
) -> bool {
    krate == name && req.as_ref().is_none_or(|r| r.matches(v))
}
