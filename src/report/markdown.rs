//! Markdown renderer for `$GITHUB_STEP_SUMMARY` and merge-request
//! comments: the verdict, a table of failing findings with their fixes,
//! waivers (flagging those that expire within 30 days), and counts by
//! rule. Kept under GitHub's 1 MiB summary limit by truncating the table.

use crate::model::{Assessment as Report, Finding, Level};
use std::collections::BTreeMap;
use std::fmt::Write;

/// GitHub rejects step summaries over 1 MiB; stay well below.
pub const MAX_BYTES: usize = 900 * 1024;
const EXPIRING_DAYS: i64 = 30;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn row(f: &Finding) -> String {
    let pkg = f
        .package
        .as_ref()
        .map_or("-".to_string(), |p| format!("`{} {}`", p.name, p.version));
    let loc = f
        .locations
        .first()
        .map_or("-".to_string(), |l| format!("`{}:{}`", l.path, l.line));
    format!(
        "| {} | `{}` | {} | {} | {} | {} |\n",
        f.level.as_str(),
        f.rule.id,
        pkg,
        cell(&f.message),
        cell(f.fix.as_deref().unwrap_or("-")),
        loc
    )
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    header(&mut out, report);
    failing(&mut out, report);
    waivers(&mut out, report);
    by_rule(&mut out, report);
    out
}

fn header(out: &mut String, report: &Report) {
    let s = &report.summary;
    let (icon, verdict) = if report.verdict.passed {
        ("✅", "passed")
    } else {
        ("❌", "failed")
    };
    let _ = writeln!(out, "## {icon} depgate: gate {verdict}\n");
    let _ = writeln!(
        out,
        "`{}` · {} packages · {} deny · {} warn · {} info · {} waived · fail-on `{}` · policy `{}`\n",
        report.workspace.root,
        report.workspace.packages,
        s.deny,
        s.warn,
        s.info,
        s.waived,
        report.verdict.fail_on.as_str(),
        report.policy.last().map_or("-", String::as_str),
    );
    if let Some(db) = &report.advisory_db {
        let _ = writeln!(out, "Advisory DB: {}\n", super::db_line(db));
    }
}

/// The failing findings, truncated to stay under GitHub's limit.
fn failing(out: &mut String, report: &Report) {
    let failing: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.waived.is_none() && f.level >= report.verdict.fail_on)
        .collect();
    if failing.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "### Failing findings\n\n| level | rule | package | problem | fix | where |\n|---|---|---|---|---|---|"
    );
    let mut shown = 0;
    for f in &failing {
        let r = row(f);
        if out.len() + r.len() > MAX_BYTES {
            break;
        }
        out.push_str(&r);
        shown += 1;
    }
    if shown < failing.len() {
        let _ = writeln!(
            out,
            "\n_{} more failing findings are in the JSON report._",
            failing.len() - shown
        );
    }
    out.push('\n');
}

/// Waived findings, flagging waivers that expire soon.
fn waivers(out: &mut String, report: &Report) {
    let waived: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| Some((f, report.waiver_of(f)?)))
        .collect();
    if waived.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "### Waivers\n\n| rule | package | reason | expires |\n|---|---|---|---|"
    );
    for (f, w) in waived {
        let left = w.expires.days() - report.today.days();
        let soon = if left <= EXPIRING_DAYS {
            format!(" ⚠️ in {left} days")
        } else {
            String::new()
        };
        let pkg = f
            .package
            .as_ref()
            .map_or("-".to_string(), |p| format!("`{} {}`", p.name, p.version));
        let _ = writeln!(
            out,
            "| `{}` | {pkg} | {} | {}{soon} |",
            f.rule.id,
            cell(&w.reason),
            w.expires
        );
    }
    out.push('\n');
}

fn by_rule(out: &mut String, report: &Report) {
    let mut by_rule: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for f in &report.findings {
        let slot = match f.level {
            Level::Deny => 0,
            Level::Warn => 1,
            _ => 2,
        };
        by_rule.entry(f.rule.id).or_default()[slot] += 1;
    }
    if by_rule.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "### Findings by rule\n\n| rule | deny | warn | info |\n|---|---|---|---|"
    );
    for (rule, [d, w, i]) in by_rule {
        let _ = writeln!(out, "| `{rule}` | {d} | {w} | {i} |");
    }
    out.push('\n');
}
