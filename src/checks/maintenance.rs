//! Maintenance family: crates the policy marks deprecated, with a sunset
//! date after which they deny, and (opt-in) releases older than
//! `maintenance.max-release-age`, dated only from the local cargo index
//! cache. Unmaintained, unsound and yanked crates come from the
//! advisories family and are not repeated here.

use super::{Check, Family, Needs, ScanContext};
use crate::date::Date;
use crate::location::Location;
use crate::model::{Finding, Level, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{EXPOSURE, Field, Looser, Ty, Unset};
use serde_json::json;

crate::rule!(
    DEPRECATED,
    "deprecated-crate",
    "DeprecatedCrate",
    "maintenance",
    Warn,
    false,
    "A crate the policy lists as deprecated is in the graph (warn until its sunset date, deny from it)."
);
crate::rule!(
    STALE_RELEASE,
    "stale-release",
    "StaleRelease",
    "maintenance",
    Warn,
    false,
    "A package version was published longer ago than `maintenance.max-release-age`."
);

pub const FAMILY: Family = Family::new::<Maintenance>("maintenance", RULES, TOP);

const RULES: &[&Rule] = &[&DEPRECATED, &STALE_RELEASE];

/// The family's top-level policy fields.
const TOP: &[Field] = &[
    Field::new("maintenance", Ty::Table(FIELDS), "stale releases"),
    Field::new(
        "deprecated",
        Ty::Tables(DEPRECATED_FIELDS),
        "deprecated crates, with replacements and sunset dates",
    )
    .looser(Looser::Removed {
        label: "deprecated",
        unset: Unset::Empty,
    }),
];

const FIELDS: &[Field] = &[
    Field::new(
        "max-release-age",
        Ty::Duration,
        "oldest acceptable release, by its publish date in the local cargo index cache",
    )
    .looser(Looser::Higher {
        unset_loosest: true,
    }),
    EXPOSURE,
];

const DEPRECATED_FIELDS: &[Field] = &[
    Field::required("crate", Ty::Str, "crate name").key_part(),
    Field::new(
        "versions",
        Ty::VersionReq,
        "versions it applies to (default: all)",
    )
    .key_part(),
    Field::new("use-instead", Ty::Str, "the replacement"),
    Field::new("reason", Ty::Str, "why it is deprecated"),
    Field::new("since", Ty::Date, "when it was deprecated"),
    Field::new("sunset", Ty::Date, "from this day on it denies").looser(Looser::Higher {
        unset_loosest: true,
    }),
];

#[derive(Debug, Clone)]
pub struct Deprecation {
    pub name: String,
    pub versions: Option<semver::VersionReq>,
    pub use_instead: Option<String>,
    pub reason: Option<String>,
    /// When it was deprecated (documentation: not used by the check).
    pub since: Option<Date>,
    pub sunset: Option<Date>,
    pub at: Location,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub deprecations: Vec<Deprecation>,
    /// `max-release-age` in days.
    pub max_release_age: Option<i64>,
}

pub struct Maintenance;

impl Check for Maintenance {
    type Config = Config;

    fn config(root: &Reader<'_>) -> Config {
        let deprecations = root
            .tables("deprecated")
            .iter()
            .filter_map(|e| {
                Some(Deprecation {
                    name: e.string("crate")?,
                    versions: e.version_req("versions"),
                    use_instead: e.string("use-instead"),
                    reason: e.string("reason"),
                    since: e.date("since"),
                    sunset: e.date("sunset"),
                    at: e.location("deprecated here"),
                })
            })
            .collect();
        Config {
            deprecations,
            max_release_age: root.table("maintenance").days("max-release-age"),
        }
    }

    fn needs(cfg: &Config) -> Needs {
        Needs {
            index_cache: cfg.max_release_age.is_some(),
            ..Needs::default()
        }
    }

    fn check(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
        check(ctx, cfg, out)
    }
}

fn check(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
    let g = ctx.graph;
    for d in &cfg.deprecations {
        for (ix, pkg) in g.packages() {
            if pkg.name != d.name
                || pkg.is_member
                || !d.versions.as_ref().is_none_or(|r| r.matches(&pkg.version))
            {
                continue;
            }
            let mut msg = format!("`{} {}` is deprecated", pkg.name, pkg.version);
            if let Some(r) = &d.reason {
                msg.push_str(&format!(": {r}"));
            }
            let mut f = ctx.package_finding(&DEPRECATED, ix, &d.name, msg);
            if let Some(sunset) = d.sunset {
                let left = sunset.days() - ctx.today.days();
                f.properties.insert("sunset".into(), json!(sunset));
                if left > 0 {
                    f.message
                        .push_str(&format!("; sunset on {sunset}, in {left} days"));
                } else {
                    f.level = Level::Deny;
                    f.message
                        .push_str(&format!("; sunset on {sunset} has passed"));
                }
            }
            f.locations.push(d.at.clone());
            f.fix = Some(match &d.use_instead {
                Some(alt) => format!("replace `{}` with {alt}", pkg.name),
                None => format!("remove `{}`", pkg.name),
            });
            out.push(f);
        }
    }
    if let (Some(max), Some(index)) = (cfg.max_release_age, ctx.index) {
        for (ix, pkg) in g.packages() {
            let Some(published) = index.published(&pkg.name, &pkg.version.to_string()) else {
                continue;
            };
            let age = ctx.today.days() - published.days();
            if pkg.source.is_crates_io() && age > max {
                let mut f = ctx.package_finding(&STALE_RELEASE, ix, "release-age", format!("`{} {}` was published on {published}, {age} days ago (max-release-age is {max} days)", pkg.name, pkg.version));
                f.fix = Some(format!(
                    "cargo update -p {}@{} (or check that the crate is still maintained)",
                    pkg.name, pkg.version
                ));
                out.push(f);
            }
        }
    }
}
