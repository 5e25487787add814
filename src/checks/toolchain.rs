//! Toolchain family: the pinned toolchain (`rust-toolchain.toml`) and the
//! members' `rust-version` must be at least the policy's `min-toolchain`;
//! and the pinned toolchain is matched against the advisory database's
//! `rust/` collection (std, cargo, rustdoc). Metadata mode only.

use super::{Check, Family, Needs, ScanContext};
use crate::graph::toolchain::Toolchain;
use crate::location::Location;
use crate::model::{Finding, PackageRef, Rule};
use crate::policy::reader::Reader;
use crate::policy::schema::{Field, Looser, Ty};

crate::rule!(
    BELOW_MINIMUM,
    "toolchain-below-minimum",
    "ToolchainBelowMinimum",
    "toolchain",
    Deny,
    true,
    "The pinned toolchain or a member's `rust-version` is below the policy's `min-toolchain`."
);
crate::rule!(
    TOOLCHAIN_ADVISORY,
    "toolchain-advisory",
    "ToolchainAdvisory",
    "toolchain",
    Deny,
    true,
    "The pinned Rust toolchain is affected by an advisory in the `rust/` collection."
);

pub const FAMILY: Family = Family::new::<ToolchainFamily>("toolchain", RULES, TOP);

const RULES: &[&Rule] = &[&BELOW_MINIMUM, &TOOLCHAIN_ADVISORY];

/// The family's top-level policy fields.
const TOP: &[Field] = &[Field::new(
    "min-toolchain",
    Ty::RustVersion,
    "lowest acceptable Rust version, e.g. \"1.85\" (toolchain-below-minimum)",
)
.looser(Looser::LowerVersion)];

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub min: Option<semver::Version>,
}

pub struct ToolchainFamily;

impl Check for ToolchainFamily {
    type Config = Config;

    fn config(root: &Reader<'_>) -> Config {
        Config {
            min: root
                .str("min-toolchain")
                .and_then(crate::model::channel_version),
        }
    }

    fn needs(_cfg: &Config) -> Needs {
        Needs {
            toolchain: true,
            ..Needs::default()
        }
    }

    fn check(ctx: &ScanContext<'_>, cfg: &Config, out: &mut Vec<Finding>) {
        if let Some(tc) = &ctx.graph.toolchain {
            pinned(ctx, cfg, tc, out);
        }
        if let Some(min) = &cfg.min {
            members(ctx, min, out);
        }
    }
}

fn finding(
    ctx: &ScanContext<'_>,
    rule: &'static Rule,
    subject: &str,
    krate: &str,
    at: Location,
    message: String,
    fix: String,
) -> Finding {
    let mut f = Finding::new(rule, &ctx.workspace, krate, subject, message, vec![at]);
    f.package = (!krate.is_empty()).then(|| PackageRef {
        name: krate.to_string(),
        version: String::new(),
        source: "toolchain".into(),
    });
    f.fix = Some(fix);
    f
}

/// The pinned toolchain: below the minimum, or affected by an advisory.
fn pinned(ctx: &ScanContext<'_>, cfg: &Config, tc: &Toolchain, out: &mut Vec<Finding>) {
    if let (Some(min), Some(v)) = (&cfg.min, &tc.version) {
        if v < min {
            let msg = format!(
                "the pinned toolchain {} is below the minimum {min}",
                tc.channel
            );
            out.push(finding(
                ctx,
                &BELOW_MINIMUM,
                "rust-toolchain",
                "",
                tc.location.clone(),
                msg,
                format!("pin `channel = \"{}.{}\"` or newer", min.major, min.minor),
            ));
        }
    }
    if let (Some(db), Some(v)) = (ctx.db, &tc.version) {
        for a in db
            .rust_advisories()
            .iter()
            .filter(|a| a.withdrawn.is_none())
        {
            if crate::advisories::matching::is_affected(a, v) {
                let msg = format!(
                    "the pinned toolchain {} is affected by {} ({}): {}",
                    tc.channel, a.id, a.package, a.title
                );
                let patched: Vec<&str> = a.patched.iter().map(|r| r.as_str()).collect();
                out.push(finding(
                    ctx,
                    &TOOLCHAIN_ADVISORY,
                    &a.id,
                    &a.package,
                    tc.location.clone(),
                    msg,
                    format!("pin a fixed toolchain ({})", patched.join(" or ")),
                ));
            }
        }
    }
}

/// Members whose `rust-version` is below the minimum.
fn members(ctx: &ScanContext<'_>, min: &semver::Version, out: &mut Vec<Finding>) {
    let g = ctx.graph;
    for (&member, manifest) in &g.manifests {
        let pkg = g.package(member);
        let Some(rv) = &pkg.rust_version else {
            continue;
        };
        if rv < min {
            let line = manifest
                .src
                .text
                .lines()
                .position(|l| l.trim_start().starts_with("rust-version"))
                .map_or(1, |i| i as u32 + 1);
            let at = Location {
                path: manifest.src.display.clone(),
                line,
                column: 1,
                label: "rust-version".into(),
            };
            let msg = format!(
                "`{}` declares rust-version {rv}, below the minimum {min}",
                pkg.name
            );
            out.push(finding(
                ctx,
                &BELOW_MINIMUM,
                &format!("rust-version:{}", pkg.name),
                &pkg.name,
                at,
                msg,
                format!("raise `rust-version` to \"{}.{}\"", min.major, min.minor),
            ));
        }
    }
}
