//! The findings of the advisories family: a vulnerability with its level
//! under the CVSS threshold and patch windows, an informational advisory,
//! and the remediation each one suggests.

use super::{Config, InfoPolicy, VULNERABILITY};
use crate::advisories::Advisory;
use crate::checks::ScanContext;
use crate::graph::{Graph, compat_class};
use crate::model::{AdvisoryFacts, Finding, Level, Rule, Severity};
use petgraph::graph::NodeIndex;
use serde_json::json;

fn severity_slot(a: &Advisory) -> usize {
    match a.score.as_ref().map(|s| s.severity.as_str()) {
        Some("critical") => 0,
        Some("high") => 1,
        Some("medium") => 2,
        Some(_) => 3,
        None => 4,
    }
}

pub(super) fn vulnerability(
    ctx: &ScanContext<'_>,
    cfg: &Config,
    ix: NodeIndex,
    a: &Advisory,
) -> Finding {
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
            f.facts.overdue_days = Some(-left);
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
    annotate(&mut f, a, true);
    f.fix = Some(remediation(ctx.graph, ix, a));
    f
}

pub(super) fn informational(
    ctx: &ScanContext<'_>,
    rule: &'static Rule,
    policy: InfoPolicy,
    ix: NodeIndex,
    a: &Advisory,
) -> Option<Finding> {
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
    annotate(&mut f, a, false);
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

fn annotate(f: &mut Finding, a: &Advisory, vulnerability: bool) {
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
        f.facts.cvss = Some((s.score, severity(&s.severity)));
    }
    f.facts.advisory = Some(Box::new(AdvisoryFacts {
        id: a.id.clone(),
        title: a.title.clone(),
        url: a.url.clone(),
        aliases: a.aliases.clone(),
        vulnerability,
    }));
}

fn severity(s: &str) -> Severity {
    match s {
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "medium" => Severity::Medium,
        "low" => Severity::Low,
        _ => Severity::None,
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
        .filter(|v| *v > pkg.version && compat_class(v) == compat_class(&pkg.version))
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
