//! The pre-parsed advisory cache: the parsed database of a directory,
//! stored as JSON under `$DEPGATE_HOME/db-cache/`. It is built
//! automatically on the first load of a directory and used only while its
//! key still matches: a hash of every advisory file's relative path, size
//! and modification time, and the snapshot's commit and date. Any change
//! in the directory makes a new key, so a stale cache is never read. A
//! cache that cannot be read or written is simply not used.

use super::db::{Advisory, AdvisoryDb, DbInfo};
use crate::date::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const VERSION: &str = "depgate-db-cache/1";

#[derive(Serialize, Deserialize)]
struct CacheFile {
    version: String,
    key: String,
    info: DbInfo,
    warnings: Vec<String>,
    advisories: Vec<Advisory>,
}

/// The cache key of a directory's current contents.
pub fn key(
    dir: &Path,
    files: &[(PathBuf, u64, u128)],
    commit: Option<&str>,
    date: Option<Date>,
) -> String {
    let mut h = Sha256::new();
    h.update(VERSION.as_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for (path, len, mtime) in files {
        let rel = path.strip_prefix(dir).unwrap_or(path);
        h.update(rel.to_string_lossy().as_bytes());
        h.update([0]);
        h.update(len.to_le_bytes());
        h.update(mtime.to_le_bytes());
    }
    h.update(commit.unwrap_or("").as_bytes());
    h.update(date.map(|d| d.to_string()).unwrap_or_default().as_bytes());
    crate::model::hex(&h.finalize())
}

fn file_for(cache_dir: &Path, dir: &Path) -> PathBuf {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let digest = Sha256::digest(canonical.to_string_lossy().as_bytes());
    cache_dir.join(format!("{}.json", crate::model::hex(&digest[..12])))
}

/// The cached database of `dir`, when the cache's key matches.
pub fn read(cache_dir: &Path, dir: &Path, key: &str) -> Option<AdvisoryDb> {
    let bytes = std::fs::read(file_for(cache_dir, dir)).ok()?;
    let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
    if file.version != VERSION || file.key != key {
        return None;
    }
    let mut info = file.info;
    info.from_cache = true;
    Some(AdvisoryDb::from_parts(file.advisories, file.warnings, info))
}

/// Stores the parsed database; failures only cost the next run time.
pub fn write(cache_dir: &Path, dir: &Path, key: &str, db: &AdvisoryDb) {
    let file = CacheFile {
        version: VERSION.to_string(),
        key: key.to_string(),
        info: db.info.clone(),
        warnings: db.warnings.clone(),
        advisories: db.advisories.clone(),
    };
    let Ok(json) = serde_json::to_vec(&file) else {
        return;
    };
    // Temp file and rename (readers never see half a cache), without the
    // fsync of reports: a lost cache is only rebuilt.
    let target = file_for(cache_dir, dir);
    let tmp = target.with_extension(format!("tmp-{}", std::process::id()));
    if std::fs::create_dir_all(cache_dir).is_ok()
        && std::fs::write(&tmp, &json).is_ok()
        && std::fs::rename(&tmp, &target).is_err()
    {
        let _ = std::fs::remove_file(&tmp);
    }
}
