//! `SHA256SUMS` manifests as `sha256sum` writes them: `HEX  PATH` (text
//! mode) or `HEX *PATH` (binary mode), with GNU's `\` escape for names
//! holding a backslash or a newline; BSD-style `SHA256 (PATH) = HEX` lines
//! too. Paths are relative to the manifest's directory and may not leave
//! it. Anything else is an error at its line.

use crate::error::{Error, Result};
use crate::location::SourceText;
use std::path::{Component, Path};

/// One listed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `/`-separated, relative to the manifest's directory.
    pub path: String,
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// 1-based line in the manifest.
    pub line: u32,
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn unescape(s: &str) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            other => return Err(format!("unknown escape `\\{}`", other.unwrap_or(' '))),
        }
    }
    Ok(out)
}

/// `(hex, path)` of one line, or why it is not a manifest line.
fn split_line(line: &str) -> std::result::Result<(String, String), String> {
    let (escaped, line) = match line.strip_prefix('\\') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let (hex, path) = if let Some(rest) = line.strip_prefix("SHA256 (") {
        let (path, hex) = rest
            .rsplit_once(") = ")
            .ok_or("expected `SHA256 (PATH) = HEX`")?;
        (hex, path)
    } else {
        let (hex, rest) = line
            .split_once(' ')
            .ok_or("expected `SHA256  PATH`, as `sha256sum` writes")?;
        let path = rest
            .strip_prefix(' ')
            .or_else(|| rest.strip_prefix('*'))
            .ok_or("expected two spaces (or ` *`) between the digest and the path")?;
        (hex, path)
    };
    if !is_hex64(hex) {
        return Err(format!("`{hex}` is not a SHA-256 digest (64 hex digits)"));
    }
    let path = if escaped {
        unescape(path)?
    } else {
        path.to_string()
    };
    Ok((hex.to_ascii_lowercase(), path))
}

/// A path that stays inside the manifest's directory, `/`-separated.
fn relative(path: &str) -> std::result::Result<String, String> {
    let p = Path::new(path);
    let mut parts = Vec::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => {
                return Err(format!(
                    "`{path}` leaves the manifest's directory (absolute, or with `..`)"
                ));
            }
        }
    }
    if parts.is_empty() {
        return Err(format!("`{path}` names no file"));
    }
    Ok(parts.join("/"))
}

/// Parses a manifest; a file listed twice is an error.
pub fn parse(src: &SourceText) -> Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = Vec::new();
    for (i, line) in src.text.lines().enumerate() {
        let n = i as u32 + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let bad = |msg: String| Error::input(&src.display, (n, 1), "", msg);
        let (sha256, path) = split_line(line).map_err(bad)?;
        let path = relative(&path).map_err(bad)?;
        if let Some(first) = entries.iter().find(|e| e.path == path) {
            return Err(bad(format!(
                "`{path}` is listed twice (first at line {})",
                first.line
            )));
        }
        entries.push(Entry {
            path,
            sha256,
            line: n,
        });
    }
    if entries.is_empty() {
        return Err(Error::input(
            &src.display,
            (1, 1),
            "",
            "the manifest lists no file",
        ));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> SourceText {
        SourceText::new("SHA256SUMS", text.to_string())
    }

    #[test]
    fn gnu_bsd_and_escaped_lines() {
        let h = "a".repeat(64);
        let text = format!(
            "{h}  app.tar.gz\n{h} *bin/app\nSHA256 (x y.txt) = {}\n\\{h}  a\\\\b\n",
            "B".repeat(64)
        );
        let e = parse(&src(&text)).unwrap();
        let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["app.tar.gz", "bin/app", "x y.txt", "a\\b"]);
        assert_eq!(e[2].sha256, "b".repeat(64));
        assert_eq!(e[3].line, 4);
    }

    #[test]
    fn bad_lines_name_their_line() {
        let h = "a".repeat(64);
        for (text, want) in [
            (format!("{h}  ok\nnot a line\n"), "SHA256SUMS:2:1"),
            (format!("{h}  ../etc/passwd\n"), "leaves"),
            (format!("{h}  /etc/passwd\n"), "leaves"),
            (format!("{}  short\n", "a".repeat(63)), "64 hex"),
            (format!("{h}  a\n{h}  ./a\n"), "listed twice"),
            ("\n".to_string(), "no file"),
        ] {
            let e = parse(&src(&text)).unwrap_err();
            let shown = format!("{e}: {e:?}");
            assert!(shown.contains(want), "{text:?}: {shown}");
        }
    }
}
