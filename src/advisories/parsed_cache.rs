//! The pre-parsed cache of a database directory: its [`index`] file under
//! `$DEPGATE_HOME/db-cache/`, built on the first load of a directory and
//! used only while it is still fresh.
//!
//! **Freshness.** The index stores a [`Stamp`] (size, modification time,
//! change time, inode) for the directory itself, `crates/`, `rust/`,
//! `SNAPSHOT.txt`, every crate directory and every advisory file. A later
//! load stats those paths (in parallel, no directory is listed) and uses
//! the cache only when every stamp checked is equal:
//! - an **added, removed or renamed** file changes its directory's
//!   modification time, and an added crate directory changes `crates/`'s.
//!   Every directory is always checked, so the advisory count is exact;
//! - an **in-place edit** changes the file's own size or times. The change
//!   time cannot be set back by tools (`touch -d`, `git checkout`, an
//!   editor that restores the old mtime), so even a same-size edit with the
//!   old modification time restored is noticed.
//!
//! A `check` passes the crate names of its graph as the **scope**: the
//! advisory files of other crates are not statted, since they cannot
//! change its findings, its warnings (scoped the same way) or the count.
//! An edit to one of them is noticed by the first load whose graph has that
//! crate, or by any unscoped load (`depgate db info`, fleet scans).
//! A cache that cannot be read, written or decoded is simply not used.
//!
//! [`index`]: super::index

use super::db::AdvisoryDb;
use super::index::{Bytes, Index, Stamp, Stamped};
use crate::error::{Error, Result};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Bigger than any real index by far (the whole database is about 1 MB).
const MAX_CACHE: u64 = 256 << 20;

/// The crate names a load's result depends on; `None` is every crate.
pub type Scope<'a> = Option<&'a FxHashSet<&'a str>>;

/// Whether the advisory file or warning key `rel` matters within `scope`.
pub fn in_scope(scope: Scope<'_>, krate: &str) -> bool {
    scope.is_none_or(|s| s.contains(krate))
}

/// The crate of a `crates/<name>/…` path, if it is one.
fn crate_of(rel: &str) -> Option<&str> {
    rel.strip_prefix("crates/")?.split('/').next()
}

/// The stamp of `path` (following links, as the advisory reader does).
fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let ns = |n: i64| u32::try_from(n).unwrap_or(0);
        Some(Stamp {
            len: m.len(),
            mtime: (m.mtime(), ns(m.mtime_nsec())),
            ctime: (m.ctime(), ns(m.ctime_nsec())),
            ino: m.ino(),
        })
    }
    #[cfg(not(unix))]
    {
        let t = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        let t = (i64::try_from(t.as_secs()).unwrap_or(0), t.subsec_nanos());
        Some(Stamp {
            len: m.len(),
            mtime: t,
            ctime: t,
            ino: 0,
        })
    }
}

/// The database directory, for stats relative to it: on Unix one open
/// directory and `fstatat` (no walk from `/` for each of a thousand paths,
/// about a third cheaper here); elsewhere, joined paths.
struct Root<'a> {
    dir: &'a Path,
    #[cfg(unix)]
    fd: Option<std::os::fd::OwnedFd>,
}

impl<'a> Root<'a> {
    fn open(dir: &'a Path) -> Root<'a> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(dir, flags, Mode::empty()).ok();
            Root { dir, fd }
        }
        #[cfg(not(unix))]
        Root { dir }
    }

    /// The stamp of `rel` (`""` is the directory itself), following links.
    fn stamp(&self, rel: &str) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            let rel = if rel.is_empty() { "." } else { rel };
            let st = rustix::fs::statat(fd, rel, rustix::fs::AtFlags::empty()).ok()?;
            let n = |v: i64| u32::try_from(v).unwrap_or(0);
            #[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
            return Some(Stamp {
                len: u64::try_from(st.st_size).unwrap_or(0),
                mtime: (st.st_mtime as i64, n(st.st_mtime_nsec as i64)),
                ctime: (st.st_ctime as i64, n(st.st_ctime_nsec as i64)),
                ino: u64::try_from(st.st_ino).unwrap_or(0),
            });
        }
        stamp(&self.dir.join(rel))
    }
}

/// Whether every stamp that matters within `scope` still holds.
pub fn fresh(dir: &Path, stamps: &[(&str, Stamp, bool)], scope: Scope<'_>) -> bool {
    let wanted: Vec<&(&str, Stamp, bool)> = stamps
        .iter()
        .filter(|(rel, _, is_file)| !is_file || crate_of(rel).is_none_or(|c| in_scope(scope, c)))
        .collect();
    let root = Root::open(dir);
    wanted
        .par_iter()
        .with_min_len(128)
        .all(|(rel, old, _)| root.stamp(rel).as_ref() == Some(old))
}

/// Stamps of the database directory, sorted by relative path (`/`
/// separated): (path, stamp, is a file).
pub fn walk(dir: &Path) -> Result<Vec<Stamped>> {
    let mut tops = vec![(String::new(), false)];
    let mut subdirs = Vec::new();
    for collection in ["crates", "rust"] {
        let Ok(entries) = std::fs::read_dir(dir.join(collection)) else {
            continue;
        };
        tops.push((collection.to_string(), false));
        for entry in entries {
            let entry = entry.map_err(|e| Error::read(dir.join(collection), e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            subdirs.push(format!("{collection}/{name}"));
        }
    }
    if dir.join("SNAPSHOT.txt").is_file() {
        tops.push(("SNAPSHOT.txt".to_string(), true));
    }
    let found: Vec<Vec<(String, bool)>> = subdirs
        .par_iter()
        .map(|rel| {
            let mut out = Vec::new();
            collect(dir, rel, &mut out)?;
            Ok(out)
        })
        .collect::<Result<_>>()?;
    tops.extend(found.into_iter().flatten());
    let root = Root::open(dir);
    let mut stamped: Vec<Stamped> = tops
        .into_par_iter()
        .map(|(rel, is_file)| {
            let path = dir.join(&rel);
            let st = root.stamp(&rel).ok_or_else(|| {
                Error::read(&path, std::io::Error::other("vanished while reading"))
            })?;
            Ok((rel, st, is_file))
        })
        .collect::<Result<_>>()?;
    stamped.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(stamped)
}

/// `rel` if it is an advisory file, or `rel` and everything below it if
/// it is a directory.
fn collect(dir: &Path, rel: &str, out: &mut Vec<(String, bool)>) -> Result<()> {
    let path = dir.join(rel);
    let kind = std::fs::symlink_metadata(&path).map_err(|e| Error::read(&path, e))?;
    if kind.is_dir() {
        out.push((rel.to_string(), false));
        for entry in std::fs::read_dir(&path).map_err(|e| Error::read(&path, e))? {
            let entry = entry.map_err(|e| Error::read(&path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            collect(dir, &format!("{rel}/{name}"), out)?;
        }
    } else if rel.ends_with(".md") && !rel.ends_with("/README.md") {
        out.push((rel.to_string(), true));
    }
    Ok(())
}

fn file_for(cache_dir: &Path, dir: &Path) -> PathBuf {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let digest = Sha256::digest(canonical.to_string_lossy().as_bytes());
    cache_dir.join(format!("{}.idx", crate::model::hex(&digest[..12])))
}

/// The cached database of `dir`, when its index is intact and fresh
/// within `scope`; its warnings are those of the crates in scope.
pub fn read(cache_dir: &Path, dir: &Path, scope: Scope<'_>) -> Option<AdvisoryDb> {
    let path = file_for(cache_dir, dir);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_CACHE {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    let origin = path.display().to_string();
    let (index, (mut info, warnings)) = Index::open(Bytes::Owned(bytes), origin, |head| {
        if head.tool != env!("CARGO_PKG_VERSION") || !fresh(dir, &head.stamps, scope) {
            return Err("stale".to_string());
        }
        Ok((head.info, head.warnings))
    })
    .ok()?;
    info.from_cache = true;
    Some(AdvisoryDb::from_index(index, warnings, info, scope))
}

/// Stores the parsed database; failures only cost the next run time.
pub fn write(cache_dir: &Path, dir: &Path, db: &AdvisoryDb, stamps: &[Stamped]) {
    let stamps = stamps
        .iter()
        .map(|(p, s, f)| (p.as_str(), *s, *f))
        .collect();
    let Ok(bytes) = db.encode(stamps) else {
        return;
    };
    // Temp file and rename (readers never see half a cache), without the
    // fsync of reports: a lost cache is only rebuilt.
    let target = file_for(cache_dir, dir);
    let tmp = target.with_extension(format!("tmp-{}", std::process::id()));
    if std::fs::create_dir_all(cache_dir).is_ok()
        && std::fs::write(&tmp, &bytes).is_ok()
        && std::fs::rename(&tmp, &target).is_err()
    {
        let _ = std::fs::remove_file(&tmp);
    }
}
