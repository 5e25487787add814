//! One unit end to end: the inputs loaded once ([`Loaded`], [`Inputs`])
//! and a graph go in; the loads the families need (the index cache), the
//! base-revision comparison, the checks, the decide stage and the inverse
//! paths run; one [`Assessment`] comes out for the renderers. Fleet scans
//! call [`run`] once per unit with the same inputs.

mod base_ref;

use crate::advisories::AdvisoryDb;
use crate::advisories::index_cache::{self, IndexCache};
use crate::checks::{Configs, ScanContext, fill_paths, run_all};
use crate::date::Date;
use crate::decide::baseline::Baseline;
use crate::decide::{self, CliLevel, DecideInput, Outcome};
use crate::error::Result;
use crate::graph::{Graph, WorkspaceInput};
use crate::model::{Assessment, DbSummary, Finding, Level, Tool, Verdict, WorkspaceInfo};
use crate::policy::reader::ReadLog;
use crate::policy::{self, Policy};
use std::path::Path;

/// A validated policy with its typed configurations, read once.
pub struct Loaded {
    pub policy: Policy,
    pub configs: Configs,
    pub decide: decide::Config,
}

impl Loaded {
    pub fn new(policy: Policy) -> Loaded {
        Loaded::with_log(policy, &ReadLog::default())
    }

    /// As [`Loaded::new`], logging every key read into `log`.
    pub fn with_log(policy: Policy, log: &ReadLog) -> Loaded {
        Loaded {
            configs: Configs::new(&policy, log),
            decide: crate::registry::decide_config(&policy, log),
            policy,
        }
    }

    /// Loads `explicit`, or the policy discovered for `graph`, or the default.
    pub fn for_graph(explicit: Option<&Path>, graph: &Graph) -> Result<Loaded> {
        let schema = crate::registry::schema();
        let root = &graph.workspace_root;
        let p = policy::load(explicit, root, graph.repo_root.as_deref(), &schema)?;
        Ok(Loaded::new(p))
    }
}

/// What every unit of a run shares, read-only.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    pub loaded: &'a Loaded,
    pub db: Option<&'a AdvisoryDb>,
    pub today: Date,
    /// `-D/-W/-A`, in command-line order.
    pub cli: &'a [CliLevel],
    /// `--fail-on`, over the policy's.
    pub fail_on: Option<Level>,
}

/// What the findings are compared against.
pub enum Against<'a> {
    Nothing,
    /// `--baseline FILE`.
    Baseline(&'a Baseline),
    /// `--base-ref REV`: the same workspace at a git revision.
    BaseRef {
        rev: &'a str,
        input: &'a WorkspaceInput,
        policy: Option<&'a Path>,
    },
}

/// Checks one unit. The same inputs give the same assessment.
pub fn run(inputs: &Inputs<'_>, graph: &Graph, against: Against<'_>) -> Result<Assessment> {
    run_with(inputs, graph, against, Vec::new())
}

/// As [`run`], with findings made before the checks (a fleet scan's
/// refused repository-policy changes) decided beside the checks' own.
pub fn run_with(
    inputs: &Inputs<'_>,
    graph: &Graph,
    against: Against<'_>,
    mut extra: Vec<Finding>,
) -> Result<Assessment> {
    if let Some(db) = inputs.db {
        db.prepare(graph.packages().map(|(_, p)| p.name.as_str()))?;
    }
    let mut notes = Vec::new();
    let index = load_index(inputs, graph, &mut notes);
    let workspace = graph.workspace_key();
    let base;
    let (baseline, mut weakened) = match against {
        Against::Nothing => (None, Vec::new()),
        Against::Baseline(b) => (Some(b), Vec::new()),
        Against::BaseRef { rev, input, policy } => {
            base = base_ref::evaluate(inputs, graph, rev, input, policy, index.as_ref())?;
            let weakened = decide::weakened::compare(
                &base.policy,
                &inputs.loaded.policy,
                &crate::registry::all_fields(),
                crate::registry::rules(),
                &workspace,
            );
            (Some(&base.baseline), weakened)
        }
    };
    weakened.append(&mut extra);
    let unit = Unit {
        graph,
        index: index.as_ref(),
        workspace,
    };
    let outcome = evaluate(inputs, &unit, baseline, weakened);
    Ok(assemble(inputs, &unit, outcome, baseline.is_some(), notes))
}

/// Findings made outside the checks (`depgate verify`) through the same
/// decide stage and into one assessment. Only waivers naming one of
/// `rules` apply, so the policy's other waivers are not reported unused.
pub fn decide_only(
    inputs: &Inputs<'_>,
    graph: &Graph,
    findings: Vec<Finding>,
    rules: &[&crate::model::Rule],
) -> Assessment {
    let mut config = inputs.loaded.decide.clone();
    config.waivers.retain(|w| {
        w.rule
            .as_deref()
            .is_some_and(|r| rules.iter().any(|x| x.id == r))
    });
    let workspace = graph.workspace_key();
    let input = DecideInput {
        config: &config,
        cli: inputs.cli,
        fail_on: inputs.fail_on,
        today: inputs.today,
        workspace: &workspace,
        baseline: None,
    };
    let outcome = decide::decide(findings, &input);
    let unit = Unit {
        graph,
        index: None,
        workspace,
    };
    let mut assessment = assemble(inputs, &unit, outcome, false, Vec::new());
    assessment.waivers = config.waivers;
    assessment
}

/// The local index cache, when some family needs it.
fn load_index(inputs: &Inputs<'_>, graph: &Graph, notes: &mut Vec<String>) -> Option<IndexCache> {
    if !inputs.loaded.configs.needs().index_cache {
        return None;
    }
    let names = graph
        .packages()
        .filter(|(_, p)| p.source.is_crates_io())
        .map(|(_, p)| p.name.as_str());
    let home = crate::graph::cargo_home().unwrap_or_default();
    let index = index_cache::load(&home, names);
    if !index.missing.is_empty() {
        let list: Vec<&str> = index.missing.iter().map(String::as_str).collect();
        notes.push(format!(
            "warning: {} crates are not in the local cargo index cache, so whether they are yanked, and when they were released, is unknown: {}",
            list.len(),
            list.join(", ")
        ));
    }
    Some(index)
}

/// One unit's graph and what was loaded for it.
struct Unit<'a> {
    graph: &'a Graph,
    index: Option<&'a IndexCache>,
    /// `graph.workspace_key()`, computed once.
    workspace: String,
}

/// Checks, then decide, then the inverse paths of what is kept.
fn evaluate(
    inputs: &Inputs<'_>,
    unit: &Unit<'_>,
    baseline: Option<&Baseline>,
    extra: Vec<Finding>,
) -> Outcome {
    let loaded = inputs.loaded;
    let overridden = loaded.decide.overridden(inputs.cli);
    let waivers = &loaded.decide.waivers;
    let waiver_rules: Option<std::collections::BTreeSet<&str>> =
        waivers.iter().map(|w| w.rule.as_deref()).collect();
    let graph = unit.graph;
    let ctx = ScanContext {
        graph,
        today: inputs.today,
        db: inputs.db,
        index: unit.index,
        overridden: &overridden,
        workspace: unit.workspace.clone(),
        waiver_rules: waiver_rules.as_ref(),
    };
    let mut findings = run_all(&ctx, &loaded.configs);
    findings.extend(extra);
    let input = DecideInput {
        config: &loaded.decide,
        cli: inputs.cli,
        fail_on: inputs.fail_on,
        today: inputs.today,
        workspace: &ctx.workspace,
        baseline,
    };
    let mut outcome = decide::decide(findings, &input);
    fill_paths(graph, &mut outcome.findings);
    outcome
}

/// The assessment the renderers read.
fn assemble(
    inputs: &Inputs<'_>,
    unit: &Unit<'_>,
    outcome: Outcome,
    has_baseline: bool,
    notes: Vec<String>,
) -> Assessment {
    let policy = &inputs.loaded.policy;
    let graph = unit.graph;
    let mut members: Vec<String> = graph
        .members()
        .map(|m| graph.package(m).name.clone())
        .collect();
    members.sort();
    let mut texts: Vec<_> = graph.lockfile.iter().cloned().collect();
    texts.extend(graph.manifests.values().map(|m| m.src.clone()));
    texts.extend(policy.texts.iter().cloned());
    Assessment {
        tool: Tool::DEPGATE,
        today: inputs.today,
        workspace: WorkspaceInfo {
            root: unit.workspace.clone(),
            mode: graph.mode,
            lockfile: graph.lockfile.as_ref().map(|l| l.display.clone()),
            lock_version: graph.lock_version,
            targets: graph.targets.clone(),
            packages: graph.graph.node_count(),
            members,
            not_built: graph.not_built.clone(),
        },
        policy: policy.layers.clone(),
        verdict: Verdict::new(outcome.fail_on, outcome.passed),
        findings: outcome.findings,
        summary: outcome.counts,
        advisory_db: inputs.db.map(|db| db_summary(db, inputs.today)),
        license_data: graph.license_data.clone(),
        resolved: has_baseline.then_some(outcome.resolved),
        waivers: inputs.loaded.decide.waivers.clone(),
        rules: crate::registry::rules(),
        texts,
        notes,
    }
}

/// Which advisory database was used, and its age on `today`.
pub fn db_summary(db: &AdvisoryDb, today: Date) -> DbSummary {
    DbSummary {
        kind: db.info.kind.clone(),
        path: db.info.path.clone(),
        commit: db.info.commit.clone(),
        date: db.info.date,
        age_days: today.days() - db.info.date.days(),
        advisories: db.info.advisories,
        warnings: db.warnings.clone(),
    }
}
