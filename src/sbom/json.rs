//! The CycloneDX JSON document, field by field in the specification's
//! order (serde writes struct fields in declaration order).

use super::Options;
use crate::graph::{Graph, Package, Source};
use petgraph::graph::NodeIndex;
use serde::Serialize;

#[derive(Serialize)]
pub struct Document {
    #[serde(rename = "bomFormat")]
    pub format: &'static str,
    #[serde(rename = "specVersion")]
    pub spec: &'static str,
    #[serde(rename = "serialNumber", skip_serializing_if = "String::is_empty")]
    pub serial: String,
    pub version: u32,
    pub metadata: Metadata,
    pub components: Vec<Component>,
    pub dependencies: Vec<Dependency>,
}

impl Document {
    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[derive(Serialize)]
pub struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    pub tools: Tools,
    pub component: Component,
    pub properties: Vec<Property>,
}

#[derive(Serialize)]
pub struct Tools {
    pub components: Vec<Tool>,
}

#[derive(Serialize)]
pub struct Tool {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize)]
pub struct Component {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "bom-ref")]
    pub bom_ref: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<Hash>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<License>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    #[serde(rename = "externalReferences", skip_serializing_if = "Vec::is_empty")]
    pub external_references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

#[derive(Serialize)]
pub struct Hash {
    pub alg: &'static str,
    pub content: String,
}

#[derive(Serialize)]
pub struct License {
    pub expression: String,
}

#[derive(Serialize)]
pub struct Reference {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub url: String,
}

#[derive(Serialize)]
pub struct Property {
    pub name: String,
    pub value: String,
}

fn property(name: &str, value: impl Into<String>) -> Property {
    Property {
        name: format!("depgate:{name}"),
        value: value.into(),
    }
}

#[derive(Serialize)]
pub struct Dependency {
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(rename = "dependsOn")]
    pub depends_on: Vec<String>,
}

/// One package as a component (`scope` `None` for workspace members).
pub fn component(p: &Package, scope: Option<&'static str>) -> Component {
    let mut properties = Vec::new();
    // What a purl cannot say, for `check --sbom` to read back: the exact
    // Cargo.lock source and how the package reaches the build.
    match &p.source {
        Source::CratesIo { .. } => {}
        Source::Path => properties.push(property("source", "path")),
        other => properties.push(property("source", other.raw().unwrap_or_default())),
    }
    if !matches!(p.exposure, crate::model::Exposure::Normal) && scope.is_some() {
        properties.push(property("exposure", p.exposure.as_str()));
    }
    if p.publish_disabled {
        properties.push(property("publish", "false"));
    }
    if let Some(why) = super::no_hash(p) {
        properties.push(property("no-hash", why));
    }
    if p.license.is_none() {
        properties.push(property(
            "license",
            "unknown: no license field in the graph",
        ));
    }
    let external_references = match &p.source {
        Source::Git { url, .. } => vec![Reference {
            kind: "vcs",
            url: url.clone(),
        }],
        _ => Vec::new(),
    };
    Component {
        kind: if scope.is_none() {
            "application"
        } else {
            "library"
        },
        bom_ref: p.id.clone(),
        name: p.name.clone(),
        version: Some(crate::graph::version_string(&p.version)),
        scope,
        hashes: p
            .checksum
            .iter()
            .map(|c| Hash {
                alg: "SHA-256",
                content: c.clone(),
            })
            .collect(),
        licenses: p
            .license
            .iter()
            .map(|l| License {
                expression: l.clone(),
            })
            .collect(),
        purl: Some(super::purl(p)),
        external_references,
        properties,
        components: Vec::new(),
    }
}

/// `metadata`: the tool, the workspace (one member, or the workspace with
/// its members as sub-components) and the build facts.
pub fn metadata(
    g: &Graph,
    opts: &Options,
    members: &[NodeIndex],
    commit: Option<String>,
) -> Metadata {
    let mut parts: Vec<Component> = members
        .iter()
        .map(|&m| component(g.package(m), None))
        .collect();
    let component = if parts.len() == 1 {
        parts.remove(0)
    } else {
        // The root package's name, else the workspace directory's.
        let root = members.iter().map(|&m| g.package(m)).find(|p| {
            p.manifest_path.as_deref().and_then(std::path::Path::parent) == Some(&g.workspace_root)
        });
        let name = root.map(|p| p.name.clone()).unwrap_or_else(|| {
            g.workspace_root
                .file_name()
                .map_or("workspace".into(), |n| n.to_string_lossy().into_owned())
        });
        Component {
            kind: "application",
            bom_ref: format!("workspace:{name}"),
            name,
            version: None,
            scope: None,
            hashes: Vec::new(),
            licenses: Vec::new(),
            purl: None,
            external_references: Vec::new(),
            properties: Vec::new(),
            components: parts,
        }
    };
    let mut properties = vec![
        property("mode", g.mode.as_str()),
        property(
            "targets",
            if g.targets.is_empty() {
                "all".to_string()
            } else {
                g.targets.join(",")
            },
        ),
        property(
            "features",
            if opts.features.is_empty() {
                "default".to_string()
            } else {
                opts.features.join(",")
            },
        ),
    ];
    if let Some(tc) = &g.toolchain {
        properties.push(property("rust-toolchain", tc.channel.clone()));
    }
    if let Some(c) = commit {
        properties.push(property("source-commit", c));
    }
    Metadata {
        timestamp: opts.timestamp.clone(),
        tools: Tools {
            components: vec![Tool {
                kind: "application",
                name: "depgate",
                version: env!("CARGO_PKG_VERSION"),
            }],
        },
        component,
        properties,
    }
}
