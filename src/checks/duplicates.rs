//! Duplicates family: one crate at several semver-incompatible versions
//! (optionally any versions), with the path to each version and a hint at
//! the dependency requirement that keeps the older one in the graph.
//!
//! Like cargo-deny, a version whose only dependents are other versions of
//! the same crate (the "semver trick") does not count. The finding's
//! exposure is that of its second-most-exposed version: the duplicate
//! exists only as far as two versions do.

use super::{Check, Family, ScanContext};
use crate::graph::{Exposure, Graph, compat_class};
use crate::model::{Finding, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{EXPOSURE, Field, Looser, Ty, Unset};
use petgraph::graph::NodeIndex;
use std::collections::{BTreeSet, HashSet};

crate::rule!(
    DUPLICATE_VERSIONS,
    "duplicate-versions",
    "DuplicateVersions",
    "duplicates",
    Warn,
    false,
    "One crate is in the graph at several semver-incompatible versions."
);

pub const FAMILY: Family = Family::new::<Duplicates>("duplicates", RULES, TOP);

const RULES: &[&Rule] = &[&DUPLICATE_VERSIONS];

/// The family's top-level policy fields.
const TOP: &[Field] = &[Field::new(
    "duplicates",
    Ty::Table(FIELDS),
    "crates present at several versions",
)];

const FIELDS: &[Field] = &[
    Field::new(
        "include-compatible",
        Ty::Bool,
        "also flag semver-compatible versions of one crate",
    ),
    Field::new(
        "skip",
        Ty::Tables(SKIP_FIELDS),
        "versions of a crate to leave out",
    )
    .looser(Looser::Added {
        label: "skip",
        unset: Unset::Empty,
    }),
    Field::new(
        "skip-tree",
        Ty::Tables(SKIP_FIELDS),
        "crates whose whole dependency tree is left out",
    )
    .looser(Looser::Added {
        label: "skip-tree",
        unset: Unset::Empty,
    }),
    EXPOSURE,
];

const SKIP_FIELDS: &[Field] = &[
    Field::required("crate", Ty::Str, "crate name").key_part(),
    Field::new(
        "versions",
        Ty::VersionReq,
        "versions it applies to (default: all)",
    )
    .key_part(),
    Field::new("reason", Ty::Str, "why it is skipped"),
];

#[derive(Debug, Clone)]
pub struct Skip {
    pub name: String,
    pub versions: Option<semver::VersionReq>,
    pub reason: Option<String>,
}

impl Skip {
    fn matches(&self, name: &str, version: &semver::Version) -> bool {
        self.name == name && self.versions.as_ref().is_none_or(|r| r.matches(version))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub include_compatible: bool,
    pub skip: Vec<Skip>,
    pub skip_tree: Vec<Skip>,
}

fn skips(t: &Reader<'_>, key: &str) -> Vec<Skip> {
    t.tables(key)
        .iter()
        .filter_map(|e| {
            Some(Skip {
                name: e.str("crate")?.to_string(),
                versions: e.version_req("versions"),
                reason: e.string("reason"),
            })
        })
        .collect()
}

pub struct Duplicates;

impl Check for Duplicates {
    type Config = Config;

    fn config(root: &Reader<'_>) -> Config {
        let t = root.table("duplicates");
        Config {
            include_compatible: t.flag("include-compatible"),
            skip: skips(&t, "skip"),
            skip_tree: skips(&t, "skip-tree"),
        }
    }

    fn check(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
        check(ctx, cfg, out)
    }
}

/// Packages reachable from the skip-tree roots (the roots included).
fn skipped_trees(g: &Graph, cfg: &Config) -> HashSet<NodeIndex> {
    let mut seen = HashSet::new();
    let mut stack: Vec<NodeIndex> = g
        .packages()
        .filter(|(_, p)| cfg.skip_tree.iter().any(|s| s.matches(&p.name, &p.version)))
        .map(|(i, _)| i)
        .collect();
    while let Some(ix) = stack.pop() {
        if seen.insert(ix) {
            stack.extend(g.dependencies(ix));
        }
    }
    seen
}

fn check(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
    let g = ctx.graph;
    let skipped = skipped_trees(g, cfg);
    let mut by_name: rustc_hash::FxHashMap<&str, Vec<NodeIndex>> = Default::default();
    for (ix, p) in g.packages() {
        if skipped.contains(&ix) || cfg.skip.iter().any(|s| s.matches(&p.name, &p.version)) {
            continue;
        }
        // The semver trick: only depended on by another version of itself.
        let dependents = g.dependents(ix);
        if !dependents.is_empty() && dependents.iter().all(|&d| g.package(d).name == p.name) {
            continue;
        }
        by_name.entry(p.name.as_str()).or_default().push(ix);
    }
    // Only names at two or more versions matter; they go out in name order.
    let mut groups: Vec<(&str, Vec<NodeIndex>)> =
        by_name.into_iter().filter(|(_, v)| v.len() > 1).collect();
    groups.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (name, mut versions) in groups {
        versions.sort_by(|a, b| g.package(*a).version.cmp(&g.package(*b).version));
        let classes: BTreeSet<_> = versions
            .iter()
            .map(|&i| compat_class(&g.package(i).version))
            .collect();
        let distinct: BTreeSet<_> = versions.iter().map(|&i| &g.package(i).version).collect();
        let flagged = if cfg.include_compatible {
            distinct.len() > 1
        } else {
            classes.len() > 1
        };
        if flagged {
            out.extend(finding(ctx, name, &versions));
        }
    }
}

fn finding(ctx: &ScanContext<'_>, name: &str, versions: &[NodeIndex]) -> Option<Finding> {
    let g = ctx.graph;
    let list: Vec<String> = versions
        .iter()
        .map(|&i| crate::graph::version_string(&g.package(i).version))
        .collect();
    let &newest = versions.last()?;
    let mut f = ctx.package_finding(
        &DUPLICATE_VERSIONS,
        newest,
        name,
        format!(
            "`{name}` is in the graph at {} versions: {}",
            versions.len(),
            list.join(", ")
        ),
    );
    if let Some(p) = f.package.as_mut() {
        p.version = list.join(", ");
    }
    f.locations.clear();
    f.paths.clear();
    f.paths_from = None;
    for &ix in versions {
        f.locations.extend(g.entry_locations(ix));
        for path in g.inverse_paths(ix, 2) {
            f.paths.push(g.path_string(&path));
        }
    }
    let mut exposures: Vec<Exposure> = versions.iter().map(|&i| g.package(i).exposure).collect();
    exposures.sort();
    f.exposure = exposures.get(1).copied().unwrap_or(Exposure::Normal);
    f.fix = remediation(g, name, versions);
    f.properties
        .insert("versions".into(), serde_json::json!(list));
    Some(f)
}

/// Names the dependents that hold the oldest version, with their requirement.
fn remediation(g: &Graph, name: &str, versions: &[NodeIndex]) -> Option<String> {
    let oldest = *versions.first()?;
    let newest = g.package(*versions.last()?);
    let holders: Vec<String> = g
        .dependents(oldest)
        .iter()
        .map(|&d| {
            let dep = g.package(d);
            let req = dep
                .declared
                .iter()
                .find(|x| x.name == name)
                .map(|x| x.req.clone());
            match req {
                Some(r) => format!("`{} {}` (requires `{name} {r}`)", dep.name, dep.version),
                None => format!("`{} {}`", dep.name, dep.version),
            }
        })
        .collect();
    if holders.is_empty() {
        return None;
    }
    Some(format!(
        "`{name} {}` is pulled in by {}; upgrading them towards `{name} {}` removes the duplicate",
        g.package(oldest).version,
        holders.join(", "),
        newest.version
    ))
}
