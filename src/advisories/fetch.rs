//! `depgate db update`: download the advisory-db archive (a `.tar.gz` of
//! the repository) into the cache, safely.
//!
//! The archive is unpacked into a temporary directory beside the cache,
//! rejecting entries with `..`, absolute paths, links or devices; the whole
//! new database is parsed; only then is it swapped in with renames. On any
//! failure the old database is kept untouched.

use super::db::AdvisoryDb;
use crate::date::Date;
use crate::error::{Error, Result};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

pub const DEFAULT_URL: &str =
    "https://github.com/rustsec/advisory-db/archive/refs/heads/main.tar.gz";

/// Archives larger than this are refused (the real one is about 2 MiB).
#[cfg_attr(not(feature = "fetch"), allow(dead_code))]
const MAX_BYTES: u64 = 256 * 1024 * 1024;

fn fail(msg: String) -> Error {
    Error::Command {
        command: "depgate db update".into(),
        status: "failed".into(),
        stderr: msg,
    }
}

/// Downloads `url` (http or https).
#[cfg(feature = "fetch")]
pub fn download(url: &str) -> Result<Vec<u8>> {
    let response = ureq::get(url)
        .call()
        .map_err(|e| fail(format!("GET {url}: {e}")))?;
    let mut bytes = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("GET {url}: {e}")))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(fail(format!(
            "GET {url}: archive larger than {MAX_BYTES} bytes"
        )));
    }
    Ok(bytes)
}

#[cfg(not(feature = "fetch"))]
pub fn download(url: &str) -> Result<Vec<u8>> {
    Err(fail(format!(
        "cannot fetch {url}: depgate was built without the `fetch` feature"
    )))
}

/// A safe relative path inside the archive, without its top directory.
fn safe_path(raw: &Path) -> Option<PathBuf> {
    let mut parts = Vec::new();
    for c in raw.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_os_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    let rest: PathBuf = parts.into_iter().skip(1).collect();
    Some(rest)
}

/// Unpacks a `.tar.gz` into `dest`, refusing anything unsafe.
pub fn unpack(archive: &[u8], dest: &Path) -> Result<()> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    let entries = tar
        .entries()
        .map_err(|e| fail(format!("not a tar.gz archive: {e}")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| fail(format!("corrupt archive: {e}")))?;
        let raw = entry
            .path()
            .map_err(|e| fail(format!("corrupt archive: {e}")))?
            .into_owned();
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions()
            || kind.is_pax_local_extensions()
            || kind.is_gnu_longname()
        {
            continue;
        }
        let Some(rel) = safe_path(&raw) else {
            return Err(fail(format!("unsafe path in archive: {}", raw.display())));
        };
        if !(kind.is_file() || kind.is_dir()) {
            return Err(fail(format!(
                "refusing {:?} entry in archive: {}",
                kind,
                raw.display()
            )));
        }
        if rel.as_os_str().is_empty() {
            continue;
        }
        let target = dest.join(&rel);
        if kind.is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| Error::Write {
                path: target.clone(),
                source: e,
            })?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::Write {
                path: parent.to_path_buf(),
                source: e,
            })?;
        }
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| fail(format!("corrupt archive at {}: {e}", raw.display())))?;
        std::fs::write(&target, data).map_err(|e| Error::Write {
            path: target.clone(),
            source: e,
        })?;
    }
    Ok(())
}

/// Downloads, verifies and installs the database into `cache`; returns it.
pub fn update(url: &str, cache: &Path, today: Date) -> Result<AdvisoryDb> {
    let bytes = download(url)?;
    install(&bytes, cache, today)
}

/// Installs an archive's database into `cache` (parsed first, swapped last).
pub fn install(bytes: &[u8], cache: &Path, today: Date) -> Result<AdvisoryDb> {
    let parent = cache.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::Write {
        path: parent.to_path_buf(),
        source: e,
    })?;
    let staging = parent.join(format!(".advisory-db.new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        unpack(bytes, &staging)?;
        let stamp = format!("fetched by depgate db update\ncommit date:   {today}\n");
        std::fs::write(staging.join("SNAPSHOT.txt"), stamp).map_err(|e| Error::Write {
            path: staging.clone(),
            source: e,
        })?;
        AdvisoryDb::load(&staging)
    })();
    let db = match result {
        Ok(db) => db,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let old = parent.join(format!(".advisory-db.old-{}", std::process::id()));
    if cache.exists() {
        std::fs::rename(cache, &old).map_err(|e| Error::Write {
            path: cache.to_path_buf(),
            source: e,
        })?;
    }
    if let Err(e) = std::fs::rename(&staging, cache) {
        let _ = std::fs::rename(&old, cache);
        let _ = std::fs::remove_dir_all(&staging);
        return Err(Error::Write {
            path: cache.to_path_buf(),
            source: e,
        });
    }
    let _ = std::fs::remove_dir_all(&old);
    let mut db = db;
    db.info.kind = "cache".into();
    db.info.path = Some(cache.display().to_string());
    Ok(db)
}
