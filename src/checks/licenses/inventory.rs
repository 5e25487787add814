//! The license inventory behind `depgate licenses`: every package with the
//! expression it is judged by, where that came from and its verdict under
//! the policy, and every license with the packages that use it, as the
//! model's [`Inventory`]; the report module renders it.

use super::config::LicensePolicy;
use super::resolve::{self, Origin, Parsed};
use super::{eval, skipped};
use crate::graph::Graph;
use crate::model::inventory::{CrateRow, INVENTORY_SCHEMA, Inventory, LicenseRow};
use std::collections::BTreeMap;

/// The inventory of `g` under the `[licenses]` table `lp` (none: every
/// valid expression is allowed); `layers` names the policy.
pub fn build(g: &Graph, lp: Option<&LicensePolicy>, layers: &[String]) -> Inventory {
    let has = lp.is_some();
    let p = lp.cloned().unwrap_or_else(LicensePolicy::permissive);
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
        schema: INVENTORY_SCHEMA,
        workspace: g.workspace_key(),
        policy: layers.to_vec(),
        policy_has_licenses: has,
        license_data: g.license_data.clone(),
        crates,
        licenses,
    }
}
