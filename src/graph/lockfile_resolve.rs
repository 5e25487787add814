//! Resolving each Cargo.lock dependency string (`name`, `name version`
//! or `name version (source)`) to the one `[[package]]` entry it names.

use super::lockfile::{DepList, LockPackage};
use crate::error::{Error, Result};
use crate::location::SourceText;
use rustc_hash::FxHashMap;

/// Rejects duplicate entries, then resolves every package's dependencies.
pub(super) fn resolve_all(
    src: &SourceText,
    packages: &mut [LockPackage],
    dep_lists: &[DepList],
) -> Result<()> {
    let mut by_name: FxHashMap<&str, Vec<usize>> =
        FxHashMap::with_capacity_and_hasher(packages.len(), Default::default());
    let mut seen: FxHashMap<(&str, &semver::Version, Option<&str>), u32> =
        FxHashMap::with_capacity_and_hasher(packages.len(), Default::default());
    for (i, p) in packages.iter().enumerate() {
        let key = (p.name.as_str(), &p.version, p.source.as_deref());
        if let Some(first) = seen.insert(key, p.line) {
            return Err(Error::at(
                src,
                (p.line, 1),
                format!("package[{}]", p.name),
                format!(
                    "duplicate package entry `{} {}` (first at line {first})",
                    p.name, p.version
                ),
            ));
        }
        by_name.entry(&p.name).or_default().push(i);
    }
    let mut resolved = Vec::with_capacity(packages.len());
    for deps in dep_lists {
        let list = match deps {
            DepList::Owned(v) => v
                .iter()
                .map(|d| resolve_dep(src, d.span().start, d.get_ref(), packages, &by_name))
                .collect::<Result<Vec<_>>>()?,
            DepList::InText(v) => v
                .iter()
                .map(|r| {
                    let text = src.text.get(r.start + 1..r.end - 1).unwrap_or_default();
                    resolve_dep(src, r.start, text, packages, &by_name)
                })
                .collect::<Result<Vec<_>>>()?,
        };
        resolved.push(list);
    }
    for (p, deps) in packages.iter_mut().zip(resolved) {
        p.dependencies = deps;
    }
    Ok(())
}

/// Resolves `name`, `name version` or `name version (source)`.
fn resolve_dep(
    src: &SourceText,
    at: usize,
    text: &str,
    packages: &[LockPackage],
    by_name: &FxHashMap<&str, Vec<usize>>,
) -> Result<usize> {
    let mut parts = text.splitn(3, ' ');
    let name = parts.next().unwrap_or_default();
    let version = parts.next();
    let source = parts
        .next()
        .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
    let all = by_name.get(name).map_or(&[][..], Vec::as_slice);
    let matching = all
        .iter()
        .copied()
        .filter(|&i| version.is_none_or(|v| version_is(&packages[i].version, v)))
        .filter(|&i| source.is_none_or(|s| same_source(packages[i].source.as_deref(), s)));
    // Counted, not collected: no allocation per dependency.
    let (mut count, mut first, mut paths, mut path) = (0, 0, 0, 0);
    for i in matching {
        if count == 0 {
            first = i;
        }
        count += 1;
        if packages[i].source.is_none() {
            paths += 1;
            path = i;
        }
    }
    // Cargo's own rule: without a source, a unique path package wins
    // (a workspace crate shadowing its published namesake).
    let (count, one) = if source.is_none() && count > 1 && paths == 1 {
        (1, path)
    } else {
        (count, first)
    };
    match count {
        1 => Ok(one),
        0 => Err(Error::at(
            src,
            src.line_col(at),
            "dependencies",
            format!("dependency `{text}` matches no [[package]] entry"),
        )),
        _ => Err(Error::at(
            src,
            src.line_col(at),
            "dependencies",
            format!("dependency `{text}` is ambiguous: several [[package]] entries match"),
        )),
    }
}

/// Whether `v` spells `version` (without formatting it in the common case).
fn version_is(version: &semver::Version, v: &str) -> bool {
    match semver::Version::parse(v) {
        Ok(parsed) => parsed == *version,
        Err(_) => false,
    }
}

/// Dependency lists spell git sources without the `#commit` fragment.
fn same_source(package: Option<&str>, dep: &str) -> bool {
    fn strip(s: &str) -> &str {
        s.split('#').next().unwrap_or_default()
    }
    package.is_some_and(|p| strip(p) == strip(dep))
}
