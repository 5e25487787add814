//! What a check may read, and the constructors of findings about graph
//! packages and about the policy itself.

use crate::advisories::AdvisoryDb;
use crate::advisories::index_cache::IndexCache;
use crate::date::Date;
use crate::graph::Graph;
use crate::location::Location;
use crate::model::{Facts, Finding, Level, LevelSource, PackageRef, Rule, fingerprint};
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, BTreeSet};

/// Everything a check may read. Shared read-only: a scan is a pure function
/// of its inputs.
pub struct ScanContext<'a> {
    pub graph: &'a Graph,
    pub today: Date,
    /// The advisory database; `None` only when advisories are not checked.
    pub db: Option<&'a AdvisoryDb>,
    /// Yanked status from the local cargo index cache, when the policy asks.
    pub index: Option<&'a IndexCache>,
    /// Rules whose level `[levels]` or the command line set: a family may
    /// not shortcut their `allow` findings.
    pub overridden: &'a BTreeSet<&'a str>,
    /// `graph.workspace_key()`, computed once.
    pub workspace: String,
    /// The rules that some waiver names; `None` when a waiver names no
    /// rule (then any finding may be waived).
    pub waiver_rules: Option<&'a BTreeSet<&'a str>>,
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
        let mut locations = g.entry_locations(ix);
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
            rule,
            level: rule.default_level,
            level_source: LevelSource::Family,
            package: Some(PackageRef {
                name: pkg.name.clone(),
                version: crate::graph::version_string(&pkg.version),
                source: pkg.source.short(),
            }),
            message,
            subject: subject.to_string(),
            locations,
            exposure: pkg.exposure,
            paths: Vec::new(),
            paths_from: Some(ix.index()),
            fix: None,
            fingerprint: fingerprint(rule.id, &self.workspace, &pkg.name, subject),
            properties: BTreeMap::new(),
            facts: Facts::default(),
            waived: None,
            diff: None,
            tally: 1,
        }
    }

    /// A finding about a workspace member at a place in its manifest.
    pub fn member_finding(
        &self,
        rule: &'static Rule,
        member: NodeIndex,
        subject: &str,
        at: Location,
        message: String,
    ) -> Finding {
        let pkg = self.graph.package(member);
        let mut f = Finding::new(rule, &self.workspace, &pkg.name, subject, message, vec![at]);
        f.package = Some(PackageRef {
            name: pkg.name.clone(),
            version: crate::graph::version_string(&pkg.version),
            source: pkg.source.short(),
        });
        f.exposure = pkg.exposure;
        f
    }

    /// Whether `[levels]` or `-D/-W/-A` name `rule`, so that a finding a
    /// family puts at `allow` could still be reported. When not, the family
    /// may emit [`ScanContext::counted_finding`] instead of a full one: the
    /// decide stage will only count it (and match waivers against it).
    pub fn may_raise(&self, rule: &Rule) -> bool {
        self.overridden.contains(rule.id)
    }

    /// Whether an `allow` finding of `rule` can only be counted: no level
    /// raises it and no waiver could match it. Then a family may add it
    /// to one [`Finding::tallied`] instead of emitting it.
    pub fn tally_only(&self, rule: &Rule) -> bool {
        !self.may_raise(rule) && self.waiver_rules.is_some_and(|w| !w.contains(rule.id))
    }

    /// A finding at `allow` with only what counting and waiver matching
    /// read: rule, package, subject, exposure.
    pub fn counted_finding(&self, rule: &'static Rule, ix: NodeIndex, subject: &str) -> Finding {
        let pkg = self.graph.package(ix);
        let mut f = Finding::counted(rule, subject);
        f.level = Level::Allow;
        f.exposure = pkg.exposure;
        f.package = Some(PackageRef {
            name: pkg.name.clone(),
            version: crate::graph::version_string(&pkg.version),
            source: String::new(),
        });
        f
    }

    /// A finding about the policy itself (unused entries, a stale database).
    pub fn policy_finding(
        &self,
        rule: &'static Rule,
        at: Location,
        subject: &str,
        message: String,
    ) -> Finding {
        Finding::new(rule, &self.workspace, "", subject, message, vec![at])
    }
}
