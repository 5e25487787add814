//! Tighten-only layering (`[fleet] repo-policy = "tighten-only"`): a
//! scanned repository's own policy laid over the fleet policy, where every
//! change that would let more through is refused, reported as
//! `policy-weakened` at the repository's line, and the fleet's value stays
//! in force. The same per-field "looser" direction as the diff-mode
//! comparison decides: a level may only rise, an allow-list only shrink, a
//! ban list only grow, a window only shorten; no waiver or other allowing
//! entry may be added. `extends` and the `[fleet]` table are refused.

use super::weakened::{POLICY_WEAKENED, keyed, list, rank, shown};
use crate::model::{Finding, Level, Rule};
use crate::policy::schema::{Field, Looser, Ty, join};
use crate::policy::tree::{Entry, Node, Origin, Value};

/// The fleet tree `base` with the allowed parts of `over` applied, and the
/// refusals. `fields` are the top-level schema fields.
pub fn tighten(
    base: &Node,
    over: &Node,
    fields: &[Field],
    rules: &[&Rule],
    workspace: &str,
) -> (Node, Vec<Finding>) {
    let mut t = Tightening {
        rules,
        workspace,
        refused: Vec::new(),
    };
    for key in ["extends", "fleet"] {
        if let Some(n) = over.get(key) {
            let msg = format!("`{key}` is not allowed in a repository policy");
            t.refuse(key, msg, &n.origin);
        }
    }
    let fields: Vec<Field> = fields
        .iter()
        .filter(|f| f.key != "fleet")
        .copied()
        .collect();
    let node = t.table(base, over, &fields, "");
    (node, t.refused)
}

struct Tightening<'a> {
    rules: &'a [&'a Rule],
    workspace: &'a str,
    refused: Vec<Finding>,
}

fn table_of(n: &Node) -> std::collections::BTreeMap<String, Entry> {
    match &n.value {
        Value::Table(t) => t.clone(),
        _ => Default::default(),
    }
}

fn set(map: &mut std::collections::BTreeMap<String, Entry>, key: &str, node: Node) {
    let key_origin = node.origin.clone();
    map.insert(key.to_string(), Entry { key_origin, node });
}

impl Tightening<'_> {
    fn refuse(&mut self, subject: &str, message: String, at: &Origin) {
        let mut f = Finding::new(
            &POLICY_WEAKENED,
            self.workspace,
            "",
            &format!("repo-policy:{subject}"),
            format!("{message}: refused, the fleet policy's value stays in force"),
            vec![at.location("repository policy")],
        );
        f.fix = Some("change the fleet policy instead, or remove the line".into());
        self.refused.push(f);
    }

    /// `base` with the allowed keys of `over`, field by field.
    fn table(&mut self, base: &Node, over: &Node, fields: &[Field], path: &str) -> Node {
        let mut out = table_of(base);
        for f in fields {
            let Some(o) = over.get(f.key) else { continue };
            let b = base.get(f.key);
            let p = join(path, f.key);
            let empty = Node {
                value: Value::Table(Default::default()),
                origin: o.origin.clone(),
            };
            let merged = match f.ty {
                Ty::Table(sub) => Some(self.table(b.unwrap_or(&empty), o, sub, &p)),
                Ty::Tables(sub) => Some(self.entries(b, o, f.looser, sub, &p)),
                Ty::RuleLevels => Some(self.levels(b.unwrap_or(&empty), o)),
                Ty::StrList | Ty::SpdxList => self.list(b, o, f.looser, &p),
                ty => self.scalar(b, o, f.looser, ty, &p),
            };
            if let Some(node) = merged {
                set(&mut out, f.key, node);
            }
        }
        Node {
            value: Value::Table(out),
            origin: base.origin.clone(),
        }
    }

    /// A scalar applies when it is not looser than the fleet's.
    fn scalar(
        &mut self,
        b: Option<&Node>,
        o: &Node,
        looser: Looser,
        ty: Ty,
        path: &str,
    ) -> Option<Node> {
        let (Some(was), Some(now)) = (rank(b, looser, ty), rank(Some(o), looser, ty)) else {
            // Not a gate setting (a reason, a path): the fleet's stays.
            return None;
        };
        if now <= was {
            return Some(o.clone());
        }
        let msg = format!(
            "`{path}` would loosen from {} to {}",
            shown(b, looser),
            shown(Some(o), looser)
        );
        self.refuse(path, msg, &o.origin);
        None
    }

    /// An allow-list may only lose entries; a ban list only gain them.
    fn list(&mut self, b: Option<&Node>, o: &Node, looser: Looser, path: &str) -> Option<Node> {
        match looser {
            Looser::Added { unset, .. } => {
                let Some(allowed) = list(b, unset) else {
                    return Some(o.clone());
                };
                let mut kept = Vec::new();
                for item in o.as_array() {
                    match item.as_str() {
                        Some(s) if allowed.iter().any(|a| a == s) => kept.push(item.clone()),
                        _ => {
                            let msg = format!("adding `{}` to `{path}`", shown(Some(item), looser));
                            self.refuse(path, msg, &item.origin);
                        }
                    }
                }
                Some(Node {
                    value: Value::Array(kept),
                    origin: o.origin.clone(),
                })
            }
            Looser::Removed { .. } => {
                let mut all: Vec<Node> = b.map_or(&[][..], Node::as_array).to_vec();
                for item in o.as_array() {
                    if !all.iter().any(|a| a.as_str() == item.as_str()) {
                        all.push(item.clone());
                    }
                }
                Some(Node {
                    value: Value::Array(all),
                    origin: o.origin.clone(),
                })
            }
            _ => None,
        }
    }

    /// Arrays of tables: the fleet's entries stay; an entry with the same
    /// key is tightened field by field; a new entry applies only where
    /// adding one makes the policy stricter (a ban).
    fn entries(
        &mut self,
        b: Option<&Node>,
        o: &Node,
        looser: Looser,
        sub: &[Field],
        path: &str,
    ) -> Node {
        let before = keyed(b, sub);
        let base_entries = b.map_or(&[][..], Node::as_array);
        let mut out: Vec<Node> = base_entries.to_vec();
        for (key, e) in keyed(Some(o), sub) {
            let p = format!("{path}[{key}]");
            match before.get(&key) {
                Some(old) => {
                    let merged = self.table(old, e, sub, &p);
                    if let Some(i) = base_entries.iter().position(|n| std::ptr::eq(n, *old)) {
                        out[i] = merged;
                    }
                }
                None if matches!(looser, Looser::Added { .. }) => {
                    let label = match looser {
                        Looser::Added { label, .. } => label,
                        _ => "entry",
                    };
                    self.refuse(&p, format!("adding a {label} `{key}`"), &e.origin);
                }
                None => out.push(e.clone()),
            }
        }
        Node {
            value: Value::Array(out),
            origin: o.origin.clone(),
        }
    }

    /// `[levels]`: a rule's level may only rise above the fleet's.
    fn levels(&mut self, base: &Node, over: &Node) -> Node {
        let mut out = table_of(base);
        let level = |n: &Node, id: &str| n.get(id).and_then(Node::as_str).and_then(Level::parse);
        for rule in self.rules {
            let Some(o) = over.get(rule.id) else { continue };
            let was = level(base, rule.id).unwrap_or(rule.default_level);
            let Some(now) = level(over, rule.id) else {
                continue;
            };
            if now >= was {
                set(&mut out, rule.id, o.clone());
            } else {
                let msg = format!(
                    "`levels.{}` would lower from {} to {}",
                    rule.id,
                    was.as_str(),
                    now.as_str()
                );
                self.refuse(&format!("levels.{}", rule.id), msg, &o.origin);
            }
        }
        Node {
            value: Value::Table(out),
            origin: base.origin.clone(),
        }
    }
}
