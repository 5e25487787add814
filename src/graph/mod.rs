//! The one internal dependency graph. Two loaders feed it: [`metadata`]
//! (`cargo metadata` JSON, with edge kinds, targets, licences) and
//! [`lockfile`] (Cargo.lock alone, for untrusted repositories). Checks only
//! ever see a [`Graph`], so every family works in both modes.

pub mod auditable;
pub mod cyclonedx;
pub mod exposure;
pub mod features;
pub mod license_data;
pub mod load;
pub mod lockfile;
pub mod lockfile_fast;
mod lockfile_resolve;
pub mod manifest;
pub mod metadata;
pub mod purl;
pub mod source;
pub mod targets;
pub mod toolchain;

use crate::location::SourceText;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;

pub use crate::model::{Exposure, Mode};
pub use load::{WorkspaceInput, load};
pub use source::{GitReference, Source};

/// How a dependency edge is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DepKind {
    Normal,
    Build,
    Dev,
}

/// One declaration behind an edge: its kind and its `cfg(...)`/triple
/// condition, and whether that condition holds for the selected targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepDecl {
    pub kind: DepKind,
    pub target: Option<String>,
    pub active: bool,
}

/// An edge from a dependent to its dependency. `decls` is empty when the
/// loader does not know kinds (lockfile mode).
#[derive(Debug, Clone, Default)]
pub struct Dep {
    pub decls: Vec<DepDecl>,
}

#[derive(Debug, Clone)]
pub struct Package {
    /// Stable id: `name version (source)`, the Cargo.lock spelling.
    pub id: String,
    pub name: String,
    pub version: semver::Version,
    pub source: Source,
    pub checksum: Option<String>,
    pub is_member: bool,
    pub exposure: Exposure,
    /// 1-based line of the `[[package]]` header in the workspace Cargo.lock.
    pub lock_line: Option<u32>,
    pub license: Option<String>,
    pub license_file: Option<String>,
    /// Absolute path of the package's Cargo.toml (metadata mode).
    pub manifest_path: Option<PathBuf>,
    /// `publish = false` (or an empty registry list) in the manifest.
    pub publish_disabled: bool,
    /// Dependencies as declared in the package's manifest (metadata mode).
    pub declared: Vec<DeclaredDep>,
    /// Features enabled in the resolve (metadata mode).
    pub features: Vec<String>,
    /// `rust-version` from the manifest (metadata mode).
    pub rust_version: Option<semver::Version>,
}

impl Package {
    /// A package with only its identity; every other field empty.
    pub fn new(id: String, name: String, version: semver::Version, source: Source) -> Package {
        Package {
            id,
            name,
            version,
            source,
            checksum: None,
            is_member: false,
            exposure: Exposure::Unknown,
            lock_line: None,
            license: None,
            license_file: None,
            manifest_path: None,
            publish_disabled: false,
            declared: Vec::new(),
            features: Vec::new(),
            rust_version: None,
        }
    }
}

/// A dependency as written in a package's Cargo.toml (metadata mode).
#[derive(Debug, Clone)]
pub struct DeclaredDep {
    pub name: String,
    pub req: String,
    pub kind: DepKind,
    pub target: Option<String>,
    pub path: Option<PathBuf>,
    pub source: Option<String>,
}

#[derive(Debug)]
pub struct Graph {
    pub mode: Mode,
    pub graph: DiGraph<Package, Dep>,
    /// Workspace root on disk.
    pub workspace_root: PathBuf,
    /// Repository root (nearest ancestor with `.git`), when there is one.
    pub repo_root: Option<PathBuf>,
    /// The workspace Cargo.lock, when read.
    pub lockfile: Option<SourceText>,
    /// Lockfile format version 1-4, when read.
    pub lock_version: Option<u32>,
    /// Targets the user selected; empty means every target is active.
    pub targets: Vec<String>,
    /// Parsed manifests of workspace members (metadata mode).
    pub manifests: BTreeMap<NodeIndex, manifest::Manifest>,
    /// Sorted dependents of every package, built on first use (inverse
    /// paths walk them many times).
    pub dependents_index: std::sync::OnceLock<Vec<Vec<NodeIndex>>>,
    /// The pinned toolchain (metadata mode only).
    pub toolchain: Option<toolchain::Toolchain>,
    /// Where the packages' license fields came from.
    pub license_data: license_data::LicenseData,
    /// Resolved packages cargo never builds (`name version`, sorted): left
    /// out of the graph (metadata mode).
    pub not_built: Vec<String>,
    /// Where each package was read, by node index, when not from the
    /// Cargo.lock: its JSON path in an SBOM, or the binaries that carry it.
    pub entries: Vec<Vec<crate::location::Location>>,
    /// SBOM components that name no Cargo package (`--sbom`).
    pub unidentified: Vec<Unidentified>,
}

/// An SBOM component without a cargo purl or a version: reported, never
/// silently skipped.
#[derive(Debug, Clone)]
pub struct Unidentified {
    /// The component's name (or bom-ref), when it has one.
    pub name: String,
    pub why: String,
    pub at: crate::location::Location,
}

impl Graph {
    /// An empty graph of `mode` rooted at `workspace_root`, for loaders to fill.
    pub fn empty(mode: Mode, workspace_root: PathBuf) -> Graph {
        Graph {
            mode,
            graph: DiGraph::new(),
            repo_root: find_repo_root(&workspace_root),
            workspace_root,
            lockfile: None,
            lock_version: None,
            targets: Vec::new(),
            manifests: BTreeMap::new(),
            dependents_index: std::sync::OnceLock::new(),
            toolchain: None,
            license_data: license_data::LicenseData::for_mode(mode),
            not_built: Vec::new(),
            entries: Vec::new(),
            unidentified: Vec::new(),
        }
    }

    /// Where package `ix` was read: its Cargo.lock entry, its SBOM
    /// component, or the binaries whose audit data lists it.
    pub fn entry_locations(&self, ix: NodeIndex) -> Vec<crate::location::Location> {
        if let Some(at) = self.entries.get(ix.index()) {
            return at.clone();
        }
        let pkg = &self.graph[ix];
        match (&self.lockfile, pkg.lock_line) {
            (Some(lock), Some(line)) => vec![crate::location::Location {
                path: lock.display.clone(),
                line,
                column: 1,
                label: format!("`{} {}` in Cargo.lock", pkg.name, pkg.version),
            }],
            _ => Vec::new(),
        }
    }

    pub fn packages(&self) -> impl Iterator<Item = (NodeIndex, &Package)> {
        self.graph.node_indices().map(move |i| (i, &self.graph[i]))
    }

    pub fn package(&self, ix: NodeIndex) -> &Package {
        &self.graph[ix]
    }

    pub fn members(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph
            .node_indices()
            .filter(|&i| self.graph[i].is_member)
    }

    /// Direct dependents of a package, sorted by name and version.
    pub fn dependents(&self, ix: NodeIndex) -> &[NodeIndex] {
        let index = self.dependents_index.get_or_init(|| {
            self.graph
                .node_indices()
                .map(|i| self.sorted(self.graph.neighbors_directed(i, Direction::Incoming)))
                .collect()
        });
        index.get(ix.index()).map_or(&[], Vec::as_slice)
    }

    /// Direct dependencies of a package, sorted by name and version.
    pub fn dependencies(&self, ix: NodeIndex) -> Vec<NodeIndex> {
        self.sorted(self.graph.neighbors_directed(ix, Direction::Outgoing))
    }

    fn sorted(&self, it: impl Iterator<Item = NodeIndex>) -> Vec<NodeIndex> {
        let mut v: Vec<NodeIndex> = it.collect();
        v.sort_by(|a, b| {
            let (pa, pb) = (&self.graph[*a], &self.graph[*b]);
            (&pa.name, &pa.version, &pa.id).cmp(&(&pb.name, &pb.version, &pb.id))
        });
        v.dedup();
        v
    }

    /// Paths from workspace members to `ix`, like `cargo tree -i`: for each
    /// direct dependent (in name order), the shortest path from a member
    /// through it. Each path runs member → … → `ix`. At most `max` paths.
    pub fn inverse_paths(&self, ix: NodeIndex, max: usize) -> Vec<Vec<NodeIndex>> {
        if self.graph[ix].is_member {
            return vec![vec![ix]];
        }
        let mut paths = Vec::new();
        for &parent in self.dependents(ix) {
            if paths.len() >= max {
                break;
            }
            if let Some(mut path) = self.shortest_from_member(parent, ix) {
                path.push(ix);
                paths.push(path);
            }
        }
        paths
    }

    /// Shortest path member → … → `to`, not passing through `avoid`.
    fn shortest_from_member(&self, to: NodeIndex, avoid: NodeIndex) -> Option<Vec<NodeIndex>> {
        // Predecessors in a small hash map: the search usually stops after
        // a few nodes, and it runs for every reported version.
        let mut prev: rustc_hash::FxHashMap<NodeIndex, NodeIndex> = Default::default();
        let mut queue = VecDeque::from([to]);
        prev.insert(to, to);
        while let Some(cur) = queue.pop_front() {
            if self.graph[cur].is_member {
                let mut path = vec![cur];
                let mut at = cur;
                while at != to {
                    at = prev[&at];
                    path.push(at);
                }
                return Some(path);
            }
            for &next in self.dependents(cur) {
                if next != avoid {
                    prev.entry(next).or_insert_with(|| {
                        queue.push_back(next);
                        cur
                    });
                }
            }
        }
        None
    }

    /// `a 1.0.0 -> b 2.0.0 -> c 0.1.0` for a path.
    pub fn path_string(&self, path: &[NodeIndex]) -> String {
        let mut out = String::with_capacity(path.len() * 24);
        for (n, &i) in path.iter().enumerate() {
            let p = &self.graph[i];
            if n > 0 {
                out.push_str(" -> ");
            }
            out.push_str(&p.name);
            out.push(' ');
            push_version(&mut out, &p.version);
        }
        out
    }

    /// The workspace root relative to the repository root, `/`-separated
    /// (`.` at the top). Part of every fingerprint.
    pub fn workspace_key(&self) -> String {
        match &self.repo_root {
            Some(repo) => crate::location::display_path(Some(repo), &self.workspace_root),
            None => ".".to_string(),
        }
    }

    /// Directory that reported paths are relative to: the repository root,
    /// else the workspace root.
    pub fn display_base(&self) -> &std::path::Path {
        self.repo_root.as_deref().unwrap_or(&self.workspace_root)
    }

    /// Direct dependencies of workspace members, by package index.
    pub fn is_direct(&self, ix: NodeIndex) -> bool {
        self.dependents(ix).iter().any(|&d| self.graph[d].is_member)
    }
}

pub use crate::location::find_repo_root;

/// `$CARGO_HOME`, else `~/.cargo`.
pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// Cargo's compatibility class: major, or minor for 0.x, or patch for 0.0.x.
pub fn compat_class(v: &semver::Version) -> (u64, u64, u64) {
    match (v.major, v.minor) {
        (0, 0) => (0, 0, v.patch),
        (0, m) => (0, m, 0),
        (m, _) => (m, 0, 0),
    }
}

/// Appends `version` as its Display would, from its fields: Display pads
/// (for width and alignment), which costs in per-package paths.
pub fn push_version(out: &mut String, v: &semver::Version) {
    push_u64(out, v.major);
    out.push('.');
    push_u64(out, v.minor);
    out.push('.');
    push_u64(out, v.patch);
    if !v.pre.is_empty() {
        out.push('-');
        out.push_str(v.pre.as_str());
    }
    if !v.build.is_empty() {
        out.push('+');
        out.push_str(v.build.as_str());
    }
}

/// `version` as a string (see [`push_version`]).
pub fn version_string(v: &semver::Version) -> String {
    let mut s = String::with_capacity(16);
    push_version(&mut s, v);
    s
}

/// Appends the decimal digits of `n` (without the formatting machinery).
fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}
