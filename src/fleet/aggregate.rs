//! Fleet aggregates, computed from the unit records alone (their packages
//! and their reports' findings) and the policy parameters the report
//! carries. `fleet scan` and `fleet merge` both build the report here, so
//! a merge of shards equals an unsharded run byte for byte.

use crate::model::fleet::*;
use crate::model::{EXIT_ERROR, EXIT_FAIL, EXIT_PASS, Level};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Everything but the aggregates: the report's header.
pub struct Header {
    pub tool: FleetTool,
    pub today: String,
    pub policy: FleetPolicy,
    pub advisory_db: Option<serde_json::Value>,
    pub params: FleetParams,
    pub shard: Option<ShardInfo>,
}

/// The fleet report of `units` (sorted here by path).
pub fn build(header: Header, mut units: Vec<UnitRecord>) -> FleetReport {
    units.sort_by(|a, b| a.path.cmp(&b.path));
    let findings: Vec<&[FindingLite]> = units.iter().map(|u| u.findings.as_slice()).collect();
    let ((drift, inventory), ((advisories, advisory_severity), summary)) = rayon::join(
        || {
            let uses = uses(&units);
            (drift(&uses, &header.params), inventory(&uses))
        },
        || (advisories(&units, &findings), summary(&units, &findings)),
    );
    let fleet_findings = drift_findings(&drift, &units, &header.params);
    let fail_on = Level::parse(&header.params.fail_on).unwrap_or(Level::Deny);
    let fleet_failed = fleet_findings
        .iter()
        .any(|f| Level::parse(&f.level).is_some_and(|l| l >= fail_on));
    let exit_code = if summary.errors > 0 {
        EXIT_ERROR
    } else if summary.failed > 0 || fleet_failed {
        EXIT_FAIL
    } else {
        EXIT_PASS
    };
    FleetReport {
        schema: FLEET_SCHEMA.to_string(),
        tool: header.tool,
        today: header.today,
        policy: header.policy,
        advisory_db: header.advisory_db,
        shard: header.shard,
        summary,
        verdict: FleetVerdict { exit_code },
        findings: fleet_findings,
        advisories,
        advisory_severity,
        drift,
        toolchains: toolchains(&units, &header.params),
        licenses: licenses(&units),
        inventory,
        params: header.params,
        units,
    }
}

fn summary(units: &[UnitRecord], findings: &[&[FindingLite]]) -> FleetSummary {
    let repos: BTreeSet<&str> = units.iter().map(|u| u.repository.as_str()).collect();
    let mut s = FleetSummary {
        repositories: repos.len(),
        units: units.len(),
        ..FleetSummary::default()
    };
    for u in units {
        match u.exit_code {
            EXIT_PASS => s.passed += 1,
            EXIT_FAIL => s.failed += 1,
            _ => s.errors += 1,
        }
    }
    for f in findings.iter().flat_map(|f| f.iter()) {
        match f.level.as_str() {
            "deny" => s.deny += 1,
            "warn" => s.warn += 1,
            "info" => s.info += 1,
            _ => {}
        }
    }
    s
}

/// A version's sort key: semver order, then the text.
type VersionKey = (Option<semver::Version>, String);

/// A version string's sort key: semver order, unparseable ones first.
fn version_key(v: &str) -> VersionKey {
    (semver::Version::parse(v).ok(), v.to_string())
}

/// Registry and git packages (never a workspace's own path crates).
fn dependencies(u: &UnitRecord) -> impl Iterator<Item = &UnitPackage> {
    u.packages.iter().filter(|p| p.source != "path")
}

/// Every distinct registry or git `name version`: whether some unit takes
/// it from crates.io, and the units that use it (in unit order, once each).
type Uses<'a> = HashMap<(&'a str, &'a str), (bool, Vec<&'a str>)>;

fn uses(units: &[UnitRecord]) -> Uses<'_> {
    let mut by: Uses<'_> = HashMap::new();
    for u in units {
        for p in dependencies(u) {
            let e = by.entry((&p.name, &p.version)).or_default();
            e.0 |= p.source == "crates.io";
            if e.1.last() != Some(&u.path.as_str()) {
                e.1.push(&u.path);
            }
        }
    }
    by
}

fn inventory(uses: &Uses<'_>) -> Vec<InventoryEntry> {
    let mut list: Vec<(&str, VersionKey, &Vec<&str>)> = uses
        .iter()
        .map(|((name, version), (_, units))| (*name, version_key(version), units))
        .collect();
    list.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    list.into_iter()
        .map(|(name, (_, version), units)| InventoryEntry {
            krate: name.to_string(),
            version,
            units: units.iter().map(|u| u.to_string()).collect(),
        })
        .collect()
}

/// `1`, `0.3` or `0.0.7`: the semver-compatible line of a version.
fn class(v: &str) -> String {
    match semver::Version::parse(v) {
        Ok(v) => match crate::graph::compat_class(&v) {
            (0, 0, p) => format!("0.0.{p}"),
            (0, m, _) => format!("0.{m}"),
            (m, _, _) => m.to_string(),
        },
        Err(_) => v.to_string(),
    }
}

fn by_name(name: &str, params: &FleetParams) -> bool {
    params
        .internal
        .iter()
        .any(|p| crate::checks::boundaries::glob(p, name))
}

type Lines<'a> = BTreeMap<String, (BTreeSet<VersionKey>, BTreeSet<&'a str>)>;

fn drift(uses: &Uses<'_>, params: &FleetParams) -> Vec<Drift> {
    // name -> (seen from crates.io, the version lines)
    let mut by: BTreeMap<&str, (bool, Lines<'_>)> = BTreeMap::new();
    for ((name, version), (crates_io, units)) in uses {
        let entry = by.entry(name).or_default();
        entry.0 |= crates_io;
        let line = entry.1.entry(class(version)).or_default();
        line.0.insert(version_key(version));
        line.1.extend(units.iter().copied());
    }
    let mut out = Vec::new();
    for (name, (public, lines)) in by {
        if lines.len() < 2 {
            continue;
        }
        // Internal: named so by the policy, or only ever from another
        // registry or git (a git fork of a public crate is not).
        let internal = by_name(name, params) || !public;
        let mut versions: Vec<(VersionKey, DriftVersion)> = lines
            .into_iter()
            .map(|(class, (vs, us))| {
                let first = vs.iter().next().cloned().unwrap_or_default();
                let line = DriftVersion {
                    class,
                    versions: vs.into_iter().map(|(_, v)| v).collect(),
                    units: us.len(),
                };
                (first, line)
            })
            .collect();
        versions.sort_by(|a, b| a.0.cmp(&b.0));
        out.push(Drift {
            krate: name.to_string(),
            internal,
            versions: versions.into_iter().map(|(_, v)| v).collect(),
        });
    }
    out
}

/// `fleet-drift` for each internal crate that drifts, at the level the
/// policy gives it; none at `allow`.
fn drift_findings(
    drift: &[Drift],
    units: &[UnitRecord],
    params: &FleetParams,
) -> Vec<FleetFinding> {
    if Level::parse(&params.drift_level).is_none_or(|l| l == Level::Allow) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for d in drift.iter().filter(|d| d.internal) {
        let lines: Vec<String> = d
            .versions
            .iter()
            .map(|v| format!("{} ({}: {} units)", v.class, v.versions.join(", "), v.units))
            .collect();
        let message = format!(
            "`{}` is used at {} incompatible versions across the fleet: {}",
            d.krate,
            d.versions.len(),
            lines.join("; ")
        );
        let locations = d
            .versions
            .iter()
            .filter_map(|v| first_use(units, &d.krate, &v.versions[0]))
            .collect();
        out.push(FleetFinding {
            rule: crate::checks::fleet::FLEET_DRIFT.id.to_string(),
            level: params.drift_level.clone(),
            message,
            subject: d.krate.clone(),
            locations,
            fingerprint: crate::model::fingerprint("fleet-drift", "fleet", &d.krate, &d.krate),
        });
    }
    out
}

/// Where the first unit (by path) that uses `name version` lists it.
fn first_use(units: &[UnitRecord], name: &str, version: &str) -> Option<FleetLocation> {
    units.iter().find_map(|u| {
        let p = dependencies(u).find(|p| p.name == name && p.version == version)?;
        Some(FleetLocation {
            path: format!("{}/{}", u.repository, u.lockfile),
            line: p.line,
            label: format!("`{name} {version}` in {}", u.path),
        })
    })
}

fn advisories(
    units: &[UnitRecord],
    findings: &[&[FindingLite]],
) -> (Vec<AdvisoryImpact>, Vec<SeverityCount>) {
    let mut by: BTreeMap<String, AdvisoryImpact> = BTreeMap::new();
    for (u, fs) in units.iter().zip(findings) {
        for f in fs.iter() {
            let Some(adv) = f.properties.get("advisory") else {
                continue;
            };
            let Some(id) = adv.get("id").and_then(|v| v.as_str()) else {
                continue;
            };
            let e = by.entry(id.to_string()).or_insert_with(|| AdvisoryImpact {
                id: id.to_string(),
                krate: f
                    .package
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                title: adv
                    .get("title")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                severity: f
                    .properties
                    .get("severity")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                cvss: f.properties.get("cvss_score").and_then(|v| v.as_f64()),
                max_overdue_days: None,
                units: Vec::new(),
            });
            let overdue = f.properties.get("days_overdue").and_then(|v| v.as_i64());
            e.max_overdue_days = e.max_overdue_days.max(overdue);
            if e.units.last() != Some(&u.path) {
                e.units.push(u.path.clone());
            }
        }
    }
    let mut list: Vec<AdvisoryImpact> = by.into_values().collect();
    // Most overdue first, then the highest score, then the id.
    list.sort_by(|a, b| {
        let overdue = |x: &AdvisoryImpact| std::cmp::Reverse(x.max_overdue_days);
        overdue(a)
            .cmp(&overdue(b))
            .then(b.cvss.unwrap_or(-1.0).total_cmp(&a.cvss.unwrap_or(-1.0)))
            .then(a.id.cmp(&b.id))
    });
    let mut sev: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for a in &list {
        let key = a.severity.clone().unwrap_or_else(|| "none".into());
        let e = sev.entry(key).or_default();
        e.0 += 1;
        e.1 += a.units.len();
    }
    let counts = sev
        .into_iter()
        .map(|(severity, (advisories, hits))| SeverityCount {
            severity,
            advisories,
            hits,
        })
        .collect();
    (list, counts)
}

fn toolchains(units: &[UnitRecord], params: &FleetParams) -> Toolchains {
    let mut pinned: BTreeMap<&str, usize> = BTreeMap::new();
    let mut t = Toolchains {
        required: params.min_toolchain.clone(),
        ..Toolchains::default()
    };
    let required = params
        .min_toolchain
        .as_deref()
        .and_then(crate::model::channel_version);
    let mut lowest: Option<semver::Version> = None;
    for u in units.iter().filter(|u| u.error.is_none()) {
        let Some(channel) = u.toolchain.as_deref() else {
            t.unpinned += 1;
            continue;
        };
        *pinned.entry(channel).or_default() += 1;
        if let Some(v) = crate::model::channel_version(channel) {
            if required.as_ref().is_some_and(|r| &v < r) {
                t.below_required.push(u.path.clone());
            }
            lowest = Some(lowest.map_or(v.clone(), |l| l.min(v)));
        }
    }
    t.minimum = lowest.map(|v| v.to_string());
    t.pinned = pinned
        .into_iter()
        .map(|(channel, units)| ToolchainCount {
            channel: channel.to_string(),
            units,
        })
        .collect();
    t
}

/// Distinct `name version` packages per licence expression.
fn licenses(units: &[UnitRecord]) -> Vec<LicenseCount> {
    let mut by: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
    for u in units {
        for p in dependencies(u) {
            if let Some(l) = &p.license {
                by.entry(l).or_default().insert((&p.name, &p.version));
            }
        }
    }
    by.into_iter()
        .map(|(expression, pkgs)| LicenseCount {
            expression: expression.to_string(),
            packages: pkgs.len(),
        })
        .collect()
}
