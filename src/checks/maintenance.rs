//! Maintenance family: crates the policy marks deprecated, with a sunset
//! date after which they deny, and (opt-in) releases older than
//! `maintenance.max-release-age`, dated only from the local cargo index
//! cache. Unmaintained, unsound and yanked crates come from the
//! advisories family and are not repeated here.

use super::{Family, ScanContext};
use crate::date::Date;
use crate::finding::{Finding, Level};
use crate::location::Location;
use crate::policy::schema::{EXPOSURE_FIELDS, Field, Ty, parse_days};
use crate::policy::tree::{Node, Value};
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

pub const FAMILY: Family = Family {
    name: "maintenance",
    policy: Some(Field::new(
        "maintenance",
        Ty::Table(FIELDS),
        "stale releases",
    )),
    check,
};

/// `[[deprecated]]` is a top-level array, registered beside the family.
pub const DEPRECATED_POLICY: Field = Field::new(
    "deprecated",
    Ty::Tables(DEPRECATED_FIELDS),
    "deprecated crates, with replacements and sunset dates",
);

const FIELDS: &[Field] = &[
    Field::new(
        "max-release-age",
        Ty::Duration,
        "oldest acceptable release, by its publish date in the local cargo index cache",
    ),
    Field::new(
        "exposure",
        Ty::Table(EXPOSURE_FIELDS),
        "exposure caps for this family",
    ),
];

const DEPRECATED_FIELDS: &[Field] = &[
    Field::required("crate", Ty::Str, "crate name"),
    Field::new(
        "versions",
        Ty::VersionReq,
        "versions it applies to (default: all)",
    ),
    Field::new("use-instead", Ty::Str, "the replacement"),
    Field::new("reason", Ty::Str, "why it is deprecated"),
    Field::new("since", Ty::Date, "when it was deprecated"),
    Field::new("sunset", Ty::Date, "from this day on it denies"),
];

#[derive(Debug, Clone)]
pub struct Deprecation {
    pub name: String,
    pub versions: Option<semver::VersionReq>,
    pub use_instead: Option<String>,
    pub reason: Option<String>,
    pub sunset: Option<Date>,
    pub at: Location,
}

fn date(n: Option<&Node>) -> Option<Date> {
    match &n?.value {
        Value::Str(s) | Value::Datetime(s) => Date::parse(s),
        _ => None,
    }
}

pub fn deprecations(tree: &Node) -> Vec<Deprecation> {
    let entries = tree.get("deprecated").map_or(&[][..], Node::as_array);
    entries
        .iter()
        .filter_map(|e| {
            let s = |k: &str| e.get(k).and_then(Node::as_str).map(str::to_string);
            Some(Deprecation {
                name: s("crate")?,
                versions: s("versions").and_then(|v| semver::VersionReq::parse(&v).ok()),
                use_instead: s("use-instead"),
                reason: s("reason"),
                sunset: date(e.get("sunset")),
                at: Location {
                    path: e.origin.file.clone(),
                    line: e.origin.line,
                    column: e.origin.column,
                    label: "deprecated here".into(),
                },
            })
        })
        .collect()
}

fn check(ctx: &ScanContext<'_>, out: &mut Vec<Finding>) {
    let g = ctx.graph;
    for d in deprecations(&ctx.policy.tree) {
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
    let max_age = ctx
        .policy
        .tree
        .at(&["maintenance", "max-release-age"])
        .and_then(Node::as_str)
        .and_then(parse_days);
    if let (Some(max), Some(index)) = (max_age, ctx.index) {
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
