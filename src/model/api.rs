//! The API gate's data: each library crate's public API changes between
//! two revisions, with the bump they need. `depgate semver` reports them as
//! findings and as a change summary (`--format markdown` / `json`).

use serde::Serialize;

/// How big a version step a change needs, by Cargo's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// What happened to an item, for the summary's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    Added,
    Changed,
    Deprecated,
    Removed,
}

/// One change to a public item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ApiChange {
    /// The importable path, `crate::module::Item` (`Type::method`, `Enum::Variant`).
    pub path: String,
    /// The change class, e.g. `parameter-type`, `removed`, `added`.
    pub kind: &'static str,
    pub section: Section,
    pub bump: Bump,
    /// The item (kind and signature) at the base and at the head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// Repository-relative file and 1-based line of the item (the head's,
    /// or the base's for a removed item).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub line: u32,
    /// The deprecation at the base (`since`, `note`), for removed items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<(Option<String>, Option<String>)>,
}

/// One crate's comparison.
#[derive(Debug, Clone, Serialize)]
pub struct CrateApi {
    pub name: String,
    /// `None` when the crate exists at one revision only.
    pub base_version: Option<String>,
    pub head_version: Option<String>,
    /// The bump the changes need, and the one the versions show.
    pub required: Bump,
    pub actual: Bump,
    pub changes: Vec<ApiChange>,
}

/// Every compared crate, sorted by name.
#[derive(Debug, Clone, Serialize)]
pub struct ApiReport {
    pub schema: &'static str,
    pub base: String,
    pub crates: Vec<CrateApi>,
}
