//! Applying waivers: `[[waivers]]` entries (parsed by the policy) accept a
//! finding for a while, with a reason and an expiry. A waiver matches by rule, subject id (advisory id,
//! ban spec, …), crate and version range; at least one of rule, id or
//! crate is required so no waiver can match everything. A waived finding
//! is still reported, marked `waived`, and does not fail the gate. A
//! waiver is in force up to and including its `expires` day; after that it
//! stops waiving and `waiver-expired` points at it. A waiver that matched
//! nothing gives `waiver-unused`.

use crate::date::Date;
use crate::model::{Finding, Waiver};

crate::rule!(
    EXPIRED,
    "waiver-expired",
    "WaiverExpired",
    "waivers",
    Deny,
    false,
    "A waiver's `expires` date has passed: it no longer waives anything."
);
crate::rule!(
    UNUSED,
    "waiver-unused",
    "WaiverUnused",
    "waivers",
    Warn,
    false,
    "A waiver matched no finding: it can be removed."
);

/// Marks waived findings and adds `waiver-expired` / `waiver-unused`.
pub fn apply(findings: &mut Vec<Finding>, waivers: &[Waiver], today: Date, workspace: &str) {
    let mut used = vec![false; waivers.len()];
    for f in findings.iter_mut() {
        for (i, w) in waivers.iter().enumerate() {
            if w.matches(f) {
                used[i] = true;
                if today <= w.expires {
                    f.waived = Some(super::waiver_id(i));
                    break;
                }
            }
        }
    }
    for (i, w) in waivers.iter().enumerate() {
        let (rule, message) = if today > w.expires {
            let days = today.days() - w.expires.days();
            (
                &EXPIRED,
                format!(
                    "waiver `{}` expired on {} ({days} days ago): {}",
                    w.key(),
                    w.expires,
                    w.reason
                ),
            )
        } else if !used[i] {
            (&UNUSED, format!("waiver `{}` matched no finding", w.key()))
        } else {
            continue;
        };
        let mut f = Finding::new(
            rule,
            workspace,
            "",
            &w.key(),
            message,
            vec![w.location.clone()],
        );
        f.fix = Some(if std::ptr::eq(rule, &EXPIRED) {
            "fix the underlying finding, or renew the waiver with a new `expires` and a fresh approval".into()
        } else {
            "remove the waiver".into()
        });
        findings.push(f);
    }
}
