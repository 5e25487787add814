//! Advisories family: RustSec vulnerabilities and informational advisories
//! (unmaintained, unsound, notice) matched against the graph, and the
//! database's age.
//!
//! A vulnerability's level (the family step of the precedence chain): it
//! is *relevant* when its CVSS base score is at least `fail-on-cvss` (or,
//! unscored, when `unscored = "deny"`); irrelevant ones take
//! `below-threshold`. A relevant one is `deny` at once, unless
//! `[advisories.patch-sla]` gives its severity a window counted from the
//! advisory's date: inside the window it takes `in-window`, with the days
//! left; past it, `deny`, with the days overdue.

use super::{Family, ScanContext};
use crate::advisories::matching::{self, TargetFilter};
use crate::advisories::{Advisory, Informational};
use crate::finding::{Finding, Level};
use crate::graph::Graph;
use crate::policy::schema::{EXPOSURE_FIELDS, Field, Ty, parse_days};
use crate::policy::tree::{Node, Value};
use petgraph::graph::NodeIndex;
use serde_json::json;

crate::rule!(
    VULNERABILITY,
    "advisory-vulnerability",
    "AdvisoryVulnerability",
    "advisories",
    Deny,
    true,
    "A package version is affected by a RustSec security vulnerability."
);
crate::rule!(
    UNMAINTAINED,
    "advisory-unmaintained",
    "AdvisoryUnmaintained",
    "advisories",
    Warn,
    true,
    "A package is marked unmaintained by a RustSec advisory."
);
crate::rule!(
    UNSOUND,
    "advisory-unsound",
    "AdvisoryUnsound",
    "advisories",
    Warn,
    true,
    "A package version has a RustSec advisory for unsound code."
);
crate::rule!(
    NOTICE,
    "advisory-notice",
    "AdvisoryNotice",
    "advisories",
    Info,
    false,
    "A package has an informational RustSec notice."
);
crate::rule!(
    YANKED,
    "advisory-yanked",
    "AdvisoryYanked",
    "advisories",
    Warn,
    true,
    "A package version was yanked from crates.io (per the local cargo index cache)."
);
crate::rule!(
    DB_STALE,
    "advisory-db-stale",
    "AdvisoryDbStale",
    "advisories",
    Warn,
    true,
    "The advisory database is older than `advisories.max-db-age`."
);

pub const FAMILY: Family = Family {
    name: "advisories",
    policy: Some(Field::new(
        "advisories",
        Ty::Table(FIELDS),
        "RustSec advisories",
    )),
    check,
};

const INFO_FIELDS: &[Field] = &[
    Field::new("level", Ty::Level, "level of these findings"),
    Field::new(
        "scope",
        Ty::OneOf(&["direct", "all"]),
        "`direct`: only direct dependencies of members; `all`: every package",
    ),
];

const SLA_FIELDS: &[Field] = &[
    Field::new(
        "critical",
        Ty::Duration,
        "window for critical vulnerabilities (CVSS 9.0-10.0)",
    ),
    Field::new("high", Ty::Duration, "window for high (7.0-8.9)"),
    Field::new("medium", Ty::Duration, "window for medium (4.0-6.9)"),
    Field::new("low", Ty::Duration, "window for low (0.1-3.9) and none"),
    Field::new(
        "unscored",
        Ty::Duration,
        "window for vulnerabilities without a CVSS vector",
    ),
];

const YANKED_FIELDS: &[Field] = &[
    Field::new("level", Ty::Level, "level of advisory-yanked findings"),
    Field::new(
        "source",
        Ty::OneOf(&["cargo-index-cache", "none"]),
        "where yanked status comes from; `none` (default) disables the check",
    ),
];

const FIELDS: &[Field] = &[
    Field::new(
        "fail-on-cvss",
        Ty::Float,
        "CVSS base score from which a vulnerability is relevant",
    ),
    Field::new(
        "below-threshold",
        Ty::Level,
        "level of vulnerabilities scored below fail-on-cvss",
    ),
    Field::new(
        "unscored",
        Ty::OneOf(&["deny", "warn"]),
        "unscored vulnerabilities count as at (deny) or below (warn) the threshold",
    ),
    Field::new(
        "in-window",
        Ty::Level,
        "level of relevant vulnerabilities still inside their patch-sla window",
    ),
    Field::new(
        "patch-sla",
        Ty::Table(SLA_FIELDS),
        "patch deadlines by severity, counted from the advisory date",
    ),
    Field::new(
        "max-db-age",
        Ty::Duration,
        "oldest acceptable advisory database (advisory-db-stale)",
    ),
    Field::new(
        "unmaintained",
        Ty::Table(INFO_FIELDS),
        "unmaintained advisories",
    ),
    Field::new("unsound", Ty::Table(INFO_FIELDS), "unsound advisories"),
    Field::new("notice", Ty::Table(INFO_FIELDS), "notice advisories"),
    Field::new(
        "yanked",
        Ty::Table(YANKED_FIELDS),
        "yanked releases, from the local cargo index cache only",
    ),
    Field::new(
        "exposure",
        Ty::Table(EXPOSURE_FIELDS),
        "exposure caps for this family",
    ),
];

/// Informational advisories' level and scope.
#[derive(Debug, Clone, Copy)]
pub struct InfoPolicy {
    pub level: Level,
    pub direct_only: bool,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub fail_on_cvss: Option<f64>,
    pub below_threshold: Level,
    pub unscored_relevant: bool,
    pub in_window: Level,
    /// Days by severity (`critical`, `high`, `medium`, `low`, `unscored`).
    pub patch_sla: Option<[Option<i64>; 5]>,
    pub max_db_age: Option<i64>,
    pub unmaintained: InfoPolicy,
    pub unsound: InfoPolicy,
    pub notice: InfoPolicy,
    /// `Some(level)` when yanked releases are checked (from the index cache).
    pub yanked: Option<Level>,
}

impl Config {
    pub fn from_tree(tree: &Node) -> Config {
        let get = |path: &[&str]| tree.at(&[&["advisories"][..], path].concat());
        let level = |path: &[&str], d: Level| {
            get(path)
                .and_then(Node::as_str)
                .and_then(Level::parse)
                .unwrap_or(d)
        };
        let days = |path: &[&str]| get(path).and_then(Node::as_str).and_then(parse_days);
        let info = |k: &str, d: Level| InfoPolicy {
            level: level(&[k, "level"], d),
            direct_only: get(&[k, "scope"]).and_then(Node::as_str) == Some("direct"),
        };
        Config {
            fail_on_cvss: get(&["fail-on-cvss"]).and_then(|n| match n.value {
                Value::Float(f) => Some(f),
                Value::Int(i) => Some(i as f64),
                _ => None,
            }),
            below_threshold: level(&["below-threshold"], Level::Warn),
            unscored_relevant: get(&["unscored"]).and_then(Node::as_str) != Some("warn"),
            in_window: level(&["in-window"], Level::Warn),
            patch_sla: get(&["patch-sla"]).map(|_| {
                ["critical", "high", "medium", "low", "unscored"].map(|k| days(&["patch-sla", k]))
            }),
            max_db_age: days(&["max-db-age"]),
            unmaintained: info("unmaintained", UNMAINTAINED.default_level),
            unsound: info("unsound", UNSOUND.default_level),
            notice: info("notice", NOTICE.default_level),
            yanked: (get(&["yanked", "source"]).and_then(Node::as_str)
                == Some("cargo-index-cache"))
            .then(|| level(&["yanked", "level"], YANKED.default_level)),
        }
    }
}

fn check(ctx: &ScanContext<'_>, out: &mut Vec<Finding>) {
    let Some(db) = ctx.db else { return };
    let g = ctx.graph;
    let cfg = &ctx.policy.advisories;
    let targets: Vec<TargetFilter> = g
        .targets
        .iter()
        .filter_map(|t| TargetFilter::from_triple(t))
        .collect();
    for (ix, pkg) in g.packages() {
        for a in matching::matches(db, &pkg.name, &pkg.version, &pkg.source, &targets) {
            let finding = match &a.informational {
                None => Some(vulnerability(ctx, cfg, ix, a)),
                Some(kind) => informational(ctx, cfg, ix, a, kind),
            };
            out.extend(finding);
        }
    }
    if let (Some(level), Some(index)) = (cfg.yanked, ctx.index) {
        for (ix, pkg) in g.packages() {
            if pkg.source.is_crates_io()
                && index.is_yanked(&pkg.name, &pkg.version.to_string()) == Some(true)
            {
                let mut f = ctx.package_finding(
                    &YANKED,
                    ix,
                    "yanked",
                    format!("`{} {}` was yanked from crates.io", pkg.name, pkg.version),
                );
                f.level = level;
                f.fix = Some(format!("cargo update -p {}@{}", pkg.name, pkg.version));
                out.push(f);
            }
        }
    }
    if let Some(max) = cfg.max_db_age {
        let age = ctx.today.days() - db.info.date.days();
        if age > max {
            let at = ctx.policy.tree.at(&["advisories", "max-db-age"]).map(|n| {
                crate::location::Location {
                    path: n.origin.file.clone(),
                    line: n.origin.line,
                    column: n.origin.column,
                    label: "max-db-age".into(),
                }
            });
            let msg = format!(
                "the advisory database ({}, {}) is {age} days old; max-db-age is {max} days",
                db.info.kind, db.info.date
            );
            let mut f = ctx.policy_finding(&DB_STALE, at.unwrap_or_default(), "advisory-db", msg);
            if f.locations.first().is_some_and(|l| l.path.is_empty()) {
                f.locations.clear();
            }
            f.fix = Some("pass a fresh rustsec/advisory-db checkout with --advisory-db, or put one in $DEPGATE_HOME/advisory-db".into());
            out.push(f);
        }
    }
}

fn severity_slot(a: &Advisory) -> usize {
    match a.score.as_ref().map(|s| s.severity.as_str()) {
        Some("critical") => 0,
        Some("high") => 1,
        Some("medium") => 2,
        Some(_) => 3,
        None => 4,
    }
}

fn vulnerability(ctx: &ScanContext<'_>, cfg: &Config, ix: NodeIndex, a: &Advisory) -> Finding {
    let pkg = ctx.graph.package(ix);
    let scored = match &a.score {
        Some(s) => format!("CVSS {} {}", s.score, s.severity),
        None => "unscored".to_string(),
    };
    let mut f = ctx.package_finding(
        &VULNERABILITY,
        ix,
        &a.id,
        format!(
            "`{} {}`: {} {} ({scored})",
            pkg.name, pkg.version, a.id, a.title
        ),
    );
    let relevant = match (&a.score, cfg.fail_on_cvss) {
        (Some(s), Some(t)) => s.score >= t,
        (None, Some(_)) => cfg.unscored_relevant,
        (_, None) => true,
    };
    f.level = if !relevant {
        cfg.below_threshold
    } else if let Some(window) = cfg.patch_sla.and_then(|sla| sla[severity_slot(a)]) {
        let deadline = a.date.add_days(window);
        let left = deadline.days() - ctx.today.days();
        f.properties
            .insert("deadline".into(), json!(deadline.to_string()));
        if left >= 0 {
            f.properties.insert("days_left".into(), json!(left));
            f.message
                .push_str(&format!("; patch deadline {deadline}, {left} days left"));
            cfg.in_window
        } else {
            f.properties.insert("days_overdue".into(), json!(-left));
            f.message.push_str(&format!(
                "; patch deadline {deadline} passed {} days ago",
                -left
            ));
            Level::Deny
        }
    } else {
        Level::Deny
    };
    f.properties.insert("relevant".into(), json!(relevant));
    annotate(&mut f, a);
    f.fix = Some(remediation(ctx.graph, ix, a));
    f
}

fn informational(
    ctx: &ScanContext<'_>,
    cfg: &Config,
    ix: NodeIndex,
    a: &Advisory,
    kind: &Informational,
) -> Option<Finding> {
    let (rule, policy) = match kind {
        Informational::Unmaintained => (&UNMAINTAINED, cfg.unmaintained),
        Informational::Unsound => (&UNSOUND, cfg.unsound),
        Informational::Notice | Informational::Other(_) => (&NOTICE, cfg.notice),
    };
    if policy.direct_only && !ctx.graph.is_direct(ix) {
        return None;
    }
    let pkg = ctx.graph.package(ix);
    let mut f = ctx.package_finding(
        rule,
        ix,
        &a.id,
        format!("`{} {}`: {} {}", pkg.name, pkg.version, a.id, a.title),
    );
    f.level = policy.level;
    annotate(&mut f, a);
    f.fix = Some(if a.patched.is_empty() {
        format!(
            "replace `{}`; see {}",
            pkg.name,
            a.url.as_deref().unwrap_or("the advisory")
        )
    } else {
        remediation(ctx.graph, ix, a)
    });
    Some(f)
}

fn annotate(f: &mut Finding, a: &Advisory) {
    f.properties.insert(
        "advisory".into(),
        json!({
            "id": a.id,
            "title": a.title,
            "date": a.date,
            "url": a.url,
            "aliases": a.aliases,
            "patched": a.patched,
            "informational": a.informational,
            "cvss": a.score,
        }),
    );
    if let Some(s) = &a.score {
        f.properties.insert("cvss_score".into(), json!(s.score));
        f.properties.insert("severity".into(), json!(s.severity));
    }
}

/// The fix: the exact `cargo update` when a semver-compatible patched
/// version exists, else which direct dependency has to move.
fn remediation(g: &Graph, ix: NodeIndex, a: &Advisory) -> String {
    let pkg = g.package(ix);
    let patched: Vec<&str> = a.patched.iter().map(|r| r.as_str()).collect();
    if patched.is_empty() {
        return format!(
            "no patched version of `{}` exists; remove or replace it",
            pkg.name
        );
    }
    let compatible = a
        .patched
        .iter()
        .filter_map(|r| r.minimum())
        .filter(|v| {
            *v > pkg.version
                && super::duplicates::compat_class(v)
                    == super::duplicates::compat_class(&pkg.version)
        })
        .min();
    if let Some(v) = compatible {
        return format!(
            "cargo update -p {}@{} --precise {v}  (patched: {})",
            pkg.name,
            pkg.version,
            patched.join(" or ")
        );
    }
    let direct: std::collections::BTreeSet<String> = g
        .inverse_paths(ix, 3)
        .iter()
        .filter_map(|p| p.get(1).map(|&d| g.package(d).name.clone()))
        .collect();
    let mut steps = Vec::new();
    if direct.contains(&pkg.name) {
        steps.push(format!(
            "raise the workspace's requirement on `{}`",
            pkg.name
        ));
    }
    let others: Vec<String> = direct
        .iter()
        .filter(|d| **d != pkg.name)
        .map(|d| format!("`{d}`"))
        .collect();
    if !others.is_empty() {
        steps.push(format!(
            "move the direct dependency {} to a release that allows it",
            others.join(", ")
        ));
    }
    if steps.is_empty() {
        format!(
            "upgrade `{}` to a patched version ({})",
            pkg.name,
            patched.join(" or ")
        )
    } else {
        format!(
            "upgrade `{}` to a patched version ({}), a semver-incompatible release: {}",
            pkg.name,
            patched.join(" or "),
            steps.join("; ")
        )
    }
}
