//! Exposure: how a package reaches the built artifact. A package is
//! `normal` when some path from a workspace member uses only active normal
//! edges; otherwise `build-only` when some path avoids dev edges; otherwise
//! `dev-only`; otherwise `inactive-target` (every path crosses a `cfg`
//! that none of the selected `--target`s satisfy). Lockfile mode cannot
//! tell and says `unknown`.

use super::{DepKind, Graph};
use petgraph::Direction;
use petgraph::visit::EdgeRef;
use std::collections::VecDeque;

pub use crate::model::Exposure;

/// Rank of an edge: the least restrictive of its declarations.
fn edge_rank(decls: &[super::DepDecl]) -> Exposure {
    decls
        .iter()
        .map(|d| match (d.active, d.kind) {
            (false, _) => Exposure::InactiveTarget,
            (true, DepKind::Normal) => Exposure::Normal,
            (true, DepKind::Build) => Exposure::BuildOnly,
            (true, DepKind::Dev) => Exposure::DevOnly,
        })
        .min()
        .unwrap_or(Exposure::Normal)
}

/// Computes every package's exposure in place (metadata mode): the minimum,
/// over paths from members, of the maximum edge rank along the path.
pub fn compute(graph: &mut Graph) {
    let g = &mut graph.graph;
    let mut best: Vec<Option<Exposure>> = vec![None; g.node_count()];
    let mut queue = VecDeque::new();
    for ix in g.node_indices() {
        if g[ix].is_member {
            best[ix.index()] = Some(Exposure::Normal);
            queue.push_back(ix);
        }
    }
    // Labels only decrease and have four values, so this terminates fast.
    while let Some(ix) = queue.pop_front() {
        let Some(here) = best[ix.index()] else {
            continue;
        };
        for edge in g.edges_directed(ix, Direction::Outgoing) {
            let rank = here.max(edge_rank(&edge.weight().decls));
            let slot = &mut best[edge.target().index()];
            if slot.is_none_or(|old| rank < old) {
                *slot = Some(rank);
                queue.push_back(edge.target());
            }
        }
    }
    for ix in g.node_indices() {
        g[ix].exposure = best[ix.index()].unwrap_or(Exposure::InactiveTarget);
    }
}
