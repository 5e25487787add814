//! SARIF 2.1.0 renderer for GitHub code scanning: one run per workspace,
//! rule metadata from the registry (with the rule page as help), results
//! with repository-relative locations and real regions, the core
//! fingerprint as `primaryLocationLineHash`, and waivers as suppressions.
//! GitHub's limit of 25,000 results per run is enforced with a warning.

use crate::location::Location;
use crate::model::{Assessment as Report, Finding, Level, Rule, Waiver};
use serde_json::{Value, json};

pub const MAX_RESULTS: usize = 25_000;
const INFO_URI: &str = "https://github.com/depgate/depgate";

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Info | Level::Allow => "note",
    }
}

/// `security-severity` for security rules without a CVSS score: a fixed
/// mapping of the default level (deny → 7.0 high, otherwise 4.0 medium).
pub fn mapped_security_severity(rule: &Rule) -> &'static str {
    if rule.default_level == Level::Deny {
        "7.0"
    } else {
        "4.0"
    }
}

fn rule_json(rule: &Rule) -> Value {
    let full = rule
        .page
        .split("## What it checks")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .map_or(rule.summary, str::trim);
    let mut tags = vec![rule.family];
    let mut properties = json!({ "precision": "very-high" });
    if rule.security {
        tags.insert(0, "security");
        properties["security-severity"] = json!(mapped_security_severity(rule));
    }
    properties["tags"] = json!(tags);
    json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": full },
        "help": { "text": rule.page, "markdown": rule.page },
        "helpUri": format!("{INFO_URI}/blob/main/rules/{}.md", rule.id),
        "defaultConfiguration": { "level": sarif_level(rule.default_level) },
        "properties": properties,
    })
}

/// A physical location, or `None` for places that are not repository
/// files (built-in presets, absolute paths outside the repository).
fn location(loc: &Location) -> Option<Value> {
    if loc.path.starts_with('/') || loc.path.contains(':') {
        return None;
    }
    Some(json!({
        "physicalLocation": {
            "artifactLocation": { "uri": loc.path.replace('\\', "/"), "uriBaseId": "%SRCROOT%" },
            "region": { "startLine": loc.line, "startColumn": loc.column },
        },
        "message": { "text": loc.label },
    }))
}

fn result(
    f: &Finding,
    rule_index: usize,
    fallback: Option<&str>,
    waiver: Option<&Waiver>,
) -> Value {
    let mut text = f.message.clone();
    if let Some(fix) = &f.fix {
        text.push_str(&format!(". Fix: {fix}"));
    }
    let mut locs = f.locations.iter().filter_map(location);
    let mut r = json!({
        "ruleId": f.rule.id,
        "ruleIndex": rule_index,
        "level": sarif_level(f.level),
        "message": { "text": text },
        "partialFingerprints": { "primaryLocationLineHash": f.fingerprint },
        "properties": {
            "exposure": f.exposure.as_str(),
            "subject": f.subject,
            "paths": f.paths,
        },
    });
    // GitHub needs a location on every result: a finding about a built-in
    // preset (no repository file) points at the workspace's Cargo.lock.
    let fallback = fallback.and_then(|path| {
        location(&Location {
            path: path.to_string(),
            line: 1,
            column: 1,
            label: "workspace".into(),
        })
    });
    if let Some(first) = locs.next().or(fallback) {
        r["locations"] = json!([first]);
    }
    let related: Vec<Value> = locs
        .enumerate()
        .map(|(i, mut l)| {
            l["id"] = json!(i + 1);
            l
        })
        .collect();
    if !related.is_empty() {
        r["relatedLocations"] = json!(related);
    }
    if let Some(p) = &f.package {
        r["properties"]["package"] = json!(p);
    }
    for (k, v) in &f.properties {
        r["properties"][k] = v.clone();
    }
    // The CVSS base score of a vulnerability, as GitHub's string form.
    if let Some((score, _)) = f.facts.cvss {
        r["properties"]["security-severity"] = json!(format!("{score:.1}"));
    }
    if let Some(w) = waiver {
        r["suppressions"] = json!([{ "kind": "external", "status": "accepted", "justification": format!("{} (until {})", w.reason, w.expires) }]);
    }
    r
}

pub fn render(report: &Report, category: Option<&str>) -> String {
    let rules = report.rules;
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            // Every finding's rule is in the registry: the assessment
            // lists them all.
            let index = rules.iter().position(|r| *r == f.rule).unwrap_or(0);
            let lockfile = report.workspace.lockfile.as_deref();
            result(f, index, lockfile, report.waiver_of(f))
        })
        .collect();
    let mut notifications = Vec::new();
    if results.len() > MAX_RESULTS {
        let dropped = results.len() - MAX_RESULTS;
        results.truncate(MAX_RESULTS);
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!("{dropped} results were left out: GitHub accepts at most {MAX_RESULTS} per run; see the JSON report for all findings") },
        }));
    }
    let category = category.map_or_else(
        || format!("depgate/{}", report.workspace.root),
        str::to_string,
    );
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "depgate",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": INFO_URI,
                "rules": rules.iter().map(|r| rule_json(r)).collect::<Vec<_>>(),
            }},
            "automationDetails": { "id": format!("{}/", category.trim_end_matches('/')) },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "verdict": { "passed": report.verdict.passed, "failOn": report.verdict.fail_on.as_str() },
                "advisoryDb": report.advisory_db,
            },
        }],
    });
    let mut s = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    s.push('\n');
    s
}
