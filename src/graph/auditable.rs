//! Binaries built with `cargo auditable` as the graph (`depgate artifact`).
//! Each carries its dependency list in a `.dep-v0` section (zlib-compressed
//! JSON, read by `auditable-info` from ELF, Mach-O, PE or WebAssembly).
//! Several binaries make one graph: a package present in several is one
//! node, located at every binary that ships it. The audit data records
//! names, versions, source kinds, build/runtime kinds and edges; no
//! checksums, licenses or registry URLs.

use super::{Dep, Exposure, Graph, Mode, Package, Source};
use crate::error::{Error, Result};
use crate::location::Location;
use auditable_serde::{DependencyKind, VersionInfo};
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;

/// Largest decompressed audit data (cargo-auditable's own default).
pub const MAX_AUDIT_JSON: usize = 8 << 20;

/// One binary's bytes, with the path it is reported under.
pub struct Binary {
    pub shown: String,
    pub bytes: Vec<u8>,
}

/// The audit data of one binary, checked.
pub fn audit_data(bin: &Binary) -> Result<VersionInfo> {
    let err = |key: &str, msg: String| Error::input(&bin.shown, (1, 1), key, msg);
    let json = auditable_info::json_from_slice(&bin.bytes, MAX_AUDIT_JSON).map_err(|e| match e {
        auditable_info::Error::NoAuditData => err(
            "",
            "no cargo-auditable data (no `.dep-v0` section): build it with `cargo auditable build`, or check its SBOM with `depgate check --sbom`".into(),
        ),
        auditable_info::Error::BinaryParsing(e) => err(
            "",
            format!("cannot read it as an ELF, Mach-O, PE or WebAssembly binary: {e}"),
        ),
        other => err(".dep-v0", format!("cannot read the audit data: {other}")),
    })?;
    let info: VersionInfo = serde_json::from_str(&json)
        .map_err(|e| err(".dep-v0", format!("malformed audit data: {e}")))?;
    let n = info.packages.len();
    for (i, p) in info.packages.iter().enumerate() {
        if let Some(d) = p.dependencies.iter().find(|&&d| d >= n) {
            return Err(err(
                &format!(".dep-v0 packages[{i}].dependencies"),
                format!("dependency index {d} is out of range ({n} packages)"),
            ));
        }
    }
    Ok(info)
}

fn source_of(s: &auditable_serde::Source) -> Source {
    use auditable_serde::Source as A;
    match s {
        A::CratesIo => Source::parse(Some(super::source::CRATES_IO_SPARSE)),
        A::Local => Source::Path,
        A::Git => Source::Git {
            url: "(a git repository the audit data does not name)".into(),
            reference: super::GitReference::DefaultBranch,
            commit: None,
            raw: "git".into(),
        },
        A::Registry => Source::Registry {
            url: "(a registry the audit data does not name)".into(),
            raw: "registry".into(),
        },
        other => Source::Other {
            raw: String::from(other.clone()),
        },
    }
}

/// The union graph of `binaries`, rooted at `root`.
pub fn load_graph(binaries: &[Binary], root: std::path::PathBuf) -> Result<Graph> {
    let mut graph = Graph::empty(Mode::Artifact, root);
    let mut by_id: FxHashMap<String, NodeIndex> = FxHashMap::default();
    for bin in binaries {
        let info = audit_data(bin)?;
        let mut nodes = Vec::with_capacity(info.packages.len());
        for p in &info.packages {
            let source = source_of(&p.source);
            let id = match source.raw() {
                Some(raw) => format!("{} {} ({raw})", p.name, p.version),
                None => format!("{} {}", p.name, p.version),
            };
            let exposure = match p.kind {
                DependencyKind::Runtime => Exposure::Normal,
                DependencyKind::Build => Exposure::BuildOnly,
            };
            let at = Location {
                path: bin.shown.clone(),
                line: 1,
                column: 1,
                label: format!(
                    "`{} {}` in the audit data of `{}`",
                    p.name, p.version, bin.shown
                ),
            };
            let ix = *by_id.entry(id.clone()).or_insert_with(|| {
                let pkg = Package {
                    is_member: p.root,
                    exposure,
                    ..Package::new(id, p.name.clone(), p.version.clone(), source)
                };
                graph.entries.push(Vec::new());
                graph.graph.add_node(pkg)
            });
            let pkg = &mut graph.graph[ix];
            pkg.exposure = pkg.exposure.min(exposure);
            pkg.is_member |= p.root;
            graph.entries[ix.index()].push(at);
            nodes.push(ix);
        }
        for (i, p) in info.packages.iter().enumerate() {
            for &d in &p.dependencies {
                let (from, to) = (nodes[i], nodes[d]);
                if graph.graph.find_edge(from, to).is_none() {
                    graph.graph.add_edge(from, to, Dep::default());
                }
            }
        }
    }
    Ok(graph)
}
