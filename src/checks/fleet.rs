//! Fleet family: the `[fleet]` policy table, read by `depgate fleet scan`,
//! and its fleet-wide rule `fleet-drift`. It finds nothing in a single
//! unit: drift is computed across units by the fleet aggregates.

use super::{Check, Family, ScanContext};
use crate::model::{Finding, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{Field, Looser, Ty, Unset};

crate::rule!(
    FLEET_DRIFT,
    "fleet-drift",
    "FleetDrift",
    "fleet",
    Warn,
    false,
    "An internal crate is used at more than one semver-incompatible version across the fleet."
);

pub const FAMILY: Family = Family::new::<FleetFamily>("fleet", RULES, TOP);

const RULES: &[&Rule] = &[&FLEET_DRIFT];

const TOP: &[Field] = &[Field::new(
    "fleet",
    Ty::Table(FIELDS),
    "fleet scans (`depgate fleet scan`)",
)];

const FIELDS: &[Field] = &[
    Field::new(
        "repo-policy",
        Ty::OneOf(&["ignore", "tighten-only"]),
        "a scanned repository's own depgate.toml: ignored, or layered over the fleet policy where it only tightens",
    )
    .option_default("ignore"),
    Field::new(
        "internal",
        Ty::StrList,
        "crate name patterns (`*` wildcards) of the organisation's own crates, checked for fleet-drift",
    )
    .looser(Looser::Removed {
        label: "internal",
        unset: Unset::Empty,
    }),
];

/// How a repository's own policy is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RepoPolicy {
    #[default]
    Ignore,
    TightenOnly,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub repo_policy: RepoPolicy,
    pub internal: Vec<String>,
}

impl Config {
    /// Whether `name` is one of the organisation's own crates by name.
    pub fn is_internal(&self, name: &str) -> bool {
        self.internal
            .iter()
            .any(|p| super::boundaries::glob(p, name))
    }
}

pub struct FleetFamily;

impl Check for FleetFamily {
    type Config = Config;

    fn config(root: &Reader<'_>) -> Config {
        let t = root.table("fleet");
        Config {
            repo_policy: match t.option("repo-policy") {
                Some("tighten-only") => RepoPolicy::TightenOnly,
                _ => RepoPolicy::Ignore,
            },
            internal: t.list_or_default("internal"),
        }
    }

    fn check(_ctx: &ScanContext<'_>, _cfg: &Config, _out: &mut Vec<Finding>) {}
}
