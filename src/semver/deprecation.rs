//! The deprecation policy: a removed item must have been deprecated, with
//! a semver `since`, at least `min-releases` releases (git tags `vX.Y.Z` or
//! `CRATE-vX.Y.Z`, else version arithmetic) and `min-days` days (from the
//! tag of `since`, else the base commit) before; a new deprecation needs a
//! semver `since` and a `note`.

use super::findings::Context;
use super::members::Member;
use crate::checks::semver as rules;
use crate::date::Date;
use crate::error::Result;
use crate::model::Finding;
use crate::model::api::{ApiChange, Section};
use semver::Version;

/// Released versions of `krate` from the repository's tags.
fn tagged(ctx: &Context<'_>, krate: &str) -> Vec<(Version, String)> {
    let Some(repo) = ctx.repo.as_deref() else {
        return Vec::new();
    };
    let Ok(tags) = crate::git::git(repo, &["tag", "--list"]) else {
        return Vec::new();
    };
    tags.lines()
        .filter_map(|t| {
            let v = t
                .strip_prefix(&format!("{krate}-v"))
                .or_else(|| t.strip_prefix('v'))?;
            Some((Version::parse(v).ok()?, t.to_string()))
        })
        .collect()
}

/// Releases that carried a deprecation made in `since`, before `head`.
fn releases(tags: &[(Version, String)], since: &Version, head: &Version) -> u64 {
    if !tags.is_empty() {
        return tags.iter().filter(|(v, _)| v >= since && v < head).count() as u64;
    }
    // Version arithmetic: the steps of the most significant part that moved.
    if head.major != since.major {
        head.major.saturating_sub(since.major)
    } else if head.minor != since.minor {
        head.minor.saturating_sub(since.minor)
    } else {
        head.patch.saturating_sub(since.patch)
    }
}

/// The day a deprecation made in `since` was first released.
fn since_date(ctx: &Context<'_>, tags: &[(Version, String)], since: &Version) -> Option<Date> {
    let repo = ctx.repo.as_deref()?;
    let rev = tags
        .iter()
        .find(|(v, _)| v == since)
        .map(|(_, t)| t.clone())
        .or_else(|| ctx.base_commit.clone())?;
    let day = crate::git::git(repo, &["log", "-1", "--format=%cs", &rev]).ok()?;
    Date::parse(day.trim())
}

// long: one match over the policy's cases (removed, removed while deprecated, newly deprecated), read top to bottom.
pub fn check(
    ctx: &Context<'_>,
    _b: &Member,
    h: &Member,
    changes: &[ApiChange],
    out: &mut Vec<Finding>,
) -> Result<()> {
    let mut tags = None;
    for c in changes {
        let at = || ctx.at(c, format!("`{}`", c.path));
        match (c.section, &c.deprecated) {
            (Section::Removed, None) => out.push(ctx.finding(
                &rules::REMOVED_WITHOUT_DEPRECATION,
                h,
                &c.path,
                format!(
                    "`{}` was removed without being `#[deprecated]` at {} first",
                    c.path, ctx.base_label
                ),
                at(),
            )),
            (Section::Removed, Some((since, _))) => {
                let Some(since) = since.as_deref().and_then(|s| Version::parse(s).ok()) else {
                    out.push(ctx.finding(
                        &rules::REMOVED_WITHOUT_DEPRECATION,
                        h,
                        &c.path,
                        format!("`{}` was removed; its deprecation has no semver `since`, so how long it was deprecated is unknown", c.path),
                        at(),
                    ));
                    continue;
                };
                let tags = tags.get_or_insert_with(|| tagged(ctx, &h.name));
                let n = releases(tags, &since, &h.version);
                let days = since_date(ctx, tags, &since).map(|d| ctx.today.days() - d.days());
                let short_releases = ctx.config.min_releases.filter(|&min| n < min);
                let short_days = ctx
                    .config
                    .min_days
                    .filter(|&min| days.is_none_or(|d| d < min));
                if short_releases.is_some() || short_days.is_some() {
                    let mut why = Vec::new();
                    if let Some(min) = short_releases {
                        why.push(format!("{n} releases carried it (min-releases = {min})"));
                    }
                    if let Some(min) = short_days {
                        why.push(match days {
                            Some(d) => format!("deprecated {d} days ago (min-days = {min})"),
                            None => {
                                format!("the day it was released is unknown (min-days = {min})")
                            }
                        });
                    }
                    out.push(ctx.finding(
                        &rules::DEPRECATION_TOO_RECENT,
                        h,
                        &c.path,
                        format!(
                            "`{}` (deprecated since {since}) was removed too soon: {}",
                            c.path,
                            why.join("; ")
                        ),
                        at(),
                    ));
                }
            }
            (Section::Deprecated | Section::Added, Some((since, note))) => {
                if since
                    .as_deref()
                    .and_then(|s| Version::parse(s).ok())
                    .is_none()
                {
                    out.push(ctx.finding(
                        &rules::DEPRECATED_MISSING_SINCE,
                        h,
                        &c.path,
                        format!("`{}` is newly deprecated without a semver `since` (`#[deprecated(since = \"{}\")]`)", c.path, h.version),
                        at(),
                    ));
                }
                if note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                    out.push(ctx.finding(
                        &rules::DEPRECATED_MISSING_NOTE,
                        h,
                        &c.path,
                        format!(
                            "`{}` is newly deprecated without a `note` saying what to use instead",
                            c.path
                        ),
                        at(),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}
