//! A fast reader for Cargo.lock files in the exact layout cargo writes
//! (`[[package]]` tables of `key = "string"` lines, `dependencies = [`
//! one string per line `]`, an optional `[metadata]` table of checksums).
//! It produces the same raw form as the TOML parser, with the same spans.
//! Anything outside that layout — escapes, inline tables, other tables,
//! odd spacing — returns `None`, and the caller falls back to the full
//! TOML parser, which also owns every error message. Fleet scans read
//! thousands of lockfiles, so this is their hot path.

use super::lockfile::{RawLock, RawPackage};
use std::collections::BTreeMap;
use toml::Spanned;

/// `"text"` with no escapes and no control characters (which TOML refuses
/// in a basic string, tab aside), and the byte range of `text`.
fn string_at(line: &str, offset: usize) -> Option<(String, std::ops::Range<usize>)> {
    str_at(line, offset).map(|(s, r)| (s.to_string(), r))
}

/// As [`string_at`], borrowing the text.
fn str_at(line: &str, offset: usize) -> Option<(&str, std::ops::Range<usize>)> {
    let inner = line.strip_prefix('"')?.strip_suffix('"')?;
    // A branch-free pass (it vectorises) clears the common case: printable
    // ASCII, no quote or backslash. Anything else takes the exact loop.
    let plain = inner.bytes().fold(true, |ok, b| {
        ok & (0x20..0x7f).contains(&b) & (b != b'"') & (b != b'\\')
    });
    if plain {
        return Some((inner, offset..offset + line.len()));
    }
    // Only non-ASCII text (rare in a lockfile) pays for the character
    // check of C1 controls.
    let mut ascii = true;
    for b in inner.bytes() {
        match b {
            b'"' | b'\\' | 0x7f => return None,
            b'\t' => {}
            0..0x20 => return None,
            0x80.. => ascii = false,
            _ => {}
        }
    }
    if !ascii && inner.chars().any(char::is_control) {
        return None;
    }
    Some((inner, offset..offset + line.len()))
}

/// `key = value` split at the first ` = `, without a substring searcher.
fn split_key(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let mut from = 0;
    while let Some(i) = b[from..].iter().position(|&c| c == b'=').map(|i| i + from) {
        if i > 0 && b.get(i - 1) == Some(&b' ') && b.get(i + 1) == Some(&b' ') {
            return Some((&line[..i - 1], &line[i + 2..]));
        }
        from = i + 1;
    }
    None
}

/// Lines with their line feed, as `split_inclusive('\n')` gives them,
/// found with memchr.
struct Lines<'t> {
    rest: &'t str,
}

impl<'t> Iterator for Lines<'t> {
    type Item = &'t str;
    fn next(&mut self) -> Option<&'t str> {
        if self.rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', self.rest.as_bytes()).map_or(self.rest.len(), |i| i + 1);
        let (line, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(line)
    }
}

/// A line without its `\n` or `\r\n` (a lone `\r` never gets here: see
/// [`has_refused_control`]).
fn trim_eol(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// Parses the canonical layout, or gives up with `None`.
pub(crate) fn parse(text: &str) -> Option<RawLock> {
    parse_inner(text)
}

/// Whether the fast reader handles this text (else the TOML parser does).
pub fn handles(text: &str) -> bool {
    parse_inner(text).is_some()
}

/// A `[[package]]` table being read: its header offset, its keys so far,
/// and whether `dependencies` was written (a key given twice is not the
/// canonical layout: TOML rejects it, so the full parser must see it).
struct Current {
    start: usize,
    pkg: RawPackage,
    has_deps: bool,
}

/// A table's span is its `[[package]]` header, as the TOML parser gives it.
fn finish(cur: &mut Option<Current>, lock: &mut RawLock) {
    if let Some(c) = cur.take() {
        let span = c.start..c.start + "[[package]]".len();
        lock.package.push(Spanned::new(span, c.pkg));
    }
}

/// Control characters TOML refuses anywhere outside escapes (tab aside; a
/// carriage return only before a line feed), in strings and comments
/// alike: such a text is left to the TOML parser and its error.
fn has_refused_control(text: &str) -> bool {
    let b = text.as_bytes();
    // A branch-free pass first (it vectorises); a carriage return, allowed
    // only before a line feed, sends the text to the precise loop.
    let suspect = b.iter().fold(false, |acc, &c| {
        acc | ((c < 0x20) & (c != b'\t') & (c != b'\n')) | (c == 0x7f)
    });
    if !suspect {
        return false;
    }
    b.iter().enumerate().any(|(i, &c)| match c {
        b'\t' | b'\n' => false,
        b'\r' => b.get(i + 1) != Some(&b'\n'),
        c => c < 0x20 || c == 0x7f,
    })
}

fn parse_inner(text: &str) -> Option<RawLock> {
    if has_refused_control(text) {
        return None;
    }
    let mut lock = RawLock {
        version: None,
        // About 280 bytes a package in cargo's layout; unused capacity is free.
        package: Vec::with_capacity(text.len() / 128),
        metadata: None,
        root: None,
    };
    let mut current: Option<Current> = None;
    let mut in_metadata = false;
    let mut offset = 0;
    let mut lines = Lines { rest: text };
    while let Some(raw_line) = lines.next() {
        let line_start = offset;
        offset += raw_line.len();
        let line = trim_eol(raw_line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[package]]" {
            finish(&mut current, &mut lock);
            in_metadata = false;
            let pkg = RawPackage::default();
            current = Some(Current {
                start: line_start,
                pkg,
                has_deps: false,
            });
            continue;
        }
        if line == "[metadata]" && lock.metadata.is_none() {
            finish(&mut current, &mut lock);
            in_metadata = true;
            lock.metadata = Some(BTreeMap::new());
            continue;
        }
        if line.starts_with('[') {
            return None;
        }
        let (key, value) = split_key(line)?;
        let value_offset = line_start + key.len() + 3;
        if in_metadata {
            let (k, _) = string_at(key, line_start)?;
            let (v, _) = string_at(value, value_offset)?;
            if lock.metadata.as_mut()?.insert(k, v).is_some() {
                return None;
            }
            continue;
        }
        let Some(cur) = current.as_mut() else {
            if key == "version" && lock.version.is_none() {
                let n: i64 = value.parse().ok()?;
                lock.version = Some(Spanned::new(value_offset..value_offset + value.len(), n));
                continue;
            }
            return None;
        };
        package_key(cur, key, value, value_offset, &mut lines, &mut offset)?;
    }
    finish(&mut current, &mut lock);
    // Cargo always writes name and version; without them, let the full parser report.
    if lock
        .package
        .iter()
        .any(|p| p.get_ref().name.is_empty() || p.get_ref().version.get_ref().is_empty())
    {
        return None;
    }
    Some(lock)
}

/// One `key = value` line of a `[[package]]` table (and, for
/// `dependencies`, the lines of its array). `None`: not the canonical layout.
fn package_key<'t>(
    cur: &mut Current,
    key: &str,
    value: &str,
    value_offset: usize,
    lines: &mut impl Iterator<Item = &'t str>,
    offset: &mut usize,
) -> Option<()> {
    let pkg = &mut cur.pkg;
    match key {
        "name" if pkg.name.is_empty() => pkg.name = string_at(value, value_offset)?.0,
        "version" if pkg.version.get_ref().is_empty() => {
            let (v, span) = string_at(value, value_offset)?;
            pkg.version = Spanned::new(span, v);
        }
        "source" if pkg.source.is_none() => pkg.source = Some(string_at(value, value_offset)?.0),
        "checksum" if pkg.checksum.is_none() => {
            pkg.checksum = Some(string_at(value, value_offset)?.0)
        }
        "dependencies" if value == "[" && !cur.has_deps => {
            cur.has_deps = true;
            loop {
                let dep_line = lines.next()?;
                let dep_start = *offset;
                *offset += dep_line.len();
                let d = trim_eol(dep_line);
                if d == "]" {
                    break;
                }
                let item = d.strip_prefix(' ')?.strip_suffix(',')?;
                let (_, span) = str_at(item, dep_start + 1)?;
                pkg.dep_ranges.push(span);
            }
        }
        _ => return None,
    }
    Some(())
}
