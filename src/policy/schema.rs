//! The policy schema: every key depgate knows, with its type and a one-line
//! description. Validation walks the merged tree against it and collects
//! every problem (unknown key with a "did you mean", wrong type, invalid
//! value, bad date) with file, line, column and dotted key path. Each check
//! family contributes its own table (see `crate::checks`).

use super::tree::{Node, Origin, Value};
use crate::error::InputProblem;
use crate::finding::Level;

#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Str,
    Bool,
    Int,
    Float,
    /// `deny`, `warn`, `info` or `allow`.
    Level,
    OneOf(&'static [&'static str]),
    /// `YYYY-MM-DD`, as a string or a TOML date.
    Date,
    /// A number of days or weeks: `30d`, `2w`.
    Duration,
    StrList,
    /// A semver version requirement such as `>=1.2, <2`.
    VersionReq,
    /// An array of SPDX license ids, optionally `+` or `WITH` an exception.
    SpdxList,
    /// An SPDX license expression.
    SpdxExpr,
    /// A SHA-256 digest: 64 hex digits.
    Sha256,
    /// A relative path that stays below its base: no `..`, not absolute.
    RelPath,
    Table(&'static [Field]),
    /// An array of tables (`[[bans.deny]]`).
    Tables(&'static [Field]),
    /// A table mapping rule ids to levels (`[levels]`).
    RuleLevels,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

impl Field {
    pub const fn new(key: &'static str, ty: Ty, doc: &'static str) -> Field {
        Field {
            key,
            ty,
            required: false,
            doc,
        }
    }

    pub const fn required(key: &'static str, ty: Ty, doc: &'static str) -> Field {
        Field {
            key,
            ty,
            required: true,
            doc,
        }
    }
}

/// `dev-only`, `build-only`, `inactive-target` caps, shared by `[exposure]`
/// and each family's `exposure` override.
pub const EXPOSURE_FIELDS: &[Field] = &[
    Field::new(
        "dev-only",
        Ty::Level,
        "cap for packages reached only through dev-dependencies",
    ),
    Field::new(
        "build-only",
        Ty::Level,
        "cap for packages reached only through build-dependencies",
    ),
    Field::new(
        "inactive-target",
        Ty::Level,
        "cap for packages only built for targets not selected with --target",
    ),
];

pub struct Validator<'a> {
    pub known_rules: &'a [&'a str],
    pub problems: Vec<InputProblem>,
}

impl Validator<'_> {
    fn problem(&mut self, at: &Origin, key: &str, message: String, help: Option<String>) {
        self.problems.push(InputProblem {
            path: at.file.clone(),
            line: at.line,
            column: at.column,
            key: key.to_string(),
            message,
            help,
        });
    }

    /// Validates a table node against `fields`; `path` is its dotted key.
    pub fn table(&mut self, node: &Node, fields: &[Field], path: &str) {
        let Value::Table(map) = &node.value else {
            self.wrong_type(node, path, "table");
            return;
        };
        for (key, entry) in map {
            let key_path = join(path, key);
            match fields.iter().find(|f| f.key == key) {
                Some(field) => self.value(&entry.node, field.ty, &key_path),
                None => {
                    let names: Vec<&str> = fields.iter().map(|f| f.key).collect();
                    let help = did_you_mean(key, &names).map(|s| format!("did you mean `{s}`?"));
                    self.problem(&entry.key_origin, &key_path, "unknown key".into(), help);
                }
            }
        }
        for field in fields.iter().filter(|f| f.required) {
            if !map.contains_key(field.key) {
                let key_path = join(path, field.key);
                self.problem(
                    &node.origin,
                    &key_path,
                    format!("missing required key `{}`", field.key),
                    None,
                );
            }
        }
    }

    fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        let msg = format!("expected {expected}, found {}", node.value.type_name());
        self.problem(&node.origin, path, msg, None);
    }

    fn value(&mut self, node: &Node, ty: Ty, path: &str) {
        match ty {
            Ty::Str => self.expect_str(node, path, "a string").map_or((), drop),
            Ty::Bool => {
                if !matches!(node.value, Value::Bool(_)) {
                    self.wrong_type(node, path, "a boolean");
                }
            }
            Ty::Int => {
                if !matches!(node.value, Value::Int(_)) {
                    self.wrong_type(node, path, "an integer");
                }
            }
            Ty::Float => {
                if !matches!(node.value, Value::Int(_) | Value::Float(_)) {
                    self.wrong_type(node, path, "a number");
                }
            }
            Ty::Level => self.one_of(node, path, &Level::NAMES),
            Ty::OneOf(options) => self.one_of(node, path, options),
            Ty::Date => self.date(node, path),
            Ty::Duration => {
                if let Some(s) = self.expect_str(node, path, "a duration such as \"30d\"") {
                    if parse_days(s).is_none() {
                        self.problem(
                            &node.origin,
                            path,
                            format!("invalid duration `{s}`"),
                            Some("expected days or weeks, e.g. \"30d\" or \"2w\"".into()),
                        );
                    }
                }
            }
            Ty::StrList => self.str_list(node, path),
            Ty::SpdxList => self.spdx_list(node, path),
            Ty::SpdxExpr => {
                if let Some(s) = self.expect_str(node, path, "an SPDX expression") {
                    if let Err(e) = spdx::Expression::parse(s) {
                        let msg = format!("invalid SPDX expression `{s}`: {}", e.reason);
                        self.problem(&node.origin, path, msg, None);
                    }
                }
            }
            Ty::Sha256 => {
                if let Some(s) = self.expect_str(node, path, "a SHA-256 digest") {
                    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                        let msg = format!("`{s}` is not a SHA-256 digest (64 hex digits)");
                        let help = "`sha256sum FILE` prints it".to_string();
                        self.problem(&node.origin, path, msg, Some(help));
                    }
                }
            }
            Ty::RelPath => {
                if let Some(s) = self.expect_str(node, path, "a relative path") {
                    let p = std::path::Path::new(s);
                    let below = !s.is_empty()
                        && p.components().all(|c| {
                            matches!(
                                c,
                                std::path::Component::Normal(_) | std::path::Component::CurDir
                            )
                        });
                    if !below {
                        let msg = format!(
                            "`{s}` must be a relative path inside the crate (no `..`, not absolute)"
                        );
                        self.problem(&node.origin, path, msg, None);
                    }
                }
            }
            Ty::VersionReq => {
                if let Some(s) = self.expect_str(node, path, "a version requirement string") {
                    if let Err(e) = semver::VersionReq::parse(s) {
                        self.problem(
                            &node.origin,
                            path,
                            format!("invalid version requirement `{s}`: {e}"),
                            None,
                        );
                    }
                }
            }
            Ty::Table(fields) => self.table(node, fields, path),
            Ty::Tables(fields) => match &node.value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.table(item, fields, &format!("{path}[{i}]"));
                    }
                }
                _ => self.wrong_type(node, path, "an array of tables"),
            },
            Ty::RuleLevels => self.rule_levels(node, path),
        }
    }

    fn expect_str<'n>(&mut self, node: &'n Node, path: &str, what: &str) -> Option<&'n str> {
        let s = node.as_str();
        if s.is_none() {
            self.wrong_type(node, path, what);
        }
        s
    }

    fn one_of(&mut self, node: &Node, path: &str, options: &[&str]) {
        let Some(s) = self.expect_str(node, path, "a string") else {
            return;
        };
        if !options.contains(&s) {
            let help = did_you_mean(s, options)
                .map(|m| format!("did you mean `{m}`?"))
                .unwrap_or_else(|| format!("expected one of: {}", options.join(", ")));
            self.problem(
                &node.origin,
                path,
                format!("invalid value `{s}`"),
                Some(help),
            );
        }
    }

    fn date(&mut self, node: &Node, path: &str) {
        let text = match &node.value {
            Value::Str(s) | Value::Datetime(s) => s.as_str(),
            _ => return self.wrong_type(node, path, "a date (YYYY-MM-DD)"),
        };
        if crate::date::Date::parse(text).is_none() {
            self.problem(
                &node.origin,
                path,
                format!("invalid date `{text}`"),
                Some("expected YYYY-MM-DD".into()),
            );
        }
    }

    fn str_list(&mut self, node: &Node, path: &str) {
        let Value::Array(items) = &node.value else {
            return self.wrong_type(node, path, "an array of strings");
        };
        for (i, item) in items.iter().enumerate() {
            if item.as_str().is_none() {
                self.wrong_type(item, &format!("{path}[{i}]"), "a string");
            }
        }
    }

    fn spdx_list(&mut self, node: &Node, path: &str) {
        self.str_list(node, path);
        for item in node.as_array() {
            let Some(s) = item.as_str() else { continue };
            if let Err(e) = spdx::Licensee::parse(s) {
                // The canonical form of a legacy spelling (`GPL-2.0+` is
                // `GPL-2.0-or-later`, `Apache2` is `Apache-2.0`).
                let help = spdx::Expression::canonicalize(s)
                    .ok()
                    .flatten()
                    .filter(|c| spdx::Licensee::parse(c).is_ok())
                    .map(|c| format!("did you mean `{c}`?"));
                let msg = format!("`{s}` is not an SPDX license id: {}", e.reason);
                self.problem(&item.origin, path, msg, help);
            }
        }
    }

    fn rule_levels(&mut self, node: &Node, path: &str) {
        let Value::Table(map) = &node.value else {
            return self.wrong_type(node, path, "a table of rule ids to levels");
        };
        for (rule, entry) in map {
            let key_path = join(path, rule);
            if !self.known_rules.contains(&rule.as_str()) {
                let help =
                    did_you_mean(rule, self.known_rules).map(|s| format!("did you mean `{s}`?"));
                self.problem(
                    &entry.key_origin,
                    &key_path,
                    format!("unknown rule id `{rule}`"),
                    help,
                );
            }
            self.one_of(&entry.node, &key_path, &Level::NAMES);
        }
    }
}

/// Every key path with its type and description, depth first:
/// `("bans.deny[].crate", "string", "crate name")`.
pub fn key_reference(
    fields: &[Field],
    prefix: &str,
    out: &mut Vec<(String, String, &'static str)>,
) {
    for f in fields {
        let path = if prefix.is_empty() {
            f.key.to_string()
        } else {
            format!("{prefix}.{}", f.key)
        };
        let ty = match f.ty {
            Ty::Str => "string".to_string(),
            Ty::Bool => "boolean".to_string(),
            Ty::Int => "integer".to_string(),
            Ty::Float => "number".to_string(),
            Ty::Level => "level".to_string(),
            Ty::OneOf(o) => o
                .iter()
                .map(|x| format!("\"{x}\""))
                .collect::<Vec<_>>()
                .join(" \\| "),
            Ty::Date => "date".to_string(),
            Ty::Duration => "duration".to_string(),
            Ty::StrList => "array of strings".to_string(),
            Ty::VersionReq => "version requirement".to_string(),
            Ty::SpdxList => "array of SPDX license ids".to_string(),
            Ty::SpdxExpr => "SPDX expression".to_string(),
            Ty::Sha256 => "SHA-256 hex digest".to_string(),
            Ty::RelPath => "relative path".to_string(),
            Ty::Table(_) => "table".to_string(),
            Ty::Tables(_) => "array of tables".to_string(),
            Ty::RuleLevels => "table: rule id = level".to_string(),
        };
        let required = if f.required { " (required)" } else { "" };
        out.push((path.clone(), format!("{ty}{required}"), f.doc));
        match f.ty {
            Ty::Table(sub) => key_reference(sub, &path, out),
            Ty::Tables(sub) => key_reference(sub, &format!("{path}[]"), out),
            _ => {}
        }
    }
}

/// Days in a duration such as `30d` or `2w`.
pub fn parse_days(s: &str) -> Option<i64> {
    let (num, unit) = s.split_at(s.len().checked_sub(1)?);
    let n: i64 = num.parse().ok().filter(|n| *n >= 0)?;
    match unit {
        "d" => Some(n),
        "w" => n.checked_mul(7),
        _ => None,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The closest candidate within a small edit distance, if any.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.len() / 3).max(2);
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("alow", &["allow", "deny"]), Some("allow"));
        assert_eq!(
            did_you_mean("exposre", &["exposure", "levels"]),
            Some("exposure")
        );
        assert_eq!(did_you_mean("zzzzzz", &["allow"]), None);
    }
}
