//! Fleet discovery: under each root, every directory holding a `Cargo.lock`
//! is one unit, and its repository is the nearest directory at or above it
//! (up to the root) with a `.git`. Symbolic links are never followed, so
//! nothing outside a root is read and a link loop cannot loop. Build output,
//! VCS metadata and vendored trees are skipped. The result is sorted, so the
//! order never depends on the file system's.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Directory names never descended into.
pub const SKIPPED: [&str; 4] = ["target", ".git", "vendor", "node_modules"];

/// Deepest directory level searched below a root.
const MAX_DEPTH: usize = 32;

/// One unit found by discovery.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnitDir {
    /// The unit's name in reports: the root as given, joined with the
    /// unit's directory below it, `/`-separated (`repos/acme/fuzz`).
    pub id: String,
    /// The repository's name in reports, formed the same way.
    pub repo_id: String,
    /// The unit's directory relative to its repository (`.` or `fuzz`).
    pub in_repo: String,
    pub dir: PathBuf,
    pub repo_dir: PathBuf,
    /// The repository's path relative to its root: the shard key.
    pub shard_key: String,
    /// A repository listed in `--repos-file` that cannot be read: (the
    /// repos file, its line, why). The unit is an error row.
    pub unreadable: Option<(String, u32, String)>,
}

/// A root to search, and where `--repos-file` listed it.
pub type Root = (PathBuf, Option<(String, u32)>);

/// Reads `--repos-file`: one directory a line, `#` comments and blank lines
/// ignored. Relative paths are relative to the current directory.
pub fn read_repos_file(path: &Path) -> Result<Vec<Root>> {
    let shown = path.display().to_string();
    let links = crate::input::Links::Follow;
    let text = crate::input::read_text(path, &shown, crate::input::MAX_SMALL, links)?;
    Ok(text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u32 + 1, l.split('#').next().unwrap_or_default().trim()))
        .filter(|(_, l)| !l.is_empty())
        .map(|(n, l)| (PathBuf::from(l), Some((shown.clone(), n))))
        .collect())
}

/// Every unit under `roots`, sorted by id, without duplicates.
pub fn discover(roots: &[PathBuf]) -> Result<Vec<UnitDir>> {
    let roots: Vec<Root> = roots.iter().map(|r| (r.clone(), None)).collect();
    discover_roots(&roots)
}

/// A listed repository that cannot be read: an error row, not a stop.
fn unreadable(root: &Path, file: &str, line: u32, why: String) -> UnitDir {
    let id = crate::location::display_path(None, root);
    UnitDir {
        repo_id: id.clone(),
        in_repo: ".".into(),
        dir: root.to_path_buf(),
        repo_dir: root.to_path_buf(),
        shard_key: id.clone(),
        id,
        unreadable: Some((file.to_string(), line, why)),
    }
}

/// As [`discover`], for roots that may come from `--repos-file`.
pub fn discover_roots(roots: &[Root]) -> Result<Vec<UnitDir>> {
    let mut units = Vec::new();
    for (root, listed) in roots {
        let meta = match (std::fs::metadata(root), listed) {
            (Ok(m), None) => m,
            (Ok(m), Some(_)) if m.is_dir() => m,
            (Ok(_), Some((file, line))) => {
                units.push(unreadable(root, file, *line, "not a directory".into()));
                continue;
            }
            (Err(e), Some((file, line))) => {
                units.push(unreadable(root, file, *line, format!("cannot read: {e}")));
                continue;
            }
            (Err(e), None) => return Err(Error::read(root, e)),
        };
        if !meta.is_dir() {
            return Err(Error::Usage(format!(
                "{}: a fleet root must be a directory",
                root.display()
            )));
        }
        let mut found = Vec::new();
        walk(root, 0, &mut found);
        for dir in found {
            units.push(unit(root, dir));
        }
    }
    units.sort();
    units.dedup_by(|a, b| a.dir == b.dir);
    Ok(units)
}

/// Collects the directories under `dir` that hold a regular `Cargo.lock`.
/// Unreadable directories are skipped here; they are not units.
fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    let is_lock = std::fs::symlink_metadata(dir.join("Cargo.lock")).is_ok_and(|m| m.is_file());
    if is_lock {
        found.push(dir.to_path_buf());
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut subdirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name();
            !SKIPPED.iter().any(|s| name == *s)
        })
        .map(|e| e.path())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        walk(&sub, depth + 1, found);
    }
}

/// `root` joined with a relative path, as reports show it.
fn joined(root: &Path, rel: &Path) -> String {
    let path = if rel.as_os_str().is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    crate::location::display_path(None, &path)
}

fn unit(root: &Path, dir: PathBuf) -> UnitDir {
    let repo_dir = dir
        .ancestors()
        .take_while(|a| a.starts_with(root))
        .find(|a| a.join(".git").exists())
        .unwrap_or(root)
        .to_path_buf();
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    UnitDir {
        id: joined(root, &rel(&dir)),
        repo_id: joined(root, &rel(&repo_dir)),
        in_repo: crate::location::display_path(Some(&repo_dir), &dir),
        shard_key: crate::location::display_path(None, &rel(&repo_dir)),
        dir,
        repo_dir,
        unreadable: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "").unwrap();
    }

    #[test]
    fn nested_units_repos_and_skips() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        touch(r, "a/.git/HEAD");
        touch(r, "a/Cargo.lock");
        touch(r, "a/fuzz/Cargo.lock");
        touch(r, "a/crates/member/Cargo.toml");
        touch(r, "a/target/debug/Cargo.lock");
        touch(r, "a/vendor/x/Cargo.lock");
        touch(r, "b/c/Cargo.lock");
        touch(r, "empty/README");
        std::os::unix::fs::symlink(r, r.join("a/loop")).unwrap();
        std::os::unix::fs::symlink("/", r.join("outside")).unwrap();
        let units = discover(&[r.to_path_buf()]).unwrap();
        let ids: Vec<(&str, &str, &str)> = units
            .iter()
            .map(|u| (u.id.as_str(), u.repo_id.as_str(), u.in_repo.as_str()))
            .collect();
        let root = crate::location::display_path(None, r);
        let a = format!("{root}/a");
        let fuzz = format!("{root}/a/fuzz");
        let bc = format!("{root}/b/c");
        assert_eq!(
            ids,
            vec![
                (a.as_str(), a.as_str(), "."),
                (fuzz.as_str(), a.as_str(), "fuzz"),
                (bc.as_str(), root.as_str(), "b/c"),
            ]
        );
        assert_eq!(units[0].shard_key, "a");
        assert_eq!(units[2].shard_key, ".");
    }

    #[test]
    fn repos_file_comments() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("repos.txt");
        std::fs::write(&f, "# fleet\nrepos/a\n\n  repos/b  # second\n").unwrap();
        let got: Vec<(PathBuf, u32)> = read_repos_file(&f)
            .unwrap()
            .into_iter()
            .map(|(p, at)| (p, at.unwrap().1))
            .collect();
        assert_eq!(
            got,
            vec![(PathBuf::from("repos/a"), 2), (PathBuf::from("repos/b"), 4)]
        );
    }
}
