//! Which license expression a package is judged by: a `[[licenses.clarify]]`
//! entry whose license files still hash as pinned, else the package's own
//! `license` field (from cargo metadata, or from the cargo registry cache
//! with `--license-data cargo-cache`). Reading a crate's license files is
//! the only I/O, and it reads only below the crate's own root.

use super::config::{Clarify, LicensePolicy, applies};
use crate::graph::license_data::read_regular;
use crate::graph::{Graph, Mode, Package};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Component, Path};
use std::sync::Arc;

/// Where the expression a package is judged by came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The package's `license` field.
    Declared,
    /// `[[licenses.clarify]]` entry number `n`.
    Clarified(usize),
}

/// A parsed license field.
#[derive(Debug, Clone)]
pub enum Parsed {
    /// No expression; the reason says why.
    Unknown(String),
    Valid(Arc<spdx::Expression>),
    /// A legacy form read leniently, e.g. `MIT/Apache-2.0`.
    Imprecise(Arc<spdx::Expression>),
    /// Not an expression even leniently: the parse error.
    Invalid(String),
}

/// A clarification that matched the crate but no longer applies.
#[derive(Debug, Clone)]
pub struct Stale {
    pub clarify: usize,
    pub why: String,
}

/// The expression a package is judged by.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub text: Option<String>,
    pub origin: Origin,
    pub parsed: Parsed,
    pub stale: Vec<Stale>,
}

/// Parses strictly; else reads a legacy form the way the ecosystem does:
/// the spdx crate's canonical form (`/` is `OR`, `GPL-2.0+` is
/// `GPL-2.0-or-later`, the deprecated `GPL-2.0` is `GPL-2.0-only`,
/// `Apache2` is `Apache-2.0`), parsed strictly, so that deny-lists and the
/// copyleft table see current ids; else the lenient parse as it stands.
impl Resolved {
    /// Where the expression came from: `clarify`, `cargo-cache` or `manifest`.
    pub fn source(&self, g: &Graph) -> &'static str {
        match self.origin {
            Origin::Clarified(_) => "clarify",
            Origin::Declared if g.license_data.source == "cargo-cache" => "cargo-cache",
            Origin::Declared => "manifest",
        }
    }
}

pub fn parse(text: &str) -> Parsed {
    if let Ok(e) = spdx::Expression::parse(text) {
        return Parsed::Valid(Arc::new(e));
    }
    if let Ok(Some(canon)) = spdx::Expression::canonicalize(text) {
        if let Ok(e) = spdx::Expression::parse(&canon) {
            return Parsed::Imprecise(Arc::new(e));
        }
    }
    match spdx::Expression::parse_mode(text, spdx::ParseMode::LAX) {
        Ok(e) => Parsed::Imprecise(Arc::new(e)),
        Err(err) => Parsed::Invalid(err.reason.to_string()),
    }
}

/// Parsed expressions by text: a graph repeats a few dozen license
/// strings over hundreds of packages.
#[derive(Debug, Default)]
pub struct ParseCache(HashMap<String, Parsed>);

impl ParseCache {
    pub fn parse(&mut self, text: &str) -> Parsed {
        if let Some(p) = self.0.get(text) {
            return p.clone();
        }
        let parsed = parse(text);
        self.0.insert(text.to_string(), parsed.clone());
        parsed
    }
}

pub fn resolve(p: &LicensePolicy, g: &Graph, pkg: &Package, cache: &mut ParseCache) -> Resolved {
    let mut stale = Vec::new();
    for (i, c) in p.clarify.iter().enumerate() {
        if !applies(&c.krate, &c.versions, &pkg.name, &pkg.version) {
            continue;
        }
        match check_files(c, pkg) {
            Ok(()) => {
                return Resolved {
                    text: Some(c.expression.clone()),
                    origin: Origin::Clarified(i),
                    parsed: cache.parse(&c.expression),
                    stale,
                };
            }
            Err(why) => stale.push(Stale { clarify: i, why }),
        }
    }
    let text = pkg.license.clone().filter(|t| !t.trim().is_empty());
    let parsed = match &text {
        Some(t) => cache.parse(t),
        None => Parsed::Unknown(unknown_reason(g, pkg)),
    };
    Resolved {
        text,
        origin: Origin::Declared,
        parsed,
        stale,
    }
}

/// Why a package has no license expression.
fn unknown_reason(g: &Graph, pkg: &Package) -> String {
    match g.mode {
        Mode::LockfileOnly if g.license_data.source != "cargo-cache" => {
            "Cargo.lock carries no license data (use metadata mode, or opt in with `--license-data cargo-cache`)".into()
        }
        Mode::LockfileOnly if pkg.manifest_path.is_none() => {
            if pkg.source.is_crates_io() {
                "its manifest is not in the local cargo registry cache".into()
            } else {
                "`--license-data cargo-cache` reads crates.io packages only".into()
            }
        }
        Mode::Artifact => "the audit data cargo-auditable embeds carries no license data".into(),
        Mode::Sbom if pkg.license.is_none() => "the SBOM gives no license for this component".into(),
        _ if pkg.license_file.is_some() => "it has only a `license-file`".into(),
        _ => "it declares no license".into(),
    }
}

/// Largest license file hashed.
const MAX_LICENSE_FILE: u64 = 16 << 20;

/// Whether every pinned license file of `c` still hashes as pinned.
fn check_files(c: &Clarify, pkg: &Package) -> Result<(), String> {
    if c.files.is_empty() {
        return Ok(());
    }
    let Some(root) = pkg.manifest_path.as_deref().and_then(Path::parent) else {
        return Err("the crate's source is not available (lockfile mode without `--license-data cargo-cache`)".into());
    };
    for (rel, want) in &c.files {
        let rel_path = Path::new(rel);
        if !rel_path
            .components()
            .all(|comp| matches!(comp, Component::Normal(_) | Component::CurDir))
        {
            return Err(format!("`{rel}` is not a path inside the crate"));
        }
        // The file must resolve inside the crate (no link in any component
        // leads out), and be a regular file of sane size.
        let file = root.join(rel_path);
        let inside = match (file.canonicalize(), root.canonicalize()) {
            (Ok(f), Ok(r)) => f.starts_with(r),
            (Err(e), _) | (_, Err(e)) => {
                return Err(format!("cannot read `{rel}` in the crate: {e}"));
            }
        };
        if !inside {
            return Err(format!("`{rel}` resolves to a file outside the crate"));
        }
        let bytes = read_regular(&file, MAX_LICENSE_FILE)
            .map_err(|e| format!("cannot read `{rel}` in the crate: {e}"))?;
        let got = crate::model::hex(&Sha256::digest(&bytes));
        if got != *want {
            return Err(format!(
                "`{rel}` has changed: its SHA-256 is {got}, the clarification pins {want}"
            ));
        }
    }
    Ok(())
}
