//! The gates on what ships: `depgate artifact` (binaries built with
//! `cargo auditable`, through the same pipeline as `check`) and `depgate
//! verify` (release files: digests, signatures, provenance, through the
//! same decide stage). Both discover the policy from the current directory.

use super::{ArtifactArgs, Cli, VerifyArgs, emit, parse_outputs, parse_today, validate_levels};
use crate::decide::CliLevel;
use crate::error::{Error, Result};
use crate::graph::auditable::Binary;
use crate::graph::{Graph, Mode};
use crate::location::{display_path, find_repo_root};
use crate::model::Verdict;
use crate::pipeline::{Against, Inputs, Loaded};
use std::path::{Path, PathBuf};

/// The current directory and the base reported paths are relative to.
fn here() -> Result<(PathBuf, PathBuf)> {
    let cwd = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .map_err(|e| Error::read(".", e))?;
    let base = find_repo_root(&cwd).unwrap_or_else(|| cwd.clone());
    Ok((cwd, base))
}

fn absolute(p: &Path, cwd: &Path) -> PathBuf {
    let joined = cwd.join(p);
    joined.canonicalize().unwrap_or(joined)
}

/// `depgate artifact`: the audit data of binaries as the graph.
pub fn artifact(cli: &Cli, args: &ArtifactArgs, levels: &[CliLevel]) -> Result<Verdict> {
    validate_levels(levels)?;
    let today = parse_today(args.gate.today.as_deref())?;
    let outputs = parse_outputs(&args.gate.output)?;
    crate::graph::targets::Platforms::new(&args.target)?;
    let (cwd, base) = here()?;
    let binaries = args
        .binaries
        .iter()
        .map(|p| {
            let shown = display_path(Some(&base), &absolute(p, &cwd));
            let bytes = crate::input::read_bytes(
                p,
                &shown,
                crate::input::MAX_BINARY,
                crate::input::Links::Follow,
            )?;
            Ok(Binary { shown, bytes })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut graph = crate::graph::auditable::load_graph(&binaries, cwd)?;
    drop(binaries);
    graph.targets = args.target.clone();
    let loaded = Loaded::for_graph(args.policy.as_deref(), &graph)?;
    if cli.verbose > 0 {
        eprintln!(
            "depgate: {} packages from {} binaries; policy {}",
            graph.graph.node_count(),
            args.binaries.len(),
            loaded.policy.layers.join(" <- ")
        );
    }
    let names: rustc_hash::FxHashSet<&str> =
        graph.packages().map(|(_, p)| p.name.as_str()).collect();
    let db = crate::advisories::store::open(args.gate.advisory_db.as_deref(), Some(&names))?;
    db.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    let inputs = Inputs {
        loaded: &loaded,
        db: Some(&db),
        today,
        cli: levels,
        fail_on: args.gate.levels.fail_on(),
    };
    let assessment = crate::pipeline::run(&inputs, &graph, Against::Nothing)?;
    emit(cli, &args.gate, &outputs, &assessment)
}

/// `depgate verify`: release files before deployment.
pub fn verify(cli: &Cli, args: &VerifyArgs, levels: &[CliLevel]) -> Result<Verdict> {
    validate_levels(levels)?;
    let today = parse_today(args.gate.today.as_deref())?;
    let outputs = parse_outputs(&args.gate.output)?;
    if args.gate.advisory_db.is_some() {
        return Err(Error::Usage(
            "verify reads no advisory database: --advisory-db does not apply".into(),
        ));
    }
    let (cwd, base) = here()?;
    let graph = Graph::empty(Mode::Release, cwd);
    let loaded = Loaded::for_graph(args.policy.as_deref(), &graph)?;
    let workspace = graph.workspace_key();
    let verified = crate::release::verify(&crate::release::Options {
        manifest: args.manifest.as_deref(),
        files: &args.files,
        public_key: args.public_key.as_deref(),
        provenance: args.provenance.as_deref(),
        base: &base,
        workspace: &workspace,
    })?;
    if cli.verbose > 0 {
        eprintln!(
            "depgate: verified {} files; policy {}",
            verified.files,
            loaded.policy.layers.join(" <- ")
        );
    }
    let mut assessment = super::decide_findings(
        &loaded,
        &graph,
        verified.findings,
        crate::checks::artifacts::RELEASE_RULES,
        &args.gate,
        levels,
        today,
    );
    assessment.texts.extend(verified.texts);
    emit(cli, &args.gate, &outputs, &assessment)
}
