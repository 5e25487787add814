//! Cargo.lock loader (`--lockfile-only`, and the checksum/line source in
//! metadata mode). Reads lockfile versions 1-4 with no cargo, no network and
//! no other repository file. Every error names the file and line. This is
//! the hot path of fleet scans: one TOML parse, then index lookups.

use super::{Dep, Graph, Mode, Package, Source};
use crate::error::{Error, Result};
use crate::location::SourceText;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use toml::Spanned;

#[derive(Deserialize)]
pub(crate) struct RawLock {
    pub(crate) version: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) package: Vec<Spanned<RawPackage>>,
    /// Lockfile v1 predates v2's per-package `checksum` and stores checksums here.
    pub(crate) metadata: Option<BTreeMap<String, String>>,
    /// Very old v1 lockfiles put the root package in its own table.
    pub(crate) root: Option<Spanned<RawPackage>>,
}

#[derive(Deserialize)]
pub(crate) struct RawPackage {
    pub(crate) name: String,
    pub(crate) version: Spanned<String>,
    pub(crate) source: Option<String>,
    pub(crate) checksum: Option<String>,
    #[serde(default)]
    pub(crate) dependencies: Vec<Spanned<String>>,
    /// The fast reader's dependency strings, as byte ranges of the quoted
    /// strings in the text (instead of `dependencies`: no allocation each).
    #[serde(skip)]
    pub(crate) dep_ranges: Vec<std::ops::Range<usize>>,
}

/// A package's dependency strings, owned (TOML parser) or in the text.
pub(crate) enum DepList {
    Owned(Vec<Spanned<String>>),
    InText(Vec<std::ops::Range<usize>>),
}

impl Default for RawPackage {
    fn default() -> Self {
        RawPackage {
            name: String::new(),
            version: Spanned::new(0..0, String::new()),
            source: None,
            checksum: None,
            dependencies: Vec::new(),
            dep_ranges: Vec::new(),
        }
    }
}

/// A parsed Cargo.lock: packages in file order with their lines, and edges.
#[derive(Debug, PartialEq, Eq)]
pub struct Lockfile {
    pub version: u32,
    pub packages: Vec<LockPackage>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct LockPackage {
    pub name: String,
    pub version: semver::Version,
    pub source: Option<String>,
    pub checksum: Option<String>,
    /// Line of the `[[package]]` header.
    pub line: u32,
    /// Indices into `Lockfile::packages`.
    pub dependencies: Vec<usize>,
}

impl LockPackage {
    /// `name version (source)` as in lockfile v1 dependency lists.
    pub fn id(&self) -> String {
        let source = self.source.as_deref().unwrap_or_default();
        let mut id = String::with_capacity(self.name.len() + source.len() + 16);
        id.push_str(&self.name);
        id.push(' ');
        super::push_version(&mut id, &self.version);
        if let Some(s) = &self.source {
            id.push_str(" (");
            id.push_str(s);
            id.push(')');
        }
        id
    }
}

/// Parses Cargo.lock text. `src.display` names the file in errors.
pub fn parse(src: &SourceText) -> Result<Lockfile> {
    let fast = super::lockfile_fast::parse(&src.text);
    let raw: RawLock = match fast {
        Some(raw) => raw,
        None => parse_toml(src)?,
    };
    finish(src, raw)
}

/// Parses Cargo.lock text with the full TOML parser only (the fast
/// reader's reference in tests).
pub fn parse_toml_only(src: &SourceText) -> Result<Lockfile> {
    let raw = parse_toml(src)?;
    finish(src, raw)
}

/// The full TOML parser: any layout, and every syntax error's place.
fn parse_toml(src: &SourceText) -> Result<RawLock> {
    toml::from_str(&src.text).map_err(|e| Error::toml(src, e.span(), e.message()))
}

/// Semantic stage shared by both readers: versions, duplicates, checksums,
/// and dependency strings resolved to entries.
fn finish(src: &SourceText, raw: RawLock) -> Result<Lockfile> {
    let version = lock_version(src, &raw)?;
    let v1_checksums = v1_checksum_table(raw.metadata.as_ref());

    // A v1 `[root]` goes first; otherwise the vector is reused as it is.
    let mut entries: Vec<Spanned<RawPackage>> = raw.package;
    if let Some(root) = raw.root {
        entries.insert(0, root);
    }
    // Cargo writes at least the workspace's own packages.
    if entries.is_empty() {
        let msg = "no [[package]] entries: this is not a Cargo.lock";
        return Err(Error::input(&src.display, (1, 1), "package", msg));
    }
    // The entries' strings move into the packages; dependency strings are
    // resolved once every package is known.
    let mut packages = Vec::with_capacity(entries.len());
    let mut dep_lists = Vec::with_capacity(entries.len());
    for entry in entries {
        let line = header_line(src, entry.span().start);
        let p = entry.into_inner();
        check_name(src, line, &p)?;
        let version = semver::Version::parse(p.version.get_ref()).map_err(|e| {
            Error::at(
                src,
                src.line_col(p.version.span().start),
                format!("package[{}].version", p.name),
                format!("invalid version `{}`: {e}", p.version.get_ref()),
            )
        })?;
        let checksum = p.checksum.or_else(|| {
            if v1_checksums.is_empty() {
                return None;
            }
            let id = match &p.source {
                Some(s) => format!("{} {} ({s})", p.name, version),
                None => format!("{} {}", p.name, version),
            };
            v1_checksums.get(id.as_str()).map(|c| c.to_string())
        });
        dep_lists.push(if p.dep_ranges.is_empty() {
            DepList::Owned(p.dependencies)
        } else {
            DepList::InText(p.dep_ranges)
        });
        packages.push(LockPackage {
            name: p.name,
            version,
            source: p.source,
            checksum,
            line,
            dependencies: Vec::new(),
        });
    }
    super::lockfile_resolve::resolve_all(src, &mut packages, &dep_lists)?;
    Ok(Lockfile { version, packages })
}

/// Registry crate names are ASCII, as crates.io and cargo's index paths
/// require (`[A-Za-z0-9_-]`, at most 64); an untrusted lockfile can write
/// anything. Path and git packages may have Unicode names, as cargo allows,
/// but never an empty one or control characters.
fn check_name(src: &SourceText, line: u32, p: &RawPackage) -> Result<()> {
    let registry = p
        .source
        .as_deref()
        .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"));
    let why = if p.name.is_empty() {
        Some("an empty package name")
    } else if p.name.chars().any(char::is_control) {
        Some("a package name with control characters")
    } else if registry
        && (p.name.len() > 64
            || !p
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        Some("a registry package name that is not 1-64 ASCII letters, digits, `-` or `_`")
    } else {
        None
    };
    let bad_checksum = p
        .checksum
        .as_deref()
        .filter(|c| c.len() != 64 || !c.bytes().fold(true, |ok, b| ok & b.is_ascii_hexdigit()));
    if let Some(c) = bad_checksum {
        return Err(Error::at(
            src,
            (line, 1),
            format!("package[{}].checksum", p.name.escape_debug()),
            format!(
                "`{}` is not a SHA-256 checksum (64 hex digits)",
                c.escape_debug()
            ),
        ));
    }
    match why {
        None => Ok(()),
        Some(why) => Err(Error::at(
            src,
            (line, 1),
            format!("package[{}].name", p.name.escape_debug()),
            format!("{why}: `{}`", p.name.escape_debug()),
        )),
    }
}

fn lock_version(src: &SourceText, raw: &RawLock) -> Result<u32> {
    if let Some(v) = &raw.version {
        return match *v.get_ref() {
            n @ 1..=4 => Ok(n as u32),
            n => Err(Error::at(
                src,
                src.line_col(v.span().start),
                "version",
                format!("unsupported lockfile version {n} (depgate reads versions 1 to 4)"),
            )),
        };
    }
    // No marker: v1 keeps checksums in [metadata] and spells out every
    // dependency; v2 puts checksums inline and shortens unambiguous deps.
    let has_metadata = raw.metadata.as_ref().is_some_and(|m| !m.is_empty());
    let inline_checksum = raw.package.iter().any(|p| p.get_ref().checksum.is_some());
    let quoted = |r: &std::ops::Range<usize>| src.text.get(r.start + 1..r.end - 1).unwrap_or("");
    let short_dep = raw.package.iter().any(|p| {
        let p = p.get_ref();
        p.dependencies.iter().any(|d| !d.get_ref().contains(' '))
            || p.dep_ranges.iter().any(|r| !quoted(r).contains(' '))
    });
    Ok(if !has_metadata && (inline_checksum || short_dep) {
        2
    } else {
        1
    })
}

fn v1_checksum_table(meta: Option<&BTreeMap<String, String>>) -> HashMap<&str, &str> {
    meta.into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.strip_prefix("checksum ")?, v.as_str())))
        .filter(|(_, v)| *v != "<none>")
        .collect()
}

/// Line of the `[[package]]` header that opens the table at `offset`.
fn header_line(src: &SourceText, offset: usize) -> u32 {
    // The fast reader's spans start at the header: no search needed.
    if src
        .text
        .get(offset..)
        .is_some_and(|t| t.starts_with("[[package]]"))
    {
        return src.line_col(offset).0;
    }
    // The span may start at the header itself or at the first key after it.
    let end = (offset + "[[package]]".len()).min(src.text.len());
    let head = src.text.get(..end).unwrap_or(&src.text);
    let at = head
        .rfind("[[package]]")
        .or_else(|| head.rfind("[root]"))
        .unwrap_or(offset);
    src.line_col(at).0
}

/// Builds the graph from Cargo.lock alone. Path packages (no `source`) are
/// the workspace's own crates and count as members; exposure is unknown.
pub fn load_graph(src: SourceText, workspace_root: std::path::PathBuf) -> Result<Graph> {
    let lock = parse(&src)?;
    let mut graph = DiGraph::with_capacity(lock.packages.len(), lock.packages.len() * 3);
    let mut edges = Vec::with_capacity(lock.packages.len() * 3);
    for (i, p) in lock.packages.into_iter().enumerate() {
        edges.extend(p.dependencies.iter().map(|&d| (i, d)));
        graph.add_node(package_from_lock(p));
    }
    for (i, d) in edges {
        graph.add_edge(NodeIndex::new(i), NodeIndex::new(d), Dep::default());
    }
    Ok(Graph {
        mode: Mode::LockfileOnly,
        graph,
        repo_root: super::find_repo_root(&workspace_root),
        workspace_root,
        lock_version: Some(lock.version),
        lockfile: Some(src),
        targets: Vec::new(),
        manifests: BTreeMap::new(),
        dependents_index: std::sync::OnceLock::new(),
        toolchain: None,
        license_data: super::license_data::LicenseData::for_mode(Mode::LockfileOnly),
        not_built: Vec::new(),
        entries: Vec::new(),
        unidentified: Vec::new(),
    })
}

fn package_from_lock(p: LockPackage) -> Package {
    let id = p.id();
    Package {
        is_member: p.source.is_none(),
        checksum: p.checksum,
        lock_line: Some(p.line),
        ..Package::new(id, p.name, p.version, Source::parse_owned(p.source))
    }
}

#[cfg(test)]
#[path = "lockfile_tests.rs"]
mod tests;
