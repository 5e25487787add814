//! The commands that are not a gate: `licenses`, `policy`, `db`, `rules`
//! and `explain`. Each loads what it needs, asks the library for text and
//! prints or writes it.

use super::{
    DbCommand, LicensesArgs, PolicyCommand, SbomArgs, license_note, parse_today, print_stdout,
};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::pipeline::Loaded;
use crate::policy::{self, Policy, show};
use std::path::PathBuf;

/// `depgate licenses`: the inventory, to stdout or `--output`.
pub fn licenses(args: &LicensesArgs) -> Result<()> {
    let graph = crate::graph::load(&args.ws.input()?)?;
    let loaded = Loaded::for_graph(args.ws.policy.as_deref(), &graph)?;
    license_note(&graph.license_data);
    let lp = loaded
        .configs
        .get::<Option<crate::checks::licenses::config::LicensePolicy>>()
        .and_then(Option::as_ref);
    let inv = crate::checks::licenses::inventory::build(&graph, lp, &loaded.policy.layers);
    let text = crate::report::inventory::render(&inv, args.format, args.by);
    match &args.output {
        Some(path) => crate::atomic::write(path, text.as_bytes()),
        None => {
            print_stdout(&text);
            Ok(())
        }
    }
}

/// `depgate sbom`: the graph as CycloneDX JSON.
pub fn sbom(args: &SbomArgs) -> Result<()> {
    let graph = crate::graph::load(&args.ws.input()?)?;
    let timestamp = match (&args.today, std::env::var("SOURCE_DATE_EPOCH")) {
        (Some(d), _) => Some(format!("{}T00:00:00Z", parse_today(Some(d))?)),
        (None, Ok(epoch)) => Some(epoch_to_rfc3339(&epoch)?),
        (None, Err(_)) => None,
    };
    let mut features = args.ws.features.clone();
    if args.ws.all_features {
        features.push("--all-features".into());
    }
    if args.ws.no_default_features {
        features.push("--no-default-features".into());
    }
    let opts = crate::sbom::Options {
        spec: crate::sbom::Spec::parse(&args.spec_version).unwrap_or_default(),
        include_dev: args.include_dev,
        timestamp,
        features,
        source_commit: args.ws.metadata_path.is_none(),
    };
    let text = crate::sbom::cyclonedx(&graph, &opts);
    match &args.output {
        Some(path) => crate::atomic::write(path, text.as_bytes()),
        None => {
            print_stdout(&text);
            Ok(())
        }
    }
}

/// `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) as RFC 3339.
fn epoch_to_rfc3339(epoch: &str) -> Result<String> {
    let secs: i64 = epoch.trim().parse().map_err(|_| {
        Error::Usage(format!(
            "SOURCE_DATE_EPOCH={epoch}: not a number of seconds"
        ))
    })?;
    let day = crate::date::Date::from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    Ok(format!(
        "{day}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    ))
}

/// The policy a `policy` subcommand names, else the discovered one, else
/// the built-in default.
fn load_policy(file: Option<PathBuf>) -> Result<Policy> {
    let schema = crate::registry::schema();
    let cwd = std::env::current_dir().unwrap_or_default();
    match file.or_else(|| policy::discover(&cwd)) {
        Some(path) => policy::load_file(&path, &schema),
        None => policy::builtin_default(&schema),
    }
}

pub fn policy(cmd: &PolicyCommand) -> Result<()> {
    let text = match cmd {
        PolicyCommand::Check { file } => show::check_line(&load_policy(file.clone())?),
        PolicyCommand::Show { policy } => show::show(&load_policy(policy.clone())?),
        PolicyCommand::Keys => show::keys_table(&crate::registry::all_fields()),
    };
    print_stdout(&text);
    Ok(())
}

pub fn db(cmd: &DbCommand) -> Result<()> {
    match cmd {
        DbCommand::Info { advisory_db, today } => {
            let db = crate::advisories::store::open(advisory_db.as_deref(), None)?;
            let r = crate::pipeline::db_summary(&db, parse_today(today.as_deref())?);
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
        }
        DbCommand::Update { url } => {
            let cache = crate::advisories::store::cache_dir()
                .ok_or_else(|| Error::Usage("no cache directory: set DEPGATE_HOME".into()))?;
            let db = crate::advisories::fetch::update(url, &cache, Date::today_utc())?;
            print_stdout(&format!(
                "updated {}: {} advisories\n",
                cache.display(),
                db.info.advisories
            ));
        }
        DbCommand::Snapshot { from, out } => {
            let n = crate::advisories::store::write_snapshot(from, out)?;
            eprintln!("wrote {n} advisories to {}", out.display());
        }
    }
    Ok(())
}

pub fn rules() -> Result<()> {
    let mut out = String::new();
    for r in crate::registry::rules() {
        out.push_str(&format!(
            "{:<34} {:<5} {:<10} {}\n",
            r.id,
            r.default_level.as_str(),
            r.family,
            r.summary
        ));
    }
    print_stdout(&out);
    Ok(())
}

pub fn explain(rule: &str) -> Result<()> {
    let r = crate::registry::find_rule(rule).ok_or_else(|| crate::registry::unknown_rule(rule))?;
    print_stdout(r.page);
    Ok(())
}
