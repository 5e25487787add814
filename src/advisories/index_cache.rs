//! Yanked releases, read from cargo's local registry index cache
//! (`$CARGO_HOME/registry/index/*/.cache/`), never from the network. Only
//! used when the policy opts in (`advisories.yanked.source =
//! "cargo-index-cache"`), so results never depend silently on what a
//! machine happens to have cached; crates missing from the cache are
//! listed, not guessed.
//!
//! Cache file format (cargo's `index/cache.rs`): one byte cache version,
//! a little-endian u32 index format version, the index version string and
//! a NUL, then pairs of `version NUL json NUL`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct IndexCache {
    /// (name, version) → yanked.
    yanked: HashMap<(String, String), bool>,
    /// (name, version) → publish date, when the index records one.
    published: HashMap<(String, String), crate::date::Date>,
    /// Crates with no cache file.
    pub missing: BTreeSet<String>,
    /// The cache directories read.
    pub dirs: Vec<PathBuf>,
}

impl IndexCache {
    pub fn is_yanked(&self, name: &str, version: &str) -> Option<bool> {
        self.yanked
            .get(&(name.to_string(), version.to_string()))
            .copied()
    }

    /// The release date from the index's `pubtime`, when present.
    pub fn published(&self, name: &str, version: &str) -> Option<crate::date::Date> {
        self.published
            .get(&(name.to_string(), version.to_string()))
            .copied()
    }
}

/// Cargo's index path for a crate name (`ab/cd/abcd…`, `3/a/abc`, …).
fn relative_path(name: &str) -> PathBuf {
    // Split by characters, never by byte offset: the loaders only let ASCII
    // registry names through, but this must not panic on anything else.
    let n = name.to_lowercase();
    let chars: Vec<char> = n.chars().collect();
    let part = |r: std::ops::Range<usize>| chars[r].iter().collect::<String>();
    match chars.len() {
        0..=2 => PathBuf::from(chars.len().to_string()).join(&n),
        3 => PathBuf::from("3").join(part(0..1)).join(&n),
        _ => PathBuf::from(part(0..2)).join(part(2..4)).join(&n),
    }
}

fn parse_entries(bytes: &[u8], name: &str, cache: &mut IndexCache) {
    // Header: cache version, u32 index version, index version string + NUL.
    let Some(rest) = bytes.get(5..) else { return };
    let mut parts = rest.split(|b| *b == 0);
    let _index_version = parts.next();
    while let (Some(version), Some(json)) = (parts.next(), parts.next()) {
        let (Ok(version), Ok(value)) = (
            std::str::from_utf8(version),
            serde_json::from_slice::<serde_json::Value>(json),
        ) else {
            continue;
        };
        let key = (name.to_string(), version.to_string());
        let yanked = value
            .get("yanked")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        let pubtime = value.get("pubtime").and_then(serde_json::Value::as_str);
        if let Some(d) = pubtime.and_then(|t| crate::date::Date::parse(t.get(..10)?)) {
            cache.published.insert(key.clone(), d);
        }
        cache.yanked.insert(key, yanked);
    }
}

/// Reads the cache entries of the given crate names.
pub fn load<'a>(cargo_home: &Path, names: impl IntoIterator<Item = &'a str>) -> IndexCache {
    let mut cache = IndexCache::default();
    let index = cargo_home.join("registry/index");
    if let Ok(entries) = std::fs::read_dir(&index) {
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path().join(".cache"))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        cache.dirs = dirs;
    }
    for name in names.into_iter().collect::<BTreeSet<_>>() {
        let mut found = false;
        for dir in cache.dirs.clone() {
            if let Ok(bytes) = std::fs::read(dir.join(relative_path(name))) {
                parse_entries(&bytes, name, &mut cache);
                found = true;
            }
        }
        if !found {
            cache.missing.insert(name.to_string());
        }
    }
    cache
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_paths() {
        assert_eq!(relative_path("a"), PathBuf::from("1/a"));
        assert_eq!(relative_path("ab"), PathBuf::from("2/ab"));
        assert_eq!(relative_path("syn"), PathBuf::from("3/s/syn"));
        assert_eq!(relative_path("Itoa"), PathBuf::from("it/oa/itoa"));
        // Never a byte slice through a character.
        assert_eq!(relative_path("a\u{e9}b"), PathBuf::from("3/a/a\u{e9}b"));
        assert_eq!(
            relative_path("\u{e9}\u{e9}\u{e9}\u{e9}x"),
            PathBuf::from("\u{e9}\u{e9}/\u{e9}\u{e9}/\u{e9}\u{e9}\u{e9}\u{e9}x")
        );
    }

    #[test]
    fn parses_cache_entries() {
        let mut bytes = vec![3u8, 2, 0, 0, 0];
        bytes.extend_from_slice(b"Unknown\0");
        bytes.extend_from_slice(b"1.0.0\0{\"name\":\"x\",\"vers\":\"1.0.0\",\"yanked\":true}\0");
        bytes.extend_from_slice(b"1.0.1\0{\"name\":\"x\",\"vers\":\"1.0.1\",\"yanked\":false}\0");
        bytes.extend_from_slice(b"1.0.2\0{\"name\":\"x\",\"vers\":\"1.0.2\",\"yanked\":false,\"pubtime\":\"2025-03-04T10:00:00Z\"}\0");
        let mut cache = IndexCache::default();
        parse_entries(&bytes, "x", &mut cache);
        assert_eq!(cache.is_yanked("x", "1.0.0"), Some(true));
        assert_eq!(cache.is_yanked("x", "1.0.1"), Some(false));
        assert_eq!(
            cache
                .published("x", "1.0.2")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2025-03-04")
        );
        assert_eq!(cache.published("x", "1.0.1"), None);
    }
}
