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
//! any finding is at or above `fail-on`. [`exit_code`] maps the outcome, or
//! an error, to the documented exit code.

pub mod baseline;
pub mod waivers;
pub mod weakened;

use crate::date::Date;
use crate::error::{Error, Result};
use crate::finding::{Finding, Level, LevelSource};
use crate::policy::Policy;
use serde::Serialize;
use std::collections::BTreeMap;

/// Exit code: the gate passed.
pub const EXIT_PASS: u8 = 0;
/// Exit code: the gate failed.
pub const EXIT_FAIL: u8 = 1;
/// Exit code: depgate could not check (bad input, bad policy, internal error).
pub const EXIT_ERROR: u8 = 2;

/// A `-D/-W/-A RULE` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliLevel {
    pub rule: String,
    pub level: Level,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub deny: usize,
    pub warn: usize,
    pub info: usize,
    /// Findings accepted by a waiver (any level); they do not fail the gate.
    pub waived: usize,
    /// Findings at `allow`, by rule: not reported, only counted.
    pub allowed: BTreeMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    /// Reported findings (level above `allow`), sorted.
    pub findings: Vec<Finding>,
    /// With `--baseline`: baseline findings that are gone.
    pub resolved: Vec<baseline::Resolved>,
    pub counts: Counts,
    pub fail_on: Level,
    pub passed: bool,
}

/// Checks that every `-D/-W/-A` names a known rule.
pub fn validate_cli_levels(cli: &[CliLevel]) -> Result<()> {
    let ids: Vec<&str> = crate::rules::ALL.iter().map(|r| r.id).collect();
    for c in cli {
        if crate::rules::find(&c.rule).is_none() {
            let hint = crate::policy::schema::did_you_mean(&c.rule, &ids)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "unknown rule id `{}`{hint}; `depgate rules` lists them",
                c.rule
            )));
        }
    }
    Ok(())
}

/// Applies the precedence chain to one finding.
pub fn final_level(f: &Finding, policy: &Policy, cli: &[CliLevel]) -> (Level, LevelSource) {
    let (mut level, mut source) = (f.level, f.level_source);
    let family = crate::rules::find(f.rule).map_or("", |r| r.family);
    if let Some(cap) = policy.exposure_cap(family, f.exposure) {
        if cap < level {
            (level, source) = (cap, LevelSource::ExposureCap);
        }
    }
    if let Some(&l) = policy.levels.get(f.rule) {
        (level, source) = (l, LevelSource::PolicyLevels);
    }
    if let Some(c) = cli.iter().rev().find(|c| c.rule == f.rule) {
        (level, source) = (c.level, LevelSource::Cli);
    }
    (level, source)
}

/// What the decide stage needs besides the findings.
pub struct DecideInput<'a> {
    pub policy: &'a Policy,
    pub cli: &'a [CliLevel],
    pub fail_on: Option<Level>,
    pub today: Date,
    /// Repository-relative workspace path, for waiver-finding fingerprints.
    pub workspace: &'a str,
    /// `--baseline`: only new findings fail (see [`baseline`]).
    pub baseline: Option<&'a baseline::Baseline>,
}

pub fn decide(mut findings: Vec<Finding>, input: &DecideInput<'_>) -> Outcome {
    let policy = input.policy;
    let fail_on = input.fail_on.unwrap_or(policy.fail_on);
    waivers::apply(&mut findings, &policy.waivers, input.today, input.workspace);
    let mut counts = Counts::default();
    let mut kept = Vec::with_capacity(findings.len());
    for mut f in findings {
        (f.level, f.level_source) = final_level(&f, policy, input.cli);
        if f.waived.is_some() && f.level > Level::Allow {
            counts.waived += 1;
            kept.push(f);
            continue;
        }
        match f.level {
            Level::Allow => {
                *counts.allowed.entry(f.rule.to_string()).or_default() += 1;
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
            f.diff = Some(baseline::status(b, f));
        }
        resolved = baseline::resolved(b, &kept);
    }
    let gating = |f: &Finding| match f.diff {
        Some("existing") => baseline::fails_when_existing(&policy.tree, f),
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

/// The exit code contract: 0 passed, 1 failed, 2 could not check. An
/// error always wins over a failed gate.
pub fn exit_code<T>(result: &Result<T>, passed: impl Fn(&T) -> bool) -> u8 {
    match result {
        Err(_) => EXIT_ERROR,
        Ok(v) if passed(v) => EXIT_PASS,
        Ok(_) => EXIT_FAIL,
    }
}
