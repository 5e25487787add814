//! `policy-weakened`: in diff mode (`--base-ref`), a change to the
//! effective policy that lets more through is itself a finding, pointing
//! at the changed line: a new waiver, a level lowered in `[levels]` or in
//! an exposure cap, a registry or git source newly allowed, a ban removed,
//! a looser `fail-on` or a higher `fail-on-cvss`. Default `warn`; the
//! `regulated` preset denies.

use crate::finding::{Finding, Level};
use crate::location::Location;
use crate::policy::Policy;
use crate::policy::tree::{Node, Origin};

crate::rule!(
    POLICY_WEAKENED,
    "policy-weakened",
    "PolicyWeakened",
    "diff",
    Warn,
    true,
    "A change to the policy since the base revision lets more through (diff mode)."
);

fn level(n: Option<&Node>) -> Option<Level> {
    n.and_then(Node::as_str).and_then(Level::parse)
}

fn finding(workspace: &str, subject: String, message: String, loc: Location) -> Finding {
    let mut f = Finding::new(
        &POLICY_WEAKENED,
        workspace,
        "",
        &subject,
        message,
        vec![loc],
    );
    f.fix = Some("get the change reviewed by the policy owners, or revert it".into());
    f
}

fn entries(tree: &Node, path: &[&str]) -> Vec<(String, Origin)> {
    tree.at(path)
        .map_or(&[][..], Node::as_array)
        .iter()
        .map(|n| {
            let key = ["rule", "id", "crate", "versions"]
                .map(|k| n.get(k).and_then(Node::as_str).unwrap_or("*"))
                .join("/");
            (key, n.origin.clone())
        })
        .collect()
}

/// Compares the effective policies at the base revision and now.
pub fn compare(base: &Policy, head: &Policy, workspace: &str) -> Vec<Finding> {
    let (b, h) = (&base.tree, &head.tree);
    let mut out = Vec::new();
    let base_waivers: Vec<String> = entries(b, &["waivers"])
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    for (key, origin) in entries(h, &["waivers"]) {
        if !base_waivers.contains(&key) {
            out.push(finding(
                workspace,
                format!("waiver:{key}"),
                format!("a waiver was added: `{key}`"),
                origin.location("new waiver"),
            ));
        }
    }
    let head_bans: Vec<String> = entries(h, &["bans", "deny"])
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    for (key, _) in entries(b, &["bans", "deny"]) {
        if !head_bans.contains(&key) {
            let loc = h
                .at(&["bans"])
                .map_or_else(|| h.origin.location("bans"), |n| n.origin.location("bans"));
            out.push(finding(
                workspace,
                format!("ban:{key}"),
                format!("a ban was removed: `{key}`"),
                loc,
            ));
        }
    }
    for rule in crate::rules::ALL {
        let was = base
            .levels
            .get(rule.id)
            .copied()
            .unwrap_or(rule.default_level);
        if let Some(&now) = head.levels.get(rule.id) {
            if now < was {
                let origin = h
                    .at(&["levels", rule.id])
                    .map_or(h.origin.clone(), |n| n.origin.clone());
                out.push(finding(
                    workspace,
                    format!("level:{}", rule.id),
                    format!(
                        "`{}` was lowered from {} to {}",
                        rule.id,
                        was.as_str(),
                        now.as_str()
                    ),
                    origin.location("level"),
                ));
            }
        }
    }
    for table in [
        "exposure",
        "advisories.exposure",
        "sources.exposure",
        "bans.exposure",
        "duplicates.exposure",
    ] {
        let path: Vec<&str> = table.split('.').collect();
        for key in ["dev-only", "build-only", "inactive-target"] {
            let full: Vec<&str> = path.iter().copied().chain([key]).collect();
            let (was, now) = (
                level(b.at(&full)).unwrap_or(Level::Deny),
                level(h.at(&full)),
            );
            if let Some(now) = now.filter(|n| *n < was) {
                let origin = h.at(&full).map_or(h.origin.clone(), |n| n.origin.clone());
                out.push(finding(
                    workspace,
                    format!("cap:{table}.{key}"),
                    format!("`{table}.{key}` was lowered to {}", now.as_str()),
                    origin.location("exposure cap"),
                ));
            }
        }
    }
    for list in [["sources", "allow-registries"], ["sources", "allow-git"]] {
        let before = b.at(&list).map(Node::str_list).unwrap_or_default();
        if let Some(n) = h.at(&list) {
            for added in n.str_list().into_iter().filter(|x| !before.contains(x)) {
                out.push(finding(
                    workspace,
                    format!("{}:{added}", list[1]),
                    format!("`{added}` was added to `sources.{}`", list[1]),
                    n.origin.location(list[1]),
                ));
            }
        }
    }
    if base.fail_on == Level::Warn && head.fail_on == Level::Deny {
        let origin = h
            .get("fail-on")
            .map_or(h.origin.clone(), |n| n.origin.clone());
        out.push(finding(
            workspace,
            "fail-on".into(),
            "`fail-on` was loosened from warn to deny".into(),
            origin.location("fail-on"),
        ));
    }
    let cvss = |p: &Policy| p.advisories.fail_on_cvss.unwrap_or(0.0);
    if cvss(head) > cvss(base) {
        let origin = h
            .at(&["advisories", "fail-on-cvss"])
            .map_or(h.origin.clone(), |n| n.origin.clone());
        out.push(finding(
            workspace,
            "fail-on-cvss".into(),
            format!(
                "`advisories.fail-on-cvss` was raised from {} to {}",
                cvss(base),
                cvss(head)
            ),
            origin.location("fail-on-cvss"),
        ));
    }
    out
}
