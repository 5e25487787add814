//! Toolchain family: the pinned toolchain (`rust-toolchain.toml`) and the
//! members' `rust-version` must be at least the policy's `min-toolchain`;
//! and the pinned toolchain is matched against the advisory database's
//! `rust/` collection (std, cargo, rustdoc). Metadata mode only.

use super::{Family, ScanContext};
use crate::finding::{Finding, PackageRef};
use crate::location::Location;
use crate::policy::schema::{Field, Ty};

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

pub const FAMILY: Family = Family {
    name: "toolchain",
    policy: Some(Field::new(
        "min-toolchain",
        Ty::Str,
        "lowest acceptable Rust version, e.g. \"1.85\" (toolchain-below-minimum)",
    )),
    check,
};

fn finding(
    ctx: &ScanContext<'_>,
    rule: &'static crate::rules::Rule,
    subject: &str,
    krate: &str,
    at: Location,
    message: String,
    fix: String,
) -> Finding {
    let mut f = Finding::new(
        rule,
        &ctx.graph.workspace_key(),
        krate,
        subject,
        message,
        vec![at],
    );
    f.package = (!krate.is_empty()).then(|| PackageRef {
        name: krate.to_string(),
        version: String::new(),
        source: "toolchain".into(),
    });
    f.fix = Some(fix);
    f
}

fn check(ctx: &ScanContext<'_>, out: &mut Vec<Finding>) {
    let g = ctx.graph;
    let min = ctx
        .policy
        .tree
        .get("min-toolchain")
        .and_then(|n| n.as_str())
        .and_then(crate::graph::toolchain::channel_version);
    if let Some(tc) = &g.toolchain {
        if let (Some(min), Some(v)) = (&min, &tc.version) {
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
                .advisories
                .iter()
                .filter(|a| a.collection == "rust" && a.withdrawn.is_none())
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
    let Some(min) = min else { return };
    for (&member, manifest) in &g.manifests {
        let pkg = g.package(member);
        let Some(rv) = &pkg.rust_version else {
            continue;
        };
        if rv < &min {
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
