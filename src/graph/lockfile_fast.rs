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

/// `"text"` with no escapes, and the byte range of `text`.
fn string_at(line: &str, offset: usize) -> Option<(String, std::ops::Range<usize>)> {
    let inner = line.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains(['"', '\\']) {
        return None;
    }
    Some((inner.to_string(), offset..offset + line.len()))
}

/// Parses the canonical layout, or gives up with `None`.
pub(crate) fn parse(text: &str) -> Option<RawLock> {
    parse_inner(text)
}

/// Whether the fast reader handles this text (else the TOML parser does).
pub fn handles(text: &str) -> bool {
    parse_inner(text).is_some()
}

fn parse_inner(text: &str) -> Option<RawLock> {
    let mut lock = RawLock {
        version: None,
        package: Vec::new(),
        metadata: None,
        root: None,
    };
    let mut current: Option<(usize, RawPackage)> = None;
    let mut in_metadata = false;
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n').peekable();
    // A table's span is its `[[package]]` header, as the TOML parser gives it.
    let finish = |cur: &mut Option<(usize, RawPackage)>, lock: &mut RawLock, _end: usize| {
        if let Some((start, p)) = cur.take() {
            lock.package
                .push(Spanned::new(start..start + "[[package]]".len(), p));
        }
    };
    while let Some(raw_line) = lines.next() {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[package]]" {
            finish(&mut current, &mut lock, line_start);
            in_metadata = false;
            current = Some((line_start, RawPackage::default()));
            continue;
        }
        if line == "[metadata]" {
            finish(&mut current, &mut lock, line_start);
            in_metadata = true;
            lock.metadata = Some(BTreeMap::new());
            continue;
        }
        if line.starts_with('[') {
            return None;
        }
        let (key, value) = line.split_once(" = ")?;
        let value_offset = line_start + key.len() + 3;
        if in_metadata {
            let (k, _) = string_at(key, line_start)?;
            let (v, _) = string_at(value, value_offset)?;
            lock.metadata.as_mut()?.insert(k, v);
            continue;
        }
        let Some((_, pkg)) = current.as_mut() else {
            if key == "version" {
                let n: i64 = value.parse().ok()?;
                lock.version = Some(Spanned::new(value_offset..value_offset + value.len(), n));
                continue;
            }
            return None;
        };
        match key {
            "name" => pkg.name = string_at(value, value_offset)?.0,
            "version" => {
                let (v, span) = string_at(value, value_offset)?;
                pkg.version = Spanned::new(span, v);
            }
            "source" => pkg.source = Some(string_at(value, value_offset)?.0),
            "checksum" => pkg.checksum = Some(string_at(value, value_offset)?.0),
            "dependencies" if value == "[" => loop {
                let dep_line = lines.next()?;
                let dep_start = offset;
                offset += dep_line.len();
                let d = dep_line.trim_end_matches(['\n', '\r']);
                if d == "]" {
                    break;
                }
                let item = d.strip_prefix(' ')?.strip_suffix(',')?;
                let (dep, span) = string_at(item, dep_start + 1)?;
                pkg.dependencies.push(Spanned::new(span, dep));
            },
            _ => return None,
        }
    }
    finish(&mut current, &mut lock, offset);
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
