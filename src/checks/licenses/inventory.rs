//! The license inventory behind `depgate licenses`: every package with the
//! expression it is judged by, where that came from and its verdict under
//! the policy, and every license with the packages that use it. Data only;
//! `crate::report::inventory` renders it.

use super::config::LicensePolicy;
use super::resolve::{self, Origin, Parsed};
use super::{eval, skipped};
use crate::graph::Graph;
use crate::graph::license_data::LicenseData;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA: &str = "depgate.licenses/v1";

#[derive(Debug, Clone, Serialize)]
pub struct CrateRow {
    pub name: String,
    pub version: String,
    pub source: String,
    /// The expression judged (a clarification's, else the `license` field).
    pub license: Option<String>,
    /// `manifest`, `cargo-cache`, `clarify` or `none`.
    pub license_source: &'static str,
    /// The license requirements of the expression, e.g. `MIT`, `Apache-2.0 WITH LLVM-exception`.
    pub licenses: Vec<String>,
    /// `allowed`, `rejected`, `unknown`, `invalid` or `skipped` (unpublished member).
    pub status: &'static str,
    /// Why it is rejected, unknown or invalid.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LicenseRow {
    pub license: String,
    /// `name version` of the packages whose expression names it.
    pub crates: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Inventory {
    pub schema: &'static str,
    /// Workspace root relative to the repository root.
    pub workspace: String,
    /// Policy layers in merge order.
    pub policy: Vec<String>,
    /// Whether the policy has a `[licenses]` table; without one every
    /// valid expression is `allowed`.
    pub policy_has_licenses: bool,
    pub license_data: LicenseData,
    pub crates: Vec<CrateRow>,
    pub licenses: Vec<LicenseRow>,
}

pub fn build(g: &Graph, policy: &crate::policy::Policy) -> Inventory {
    let lp = LicensePolicy::from_policy(policy);
    let has = lp.is_some();
    let p = lp.unwrap_or_else(LicensePolicy::permissive);
    let mut crates = Vec::new();
    let mut by_license: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut used = eval::Used::default();
    let mut cache = resolve::ParseCache::default();
    let mut memo = eval::Memo::default();
    for (_, pkg) in g.packages() {
        let r = resolve::resolve(&p, g, pkg, &mut cache);
        let skip = skipped(&p, g, pkg);
        let license_source = match (&r.origin, &r.text) {
            (Origin::Declared, None) => "none",
            _ => r.source(g),
        };
        let (licenses, status, reason) = match &r.parsed {
            Parsed::Unknown(why) => (Vec::new(), "unknown", Some(why.clone())),
            Parsed::Invalid(err) => (Vec::new(), "invalid", Some(err.clone())),
            Parsed::Valid(e) | Parsed::Imprecise(e) => {
                let mut ids: Vec<String> = e.requirements().map(|r| r.req.to_string()).collect();
                ids.sort();
                ids.dedup();
                match memo.evaluate(&p, pkg, &r, e, &mut used) {
                    Ok(()) => (ids, "allowed", None),
                    Err(f) => (ids, "rejected", Some(f.reason)),
                }
            }
        };
        let key = format!("{} {}", pkg.name, pkg.version);
        for id in &licenses {
            by_license.entry(id.clone()).or_default().push(key.clone());
        }
        crates.push(CrateRow {
            name: pkg.name.clone(),
            version: pkg.version.to_string(),
            source: pkg.source.short(),
            license: r.text,
            license_source,
            licenses,
            status: if skip.is_some() { "skipped" } else { status },
            reason: skip.map(str::to_string).or(reason),
        });
    }
    let ver = |v: &str| semver::Version::parse(v).ok();
    crates.sort_by(|a, b| {
        (&a.name, ver(&a.version), &a.source).cmp(&(&b.name, ver(&b.version), &b.source))
    });
    let licenses = by_license
        .into_iter()
        .map(|(license, mut crates)| {
            crates.sort();
            crates.dedup();
            LicenseRow { license, crates }
        })
        .collect();
    Inventory {
        schema: SCHEMA,
        workspace: g.workspace_key(),
        policy: policy.layers.clone(),
        policy_has_licenses: has,
        license_data: g.license_data.clone(),
        crates,
        licenses,
    }
}
