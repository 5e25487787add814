//! Command-line interface shared by `depgate` and `cargo-depgate`: the
//! dispatch from a parsed command (defined in `args.rs`) to the library.
//! Reports go to stdout or `--output` files; logs and errors to stderr.

use crate::date::Date;
use crate::decide::{CliLevel, EXIT_ERROR, EXIT_FAIL, EXIT_PASS};
use crate::error::{Error, Result};
use crate::finding::Level;
use crate::report::{Format, RenderOptions, Report, render, write_atomic};
use crate::scan::{Shared, load_workspace, scan};
use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

mod args;
pub use args::*;

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
    let result = std::panic::catch_unwind(|| run(&cli, levels));
    match result {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            report_error(&e);
            EXIT_ERROR
        }
        Err(_) => {
            eprintln!("error: internal error (a bug in depgate); no report was written");
            EXIT_ERROR
        }
    }
}

fn report_error(e: &Error) {
    let mut err = std::io::stderr().lock();
    match e {
        Error::Input(problems) => {
            for p in problems {
                let _ = writeln!(err, "error: {p}");
            }
        }
        other => {
            let _ = writeln!(err, "error: {other}");
        }
    }
}

/// `-D/-W/-A` in command-line order, so the last flag for a rule wins.
fn cli_levels(matches: &clap::ArgMatches) -> Vec<CliLevel> {
    let Some(("check", sub)) = matches.subcommand() else {
        return Vec::new();
    };
    let mut flags: Vec<(usize, CliLevel)> = Vec::new();
    for (id, level) in [
        ("deny", Level::Deny),
        ("warn", Level::Warn),
        ("allow", Level::Allow),
    ] {
        if let (Some(idx), Some(vals)) = (sub.indices_of(id), sub.get_many::<String>(id)) {
            for (i, rule) in idx.zip(vals) {
                flags.push((
                    i,
                    CliLevel {
                        rule: rule.clone(),
                        level,
                    },
                ));
            }
        }
    }
    flags.sort_by_key(|(i, _)| *i);
    flags.into_iter().map(|(_, l)| l).collect()
}

fn run(cli: &Cli, levels: Vec<CliLevel>) -> Result<u8> {
    match &cli.command {
        Command::Check(args) => check(cli, args, levels),
        Command::Licenses(args) => licenses(args),
        Command::Policy(cmd) => crate::policy::show::run(cmd_policy(cmd), cli.verbose > 0),
        Command::Db(cmd) => db_command(cmd),
        Command::Rules => {
            let mut out = String::new();
            for r in crate::rules::ALL {
                out.push_str(&format!(
                    "{:<34} {:<5} {:<10} {}\n",
                    r.id,
                    r.default_level.as_str(),
                    r.family,
                    r.summary
                ));
            }
            print_stdout(&out);
            Ok(EXIT_PASS)
        }
        Command::Explain { rule } => match crate::rules::find(rule) {
            Some(r) => {
                print_stdout(r.page);
                Ok(EXIT_PASS)
            }
            None => {
                let ids: Vec<&str> = crate::rules::ALL.iter().map(|r| r.id).collect();
                let hint = crate::policy::schema::did_you_mean(rule, &ids)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                Err(Error::Usage(format!(
                    "unknown rule `{rule}`{hint}; `depgate rules` lists them"
                )))
            }
        },
    }
}

fn parse_today(today: Option<&str>) -> Result<Date> {
    match today {
        Some(s) => {
            Date::parse(s).ok_or_else(|| Error::Usage(format!("--today {s}: expected YYYY-MM-DD")))
        }
        None => Ok(Date::today_utc()),
    }
}

fn db_command(cmd: &DbCommand) -> Result<u8> {
    match cmd {
        DbCommand::Info { advisory_db, today } => {
            let db = crate::advisories::store::open(advisory_db.as_deref())?;
            let r = crate::report::DbReport::new(&db, parse_today(today.as_deref())?);
            print_stdout(&format!(
                "source: {}{}\ncommit: {}\ndate: {}\nage: {} days\nadvisories: {}\nwarnings: {}\n",
                r.kind,
                r.path
                    .as_deref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default(),
                r.commit.as_deref().unwrap_or("unknown"),
                r.date,
                r.age_days,
                r.advisories,
                r.warnings.len(),
            ));
            Ok(EXIT_PASS)
        }
        DbCommand::Update { url } => {
            let cache = crate::advisories::store::cache_dir()
                .ok_or_else(|| Error::Usage("no cache directory: set DEPGATE_HOME".into()))?;
            let db = crate::advisories::fetch::update(url, &cache, Date::today_utc())?;
            print_stdout(&format!(
                "updated {}: {} advisories\n",
                cache.display(),
                db.advisories.len()
            ));
            Ok(EXIT_PASS)
        }
        DbCommand::Snapshot { from, out } => {
            let n = crate::advisories::store::write_snapshot(from, out)?;
            eprintln!("wrote {n} advisories to {}", out.display());
            Ok(EXIT_PASS)
        }
    }
}

fn cmd_policy(cmd: &PolicyCommand) -> crate::policy::show::Request {
    match cmd {
        PolicyCommand::Check { file } => crate::policy::show::Request::Check(file.clone()),
        PolicyCommand::Show { policy } => crate::policy::show::Request::Show(policy.clone()),
        PolicyCommand::Keys => crate::policy::show::Request::Keys,
    }
}

fn check(cli: &Cli, args: &CheckArgs, levels: Vec<CliLevel>) -> Result<u8> {
    crate::decide::validate_cli_levels(&levels)?;
    let today = match &args.today {
        Some(s) => Date::parse(s)
            .ok_or_else(|| Error::Usage(format!("--today {s}: expected YYYY-MM-DD")))?,
        None => Date::today_utc(),
    };
    let outputs = parse_outputs(&args.output)?;
    let input = args.ws.input()?;
    let graph = load_workspace(&input)?;
    let policy = crate::policy::load(
        args.ws.policy.as_deref(),
        &graph.workspace_root,
        graph.repo_root.as_deref(),
    )?;
    if cli.verbose > 0 {
        eprintln!(
            "depgate: {} packages; policy {}",
            graph.graph.node_count(),
            policy.layers.join(" <- ")
        );
    }
    note_license_data(&graph.license_data);
    let fail_on = args.fail_on.as_deref().and_then(Level::parse);
    let db = crate::advisories::store::open(args.advisory_db.as_deref())?;
    for w in &db.warnings {
        eprintln!("warning: {w}");
    }
    let wants_index = policy.advisories.yanked.is_some()
        || policy
            .tree
            .at(&["maintenance", "max-release-age"])
            .is_some();
    let index = wants_index.then(|| {
        let names = graph
            .packages()
            .filter(|(_, p)| p.source.is_crates_io())
            .map(|(_, p)| p.name.as_str());
        let home = crate::advisories::index_cache::cargo_home().unwrap_or_default();
        crate::advisories::index_cache::load(&home, names)
    });
    if let Some(ix) = &index {
        if !ix.missing.is_empty() {
            let list: Vec<&str> = ix.missing.iter().map(String::as_str).collect();
            eprintln!(
                "warning: {} crates are not in the local cargo index cache, so whether they are yanked, and when they were released, is unknown: {}",
                list.len(),
                list.join(", ")
            );
        }
    }
    let mut baseline = match &args.baseline {
        Some(p) => Some(crate::decide::baseline::Baseline::load(p)?),
        None => None,
    };
    let mut weakened = Vec::new();
    // What every scan of this run shares; the base-ref scan uses it as is.
    let common = Shared {
        baseline: None,
        extra: &[],
        policy: &policy,
        db: Some(&db),
        index: index.as_ref(),
        today,
        cli: &levels,
        fail_on,
    };
    if let Some(rev) = &args.base_ref {
        let repo = graph.repo_root.clone().ok_or_else(|| {
            Error::Usage("--base-ref needs the workspace to be inside a git repository".into())
        })?;
        let (base, base_policy) = crate::base_ref::base_findings(
            &repo,
            rev,
            &input,
            args.ws.policy.as_deref(),
            &graph.workspace_root,
            &common,
        )?;
        weakened = crate::decide::weakened::compare(&base_policy, &policy, &graph.workspace_key());
        baseline = Some(base);
    }
    let shared = Shared {
        extra: &weakened,
        baseline: baseline.as_ref(),
        ..common
    };
    let mut outcome = scan(&graph, &shared);
    let passed = outcome.passed;
    let resolved = std::mem::take(&mut outcome.resolved);
    let mut report = Report::new(&graph, &policy, outcome, today);
    report.resolved = baseline.is_some().then_some(resolved);
    report.advisory_db = Some(crate::report::DbReport::new(&db, today));
    let color = use_color(cli.color);
    for (format, path) in &outputs {
        let text = render(
            &report,
            *format,
            RenderOptions {
                color: false,
                verbose: cli.verbose > 0,
                sarif_category: args.sarif_category.as_deref(),
                gitlab_schema_version: args.gitlab_schema_version.as_deref(),
            },
        );
        write_atomic(path, text.as_bytes())?;
    }
    if !(cli.quiet && args.format == Format::Human) {
        print_stdout(&render(
            &report,
            args.format,
            RenderOptions {
                color,
                verbose: cli.verbose > 0,
                sarif_category: args.sarif_category.as_deref(),
                gitlab_schema_version: args.gitlab_schema_version.as_deref(),
            },
        ));
    }
    Ok(if passed { EXIT_PASS } else { EXIT_FAIL })
}

/// Says on stderr which crates the cargo registry cache gave licenses for.
fn note_license_data(data: &crate::graph::license_data::LicenseData) {
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

/// `depgate licenses`: the inventory, to stdout or `--output`.
fn licenses(args: &LicensesArgs) -> Result<u8> {
    let graph = load_workspace(&args.ws.input()?)?;
    let policy = crate::policy::load(
        args.ws.policy.as_deref(),
        &graph.workspace_root,
        graph.repo_root.as_deref(),
    )?;
    note_license_data(&graph.license_data);
    let inv = crate::checks::licenses::inventory::build(&graph, &policy);
    let text = crate::report::inventory::render(&inv, args.format, args.by);
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes())?,
        None => print_stdout(&text),
    }
    Ok(EXIT_PASS)
}

fn parse_outputs(specs: &[String]) -> Result<Vec<(Format, PathBuf)>> {
    specs
        .iter()
        .map(|spec| {
            let (fmt, path) = spec
                .split_once('=')
                .ok_or_else(|| Error::Usage(format!("--output {spec}: expected FORMAT=PATH")))?;
            let format = Format::parse(fmt).ok_or_else(|| {
                Error::Usage(format!(
                    "--output {spec}: unsupported format `{fmt}` (human, json, sarif, markdown, gitlab-codequality, gitlab-dependency-scanning)"
                ))
            })?;
            Ok((format, PathBuf::from(path)))
        })
        .collect()
}

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
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
