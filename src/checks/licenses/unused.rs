//! The licences family's findings about the policy itself: allow
//! entries, exceptions and clarifications that matched nothing.

use super::config::LicensePolicy;
use super::{ALLOW_UNUSED, eval};
use crate::checks::ScanContext;
use crate::model::Finding;

/// How far a clarification got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Match {
    /// It named no package of the graph.
    None,
    /// It named a package, but an earlier entry for it took precedence.
    Shadowed,
    /// It applied, or was stale.
    Used,
}

/// What the unused-entry findings need to know about the whole graph.
pub(super) struct Seen {
    pub(super) clarify: Vec<Match>,
    /// Exceptions whose crate and versions named a judged package.
    pub(super) exceptions: Vec<bool>,
    /// Some judged package had no license data (lockfile mode): then an
    /// allow entry or exception may only look unused.
    pub(super) missing_data: bool,
}

/// `license-allow-unused` for allow entries, exceptions and clarifications
/// that matched nothing, at their line in the policy. Allow entries and
/// exceptions are not judged when some package had no license data.
pub(super) fn unused(
    ctx: &ScanContext<'_>,
    p: &LicensePolicy,
    used: &eval::Used,
    seen: &Seen,
    out: &mut Vec<Finding>,
) {
    let mut push =
        |origin: &crate::policy::tree::Origin, subject: String, what: String, why: &str| {
            let mut f = ctx.policy_finding(
                &ALLOW_UNUSED,
                origin.location("unused entry"),
                &subject,
                format!("{what} {why}"),
            );
            f.fix = Some(format!("remove {what} from the policy"));
            out.push(f);
        };
    if !seen.missing_data {
        for (i, a) in p.allow.iter().flatten().enumerate() {
            if !used.allow.contains(&i) {
                let what = format!("`{}` in licenses.allow", a.text);
                push(&a.origin, a.text.clone(), what, "matched no package");
            }
        }
        for (i, e) in p.exceptions.iter().enumerate() {
            if !used.exceptions.contains(&i) {
                let why = if seen.exceptions[i] {
                    "was not needed: the allow-list already covers what it allows"
                } else {
                    "matched no package"
                };
                let what = format!("the license exception for `{}`", e.krate);
                push(&e.origin, format!("exception:{}", e.krate), what, why);
            }
        }
    }
    for (c, m) in p.clarify.iter().zip(&seen.clarify) {
        let why = match m {
            Match::Used => continue,
            Match::None => "matched no package",
            Match::Shadowed => {
                "never applied: an earlier clarification for the same crate took precedence"
            }
        };
        let what = format!("the clarification for `{}`", c.krate);
        push(&c.origin, format!("clarify:{}", c.krate), what, why);
    }
}
