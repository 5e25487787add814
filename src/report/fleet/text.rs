//! The fleet summary for a terminal and as Markdown: the counts, the worst
//! units, the advisories by impact, internal drift and toolchains.

use super::worst;
use crate::model::fleet::FleetReport;
use std::fmt::Write;

/// Units listed in the summaries.
const WORST: usize = 20;
/// Advisories listed in the summaries.
const ADVISORIES: usize = 15;

fn verdict(r: &FleetReport) -> &'static str {
    match r.verdict.exit_code {
        0 => "fleet gate passed",
        1 => "fleet gate FAILED",
        _ => "fleet scan INCOMPLETE: some units could not be scanned",
    }
}

fn totals(r: &FleetReport) -> String {
    let s = &r.summary;
    format!(
        "{} units in {} repositories: {} passed, {} failed, {} errors; findings: {} deny, {} warn, {} info",
        s.units, s.repositories, s.passed, s.failed, s.errors, s.deny, s.warn, s.info
    )
}

fn status(code: u8) -> &'static str {
    match code {
        0 => "passed",
        1 => "failed",
        _ => "error",
    }
}

/// The terminal summary.
pub fn human(r: &FleetReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", totals(r));
    let worst = worst(r, WORST);
    if !worst.is_empty() {
        let _ = writeln!(o, "\nworst units:");
        let width = worst.iter().map(|(u, _)| u.path.len()).max().unwrap_or(0);
        for (u, (d, w)) in &worst {
            let detail = match &u.error {
                // The message names its file and line already.
                Some(e) => first_line(&e.message).to_string(),
                None => format!("{d} deny, {w} warn"),
            };
            let _ = writeln!(
                o,
                "  {:<width$}  {:<6}  {detail}",
                u.path,
                status(u.exit_code)
            );
        }
    }
    if !r.advisories.is_empty() {
        let _ = writeln!(o, "\nadvisories by impact:");
        for a in r.advisories.iter().take(ADVISORIES) {
            let overdue = a
                .max_overdue_days
                .map_or(String::new(), |d| format!(", {d} days overdue"));
            let sev = a.severity.as_deref().unwrap_or("no score");
            let _ = writeln!(
                o,
                "  {} {} ({sev}{overdue}): {} units",
                a.id,
                a.krate,
                a.units.len()
            );
        }
    }
    for f in &r.findings {
        let _ = writeln!(o, "\n{}[{}]: {}", f.level, f.rule, f.message);
    }
    if let Some(min) = &r.toolchains.minimum {
        let _ = writeln!(
            o,
            "\nlowest pinned toolchain: {min} ({} units unpinned)",
            r.toolchains.unpinned
        );
    }
    let _ = writeln!(o, "\n{}", verdict(r));
    o
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

/// Markdown for an issue or a CI job summary.
pub fn markdown(r: &FleetReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## depgate fleet: {}\n", verdict(r));
    let _ = writeln!(o, "{}\n", totals(r));
    let worst = worst(r, WORST);
    if !worst.is_empty() {
        let _ = writeln!(
            o,
            "### Worst units\n\n| Unit | Status | Deny | Warn | Error |\n|---|---|---|---|---|"
        );
        for (u, (d, w)) in &worst {
            let err = u
                .error
                .as_ref()
                .map_or(String::new(), |e| cell(first_line(&e.message)));
            let _ = writeln!(
                o,
                "| `{}` | {} | {d} | {w} | {err} |",
                u.path,
                status(u.exit_code)
            );
        }
        o.push('\n');
    }
    if !r.advisories.is_empty() {
        let _ = writeln!(
            o,
            "### Advisories by impact\n\n| Advisory | Crate | Severity | Overdue (days) | Units |\n|---|---|---|---|---|"
        );
        for a in r.advisories.iter().take(ADVISORIES) {
            let _ = writeln!(
                o,
                "| {} | `{}` | {} | {} | {} |",
                a.id,
                a.krate,
                a.severity.as_deref().unwrap_or("-"),
                a.max_overdue_days
                    .map_or("-".to_string(), |d| d.to_string()),
                a.units.len()
            );
        }
        o.push('\n');
    }
    let internal: Vec<_> = r.drift.iter().filter(|d| d.internal).collect();
    if !internal.is_empty() {
        let _ = writeln!(o, "### Internal crates at several versions\n");
        for d in internal {
            let lines: Vec<String> = d
                .versions
                .iter()
                .map(|v| format!("{} ({} units)", v.class, v.units))
                .collect();
            let _ = writeln!(o, "- `{}`: {}", d.krate, lines.join(", "));
        }
        o.push('\n');
    }
    o
}

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
