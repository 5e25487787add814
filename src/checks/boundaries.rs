//! Boundaries family: `[[boundaries]]` forbids crates under selected
//! workspace members, directly or transitively (the most requested
//! cargo-deny feature). Members are selected by name or by their directory
//! relative to the workspace root, with `*` wildcards. Dev-dependency
//! edges do not count: they never reach the member's build.

use super::{Check, Family, ScanContext};
use crate::graph::DepKind;
use crate::location::Location;
use crate::model::{Finding, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{Field, Looser, Ty, Unset};
use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, VecDeque};

crate::rule!(
    VIOLATION,
    "boundary-violation",
    "BoundaryViolation",
    "boundaries",
    Deny,
    false,
    "A crate forbidden by a `[[boundaries]]` entry is reachable from one of its members."
);

pub const FAMILY: Family = Family::new::<Boundaries>("boundaries", RULES, TOP);

const RULES: &[&Rule] = &[&VIOLATION];

/// The family's top-level policy fields.
const TOP: &[Field] = &[Field::new(
    "boundaries",
    Ty::Tables(FIELDS),
    "crates forbidden under selected workspace members",
)
.looser(Looser::Removed {
    label: "boundary",
    unset: Unset::Empty,
})];

const FIELDS: &[Field] = &[
    Field::required(
        "members",
        Ty::StrList,
        "member names or directories (relative to the workspace root); `*` matches any run of characters",
    )
    .key_part(),
    Field::required(
        "deny",
        Ty::StrList,
        "crates these members must not depend on, directly or transitively",
    )
    .looser(Looser::Removed {
        label: "boundary crate",
        unset: Unset::Empty,
    }),
    Field::new("reason", Ty::Str, "why"),
];

/// One `[[boundaries]]` entry.
#[derive(Debug, Clone)]
pub struct Boundary {
    pub members: Vec<String>,
    pub deny: Vec<String>,
    pub reason: Option<String>,
    pub at: Location,
}

pub struct Boundaries;

impl Check for Boundaries {
    type Config = Vec<Boundary>;

    fn config(root: &Reader<'_>) -> Vec<Boundary> {
        root.tables("boundaries")
            .iter()
            .map(|e| Boundary {
                members: e.list_or_default("members"),
                deny: e.list_or_default("deny"),
                reason: e.string("reason"),
                at: e.location("boundary"),
            })
            .collect()
    }

    fn check(ctx: &ScanContext<'_>, cfg: &Vec<Boundary>, out: &mut Vec<Finding>) {
        for b in cfg {
            check(ctx, b, out);
        }
    }
}

/// `*` matches any run of characters; everything else literally.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(pos) = rest.find(part) else {
                return false;
            };
            rest = &rest[pos + part.len()..];
        }
    }
    true
}

/// Shortest non-dev path from `from` to each reachable package.
fn reach(ctx: &ScanContext<'_>, from: NodeIndex) -> BTreeMap<NodeIndex, NodeIndex> {
    let g = &ctx.graph.graph;
    let mut prev = BTreeMap::from([(from, from)]);
    let mut queue = VecDeque::from([from]);
    while let Some(cur) = queue.pop_front() {
        for e in g.edges_directed(cur, Direction::Outgoing) {
            let decls = &e.weight().decls;
            if !decls.is_empty() && decls.iter().all(|d| d.kind == DepKind::Dev) {
                continue;
            }
            if let std::collections::btree_map::Entry::Vacant(slot) = prev.entry(e.target()) {
                slot.insert(cur);
                queue.push_back(e.target());
            }
        }
    }
    prev
}

fn check(ctx: &ScanContext<'_>, b: &Boundary, out: &mut Vec<Finding>) {
    let g = ctx.graph;
    for m in g.members() {
        let pkg = g.package(m);
        let dir = pkg
            .manifest_path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|d| crate::location::display_path(Some(&g.workspace_root), d))
            .unwrap_or_default();
        if !b
            .members
            .iter()
            .any(|p| glob(p, &pkg.name) || glob(p, &dir))
        {
            continue;
        }
        let prev = reach(ctx, m);
        for (&ix, _) in prev
            .iter()
            .filter(|(ix, _)| b.deny.contains(&g.package(**ix).name) && **ix != m)
        {
            let mut path = vec![ix];
            let mut cur = ix;
            while cur != m {
                cur = prev[&cur];
                path.push(cur);
            }
            path.reverse();
            let target = g.package(ix);
            let mut msg = format!(
                "`{}` must not depend on `{}`, but does: {}",
                pkg.name,
                target.name,
                g.path_string(&path)
            );
            if let Some(r) = &b.reason {
                msg.push_str(&format!(" ({r})"));
            }
            let mut f = ctx.package_finding(
                &VIOLATION,
                ix,
                &format!("{}>{}", pkg.name, target.name),
                msg,
            );
            f.paths = vec![g.path_string(&path)];
            f.paths_from = None;
            f.locations.push(b.at.clone());
            f.fix = Some(match path.get(1) {
                Some(&first) if first != ix => format!(
                    "remove `{}` from `{}`, or the dependency on `{}` from it",
                    target.name,
                    pkg.name,
                    g.package(first).name
                ),
                _ => format!(
                    "remove the dependency on `{}` from `{}`",
                    target.name, pkg.name
                ),
            });
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn globs() {
        use super::glob;
        assert!(glob("crates/core-*", "crates/core-db") && !glob("crates/core-*", "crates/app"));
        assert!(
            glob("*", "x")
                && glob("app", "app")
                && !glob("app", "app2")
                && glob("*-core", "fixture-core")
        );
    }
}
