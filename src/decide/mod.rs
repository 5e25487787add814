//! The decide stage: the one place final levels and the verdict are set.
//!
//! Precedence, applied in this order to every finding:
//! 1. the family's level (its policy keys, else the rule default);
//! 2. capped by exposure: the family's `exposure` table, else `[exposure]`;
//! 3. replaced by `[levels] rule-id = "..."` in the policy;
//! 4. replaced by `-D/-W/-A RULE` on the command line (last one wins);
//! 5. waivers mark matching findings `waived` (see [`waivers`]).
//!
//! Then `allow` findings are dropped (and counted), and the gate fails when
//! any finding is at or above `fail-on`. The decide stage's own policy
//! keys and rules are declared here, beside the families'.

pub mod baseline;
mod config;
pub mod tighten;
pub mod waivers;
pub mod weakened;

pub use config::{CliLevel, Config, ExposureCaps};

use crate::date::Date;
use crate::model::{Counts, Diff, Finding, Level, LevelSource, Resolved, Rule, WaiverId};
use crate::policy::schema::{EXPOSURE_FIELDS, Field, Ty};

/// The decide stage's rules.
pub const RULES: &[&Rule] = &[
    &waivers::EXPIRED,
    &waivers::UNUSED,
    &weakened::POLICY_WEAKENED,
];

/// The decide stage's policy keys.
pub const FIELDS: &[Field] = &[
    Field::new(
        "fail-on",
        Ty::OneOf(&["warn", "deny"]),
        "which levels fail the gate (CLI --fail-on wins)",
    )
    .option_default("deny"),
    Field::new(
        "exposure",
        Ty::Table(EXPOSURE_FIELDS),
        "level caps by exposure, for every family",
    ),
    Field::new(
        "levels",
        Ty::RuleLevels,
        "rule id = level, replacing the family's level outright",
    ),
    crate::policy::waivers::FIELD,
    crate::policy::waivers::REQUIRE_APPROVAL,
    Field::new(
        "diff",
        Ty::Table(baseline::FIELDS),
        "diff-only gating against --baseline",
    ),
];

/// The decide stage's result for one workspace.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Reported findings (level above `allow`), sorted.
    pub findings: Vec<Finding>,
    /// With a baseline: baseline findings that are gone.
    pub resolved: Vec<Resolved>,
    pub counts: Counts,
    pub fail_on: Level,
    pub passed: bool,
}

/// What the decide stage needs besides the findings.
pub struct DecideInput<'a> {
    pub config: &'a Config,
    pub cli: &'a [CliLevel],
    /// `--fail-on`, over the policy's.
    pub fail_on: Option<Level>,
    pub today: Date,
    /// Repository-relative workspace path, for waiver-finding fingerprints.
    pub workspace: &'a str,
    /// Diff-only gating (see [`baseline`]).
    pub baseline: Option<&'a baseline::Baseline>,
}

/// Applies the precedence chain to one finding.
pub fn final_level(f: &Finding, config: &Config, cli: &[CliLevel]) -> (Level, LevelSource) {
    let (mut level, mut source) = (f.level, f.level_source);
    if let Some(cap) = config.exposure_cap(f.rule.family, f.exposure) {
        if cap < level {
            (level, source) = (cap, LevelSource::ExposureCap);
        }
    }
    if let Some(&l) = config.levels.get(f.rule.id) {
        (level, source) = (l, LevelSource::PolicyLevels);
    }
    if let Some(c) = cli.iter().rev().find(|c| c.rule == f.rule.id) {
        (level, source) = (c.level, LevelSource::Cli);
    }
    (level, source)
}

pub fn decide(mut findings: Vec<Finding>, input: &DecideInput<'_>) -> Outcome {
    let config = input.config;
    let fail_on = input.fail_on.unwrap_or(config.fail_on);
    waivers::apply(&mut findings, &config.waivers, input.today, input.workspace);
    let mut counts = Counts::default();
    let mut kept = Vec::with_capacity(findings.len());
    for mut f in findings {
        (f.level, f.level_source) = final_level(&f, config, input.cli);
        if f.waived.is_some() && f.level > Level::Allow {
            counts.waived += 1;
            kept.push(f);
            continue;
        }
        match f.level {
            Level::Allow => {
                *counts.allowed.entry(f.rule.id.to_string()).or_default() += f.tally as usize;
                continue;
            }
            Level::Deny => counts.deny += 1,
            Level::Warn => counts.warn += 1,
            Level::Info => counts.info += 1,
        }
        kept.push(f);
    }
    kept.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut resolved = Vec::new();
    if let Some(b) = input.baseline {
        for f in &mut kept {
            f.diff = Some(b.status(f));
        }
        resolved = b.resolved(&kept);
    }
    let gating = |f: &Finding| match f.diff {
        Some(Diff::Existing) => config.fails_when_existing(f),
        _ => true,
    };
    let passed = !kept
        .iter()
        .any(|f| f.waived.is_none() && f.level >= fail_on && gating(f));
    Outcome {
        findings: kept,
        resolved,
        counts,
        fail_on,
        passed,
    }
}

/// The waiver id of position `i` in the policy's waiver list.
pub(crate) fn waiver_id(i: usize) -> WaiverId {
    WaiverId(u32::try_from(i).unwrap_or(u32::MAX))
}
