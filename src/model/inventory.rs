//! The license inventory behind `depgate licenses`, as data: every package
//! with the expression it is judged by, where that came from and its
//! verdict under the policy, and every license with the packages that use
//! it. The licenses family builds it; the inventory renderers read it.

use super::exposure::LicenseData;
use serde::Serialize;

pub const INVENTORY_SCHEMA: &str = "depgate.licenses/v1";

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
