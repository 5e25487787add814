//! Human renderer, in the style of rustc diagnostics and drawn by
//! annotate-snippets (cargo's own renderer): each finding with its level
//! and rule id, the quoted Cargo.lock, Cargo.toml or policy lines, the
//! inverse paths, the fix and a pointer to `depgate explain`, then a
//! summary line. Colour (anstyle) only when the options ask for it.

use super::RenderOptions;
use crate::location::Location;
use crate::model::{Assessment as Report, Diff, Exposure, Finding, Level};
use annotate_snippets::{AnnotationKind, Group, Level as Shown, Renderer, Snippet};
use anstyle::{AnsiColor, Style};
use std::fmt::Write;

fn shown(level: Level) -> Shown<'static> {
    match level {
        Level::Deny => Shown::ERROR.with_name(Some("deny")),
        Level::Warn => Shown::WARNING.with_name(Some("warn")),
        Level::Info => Shown::INFO.with_name(Some("info")),
        Level::Allow => Shown::NOTE.with_name(Some("allow")),
    }
}

fn note(name: &'static str, text: String) -> annotate_snippets::Message<'static> {
    Shown::NOTE.with_name(Some(name)).message(text)
}

pub fn render(report: &Report, opts: RenderOptions<'_>) -> String {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&renderer.render(&[finding(report, f)]));
        out.push_str("\n\n");
    }
    summary(&mut out, report, opts);
    out
}

/// A quoted place: the line (three for a `[[...]]` header) with its label.
fn snippet<'a>(
    report: &'a Report,
    loc: &'a Location,
) -> Option<Snippet<'a, annotate_snippets::Annotation<'a>>> {
    let text = report.text(&loc.path)?;
    let span = if text.line(loc.line)?.starts_with("[[") {
        3
    } else {
        1
    };
    let source = text.lines(loc.line, span)?;
    // The label goes under the first line; a header's next lines (name,
    // version) are shown as they are.
    let first = source.find('\n').unwrap_or(source.len());
    let column = (loc.column as usize).saturating_sub(1);
    let start = source[..first]
        .char_indices()
        .nth(column)
        .map_or(0, |(i, _)| i);
    let annotation = AnnotationKind::Primary
        .span(start..first)
        .label(loc.label.as_str());
    Some(
        Snippet::source(source)
            .fold(false)
            .line_start(loc.line as usize)
            .path(loc.path.as_str())
            .annotation(annotation),
    )
}

fn finding<'a>(report: &'a Report, f: &'a Finding) -> Group<'a> {
    let tag = match (f.waived.is_some(), f.diff) {
        (true, _) => "(waived) ",
        (false, Some(Diff::New)) => "(new) ",
        (false, Some(Diff::Existing)) => "(existing) ",
        _ => "",
    };
    let title = shown(f.level)
        .primary_title(format!("{tag}{}", f.message))
        .id(f.rule.id);
    let mut group = Group::with_title(title);
    for loc in &f.locations {
        group = match snippet(report, loc) {
            Some(s) => group.element(s),
            None => group.element(note("at", format!("{loc}  {}", loc.label))),
        };
    }
    for path in &f.paths {
        group = group.element(note("path", path.clone()));
    }
    if !matches!(f.exposure, Exposure::Normal | Exposure::Unknown) {
        group = group.element(note("exposure", f.exposure.as_str().to_string()));
    }
    if let Some(w) = report.waiver_of(f) {
        let text = format!("until {} ({}): {}", w.expires, w.location, w.reason);
        group = group.element(note("waived", text));
    }
    if let Some(fix) = &f.fix {
        group = group.element(Shown::HELP.with_name(Some("fix")).message(fix.as_str()));
    }
    group.element(note("see", format!("depgate explain {}", f.rule.id)))
}

fn paint(on: bool, style: Style, text: &str) -> String {
    if on {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

fn summary(out: &mut String, report: &Report, opts: RenderOptions<'_>) {
    let s = &report.summary;
    let allowed: usize = s.allowed.values().sum();
    let (color, text) = if report.verdict.passed {
        (AnsiColor::Green, "gate passed")
    } else {
        (AnsiColor::Red, "gate failed")
    };
    let verdict = paint(
        opts.color,
        Style::new().bold().fg_color(Some(color.into())),
        text,
    );
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
    if opts.verbose {
        for (rule, n) in &s.allowed {
            let _ = writeln!(out, "  allowed: {rule} x{n}");
        }
    }
}
