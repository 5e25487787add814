//! The fields of a CycloneDX component as a Cargo package: its cargo
//! purl and version, source, exposure and license expression.

use super::{Component, LicenseChoice};
use crate::graph::purl::{self, Purl};
use crate::graph::{Exposure, Source};

/// A component's cargo purl and its version.
pub type Identified = (Purl, semver::Version);

/// The cargo purl and semver version of a component, or why it has none.
pub fn identify(c: &Component<'_>) -> std::result::Result<Identified, String> {
    let Some(text) = &c.purl else {
        return Err("it has no purl".into());
    };
    let p = purl::parse(text)?;
    if p.kind != "cargo" {
        return Err(format!(
            "its purl `{text}` is of type `{}`, not `cargo`",
            p.kind
        ));
    }
    let Some(v) = p
        .version
        .clone()
        .or_else(|| c.version.clone())
        .filter(|v| !v.is_empty())
    else {
        return Err("it has no version".into());
    };
    match semver::Version::parse(&v) {
        Ok(version) => Ok((p, version)),
        Err(e) => Err(format!("its version `{v}` is not semver ({e})")),
    }
}

/// The package source: depgate's own property when present (it keeps the
/// Cargo.lock spelling), else the purl's qualifiers; crates.io by default.
pub fn source_of(prop: Option<&str>, p: &Purl) -> Source {
    match prop {
        Some("path") => return Source::Path,
        Some(raw) => return Source::parse(Some(raw)),
        None => {}
    }
    if let Some(url) = p.qualifiers.get("repository_url") {
        return Source::parse(Some(&format!("registry+{url}")));
    }
    if let Some(vcs) = p.qualifiers.get("vcs_url") {
        let url = vcs.strip_prefix("git+").unwrap_or(vcs);
        // `URL@COMMIT`: the commit follows the last `@` after the host.
        let (url, commit) = match url.rsplit_once('@') {
            Some((u, c)) if u.contains("://") && !c.contains('/') => (u, Some(c)),
            _ => (url, None),
        };
        let raw = match commit {
            Some(c) => format!("git+{url}#{c}"),
            None => format!("git+{url}"),
        };
        return Source::parse(Some(&raw));
    }
    if p.qualifiers
        .get("download_url")
        .is_some_and(|u| u.starts_with("file:"))
    {
        return Source::Path;
    }
    Source::parse(Some(crate::graph::source::CRATES_IO_SPARSE))
}

/// depgate's `depgate:exposure`, else the CycloneDX scope.
pub fn exposure_of(prop: Option<&str>, scope: Option<&str>) -> Exposure {
    match (prop, scope) {
        (Some("build-only"), _) => Exposure::BuildOnly,
        (Some("dev-only"), _) => Exposure::DevOnly,
        (Some("unknown"), _) => Exposure::Unknown,
        (_, Some("excluded")) => Exposure::BuildOnly,
        _ => Exposure::Normal,
    }
}

/// The licenses as one SPDX expression. Several entries are all required
/// (`AND`): the SBOM does not say that a choice is offered.
pub fn license_of(list: &[LicenseChoice]) -> Option<String> {
    let parts: Vec<String> = list
        .iter()
        .filter_map(|l| {
            l.expression.clone().or_else(|| {
                l.license
                    .as_ref()
                    .and_then(|x| x.id.clone().or_else(|| x.name.clone()))
            })
        })
        .collect();
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(
            parts
                .iter()
                .map(|p| {
                    if p.contains(' ') {
                        format!("({p})")
                    } else {
                        p.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" AND "),
        ),
    }
}
