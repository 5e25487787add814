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

mod findings;

use super::{Check, Family, Needs, ScanContext};
use crate::advisories::Informational;
use crate::advisories::matching::{self, TargetFilter};
use crate::location::Location;
use crate::model::{Finding, Level, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{EXPOSURE, Field, Looser, Ty};

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

pub const FAMILY: Family = Family::new::<Advisories>("advisories", RULES, TOP);

const RULES: &[&Rule] = &[
    &VULNERABILITY,
    &UNMAINTAINED,
    &UNSOUND,
    &NOTICE,
    &YANKED,
    &DB_STALE,
];

/// The family's top-level policy fields.
const TOP: &[Field] = &[Field::new(
    "advisories",
    Ty::Table(FIELDS),
    "RustSec advisories",
)];

/// `level` and `scope` of one kind of informational advisory.
const fn info_fields(level: Level) -> [Field; 2] {
    [
        Field::new("level", Ty::Level, "level of these findings").level_default(level),
        Field::new(
            "scope",
            Ty::OneOf(&["all", "direct"]),
            "`direct`: only direct dependencies of members; `all`: every package",
        )
        .option_default("all"),
    ]
}

const UNMAINTAINED_FIELDS: &[Field] = &info_fields(Level::Warn);
const UNSOUND_FIELDS: &[Field] = &info_fields(Level::Warn);
const NOTICE_FIELDS: &[Field] = &info_fields(Level::Info);

/// A patch window: longer is looser; without one a vulnerability denies at once.
const fn window(key: &'static str, doc: &'static str) -> Field {
    Field::new(key, Ty::Duration, doc).looser(Looser::Higher {
        unset_loosest: false,
    })
}

/// `[advisories.patch-sla]` keys, by severity slot.
const SLA_KEYS: [&str; 5] = ["critical", "high", "medium", "low", "unscored"];

const SLA_FIELDS: &[Field] = &[
    window(
        "critical",
        "window for critical vulnerabilities (CVSS 9.0-10.0)",
    ),
    window("high", "window for high (7.0-8.9)"),
    window("medium", "window for medium (4.0-6.9)"),
    window("low", "window for low (0.1-3.9) and none"),
    window(
        "unscored",
        "window for vulnerabilities without a CVSS vector",
    ),
];

const YANKED_FIELDS: &[Field] = &[
    Field::new("level", Ty::Level, "level of advisory-yanked findings").level_default(Level::Warn),
    Field::new(
        "source",
        Ty::OneOf(&["cargo-index-cache", "none"]),
        "where yanked status comes from; `none` (default) disables the check",
    )
    .option_default("none"),
];

const FIELDS: &[Field] = &[
    Field::new(
        "fail-on-cvss",
        Ty::Float,
        "CVSS base score from which a vulnerability is relevant",
    )
    .looser(Looser::Higher {
        unset_loosest: false,
    }),
    Field::new(
        "below-threshold",
        Ty::Level,
        "level of vulnerabilities scored below fail-on-cvss",
    )
    .level_default(Level::Warn),
    Field::new(
        "unscored",
        Ty::OneOf(&["deny", "warn"]),
        "unscored vulnerabilities count as at (deny) or below (warn) the threshold",
    )
    .option_default("deny"),
    Field::new(
        "in-window",
        Ty::Level,
        "level of relevant vulnerabilities still inside their patch-sla window",
    )
    .level_default(Level::Warn),
    Field::new(
        "patch-sla",
        Ty::Table(SLA_FIELDS),
        "patch deadlines by severity, counted from the advisory date",
    ),
    Field::new(
        "max-db-age",
        Ty::Duration,
        "oldest acceptable advisory database (advisory-db-stale)",
    )
    .looser(Looser::Higher {
        unset_loosest: true,
    }),
    Field::new(
        "unmaintained",
        Ty::Table(UNMAINTAINED_FIELDS),
        "unmaintained advisories",
    ),
    Field::new("unsound", Ty::Table(UNSOUND_FIELDS), "unsound advisories"),
    Field::new("notice", Ty::Table(NOTICE_FIELDS), "notice advisories"),
    Field::new(
        "yanked",
        Ty::Table(YANKED_FIELDS),
        "yanked releases, from the local cargo index cache only",
    ),
    EXPOSURE,
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
    /// Where `max-db-age` is written.
    pub max_db_age_at: Option<Location>,
    pub unmaintained: InfoPolicy,
    pub unsound: InfoPolicy,
    pub notice: InfoPolicy,
    /// `Some(level)` when yanked releases are checked (from the index cache).
    pub yanked: Option<Level>,
}

fn info(t: &Reader<'_>, key: &str) -> InfoPolicy {
    let table = t.table(key);
    InfoPolicy {
        level: table.level_or_default("level"),
        direct_only: table.option("scope") == Some("direct"),
    }
}

pub struct Advisories;

impl Check for Advisories {
    type Config = Config;

    fn config(root: &Reader<'_>) -> Config {
        let t = root.table("advisories");
        let sla = t.table("patch-sla");
        let windows = SLA_KEYS.map(|k| sla.days(k));
        let yanked = t.table("yanked");
        let yanked_level = yanked.level_or_default("level");
        Config {
            fail_on_cvss: t.float("fail-on-cvss"),
            below_threshold: t.level_or_default("below-threshold"),
            unscored_relevant: t.option("unscored") != Some("warn"),
            in_window: t.level_or_default("in-window"),
            patch_sla: t.has("patch-sla").then_some(windows),
            max_db_age: t.days("max-db-age"),
            max_db_age_at: t
                .node("max-db-age")
                .map(|n| n.origin.location("max-db-age")),
            unmaintained: info(&t, "unmaintained"),
            unsound: info(&t, "unsound"),
            notice: info(&t, "notice"),
            yanked: (yanked.option("source") == Some("cargo-index-cache")).then_some(yanked_level),
        }
    }

    fn needs(cfg: &Config) -> Needs {
        Needs {
            index_cache: cfg.yanked.is_some(),
            ..Needs::default()
        }
    }

    fn check(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
        let Some(db) = ctx.db else { return };
        let g = ctx.graph;
        let targets: Vec<TargetFilter> = g
            .targets
            .iter()
            .filter_map(|t| TargetFilter::from_triple(t))
            .collect();
        for (ix, pkg) in g.packages() {
            for a in matching::matches(db, &pkg.name, &pkg.version, &pkg.source, &targets) {
                let finding = match &a.informational {
                    None => Some(findings::vulnerability(ctx, cfg, ix, a)),
                    Some(kind) => {
                        let (rule, policy) = match kind {
                            Informational::Unmaintained => (&UNMAINTAINED, cfg.unmaintained),
                            Informational::Unsound => (&UNSOUND, cfg.unsound),
                            Informational::Notice | Informational::Other(_) => {
                                (&NOTICE, cfg.notice)
                            }
                        };
                        findings::informational(ctx, rule, policy, ix, a)
                    }
                };
                out.extend(finding);
            }
        }
        yanked(ctx, cfg, out);
        db_age(ctx, cfg, db, out);
    }
}

fn yanked(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
    let (Some(level), Some(index)) = (cfg.yanked, ctx.index) else {
        return;
    };
    for (ix, pkg) in ctx.graph.packages() {
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

fn db_age(
    ctx: &ScanContext<'_>,
    cfg: &Config,
    db: &crate::advisories::AdvisoryDb,
    out: &mut Vec<Finding>,
) {
    let Some(max) = cfg.max_db_age else { return };
    let age = ctx.today.days() - db.info.date.days();
    if age <= max {
        return;
    }
    let msg = format!(
        "the advisory database ({}, {}) is {age} days old; max-db-age is {max} days",
        db.info.kind, db.info.date
    );
    let at = cfg.max_db_age_at.clone().unwrap_or_default();
    let mut f = ctx.policy_finding(&DB_STALE, at, "advisory-db", msg);
    if f.locations.first().is_some_and(|l| l.path.is_empty()) {
        f.locations.clear();
    }
    f.fix = Some("pass a fresh rustsec/advisory-db checkout with --advisory-db, or put one in $DEPGATE_HOME/advisory-db".into());
    out.push(f);
}
