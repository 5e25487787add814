//! Fleet audits: every Cargo.lock under many repositories checked in one
//! process. Discovery finds the units; the advisory DB and the fleet policy
//! are loaded once by the caller and shared read-only by rayon workers,
//! each calling [`pipeline::run`](crate::pipeline::run) on one unit; the
//! records are aggregated into one `depgate.fleet/v1` report. Fleet scans
//! read lockfiles as data only (see the README's trust model). `--shard`
//! scans one part; [`merge`] puts the parts back together.

pub mod aggregate;
pub mod discover;
pub mod merge;
pub mod query;
pub mod repo_policy;
pub mod shard;
pub mod unit;

use crate::decide::CliLevel;
use crate::error::{Error, Result};
use crate::model::fleet::{FleetParams, FleetPolicy, FleetReport, FleetTool, ShardInfo};
use crate::model::{Assessment, Finding};
use crate::pipeline::Inputs;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Progress callback: (units done, units in total, errors so far).
pub type Progress<'a> = &'a (dyn Fn(usize, usize, usize) + Sync);

pub struct ScanOptions<'a> {
    /// Roots to search, each with where `--repos-file` listed it.
    pub roots: Vec<discover::Root>,
    pub inputs: Inputs<'a>,
    /// Worker threads (default: every core).
    pub jobs: Option<usize>,
    pub shard: Option<shard::Shard>,
    /// Keep each unit's assessment (for SARIF per repository).
    pub keep_assessments: bool,
    /// `--license-data cargo-cache`: the cargo home to read licences from.
    pub license_home: Option<PathBuf>,
    pub progress: Option<Progress<'a>>,
}

pub struct Scan {
    pub report: FleetReport,
    /// (repository, assessment) of each scanned unit, when kept.
    pub assessments: Vec<(String, Assessment)>,
}

/// Discovers, scans and aggregates.
pub fn scan(opts: &ScanOptions<'_>) -> Result<Scan> {
    let all = discover::discover_roots(&opts.roots)?;
    let discovered = all.len();
    let units: Vec<discover::UnitDir> = match opts.shard {
        Some(s) => all
            .into_iter()
            .filter(|u| s.contains(&u.shard_key))
            .collect(),
        None => all,
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = opts.jobs {
        pool = pool.num_threads(n.max(1));
    }
    let pool = pool
        .build()
        .map_err(|e| Error::Usage(format!("--jobs: cannot start the worker threads: {e}")))?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let errors = std::sync::atomic::AtomicUsize::new(0);
    let total = units.len();
    let unit_opts = unit::UnitOptions {
        keep: opts.keep_assessments,
        license_home: opts.license_home.as_deref(),
    };
    let scanned: Vec<unit::Scanned> = pool.install(|| {
        units
            .par_iter()
            .map(|u| {
                let s = unit::scan(&opts.inputs, u, &unit_opts);
                let ordering = std::sync::atomic::Ordering::Relaxed;
                let n = done.fetch_add(1, ordering) + 1;
                let e = errors.fetch_add(usize::from(s.record.error.is_some()), ordering);
                if let Some(p) = opts.progress {
                    p(n, total, e + usize::from(s.record.error.is_some()));
                }
                s
            })
            .collect()
    });
    let mut records = Vec::with_capacity(scanned.len());
    let mut assessments = Vec::new();
    for s in scanned {
        if let Some(a) = s.assessment {
            assessments.push((s.record.repository.clone(), a));
        }
        records.push(s.record);
    }
    let header = header(
        &opts.inputs,
        opts.shard.map(|s| ShardInfo {
            index: s.index,
            count: s.count,
            discovered,
        }),
    );
    Ok(Scan {
        report: aggregate::build(header, records),
        assessments,
    })
}

/// The report header from the shared inputs.
pub fn header(inputs: &Inputs<'_>, shard: Option<ShardInfo>) -> aggregate::Header {
    let loaded = inputs.loaded;
    let fleet = loaded.configs.get::<crate::checks::fleet::Config>();
    let min = loaded.configs.get::<crate::checks::toolchain::Config>();
    let probe = Finding::new(
        &crate::checks::fleet::FLEET_DRIFT,
        "fleet",
        "",
        "",
        String::new(),
        Vec::new(),
    );
    let (drift_level, _) = crate::decide::final_level(&probe, &loaded.decide, inputs.cli);
    let fail_on = inputs.fail_on.unwrap_or(loaded.decide.fail_on);
    aggregate::Header {
        tool: FleetTool {
            name: "depgate".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        today: inputs.today.to_string(),
        policy: FleetPolicy {
            layers: loaded.policy.layers.clone(),
            digest: policy_digest(inputs),
        },
        advisory_db: inputs.db.and_then(|db| {
            serde_json::to_value(crate::pipeline::db_summary(db, inputs.today)).ok()
        }),
        params: FleetParams {
            internal: fleet.map(|f| f.internal.clone()).unwrap_or_default(),
            drift_level: drift_level.as_str().to_string(),
            fail_on: fail_on.as_str().to_string(),
            min_toolchain: min.and_then(|m| m.min.as_ref()).map(|v| v.to_string()),
        },
        shard,
    }
}

/// SHA-256 over the policy's texts and the command-line levels, so shards
/// made under different policies are told apart.
fn policy_digest(inputs: &Inputs<'_>) -> String {
    let mut h = Sha256::new();
    for t in &inputs.loaded.policy.texts {
        h.update(t.display.as_bytes());
        h.update([0]);
        h.update(t.text.as_bytes());
        h.update([0]);
    }
    for CliLevel { rule, level } in inputs.cli {
        h.update(format!("{rule}={}\0", level.as_str()).as_bytes());
    }
    if let Some(l) = inputs.fail_on {
        h.update(format!("fail-on={}\0", l.as_str()).as_bytes());
    }
    crate::model::hex(&h.finalize())
}
