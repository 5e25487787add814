//! A CycloneDX 1.4–1.6 JSON SBOM as the graph (`check --sbom`). Each
//! component with a `pkg:cargo` purl and a version becomes a package,
//! located at its JSON path; `metadata.component` (and its sub-components)
//! are the workspace members; `dependencies` are the edges, without kinds.
//! A component that names no Cargo package is kept as [`Unidentified`],
//! never skipped. Malformed input is an error naming the JSON path.

mod fields;

use super::{Dep, Graph, Mode, Package, Source, Unidentified};
use crate::error::{Error, Result};
use crate::location::{Location, SourceText};
use fields::{Identified, exposure_of, identify, license_of, source_of};
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::value::RawValue;

/// The specification versions read.
pub const SPECS: &[&str] = &["1.4", "1.5", "1.6"];

#[derive(Deserialize)]
struct Doc<'a> {
    #[serde(rename = "bomFormat")]
    format: String,
    #[serde(rename = "specVersion")]
    spec: String,
    #[serde(borrow, default)]
    metadata: Option<&'a RawValue>,
    #[serde(borrow, default)]
    components: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    dependencies: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Metadata<'a> {
    #[serde(borrow, default)]
    component: Option<&'a RawValue>,
    #[serde(default)]
    properties: Vec<Property>,
}

#[derive(Deserialize)]
struct Component<'a> {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    #[serde(default)]
    name: String,
    version: Option<String>,
    purl: Option<String>,
    scope: Option<String>,
    #[serde(default)]
    hashes: Vec<Hash>,
    #[serde(default)]
    licenses: Vec<LicenseChoice>,
    #[serde(default)]
    properties: Vec<Property>,
    #[serde(borrow, default)]
    components: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Hash {
    alg: String,
    content: String,
}

#[derive(Deserialize)]
struct LicenseChoice {
    expression: Option<String>,
    license: Option<License>,
}

#[derive(Deserialize)]
struct License {
    id: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct Property {
    name: String,
    #[serde(default)]
    value: String,
}

#[derive(Deserialize)]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(rename = "dependsOn", default)]
    depends_on: Vec<String>,
}

/// The reader's state: the text, the packages so far, bom-refs.
struct Reader<'s> {
    src: &'s SourceText,
    graph: Graph,
    by_ref: FxHashMap<String, Option<NodeIndex>>,
    by_id: FxHashMap<String, NodeIndex>,
}

impl<'s> Reader<'s> {
    /// Parses `raw` (a slice of the source) as `T`, with errors at its JSON path.
    fn parse<'a, T: Deserialize<'a>>(&self, raw: &'a RawValue, path: &str) -> Result<T> {
        let text = raw.get();
        let start = text.as_ptr() as usize - self.src.text.as_ptr() as usize;
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let inner = e.inner();
            let line_start: usize = text
                .split_inclusive('\n')
                .take(inner.line().saturating_sub(1))
                .map(str::len)
                .sum();
            let at = start + line_start + inner.column().saturating_sub(1);
            let key = match e.path().to_string().as_str() {
                "." => path.to_string(),
                p => format!("{path}.{p}"),
            };
            let msg = inner.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            Error::input(&self.src.display, self.src.line_col(at), key, msg)
        })
    }

    fn location(&self, raw: &RawValue, path: &str) -> Location {
        let start = raw.get().as_ptr() as usize - self.src.text.as_ptr() as usize;
        self.src.location(start..start, path)
    }
}

/// Reads `src` (a CycloneDX JSON SBOM) into a graph rooted at `root`.
pub fn load_graph(src: SourceText, root: std::path::PathBuf) -> Result<Graph> {
    let doc: Doc<'_> = serde_json::from_str(&src.text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        Error::input(&src.display, (e.line() as u32, e.column() as u32), "$", msg)
    })?;
    if doc.format != "CycloneDX" {
        return Err(Error::input(
            &src.display,
            (1, 1),
            "$.bomFormat",
            format!(
                "`{}`: not a CycloneDX SBOM (expected `CycloneDX`)",
                doc.format
            ),
        ));
    }
    if !SPECS.contains(&doc.spec.as_str()) {
        return Err(Error::input(
            &src.display,
            (1, 1),
            "$.specVersion",
            format!(
                "CycloneDX {} is not supported (this build reads {})",
                doc.spec,
                SPECS.join(", ")
            ),
        ));
    }
    let mut r = Reader {
        src: &src,
        graph: Graph::empty(Mode::Sbom, root),
        by_ref: FxHashMap::default(),
        by_id: FxHashMap::default(),
    };
    if let Some(meta) = doc.metadata {
        let m: Metadata<'_> = r.parse(meta, "$.metadata")?;
        if let Some(targets) = m.properties.iter().find(|p| p.name == "depgate:targets") {
            if targets.value != "all" {
                r.graph.targets = targets.value.split(',').map(str::to_string).collect();
            }
        }
        if let Some(c) = m.component {
            r.subject(c)?;
        }
    }
    for (i, c) in doc.components.iter().enumerate() {
        r.component(c, format!("$.components[{i}]"), false)?;
    }
    for (i, d) in doc.dependencies.iter().enumerate() {
        r.dependency(d, &format!("$.dependencies[{i}]"))?;
    }
    let mut graph = r.graph;
    graph.lockfile = Some(src);
    Ok(graph)
}

impl Reader<'_> {
    /// `metadata.component`, what the SBOM describes: a member when it is a
    /// cargo package, else a container (depgate's workspace, cdxgen's
    /// `NAME@workspace`) whose sub-components are the members.
    fn subject(&mut self, raw: &RawValue) -> Result<()> {
        let path = "$.metadata.component";
        let c: Component<'_> = self.parse(raw, path)?;
        match identify(&c) {
            Ok(_) => self.component(raw, path.into(), true),
            Err(_) => {
                if let Some(r) = &c.bom_ref {
                    self.by_ref.insert(r.clone(), None);
                }
                for (i, sub) in c.components.iter().enumerate() {
                    self.component(sub, format!("{path}.components[{i}]"), true)?;
                }
                Ok(())
            }
        }
    }

    /// One component and its sub-components.
    fn component(&mut self, raw: &RawValue, path: String, member: bool) -> Result<()> {
        let c: Component<'_> = self.parse(raw, &path)?;
        let at = self.location(raw, &path);
        let subs = c.components.clone();
        match identify(&c) {
            Ok(p) => self.add(&c, p, at, member),
            Err(why) => {
                if let Some(r) = &c.bom_ref {
                    self.by_ref.insert(r.clone(), None);
                }
                self.graph.unidentified.push(Unidentified {
                    name: c.name.clone(),
                    why,
                    at,
                });
            }
        }
        for (i, sub) in subs.iter().enumerate() {
            self.component(sub, format!("{path}.components[{i}]"), member)?;
        }
        Ok(())
    }

    fn add(&mut self, c: &Component<'_>, (p, version): Identified, at: Location, member: bool) {
        let prop = |k: &str| {
            c.properties
                .iter()
                .find(|q| q.name == k)
                .map(|q| q.value.as_str())
        };
        let source = if member {
            Source::Path
        } else {
            source_of(prop("depgate:source"), &p)
        };
        let id = match source.raw() {
            Some(raw) => format!("{} {} ({raw})", p.name, version),
            None => format!("{} {}", p.name, version),
        };
        // A member listed again among the components (cdxgen lists the
        // Cargo.lock's path packages there, without a source) is the member.
        let member_id = format!("{} {}", p.name, version);
        let existing = self.by_id.get(&id).copied().or_else(|| {
            let ix = *self.by_id.get(&member_id)?;
            let plain = !c.purl.as_deref().unwrap_or_default().contains('?');
            (self.graph.graph[ix].is_member && plain && prop("depgate:source").is_none())
                .then_some(ix)
        });
        let ix = match existing {
            Some(ix) => ix,
            None => {
                let pkg = Package {
                    checksum: c
                        .hashes
                        .iter()
                        .find(|h| h.alg.eq_ignore_ascii_case("SHA-256"))
                        .map(|h| h.content.to_ascii_lowercase()),
                    is_member: member,
                    exposure: exposure_of(prop("depgate:exposure"), c.scope.as_deref()),
                    lock_line: Some(at.line),
                    license: license_of(&c.licenses),
                    publish_disabled: prop("depgate:publish") == Some("false"),
                    ..Package::new(id.clone(), p.name.clone(), version, source)
                };
                let ix = self.graph.graph.add_node(pkg);
                self.graph.entries.push(vec![at]);
                self.by_id.insert(id, ix);
                ix
            }
        };
        if let Some(r) = &c.bom_ref {
            self.by_ref.insert(r.clone(), Some(ix));
        }
    }

    fn dependency(&mut self, raw: &RawValue, path: &str) -> Result<()> {
        let d: Dependency = self.parse(raw, path)?;
        let at = self.location(raw, path);
        let known = |r: &str, key: String| {
            self.by_ref.get(r).copied().ok_or_else(|| {
                Error::input(
                    &at.path,
                    (at.line, at.column),
                    key,
                    format!("`{r}` names no component of this SBOM"),
                )
            })
        };
        let from = known(&d.reference, format!("{path}.ref"));
        let from = match from {
            Ok(f) => f,
            // depgate's own workspace container has no edges of its own.
            Err(_) if d.depends_on.is_empty() => None,
            Err(e) => return Err(e),
        };
        let mut edges = Vec::new();
        for (j, to) in d.depends_on.iter().enumerate() {
            if let (Some(f), Some(t)) = (from, known(to, format!("{path}.dependsOn[{j}]"))?) {
                edges.push((f, t));
            }
        }
        for (f, t) in edges {
            if self.graph.graph.find_edge(f, t).is_none() {
                self.graph.graph.add_edge(f, t, Dep::default());
            }
        }
        Ok(())
    }
}
