//! The packages cargo really builds. `cargo metadata`'s resolve lists
//! optional dependencies that no enabled feature turns on (cargo-deny's
//! krates prunes them too); this walks the features the way cargo's
//! feature resolver does, starting from the features the resolve records
//! for the workspace members:
//!
//! - a non-optional dependency is built with its package; an optional one
//!   only when a feature enables it (`dep:x`, `x/feat`, or the implicit
//!   feature named after it);
//! - `x?/feat` enables `feat` on `x` only if something else enables `x`;
//! - a dependency's own features, and `default` unless
//!   `default-features = false`, are enabled on it;
//! - dev-dependencies count for workspace members only (their tests).
//!
//! depgate checks every build context together (normal, build scripts and
//! proc macros, members' tests, every target), so what matters is the union
//! of what each context builds. Resolver 2 keeps the features of those
//! contexts apart, resolver 1 unifies them; either way the union of built
//! packages is the same, which is what is computed here.

use cargo_metadata::{DependencyKind, Metadata, Node, Package};
use std::collections::{HashMap, HashSet, VecDeque};

/// The built packages (by id) and the dependency edges cargo follows.
#[derive(Debug, Default)]
pub struct BuildSet<'m> {
    pub built: HashSet<&'m str>,
    /// (from id, to id, kind) of every edge that is built.
    pub edges: HashSet<(&'m str, &'m str, DependencyKind)>,
}

enum Event<'m> {
    Package(&'m str),
    Feature(&'m str, String),
    /// The `usize`-th declared dependency of a package is enabled.
    Dependency(&'m str, usize),
}

struct Walk<'m> {
    packages: HashMap<&'m str, &'m Package>,
    nodes: HashMap<&'m str, &'m Node>,
    members: HashSet<&'m str>,
    queue: VecDeque<Event<'m>>,
    features: HashSet<(&'m str, String)>,
    enabled: HashMap<(&'m str, usize), Option<&'m str>>,
    /// Features waiting on a dependency that is not enabled (yet).
    pending: HashMap<(&'m str, usize), Vec<String>>,
    set: BuildSet<'m>,
}

/// The build set of `meta`, whose resolve must be present.
pub fn build_set(meta: &Metadata) -> BuildSet<'_> {
    let Some(resolve) = meta.resolve.as_ref() else {
        return BuildSet::default();
    };
    let mut w = Walk {
        packages: meta
            .packages
            .iter()
            .map(|p| (p.id.repr.as_str(), p))
            .collect(),
        nodes: resolve
            .nodes
            .iter()
            .map(|n| (n.id.repr.as_str(), n))
            .collect(),
        members: meta
            .workspace_members
            .iter()
            .map(|m| m.repr.as_str())
            .collect(),
        queue: VecDeque::new(),
        features: HashSet::new(),
        enabled: HashMap::new(),
        pending: HashMap::new(),
        set: BuildSet::default(),
    };
    // What `cargo build` builds: the default members (`default-members`,
    // which cargo writes as every member when the workspace sets none).
    let mut members: Vec<&str> = if meta.workspace_default_members.is_available()
        && !meta.workspace_default_members.is_empty()
    {
        meta.workspace_default_members
            .iter()
            .map(|m| m.repr.as_str())
            .collect()
    } else {
        w.members.iter().copied().collect()
    };
    members.sort_unstable();
    for m in members {
        w.queue.push_back(Event::Package(m));
        if let Some(node) = w.nodes.get(m) {
            for f in &node.features {
                w.queue.push_back(Event::Feature(m, f.to_string()));
            }
        }
    }
    while let Some(e) = w.queue.pop_front() {
        match e {
            Event::Package(p) => w.package(p),
            Event::Feature(p, f) => w.feature(p, f),
            Event::Dependency(p, i) => w.dependency(p, i),
        }
    }
    w.set
}

/// How a manifest names a dependency in its features: its rename, if any.
fn dep_name(d: &cargo_metadata::Dependency) -> &str {
    d.rename.as_deref().unwrap_or(&d.name)
}

impl<'m> Walk<'m> {
    fn package(&mut self, p: &'m str) {
        if !self.set.built.insert(p) {
            return;
        }
        // The workspace's other members are checked as built too when
        // something builds them.
        let Some(pkg) = self.packages.get(p).copied() else {
            return;
        };
        for (i, d) in pkg.dependencies.iter().enumerate() {
            if !d.optional {
                self.queue.push_back(Event::Dependency(p, i));
            }
        }
        self.undeclared(p, pkg);
    }

    /// Resolve edges whose package the manifest data does not declare
    /// (hand-written or trimmed metadata): followed as resolved, with
    /// default features, rather than dropped.
    fn undeclared(&mut self, p: &'m str, pkg: &'m Package) {
        let Some(node) = self.nodes.get(p).copied() else {
            return;
        };
        for nd in &node.deps {
            let q = nd.pkg.repr.as_str();
            let Some(t) = self.packages.get(q).copied() else {
                continue;
            };
            if pkg
                .dependencies
                .iter()
                .any(|d| d.name.as_str() == t.name.as_str())
            {
                continue;
            }
            let mut kinds: Vec<DependencyKind> = nd.dep_kinds.iter().map(|k| k.kind).collect();
            if kinds.is_empty() {
                kinds.push(DependencyKind::Normal);
            }
            let member = self.members.contains(p);
            for k in kinds
                .into_iter()
                .filter(|k| member || *k != DependencyKind::Development)
            {
                self.set.edges.insert((p, q, k));
                self.queue.push_back(Event::Package(q));
                if t.features.contains_key("default") {
                    self.queue.push_back(Event::Feature(q, "default".into()));
                }
            }
        }
    }

    /// The declared dependencies of `p` named `name` in its features.
    fn named(&self, p: &'m str, name: &str) -> Vec<usize> {
        self.packages.get(p).map_or_else(Vec::new, |pkg| {
            (0..pkg.dependencies.len())
                .filter(|&i| dep_name(&pkg.dependencies[i]) == name)
                .collect()
        })
    }

    fn feature(&mut self, p: &'m str, f: String) {
        if !self.features.insert((p, f.clone())) {
            return;
        }
        let Some(pkg) = self.packages.get(p).copied() else {
            return;
        };
        let Some(values) = pkg.features.get(&f) else {
            // The implicit feature of an optional dependency.
            for i in self.named(p, &f) {
                if pkg.dependencies[i].optional {
                    self.queue.push_back(Event::Dependency(p, i));
                }
            }
            return;
        };
        for v in values {
            self.value(p, v);
        }
    }

    /// One entry of a feature's list.
    fn value(&mut self, p: &'m str, v: &str) {
        if let Some(x) = v.strip_prefix("dep:") {
            for i in self.named(p, x) {
                self.queue.push_back(Event::Dependency(p, i));
            }
        } else if let Some((x, feat)) = v.split_once('/') {
            let (x, weak) = match x.strip_suffix('?') {
                Some(x) => (x, true),
                None => (x, false),
            };
            for i in self.named(p, x) {
                if !weak {
                    self.queue.push_back(Event::Dependency(p, i));
                }
                match self.enabled.get(&(p, i)) {
                    Some(Some(q)) => self.queue.push_back(Event::Feature(q, feat.to_string())),
                    Some(None) => {}
                    None => self
                        .pending
                        .entry((p, i))
                        .or_default()
                        .push(feat.to_string()),
                }
            }
        } else {
            self.queue.push_back(Event::Feature(p, v.to_string()));
        }
    }

    fn dependency(&mut self, p: &'m str, i: usize) {
        if self.enabled.contains_key(&(p, i)) {
            return;
        }
        let Some(pkg) = self.packages.get(p).copied() else {
            return;
        };
        let d = &pkg.dependencies[i];
        if d.kind == DependencyKind::Development && !self.members.contains(p) {
            return;
        }
        let cond = d.target.as_ref().map(|t| t.to_string());
        if cond
            .as_deref()
            .is_some_and(|c| !super::targets::satisfiable(c))
        {
            return;
        }
        let q = self.resolved(p, d);
        self.enabled.insert((p, i), q);
        let Some(q) = q else { return };
        self.set.edges.insert((p, q, d.kind));
        self.queue.push_back(Event::Package(q));
        for f in &d.features {
            self.queue.push_back(Event::Feature(q, f.clone()));
        }
        let has_default = self
            .packages
            .get(q)
            .is_some_and(|t| t.features.contains_key("default"));
        if d.uses_default_features && has_default {
            self.queue.push_back(Event::Feature(q, "default".into()));
        }
        for f in self.pending.remove(&(p, i)).unwrap_or_default() {
            self.queue.push_back(Event::Feature(q, f));
        }
    }

    /// The resolved package a declared dependency of `p` stands for: the
    /// resolve edge to a package of that name with that kind (and, when
    /// renamed, that name).
    fn resolved(&self, p: &'m str, d: &cargo_metadata::Dependency) -> Option<&'m str> {
        let node = self.nodes.get(p)?;
        let lib = d.rename.as_ref().map(|r| r.replace('-', "_"));
        node.deps
            .iter()
            .filter(|nd| {
                self.packages
                    .get(nd.pkg.repr.as_str())
                    .is_some_and(|t| t.name.as_str() == d.name.as_str())
            })
            .filter(|nd| nd.dep_kinds.is_empty() || nd.dep_kinds.iter().any(|k| k.kind == d.kind))
            .find(|nd| lib.as_ref().is_none_or(|l| &nd.name == l))
            .map(|nd| nd.pkg.repr.as_str())
    }
}
