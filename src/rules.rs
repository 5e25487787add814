//! The rule registry: every rule's stable id, display name, family, default
//! level and documentation page (`rules/<id>.md`, embedded). This is the
//! one place default levels are declared; `depgate rules`, `depgate
//! explain`, SARIF rule metadata and policy validation all read it.

use crate::finding::Level;

#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id, e.g. `source-git-unpinned`.
    pub id: &'static str,
    /// PascalCase name, distinct from the id (SARIF `name`).
    pub name: &'static str,
    pub family: &'static str,
    pub default_level: Level,
    /// Whether SARIF tags it `security`.
    pub security: bool,
    pub summary: &'static str,
    /// The Markdown page from `rules/<id>.md`.
    pub page: &'static str,
}

/// Declares a rule whose page is `rules/<id>.md`; a missing page fails the build.
#[macro_export]
macro_rules! rule {
    ($ident:ident, $id:literal, $name:literal, $family:literal, $level:ident, $security:literal, $summary:literal) => {
        pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            name: $name,
            family: $family,
            default_level: $crate::finding::Level::$level,
            security: $security,
            summary: $summary,
            page: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md")),
        };
    };
}

/// Every rule, in family order.
pub static ALL: &[&Rule] = &[
    &crate::checks::advisories::VULNERABILITY,
    &crate::checks::advisories::UNMAINTAINED,
    &crate::checks::advisories::UNSOUND,
    &crate::checks::advisories::NOTICE,
    &crate::checks::advisories::YANKED,
    &crate::checks::advisories::DB_STALE,
    &crate::checks::sources::REGISTRY_NOT_ALLOWED,
    &crate::checks::sources::GIT_UNPINNED,
    &crate::checks::sources::GIT_DENIED,
    &crate::checks::sources::PATH_OUTSIDE_WORKSPACE,
    &crate::checks::bans::DENIED_CRATE,
    &crate::checks::duplicates::DUPLICATE_VERSIONS,
    &crate::checks::requirements::WILDCARD,
    &crate::checks::requirements::UNBOUNDED,
    &crate::checks::requirements::PRERELEASE,
    &crate::checks::requirements::PATH_IN_PUBLISHED,
    &crate::checks::requirements::INVALID_MEMBER_VERSION,
    &crate::checks::maintenance::DEPRECATED,
    &crate::checks::maintenance::STALE_RELEASE,
    &crate::checks::toolchain::BELOW_MINIMUM,
    &crate::checks::toolchain::TOOLCHAIN_ADVISORY,
    &crate::checks::boundaries::VIOLATION,
    &crate::checks::licenses::REJECTED,
    &crate::checks::licenses::UNKNOWN,
    &crate::checks::licenses::IMPRECISE,
    &crate::checks::licenses::INVALID,
    &crate::checks::licenses::ALLOW_UNUSED,
    &crate::checks::licenses::CLARIFY_STALE,
    &crate::decide::waivers::EXPIRED,
    &crate::decide::waivers::UNUSED,
    &crate::decide::weakened::POLICY_WEAKENED,
];

pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}
