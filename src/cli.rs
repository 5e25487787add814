//! Command-line interface shared by `depgate` and `cargo-depgate`: clap
//! definitions and the dispatch from a parsed command to the library.
//! Reports go to stdout or `--output` files; logs and errors to stderr.

use crate::date::Date;
use crate::decide::{CliLevel, EXIT_ERROR, EXIT_FAIL, EXIT_PASS};
use crate::error::{Error, Result};
use crate::finding::Level;
use crate::graph::metadata::CargoOptions;
use crate::report::{Format, RenderOptions, Report, render, write_atomic};
use crate::scan::{Shared, WorkspaceInput, load_workspace, scan};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "depgate",
    version,
    about = "Policy gate for Cargo dependencies",
    max_term_width = 100
)]
pub struct Cli {
    /// Colour: auto, always or never (default: CARGO_TERM_COLOR, else auto).
    #[arg(long, global = true, value_enum)]
    pub color: Option<ColorChoice>,
    /// Print no report on stdout for the human format; the exit code still tells.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More detail: allowed counts, loaded files (stderr).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a workspace against the policy.
    Check(Box<CheckArgs>),
    /// Validate or show policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// The advisory database: where it comes from, and its snapshot.
    #[command(subcommand)]
    Db(DbCommand),
    /// License inventory by license and by crate, for compliance packs.
    Licenses(Box<LicensesArgs>),
    /// List every rule with its default level.
    Rules,
    /// Print a rule's page.
    Explain {
        /// Rule id, e.g. source-git-unpinned.
        rule: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate a policy file (default: the discovered policy, else the built-in one).
    Check { file: Option<PathBuf> },
    /// Print the effective merged policy, with where each value came from.
    Show {
        /// Policy file (default: discovered from the current directory).
        #[arg(long)]
        policy: Option<PathBuf>,
    },
    /// Print every policy key with its type and meaning (Markdown).
    Keys,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Print the database's source, date, advisory count and age.
    Info {
        /// Database directory (default: the cache, else the embedded snapshot).
        #[arg(long, value_name = "DIR")]
        advisory_db: Option<PathBuf>,
        /// Date the age is counted to (YYYY-MM-DD).
        #[arg(long, env = "DEPGATE_TODAY", value_name = "DATE")]
        today: Option<String>,
    },
    /// Download the advisory database into the cache ($DEPGATE_HOME/advisory-db).
    Update {
        /// Archive URL (a .tar.gz of the advisory-db repository).
        #[arg(long, default_value = crate::advisories::fetch::DEFAULT_URL)]
        url: String,
    },
    /// Write the compressed snapshot that is embedded in the binary.
    Snapshot {
        /// The advisory-db directory to bundle.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// Output file (src/advisories/snapshot.bin.gz when rebuilding depgate).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    /// Path to the workspace's Cargo.toml.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Features to activate (comma or space separated, repeatable).
    #[arg(long, short = 'F', value_delimiter = ',')]
    pub features: Vec<String>,
    #[arg(long)]
    pub all_features: bool,
    #[arg(long)]
    pub no_default_features: bool,
    /// Only count dependencies built for these targets (repeatable). Default: every target.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Vec<String>,
    /// Require Cargo.lock to be up to date (passed to cargo).
    #[arg(long)]
    pub locked: bool,
    /// Run cargo without network access.
    #[arg(long)]
    pub offline: bool,
    /// --locked and --offline.
    #[arg(long)]
    pub frozen: bool,
    /// Read Cargo.lock only: never run cargo, never read .cargo/config or rust-toolchain.
    #[arg(long)]
    pub lockfile_only: bool,
    /// Cargo.lock to read (default: the workspace's).
    #[arg(long, value_name = "PATH")]
    pub lockfile: Option<PathBuf>,
    /// Pre-generated `cargo metadata --format-version 1` JSON instead of running cargo.
    #[arg(long, value_name = "FILE")]
    pub metadata_path: Option<PathBuf>,
    /// Policy file (default: discovered, else the built-in default).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Where lockfile mode takes license fields from: default (none) or cargo-cache.
    #[arg(long, value_enum, value_name = "SOURCE", default_value = "default")]
    pub license_data: crate::graph::license_data::LicenseDataOption,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// Advisory database directory (default: the cache, else the embedded snapshot).
    #[arg(long, value_name = "DIR")]
    pub advisory_db: Option<PathBuf>,
    /// Report format on stdout.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Also write a report: FORMAT=PATH (repeatable), written atomically.
    #[arg(long, value_name = "FORMAT=PATH")]
    pub output: Vec<String>,
    /// Levels that fail the gate: deny (default) or warn.
    #[arg(long, value_parser = ["deny", "warn"])]
    pub fail_on: Option<String>,
    /// Set RULE to deny (repeatable; the last flag for a rule wins).
    #[arg(short = 'D', value_name = "RULE")]
    pub deny: Vec<String>,
    /// Set RULE to warn.
    #[arg(short = 'W', value_name = "RULE")]
    pub warn: Vec<String>,
    /// Set RULE to allow (not reported).
    #[arg(short = 'A', value_name = "RULE")]
    pub allow: Vec<String>,
    /// GitLab dependency-scanning schema version to declare (X.Y.Z; default 15.1.5).
    #[arg(long, value_name = "VERSION", value_parser = parse_schema_version)]
    pub gitlab_schema_version: Option<String>,
    /// Diff-only gating against a git revision: the findings at REV are computed in-process (git worktree).
    #[arg(long, value_name = "REV", conflicts_with = "baseline")]
    pub base_ref: Option<String>,
    /// Diff-only gating: a previous depgate JSON report; only new findings fail (see `[diff]`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// SARIF `automationDetails.id` category (default: depgate/<workspace path>).
    #[arg(long, value_name = "ID")]
    pub sarif_category: Option<String>,
    /// The date deadlines and expiries are counted against (YYYY-MM-DD).
    #[arg(long, env = "DEPGATE_TODAY", value_name = "DATE")]
    pub today: Option<String>,
}

#[derive(Debug, Args)]
pub struct LicensesArgs {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: crate::report::inventory::InventoryFormat,
    /// One table only: by crate (CSV's default) or by license.
    #[arg(long, value_enum)]
    pub by: Option<crate::report::inventory::InventoryBy>,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

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
    if let Some(rev) = &args.base_ref {
        let repo = graph.repo_root.clone().ok_or_else(|| {
            Error::Usage("--base-ref needs the workspace to be inside a git repository".into())
        })?;
        let probe = Shared {
            baseline: None,
            extra: &[],
            policy: &policy,
            db: Some(&db),
            index: index.as_ref(),
            today,
            cli: &levels,
            fail_on,
        };
        let (base, base_policy) = crate::base_ref::base_findings(
            &repo,
            rev,
            &input,
            args.ws.policy.as_deref(),
            &graph.workspace_root,
            &probe,
        )?;
        weakened = crate::decide::weakened::compare(&base_policy, &policy, &graph.workspace_key());
        baseline = Some(base);
    }
    let shared = Shared {
        extra: &weakened,
        baseline: baseline.as_ref(),
        policy: &policy,
        db: Some(&db),
        index: index.as_ref(),
        today,
        cli: &levels,
        fail_on,
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

impl WorkspaceArgs {
    /// Where the workspace is and how to load it.
    pub fn input(&self) -> Result<WorkspaceInput> {
        if self.lockfile_only && self.metadata_path.is_some() {
            return Err(Error::Usage(
                "--lockfile-only and --metadata-path exclude each other".into(),
            ));
        }
        Ok(WorkspaceInput {
            lockfile_only: self.lockfile_only,
            lockfile: self.lockfile.clone(),
            metadata_path: self.metadata_path.clone(),
            cargo: CargoOptions {
                manifest_path: self.manifest_path.clone(),
                features: self
                    .features
                    .iter()
                    .flat_map(|f| f.split_whitespace())
                    .map(str::to_string)
                    .collect(),
                all_features: self.all_features,
                no_default_features: self.no_default_features,
                locked: self.locked,
                offline: self.offline,
                frozen: self.frozen,
            },
            targets: self.target.clone(),
            license_data: self.license_data,
        })
    }
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

fn parse_schema_version(s: &str) -> std::result::Result<String, String> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        Ok(s.to_string())
    } else {
        Err("expected X.Y.Z, e.g. 15.1.5".into())
    }
}
