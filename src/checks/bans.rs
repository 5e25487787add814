//! Bans family: crates the policy denies, optionally only in a version
//! range, with the reason and a replacement, and optionally tolerated when
//! every direct dependent is one of the listed `wrappers`.

use super::{Family, ScanContext};
use crate::finding::Finding;
use crate::location::Location;
use crate::policy::schema::{EXPOSURE_FIELDS, Field, Ty};
use crate::policy::tree::Node;

crate::rule!(
    DENIED_CRATE,
    "ban-denied-crate",
    "BanDeniedCrate",
    "bans",
    Deny,
    false,
    "A crate on the policy's deny list is in the dependency graph."
);

pub const FAMILY: Family = Family {
    name: "bans",
    policy: Some(Field::new(
        "bans",
        Ty::Table(FIELDS),
        "crates that must not be used",
    )),
    check,
};

const FIELDS: &[Field] = &[
    Field::new("deny", Ty::Tables(DENY_FIELDS), "banned crates"),
    Field::new(
        "exposure",
        Ty::Table(EXPOSURE_FIELDS),
        "exposure caps for this family",
    ),
];

const DENY_FIELDS: &[Field] = &[
    Field::required("crate", Ty::Str, "crate name"),
    Field::new(
        "versions",
        Ty::VersionReq,
        "only these versions are banned (default: all)",
    ),
    Field::new("reason", Ty::Str, "why it is banned"),
    Field::new("use-instead", Ty::Str, "the replacement to suggest"),
    Field::new(
        "wrappers",
        Ty::StrList,
        "crates allowed to depend on it directly",
    ),
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

impl Config {
    pub fn from_tree(tree: &Node) -> Config {
        let entries = tree.at(&["bans", "deny"]).map_or(&[][..], Node::as_array);
        let deny = entries
            .iter()
            .filter_map(|e| {
                let s = |k: &str| e.get(k).and_then(Node::as_str).map(str::to_string);
                Some(Ban {
                    name: s("crate")?,
                    versions: s("versions").and_then(|v| semver::VersionReq::parse(&v).ok()),
                    reason: s("reason"),
                    use_instead: s("use-instead"),
                    wrappers: e.get("wrappers").map(Node::str_list).unwrap_or_default(),
                    at: Location {
                        path: e.origin.file.clone(),
                        line: e.origin.line,
                        column: e.origin.column,
                        label: "banned here".into(),
                    },
                })
            })
            .collect();
        Config { deny }
    }
}

fn check(ctx: &ScanContext<'_>, out: &mut Vec<Finding>) {
    let g = ctx.graph;
    for ban in &ctx.policy.bans.deny {
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
