//! Where the advisory database comes from, in order: `--advisory-db DIR`;
//! the cache (`$DEPGATE_HOME/advisory-db`, by default a `depgate` folder
//! in the user's cache directory) written by `depgate db update`; else the
//! snapshot embedded in the binary, so `depgate check` works offline. A
//! database that is missing or unreadable is an error, never a pass.
//!
//! The embedded snapshot is a gzip-compressed bundle of the advisory files
//! (`depgate db snapshot` writes it from a real database directory).

use super::db::AdvisoryDb;
use crate::date::Date;
use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The embedded snapshot, written by `depgate db snapshot` (see the README).
static SNAPSHOT: &[u8] = include_bytes!("snapshot.bin.gz");

/// Separates files in a bundle: `\u{1}` + relative path + `\n` + text.
const MARK: char = '\u{1}';

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
pub fn open(explicit: Option<&Path>) -> Result<AdvisoryDb> {
    let parsed = home().map(|h| h.join("db-cache"));
    if let Some(dir) = explicit {
        return AdvisoryDb::load_cached(dir, parsed.as_deref());
    }
    if let Some(dir) = cache_dir().filter(|d| d.join("crates").is_dir()) {
        let mut db = AdvisoryDb::load_cached(&dir, parsed.as_deref())?;
        db.info.kind = "cache".into();
        return Ok(db);
    }
    embedded()
}

/// The snapshot compiled into the binary.
pub fn embedded() -> Result<AdvisoryDb> {
    let bad = |why: String| Error::Corrupt {
        what: "the advisory snapshot",
        why,
    };
    let mut text = String::new();
    flate2::read::GzDecoder::new(SNAPSHOT)
        .read_to_string(&mut text)
        .map_err(|e| bad(e.to_string()))?;
    let mut parts = text.split(MARK);
    let header = parts.next().unwrap_or_default();
    let files: Vec<(String, String)> = parts
        .filter_map(|p| {
            p.split_once('\n')
                .map(|(path, body)| (path.to_string(), body.to_string()))
        })
        .collect();
    if files.is_empty() {
        return Err(bad("no advisories".into()));
    }
    let mut db = AdvisoryDb::from_texts(files, "embedded".into())?;
    db.info.kind = "embedded".into();
    for line in header.lines() {
        if let Some(c) = line.strip_prefix("commit: ") {
            db.info.commit = Some(c.to_string());
        } else if let Some(d) = line.strip_prefix("date: ").and_then(Date::parse) {
            db.info.date = d;
        }
    }
    Ok(db)
}

/// Writes a snapshot bundle of the database at `dir` (it must load first).
pub fn write_snapshot(dir: &Path, out: &Path) -> Result<usize> {
    let db = AdvisoryDb::load(dir)?;
    let mut bundle = format!(
        "depgate advisory snapshot\ncommit: {}\ndate: {}\n",
        db.info.commit.as_deref().unwrap_or("unknown"),
        db.info.date
    );
    let mut files: Vec<&str> = db.advisories.iter().map(|a| a.file.as_str()).collect();
    files.sort();
    files.dedup();
    let prefix = format!("{}/", dir.display());
    for file in files {
        let rel = file.strip_prefix(&prefix).unwrap_or(file);
        let text =
            std::fs::read_to_string(dir.join(rel)).map_err(|e| Error::read(dir.join(rel), e))?;
        bundle.push(MARK);
        bundle.push_str(rel);
        bundle.push('\n');
        bundle.push_str(&text);
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let bytes = enc
        .write_all(bundle.as_bytes())
        .and_then(|()| enc.finish())
        .map_err(|e| Error::Write {
            path: out.to_path_buf(),
            source: e,
        })?;
    crate::atomic::write(out, &bytes)?;
    Ok(db.advisories.len())
}
