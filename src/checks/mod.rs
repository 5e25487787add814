//! Check families: each evaluates the graph against its part of the policy
//! and emits findings. A check never prints and never decides the final
//! level; it emits data for the decide stage.
//!
//! Each family is one [`Family`] descriptor, listed once in [`FAMILIES`]:
//! its rules, its policy tables, what it needs loaded, how its typed
//! configuration is read and its check. Everything else (the rule list,
//! the policy schema, `policy keys`, the `policy-weakened` comparison,
//! whether a run needs the index cache) is derived from these.

pub mod advisories;
pub mod artifacts;
pub mod bans;
pub mod boundaries;
pub mod duplicates;
pub mod fleet;
pub mod licenses;
pub mod maintenance;
pub mod requirements;
pub mod semver;
pub mod sources;
pub mod toolchain;

mod context;

pub use context::{ScanContext, fill_paths};

use crate::model::{Finding, Rule};
use crate::policy::Policy;
use crate::policy::reader::{ReadLog, Reader};
use crate::policy::schema::{Field, Ty};
use std::any::Any;

/// What a family needs loaded besides the graph and the advisory DB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    /// Yanked status and publish dates from the local cargo index cache.
    pub index_cache: bool,
    /// License fields (metadata mode, or `--license-data cargo-cache`).
    pub license_data: bool,
    /// `rust-toolchain(.toml)` and members' `rust-version`.
    pub toolchain: bool,
}

impl Needs {
    fn union(self, other: Needs) -> Needs {
        Needs {
            index_cache: self.index_cache || other.index_cache,
            license_data: self.license_data || other.license_data,
            toolchain: self.toolchain || other.toolchain,
        }
    }
}

/// One family's behaviour: its typed configuration and its check.
pub trait Check {
    type Config: Send + Sync + 'static;
    /// Reads the configuration from a validated policy; `root` knows only
    /// the family's own fields.
    fn config(root: &Reader<'_>) -> Self::Config;
    /// What this configuration needs loaded.
    fn needs(_cfg: &Self::Config) -> Needs {
        Needs::default()
    }
    fn check(ctx: &ScanContext<'_>, cfg: &Self::Config, out: &mut Vec<Finding>);
}

type AnyConfig = Box<dyn Any + Send + Sync>;

/// A family's descriptor.
pub struct Family {
    pub name: &'static str,
    pub rules: &'static [&'static Rule],
    /// The top-level policy fields the family owns (usually its table).
    pub fields: &'static [Field],
    config: fn(&Reader<'_>) -> AnyConfig,
    needs: fn(&(dyn Any + Send + Sync)) -> Needs,
    check: fn(&ScanContext<'_>, &(dyn Any + Send + Sync), &mut Vec<Finding>),
}

impl Family {
    pub const fn new<C: Check>(
        name: &'static str,
        rules: &'static [&'static Rule],
        fields: &'static [Field],
    ) -> Family {
        Family {
            name,
            rules,
            fields,
            config: config_of::<C>,
            needs: needs_of::<C>,
            check: check_of::<C>,
        }
    }

    /// Whether the family's table takes its own `exposure` caps.
    pub fn takes_exposure(&self) -> bool {
        self.fields.iter().any(|f| {
            f.key == self.name
                && matches!(f.ty, Ty::Table(sub) if sub.iter().any(|s| s.key == "exposure"))
        })
    }
}

fn config_of<C: Check>(root: &Reader<'_>) -> AnyConfig {
    Box::new(C::config(root))
}

fn needs_of<C: Check>(cfg: &(dyn Any + Send + Sync)) -> Needs {
    cfg.downcast_ref::<C::Config>()
        .map_or_else(Needs::default, C::needs)
}

fn check_of<C: Check>(
    ctx: &ScanContext<'_>,
    cfg: &(dyn Any + Send + Sync),
    out: &mut Vec<Finding>,
) {
    if let Some(cfg) = cfg.downcast_ref::<C::Config>() {
        C::check(ctx, cfg, out);
    }
}

/// Every check family, in report order. A new family is one line here.
pub const FAMILIES: &[Family] = &[
    advisories::FAMILY,
    sources::FAMILY,
    bans::FAMILY,
    duplicates::FAMILY,
    requirements::FAMILY,
    maintenance::FAMILY,
    toolchain::FAMILY,
    boundaries::FAMILY,
    licenses::FAMILY,
    fleet::FAMILY,
    artifacts::FAMILY,
    semver::FAMILY,
];

/// Every family's typed configuration, read once from a validated policy.
pub struct Configs {
    items: Vec<AnyConfig>,
}

impl Configs {
    pub fn new(policy: &Policy, log: &ReadLog) -> Configs {
        let items = FAMILIES
            .iter()
            .map(|f| (f.config)(&Reader::root(policy, f.fields, log)))
            .collect();
        Configs { items }
    }

    /// The configuration of type `C` (each family has its own type).
    pub fn get<C: 'static>(&self) -> Option<&C> {
        self.items.iter().find_map(|c| c.downcast_ref::<C>())
    }

    /// What the families, so configured, need loaded.
    pub fn needs(&self) -> Needs {
        FAMILIES
            .iter()
            .zip(&self.items)
            .fold(Needs::default(), |n, (f, c)| n.union((f.needs)(c.as_ref())))
    }

    /// Runs the family named `name` alone (benchmarks, tests).
    pub fn run_family(&self, name: &str, ctx: &ScanContext<'_>, out: &mut Vec<Finding>) {
        for (family, cfg) in FAMILIES.iter().zip(&self.items) {
            if family.name == name {
                (family.check)(ctx, cfg.as_ref(), out);
            }
        }
    }
}

/// Runs every family; findings come back sorted.
pub fn run_all(ctx: &ScanContext<'_>, configs: &Configs) -> Vec<Finding> {
    // Families emit up to a few findings a package (most of them counted
    // ones at `allow`): reserved once rather than copied at every doubling.
    let mut out = Vec::with_capacity(64 + ctx.graph.graph.node_count() * 2);
    for (family, cfg) in FAMILIES.iter().zip(&configs.items) {
        (family.check)(ctx, cfg.as_ref(), &mut out);
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}
