//! SARIF 2.1.0 renderer for GitHub code scanning: one run per workspace,
//! rule metadata from the registry (with the rule page as help), results
//! with repository-relative locations and real regions, the core
//! fingerprint as `primaryLocationLineHash`, and waivers as suppressions.
//! GitHub's limit of 25,000 results per run is enforced with a warning.

use super::sarif_types::*;
use crate::location::Location;
use crate::model::{Assessment as Report, Finding, Level, Rule, Waiver};
use serde_json::{Value, json};
use std::collections::BTreeMap;

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

fn descriptor(rule: &Rule) -> ReportingDescriptor<'_> {
    let full = rule
        .page
        .split("## What it checks")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .map_or(rule.summary, str::trim);
    let mut tags = vec![rule.family];
    if rule.security {
        tags.insert(0, "security");
    }
    ReportingDescriptor {
        default_configuration: DefaultConfiguration {
            level: sarif_level(rule.default_level),
        },
        full_description: Text { text: full },
        help: Help {
            markdown: rule.page,
            text: rule.page,
        },
        help_uri: format!("{INFO_URI}/blob/main/rules/{}.md", rule.id),
        id: rule.id,
        name: rule.name,
        properties: RuleProperties {
            precision: "very-high",
            security_severity: rule.security.then(|| mapped_security_severity(rule)),
            tags,
        },
        short_description: Text { text: rule.summary },
    }
}

/// A physical location, or `None` for places that are not repository
/// files (built-in presets, absolute paths outside the repository).
fn location(loc: &Location) -> Option<SarifLocation> {
    if loc.path.starts_with('/') || loc.path.contains(':') {
        return None;
    }
    Some(SarifLocation {
        id: None,
        message: Message {
            text: loc.label.clone(),
        },
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: loc.path.replace('\\', "/"),
                uri_base_id: "%SRCROOT%",
            },
            region: Region {
                start_column: loc.column,
                start_line: loc.line,
            },
        },
    })
}

/// depgate's result properties: exposure, subject, paths, the package,
/// the finding's own properties and GitHub's `security-severity`.
fn properties(f: &Finding) -> BTreeMap<String, Value> {
    let mut p = BTreeMap::from([
        ("exposure".to_string(), json!(f.exposure.as_str())),
        ("subject".to_string(), json!(f.subject)),
        ("paths".to_string(), json!(f.paths)),
    ]);
    if let Some(pkg) = &f.package {
        p.insert("package".into(), json!(pkg));
    }
    p.extend(f.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
    // The CVSS base score of a vulnerability, as GitHub's string form.
    if let Some((score, _)) = f.facts.cvss {
        p.insert("security-severity".into(), json!(format!("{score:.1}")));
    }
    p
}

fn result<'a>(
    f: &'a Finding,
    rule_index: usize,
    fallback: Option<&str>,
    waiver: Option<&Waiver>,
) -> SarifResult<'a> {
    let mut text = f.message.clone();
    if let Some(fix) = &f.fix {
        text.push_str(&format!(". Fix: {fix}"));
    }
    let mut locs = f.locations.iter().filter_map(location);
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
    let locations: Vec<SarifLocation> = locs.next().or(fallback).into_iter().collect();
    let related_locations = locs
        .enumerate()
        .map(|(i, l)| SarifLocation {
            id: Some(i + 1),
            ..l
        })
        .collect();
    let suppressions = waiver
        .map(|w| Suppression {
            justification: format!("{} (until {})", w.reason, w.expires),
            kind: "external",
            status: "accepted",
        })
        .into_iter()
        .collect();
    SarifResult {
        level: sarif_level(f.level),
        locations,
        message: Message { text },
        partial_fingerprints: PartialFingerprints {
            primary_location_line_hash: &f.fingerprint,
        },
        properties: properties(f),
        related_locations,
        rule_id: f.rule.id,
        rule_index,
        suppressions,
    }
}

pub fn render(report: &Report, category: Option<&str>) -> String {
    let category = category.map_or_else(
        || format!("depgate/{}", report.workspace.root),
        str::to_string,
    );
    render_units(&[report], &category)
}

/// One SARIF run for several workspaces of one repository (a fleet scan's
/// units), their locations all relative to the repository.
pub fn render_units(reports: &[&Report], category: &str) -> String {
    let Some(report) = reports.first() else {
        return String::new();
    };
    let rules = report.rules;
    let mut results: Vec<SarifResult<'_>> = Vec::new();
    for unit in reports {
        let lockfile = unit.workspace.lockfile.as_deref();
        results.extend(unit.findings.iter().map(|f| {
            // Every finding's rule is in the registry: the assessment
            // lists them all.
            let index = rules.iter().position(|r| *r == f.rule).unwrap_or(0);
            result(f, index, lockfile, unit.waiver_of(f))
        }));
    }
    let mut notifications = Vec::new();
    if results.len() > MAX_RESULTS {
        let dropped = results.len() - MAX_RESULTS;
        results.truncate(MAX_RESULTS);
        notifications.push(Notification {
            level: "warning",
            message: Message {
                text: format!("{dropped} results were left out: GitHub accepts at most {MAX_RESULTS} per run; see the JSON report for all findings"),
            },
        });
    }
    let run = Run {
        automation_details: AutomationDetails {
            id: format!("{}/", category.trim_end_matches('/')),
        },
        invocations: vec![Invocation {
            execution_successful: true,
            tool_execution_notifications: notifications,
        }],
        properties: RunProperties {
            advisory_db: json!(report.advisory_db),
            verdict: VerdictProperties {
                fail_on: report.verdict.fail_on.as_str(),
                passed: reports.iter().all(|r| r.verdict.passed),
            },
        },
        results,
        tool: Tool {
            driver: Driver {
                information_uri: INFO_URI,
                name: "depgate",
                rules: rules.iter().map(|r| descriptor(r)).collect(),
                semantic_version: report.tool.version,
                version: report.tool.version,
            },
        },
    };
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: vec![run],
        version: "2.1.0",
    };
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
