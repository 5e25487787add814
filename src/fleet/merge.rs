//! `depgate fleet merge`: shard reports back into one fleet report. The
//! shards must be the N parts of one partition (each index once, none
//! missing, no unit twice) made by the same depgate, on the same day, with
//! the same advisory DB, policy and parameters; anything else is exit 2
//! naming the file and the reason. The aggregates are recomputed from the
//! units, so the result is byte-identical to an unsharded scan.

use super::aggregate::{self, Header};
use crate::error::{Error, Result};
use crate::model::fleet::{FLEET_SCHEMA, FleetReport, ShardInfo};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Largest fleet report read.
pub const MAX_REPORT: u64 = crate::input::MAX_FLEET_REPORT;

/// Reads a fleet report, naming the line and column of a JSON error.
pub fn read(path: &Path) -> Result<FleetReport> {
    let text = read_text(path)?;
    parse(&text, &path.display().to_string())
}

/// Parses a fleet report's text (its `schema` already checked, or not:
/// anything else fails here too); `shown` names it in errors.
pub fn parse(text: &str, shown: &str) -> Result<FleetReport> {
    let mut report: FleetReport = serde_json::from_str(text).map_err(|e| {
        let at = (e.line() as u32, (e.column() as u32).max(1));
        let msg = format!("invalid fleet report: {e}");
        Error::input(shown, at, "", msg)
    })?;
    if report.schema != FLEET_SCHEMA {
        let msg = format!("not a fleet report: `schema` is `{}`", report.schema);
        return Err(Error::input(shown, (1, 1), "schema", msg));
    }
    report.read_findings();
    Ok(report)
}

/// A fleet report's text, once its size and `schema` are checked.
pub fn read_text(path: &Path) -> Result<String> {
    let shown = path.display().to_string();
    let links = crate::input::Links::Follow;
    let text = crate::input::read_text(path, &shown, MAX_REPORT, links)?;
    #[derive(serde::Deserialize)]
    struct Schema {
        schema: Option<String>,
    }
    let schema = match serde_json::from_str::<Schema>(&text) {
        Ok(s) => s.schema,
        Err(e) if e.is_syntax() || e.is_eof() => {
            let at = (e.line() as u32, (e.column() as u32).max(1));
            return Err(Error::input(&shown, at, "", format!("invalid JSON: {e}")));
        }
        Err(_) => None,
    };
    if schema.as_deref() != Some(FLEET_SCHEMA) {
        let found = schema.map_or("none".to_string(), |s| format!("`{s}`"));
        let msg = format!("not a fleet report: `schema` is {found}, expected `{FLEET_SCHEMA}`");
        return Err(Error::input(&shown, (1, 1), "schema", msg));
    }
    Ok(text)
}

fn refuse(path: &Path, key: &str, msg: String) -> Error {
    Error::input(path.display().to_string(), (1, 1), key, msg)
}

/// Checks that `reports` are the complete shards of one scan, then merges.
pub fn merge(reports: Vec<(PathBuf, FleetReport)>) -> Result<FleetReport> {
    let Some((first_path, first)) = reports.first() else {
        return Err(Error::Usage("fleet merge: no shard reports given".into()));
    };
    let Some(first_shard) = first.shard else {
        return Err(refuse(first_path, "shard", "not a shard report (it has no `shard`): only the reports of `fleet scan --shard` are merged".into()));
    };
    let mut seen: BTreeMap<u32, &Path> = BTreeMap::new();
    let mut units: BTreeMap<&str, &Path> = BTreeMap::new();
    for (path, r) in &reports {
        let Some(s) = r.shard else {
            return Err(refuse(
                path,
                "shard",
                "not a shard report (it has no `shard`)".into(),
            ));
        };
        compatible(path, r, s, first_path, first)?;
        if let Some(other) = seen.insert(s.index, path) {
            let msg = format!("shard {}/{} is also {}", s.index, s.count, other.display());
            return Err(refuse(path, "shard.index", msg));
        }
        for u in &r.units {
            if let Some(other) = units.insert(u.path.as_str(), path) {
                let msg = format!(
                    "unit `{}` is also in {}: the shards overlap",
                    u.path,
                    other.display()
                );
                return Err(refuse(path, "units", msg));
            }
        }
    }
    if let Some(k) = (1..=first_shard.count).find(|k| !seen.contains_key(k)) {
        let msg = format!("shard {k}/{} is missing", first_shard.count);
        return Err(refuse(first_path, "shard", msg));
    }
    if units.len() != first_shard.discovered {
        let msg = format!(
            "the shards hold {} units but {} were discovered: a shard was scanned over a different tree",
            units.len(),
            first_shard.discovered
        );
        return Err(refuse(first_path, "shard.discovered", msg));
    }
    let header = Header {
        tool: first.tool.clone(),
        today: first.today.clone(),
        policy: first.policy.clone(),
        advisory_db: first.advisory_db.clone(),
        params: first.params.clone(),
        shard: None,
    };
    let all = reports.into_iter().flat_map(|(_, r)| r.units).collect();
    Ok(aggregate::build(header, all))
}

/// A shard report made by the same scan as the first one.
fn compatible(
    path: &Path,
    r: &FleetReport,
    s: ShardInfo,
    first_path: &Path,
    first: &FleetReport,
) -> Result<()> {
    let first_shard = first.shard.unwrap_or(s);
    if s.index == 0 || s.index > s.count {
        let msg = format!("shard index {} is outside 1..={}", s.index, s.count);
        return Err(refuse(path, "shard.index", msg));
    }
    same(
        path,
        first_path,
        "shard.count",
        &s.count,
        &first_shard.count,
    )?;
    same(
        path,
        first_path,
        "shard.discovered",
        &s.discovered,
        &first_shard.discovered,
    )?;
    same(path, first_path, "tool", &r.tool, &first.tool)?;
    same(path, first_path, "today", &r.today, &first.today)?;
    same(
        path,
        first_path,
        "advisory_db",
        &r.advisory_db,
        &first.advisory_db,
    )?;
    same(path, first_path, "policy", &r.policy, &first.policy)?;
    same(path, first_path, "params", &r.params, &first.params)?;
    Ok(())
}

fn same<T: PartialEq + serde::Serialize>(
    path: &Path,
    first: &Path,
    key: &str,
    a: &T,
    b: &T,
) -> Result<()> {
    if a == b {
        return Ok(());
    }
    let show = |v: &T| {
        let s = serde_json::to_string(v).unwrap_or_default();
        if s.len() > 120 {
            format!(
                "{}…",
                &s[..s.char_indices().nth(117).map_or(s.len(), |(i, _)| i)]
            )
        } else {
            s
        }
    };
    Err(refuse(
        path,
        key,
        format!(
            "made with a different `{key}` than {}: {} here, {} there",
            first.display(),
            show(a),
            show(b)
        ),
    ))
}
