//! Typed reading of a validated policy through its declared fields. Every
//! key a family or stage reads goes through a [`Reader`], which knows the
//! [`Field`]s of its table: an undeclared key reads as unset and is logged
//! as such, and every read is logged, so a test proves that each declared
//! key is read and each key read is declared. Unset keys read as the
//! default their field declares.

use super::Policy;
use super::schema::{Field, Looser, Ty, Unset, join, parse_days};
use super::tree::{Node, Origin, Value};
use crate::date::Date;
use crate::location::Location;
use crate::model::Level;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// Which keys were read, by dotted path (`bans.deny[].crate`).
#[derive(Debug, Default)]
pub struct ReadLog {
    pub read: RefCell<BTreeSet<String>>,
    pub undeclared: RefCell<BTreeSet<String>>,
}

/// A table of the policy (or the root) and the fields declared for it.
#[derive(Clone)]
pub struct Reader<'a> {
    node: Option<&'a Node>,
    fields: &'a [Field],
    path: String,
    log: &'a ReadLog,
}

impl<'a> Reader<'a> {
    /// The root of `policy`, restricted to `fields`.
    pub fn root(policy: &'a Policy, fields: &'a [Field], log: &'a ReadLog) -> Reader<'a> {
        Reader {
            node: Some(&policy.tree),
            fields,
            path: String::new(),
            log,
        }
    }

    fn field(&self, key: &str) -> Option<&'a Field> {
        let full = join(&self.path, key);
        match self.fields.iter().find(|f| f.key == key) {
            Some(f) => {
                self.log.read.borrow_mut().insert(full);
                Some(f)
            }
            None => {
                self.log.undeclared.borrow_mut().insert(full);
                None
            }
        }
    }

    fn get(&self, key: &str) -> (Option<&'a Field>, Option<&'a Node>) {
        let field = self.field(key);
        let node = field.and(self.node).and_then(|n| n.get(key));
        (field, node)
    }

    /// Where this table was written.
    pub fn origin(&self) -> Option<&'a Origin> {
        self.node.map(|n| &n.origin)
    }

    /// This table's place as a finding location.
    pub fn location(&self, label: &str) -> Location {
        self.origin()
            .map_or_else(Location::default, |o| o.location(label))
    }

    /// Whether the key is written (a table that exists turns a check on).
    pub fn has(&self, key: &str) -> bool {
        self.get(key).1.is_some()
    }

    pub fn node(&self, key: &str) -> Option<&'a Node> {
        self.get(key).1
    }

    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key).1.and_then(Node::as_str)
    }

    /// A string as written, owned.
    pub fn string(&self, key: &str) -> Option<String> {
        self.str(key).map(str::to_string)
    }

    /// A [`Ty::OneOf`] option as written, else the declared default.
    pub fn option(&self, key: &str) -> Option<&'a str> {
        match self.get(key) {
            (_, Some(n)) => n.as_str(),
            (Some(f), None) => match f.looser {
                Looser::Order(default) => Some(default),
                _ => None,
            },
            _ => None,
        }
    }

    /// A level as written; `None` when unset.
    pub fn level(&self, key: &str) -> Option<Level> {
        self.str(key).and_then(Level::parse)
    }

    /// A level as written, else the declared default.
    pub fn level_or_default(&self, key: &str) -> Level {
        match self.get(key) {
            (_, Some(n)) => n.as_str().and_then(Level::parse).unwrap_or(Level::Deny),
            (Some(f), None) => match f.looser {
                Looser::Level(l) => l,
                _ => Level::Deny,
            },
            _ => Level::Deny,
        }
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key).1.map(|n| &n.value), Some(Value::Bool(true)))
    }

    pub fn float(&self, key: &str) -> Option<f64> {
        self.get(key).1.and_then(|n| match n.value {
            Value::Float(f) => Some(f),
            Value::Int(i) => Some(i as f64),
            _ => None,
        })
    }

    pub fn days(&self, key: &str) -> Option<i64> {
        self.str(key).and_then(parse_days)
    }

    pub fn date(&self, key: &str) -> Option<Date> {
        self.get(key).1.and_then(|n| match &n.value {
            Value::Str(s) | Value::Datetime(s) => Date::parse(s),
            _ => None,
        })
    }

    pub fn version_req(&self, key: &str) -> Option<semver::VersionReq> {
        self.str(key)
            .and_then(|v| semver::VersionReq::parse(v).ok())
    }

    /// A list as written; `None` when unset.
    pub fn list(&self, key: &str) -> Option<Vec<String>> {
        self.get(key).1.map(Node::str_list)
    }

    /// A list as written, else the declared default (empty without one).
    pub fn list_or_default(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            (_, Some(n)) => n.str_list(),
            (Some(f), None) => match f.looser {
                Looser::Added { unset, .. } | Looser::Removed { unset, .. } => match unset {
                    Unset::Default(items) => items.iter().map(|s| s.to_string()).collect(),
                    Unset::Empty | Unset::Unrestricted => Vec::new(),
                },
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// The list's entries with where each was written.
    pub fn items(&self, key: &str) -> Vec<(&'a str, &'a Origin)> {
        self.get(key)
            .1
            .map_or(&[][..], Node::as_array)
            .iter()
            .filter_map(|n| Some((n.as_str()?, &n.origin)))
            .collect()
    }

    /// `rule id = level` entries of a [`Ty::RuleLevels`] table.
    pub fn rule_levels(&self, key: &str) -> BTreeMap<String, Level> {
        match self.get(key).1.map(|n| &n.value) {
            Some(Value::Table(map)) => map
                .iter()
                .filter_map(|(k, e)| Some((k.clone(), Level::parse(e.node.as_str()?)?)))
                .collect(),
            _ => BTreeMap::new(),
        }
    }

    /// A sub-table, as a reader over its declared fields (unset: empty).
    pub fn table(&self, key: &str) -> Reader<'a> {
        let (field, node) = self.get(key);
        let fields = match field.map(|f| f.ty) {
            Some(Ty::Table(sub)) => sub,
            _ => &[],
        };
        Reader {
            node,
            fields,
            path: self.child_path(key, ""),
            log: self.log,
        }
    }

    /// The entries of an array of tables.
    pub fn tables(&self, key: &str) -> Vec<Reader<'a>> {
        let (field, node) = self.get(key);
        let fields = match field.map(|f| f.ty) {
            Some(Ty::Tables(sub)) => sub,
            _ => &[],
        };
        let path = self.child_path(key, "[]");
        node.map_or(&[][..], Node::as_array)
            .iter()
            .map(|n| Reader {
                node: Some(n),
                fields,
                path: path.clone(),
                log: self.log,
            })
            .collect()
    }

    fn child_path(&self, key: &str, suffix: &str) -> String {
        format!("{}{suffix}", join(&self.path, key))
    }
}
