//! Where the graph's license fields came from. Metadata mode has them
//! from `cargo metadata`. A Cargo.lock has none; `--license-data
//! cargo-cache` opts in to reading the manifests of crates.io packages
//! from the local cargo registry source cache
//! (`$CARGO_HOME/registry/src/<index>/<name>-<version>/Cargo.toml`),
//! which cargo normalizes on publish. Only TOML is read; nothing runs.
//! The report lists which crates were found, so a result never depends
//! silently on one machine's cache.

use super::Graph;
pub use crate::model::LicenseData;
use std::path::{Path, PathBuf};

/// `--license-data`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LicenseDataOption {
    /// What the mode gives: metadata has license fields, a Cargo.lock has none.
    #[default]
    Default,
    /// Lockfile mode: read crates.io manifests from the local cargo registry cache.
    CargoCache,
}

impl LicenseDataOption {
    pub const NAMES: [&'static str; 2] = ["default", "cargo-cache"];
}

impl std::str::FromStr for LicenseDataOption {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "default" => Ok(LicenseDataOption::Default),
            "cargo-cache" => Ok(LicenseDataOption::CargoCache),
            _ => Err(format!("expected one of: {}", Self::NAMES.join(", "))),
        }
    }
}

/// The cargo registry cache directories that hold crates.io sources
/// (`index.crates.io-*` for the sparse index, `github.com-*` for the git
/// index), sorted so the first match is the same on every run.
fn crates_io_dirs(cargo_home: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(cargo_home.join("registry").join("src")) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with("index.crates.io-") || n.starts_with("github.com-")
        })
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

/// Largest manifest read from the cache; cargo's own limit on a packaged
/// Cargo.toml is far below this.
const MAX_MANIFEST: u64 = 1 << 20;

/// Whether `name` can be a crates.io crate name, so that joining it into a
/// cache path cannot leave the cache (a Cargo.lock is untrusted input).
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Reads a regular file (not a link, FIFO or device) of at most `max` bytes.
pub fn read_regular(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > max {
        return Err(std::io::Error::other(format!("larger than {max} bytes")));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!("larger than {max} bytes")));
    }
    Ok(bytes)
}

/// The `[package]` license fields of a cached manifest.
fn read_manifest(path: &Path) -> Option<(Option<String>, Option<String>)> {
    let text = String::from_utf8(read_regular(path, MAX_MANIFEST).ok()?).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    let pkg = table.get("package")?.as_table()?;
    let field = |k: &str| pkg.get(k).and_then(|v| v.as_str()).map(str::to_string);
    Some((field("license"), field("license-file")))
}

/// Fills license fields of crates.io packages from the cache under
/// `cargo_home`; returns the account for the report.
pub fn from_cargo_cache(g: &mut Graph, cargo_home: &Path) -> LicenseData {
    let dirs = crates_io_dirs(cargo_home);
    let mut data = LicenseData {
        source: "cargo-cache",
        ..LicenseData::default()
    };
    let ixs: Vec<_> = g.graph.node_indices().collect();
    for ix in ixs {
        let pkg = &g.graph[ix];
        if !pkg.source.is_crates_io() {
            continue;
        }
        let key = format!("{} {}", pkg.name, pkg.version);
        let dir_name = format!("{}-{}", pkg.name, pkg.version);
        // A semver version has no `/`; the name is checked here.
        let hit = dirs.iter().filter(|_| plain_name(&pkg.name)).find_map(|d| {
            let manifest = d.join(&dir_name).join("Cargo.toml");
            read_manifest(&manifest).map(|fields| (manifest, fields))
        });
        match hit {
            Some((manifest, (license, license_file))) => {
                let pkg = &mut g.graph[ix];
                pkg.license = license;
                pkg.license_file = license_file;
                pkg.manifest_path = Some(manifest);
                data.found.push(key);
            }
            None => data.missing.push(key),
        }
    }
    data.found.sort();
    data.missing.sort();
    data
}
