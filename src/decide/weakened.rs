//! `policy-weakened`: in diff mode (`--base-ref`), a change to the
//! effective policy that lets more through is itself a finding, pointing
//! at the changed line. Nothing here knows a family: the comparison walks
//! the schema, and each [`Field`] says which direction is looser (a level
//! lowered, an option loosened, a window or threshold raised, a check
//! switched off, an allow entry added, a ban removed, ...). Default
//! `warn`; the `regulated` preset denies.

use crate::model::{Finding, Level, Rule};
use crate::policy::Policy;
use crate::policy::schema::{Field, Looser, Ty, Unset, join, parse_days};
use crate::policy::tree::{Node, Origin, Value};
use std::collections::BTreeMap;

crate::rule!(
    POLICY_WEAKENED,
    "policy-weakened",
    "PolicyWeakened",
    "diff",
    Warn,
    true,
    "A change to the policy since the base revision lets more through (diff mode)."
);

/// Compares the effective policies at the base revision and now, over the
/// top-level `fields`; `rules` give `[levels]` their defaults.
pub fn compare(
    base: &Policy,
    head: &Policy,
    fields: &[Field],
    rules: &[&Rule],
    workspace: &str,
) -> Vec<Finding> {
    let mut c = Comparison {
        workspace,
        rules,
        out: Vec::new(),
    };
    c.table(
        Some(&base.tree),
        Some(&head.tree),
        fields,
        "",
        &head.tree.origin,
    );
    c.out
}

struct Comparison<'a> {
    workspace: &'a str,
    rules: &'a [&'a Rule],
    out: Vec<Finding>,
}

/// A scalar's position on its looseness scale (higher is looser).
pub(super) fn rank(n: Option<&Node>, looser: Looser, ty: Ty) -> Option<f64> {
    let value = n.map(|n| &n.value);
    let number = |v: &Value| match (v, ty) {
        (Value::Float(f), _) => Some(*f),
        (Value::Int(i), _) => Some(*i as f64),
        (Value::Str(s), Ty::Duration) => parse_days(s).map(|d| d as f64),
        (Value::Str(s) | Value::Datetime(s), Ty::Date) => {
            crate::date::Date::parse(s).map(|d| d.days() as f64)
        }
        (Value::Str(s), _) => version_rank(s),
        _ => None,
    };
    match looser {
        Looser::Level(default) => {
            let l = n.and_then(Node::as_str).and_then(Level::parse);
            Some(-(l.unwrap_or(default) as i32 as f64))
        }
        Looser::Order(default) => {
            let Ty::OneOf(options) = ty else { return None };
            let s = n.and_then(Node::as_str).unwrap_or(default);
            options.iter().position(|o| *o == s).map(|p| p as f64)
        }
        Looser::Higher { unset_loosest } => match value {
            Some(v) => number(v),
            None if unset_loosest => Some(f64::INFINITY),
            None => Some(f64::NEG_INFINITY),
        },
        Looser::LowerVersion => Some(-value.and_then(number).unwrap_or(0.0)),
        Looser::Flag => Some(if matches!(value, Some(Value::Bool(true))) {
            0.0
        } else {
            1.0
        }),
        _ => None,
    }
}

/// A Rust release as one comparable number.
fn version_rank(s: &str) -> Option<f64> {
    let v = crate::model::channel_version(s)?;
    Some(v.major as f64 * 1e6 + v.minor as f64 * 1e3 + v.patch as f64)
}

/// A value as a message shows it.
pub(super) fn shown(n: Option<&Node>, looser: Looser) -> String {
    match (n.map(|n| &n.value), looser) {
        (Some(Value::Str(s) | Value::Datetime(s)), _) => s.clone(),
        (Some(Value::Int(i)), _) => i.to_string(),
        (Some(Value::Float(f)), _) => f.to_string(),
        (Some(Value::Bool(b)), _) => b.to_string(),
        (None, Looser::Level(l)) => l.as_str().to_string(),
        (None, Looser::Order(o)) => o.to_string(),
        _ => "unset".to_string(),
    }
}

/// The key of an array-of-tables entry: its key fields' values, `*` for unset.
fn entry_key(n: &Node, sub: &[Field]) -> String {
    let parts: Vec<String> = sub
        .iter()
        .filter(|f| f.looser == Looser::Key)
        .map(|f| match n.get(f.key).map(|v| &v.value) {
            Some(Value::Str(s)) => s.clone(),
            Some(Value::Array(_)) => n.get(f.key).map_or_else(Vec::new, Node::str_list).join(","),
            _ => "*".to_string(),
        })
        .collect();
    parts.join("/")
}

/// Entries of an array of tables by key (the first entry of a key wins).
pub(super) fn keyed<'n>(n: Option<&'n Node>, sub: &[Field]) -> BTreeMap<String, &'n Node> {
    let mut m = BTreeMap::new();
    for e in n.map_or(&[][..], Node::as_array) {
        m.entry(entry_key(e, sub)).or_insert(e);
    }
    m
}

pub(super) fn list(n: Option<&Node>, unset: Unset) -> Option<Vec<String>> {
    match (n, unset) {
        (Some(n), _) => Some(n.str_list()),
        (None, Unset::Unrestricted) => None,
        (None, Unset::Default(items)) => Some(items.iter().map(|s| s.to_string()).collect()),
        (None, Unset::Empty) => Some(Vec::new()),
    }
}

impl Comparison<'_> {
    fn push(&mut self, subject: String, message: String, at: &Origin, label: &str) {
        let mut f = Finding::new(
            &POLICY_WEAKENED,
            self.workspace,
            "",
            &subject,
            message,
            vec![at.location(label)],
        );
        f.fix = Some("get the change reviewed by the policy owners, or revert it".into());
        self.out.push(f);
    }

    /// Compares two tables field by field; `at` is where the head table is.
    fn table(
        &mut self,
        b: Option<&Node>,
        h: Option<&Node>,
        fields: &[Field],
        path: &str,
        at: &Origin,
    ) {
        for f in fields {
            let (bn, hn) = (b.and_then(|n| n.get(f.key)), h.and_then(|n| n.get(f.key)));
            let p = join(path, f.key);
            let here = hn.map_or(at, |n| &n.origin);
            match f.ty {
                Ty::Table(sub) => self.table(bn, hn, sub, &p, here),
                Ty::Tables(sub) => self.entries(bn, hn, f.looser, sub, &p, here),
                Ty::RuleLevels => self.levels(bn, hn, here),
                Ty::StrList | Ty::SpdxList => self.list(bn, hn, f.looser, &p, here),
                ty => self.scalar(bn, hn, f.looser, ty, &p, here),
            }
        }
    }

    fn scalar(
        &mut self,
        b: Option<&Node>,
        h: Option<&Node>,
        looser: Looser,
        ty: Ty,
        path: &str,
        at: &Origin,
    ) {
        let (Some(was), Some(now)) = (rank(b, looser, ty), rank(h, looser, ty)) else {
            return;
        };
        if now <= was {
            return;
        }
        let (was, now) = (shown(b, looser), shown(h, looser));
        let change = match looser {
            Looser::Level(_) | Looser::LowerVersion => "lowered",
            Looser::Higher { .. } => "raised",
            Looser::Flag => "switched off",
            _ => "loosened",
        };
        let message = if looser == Looser::Flag {
            format!("`{path}` was switched off")
        } else {
            format!("`{path}` was {change} from {was} to {now}")
        };
        self.push(
            path.to_string(),
            message,
            at,
            path.rsplit('.').next().unwrap_or(path),
        );
    }

    fn list(
        &mut self,
        b: Option<&Node>,
        h: Option<&Node>,
        looser: Looser,
        path: &str,
        at: &Origin,
    ) {
        let (added, label, unset) = match looser {
            Looser::Added { label, unset } => (true, label, unset),
            Looser::Removed { label, unset } => (false, label, unset),
            _ => return,
        };
        let (before, after) = (list(b, unset), list(h, unset));
        let key = path.rsplit('.').next().unwrap_or(path);
        match (before, after) {
            (Some(_), None) if added => {
                let msg = format!("`{path}` was removed: nothing is restricted any more");
                self.push(format!("{label}:*"), msg, at, key);
            }
            (Some(before), Some(after)) => {
                let (from, to) = if added {
                    (&before, &after)
                } else {
                    (&after, &before)
                };
                for item in to.iter().filter(|x| !from.contains(x)) {
                    let verb = if added { "added to" } else { "removed from" };
                    let msg = format!("`{item}` was {verb} `{path}`");
                    self.push(format!("{label}:{item}"), msg, at, key);
                }
            }
            _ => {}
        }
    }

    fn entries(
        &mut self,
        b: Option<&Node>,
        h: Option<&Node>,
        looser: Looser,
        sub: &[Field],
        path: &str,
        at: &Origin,
    ) {
        let (before, after) = (keyed(b, sub), keyed(h, sub));
        for (key, e) in &after {
            match before.get(key) {
                Some(old) => self.table(
                    Some(old),
                    Some(e),
                    sub,
                    &format!("{path}[{key}]"),
                    &e.origin,
                ),
                None => {
                    if let Looser::Added { label, .. } = looser {
                        let msg = format!("a {label} was added: `{key}`");
                        self.push(
                            format!("{label}:{key}"),
                            msg,
                            &e.origin,
                            &format!("new {label}"),
                        );
                    }
                }
            }
        }
        if let Looser::Removed { label, .. } = looser {
            for key in before.keys().filter(|k| !after.contains_key(*k)) {
                let msg = format!("a {label} was removed: `{key}`");
                let tail = path.rsplit('.').next().unwrap_or(path);
                self.push(format!("{label}:{key}"), msg, at, tail);
            }
        }
    }

    /// `[levels]`: a rule's effective level lowered from the base's (or the
    /// rule's default).
    fn levels(&mut self, b: Option<&Node>, h: Option<&Node>, at: &Origin) {
        let level = |n: Option<&Node>, id: &str| {
            n.and_then(|n| n.get(id))
                .and_then(Node::as_str)
                .and_then(Level::parse)
        };
        for rule in self.rules {
            let was = level(b, rule.id).unwrap_or(rule.default_level);
            let now = level(h, rule.id).unwrap_or(rule.default_level);
            if now < was {
                let origin = h
                    .and_then(|n| n.get(rule.id))
                    .map_or(at, |n| &n.origin)
                    .clone();
                let msg = format!(
                    "`{}` was lowered from {} to {}",
                    rule.id,
                    was.as_str(),
                    now.as_str()
                );
                self.push(format!("level:{}", rule.id), msg, &origin, "level");
            }
        }
    }
}
