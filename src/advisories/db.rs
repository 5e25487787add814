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
use super::index::{Head, Index, RUST_KEY, Stamp, Stamped};
use super::parsed_cache::Scope;
use super::version_range::VersionRange;
use crate::date::Date;
use crate::error::{Error, InputProblem, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;
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

pub struct AdvisoryDb {
    index: Index,
    /// Every warning with the key (crate, or the `rust` collection) of its advisory.
    keyed_warnings: Vec<(String, String)>,
    /// Problems that were safe to load past (unscorable CVSS vectors), for
    /// the crates in the load's scope.
    pub warnings: Vec<String>,
    pub info: DbInfo,
}

impl std::fmt::Debug for AdvisoryDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdvisoryDb")
            .field("info", &self.info)
            .finish()
    }
}

impl AdvisoryDb {
    /// Loads a database directory (`crates/` and `rust/` inside it).
    pub fn load(dir: &Path) -> Result<AdvisoryDb> {
        AdvisoryDb::load_cached(dir, None)
    }

    /// Like [`AdvisoryDb::load`], with a pre-parsed index in `cache_dir`:
    /// reused while every advisory file and directory has the same stamp
    /// (size, modification and change time, inode), rebuilt otherwise.
    pub fn load_cached(dir: &Path, cache_dir: Option<&Path>) -> Result<AdvisoryDb> {
        AdvisoryDb::load_scoped(dir, cache_dir, None)
    }

    /// As [`AdvisoryDb::load_cached`] for a graph with these crate names:
    /// only what they depend on is checked for freshness (see
    /// [`super::parsed_cache`]), and only their warnings are kept.
    pub fn load_scoped(
        dir: &Path,
        cache_dir: Option<&Path>,
        scope: Scope<'_>,
    ) -> Result<AdvisoryDb> {
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
        if let Some(db) = cache_dir.and_then(|c| super::parsed_cache::read(c, dir, scope)) {
            return Ok(db);
        }
        let (mut db, stamps) = AdvisoryDb::parse_dir(dir, &dir.display().to_string())?;
        if let Some(c) = cache_dir {
            super::parsed_cache::write(c, dir, &db, &stamps);
        }
        db.warnings = scoped(&db.keyed_warnings, scope);
        Ok(db)
    }

    /// Parses every advisory file of `dir` (errors and `file` fields name
    /// `origin`), with the stamps taken before the files were read.
    pub(crate) fn parse_dir(dir: &Path, origin: &str) -> Result<(AdvisoryDb, Vec<Stamped>)> {
        // Stamps first, texts after: a file changed in between has a newer
        // stamp than the one stored, so the next run rebuilds.
        let stamps = super::parsed_cache::walk(dir)?;
        let texts: Vec<(String, String)> = stamps
            .par_iter()
            .filter(|(rel, _, is_file)| *is_file && rel.ends_with(".md"))
            .map(|(rel, _, _)| {
                let p = dir.join(rel);
                let shown = p.display().to_string();
                let links = crate::input::Links::Follow;
                let text = crate::input::read_text(&p, &shown, crate::input::MAX_SMALL, links)?;
                Ok((rel.clone(), text))
            })
            .collect::<Result<_>>()?;
        let mut db = AdvisoryDb::from_texts(texts, origin.to_string())?;
        let (snapshot_commit, snapshot_date) = snapshot_info(dir);
        db.info.kind = "directory".into();
        db.info.path = Some(dir.display().to_string());
        db.info.commit = snapshot_commit;
        if let Some(d) = snapshot_date {
            db.info.date = d;
        }
        Ok((db, stamps))
    }

    pub(crate) fn from_index(
        index: Index,
        keyed_warnings: Vec<(String, String)>,
        info: DbInfo,
        scope: Scope<'_>,
    ) -> AdvisoryDb {
        AdvisoryDb {
            warnings: scoped(&keyed_warnings, scope),
            index,
            keyed_warnings,
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
                    let key = if a.collection == "rust" {
                        RUST_KEY
                    } else {
                        &a.package
                    };
                    warnings.extend(w.map(|w| (key.to_string(), w)));
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
        Ok(AdvisoryDb::from_index(
            Index::from_parsed(advisories),
            warnings,
            info,
            None,
        ))
    }

    /// Decodes what a graph with these crate names needs (and the `rust`
    /// collection): a damaged index entry is an error here, before any
    /// check runs, never a silently missing advisory.
    pub fn prepare<'k>(&self, names: impl IntoIterator<Item = &'k str>) -> Result<()> {
        let keys = names.into_iter().chain([RUST_KEY]);
        self.index.prepare(keys).map_err(|why| Error::Corrupt {
            what: "the advisory index",
            why,
        })
    }

    /// Advisories of the `crates` collection for a crate name.
    pub fn for_package(&self, name: &str) -> impl Iterator<Item = &Advisory> {
        self.index.get(name).iter()
    }

    /// Advisories of the `rust` collection (the toolchain and std).
    pub fn rust_advisories(&self) -> &[Advisory] {
        self.index.get(RUST_KEY)
    }

    /// Every advisory, by id then file.
    pub fn all(&self) -> Result<Vec<&Advisory>> {
        let mut all = self.index.all().map_err(|why| Error::Corrupt {
            what: "the advisory index",
            why,
        })?;
        all.sort_by(|a, b| a.id.cmp(&b.id).then(a.file.cmp(&b.file)));
        Ok(all)
    }

    /// The index file of this database with `stamps` (see [`super::index`]).
    pub fn encode(&self, stamps: Vec<(&str, Stamp, bool)>) -> Result<Vec<u8>> {
        let head = Head {
            tool: env!("CARGO_PKG_VERSION").to_string(),
            info: self.info.clone(),
            warnings: self.keyed_warnings.clone(),
            stamps,
        };
        self.index.encode(&head).map_err(|why| Error::Corrupt {
            what: "the advisory index",
            why,
        })
    }
}

/// The warnings of the crates in `scope` (the `rust` collection always).
fn scoped(keyed: &[(String, String)], scope: Scope<'_>) -> Vec<String> {
    keyed
        .iter()
        .filter(|(k, _)| k == RUST_KEY || super::parsed_cache::in_scope(scope, k))
        .map(|(_, w)| w.clone())
        .collect()
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
