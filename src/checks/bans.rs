//! Bans family: crates the policy denies, optionally only in a version
//! range, with the reason and a replacement, and optionally tolerated when
//! every direct dependent is one of the listed `wrappers`.

use super::{Check, Family, ScanContext};
use crate::location::Location;
use crate::model::{Finding, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{EXPOSURE, Field, Looser, Ty, Unset};

crate::rule!(
    DENIED_CRATE,
    "ban-denied-crate",
    "BanDeniedCrate",
    "bans",
    Deny,
    false,
    "A crate on the policy's deny list is in the dependency graph."
);

pub const FAMILY: Family = Family::new::<Bans>("bans", RULES, TOP);

const RULES: &[&Rule] = &[&DENIED_CRATE];

/// The family's top-level policy fields.
const TOP: &[Field] = &[Field::new(
    "bans",
    Ty::Table(FIELDS),
    "crates that must not be used",
)];

const FIELDS: &[Field] = &[
    Field::new("deny", Ty::Tables(DENY_FIELDS), "banned crates").looser(Looser::Removed {
        label: "ban",
        unset: Unset::Empty,
    }),
    EXPOSURE,
];

const DENY_FIELDS: &[Field] = &[
    Field::required("crate", Ty::Str, "crate name").key_part(),
    Field::new(
        "versions",
        Ty::VersionReq,
        "only these versions are banned (default: all)",
    )
    .key_part(),
    Field::new("reason", Ty::Str, "why it is banned"),
    Field::new("use-instead", Ty::Str, "the replacement to suggest"),
    Field::new(
        "wrappers",
        Ty::StrList,
        "crates allowed to depend on it directly",
    )
    .looser(Looser::Added {
        label: "wrapper",
        unset: Unset::Empty,
    }),
];

#[derive(Debug, Clone)]
pub struct Ban {
    pub name: String,
    pub versions: Option<semver::VersionReq>,
    pub reason: Option<String>,
    pub use_instead: Option<String>,
    pub wrappers: Vec<String>,
    pub at: Location,
}

impl Ban {
    /// `name` or `name@req`: the subject key of its findings.
    pub fn spec(&self) -> String {
        match &self.versions {
            Some(v) => format!("{}@{v}", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub deny: Vec<Ban>,
}

pub struct Bans;

impl Check for Bans {
    type Config = Config;

    fn config(root: &Reader<'_>) -> Config {
        let deny = root
            .table("bans")
            .tables("deny")
            .iter()
            .filter_map(|e| {
                Some(Ban {
                    name: e.string("crate")?,
                    versions: e.version_req("versions"),
                    reason: e.string("reason"),
                    use_instead: e.string("use-instead"),
                    wrappers: e.list_or_default("wrappers"),
                    at: e.location("banned here"),
                })
            })
            .collect();
        Config { deny }
    }

    fn check(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
        check(ctx, cfg, out)
    }
}

fn check(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
    let g = ctx.graph;
    for ban in &cfg.deny {
        for (ix, pkg) in g.packages() {
            if pkg.name != ban.name
                || !ban
                    .versions
                    .as_ref()
                    .is_none_or(|r| r.matches(&pkg.version))
            {
                continue;
            }
            let dependents = g.dependents(ix);
            let offenders: Vec<String> = dependents
                .iter()
                .map(|&d| g.package(d).name.clone())
                .filter(|n| !ban.wrappers.contains(n))
                .collect();
            if !ban.wrappers.is_empty() && offenders.is_empty() && !dependents.is_empty() {
                continue;
            }
            let mut msg = format!("`{} {}` is banned", pkg.name, pkg.version);
            if let Some(r) = &ban.reason {
                msg.push_str(&format!(": {r}"));
            }
            if !ban.wrappers.is_empty() {
                msg.push_str(&format!(
                    " (used directly by {}, which is not an allowed wrapper)",
                    offenders.join(", ")
                ));
            }
            let mut f = ctx.package_finding(&DENIED_CRATE, ix, &ban.spec(), msg);
            f.locations.push(ban.at.clone());
            f.fix = Some(match &ban.use_instead {
                Some(alt) => format!("replace `{}` with `{alt}`", pkg.name),
                None => format!("remove `{}` from the dependency graph", pkg.name),
            });
            f.properties
                .insert("ban".into(), serde_json::Value::String(ban.spec()));
            out.push(f);
        }
    }
}
