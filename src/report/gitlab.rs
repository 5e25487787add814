//! GitLab Code Quality report (`--format gitlab-codequality`): a JSON array
//! of issues that GitLab shows in merge requests on every tier. Waived
//! findings are left out; the fingerprint is the core fingerprint.

use crate::model::{AdvisoryFacts, Assessment as Report, Finding, Level, Severity};
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
                "check_name": f.rule.id,
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

fn gitlab_severity(f: &Finding) -> &'static str {
    if !f.facts.advisory.as_ref().is_some_and(|a| a.vulnerability) {
        return "Info";
    }
    match f.facts.cvss.map(|(_, s)| s) {
        Some(Severity::Critical) => "Critical",
        Some(Severity::High) => "High",
        Some(Severity::Medium) => "Medium",
        Some(Severity::Low | Severity::None) => "Low",
        None => "Unknown",
    }
}

fn identifiers(advisory: Option<&AdvisoryFacts>) -> Vec<Value> {
    let mut ids = Vec::new();
    let Some(a) = advisory else { return ids };
    let id = &a.id;
    ids.push(json!({ "type": "rustsec", "name": id, "value": id, "url": format!("https://rustsec.org/advisories/{id}") }));
    for alias in &a.aliases {
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
    let lockfile = report.workspace.lockfile.as_deref();
    let vulnerabilities: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.rule.family == "advisories" && f.waived.is_none())
        .filter_map(|f| {
            let pkg = f.package.as_ref()?;
            let advisory = f.facts.advisory.as_deref();
            let mut ids = identifiers(advisory);
            if ids.is_empty() {
                ids.push(json!({ "type": "depgate", "name": f.rule.id, "value": f.rule.id }));
            }
            let id = crate::model::fingerprint(f.rule.id, &f.fingerprint, &pkg.name, &pkg.version);
            let mut v = json!({
                "id": id,
                "name": advisory.map_or(f.message.as_str(), |a| a.title.as_str()),
                "description": f.message,
                "severity": gitlab_severity(f),
                "solution": f.fix.clone().unwrap_or_default(),
                "identifiers": ids,
                "location": {
                    // The lockfile (or SBOM); a binary's findings, the binary.
                    "file": lockfile
                        .or(f.locations.first().map(|l| l.path.as_str()))
                        .unwrap_or("Cargo.lock"),
                    "dependency": { "package": { "name": pkg.name }, "version": pkg.version },
                },
            });
            if let Some(url) = advisory.and_then(|a| a.url.as_deref()) {
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
