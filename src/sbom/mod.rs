//! CycloneDX SBOMs of the graph (`depgate sbom`): JSON, spec 1.6 (or 1.5),
//! byte-for-byte reproducible.
//!
//! - **Components:** every package that ships (`scope: required`), the
//!   build-only ones as `excluded`, and the dev-only ones only with
//!   `include_dev` (then `excluded`). Packages of inactive targets are left
//!   out, so `--target` gives each shipped target its own SBOM.
//! - **Identity:** `bom-ref` is the package id (`name version (source)`,
//!   unique in a graph); `purl` is `pkg:cargo/NAME@VERSION`, with
//!   `repository_url` for another registry and `vcs_url` for git.
//! - **Hashes:** the Cargo.lock checksum as SHA-256. A package without one
//!   says why in the property `depgate:no-hash`, never a silent gap.
//! - **Reproducible:** components and dependencies are sorted by
//!   `bom-ref`; the timestamp is given or absent; the serial number is a
//!   UUID derived from the content.

mod git;
mod json;

use crate::graph::{Graph, Package, Source};
use crate::model::Exposure;
use petgraph::graph::NodeIndex;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt::Write;

/// What the SBOM holds beyond the graph.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `1.6` (default) or `1.5`.
    pub spec: Spec,
    /// List dev-only packages, as `excluded`.
    pub include_dev: bool,
    /// RFC 3339 timestamp (`SOURCE_DATE_EPOCH` or `--today`); none if absent.
    pub timestamp: Option<String>,
    /// The features the graph was resolved with, as the command line gave them.
    pub features: Vec<String>,
    /// Record the commit of the repository holding the workspace (not for
    /// a saved `cargo metadata` JSON, whose tree is elsewhere).
    pub source_commit: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Spec {
    #[default]
    V1_6,
    V1_5,
}

impl Spec {
    pub const NAMES: [&'static str; 2] = ["1.6", "1.5"];

    pub fn parse(s: &str) -> Option<Spec> {
        match s {
            "1.6" => Some(Spec::V1_6),
            "1.5" => Some(Spec::V1_5),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Spec::V1_6 => "1.6",
            Spec::V1_5 => "1.5",
        }
    }
}

/// Whether and how a package appears: `None` when it is left out.
fn scope(p: &Package, opts: &Options) -> Option<&'static str> {
    match p.exposure {
        Exposure::Normal | Exposure::Unknown => Some("required"),
        Exposure::BuildOnly => Some("excluded"),
        Exposure::DevOnly => opts.include_dev.then_some("excluded"),
        Exposure::InactiveTarget => None,
    }
}

/// Percent-encodes what a purl must not carry raw (RFC 3986 unreserved,
/// plus `:` and `/` in qualifier values, are kept).
fn encode(s: &str, keep_path: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (keep_path && matches!(b, b':' | b'/'));
        if keep {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `pkg:cargo/NAME@VERSION`, with the source as a qualifier.
pub fn purl(p: &Package) -> String {
    let version = crate::graph::version_string(&p.version);
    let base = format!(
        "pkg:cargo/{}@{}",
        encode(&p.name, false),
        encode(&version, false)
    );
    match &p.source {
        Source::Registry { url, .. } => format!("{base}?repository_url={}", encode(url, true)),
        Source::Git { url, commit, .. } => {
            let at = commit
                .as_deref()
                .map(|c| format!("@{c}"))
                .unwrap_or_default();
            format!("{base}?vcs_url={}", encode(&format!("git+{url}{at}"), true))
        }
        _ => base,
    }
}

/// Why a package has no SHA-256, when it has none.
fn no_hash(p: &Package) -> Option<&'static str> {
    if p.checksum.is_some() {
        return None;
    }
    Some(match p.source {
        Source::Path => "a path package: built from local sources, no registry checksum",
        Source::Git { .. } => "a git package: Cargo.lock records a commit, not a checksum",
        _ => "Cargo.lock records no checksum for this package",
    })
}

/// The included packages: workspace members, then the components.
struct Selection {
    members: Vec<NodeIndex>,
    components: Vec<(NodeIndex, &'static str)>,
}

fn select(g: &Graph, opts: &Options) -> Selection {
    let mut members = Vec::new();
    let mut components = Vec::new();
    for (ix, p) in g.packages() {
        if p.is_member {
            members.push(ix);
        } else if let Some(s) = scope(p, opts) {
            components.push((ix, s));
        }
    }
    let id = |ix: NodeIndex| g.package(ix).id.as_str();
    members.sort_by(|a, b| id(*a).cmp(id(*b)));
    components.sort_by(|a, b| id(a.0).cmp(id(b.0)));
    Selection {
        members,
        components,
    }
}

/// The SBOM of `g` as CycloneDX JSON, with a trailing newline.
pub fn cyclonedx(g: &Graph, opts: &Options) -> String {
    let sel = select(g, opts);
    let included: BTreeSet<NodeIndex> = sel
        .members
        .iter()
        .copied()
        .chain(sel.components.iter().map(|(ix, _)| *ix))
        .collect();
    let mut doc = json::Document {
        format: "CycloneDX",
        spec: opts.spec.as_str(),
        serial: String::new(),
        version: 1,
        metadata: json::metadata(
            g,
            opts,
            &sel.members,
            git::commit(g).filter(|_| opts.source_commit),
        ),
        components: sel
            .components
            .iter()
            .map(|&(ix, scope)| json::component(g.package(ix), Some(scope)))
            .collect(),
        dependencies: included
            .iter()
            .map(|&ix| json::Dependency {
                reference: g.package(ix).id.clone(),
                depends_on: g
                    .dependencies(ix)
                    .into_iter()
                    .filter(|d| included.contains(d))
                    .map(|d| g.package(d).id.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            })
            .collect(),
    };
    doc.dependencies
        .sort_by(|a, b| a.reference.cmp(&b.reference));
    // The serial number names this content: the document without it.
    let unsigned = doc.to_json();
    doc.serial = uuid_of(unsigned.as_bytes());
    doc.to_json()
}

/// `urn:uuid:` and a name-based UUID (version 5 layout over SHA-256).
fn uuid_of(bytes: &[u8]) -> String {
    let mut h = Sha256::digest(bytes)[..16].to_vec();
    h[6] = (h[6] & 0x0f) | 0x50;
    h[8] = (h[8] & 0x3f) | 0x80;
    let hex = crate::model::hex(&h);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_well_formed_and_stable() {
        let a = uuid_of(b"x");
        assert_eq!(a, uuid_of(b"x"));
        assert_ne!(a, uuid_of(b"y"));
        let u = a.strip_prefix("urn:uuid:").unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "5");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn purl_values_are_encoded() {
        assert_eq!(encode("1.0.0+build.1", false), "1.0.0%2Bbuild.1");
        assert_eq!(encode("https://x.org/a b", true), "https://x.org/a%20b");
    }
}
