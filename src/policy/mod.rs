//! Policy: discovery, `extends` layering, validation, typed access.
//!
//! Loading is parse → merge → validate → type. Every file is parsed into a
//! spanned tree ([`tree`]); `extends` layers are merged under the file that
//! names them; the merged tree is validated against the schema
//! ([`schema`]), collecting every problem with its place; only then is the
//! typed [`Policy`] built, which cannot fail.

pub mod schema;
pub mod show;
pub mod tree;

use crate::error::{Error, InputProblem, Result};
use crate::finding::Level;
use crate::graph::Exposure;
use crate::location::SourceText;
use schema::{Field, Ty};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tree::{Node, Origin, Value};

/// Presets shipped in `policies/`, embedded in the binary.
pub const PRESETS: &[(&str, &str)] = &[
    ("default", include_str!("../../policies/default.toml")),
    ("strict", include_str!("../../policies/strict.toml")),
    ("regulated", include_str!("../../policies/regulated.toml")),
    (
        "deprecated-crates",
        include_str!("../../policies/deprecated-crates.toml"),
    ),
];

/// File names looked for, in order, in each directory while walking up.
pub const DISCOVERY_NAMES: [&str; 3] = ["depgate.toml", ".depgate.toml", ".cargo/depgate.toml"];

/// Top-level schema: core keys plus one table per check family.
pub fn root_fields() -> Vec<Field> {
    let mut fields = vec![
        Field::new(
            "extends",
            Ty::StrList,
            "policies layered under this one: paths relative to this file, or preset:NAME",
        ),
        Field::new(
            "fail-on",
            Ty::OneOf(&["deny", "warn"]),
            "which levels fail the gate (CLI --fail-on wins)",
        ),
        Field::new(
            "exposure",
            Ty::Table(schema::EXPOSURE_FIELDS),
            "level caps by exposure, for every family",
        ),
        Field::new(
            "levels",
            Ty::RuleLevels,
            "rule id = level, replacing the family's level outright",
        ),
        crate::decide::waivers::POLICY,
        crate::decide::waivers::REQUIRE_APPROVAL,
        crate::decide::baseline::POLICY,
    ];
    fields.extend(crate::checks::policy_fields());
    fields
}

/// Level caps by exposure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExposureCaps {
    pub dev_only: Option<Level>,
    pub build_only: Option<Level>,
    pub inactive_target: Option<Level>,
}

impl ExposureCaps {
    pub fn from_node(node: Option<&Node>) -> ExposureCaps {
        let level = |k: &str| {
            node.and_then(|n| n.get(k))
                .and_then(|v| v.as_str())
                .and_then(Level::parse)
        };
        ExposureCaps {
            dev_only: level("dev-only"),
            build_only: level("build-only"),
            inactive_target: level("inactive-target"),
        }
    }

    pub fn cap(&self, exposure: Exposure) -> Option<Level> {
        match exposure {
            Exposure::DevOnly => self.dev_only,
            Exposure::BuildOnly => self.build_only,
            Exposure::InactiveTarget => self.inactive_target,
            Exposure::Normal | Exposure::Unknown => None,
        }
    }
}

/// The effective, validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The merged tree, with every value's origin.
    pub tree: Node,
    /// Layers in merge order (base first); the last is the policy itself.
    pub layers: Vec<String>,
    pub fail_on: Level,
    pub exposure: ExposureCaps,
    pub levels: BTreeMap<String, Level>,
    pub sources: crate::checks::sources::Config,
    pub bans: crate::checks::bans::Config,
    pub advisories: crate::checks::advisories::Config,
    pub duplicates: crate::checks::duplicates::Config,
    pub waivers: Vec<crate::decide::waivers::Waiver>,
    /// Texts of the policy files (for quoting lines in reports).
    pub texts: Vec<SourceText>,
}

impl Policy {
    /// The family's own `exposure` override, else the shared table.
    pub fn exposure_cap(&self, family: &str, exposure: Exposure) -> Option<Level> {
        let own = ExposureCaps::from_node(self.tree.at(&[family, "exposure"]));
        own.cap(exposure).or_else(|| self.exposure.cap(exposure))
    }

    /// The built-in default policy (`policies/default.toml`).
    pub fn builtin_default() -> Result<Policy> {
        load_layers(Layer::Preset("default"))
    }
}

/// Loads `explicit`, or the policy discovered from `workspace_root`, or the
/// built-in default.
pub fn load(
    explicit: Option<&Path>,
    workspace_root: &Path,
    repo_root: Option<&Path>,
) -> Result<Policy> {
    match explicit
        .map(Path::to_path_buf)
        .or_else(|| discover(workspace_root))
    {
        Some(path) => load_layers(Layer::File(path, repo_root.map(Path::to_path_buf))),
        None => Policy::builtin_default(),
    }
}

/// Walks up from `start` to the repository root (the first directory with
/// `.git`, inclusive) looking for a policy file.
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        for name in DISCOVERY_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

enum Layer {
    Preset(&'static str),
    /// A file, and the repository root its display path is relative to.
    File(PathBuf, Option<PathBuf>),
}

fn load_layers(top: Layer) -> Result<Policy> {
    let mut layers = Vec::new();
    let tree = load_layer(&top, &mut Vec::new(), &mut layers, None)?;
    let texts = layers;
    let layers: Vec<String> = texts.iter().map(|t| t.display.clone()).collect();
    let rule_ids: Vec<&str> = crate::rules::ALL.iter().map(|r| r.id).collect();
    let mut v = schema::Validator {
        known_rules: &rule_ids,
        problems: Vec::new(),
    };
    v.table(&tree, &root_fields(), "");
    crate::decide::waivers::validate(&tree, &mut v.problems);
    if !v.problems.is_empty() {
        v.problems.sort();
        v.problems.dedup();
        return Err(Error::Input(v.problems));
    }
    Ok(typed(tree, layers, texts))
}

fn typed(tree: Node, layers: Vec<String>, texts: Vec<SourceText>) -> Policy {
    let levels = match tree.get("levels").map(|n| &n.value) {
        Some(Value::Table(map)) => map
            .iter()
            .filter_map(|(k, e)| Some((k.clone(), Level::parse(e.node.as_str()?)?)))
            .collect(),
        _ => BTreeMap::new(),
    };
    Policy {
        fail_on: tree
            .get("fail-on")
            .and_then(Node::as_str)
            .and_then(Level::parse)
            .unwrap_or(Level::Deny),
        exposure: ExposureCaps::from_node(tree.get("exposure")),
        levels,
        sources: crate::checks::sources::Config::from_tree(&tree),
        bans: crate::checks::bans::Config::from_tree(&tree),
        advisories: crate::checks::advisories::Config::from_tree(&tree),
        duplicates: crate::checks::duplicates::Config::from_tree(&tree),
        waivers: crate::decide::waivers::from_tree(&tree),
        layers,
        texts,
        tree,
    }
}

/// Loads one layer and, first, the layers it extends. `stack` holds the
/// identities being loaded, to detect cycles; `at` is where this layer was
/// named, for errors.
fn load_layer(
    layer: &Layer,
    stack: &mut Vec<(String, String)>,
    layers: &mut Vec<SourceText>,
    at: Option<&Origin>,
) -> Result<Node> {
    let (identity, src, dir) = read_layer(layer, at)?;
    if let Some(pos) = stack.iter().position(|(id, _)| *id == identity) {
        let mut cycle: Vec<&str> = stack[pos..]
            .iter()
            .map(|(_, shown)| shown.as_str())
            .collect();
        cycle.push(&src.display);
        let at = at.cloned().unwrap_or(Origin {
            file: src.display.clone(),
            line: 1,
            column: 1,
        });
        return Err(problem(
            &at,
            "extends",
            format!("`extends` cycle: {}", cycle.join(" -> ")),
        ));
    }
    let own = tree::parse(&src)?;
    stack.push((identity, src.display.clone()));
    let mut merged: Option<Node> = None;
    if let Some(ext) = own.get("extends") {
        for item in ext.as_array() {
            let Some(name) = item.as_str() else { continue };
            let next = match name.strip_prefix("preset:") {
                Some(p) => match PRESETS.iter().find(|(n, _)| *n == p) {
                    Some((n, _)) => Layer::Preset(n),
                    None => {
                        let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                        return Err(problem(
                            &item.origin,
                            "extends",
                            format!("unknown preset `{p}` (presets: {})", names.join(", ")),
                        ));
                    }
                },
                None => match &dir {
                    Some((d, repo)) => Layer::File(d.join(name), repo.clone()),
                    None => {
                        return Err(problem(
                            &item.origin,
                            "extends",
                            "a preset can only extend other presets".into(),
                        ));
                    }
                },
            };
            let base = load_layer(&next, stack, layers, Some(&item.origin))?;
            merged = Some(match merged {
                Some(m) => tree::merge(m, base),
                None => base,
            });
        }
    }
    stack.pop();
    layers.push(src);
    Ok(match merged {
        Some(base) => tree::merge(base, own),
        None => own,
    })
}

type LayerDir = Option<(PathBuf, Option<PathBuf>)>;

fn read_layer(layer: &Layer, at: Option<&Origin>) -> Result<(String, SourceText, LayerDir)> {
    match layer {
        Layer::Preset(name) => {
            let text = PRESETS
                .iter()
                .find(|(n, _)| n == name)
                .map_or("", |(_, t)| t);
            let display = format!("preset:{name}");
            Ok((
                display.clone(),
                SourceText::new(display, text.to_string()),
                None,
            ))
        }
        Layer::File(path, repo) => {
            let text = std::fs::read_to_string(path).map_err(|e| match at {
                Some(origin) => problem(
                    origin,
                    "extends",
                    format!("cannot read `{}`: {e}", path.display()),
                ),
                None => Error::read(path, e),
            })?;
            let identity = path
                .canonicalize()
                .unwrap_or_else(|_| path.clone())
                .to_string_lossy()
                .into_owned();
            let display = crate::location::display_path(repo.as_deref(), path);
            let dir = path.parent().map(|d| (d.to_path_buf(), repo.clone()));
            Ok((identity, SourceText::new(display, text), dir))
        }
    }
}

fn problem(at: &Origin, key: &str, message: String) -> Error {
    Error::Input(vec![InputProblem {
        path: at.file.clone(),
        line: at.line,
        column: at.column,
        key: key.to_string(),
        message,
        help: None,
    }])
}

/// Loads a policy file (for `depgate policy check FILE`).
pub fn load_file(path: &Path) -> Result<Policy> {
    let repo = path.parent().and_then(crate::graph::find_repo_root);
    load_layers(Layer::File(path.to_path_buf(), repo))
}

/// Loads a preset by name.
pub fn load_preset(name: &str) -> Result<Policy> {
    match PRESETS.iter().find(|(n, _)| *n == name) {
        Some((n, _)) => load_layers(Layer::Preset(n)),
        None => Err(Error::Usage(format!("unknown preset `{name}`"))),
    }
}
