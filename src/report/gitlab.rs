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

/// The default GitLab dependency-scanning schema version.
pub const DEFAULT_SCHEMA_VERSION: &str = "15.1.5";

fn gitlab_severity(f: &crate::finding::Finding) -> &'static str {
    if f.rule != "advisory-vulnerability" {
        return "Info";
    }
    match f.properties.get("severity").and_then(Value::as_str) {
        Some("critical") => "Critical",
        Some("high") => "High",
        Some("medium") => "Medium",
        Some("low") | Some("none") => "Low",
        _ => "Unknown",
    }
}

fn identifiers(advisory: &Value) -> Vec<Value> {
    let mut ids = Vec::new();
    if let Some(id) = advisory.get("id").and_then(Value::as_str) {
        ids.push(json!({ "type": "rustsec", "name": id, "value": id, "url": format!("https://rustsec.org/advisories/{id}") }));
    }
    for alias in advisory
        .get("aliases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let (kind, url) = if alias.starts_with("CVE-") {
            ("cve", format!("https://www.cve.org/CVERecord?id={alias}"))
        } else if alias.starts_with("GHSA-") {
            ("ghsa", format!("https://github.com/advisories/{alias}"))
        } else {
            ("alias", String::new())
        };
        let mut v = json!({ "type": kind, "name": alias, "value": alias });
        if !url.is_empty() {
            v["url"] = json!(url);
        }
        ids.push(v);
    }
    ids
}

/// GitLab dependency-scanning report (`--format gitlab-dependency-scanning`):
/// the advisory findings as vulnerabilities of the lockfile's packages.
/// Times carry no `Z` (GitLab's pattern) and are the report's `today`, so
/// the output is deterministic.
pub fn dependency_scanning(report: &Report, schema_version: Option<&str>) -> String {
    let time = format!("{}T00:00:00", report.today);
    let tool = json!({ "id": "depgate", "name": "depgate", "version": report.tool.version, "vendor": { "name": "depgate" }, "url": "https://github.com/depgate/depgate" });
    let lockfile = report
        .workspace
        .lockfile
        .clone()
        .unwrap_or_else(|| "Cargo.lock".into());
    let vulnerabilities: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| {
            f.rule.starts_with("advisory-") && f.rule != "advisory-db-stale" && f.waived.is_none()
        })
        .filter_map(|f| {
            let pkg = f.package.as_ref()?;
            let advisory = f.properties.get("advisory").cloned().unwrap_or(Value::Null);
            let mut ids = identifiers(&advisory);
            if ids.is_empty() {
                ids.push(json!({ "type": "depgate", "name": f.rule, "value": f.rule }));
            }
            let id = crate::finding::fingerprint(f.rule, &f.fingerprint, &pkg.name, &pkg.version);
            let mut v = json!({
                "id": id,
                "name": advisory.get("title").and_then(Value::as_str).unwrap_or(&f.message),
                "description": f.message,
                "severity": gitlab_severity(f),
                "solution": f.fix.clone().unwrap_or_default(),
                "identifiers": ids,
                "location": {
                    "file": lockfile,
                    "dependency": { "package": { "name": pkg.name }, "version": pkg.version },
                },
            });
            if let Some(url) = advisory.get("url").and_then(Value::as_str) {
                v["links"] = json!([{ "url": url }]);
            }
            Some(v)
        })
        .collect();
    let doc = json!({
        "version": schema_version.unwrap_or(DEFAULT_SCHEMA_VERSION),
        "scan": {
            "analyzer": tool,
            "scanner": tool,
            "type": "dependency_scanning",
            "status": "success",
            "start_time": time,
            "end_time": time,
        },
        "vulnerabilities": vulnerabilities,
        "remediations": [],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
