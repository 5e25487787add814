//! Semver family: the API gate's rules and its `[semver]` and
//! `[deprecation]` tables. The findings are made by `depgate semver` (and
//! `check --base-ref` when `[semver] api` is set) from two rustdoc JSON
//! builds (the `semver` module); like the fleet family, it finds nothing in
//! a graph by itself.

use super::{Check, Family, ScanContext};
use crate::date::Date;
use crate::model::{Finding, Level, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{Field, Looser, Ty, Unset};

crate::rule!(
    INSUFFICIENT_BUMP,
    "semver-insufficient-bump",
    "SemverInsufficientBump",
    "semver",
    Deny,
    false,
    "A public API change needs a larger version bump than the crate's version got."
);
crate::rule!(
    VERSION_DECREASED,
    "semver-version-decreased",
    "SemverVersionDecreased",
    "semver",
    Deny,
    false,
    "A crate's version is lower than at the base revision."
);
crate::rule!(
    CRATE_ADDED_OR_REMOVED,
    "semver-crate-added-or-removed",
    "SemverCrateAddedOrRemoved",
    "semver",
    Info,
    false,
    "A library crate exists at only one of the two revisions."
);
crate::rule!(
    REMOVED_WITHOUT_DEPRECATION,
    "removed-without-deprecation",
    "RemovedWithoutDeprecation",
    "semver",
    Deny,
    false,
    "A public item was removed without having been `#[deprecated]` first."
);
crate::rule!(
    DEPRECATION_TOO_RECENT,
    "deprecation-too-recent",
    "DeprecationTooRecent",
    "semver",
    Deny,
    false,
    "A deprecated item was removed before the policy's minimum releases or days had passed."
);
crate::rule!(
    DEPRECATED_MISSING_SINCE,
    "deprecated-missing-since",
    "DeprecatedMissingSince",
    "semver",
    Warn,
    false,
    "A new `#[deprecated]` has no `since`, or one that is not a semver version."
);
crate::rule!(
    DEPRECATED_MISSING_NOTE,
    "deprecated-missing-note",
    "DeprecatedMissingNote",
    "semver",
    Warn,
    false,
    "A new `#[deprecated]` has no `note` saying what to use instead."
);

crate::rule!(
    DEPRECATED_API_USE,
    "deprecated-api-use",
    "DeprecatedApiUse",
    "semver",
    Info,
    false,
    "Workspace code uses a deprecated item of a dependency; `[[deprecation.apis]]` gives it a sunset."
);

pub const FAMILY: Family = Family::new::<SemverFamily>("semver", RULES, TOP);

/// Every rule `depgate semver` reports; their waivers are the ones it applies.
pub const RULES: &[&Rule] = &[
    &INSUFFICIENT_BUMP,
    &VERSION_DECREASED,
    &CRATE_ADDED_OR_REMOVED,
    &REMOVED_WITHOUT_DEPRECATION,
    &DEPRECATION_TOO_RECENT,
    &DEPRECATED_MISSING_SINCE,
    &DEPRECATED_MISSING_NOTE,
    &DEPRECATED_API_USE,
];

const TOP: &[Field] = &[
    Field::new(
        "semver",
        Ty::Table(SEMVER),
        "the API gate (`depgate semver`)",
    ),
    Field::new(
        "deprecation",
        Ty::Table(DEPRECATION),
        "how public items are deprecated and removed (`depgate semver`)",
    ),
];

const SEMVER: &[Field] = &[
    Field::new(
        "api",
        Ty::OneOf(&["deny", "warn", "off"]),
        "the level of `semver-insufficient-bump`; with `deny` or `warn`, `check --base-ref` runs the API gate too",
    )
    .looser(Looser::Order("off")),
    Field::new(
        "unchanged-version",
        Ty::Level,
        "the level of `semver-insufficient-bump` while the version is unchanged (the bump the next release needs)",
    )
    .looser(Looser::Level(Level::Info)),
];

const DEPRECATION: &[Field] = &[
    Field::new(
        "min-releases",
        Ty::Int,
        "releases an item must stay deprecated before its removal (git tags `vX.Y.Z` or `CRATE-vX.Y.Z`, else version arithmetic)",
    ),
    Field::new(
        "min-days",
        Ty::Duration,
        "days an item must stay deprecated before its removal, from the tag (or base commit) that carried it",
    ),
    Field::new(
        "apis",
        Ty::Tables(APIS),
        "deprecated items of dependencies with a sunset: uses warn before it and deny from it (`cargo check` with `--force-warn deprecated`)",
    )
    .looser(Looser::Removed {
        label: "deprecated API",
        unset: Unset::Empty,
    }),
];

const APIS: &[Field] = &[
    Field::required(
        "path",
        Ty::Str,
        "the deprecated item, `crate::module::item`; a module path covers everything under it",
    )
    .key_part(),
    Field::required("sunset", Ty::Date, "from this day on a use denies").looser(Looser::Higher {
        unset_loosest: true,
    }),
    Field::new("use-instead", Ty::Str, "the replacement, shown in the fix"),
];

/// One `[[deprecation.apis]]` entry.
#[derive(Debug, Clone)]
pub struct DeprecatedApi {
    pub path: String,
    pub sunset: Date,
    pub use_instead: Option<String>,
}

/// The typed `[semver]` and `[deprecation]` tables.
#[derive(Debug, Clone)]
pub struct Config {
    /// `None` when `api = "off"` (the default): `check` does not run it.
    pub api: Option<Level>,
    pub unchanged_version: Level,
    pub min_releases: Option<u64>,
    pub min_days: Option<i64>,
    pub apis: Vec<DeprecatedApi>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            api: None,
            unchanged_version: Level::Info,
            min_releases: None,
            min_days: None,
            apis: Vec::new(),
        }
    }
}

pub struct SemverFamily;

impl Check for SemverFamily {
    type Config = Config;

    fn config(root: &Reader<'_>) -> Config {
        let s = root.table("semver");
        let d = root.table("deprecation");
        Config {
            api: match s.option("api") {
                Some("deny") => Some(Level::Deny),
                Some("warn") => Some(Level::Warn),
                _ => None,
            },
            unchanged_version: s.level("unchanged-version").unwrap_or(Level::Info),
            min_releases: d.float("min-releases").map(|f| f.max(0.0) as u64),
            min_days: d.days("min-days"),
            apis: d
                .tables("apis")
                .iter()
                .filter_map(|t| {
                    Some(DeprecatedApi {
                        path: t.string("path")?,
                        sunset: t.date("sunset")?,
                        use_instead: t.string("use-instead"),
                    })
                })
                .collect(),
        }
    }

    fn check(_ctx: &ScanContext<'_>, _cfg: &Config, _out: &mut Vec<Finding>) {}
}
