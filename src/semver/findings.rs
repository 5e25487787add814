//! A crate's API changes as findings: the bump they need against the bump
//! the versions got, and the deprecation policy for removed and newly
//! deprecated items.

use super::bump;
use super::members::Member;
use crate::checks::semver::{self as rules, Config};
use crate::date::Date;
use crate::error::Result;
use crate::location::{Location, display_path};
use crate::model::api::{ApiChange, Bump, CrateApi, Section};
use crate::model::{Finding, PackageRef, Rule};
use std::path::PathBuf;

pub struct Context<'a> {
    pub repo: Option<PathBuf>,
    pub head: PathBuf,
    /// Where the base's files are shown from: the `--base-dir`, or the head
    /// (a `--base-ref` file has the same repository path).
    pub base_root: PathBuf,
    pub config: &'a Config,
    pub today: Date,
    pub base_label: String,
    /// The base commit, when the base is a git revision.
    pub base_commit: Option<String>,
    pub workspace: String,
}

impl Context<'_> {
    /// The item's place: at the base for a removed item, else at the head.
    pub fn at(&self, c: &ApiChange, label: String) -> Vec<Location> {
        let root = if c.section == Section::Removed {
            &self.base_root
        } else {
            &self.head
        };
        let (file, line) = (c.file.as_deref(), c.line);
        file.map(|f| Location {
            path: display_path(self.repo.as_deref(), &root.join(f)),
            line: line.max(1),
            column: 1,
            label,
        })
        .into_iter()
        .collect()
    }

    pub fn finding(
        &self,
        rule: &'static Rule,
        m: &Member,
        subject: &str,
        msg: String,
        at: Vec<Location>,
    ) -> Finding {
        let mut f = Finding::new(rule, &self.workspace, &m.name, subject, msg, at);
        f.package = Some(PackageRef {
            name: m.name.clone(),
            version: m.version.to_string(),
            source: "path".into(),
        });
        f
    }

    fn manifest(&self, m: &Member) -> Vec<Location> {
        vec![Location {
            path: display_path(self.repo.as_deref(), &m.manifest),
            line: 1,
            column: 1,
            label: format!("`{}` {}", m.name, m.version),
        }]
    }
}

/// A crate at one revision only.
pub fn one_side(
    ctx: &Context<'_>,
    name: &str,
    b: Option<&Member>,
    h: Option<&Member>,
    out: &mut Vec<Finding>,
) -> CrateApi {
    let found = match (b, h) {
        (_, Some(h)) => Some((
            h,
            format!(
                "library crate `{name}` is new: it is not at {}",
                ctx.base_label
            ),
        )),
        (Some(b), None) => Some((
            b,
            format!(
                "library crate `{name}` was removed: it is only at {}",
                ctx.base_label
            ),
        )),
        (None, None) => None,
    };
    if let Some((m, msg)) = found {
        let at = if h.is_some() {
            ctx.manifest(m)
        } else {
            Vec::new()
        };
        out.push(ctx.finding(&rules::CRATE_ADDED_OR_REMOVED, m, name, msg, at));
    }
    CrateApi {
        name: name.to_string(),
        base_version: b.map(|m| m.version.to_string()),
        head_version: h.map(|m| m.version.to_string()),
        required: Bump::None,
        actual: Bump::None,
        changes: Vec::new(),
    }
}

/// The findings about one crate present at both revisions.
pub fn judge(
    ctx: &Context<'_>,
    b: &Member,
    h: &Member,
    changes: Vec<ApiChange>,
    out: &mut Vec<Finding>,
) -> Result<CrateApi> {
    let required = changes.iter().map(|c| c.bump).max().unwrap_or(Bump::None);
    let actual = bump::actual(&b.version, &h.version);
    match actual {
        None => {
            let mut f = ctx.finding(
                &rules::VERSION_DECREASED,
                h,
                "version",
                format!(
                    "`{}` went from {} at {} down to {}",
                    h.name, b.version, ctx.base_label, h.version
                ),
                ctx.manifest(h),
            );
            f.fix = Some(format!(
                "set the version to at least {}",
                bump::next(&b.version, required.max(Bump::Patch))
            ));
            out.push(f);
        }
        Some(Bump::None) if required >= Bump::Minor => {
            unchanged(ctx, b, h, required, &changes, out)
        }
        Some(a) => {
            for c in changes.iter().filter(|c| c.bump > a) {
                let mut f = insufficient(ctx, b, h, c, a);
                if let Some(level) = ctx.config.api {
                    f.level = level;
                }
                out.push(f);
            }
        }
    }
    super::deprecation::check(ctx, b, h, &changes, out)?;
    Ok(CrateApi {
        name: h.name.clone(),
        base_version: Some(b.version.to_string()),
        head_version: Some(h.version.to_string()),
        required,
        actual: actual.unwrap_or(Bump::None),
        changes,
    })
}

fn insufficient(ctx: &Context<'_>, b: &Member, h: &Member, c: &ApiChange, actual: Bump) -> Finding {
    let label = if c.section == Section::Removed {
        format!("`{}` at {}", c.path, ctx.base_label)
    } else {
        format!("`{}`", c.path)
    };
    let mut f = ctx.finding(
        &rules::INSUFFICIENT_BUMP,
        h,
        &format!("{} {}", c.path, c.kind),
        format!(
            "`{}`: {} needs a {} bump, but {} -> {} is {}",
            c.path,
            c.kind,
            c.bump.as_str(),
            b.version,
            h.version,
            if actual == Bump::None {
                "no bump".to_string()
            } else {
                format!("a {} bump", actual.as_str())
            }
        ),
        ctx.at(c, label),
    );
    f.fix = Some(format!(
        "release it as {} or later, or undo the change",
        bump::next(&b.version, c.bump)
    ));
    for (k, v) in [
        ("kind", Some(c.kind.to_string())),
        ("path", Some(c.path.clone())),
        ("base", c.base.clone()),
        ("head", c.head.clone()),
    ] {
        if let Some(v) = v {
            f.properties.insert(k.into(), serde_json::json!(v));
        }
    }
    f.properties
        .insert("required".into(), serde_json::json!(c.bump.as_str()));
    f.properties
        .insert("actual".into(), serde_json::json!(actual.as_str()));
    f
}

/// An unchanged version: the bump the next release needs, at
/// `[semver] unchanged-version` (info by default), per breaking change.
fn unchanged(
    ctx: &Context<'_>,
    b: &Member,
    h: &Member,
    required: Bump,
    changes: &[ApiChange],
    out: &mut Vec<Finding>,
) {
    let level = ctx.config.unchanged_version;
    let mut f = ctx.finding(
        &rules::INSUFFICIENT_BUMP,
        h,
        "next-release",
        format!(
            "`{}` {} is unchanged since {}; its API changes need a {} bump: the next release is {}",
            h.name,
            h.version,
            ctx.base_label,
            required.as_str(),
            bump::next(&b.version, required)
        ),
        ctx.manifest(h),
    );
    f.level = level;
    f.properties
        .insert("required".into(), serde_json::json!(required.as_str()));
    out.push(f);
    for c in changes.iter().filter(|c| c.bump == Bump::Major) {
        let mut f = insufficient(ctx, b, h, c, Bump::None);
        f.level = level;
        out.push(f);
    }
}
