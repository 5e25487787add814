//! Metadata-mode loader: runs `cargo metadata` (hardened, see
//! [`cargo_command`]) or reads a pre-generated JSON file, and builds the
//! graph with edge kinds, `cfg` conditions, members, licences and sources.
//! The workspace Cargo.lock adds checksums and `[[package]]` lines.

use super::{DeclaredDep, Dep, DepDecl, DepKind, Exposure, Graph, Mode, Package, Source};
use crate::error::{Error, Result};
use crate::location::SourceText;
use cargo_metadata::{DependencyKind, Metadata};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Cargo-style options passed through to `cargo metadata`.
#[derive(Debug, Clone, Default)]
pub struct CargoOptions {
    pub manifest_path: Option<PathBuf>,
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    pub locked: bool,
    pub offline: bool,
    pub frozen: bool,
}

/// The `cargo metadata` command, hardened against the scanned repository's
/// configuration: wrappers and `build.rustc` are cleared with `--config`
/// overrides and environment variables, and `RUSTUP_TOOLCHAIN` is pinned to
/// the toolchain depgate runs under, so `rust-toolchain.toml` cannot pick
/// another one. No `--filter-platform`: every target stays in the graph.
pub fn cargo_command(opts: &CargoOptions) -> Command {
    let mut cmd = hardened_cargo(&["metadata", "--format-version", "1"]);
    if let Some(path) = &opts.manifest_path {
        cmd.arg("--manifest-path").arg(path);
    }
    if !opts.features.is_empty() {
        cmd.arg("--features").arg(opts.features.join(","));
    }
    for (on, flag) in [
        (opts.all_features, "--all-features"),
        (opts.no_default_features, "--no-default-features"),
        (opts.locked, "--locked"),
        (opts.offline, "--offline"),
        (opts.frozen, "--frozen"),
    ] {
        if on {
            cmd.arg(flag);
        }
    }
    cmd
}

/// `cargo ARGS` with the same hardening as metadata mode (no wrappers, no
/// `build.rustc`, the running toolchain pinned); used by `depgate semver`
/// for `cargo rustdoc` too.
pub fn hardened_cargo(args: &[&str]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(args);
    for (key, value) in [
        ("build.rustc-wrapper", "\"\""),
        ("build.rustc-workspace-wrapper", "\"\""),
        ("build.rustc", "\"rustc\""),
    ] {
        cmd.arg("--config").arg(format!("{key}={value}"));
    }
    for var in [
        "RUSTC",
        "CARGO_BUILD_RUSTC",
        "CARGO_BUILD_RUSTC_WRAPPER",
        "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("RUSTC_WRAPPER", "")
        .env("RUSTC_WORKSPACE_WRAPPER", "");
    if let Some(toolchain) = running_toolchain() {
        cmd.env("RUSTUP_TOOLCHAIN", toolchain);
    }
    cmd
}

/// The toolchain of the running session: `RUSTUP_TOOLCHAIN` when cargo or
/// rustup set it, else rustup's default, asked from outside the repository
/// so its `rust-toolchain.toml` cannot answer.
/// Asked once per process (`depgate semver` runs several cargo commands).
pub fn running_toolchain() -> Option<String> {
    static ONCE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        if let Some(t) = std::env::var_os("RUSTUP_TOOLCHAIN") {
            return Some(t.to_string_lossy().into_owned());
        }
        let out = Command::new("rustup")
            .args(["default"])
            .current_dir(std::env::temp_dir())
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_whitespace().next().map(str::to_string)
    })
    .clone()
}

/// Runs `cargo metadata` and returns its JSON.
pub fn run_cargo_metadata(opts: &CargoOptions) -> Result<String> {
    let mut cmd = cargo_command(opts);
    let shown = format!("{cmd:?}");
    crate::command::text(&mut cmd, &shown)
}

/// Where the graph's files are on disk. `root` overrides the metadata's
/// `workspace_root` (pre-generated JSON may carry placeholder paths).
pub struct LoadInput<'a> {
    pub json: &'a SourceText,
    pub root: Option<PathBuf>,
    pub lockfile: Option<SourceText>,
    pub targets: &'a [String],
}

/// (name, version, source) of a Cargo.lock entry.
type LockKey<'a> = (&'a str, String, Option<&'a str>);

fn parse_json(json: &SourceText) -> Result<Metadata> {
    let meta: Metadata = serde_json::from_str(&json.text).map_err(|e| {
        Error::at(
            json,
            (e.line() as u32, (e.column() as u32).max(1)),
            "",
            format!("invalid cargo metadata JSON: {e}"),
        )
    })?;
    if meta.resolve.is_none() {
        return Err(Error::at(
            json,
            (1, 1),
            "resolve",
            "no `resolve` graph (was it generated with --no-deps?)",
        ));
    }
    // Cargo always lists the workspace's own members among the packages.
    let ids: std::collections::HashSet<&str> =
        meta.packages.iter().map(|p| p.id.repr.as_str()).collect();
    if meta.workspace_members.is_empty() {
        let msg = "no workspace members: this is not the metadata of a workspace";
        return Err(Error::at(json, (1, 1), "workspace_members", msg));
    }
    if let Some(m) = meta
        .workspace_members
        .iter()
        .find(|m| !ids.contains(m.repr.as_str()))
    {
        let msg = format!("member `{}` is not among `packages`", m.repr);
        return Err(Error::at(json, (1, 1), "workspace_members", msg));
    }
    Ok(meta)
}

fn bad_node(json: &SourceText, message: String) -> Error {
    Error::at(json, (1, 1), "resolve.nodes", message)
}

/// Cargo.lock entries by (name, version, source): their line and checksum.
type LockIndex<'a> = HashMap<LockKey<'a>, (u32, Option<&'a str>)>;

fn lock_index(lock: Option<&super::lockfile::Lockfile>) -> LockIndex<'_> {
    lock.iter()
        .flat_map(|l| &l.packages)
        .map(|p| {
            (
                (p.name.as_str(), p.version.to_string(), p.source.as_deref()),
                (p.line, p.checksum.as_deref()),
            )
        })
        .collect()
}

/// A graph package from a metadata package and its resolve node.
fn package(
    p: &cargo_metadata::Package,
    node: &cargo_metadata::Node,
    lock_index: &LockIndex<'_>,
    is_member: bool,
    rebase: &dyn Fn(&Path) -> PathBuf,
) -> Package {
    let source = p.source.as_ref().map(|s| s.repr.as_str());
    let (lock_line, checksum) = lock_index
        .get(&(p.name.as_str(), p.version.to_string(), source))
        .map_or((None, None), |(l, c)| (Some(*l), c.map(str::to_string)));
    Package {
        id: match source {
            Some(s) => format!("{} {} ({s})", p.name, p.version),
            None => format!("{} {}", p.name, p.version),
        },
        name: p.name.to_string(),
        version: p.version.clone(),
        source: Source::parse(source),
        checksum,
        is_member,
        exposure: Exposure::Normal,
        lock_line,
        license: p.license.clone(),
        license_file: p.license_file.as_ref().map(|f| f.to_string()),
        manifest_path: Some(rebase(Path::new(p.manifest_path.as_str()))),
        publish_disabled: p.publish.as_ref().is_some_and(|r| r.is_empty()),
        rust_version: p.rust_version.clone(),
        features: node.features.iter().map(|f| f.to_string()).collect(),
        declared: declared(p, rebase),
    }
}

/// The edges of `node`, with each declaration's kind and target condition.
fn add_edges(
    graph: &mut DiGraph<Package, Dep>,
    index: &HashMap<&str, NodeIndex>,
    node: &cargo_metadata::Node,
    platforms: &super::targets::Platforms,
    built: &super::features::BuildSet<'_>,
) -> Result<()> {
    let id = node.id.repr.as_str();
    let from = index[id];
    for dep in &node.deps {
        // Edges to packages cargo never builds, and kinds it never follows.
        let Some(&to) = index.get(dep.pkg.repr.as_str()) else {
            continue;
        };
        let decls: Vec<DepDecl> = dep
            .dep_kinds
            .iter()
            .filter(|k| built.edges.contains(&(id, dep.pkg.repr.as_str(), k.kind)))
            .map(|k| {
                let target = k.target.as_ref().map(|t| t.to_string());
                DepDecl {
                    kind: dep_kind(k.kind),
                    active: platforms.active(target.as_deref()),
                    target,
                }
            })
            .collect();
        if !decls.is_empty() || dep.dep_kinds.is_empty() {
            graph.add_edge(from, to, Dep { decls });
        }
    }
    Ok(())
}

/// Every resolve edge points at a resolved node.
fn check_node_deps(json: &SourceText, nodes: &[&cargo_metadata::Node]) -> Result<()> {
    let ids: std::collections::HashSet<&str> = nodes.iter().map(|n| n.id.repr.as_str()).collect();
    match nodes
        .iter()
        .flat_map(|n| &n.deps)
        .find(|d| !ids.contains(d.pkg.repr.as_str()))
    {
        Some(d) => {
            let msg = format!("dependency `{}` is not a resolved node", d.pkg.repr);
            Err(bad_node(json, msg))
        }
        None => Ok(()),
    }
}

pub fn load_graph(input: LoadInput<'_>) -> Result<Graph> {
    let json = input.json;
    let meta = parse_json(json)?;
    let Some(resolve) = meta.resolve.as_ref() else {
        return Err(bad_node(json, "no resolve graph".into()));
    };
    let platforms = super::targets::Platforms::new(input.targets)?;
    let meta_root = PathBuf::from(meta.workspace_root.as_str());
    let root = input.root.unwrap_or_else(|| meta_root.clone());
    let rebase = |p: &Path| match p.strip_prefix(&meta_root) {
        Ok(rel) => root.join(rel),
        Err(_) => p.to_path_buf(),
    };
    let lock = match &input.lockfile {
        Some(src) => Some(super::lockfile::parse(src)?),
        None => None,
    };
    let lock_index = lock_index(lock.as_ref());
    let by_id: HashMap<&str, &cargo_metadata::Package> = meta
        .packages
        .iter()
        .map(|p| (p.id.repr.as_str(), p))
        .collect();
    let members: std::collections::HashSet<&str> = meta
        .workspace_members
        .iter()
        .map(|m| m.repr.as_str())
        .collect();
    let mut graph = DiGraph::with_capacity(resolve.nodes.len(), resolve.nodes.len() * 3);
    let mut index: HashMap<&str, NodeIndex> = HashMap::new();
    let mut nodes: Vec<&cargo_metadata::Node> = resolve.nodes.iter().collect();
    nodes.sort_by(|a, b| a.id.repr.cmp(&b.id.repr));
    check_node_deps(json, &nodes)?;
    let built = super::features::build_set(&meta);
    let mut not_built = Vec::new();
    for node in &nodes {
        let Some(p) = by_id.get(node.id.repr.as_str()) else {
            let msg = format!("node `{}` has no package entry", node.id.repr);
            return Err(bad_node(json, msg));
        };
        if !built.built.contains(node.id.repr.as_str()) {
            not_built.push(format!("{} {}", p.name, p.version));
            continue;
        }
        let is_member = members.contains(node.id.repr.as_str());
        let ix = graph.add_node(package(p, node, &lock_index, is_member, &rebase));
        index.insert(node.id.repr.as_str(), ix);
    }
    not_built.sort();
    for node in nodes
        .iter()
        .filter(|n| index.contains_key(n.id.repr.as_str()))
    {
        add_edges(&mut graph, &index, node, &platforms, &built)?;
    }
    let mut g = Graph {
        mode: Mode::Metadata,
        graph,
        repo_root: super::find_repo_root(&root),
        workspace_root: root,
        lock_version: lock.as_ref().map(|l| l.version),
        lockfile: input.lockfile,
        targets: input.targets.to_vec(),
        manifests: std::collections::BTreeMap::new(),
        dependents_index: std::sync::OnceLock::new(),
        toolchain: None,
        license_data: super::license_data::LicenseData::for_mode(Mode::Metadata),
        not_built,
        entries: Vec::new(),
        unidentified: Vec::new(),
    };
    g.toolchain = super::toolchain::read(&g.workspace_root, g.display_base())?;
    super::exposure::compute(&mut g);
    read_member_manifests(&mut g);
    Ok(g)
}

fn dep_kind(kind: DependencyKind) -> DepKind {
    match kind {
        DependencyKind::Development => DepKind::Dev,
        DependencyKind::Build => DepKind::Build,
        _ => DepKind::Normal,
    }
}

fn declared(p: &cargo_metadata::Package, rebase: &dyn Fn(&Path) -> PathBuf) -> Vec<DeclaredDep> {
    p.dependencies
        .iter()
        .map(|d| DeclaredDep {
            name: d.name.clone(),
            req: d.req.to_string(),
            kind: dep_kind(d.kind),
            target: d.target.as_ref().map(|t| t.to_string()),
            path: d.path.as_ref().map(|x| rebase(Path::new(x.as_str()))),
            source: d.source.as_ref().map(|s| s.to_string()),
        })
        .collect()
}

/// Reads and indexes each member's Cargo.toml so findings can point at
/// dependency lines. A manifest that cannot be read is skipped: cargo has
/// already validated it, and its findings keep their Cargo.lock location.
fn read_member_manifests(g: &mut Graph) {
    let members: Vec<NodeIndex> = g.members().collect();
    for ix in members {
        let Some(path) = g.package(ix).manifest_path.clone() else {
            continue;
        };
        let display = crate::location::display_path(Some(g.display_base()), &path);
        let links = crate::input::Links::Follow;
        let Ok(text) = crate::input::read_text(&path, &display, crate::input::MAX_SMALL, links)
        else {
            continue;
        };
        if let Some(m) = super::manifest::Manifest::parse(SourceText::new(display, text)) {
            g.manifests.insert(ix, m);
        }
    }
}
