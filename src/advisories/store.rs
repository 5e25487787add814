//! Where the advisory database comes from, in order: `--advisory-db DIR`;
//! the cache (`$DEPGATE_HOME/advisory-db`, by default a `depgate` folder
//! in the user's cache directory) written by `depgate db update`; else the
//! snapshot embedded in the binary, so `depgate check` works offline. A
//! database that is missing or unreadable is an error, never a pass.
//!
//! The embedded snapshot is the database in the binary [`index`] form
//! (`depgate db snapshot` writes it from a real database directory), so it
//! opens without parsing: only the crates a graph contains are decoded.
//!
//! [`index`]: super::index

use super::db::AdvisoryDb;
use super::index::{Bytes, Index};
use super::parsed_cache::Scope;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The embedded snapshot, written by `depgate db snapshot` (see the README).
static SNAPSHOT: &[u8] = include_bytes!("snapshot.idx");

/// `$DEPGATE_HOME`, else the platform cache directory plus `depgate`.
pub fn home() -> Option<PathBuf> {
    if let Some(h) = std::env::var_os("DEPGATE_HOME").filter(|h| !h.is_empty()) {
        return Some(PathBuf::from(h));
    }
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Caches"))
    } else {
        env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|h| h.join(".cache")))
    };
    base.map(|b| b.join("depgate"))
}

pub fn cache_dir() -> Option<PathBuf> {
    home().map(|h| h.join("advisory-db"))
}

/// Opens the database by the documented order.
/// `scope`: the crate names of the graph to check, when there is one graph
/// (see [`super::parsed_cache`]); `None` for every crate.
pub fn open(explicit: Option<&Path>, scope: Scope<'_>) -> Result<AdvisoryDb> {
    let parsed = home().map(|h| h.join("db-cache"));
    if let Some(dir) = explicit {
        return AdvisoryDb::load_scoped(dir, parsed.as_deref(), scope);
    }
    if let Some(dir) = cache_dir().filter(|d| d.join("crates").is_dir()) {
        let mut db = AdvisoryDb::load_scoped(&dir, parsed.as_deref(), scope)?;
        db.info.kind = "cache".into();
        return Ok(db);
    }
    embedded_scoped(scope)
}

/// The snapshot compiled into the binary (an [`index`] without stamps).
///
/// [`index`]: super::index
pub fn embedded() -> Result<AdvisoryDb> {
    embedded_scoped(None)
}

/// The embedded snapshot with the warnings of the crates in `scope`.
pub fn embedded_scoped(scope: Scope<'_>) -> Result<AdvisoryDb> {
    let origin = "the embedded advisory snapshot".to_string();
    let (index, (mut info, warnings)) = Index::open(Bytes::Static(SNAPSHOT), origin, |h| {
        Ok((h.info, h.warnings))
    })
    .map_err(|why| Error::Corrupt {
        what: "the advisory snapshot",
        why,
    })?;
    info.kind = "embedded".into();
    info.path = None;
    info.from_cache = false;
    Ok(AdvisoryDb::from_index(index, warnings, info, scope))
}

/// Writes the database at `dir` (it must load first) as a snapshot index.
pub fn write_snapshot(dir: &Path, out: &Path) -> Result<usize> {
    // `embedded/…` in file names and warnings, wherever it was written from.
    let (mut db, _) = AdvisoryDb::parse_dir(dir, "embedded")?;
    db.info.kind = "embedded".into();
    db.info.path = None;
    let bytes = db.encode(Vec::new())?;
    crate::atomic::write(out, &bytes)?;
    Ok(db.info.advisories)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_snapshot_has_a_valid_checksum() {
        let bytes = super::SNAPSHOT.to_vec();
        let owned = super::Bytes::Owned(bytes);
        let opened = super::Index::open(owned, "snapshot".into(), |_| Ok(()));
        assert!(opened.is_ok(), "{:?}", opened.err());
    }
}
