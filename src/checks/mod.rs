//! Check families. Each family is one module with its rules, its policy
//! table and one `check` function that reads the graph and policy and emits
//! findings; a family never prints and never decides the final level
//! beyond its own step of the precedence chain (see `crate::decide`).

pub mod advisories;
pub mod bans;
pub mod boundaries;
pub mod duplicates;
pub mod licenses;
pub mod maintenance;
pub mod requirements;
pub mod sources;
pub mod toolchain;

use crate::date::Date;
use crate::finding::{Finding, Level, LevelSource, PackageRef, fingerprint};
use crate::graph::Graph;
use crate::location::Location;
use crate::policy::Policy;
use crate::policy::schema::Field;
use crate::rules::Rule;
use petgraph::graph::NodeIndex;
use std::collections::BTreeMap;

/// Everything a check may read. Shared read-only: a scan is a pure function
/// of (graph, policy, today).
pub struct ScanContext<'a> {
    pub graph: &'a Graph,
    pub policy: &'a Policy,
    pub today: Date,
    /// The advisory database; `None` only when advisories are not checked.
    pub db: Option<&'a crate::advisories::AdvisoryDb>,
    /// Yanked status from the local cargo index cache, when the policy asks.
    pub index: Option<&'a crate::advisories::index_cache::IndexCache>,
    /// `-D/-W/-A` from the command line (only [`ScanContext::may_raise`] reads them).
    pub cli: &'a [crate::decide::CliLevel],
}

pub struct Family {
    pub name: &'static str,
    /// The family's policy table, if it has one.
    pub policy: Option<Field>,
    pub check: fn(&ScanContext<'_>, &mut Vec<Finding>),
}

pub const FAMILIES: &[Family] = &[
    advisories::FAMILY,
    sources::FAMILY,
    bans::FAMILY,
    duplicates::FAMILY,
    requirements::FAMILY,
    maintenance::FAMILY,
    toolchain::FAMILY,
    boundaries::FAMILY,
    licenses::FAMILY,
];

pub fn policy_fields() -> Vec<Field> {
    let mut fields: Vec<Field> = FAMILIES.iter().filter_map(|f| f.policy).collect();
    fields.push(maintenance::DEPRECATED_POLICY);
    fields
}

/// Runs every family; findings come back sorted.
pub fn run_all(ctx: &ScanContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for family in FAMILIES {
        (family.check)(ctx, &mut out);
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// How many inverse paths a finding carries.
const MAX_PATHS: usize = 3;

/// Fills the inverse paths of the findings that survived the decide stage.
pub fn fill_paths(g: &Graph, findings: &mut [Finding]) {
    for f in findings {
        if let Some(ix) = f.paths_from.take() {
            f.paths = g
                .inverse_paths(NodeIndex::new(ix), MAX_PATHS)
                .iter()
                .map(|p| g.path_string(p))
                .collect();
        }
    }
}

impl ScanContext<'_> {
    /// A finding about package `ix`: its Cargo.lock entry, the manifest
    /// lines of members that declare it, its exposure and inverse paths.
    pub fn package_finding(
        &self,
        rule: &'static Rule,
        ix: NodeIndex,
        subject: &str,
        message: String,
    ) -> Finding {
        let g = self.graph;
        let pkg = g.package(ix);
        let mut locations = Vec::new();
        if let (Some(lock), Some(line)) = (&g.lockfile, pkg.lock_line) {
            locations.push(Location {
                path: lock.display.clone(),
                line,
                column: 1,
                label: format!("`{} {}` in Cargo.lock", pkg.name, pkg.version),
            });
        }
        for &member in g.dependents(ix) {
            if let Some(m) = g.manifests.get(&member) {
                if let Some(dep) = m.find(&pkg.name) {
                    locations.push(
                        m.location(dep, &format!("declared by `{}`", g.package(member).name)),
                    );
                }
            }
        }
        Finding {
            rule: rule.id,
            level: rule.default_level,
            level_source: LevelSource::Family,
            package: Some(PackageRef {
                name: pkg.name.clone(),
                version: pkg.version.to_string(),
                source: pkg.source.short(),
            }),
            message,
            subject: subject.to_string(),
            locations,
            exposure: pkg.exposure,
            paths: Vec::new(),
            paths_from: Some(ix.index()),
            fix: None,
            fingerprint: fingerprint(rule.id, &g.workspace_key(), &pkg.name, subject),
            properties: BTreeMap::new(),
            waived: None,
            diff: None,
        }
    }

    /// Whether `[levels]` or `-D/-W/-A` name `rule`, so that a finding a
    /// family puts at `allow` could still be reported. When not, the family
    /// may emit [`ScanContext::counted_finding`] instead of a full one: the
    /// decide stage will only count it (and match waivers against it).
    pub fn may_raise(&self, rule: &Rule) -> bool {
        self.policy.levels.contains_key(rule.id) || self.cli.iter().any(|c| c.rule == rule.id)
    }

    /// A finding at `allow` with only what counting and waiver matching
    /// read: rule, package, subject, exposure. `workspace` is
    /// `graph.workspace_key()`, computed once by the caller.
    pub fn counted_finding(
        &self,
        rule: &'static Rule,
        ix: NodeIndex,
        subject: &str,
        workspace: &str,
    ) -> Finding {
        let pkg = self.graph.package(ix);
        let mut f = Finding::new(
            rule,
            workspace,
            &pkg.name,
            subject,
            String::new(),
            Vec::new(),
        );
        f.level = Level::Allow;
        f.exposure = pkg.exposure;
        f.package = Some(PackageRef {
            name: pkg.name.clone(),
            version: pkg.version.to_string(),
            source: String::new(),
        });
        f
    }

    /// A finding about the policy itself (unused entries, expired waivers).
    pub fn policy_finding(
        &self,
        rule: &'static Rule,
        at: Location,
        subject: &str,
        message: String,
    ) -> Finding {
        Finding::new(
            rule,
            &self.graph.workspace_key(),
            "",
            subject,
            message,
            vec![at],
        )
    }
}

/// A level from a family's policy key, else `fallback`.
pub fn level_key(policy: &Policy, path: &[&str], fallback: Level) -> Level {
    policy
        .tree
        .at(path)
        .and_then(|n| n.as_str())
        .and_then(Level::parse)
        .unwrap_or(fallback)
}
