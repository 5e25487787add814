//! Source texts and locations: every finding and every error points at a
//! file, a line and a column. A [`SourceText`] keeps a file's text with its
//! line index so byte spans from parsers become 1-based line/column pairs,
//! and so renderers can quote the line.

use serde::Serialize;
use std::ops::Range;

/// A file read into memory, with the path under which it is reported.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Path as shown to users: relative to the repository root, `/`-separated.
    pub display: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceText {
    pub fn new(display: impl Into<String>, text: String) -> Self {
        // A lockfile has a line every 30 bytes or so: reserve, don't regrow.
        let mut line_starts = Vec::with_capacity(1 + text.len() / 16);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceText {
            display: display.into(),
            text,
            line_starts,
        }
    }

    /// 1-based (line, column) of a byte offset; columns count characters.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.trim_start_matches('\u{feff}').chars().count());
        (line as u32 + 1, col as u32 + 1)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line(&self, line: u32) -> Option<&str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(i)?;
        let end = self
            .line_starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// The text of `count` lines from the 1-based `line`, without the
    /// final line ending; `None` when `line` is past the end.
    pub fn lines(&self, line: u32, count: u32) -> Option<&str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(i)?;
        let end = self
            .line_starts
            .get(i + count as usize)
            .copied()
            .unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// A location for a byte span of this file.
    pub fn location(&self, span: Range<usize>, label: impl Into<String>) -> Location {
        let (line, column) = self.line_col(span.start);
        Location {
            path: self.display.clone(),
            line,
            column,
            label: label.into(),
        }
    }
}

/// A labelled place in a file. `path` is repository-relative with `/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub label: String,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// Repository-relative display path for `path`, `/`-separated. Falls back
/// to the path as given when it is not under `root`.
pub fn display_path(root: Option<&std::path::Path>, path: &std::path::Path) -> String {
    let rel = root.and_then(|r| path.strip_prefix(r).ok()).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else if rel.is_absolute() {
        rel.to_string_lossy().replace('\\', "/")
    } else {
        parts.join("/")
    }
}

/// Nearest ancestor of `start` (itself included) that holds `.git`.
pub fn find_repo_root(start: &std::path::Path) -> Option<std::path::PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(|d| d.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_and_line_text() {
        let s = SourceText::new("a.toml", "one\ntwo = 2\r\nthree".to_string());
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(4), (2, 1));
        assert_eq!(s.line_col(10), (2, 7));
        assert_eq!(s.line_col(13), (3, 1));
        assert_eq!(s.line(2), Some("two = 2"));
        assert_eq!(s.line(3), Some("three"));
        assert_eq!(s.line(4), None);
    }

    #[test]
    fn display_paths_are_relative_and_slashed() {
        let root = std::path::Path::new("/repo");
        assert_eq!(
            display_path(Some(root), std::path::Path::new("/repo/a/Cargo.lock")),
            "a/Cargo.lock"
        );
        assert_eq!(display_path(Some(root), std::path::Path::new("/repo")), ".");
    }
}
