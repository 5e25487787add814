//! Policy: discovery, `extends` layering, validation.
//!
//! Loading is parse → merge → validate. Every file is parsed into a
//! spanned tree ([`tree`]); `extends` layers are merged under the file that
//! names them; the merged tree is validated against the [`Schema`] it is
//! handed ([`validate`]), collecting every problem with its place. The
//! policy imports no family and no stage: the registry assembles the
//! schema from their declarations, and each family reads its typed
//! configuration through a [`reader::Reader`] once the policy is valid.

pub mod reader;
pub mod schema;
pub mod show;
pub mod tree;
pub mod validate;
pub mod waivers;

use crate::error::{Error, InputProblem, Result};
use crate::location::SourceText;
use schema::{Field, Ty};
use std::path::{Path, PathBuf};
use tree::{Node, Origin};

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

/// The policy's own key: the layers it is merged over.
pub const EXTENDS: Field = Field::new(
    "extends",
    Ty::StrList,
    "policies layered under this one: paths relative to this file, or preset:NAME",
);

/// What a policy is validated against: every top-level field, and the
/// rule ids that `[levels]` and waivers may name.
#[derive(Debug, Clone)]
pub struct Schema {
    pub fields: Vec<Field>,
    pub rules: Vec<&'static str>,
}

/// The effective, validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The merged tree, with every value's origin.
    pub tree: Node,
    /// Layers in merge order (base first); the last is the policy itself.
    pub layers: Vec<String>,
    /// Texts of the policy files (for quoting lines in reports).
    pub texts: Vec<SourceText>,
}

/// Loads `explicit`, or the policy discovered from `workspace_root`, or the
/// built-in default.
pub fn load(
    explicit: Option<&Path>,
    workspace_root: &Path,
    repo_root: Option<&Path>,
    schema: &Schema,
) -> Result<Policy> {
    match explicit
        .map(Path::to_path_buf)
        .or_else(|| discover(workspace_root))
    {
        Some(path) => load_layers(Layer::File(path, repo_root.map(Path::to_path_buf)), schema),
        None => builtin_default(schema),
    }
}

/// The built-in default policy (`policies/default.toml`).
pub fn builtin_default(schema: &Schema) -> Result<Policy> {
    load_layers(Layer::Preset("default"), schema)
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

fn load_layers(top: Layer, schema: &Schema) -> Result<Policy> {
    let mut texts = Vec::new();
    let tree = load_layer(&top, &mut Vec::new(), &mut texts, None)?;
    validated(tree, texts, schema)
}

/// Validates a merged tree; every problem is collected.
fn validated(tree: Node, texts: Vec<SourceText>, schema: &Schema) -> Result<Policy> {
    let mut v = validate::Validator {
        known_rules: &schema.rules,
        problems: Vec::new(),
    };
    let mut fields = vec![EXTENDS];
    fields.extend(schema.fields.iter().copied());
    v.table(&tree, &fields, "");
    waivers::validate(&tree, &mut v.problems);
    if !v.problems.is_empty() {
        v.problems.sort();
        v.problems.dedup();
        return Err(Error::Input(v.problems).with_quotes(&texts));
    }
    Ok(Policy {
        layers: texts.iter().map(|t| t.display.clone()).collect(),
        texts,
        tree,
    })
}

/// A policy from one text with no `extends` of files (tests, examples).
pub fn from_text(src: SourceText, schema: &Schema) -> Result<Policy> {
    let tree = tree::parse(&src)?;
    validated(tree, vec![src], schema)
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
    // Problems found here are at lines of `src`: quote them.
    let quoted = |e: Error| e.with_quotes(std::slice::from_ref(&src));
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
                        return Err(quoted(problem(
                            &item.origin,
                            "extends",
                            format!("unknown preset `{p}` (presets: {})", names.join(", ")),
                        )));
                    }
                },
                None => match &dir {
                    Some((d, repo)) => Layer::File(d.join(name), repo.clone()),
                    None => {
                        return Err(quoted(problem(
                            &item.origin,
                            "extends",
                            "a preset can only extend other presets".into(),
                        )));
                    }
                },
            };
            let base = load_layer(&next, stack, layers, Some(&item.origin)).map_err(quoted)?;
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
            let shown = path.display().to_string();
            let links = crate::input::Links::Follow;
            let limit = crate::input::MAX_SMALL;
            let text =
                crate::input::read_text(path, &shown, limit, links).map_err(|e| match at {
                    Some(origin) => problem(
                        origin,
                        "extends",
                        match &e {
                            // The reader's own message already says "cannot read".
                            Error::Input(p) if !p.is_empty() => {
                                format!("`{}`: {}", path.display(), p[0].message)
                            }
                            Error::Read { source, .. } => {
                                format!("cannot read `{}`: {source}", path.display())
                            }
                            _ => format!("cannot read `{}`: {e}", path.display()),
                        },
                    ),
                    None => e,
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
        quote: None,
    }])
}

/// Loads a policy file (for `depgate policy check FILE`).
pub fn load_file(path: &Path, schema: &Schema) -> Result<Policy> {
    let repo = path.parent().and_then(crate::location::find_repo_root);
    load_layers(Layer::File(path.to_path_buf(), repo), schema)
}

/// Loads a preset by name.
pub fn load_preset(name: &str, schema: &Schema) -> Result<Policy> {
    match PRESETS.iter().find(|(n, _)| *n == name) {
        Some((n, _)) => load_layers(Layer::Preset(n), schema),
        None => {
            let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
            Err(Error::Usage(format!(
                "unknown preset `{name}`{} (presets: {})",
                crate::model::hint(name, &names),
                names.join(", ")
            )))
        }
    }
}
