//! The API change summary of `depgate semver` as a changelog section
//! (`--format markdown`): per crate, the versions and the bump the changes
//! need, then the removed, changed, deprecated and added items.

use crate::model::api::{ApiChange, ApiReport, Bump, Section};
use std::fmt::Write;

fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

fn item(out: &mut String, c: &ApiChange) {
    let _ = match (c.section, &c.base, &c.head) {
        (Section::Added, _, Some(h)) => writeln!(out, "- {}: {}", code(&c.path), code(h)),
        (Section::Removed, Some(b), _) => {
            writeln!(out, "- {} ({}): {}", code(&c.path), c.kind, code(b))
        }
        (_, Some(b), Some(h)) if b != h => {
            writeln!(
                out,
                "- {} ({}): {} → {}",
                code(&c.path),
                c.kind,
                code(b),
                code(h)
            )
        }
        (_, None, Some(h)) => writeln!(out, "- {} ({}): {}", code(&c.path), c.kind, code(h)),
        _ => writeln!(out, "- {} ({})", code(&c.path), c.kind),
    };
}

/// The summary as Markdown.
pub fn markdown(r: &ApiReport) -> String {
    let mut out = format!("## API changes since {}\n", code(&r.base));
    if r.crates.is_empty() {
        out.push_str("\nNo library crate to compare.\n");
    }
    for c in &r.crates {
        let versions = match (&c.base_version, &c.head_version) {
            (Some(b), Some(h)) => format!("{b} → {h}"),
            (None, Some(h)) => format!("new at {h}"),
            (Some(b), None) => format!("removed (was {b})"),
            (None, None) => String::new(),
        };
        let need = match c.required {
            Bump::None => "no API change".to_string(),
            b if b > c.actual => format!(
                "needs a **{}** bump (got {})",
                b.as_str(),
                c.actual.as_str()
            ),
            b => format!("needs a {} bump", b.as_str()),
        };
        let _ = writeln!(out, "\n### {} {versions}: {need}", code(&c.name));
        for (section, title) in [
            (Section::Removed, "Removed"),
            (Section::Changed, "Changed"),
            (Section::Deprecated, "Deprecated"),
            (Section::Added, "Added"),
        ] {
            let items: Vec<&ApiChange> =
                c.changes.iter().filter(|x| x.section == section).collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n**{title}**\n");
            for x in items {
                item(&mut out, x);
            }
        }
    }
    out
}
