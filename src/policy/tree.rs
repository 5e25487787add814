//! The policy as a spanned value tree. Every key and value remembers the
//! file, line and column it came from, so validation errors and
//! `depgate policy show` can name them, and so `extends` layers can be
//! merged while keeping each value's origin.

use crate::error::{Error, Result};
use crate::location::SourceText;
use std::collections::BTreeMap;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Where a key or value was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl Origin {
    /// This place as a finding location.
    pub fn location(&self, label: &str) -> crate::location::Location {
        crate::location::Location {
            path: self.file.clone(),
            line: self.line,
            column: self.column,
            label: label.to_string(),
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Debug, Clone)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime(String),
    Array(Vec<Node>),
    Table(BTreeMap<String, Entry>),
}

/// A value and where it was written.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub origin: Origin,
}

/// A table entry: the key's own origin, and its value.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key_origin: Origin,
    pub node: Node,
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::Bool(_) => "boolean",
            Value::Datetime(_) => "datetime",
            Value::Array(_) => "array",
            Value::Table(_) => "table",
        }
    }
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Table(t) => t.get(key).map(|e| &e.node),
            _ => None,
        }
    }

    /// Follows a dotted path of table keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> &[Node] {
        match &self.value {
            Value::Array(a) => a,
            _ => &[],
        }
    }

    pub fn str_list(&self) -> Vec<String> {
        self.as_array()
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect()
    }
}

/// Parses a policy file into a tree; TOML syntax errors name line and column.
pub fn parse(src: &SourceText) -> Result<Node> {
    let table = DeTable::parse(&src.text).map_err(|e| Error::toml(src, e.span(), e.message()))?;
    let origin = origin(src, 0);
    Ok(Node {
        value: table_value(src, table.get_ref()),
        origin,
    })
}

fn origin(src: &SourceText, offset: usize) -> Origin {
    let (line, column) = src.line_col(offset);
    Origin {
        file: src.display.clone(),
        line,
        column,
    }
}

fn table_value(src: &SourceText, t: &DeTable<'_>) -> Value {
    let map = t
        .iter()
        .map(|(k, v)| {
            let entry = Entry {
                key_origin: origin(src, k.span().start),
                node: node(src, v),
            };
            (k.get_ref().to_string(), entry)
        })
        .collect();
    Value::Table(map)
}

fn node(src: &SourceText, v: &Spanned<DeValue<'_>>) -> Node {
    let value = match v.get_ref() {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => {
            Value::Int(i64::from_str_radix(i.as_str(), i.radix()).unwrap_or(i64::MAX))
        }
        DeValue::Float(f) => Value::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(a) => Value::Array(a.iter().map(|x| node(src, x)).collect()),
        DeValue::Table(t) => table_value(src, t),
    };
    Node {
        value,
        origin: origin(src, v.span().start),
    }
}

/// Layers `over` on top of `base`: tables merge key by key, arrays of
/// tables (`[[bans.deny]]`, `[[waivers]]`) accumulate base entries first,
/// and every other value (scalars, plain arrays) is replaced by `over`.
pub fn merge(base: Node, over: Node) -> Node {
    match (base.value, over.value) {
        (Value::Table(mut b), Value::Table(o)) => {
            for (k, entry) in o {
                let merged = match b.remove(&k) {
                    Some(old) => Entry {
                        key_origin: entry.key_origin,
                        node: merge(old.node, entry.node),
                    },
                    None => entry,
                };
                b.insert(k, merged);
            }
            Node {
                value: Value::Table(b),
                origin: over.origin,
            }
        }
        // An empty array cannot wipe a baseline's tables (`deny = []`).
        (Value::Array(mut b), Value::Array(o))
            if is_tables(&b) && (o.is_empty() || is_tables(&o)) =>
        {
            b.extend(o);
            Node {
                value: Value::Array(b),
                origin: over.origin,
            }
        }
        (_, value) => Node {
            value,
            origin: over.origin,
        },
    }
}

fn is_tables(a: &[Node]) -> bool {
    !a.is_empty() && a.iter().all(|n| matches!(n.value, Value::Table(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(name: &str, text: &str) -> Node {
        parse(&SourceText::new(name, text.to_string())).unwrap()
    }

    #[test]
    fn merge_rules() {
        let base = tree(
            "base.toml",
            "fail-on = \"warn\"\n[sources]\nallow-registries = [\"a\"]\ngit = \"deny\"\n[[bans.deny]]\ncrate = \"x\"\n",
        );
        let over = tree(
            "repo.toml",
            "[sources]\nallow-registries = [\"b\"]\n[[bans.deny]]\ncrate = \"y\"\n",
        );
        let m = merge(base, over);
        assert_eq!(m.get("fail-on").unwrap().origin.file, "base.toml");
        let regs = m.at(&["sources", "allow-registries"]).unwrap();
        assert_eq!(regs.str_list(), vec!["b"]);
        assert_eq!(m.at(&["sources", "git"]).unwrap().as_str(), Some("deny"));
        let bans = m.at(&["bans", "deny"]).unwrap().as_array();
        let names: Vec<_> = bans
            .iter()
            .map(|b| b.get("crate").unwrap().as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["x", "y"]);
        assert_eq!(bans[1].origin.file, "repo.toml");
    }
}

#[cfg(test)]
mod merge_regression {
    use super::*;

    /// An override's `deny = []` must not drop the baseline's bans.
    #[test]
    fn empty_array_does_not_wipe_baseline_tables() {
        let parse_named =
            |name: &str, text: &str| parse(&SourceText::new(name, text.to_string())).unwrap();
        let base = parse_named("base.toml", "[[bans.deny]]\ncrate = \"x\"\n");
        let over = parse_named("repo.toml", "[bans]\ndeny = []\n");
        let m = merge(base, over);
        assert_eq!(m.at(&["bans", "deny"]).unwrap().as_array().len(), 1);
    }
}
