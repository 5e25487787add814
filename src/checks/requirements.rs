//! Requirements family: hygiene of the version requirements and versions
//! written in workspace members' Cargo.toml files (metadata mode), each
//! finding pointing at the manifest line. Wildcards and unbounded ranges
//! accept any future release, pre-release requirements pin unstable code,
//! a publishable crate cannot keep a path-only dependency, and members'
//! own versions must follow the policy's versioning scheme.

use super::{Check, Family, ScanContext};
use crate::graph::DepKind;
use crate::graph::manifest::Manifest;
use crate::location::Location;
use crate::model::{Finding, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{EXPOSURE, Field, Ty};
use petgraph::graph::NodeIndex;

crate::rule!(
    WILDCARD,
    "wildcard-requirement",
    "WildcardRequirement",
    "requirements",
    Warn,
    false,
    "A member depends on a crate with a `*` version requirement."
);
crate::rule!(
    UNBOUNDED,
    "unbounded-requirement",
    "UnboundedRequirement",
    "requirements",
    Warn,
    false,
    "A member's version requirement has a lower bound (`>=`, `>`) and no upper bound."
);
crate::rule!(
    PRERELEASE,
    "prerelease-dependency",
    "PrereleaseDependency",
    "requirements",
    Warn,
    false,
    "A member requires a pre-release version of a dependency."
);
crate::rule!(
    PATH_IN_PUBLISHED,
    "path-dependency-in-published-crate",
    "PathDependencyInPublishedCrate",
    "requirements",
    Warn,
    false,
    "A publishable member has a path dependency without a version requirement."
);
crate::rule!(
    INVALID_MEMBER_VERSION,
    "invalid-member-version",
    "InvalidMemberVersion",
    "requirements",
    Warn,
    false,
    "A member's version does not follow the policy's versioning scheme."
);

pub const FAMILY: Family = Family::new::<Requirements>("requirements", RULES, TOP);

const RULES: &[&Rule] = &[
    &WILDCARD,
    &UNBOUNDED,
    &PRERELEASE,
    &PATH_IN_PUBLISHED,
    &INVALID_MEMBER_VERSION,
];

/// The family's top-level policy fields.
const TOP: &[Field] = &[Field::new(
    "requirements",
    Ty::Table(FIELDS),
    "version requirements and member versions",
)];

const FIELDS: &[Field] = &[
    Field::new(
        "versioning",
        Ty::OneOf(&["calver", "semver"]),
        "scheme for members' own versions (invalid-member-version)",
    )
    .option_default("semver"),
    EXPOSURE,
];

#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Members' versions must be calendar versions.
    pub calver: bool,
}

pub struct Requirements;

impl Check for Requirements {
    type Config = Config;

    fn config(root: &Reader<'_>) -> Config {
        Config {
            calver: root.table("requirements").option("versioning") == Some("calver"),
        }
    }

    fn check(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
        for (&member, manifest) in &ctx.graph.manifests {
            requirement_findings(ctx, member, manifest, out);
            path_findings(ctx, member, manifest, out);
            if cfg.calver {
                out.extend(calver_finding(ctx, member, manifest));
            }
        }
    }
}

fn with_fix(mut f: Finding, fix: String) -> Finding {
    f.fix = Some(fix);
    f
}

/// Problems with one written requirement string.
fn requirement_rules(req: &str) -> Vec<(&'static Rule, String)> {
    let mut out = Vec::new();
    let Ok(parsed) = semver::VersionReq::parse(req) else {
        return out;
    };
    if parsed
        .comparators
        .iter()
        .any(|c| c.op == semver::Op::Wildcard && c.minor.is_none())
        || req.trim() == "*"
    {
        out.push((&WILDCARD, "accepts any version".to_string()));
    }
    let lower = parsed
        .comparators
        .iter()
        .any(|c| matches!(c.op, semver::Op::Greater | semver::Op::GreaterEq));
    let upper = parsed
        .comparators
        .iter()
        .any(|c| !matches!(c.op, semver::Op::Greater | semver::Op::GreaterEq));
    if lower && !upper {
        out.push((
            &UNBOUNDED,
            "has no upper bound, so any future major release matches".to_string(),
        ));
    }
    if parsed.comparators.iter().any(|c| !c.pre.is_empty()) {
        out.push((&PRERELEASE, "requires a pre-release".to_string()));
    }
    out
}

/// Wildcard, unbounded and pre-release requirements in a member's manifest.
fn requirement_findings(
    ctx: &ScanContext<'_>,
    member: NodeIndex,
    manifest: &Manifest,
    out: &mut Vec<Finding>,
) {
    let pkg = ctx.graph.package(member);
    for dep in &manifest.deps {
        let Some((line, column, req)) = &dep.req_line else {
            continue;
        };
        for (rule, why) in requirement_rules(req) {
            let at = Location {
                path: manifest.src.display.clone(),
                line: *line,
                column: *column,
                label: format!("`{}` requirement", dep.key),
            };
            let msg = format!(
                "`{}` requires `{} = \"{req}\"`, which {why}",
                pkg.name, dep.key
            );
            let fix = format!(
                "use a caret requirement on a released version, e.g. `{} = \"1.2\"`",
                dep.key
            );
            let subject = format!("{}:{}", dep.table, dep.key);
            let f = ctx.member_finding(rule, member, &subject, at, msg);
            out.push(with_fix(f, fix));
        }
    }
}

/// Path-only dependencies of a member that can be published.
fn path_findings(
    ctx: &ScanContext<'_>,
    member: NodeIndex,
    manifest: &Manifest,
    out: &mut Vec<Finding>,
) {
    let pkg = ctx.graph.package(member);
    if pkg.publish_disabled {
        return;
    }
    for d in pkg
        .declared
        .iter()
        .filter(|d| d.path.is_some() && d.req == "*" && d.kind != DepKind::Dev)
    {
        // A written `version` (even `*`) makes it publishable.
        let Some(dep) = manifest.find(&d.name).filter(|m| m.req_line.is_none()) else {
            continue;
        };
        let at = manifest.location(dep, &format!("path dependency `{}`", d.name));
        let msg = format!(
            "`{}` can be published but depends on `{}` by path only",
            pkg.name, d.name
        );
        let fix = format!(
            "add a version next to the path (`{} = {{ path = \"…\", version = \"…\" }}`), or set `publish = false`",
            d.name
        );
        let f = ctx.member_finding(&PATH_IN_PUBLISHED, member, &d.name, at, msg);
        out.push(with_fix(f, fix));
    }
}

/// A member version that is not `YYYY.MM.PATCH`.
fn calver_finding(
    ctx: &ScanContext<'_>,
    member: NodeIndex,
    manifest: &Manifest,
) -> Option<Finding> {
    let pkg = ctx.graph.package(member);
    let v = &pkg.version;
    if (2000..=9999).contains(&v.major) && (1..=12).contains(&v.minor) {
        return None;
    }
    let at = manifest_version_location(manifest);
    let msg = format!(
        "`{}` has version {v}, which is not calendar versioning (YYYY.MM.PATCH)",
        pkg.name
    );
    let f = ctx.member_finding(&INVALID_MEMBER_VERSION, member, "version", at, msg);
    Some(with_fix(f, "use YYYY.MM.PATCH, e.g. 2026.11.0".into()))
}

/// The `version = ...` line of `[package]`, else the file's first line.
fn manifest_version_location(m: &Manifest) -> Location {
    let line = m
        .src
        .text
        .lines()
        .position(|l| l.trim_start().starts_with("version"))
        .map_or(1, |i| i as u32 + 1);
    Location {
        path: m.src.display.clone(),
        line,
        column: 1,
        label: "member version".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(req: &str) -> Vec<&'static str> {
        requirement_rules(req).iter().map(|(r, _)| r.id).collect()
    }

    #[test]
    fn requirement_hygiene() {
        assert_eq!(ids("*"), ["wildcard-requirement"]);
        assert_eq!(ids(">= 1.2"), ["unbounded-requirement"]);
        assert!(ids(">= 1.2, < 2").is_empty());
        assert_eq!(ids("1.0.0-beta.2"), ["prerelease-dependency"]);
        assert!(ids("1.2").is_empty() && ids("~0.3").is_empty() && ids("=1.0.0").is_empty());
    }
}
