//! Command-line interface shared by `depgate` and `cargo-depgate`: the
//! dispatch from a parsed command (defined in `args.rs`) to the library.
//! Reports go to stdout or `--output` files; logs and errors to stderr.
//! [`exit_code`] is the one place an exit code is decided.

use crate::date::Date;
use crate::decide::CliLevel;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::model::{EXIT_ERROR, EXIT_PASS, Level, Verdict};
use crate::pipeline::{Against, Inputs, Loaded};
use crate::report::{Format, RenderOptions, render};
use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

mod args;
mod commands;
mod errors;
mod fleet;
mod fleet_args;
mod gate;
mod progress;
mod semver;
pub use args::*;
pub use fleet_args::*;

/// Runs depgate on `args` (including the program name) and returns the exit code.
pub fn main_with_args(args: Vec<OsString>) -> u8 {
    let matches = match Cli::command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_PASS
            };
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return EXIT_ERROR;
        }
    };
    let levels = cli_levels(&matches);
    let result = std::panic::catch_unwind(|| run(&cli, levels))
        .unwrap_or_else(|_| Err(Error::Internal("no report was written".into())));
    if let Err(e) = &result {
        errors::report(e);
    }
    exit_code(&result)
}

/// The exit code contract: 0 passed (or a command that is not a gate
/// succeeded), 1 the gate failed, 2 depgate could not check.
pub fn exit_code(result: &Result<Option<Verdict>>) -> u8 {
    match result {
        Err(e) => e.exit_code(),
        Ok(Some(verdict)) => verdict.exit_code,
        Ok(None) => EXIT_PASS,
    }
}

/// `-D/-W/-A` in command-line order, so the last flag for a rule wins.
fn cli_levels(matches: &clap::ArgMatches) -> Vec<CliLevel> {
    let sub = match matches.subcommand() {
        Some(("check" | "artifact" | "verify" | "semver", sub)) => sub,
        Some(("fleet", fleet)) => match fleet.subcommand() {
            Some(("scan", sub)) => sub,
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    let mut flags: Vec<(usize, CliLevel)> = Vec::new();
    for (id, level) in [
        ("deny", Level::Deny),
        ("warn", Level::Warn),
        ("allow", Level::Allow),
    ] {
        if let (Some(idx), Some(vals)) = (sub.indices_of(id), sub.get_many::<String>(id)) {
            for (i, rule) in idx.zip(vals) {
                let rule = rule.clone();
                flags.push((i, CliLevel { rule, level }));
            }
        }
    }
    flags.sort_by_key(|(i, _)| *i);
    flags.into_iter().map(|(_, l)| l).collect()
}

fn run(cli: &Cli, levels: Vec<CliLevel>) -> Result<Option<Verdict>> {
    match &cli.command {
        Command::Check(args) => check(cli, args, &levels).map(Some),
        Command::Licenses(args) => commands::licenses(args).map(|()| None),
        Command::Sbom(args) => commands::sbom(args).map(|()| None),
        Command::Artifact(args) => gate::artifact(cli, args, &levels).map(Some),
        Command::Verify(args) => gate::verify(cli, args, &levels).map(Some),
        Command::Semver(args) => semver::run(cli, args, &levels),
        Command::Policy(cmd) => commands::policy(cmd).map(|()| None),
        Command::Db(cmd) => commands::db(cmd).map(|()| None),
        Command::Fleet(cmd) => fleet::run(cli, cmd, &levels),
        Command::Rules => commands::rules().map(|()| None),
        Command::Explain { rule } => commands::explain(rule).map(|()| None),
    }
}

fn parse_today(today: Option<&str>) -> Result<Date> {
    match today {
        Some(s) => Date::parse(s).ok_or_else(|| {
            Error::Usage(format!(
                "--today {s}: not a calendar date (expected YYYY-MM-DD)"
            ))
        }),
        None => Ok(Date::today_utc()),
    }
}

/// `-D/-W/-A` must name rules.
fn validate_levels(levels: &[CliLevel]) -> Result<()> {
    match levels
        .iter()
        .find(|c| crate::registry::find_rule(&c.rule).is_none())
    {
        Some(bad) => Err(crate::registry::unknown_rule(&bad.rule)),
        None => Ok(()),
    }
}

/// `depgate check`: load, run the pipeline, render, write.
fn check(cli: &Cli, args: &CheckArgs, levels: &[CliLevel]) -> Result<Verdict> {
    validate_levels(levels)?;
    let today = parse_today(args.gate.today.as_deref())?;
    let outputs = parse_outputs(&args.gate.output)?;
    let input = args.ws.input()?;
    let graph = crate::graph::load(&input)?;
    let loaded = Loaded::for_graph(args.ws.policy.as_deref(), &graph)?;
    notes(cli, &graph, &loaded);
    // One graph: the database is checked for freshness only where this
    // graph's answer depends on it. `--base-ref` adds a second graph.
    let names: rustc_hash::FxHashSet<&str> =
        graph.packages().map(|(_, p)| p.name.as_str()).collect();
    let scope = args.base_ref.is_none().then_some(&names);
    let db = crate::advisories::store::open(args.gate.advisory_db.as_deref(), scope)?;
    db.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    let baseline = args
        .baseline
        .as_deref()
        .map(crate::decide::baseline::Baseline::load);
    let baseline = baseline.transpose()?;
    let against = match (&args.base_ref, &baseline) {
        (Some(rev), _) => Against::BaseRef {
            rev,
            input: &input,
            policy: args.ws.policy.as_deref(),
        },
        (None, Some(b)) => Against::Baseline(b),
        (None, None) => Against::Nothing,
    };
    let inputs = Inputs {
        loaded: &loaded,
        db: Some(&db),
        today,
        cli: levels,
        fail_on: args.gate.levels.fail_on(),
    };
    let api = api_findings(args, &input, &graph, &loaded, today)?;
    let assessment = crate::pipeline::run_with(&inputs, &graph, against, api)?;
    let verdict = emit(cli, &args.gate, &outputs, &assessment)?;
    // The process ends here: freeing thousands of packages and findings one
    // by one would only delay the exit code (a tenth of a large check).
    std::mem::forget((assessment, graph, db, loaded));
    Ok(verdict)
}

/// The API gate's findings, when the policy sets `[semver] api` and the
/// check has a `--base-ref` to compare with.
fn api_findings(
    args: &CheckArgs,
    input: &crate::graph::WorkspaceInput,
    graph: &Graph,
    loaded: &Loaded,
    today: Date,
) -> Result<Vec<crate::model::Finding>> {
    let config = semver::semver_config(loaded);
    let (Some(rev), Some(_)) = (&args.base_ref, config.api) else {
        return Ok(Vec::new());
    };
    if input.lockfile_only || input.sbom.is_some() {
        return Err(Error::Usage(
            "`[semver] api` with --base-ref builds rustdoc, which runs the workspace's build scripts and proc macros: not with --lockfile-only or --sbom (set `[semver] api = \"off\"`, or check in metadata mode)".into(),
        ));
    }
    let flags = crate::semver::Flags {
        features: input.cargo.features.clone(),
        all_features: input.cargo.all_features,
        no_default_features: input.cargo.no_default_features,
        target: None,
    };
    let base = crate::semver::Base::Ref(rev.clone());
    let out = semver::compare(&graph.workspace_root, &base, &[], &flags, &config, today)?;
    Ok(out.findings)
}

/// Prints the notes, writes the `--output` reports and the stdout report
/// of a gate; its verdict decides the exit code.
fn emit(
    cli: &Cli,
    gate: &GateArgs,
    outputs: &[(Format, PathBuf)],
    assessment: &crate::model::Assessment,
) -> Result<Verdict> {
    emit_with(cli, gate, outputs, assessment, |format, opts| {
        render(assessment, format, opts)
    })
}

/// As [`emit`], with `text` rendering each format (`semver` renders its
/// change summary for some).
fn emit_with(
    cli: &Cli,
    gate: &GateArgs,
    outputs: &[(Format, PathBuf)],
    assessment: &crate::model::Assessment,
    text: impl Fn(Format, RenderOptions<'_>) -> String,
) -> Result<Verdict> {
    assessment.notes.iter().for_each(|n| eprintln!("{n}"));
    let opts = RenderOptions {
        color: false,
        verbose: cli.verbose > 0,
        sarif_category: gate.sarif_category.as_deref(),
        gitlab_schema_version: gate.gitlab_schema_version.as_deref(),
    };
    for (format, path) in outputs {
        crate::atomic::write(path, text(*format, opts).as_bytes())?;
    }
    if !(cli.quiet && gate.format == Format::Human) {
        let color = use_color(cli.color);
        print_stdout(&text(gate.format, RenderOptions { color, ..opts }));
    }
    Ok(assessment.verdict)
}

/// Findings made outside the checks (`verify`, `semver`) through the
/// decide stage, with the policy's waivers of `rules`.
fn decide_findings(
    loaded: &Loaded,
    graph: &Graph,
    findings: Vec<crate::model::Finding>,
    rules: &[&crate::model::Rule],
    gate: &GateArgs,
    levels: &[CliLevel],
    today: Date,
) -> crate::model::Assessment {
    let inputs = Inputs {
        loaded,
        db: None,
        today,
        cli: levels,
        fail_on: gate.levels.fail_on(),
    };
    crate::pipeline::decide_only(&inputs, graph, findings, rules)
}

/// What `-v` and the license-data source tell on stderr.
fn notes(cli: &Cli, graph: &Graph, loaded: &Loaded) {
    if cli.verbose > 0 {
        eprintln!(
            "depgate: {} packages; policy {}",
            graph.graph.node_count(),
            loaded.policy.layers.join(" <- ")
        );
        if !graph.not_built.is_empty() {
            eprintln!(
                "depgate: {} resolved packages are never built (no enabled feature turns them on), not checked: {}",
                graph.not_built.len(),
                graph.not_built.join(", ")
            );
        }
    }
    license_note(&graph.license_data);
}

/// Says on stderr which crates the cargo registry cache gave licenses for.
fn license_note(data: &crate::model::LicenseData) {
    if data.source == "cargo-cache" {
        eprintln!(
            "note: license data from the local cargo registry cache: {} crates found ({}), {} missing ({})",
            data.found.len(),
            data.found.join(", "),
            data.missing.len(),
            data.missing.join(", ")
        );
    }
}

/// `--output FORMAT=PATH` split into its two halves.
fn split_output(spec: &str) -> Result<(&str, PathBuf)> {
    let (fmt, path) = spec
        .split_once('=')
        .ok_or_else(|| Error::Usage(format!("--output {spec}: expected FORMAT=PATH")))?;
    Ok((fmt, PathBuf::from(path)))
}

fn parse_outputs(specs: &[String]) -> Result<Vec<(Format, PathBuf)>> {
    specs
        .iter()
        .map(|spec| {
            let (fmt, path) = split_output(spec)?;
            let format = Format::parse(fmt).ok_or_else(|| {
                Error::Usage(format!(
                    "--output {spec}: unsupported format `{fmt}` ({})",
                    Format::NAMES.join(", ")
                ))
            })?;
            Ok((format, path))
        })
        .collect()
}

/// `--color`, else `CARGO_TERM_COLOR`, else auto: anstream decides for
/// stdout (a terminal, `NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE`, `TERM=dumb`).
fn use_color(choice: Option<ColorChoice>) -> bool {
    let choice = choice.unwrap_or_else(|| match std::env::var("CARGO_TERM_COLOR").as_deref() {
        Ok("always") => ColorChoice::Always,
        Ok("never") => ColorChoice::Never,
        _ => ColorChoice::Auto,
    });
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
