//! The decide stage's typed configuration, read once from a validated
//! policy: `fail-on`, the exposure caps (shared and per family), `[levels]`,
//! `[diff] fail-existing` and the waivers. Also the `-D/-W/-A` flags.

use crate::model::{Exposure, Finding, Level, Waiver};
use crate::policy::reader::Reader;
use std::collections::{BTreeMap, BTreeSet};

/// A `-D/-W/-A RULE` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliLevel {
    pub rule: String,
    pub level: Level,
}

/// Level caps by exposure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExposureCaps {
    pub dev_only: Option<Level>,
    pub build_only: Option<Level>,
    pub inactive_target: Option<Level>,
}

impl ExposureCaps {
    /// Reads an `exposure` table.
    pub fn read(t: &Reader<'_>) -> ExposureCaps {
        ExposureCaps {
            dev_only: t.level("dev-only"),
            build_only: t.level("build-only"),
            inactive_target: t.level("inactive-target"),
        }
    }

    pub fn cap(&self, exposure: Exposure) -> Option<Level> {
        match exposure {
            Exposure::DevOnly => self.dev_only,
            Exposure::BuildOnly => self.build_only,
            Exposure::InactiveTarget => self.inactive_target,
            Exposure::Normal | Exposure::Unknown => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub fail_on: Level,
    /// `[exposure]`, for every family.
    pub exposure: ExposureCaps,
    /// `[<family>.exposure]`, by family name.
    pub family_exposure: BTreeMap<&'static str, ExposureCaps>,
    pub levels: BTreeMap<String, Level>,
    /// `[diff] fail-existing`.
    pub fail_existing: Vec<String>,
    pub waivers: Vec<Waiver>,
    /// `waiver-require-approval` (enforced when the policy is validated).
    pub require_approval: bool,
}

impl Config {
    /// Reads the decide stage's keys; `root` knows [`super::FIELDS`], and
    /// `family_exposure` holds the families' own caps.
    pub fn read(
        root: &Reader<'_>,
        family_exposure: BTreeMap<&'static str, ExposureCaps>,
    ) -> Config {
        Config {
            fail_on: match root.option("fail-on") {
                Some("warn") => Level::Warn,
                _ => Level::Deny,
            },
            exposure: ExposureCaps::read(&root.table("exposure")),
            family_exposure,
            levels: root.rule_levels("levels"),
            fail_existing: root.table("diff").list_or_default("fail-existing"),
            waivers: crate::policy::waivers::parse(root),
            require_approval: root.flag("waiver-require-approval"),
        }
    }

    /// The family's own cap, else the shared one.
    pub fn exposure_cap(&self, family: &str, exposure: Exposure) -> Option<Level> {
        let own = self
            .family_exposure
            .get(family)
            .and_then(|c| c.cap(exposure));
        own.or_else(|| self.exposure.cap(exposure))
    }

    /// Rules whose level `[levels]` or the command line set.
    pub fn overridden<'a>(&'a self, cli: &'a [CliLevel]) -> BTreeSet<&'a str> {
        let policy = self.levels.keys().map(String::as_str);
        policy.chain(cli.iter().map(|c| c.rule.as_str())).collect()
    }

    /// Whether an existing finding still fails, by `[diff] fail-existing`.
    pub fn fails_when_existing(&self, f: &Finding) -> bool {
        self.fail_existing.iter().any(|k| match k.as_str() {
            "sla-overdue" => f.facts.overdue_days.is_some(),
            rule => rule == f.rule.id,
        })
    }
}
