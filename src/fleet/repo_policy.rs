//! A scanned repository's own policy in a fleet scan. Ignored unless the
//! fleet policy says `[fleet] repo-policy = "tighten-only"`; then it is
//! read as data (size-limited, never a link), validated on its own, and
//! laid over the fleet policy by [`decide::tighten`](crate::decide::tighten),
//! which refuses every change that would let more through.

use super::discover::UnitDir;
use super::unit::{MAX_SMALL_FILE, read_bounded};
use crate::checks::fleet::{Config, RepoPolicy};
use crate::error::Result;
use crate::location::{SourceText, display_path};
use crate::model::Finding;
use crate::pipeline::Loaded;
use crate::policy::{DISCOVERY_NAMES, Policy};
use std::path::PathBuf;

/// The unit's policy file: in its directory, else up to its repository's root.
fn find(u: &UnitDir) -> Option<PathBuf> {
    u.dir
        .ancestors()
        .take_while(|d| d.starts_with(&u.repo_dir))
        .flat_map(|d| DISCOVERY_NAMES.iter().map(move |n| d.join(n)))
        .find(|p| std::fs::symlink_metadata(p).is_ok())
}

/// The unit's effective policy and the refused changes, when its
/// repository has a policy and the fleet policy lets it tighten.
pub fn layer(
    fleet: &Loaded,
    u: &UnitDir,
    workspace: &str,
) -> Result<Option<(Loaded, Vec<Finding>)>> {
    let cfg = fleet.configs.get::<Config>();
    if cfg.is_none_or(|c| c.repo_policy != RepoPolicy::TightenOnly) {
        return Ok(None);
    }
    let Some(path) = find(u) else {
        return Ok(None);
    };
    let shown = display_path(Some(&u.repo_dir), &path);
    let src = SourceText::new(shown.clone(), read_bounded(&path, &shown, MAX_SMALL_FILE)?);
    let schema = crate::registry::schema();
    let own = crate::policy::from_text(src.clone(), &schema)?;
    let (tree, refused) = crate::decide::tighten::tighten(
        &fleet.policy.tree,
        &own.tree,
        &crate::registry::all_fields(),
        crate::registry::rules(),
        workspace,
    );
    let mut layers = fleet.policy.layers.clone();
    layers.push(shown);
    let mut texts = fleet.policy.texts.clone();
    texts.push(src);
    let policy = Policy {
        tree,
        layers,
        texts,
    };
    Ok(Some((Loaded::new(policy), refused)))
}
