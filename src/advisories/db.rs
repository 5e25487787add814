//! The RustSec advisory database, read from its directory format:
//! `crates/<name>/RUSTSEC-*.md` and `rust/<name>/*.md`, each a
//! Markdown file opening with a ```toml front matter block.
//!
//! Parsing is lenient only where that is safe: a CVSS vector that cannot
//! be parsed leaves the advisory loaded but *unscored*, with a warning
//! naming the file (one bad vector once broke every cargo-deny run).
//! Anything else that is wrong — invalid TOML, a missing id, package or
//! date, an unparseable version requirement — is an error naming the file.

use super::front_matter::parse_file;
use super::version_range::VersionRange;
use crate::date::Date;
use crate::error::{Error, InputProblem, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// An informational advisory's kind; `None` on the advisory means a vulnerability.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Informational {
    Unmaintained,
    Unsound,
    Notice,
    Other(String),
}

/// A parsed CVSS vector with its base score and severity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub vector: String,
    pub score: f64,
    /// `none`, `low`, `medium`, `high` or `critical`.
    pub severity: String,
}

impl Score {
    pub fn parse(vector: &str) -> Option<Score> {
        let cvss = cvss::Cvss::from_str(vector).ok()?;
        Some(Score {
            vector: vector.to_string(),
            score: (cvss.score() * 10.0).round() / 10.0,
            severity: match cvss.severity() {
                cvss::Severity::None => "none",
                cvss::Severity::Low => "low",
                cvss::Severity::Medium => "medium",
                cvss::Severity::High => "high",
                cvss::Severity::Critical => "critical",
            }
            .to_string(),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    pub package: String,
    pub date: Date,
    pub title: String,
    #[serde(skip)]
    pub description: String,
    pub url: Option<String>,
    pub aliases: Vec<String>,
    pub informational: Option<Informational>,
    pub withdrawn: Option<Date>,
    /// The raw vector, kept even when it could not be scored.
    pub cvss_vector: Option<String>,
    pub score: Option<Score>,
    pub patched: Vec<VersionRange>,
    pub unaffected: Vec<VersionRange>,
    pub affected_os: Vec<String>,
    pub affected_arch: Vec<String>,
    /// A registry source other than crates.io, when the advisory names one.
    pub source: Option<String>,
    /// `crates` or `rust`.
    pub collection: String,
    pub license: String,
    /// Repository-relative file the advisory came from.
    pub file: String,
}

/// Where a loaded database came from, and how old it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DbInfo {
    /// `directory`, `cache` or `embedded`.
    pub kind: String,
    pub path: Option<String>,
    /// The advisory-db commit, when known.
    pub commit: Option<String>,
    /// The commit date, else the newest advisory date.
    pub date: Date,
    pub advisories: usize,
    /// Whether this load came from the pre-parsed cache.
    #[serde(default)]
    pub from_cache: bool,
}

#[derive(Debug)]
pub struct AdvisoryDb {
    pub advisories: Vec<Advisory>,
    by_package: HashMap<String, Vec<usize>>,
    /// Problems that were safe to load past (unscorable CVSS vectors).
    pub warnings: Vec<String>,
    pub info: DbInfo,
}

impl AdvisoryDb {
    /// Loads a database directory (`crates/` and `rust/` inside it).
    pub fn load(dir: &Path) -> Result<AdvisoryDb> {
        AdvisoryDb::load_cached(dir, None)
    }

    /// Like [`AdvisoryDb::load`], with a pre-parsed cache in `cache_dir`:
    /// reused while every advisory file has the same path, size and
    /// modification time, rebuilt (and rewritten) otherwise.
    pub fn load_cached(dir: &Path, cache_dir: Option<&Path>) -> Result<AdvisoryDb> {
        let mut files = Vec::new();
        if !dir.join("crates").is_dir() {
            return Err(Error::Input(vec![InputProblem {
                path: dir.display().to_string(),
                line: 1,
                column: 1,
                key: String::new(),
                message: "not an advisory database: no `crates/` directory".into(),
                help: Some(
                    "pass the root of a rustsec/advisory-db checkout with --advisory-db".into(),
                ),
                quote: None,
            }]));
        }
        // One directory per crate: walk them in parallel (the walk and its
        // `stat`s are most of a warm load).
        let mut subdirs = Vec::new();
        for collection in ["crates", "rust"] {
            if let Ok(entries) = std::fs::read_dir(dir.join(collection)) {
                for entry in entries {
                    let entry = entry.map_err(|e| Error::read(dir.join(collection), e))?;
                    subdirs.push(entry.path());
                }
            }
        }
        let per_dir: Vec<Vec<(PathBuf, u64, u128)>> = subdirs
            .par_iter()
            .map(|d| {
                let mut out = Vec::new();
                collect(d, &mut out)?;
                Ok(out)
            })
            .collect::<Result<_>>()?;
        files.extend(per_dir.into_iter().flatten());
        files.sort();
        let (snapshot_commit, snapshot_date) = snapshot_info(dir);
        let key = super::parsed_cache::key(dir, &files, snapshot_commit.as_deref(), snapshot_date);
        if let Some(db) = cache_dir.and_then(|c| super::parsed_cache::read(c, dir, &key)) {
            return Ok(db);
        }
        let texts: Vec<(String, String)> = files
            .into_par_iter()
            .map(|(p, _, _)| {
                let shown = p.display().to_string();
                let links = crate::input::Links::Follow;
                let text = crate::input::read_text(&p, &shown, crate::input::MAX_SMALL, links)?;
                let rel = p
                    .strip_prefix(dir)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                Ok((rel, text))
            })
            .collect::<Result<_>>()?;
        let mut db = AdvisoryDb::from_texts(texts, dir.display().to_string())?;
        db.info.kind = "directory".into();
        db.info.path = Some(dir.display().to_string());
        db.info.commit = snapshot_commit;
        if let Some(d) = snapshot_date {
            db.info.date = d;
        }
        if let Some(c) = cache_dir {
            super::parsed_cache::write(c, dir, &key, &db);
        }
        Ok(db)
    }

    /// Rebuilds the by-package index (after deserializing).
    pub(crate) fn from_parts(
        advisories: Vec<Advisory>,
        warnings: Vec<String>,
        info: DbInfo,
    ) -> AdvisoryDb {
        let mut by_package: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, a) in advisories.iter().enumerate() {
            by_package.entry(a.package.clone()).or_default().push(i);
        }
        AdvisoryDb {
            advisories,
            by_package,
            warnings,
            info,
        }
    }

    /// Parses advisory files given as (relative path, text) pairs.
    pub fn from_texts(texts: Vec<(String, String)>, origin: String) -> Result<AdvisoryDb> {
        let parsed: Vec<Result<(Advisory, Option<String>)>> = texts
            .par_iter()
            .map(|(rel, text)| parse_file(rel, text, &origin))
            .collect();
        let mut advisories = Vec::with_capacity(parsed.len());
        let mut warnings = Vec::new();
        let mut problems = Vec::new();
        for r in parsed {
            match r {
                Ok((a, w)) => {
                    warnings.extend(w);
                    advisories.push(a);
                }
                Err(Error::Input(p)) => problems.extend(p),
                Err(e) => return Err(e),
            }
        }
        if !problems.is_empty() {
            problems.sort();
            return Err(Error::Input(problems));
        }
        advisories.sort_by(|a, b| a.id.cmp(&b.id).then(a.file.cmp(&b.file)));
        warnings.sort();
        let date = advisories.iter().map(|a| a.date).max().unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        });
        let info = DbInfo {
            kind: "directory".into(),
            path: None,
            commit: None,
            date,
            advisories: advisories.len(),
            from_cache: false,
        };
        Ok(AdvisoryDb::from_parts(advisories, warnings, info))
    }

    /// Advisories for a crate name (any collection).
    pub fn for_package(&self, name: &str) -> impl Iterator<Item = &Advisory> {
        self.by_package
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.advisories[i])
    }
}

/// Advisory files below `dir` with their size and modification time (the
/// pre-parsed cache's key). Uses the directory entries' types, so no
/// extra `stat` per entry beyond the one for the file's metadata.
pub(crate) fn collect(dir: &Path, out: &mut Vec<(PathBuf, u64, u128)>) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::read(dir, e))?;
        let kind = entry
            .file_type()
            .map_err(|e| Error::read(entry.path(), e))?;
        let path = entry.path();
        if kind.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md")
            && path.file_name().is_some_and(|n| n != "README.md")
        {
            let meta = entry.metadata().map_err(|e| Error::read(&path, e))?;
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            out.push((path, meta.len(), mtime));
        }
    }
    Ok(())
}

/// `commit:` and `commit date:` from a SNAPSHOT.txt beside the database.
fn snapshot_info(dir: &Path) -> (Option<String>, Option<Date>) {
    let Ok(text) = std::fs::read_to_string(dir.join("SNAPSHOT.txt")) else {
        return (None, None);
    };
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    let commit = field("commit:");
    let date = field("commit date:").and_then(|d| Date::parse(d.get(..10)?));
    (commit, date)
}
