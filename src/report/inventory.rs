//! Renderers for the license inventory (`depgate licenses`): human text,
//! JSON (`depgate.licenses/v1`) and CSV (RFC 4180), by crate or by license.

use crate::model::inventory::Inventory;
use std::fmt::Write;

/// `--format` of `depgate licenses`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InventoryFormat {
    Human,
    Json,
    Csv,
}

impl InventoryFormat {
    pub const NAMES: [&'static str; 3] = ["human", "json", "csv"];
}

impl std::str::FromStr for InventoryFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "human" => Ok(InventoryFormat::Human),
            "json" => Ok(InventoryFormat::Json),
            "csv" => Ok(InventoryFormat::Csv),
            _ => Err("expected one of: human, json, csv".into()),
        }
    }
}

/// `--by`: which table CSV holds, and which table human text shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InventoryBy {
    Crate,
    License,
}

impl InventoryBy {
    pub const NAMES: [&'static str; 2] = ["crate", "license"];
}

impl std::str::FromStr for InventoryBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "crate" => Ok(InventoryBy::Crate),
            "license" => Ok(InventoryBy::License),
            _ => Err("expected one of: crate, license".into()),
        }
    }
}

pub fn render(inv: &Inventory, format: InventoryFormat, by: Option<InventoryBy>) -> String {
    match format {
        InventoryFormat::Json => {
            let mut s = serde_json::to_string_pretty(inv).unwrap_or_default();
            s.push('\n');
            s
        }
        InventoryFormat::Csv => match by.unwrap_or(InventoryBy::Crate) {
            InventoryBy::Crate => csv_by_crate(inv),
            InventoryBy::License => csv_by_license(inv),
        },
        InventoryFormat::Human => human(inv, by),
    }
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn row(out: &mut String, cells: &[&str]) {
    let cells: Vec<String> = cells.iter().map(|c| field(c)).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

fn csv_by_crate(inv: &Inventory) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "name",
            "version",
            "source",
            "license",
            "license_source",
            "status",
            "reason",
        ],
    );
    for c in &inv.crates {
        row(
            &mut out,
            &[
                &c.name,
                &c.version,
                &c.source,
                c.license.as_deref().unwrap_or(""),
                c.license_source,
                c.status,
                c.reason.as_deref().unwrap_or(""),
            ],
        );
    }
    out
}

fn csv_by_license(inv: &Inventory) -> String {
    let mut out = String::new();
    row(&mut out, &["license", "count", "crates"]);
    for l in &inv.licenses {
        row(
            &mut out,
            &[
                &l.license,
                &l.crates.len().to_string(),
                &l.crates.join("; "),
            ],
        );
    }
    out
}

fn human(inv: &Inventory, by: Option<InventoryBy>) -> String {
    let mut out = String::new();
    let count = |s: &str| inv.crates.iter().filter(|c| c.status == s).count();
    let _ = writeln!(
        out,
        "{} packages, {} licenses; license data: {}{}",
        inv.crates.len(),
        inv.licenses.len(),
        inv.license_data.source,
        if inv.license_data.source == "cargo-cache" {
            format!(
                " ({} found, {} missing)",
                inv.license_data.found.len(),
                inv.license_data.missing.len()
            )
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "allowed {}, rejected {}, unknown {}, invalid {}, skipped {}{}",
        count("allowed"),
        count("rejected"),
        count("unknown"),
        count("invalid"),
        count("skipped"),
        if inv.policy_has_licenses {
            ""
        } else {
            " (the policy has no [licenses] table)"
        }
    );
    if by != Some(InventoryBy::Crate) {
        let _ = writeln!(out, "\nBy license:");
        for l in &inv.licenses {
            let _ = writeln!(
                out,
                "  {:<40} {:>5}  {}",
                l.license,
                l.crates.len(),
                l.crates.join(", ")
            );
        }
    }
    if by != Some(InventoryBy::License) {
        let _ = writeln!(out, "\nBy crate:");
        let width = inv
            .crates
            .iter()
            .map(|c| c.name.len() + c.version.len() + 1)
            .max()
            .unwrap_or(0);
        for c in &inv.crates {
            let id = format!("{} {}", c.name, c.version);
            let license = c.license.as_deref().unwrap_or("-");
            let reason = c
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {id:<width$}  {:<8} {license}{reason}", c.status);
        }
    }
    out
}
