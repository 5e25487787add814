//! Licenses family: each package's license expression (see [`resolve`])
//! evaluated against the `[licenses]` policy (see [`eval`]). Runs only
//! when the policy has a `[licenses]` table. Members with
//! `publish = false` are skipped unless `include-unpublished`.

pub mod config;
pub mod eval;
pub mod inventory;
pub mod resolve;
mod unused;

use super::{Check, Family, Needs, ScanContext};
use crate::model::{Finding, Level, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{Field, Ty};
use config::LicensePolicy;
use petgraph::graph::NodeIndex;
use resolve::{Origin, Parsed, Resolved};
use serde_json::json;
use unused::{Match, Seen, unused};

crate::rule!(
    REJECTED,
    "license-rejected",
    "LicenseRejected",
    "licenses",
    Deny,
    false,
    "A package's license expression is not satisfied by `licenses.allow`, or uses a denied license."
);
crate::rule!(
    UNKNOWN,
    "license-unknown",
    "LicenseUnknown",
    "licenses",
    Deny,
    false,
    "A package declares no license expression (only `license-file`, or nothing), or lockfile mode has no license data."
);
crate::rule!(
    IMPRECISE,
    "license-imprecise",
    "LicenseImprecise",
    "licenses",
    Warn,
    false,
    "A package's license is written in a legacy form (e.g. `MIT/Apache-2.0`) that depgate reads leniently."
);
crate::rule!(
    INVALID,
    "license-invalid",
    "LicenseInvalid",
    "licenses",
    Deny,
    false,
    "A package's license field is not a valid SPDX expression."
);
crate::rule!(
    ALLOW_UNUSED,
    "license-allow-unused",
    "LicenseAllowUnused",
    "licenses",
    Warn,
    false,
    "An entry of `licenses.allow`, an exception or a clarification matched no package."
);
crate::rule!(
    CLARIFY_STALE,
    "license-clarify-stale",
    "LicenseClarifyStale",
    "licenses",
    Warn,
    false,
    "A `[[licenses.clarify]]` entry no longer applies: a pinned license file changed or cannot be read."
);

pub const FAMILY: Family = Family::new::<Licenses>("licenses", RULES, TOP);

const RULES: &[&Rule] = &[
    &REJECTED,
    &UNKNOWN,
    &IMPRECISE,
    &INVALID,
    &ALLOW_UNUSED,
    &CLARIFY_STALE,
];

/// The family's top-level policy fields.
const TOP: &[Field] = &[Field::new(
    "licenses",
    Ty::Table(config::FIELDS),
    "license policy (the check runs only when this table exists)",
)];

pub struct Licenses;

impl Check for Licenses {
    /// `None` when the policy has no `[licenses]` table.
    type Config = Option<LicensePolicy>;

    fn config(root: &Reader<'_>) -> Option<LicensePolicy> {
        LicensePolicy::read(root)
    }

    fn needs(cfg: &Option<LicensePolicy>) -> Needs {
        Needs {
            license_data: cfg.is_some(),
            ..Needs::default()
        }
    }

    fn check(ctx: &ScanContext<'_>, cfg: &Option<LicensePolicy>, out: &mut Vec<Finding>) {
        if let Some(p) = cfg {
            check(ctx, p, out);
        }
    }
}

/// Why a package is not judged, if it is not: members with
/// `publish = false` (unless `include-unpublished`), and every member in
/// lockfile mode, where a Cargo.lock does not even say where their
/// manifests are.
pub fn skipped(
    p: &LicensePolicy,
    g: &crate::graph::Graph,
    pkg: &crate::graph::Package,
) -> Option<&'static str> {
    if !pkg.is_member {
        None
    } else if !g.mode.has_license_data() {
        Some("workspace member: this mode reads no member manifest")
    } else if pkg.publish_disabled && !p.include_unpublished {
        Some("workspace member with publish = false")
    } else {
        None
    }
}

/// The state of one pass over the graph.
struct Pass {
    used: eval::Used,
    cache: resolve::ParseCache,
    memo: eval::Memo,
    seen: Seen,
    /// `license-unknown` findings at `allow` that only count.
    tallied: u32,
}

fn check(ctx: &ScanContext<'_>, p: &LicensePolicy, out: &mut Vec<Finding>) {
    let g = ctx.graph;
    let mut pass = Pass {
        used: eval::Used::default(),
        cache: resolve::ParseCache::default(),
        memo: eval::Memo::default(),
        seen: Seen {
            clarify: vec![Match::None; p.clarify.len()],
            exceptions: vec![false; p.exceptions.len()],
            missing_data: false,
        },
        tallied: 0,
    };
    for (ix, pkg) in g.packages() {
        if skipped(p, g, pkg).is_some() {
            continue;
        }
        let matches = |krate: &str, req: &Option<semver::VersionReq>| {
            config::applies(krate, req, &pkg.name, &pkg.version)
        };
        let seen = &mut pass.seen;
        for (i, c) in p.clarify.iter().enumerate() {
            if matches(&c.krate, &c.versions) && seen.clarify[i] == Match::None {
                seen.clarify[i] = Match::Shadowed;
            }
        }
        for (i, e) in p.exceptions.iter().enumerate() {
            seen.exceptions[i] |= matches(&e.krate, &e.versions);
        }
        let r = resolve::resolve(p, g, pkg, &mut pass.cache);
        for s in &r.stale {
            pass.seen.clarify[s.clarify] = Match::Used;
            out.push(stale_finding(ctx, p, ix, s));
        }
        if let Origin::Clarified(i) = r.origin {
            pass.seen.clarify[i] = Match::Used;
        }
        judge(ctx, p, ix, &r, &mut pass, out);
    }
    if pass.tallied > 0 {
        out.push(Finding::tallied(&UNKNOWN, pass.tallied));
    }
    unused(ctx, p, &pass.used, &pass.seen, out);
}

/// The findings on one package's resolved expression.
fn judge(
    ctx: &ScanContext<'_>,
    p: &LicensePolicy,
    ix: NodeIndex,
    r: &Resolved,
    pass: &mut Pass,
    out: &mut Vec<Finding>,
) {
    let pkg = ctx.graph.package(ix);
    // Lockfile mode without a manifest for this package: no license data.
    let no_data = !ctx.graph.mode.has_license_data() && pkg.manifest_path.is_none();
    pass.seen.missing_data |= no_data && matches!(r.parsed, Parsed::Unknown(_));
    let text = r.text.as_deref().unwrap_or_default();
    match &r.parsed {
        Parsed::Unknown(why) => {
            // Without license data, a policy that can refuse nothing
            // loses nothing: count, do not report.
            let level = if no_data && !p.needs_data() {
                Level::Allow
            } else {
                p.unknown
            };
            if level == Level::Allow && ctx.tally_only(&UNKNOWN) {
                pass.tallied += 1;
                return;
            }
            if level == Level::Allow && !ctx.may_raise(&UNKNOWN) {
                out.push(ctx.counted_finding(&UNKNOWN, ix, "license"));
                return;
            }
            let mut f = package_finding(ctx, &UNKNOWN, ix, r, "license");
            f.message = format!(
                "`{} {}` has no license expression: {why}",
                pkg.name, pkg.version
            );
            f.level = level;
            f.fix = Some(format!(
                "ask `{}` to declare `license = \"...\"`, or add a `[[licenses.clarify]]` entry for it",
                pkg.name
            ));
            out.push(f);
        }
        Parsed::Invalid(err) => {
            let mut f = package_finding(ctx, &INVALID, ix, r, text);
            f.message = format!(
                "`{} {}` has an invalid license expression `{text}`: {err}",
                pkg.name, pkg.version
            );
            f.fix = Some(
                "ask upstream for a valid SPDX expression, or add a `[[licenses.clarify]]` entry"
                    .into(),
            );
            out.push(f);
        }
        Parsed::Valid(expr) | Parsed::Imprecise(expr) => {
            if let Parsed::Imprecise(e) = &r.parsed {
                let mut f = package_finding(ctx, &IMPRECISE, ix, r, text);
                f.message = format!(
                    "`{} {}` writes its license as `{text}`, read as `{e}`",
                    pkg.name, pkg.version
                );
                f.fix = Some(format!("upstream should write `license = \"{e}\"`"));
                out.push(f);
            }
            if let Err(fail) = pass.memo.evaluate(p, pkg, r, expr, &mut pass.used) {
                out.push(rejected(ctx, ix, r, &fail));
            }
        }
    }
}

/// A finding about package `ix`, located at its manifest's `license` line
/// when the package is local, else at its Cargo.lock entry.
fn package_finding(
    ctx: &ScanContext<'_>,
    rule: &'static Rule,
    ix: NodeIndex,
    r: &Resolved,
    subject: &str,
) -> Finding {
    let mut f = ctx.package_finding(rule, ix, subject, String::new());
    if let Some(at) = ctx
        .graph
        .manifests
        .get(&ix)
        .and_then(|m| m.license_location())
    {
        f.locations.insert(0, at);
    }
    if let Some(text) = &r.text {
        f.properties.insert("license".into(), json!(text));
    }
    f.properties
        .insert("license-source".into(), json!(r.source(ctx.graph)));
    f
}

fn rejected(ctx: &ScanContext<'_>, ix: NodeIndex, r: &Resolved, fail: &eval::Failure) -> Finding {
    let pkg = ctx.graph.package(ix);
    let text = r.text.as_deref().unwrap_or_default();
    let mut f = package_finding(ctx, &REJECTED, ix, r, text);
    let via = match r.origin {
        Origin::Clarified(_) => " (clarified in the policy)",
        Origin::Declared => "",
    };
    f.message = format!(
        "`{} {}` is licensed `{text}`{via}: {}",
        pkg.name, pkg.version, fail.reason
    );
    f.properties.insert("failing".into(), json!(fail.branches));
    f.properties.insert("reason".into(), json!(fail.reason));
    f.fix = Some(format!(
        "replace `{}`, allow one of its licenses, or add a `[[licenses.exceptions]]` entry",
        pkg.name
    ));
    f
}

fn stale_finding(
    ctx: &ScanContext<'_>,
    p: &LicensePolicy,
    ix: NodeIndex,
    s: &resolve::Stale,
) -> Finding {
    let pkg = ctx.graph.package(ix);
    let c = &p.clarify[s.clarify];
    let mut f = ctx.package_finding(&CLARIFY_STALE, ix, &c.expression, String::new());
    f.locations
        .insert(0, c.origin.location("the clarification"));
    f.message = format!(
        "the clarification `{}` for `{} {}` no longer applies: {}",
        c.expression, pkg.name, pkg.version, s.why
    );
    f.fix = Some(
        "read the crate's license files again, then update the clarification's `sha256`, or remove it"
            .into(),
    );
    f
}
