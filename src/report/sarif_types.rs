//! The SARIF 2.1.0 objects depgate writes, as plain serde structs. Fields
//! are declared in alphabetical order of their SARIF names, so the output
//! keeps the key order of earlier releases (and of the snapshots).

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct Log<'a> {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub runs: Vec<Run<'a>>,
    pub version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run<'a> {
    pub automation_details: AutomationDetails,
    pub invocations: Vec<Invocation>,
    pub properties: RunProperties,
    pub results: Vec<SarifResult<'a>>,
    pub tool: Tool<'a>,
}

#[derive(Serialize)]
pub struct AutomationDetails {
    pub id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub execution_successful: bool,
    pub tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
pub struct Notification {
    pub level: &'static str,
    pub message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunProperties {
    /// The advisory database, as the JSON report writes it (keys sorted).
    pub advisory_db: Value,
    pub verdict: VerdictProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerdictProperties {
    pub fail_on: &'static str,
    pub passed: bool,
}

#[derive(Serialize)]
pub struct Message {
    pub text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult<'a> {
    pub level: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<SarifLocation>,
    pub message: Message,
    pub partial_fingerprints: PartialFingerprints<'a>,
    /// depgate's own properties beside the finding's: one sorted map.
    pub properties: BTreeMap<String, Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<SarifLocation>,
    pub rule_id: &'static str,
    pub rule_index: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartialFingerprints<'a> {
    pub primary_location_line_hash: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    pub message: Message,
    pub physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    pub uri: String,
    pub uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_column: u32,
    pub start_line: u32,
}

#[derive(Serialize)]
pub struct Suppression {
    pub justification: String,
    pub kind: &'static str,
    pub status: &'static str,
}

#[derive(Serialize)]
pub struct Tool<'a> {
    pub driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver<'a> {
    pub information_uri: &'static str,
    pub name: &'static str,
    pub rules: Vec<ReportingDescriptor<'a>>,
    pub semantic_version: &'static str,
    pub version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor<'a> {
    pub default_configuration: DefaultConfiguration,
    pub full_description: Text<'a>,
    pub help: Help<'a>,
    pub help_uri: String,
    pub id: &'a str,
    pub name: &'a str,
    pub properties: RuleProperties,
    pub short_description: Text<'a>,
}

#[derive(Serialize)]
pub struct DefaultConfiguration {
    pub level: &'static str,
}

#[derive(Serialize)]
pub struct Text<'a> {
    pub text: &'a str,
}

#[derive(Serialize)]
pub struct Help<'a> {
    pub markdown: &'a str,
    pub text: &'a str,
}

#[derive(Serialize)]
pub struct RuleProperties {
    pub precision: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    pub security_severity: Option<&'static str>,
    pub tags: Vec<&'static str>,
}
