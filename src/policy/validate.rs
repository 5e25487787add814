//! Validation of the merged policy tree against the schema, collecting
//! every problem (unknown key with a "did you mean", wrong type, invalid
//! value, bad date, unknown rule id) with file, line, column and dotted
//! key path.

use super::schema::{Field, Ty, join, parse_days};
use super::tree::{Node, Origin, Value};
use crate::error::InputProblem;
use crate::model::{Level, did_you_mean};

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
            quote: None,
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
                let msg = format!("missing required key `{}`", field.key);
                self.problem(&node.origin, &key_path, msg, None);
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
            Ty::Bool if !matches!(node.value, Value::Bool(_)) => {
                self.wrong_type(node, path, "a boolean")
            }
            Ty::Int if !matches!(node.value, Value::Int(_)) => {
                self.wrong_type(node, path, "an integer")
            }
            Ty::Float if !matches!(node.value, Value::Int(_) | Value::Float(_)) => {
                self.wrong_type(node, path, "a number")
            }
            Ty::Bool | Ty::Int | Ty::Float => {}
            Ty::Level => self.one_of(node, path, &Level::NAMES),
            Ty::OneOf(options) => self.one_of(node, path, options),
            Ty::Date => self.date(node, path),
            Ty::StrList => self.str_list(node, path),
            Ty::SpdxList => self.spdx_list(node, path),
            Ty::RuleId => self.rule_id(node, path),
            Ty::Duration
            | Ty::SpdxExpr
            | Ty::Sha256
            | Ty::RelPath
            | Ty::VersionReq
            | Ty::RustVersion => self.string_value(node, ty, path),
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

    /// Types written as a string with a syntax of their own.
    fn string_value(&mut self, node: &Node, ty: Ty, path: &str) {
        let what = match ty {
            Ty::Duration => "a duration such as \"30d\"",
            Ty::SpdxExpr => "an SPDX expression",
            Ty::Sha256 => "a SHA-256 digest",
            Ty::RelPath => "a relative path",
            Ty::RustVersion => "a Rust version such as \"1.85\"",
            _ => "a version requirement string",
        };
        let Some(s) = self.expect_str(node, path, what) else {
            return;
        };
        let (msg, help) = match ty {
            Ty::Duration if parse_days(s).is_none() => (
                format!("invalid duration `{s}`"),
                Some("expected days or weeks, e.g. \"30d\" or \"2w\"".to_string()),
            ),
            Ty::SpdxExpr => match spdx::Expression::parse(s) {
                Err(e) => (format!("invalid SPDX expression `{s}`: {}", e.reason), None),
                Ok(_) => return,
            },
            Ty::Sha256 if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) => (
                format!("`{s}` is not a SHA-256 digest (64 hex digits)"),
                Some("`sha256sum FILE` prints it".to_string()),
            ),
            Ty::RelPath if !is_relative_below(s) => (
                format!("`{s}` must be a relative path inside the crate (no `..`, not absolute)"),
                None,
            ),
            Ty::RustVersion if crate::model::channel_version(s).is_none() => (
                format!("`{s}` is not a Rust version"),
                Some("write MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. \"1.85\"".to_string()),
            ),
            Ty::VersionReq => match semver::VersionReq::parse(s) {
                Err(e) => (format!("invalid version requirement `{s}`: {e}"), None),
                Ok(_) => return,
            },
            _ => return,
        };
        self.problem(&node.origin, path, msg, help);
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
            let msg = format!("invalid value `{s}`");
            self.problem(&node.origin, path, msg, Some(help));
        }
    }

    fn date(&mut self, node: &Node, path: &str) {
        let text = match &node.value {
            Value::Str(s) | Value::Datetime(s) => s.as_str(),
            _ => return self.wrong_type(node, path, "a date (YYYY-MM-DD)"),
        };
        if crate::date::Date::parse(text).is_none() {
            let msg = format!("invalid date `{text}`");
            self.problem(&node.origin, path, msg, Some("expected YYYY-MM-DD".into()));
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

    fn rule_id(&mut self, node: &Node, path: &str) {
        let Some(rule) = self.expect_str(node, path, "a rule id") else {
            return;
        };
        if !self.known_rules.contains(&rule) {
            self.unknown_rule(&node.origin, path, rule);
        }
    }

    fn unknown_rule(&mut self, at: &Origin, path: &str, rule: &str) {
        let help = did_you_mean(rule, self.known_rules).map(|s| format!("did you mean `{s}`?"));
        let msg = format!("unknown rule id `{rule}`");
        self.problem(at, path, msg, help);
    }

    fn rule_levels(&mut self, node: &Node, path: &str) {
        let Value::Table(map) = &node.value else {
            return self.wrong_type(node, path, "a table of rule ids to levels");
        };
        for (rule, entry) in map {
            let key_path = join(path, rule);
            if !self.known_rules.contains(&rule.as_str()) {
                self.unknown_rule(&entry.key_origin, &key_path, rule);
            }
            self.one_of(&entry.node, &key_path, &Level::NAMES);
        }
    }
}

/// Whether `s` is a non-empty relative path with no `..` and no root.
fn is_relative_below(s: &str) -> bool {
    !s.is_empty()
        && std::path::Path::new(s).components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
}
