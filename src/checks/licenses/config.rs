//! The `[licenses]` policy table: its schema, and the typed form the
//! check reads. The schema validates every SPDX id, expression and digest
//! when the policy loads, so the typed form never sees a bad one.

use crate::model::Level;
use crate::policy::reader::Reader;
use crate::policy::schema::{EXPOSURE, Field, Looser, Ty, Unset};
use crate::policy::tree::Origin;

pub const FIELDS: &[Field] = &[
    Field::new(
        "allow",
        Ty::SpdxList,
        "allowed SPDX licenses, e.g. \"MIT\"; without it every license not refused is allowed",
    )
    .looser(Looser::Added {
        label: "allowed license",
        unset: Unset::Unrestricted,
    }),
    Field::new(
        "deny",
        Ty::SpdxList,
        "denied SPDX licenses (win over allow and exceptions)",
    )
    .looser(Looser::Removed {
        label: "denied license",
        unset: Unset::Empty,
    }),
    Field::new(
        "unknown",
        Ty::OneOf(&["deny", "warn"]),
        "level of license-unknown (default deny)",
    )
    .option_default("deny"),
    Field::new(
        "deny-copyleft",
        Ty::OneOf(&["weak", "strong", "none"]),
        "deny strong copyleft, or weak and strong (curated table in policies/copyleft.toml)",
    )
    .option_default("none"),
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
    )
    .looser(Looser::Added {
        label: "license exception",
        unset: Unset::Empty,
    }),
    Field::new(
        "clarify",
        Ty::Tables(CLARIFY_FIELDS),
        "the license expression of a crate whose metadata is missing or wrong, pinned to its license files",
    )
    .looser(Looser::Added {
        label: "clarification",
        unset: Unset::Empty,
    }),
    EXPOSURE,
];

const EXCEPTION_FIELDS: &[Field] = &[
    Field::required("crate", Ty::Str, "crate name").key_part(),
    Field::new(
        "versions",
        Ty::VersionReq,
        "versions it applies to (default: all)",
    )
    .key_part(),
    Field::required("allow", Ty::SpdxList, "licenses allowed for this crate").looser(
        Looser::Added {
            label: "license allowed by the exception",
            unset: Unset::Empty,
        },
    ),
];

const CLARIFY_FIELDS: &[Field] = &[
    Field::required("crate", Ty::Str, "crate name").key_part(),
    Field::new(
        "versions",
        Ty::VersionReq,
        "versions it applies to (default: all)",
    )
    .key_part(),
    Field::required(
        "expression",
        Ty::SpdxExpr,
        "the SPDX expression to use instead of the crate's `license` field",
    )
    .key_part(),
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

fn entries(items: Vec<(&str, &Origin)>) -> Vec<Entry> {
    items
        .into_iter()
        .filter_map(|(text, origin)| {
            Some(Entry {
                text: text.to_string(),
                licensee: spdx::Licensee::parse(text).ok()?,
                origin: origin.clone(),
            })
        })
        .collect()
}

fn origin(r: &Reader<'_>) -> Origin {
    r.origin().cloned().unwrap_or(Origin {
        file: String::new(),
        line: 1,
        column: 1,
    })
}

impl LicensePolicy {
    /// The typed table, or `None` when the policy has no `[licenses]`.
    pub fn read(root: &Reader<'_>) -> Option<LicensePolicy> {
        let present = root.has("licenses");
        let t = root.table("licenses");
        let exceptions = t
            .tables("exceptions")
            .iter()
            .filter_map(|e| {
                Some(Exception {
                    krate: e.str("crate")?.to_string(),
                    versions: e.version_req("versions"),
                    allow: entries(e.items("allow")),
                    origin: origin(e),
                })
            })
            .collect();
        let clarify = t
            .tables("clarify")
            .iter()
            .filter_map(clarification)
            .collect();
        let policy = LicensePolicy {
            allow: t.node("allow").map(|_| entries(t.items("allow"))),
            deny: entries(t.items("deny")),
            unknown: match t.option("unknown") {
                Some("warn") => Level::Warn,
                _ => Level::Deny,
            },
            copyleft: match t.option("deny-copyleft") {
                Some("strong") => Copyleft::Strong,
                Some("weak") => Copyleft::Weak,
                _ => Copyleft::None,
            },
            osi: t.flag("require-osi-approved"),
            fsf: t.flag("require-fsf-free"),
            include_unpublished: t.flag("include-unpublished"),
            exceptions,
            clarify,
        };
        present.then_some(policy)
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

fn clarification(e: &Reader<'_>) -> Option<Clarify> {
    let files = e
        .tables("license-files")
        .iter()
        .filter_map(|f| {
            let path = f.str("path")?.to_string();
            Some((path, f.str("sha256")?.to_ascii_lowercase()))
        })
        .collect();
    Some(Clarify {
        krate: e.str("crate")?.to_string(),
        versions: e.version_req("versions"),
        expression: e.str("expression")?.to_string(),
        files,
        origin: origin(e),
    })
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
