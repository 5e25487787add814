//! Matching packages against advisories with rustsec's semantics: a
//! version is affected when no `patched` and no `unaffected` range holds
//! it; withdrawn advisories never match; only crates.io packages match
//! unless an advisory names another source; `affected.os`/`arch` filter
//! only when a target is given.

use super::db::{Advisory, AdvisoryDb};
use crate::graph::Source;

/// A selected target's OS and architecture, for `affected.os/arch`.
#[derive(Debug, Clone)]
pub struct TargetFilter {
    pub os: String,
    pub arch: String,
}

impl TargetFilter {
    /// From a triple known to rustc (via cfg-expr's built-in list).
    pub fn from_triple(triple: &str) -> Option<TargetFilter> {
        let t = cfg_expr::targets::get_builtin_target_by_triple(triple)?;
        Some(TargetFilter {
            os: t
                .os
                .as_ref()
                .map_or("none".to_string(), |o| o.as_str().to_string()),
            arch: t.arch.as_str().to_string(),
        })
    }
}

pub fn is_affected(a: &Advisory, version: &semver::Version) -> bool {
    !a.patched.iter().any(|r| r.contains(version))
        && !a.unaffected.iter().any(|r| r.contains(version))
}

fn source_matches(a: &Advisory, source: &Source) -> bool {
    match &a.source {
        None => source.is_crates_io(),
        Some(s) => source.raw().is_some_and(|raw| {
            let trim = |x: &str| {
                x.trim_start_matches("registry+")
                    .trim_start_matches("sparse+")
                    .trim_end_matches('/')
                    .to_string()
            };
            trim(raw) == trim(s)
        }),
    }
}

/// Advisories from the `crates` collection that affect this package.
/// With `targets` empty, `affected.os/arch` do not narrow the match.
pub fn matches<'db>(
    db: &'db AdvisoryDb,
    name: &str,
    version: &semver::Version,
    source: &Source,
    targets: &[TargetFilter],
) -> Vec<&'db Advisory> {
    db.for_package(name)
        .filter(|a| a.collection == "crates" && a.withdrawn.is_none())
        .filter(|a| source_matches(a, source))
        .filter(|a| is_affected(a, version))
        .filter(|a| {
            targets.is_empty()
                || targets.iter().any(|t| {
                    (a.affected_os.is_empty() || a.affected_os.contains(&t.os))
                        && (a.affected_arch.is_empty() || a.affected_arch.contains(&t.arch))
                })
        })
        .collect()
}
