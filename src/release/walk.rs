//! The files of a release directory, for `artifact-unlisted`: every
//! regular file and symbolic link below it (links are not followed),
//! sorted, as `/`-separated relative paths. Bounded in depth and count.

use crate::error::{Error, Result};
use std::path::Path;

const MAX_DEPTH: usize = 16;
const MAX_FILES: usize = 100_000;

/// The files under `dir`, relative and sorted.
pub fn files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new(), 0usize)];
    while let Some((path, prefix, depth)) = stack.pop() {
        let entries = std::fs::read_dir(&path).map_err(|e| Error::read(&path, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::read(&path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let kind = entry
                .file_type()
                .map_err(|e| Error::read(entry.path(), e))?;
            if kind.is_dir() {
                if depth + 1 >= MAX_DEPTH {
                    return Err(Error::Usage(format!(
                        "{}: the release directory is nested deeper than {MAX_DEPTH} levels",
                        entry.path().display()
                    )));
                }
                stack.push((entry.path(), rel, depth + 1));
            } else {
                out.push(rel);
            }
            if out.len() > MAX_FILES {
                return Err(Error::Usage(format!(
                    "{}: more than {MAX_FILES} files in the release directory",
                    dir.display()
                )));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `path` relative to `dir`, `/`-separated, when it is inside it.
pub fn relative_to(path: &Path, dir: &Path) -> Option<String> {
    let p = path.canonicalize().ok()?;
    let d = dir.canonicalize().ok()?;
    let rel = p.strip_prefix(&d).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}
