//! Human renderer, in the style of rustc diagnostics: each finding with its
//! level and rule id, the quoted Cargo.lock/Cargo.toml lines, the inverse
//! path, the fix and a pointer to `depgate explain`, then a summary line.

use super::RenderOptions;
use crate::model::{Assessment as Report, Diff, Exposure, Finding, Level};
use std::fmt::Write;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn level(&self, level: Level) -> String {
        let code = match level {
            Level::Deny => "1;31",
            Level::Warn => "1;33",
            Level::Info => "1;36",
            Level::Allow => "2",
        };
        self.wrap(code, level.as_str())
    }
}

pub fn render(report: &Report, opts: RenderOptions<'_>) -> String {
    let paint = Paint { on: opts.color };
    let mut out = String::new();
    for f in &report.findings {
        finding(&mut out, report, f, &paint);
    }
    summary(&mut out, report, &paint, opts.verbose);
    out
}

fn finding(out: &mut String, report: &Report, f: &Finding, paint: &Paint) {
    let tag = match (f.waived.is_some(), f.diff) {
        (true, _) => " (waived)",
        (false, Some(Diff::New)) => " (new)",
        (false, Some(Diff::Existing)) => " (existing)",
        _ => "",
    };
    let _ = writeln!(
        out,
        "{}[{}]{tag}: {}",
        paint.level(f.level),
        paint.wrap("1", f.rule.id),
        paint.wrap("1", &f.message)
    );
    let gutter = f
        .locations
        .iter()
        .map(|l| (l.line + 2).to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(gutter);
    for loc in &f.locations {
        let _ = writeln!(out, "{pad}{} {loc}  {}", paint.wrap("34", "-->"), loc.label);
        let Some(text) = report.text(&loc.path) else {
            continue;
        };
        let span = if text.line(loc.line).is_some_and(|l| l.starts_with("[[")) {
            3
        } else {
            1
        };
        let _ = writeln!(out, "{pad} {}", paint.wrap("34", "|"));
        for line in loc.line..loc.line + span {
            if let Some(src) = text.line(line) {
                let num = format!("{line:>gutter$}");
                let _ = writeln!(
                    out,
                    "{} {} {src}",
                    paint.wrap("34", &num),
                    paint.wrap("34", "|")
                );
            }
        }
        let _ = writeln!(out, "{pad} {}", paint.wrap("34", "|"));
    }
    for path in &f.paths {
        let _ = writeln!(out, "{pad} = path: {path}");
    }
    if !matches!(f.exposure, Exposure::Normal | Exposure::Unknown) {
        let _ = writeln!(out, "{pad} = exposure: {}", f.exposure.as_str());
    }
    if let Some(w) = report.waiver_of(f) {
        let _ = writeln!(
            out,
            "{pad} = waived until {} ({}): {}",
            w.expires, w.location, w.reason
        );
    }
    if let Some(fix) = &f.fix {
        let _ = writeln!(out, "{pad} = {}: {fix}", paint.wrap("1;32", "fix"));
    }
    let _ = writeln!(out, "{pad} = see: depgate explain {}\n", f.rule.id);
}

fn summary(out: &mut String, report: &Report, paint: &Paint, verbose: bool) {
    let s = &report.summary;
    let allowed: usize = s.allowed.values().sum();
    let verdict = if report.verdict.passed {
        paint.wrap("1;32", "gate passed")
    } else {
        paint.wrap("1;31", "gate failed")
    };
    let _ = writeln!(
        out,
        "{verdict}: {} deny, {} warn, {} info, {} waived, {allowed} allowed (fail-on {}; {} packages, {} mode, policy {})",
        s.deny,
        s.warn,
        s.info,
        s.waived,
        report.verdict.fail_on.as_str(),
        report.workspace.packages,
        report.workspace.mode.as_str(),
        report.policy.last().map_or("-", String::as_str),
    );
    if let Some(resolved) = &report.resolved {
        let new = report
            .findings
            .iter()
            .filter(|f| f.diff == Some(Diff::New))
            .count();
        let existing = report.findings.len() - new;
        let _ = writeln!(
            out,
            "against the baseline: {new} new, {existing} existing, {} resolved",
            resolved.len()
        );
        for r in resolved {
            let _ = writeln!(out, "  resolved[{}]: {}", r.rule, r.message);
        }
    }
    if let Some(db) = &report.advisory_db {
        let _ = writeln!(out, "advisory db: {}", super::db_line(db));
    }
    if verbose {
        for (rule, n) in &s.allowed {
            let _ = writeln!(out, "  allowed: {rule} x{n}");
        }
    }
}
