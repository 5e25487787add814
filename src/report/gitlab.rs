//! GitLab Code Quality report (`--format gitlab-codequality`): a JSON array
//! of issues that GitLab shows in merge requests on every tier. Waived
//! findings are left out; the fingerprint is the core fingerprint.

use super::Report;
use crate::finding::Level;
use serde_json::{Value, json};

fn severity(level: Level) -> &'static str {
    match level {
        Level::Deny => "critical",
        Level::Warn => "major",
        Level::Info | Level::Allow => "info",
    }
}

pub fn codequality(report: &Report) -> String {
    let issues: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.waived.is_none())
        .map(|f| {
            let loc = f
                .locations
                .iter()
                .find(|l| !l.path.contains(':') && !l.path.starts_with('/'));
            let mut description = f.message.clone();
            if let Some(fix) = &f.fix {
                description.push_str(&format!(". Fix: {fix}"));
            }
            json!({
                "type": "issue",
                "description": description,
                "check_name": f.rule,
                "fingerprint": f.fingerprint,
                "severity": severity(f.level),
                "categories": ["Security"],
                "location": {
                    "path": loc.map_or("Cargo.lock", |l| l.path.as_str()),
                    "lines": { "begin": loc.map_or(1, |l| l.line) },
                },
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_default();
    s.push('\n');
    s
}
