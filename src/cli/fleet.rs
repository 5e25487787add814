//! `depgate fleet`: scan, merge and query. A fleet scan writes its report
//! even when some unit could not be scanned (exit 2), unlike `check`.

use super::fleet_args::*;
use super::{parse_today, print_stdout, split_output};
use crate::decide::CliLevel;
use crate::error::{Error, Result};
use crate::fleet::shard::Shard;
use crate::fleet::{Scan, ScanOptions};
use crate::graph::license_data::LicenseDataOption;
use crate::model::fleet::FleetReport;
use crate::model::{Assessment, Level, Verdict};
use crate::pipeline::{Inputs, Loaded};
use crate::report::fleet::{FleetFormat, render};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A `--output` target.
enum Target {
    Report(FleetFormat, PathBuf),
    SarifDir(PathBuf),
}

fn targets(specs: &[String], sarif: bool) -> Result<Vec<Target>> {
    specs
        .iter()
        .map(|spec| {
            let (fmt, path) = split_output(spec)?;
            if fmt == "sarif" {
                if !sarif {
                    return Err(Error::Usage(format!("--output {spec}: SARIF is written by `fleet scan` (one file per repository)")));
                }
                return Ok(Target::SarifDir(path));
            }
            let format = FleetFormat::parse(fmt).ok_or_else(|| {
                Error::Usage(format!(
                    "--output {spec}: unsupported format `{fmt}` ({}, sarif=DIR/)",
                    FleetFormat::NAMES.join(", ")
                ))
            })?;
            Ok(Target::Report(format, path))
        })
        .collect()
}

/// The fleet verdict as the exit-code function reads it.
fn verdict(r: &FleetReport) -> Verdict {
    Verdict {
        fail_on: Level::parse(&r.params.fail_on).unwrap_or(Level::Deny),
        passed: r.verdict.exit_code == 0,
        exit_code: r.verdict.exit_code,
    }
}

pub fn run(cli: &super::Cli, cmd: &FleetCommand, levels: &[CliLevel]) -> Result<Option<Verdict>> {
    match cmd {
        FleetCommand::Scan(args) => scan(cli, args, levels).map(Some),
        FleetCommand::Merge(args) => merge(cli, args).map(Some),
        FleetCommand::Query(args) => query(args).map(|()| None),
    }
}

fn roots(args: &FleetScanArgs) -> Result<Vec<crate::fleet::discover::Root>> {
    let mut roots: Vec<crate::fleet::discover::Root> =
        args.roots.iter().map(|r| (r.clone(), None)).collect();
    if let Some(f) = &args.repos_file {
        roots.extend(crate::fleet::discover::read_repos_file(f)?);
    }
    if roots.is_empty() {
        return Err(Error::Usage(
            "fleet scan: give at least one ROOT or --repos-file".into(),
        ));
    }
    Ok(roots)
}

/// The fleet policy: `--policy`, else discovered from the current
/// directory (never from a scanned repository), else the default.
fn fleet_policy(explicit: Option<&std::path::Path>) -> Result<Loaded> {
    let cwd = std::env::current_dir().map_err(|e| Error::read(".", e))?;
    let repo = crate::graph::find_repo_root(&cwd);
    let schema = crate::registry::schema();
    let p = crate::policy::load(explicit, &cwd, repo.as_deref(), &schema)?;
    Ok(Loaded::new(p))
}

fn scan(cli: &super::Cli, args: &FleetScanArgs, levels: &[CliLevel]) -> Result<Verdict> {
    if let Some(bad) = levels
        .iter()
        .find(|c| crate::registry::find_rule(&c.rule).is_none())
    {
        return Err(crate::registry::unknown_rule(&bad.rule));
    }
    let today = parse_today(args.today.as_deref())?;
    let outputs = targets(&args.out.output, true)?;
    let roots = roots(args)?;
    let env = |k: &str| std::env::var(k).ok();
    let shard = args
        .shard
        .as_deref()
        .map(|s| Shard::parse(s, args.shard_count, &env))
        .transpose()?;
    let license_home = match args.license_data {
        LicenseDataOption::CargoCache if shard.is_some() => {
            return Err(Error::Usage("--license-data cargo-cache is refused with --shard: each machine's cargo cache differs, and merged shards must be byte-identical".into()));
        }
        LicenseDataOption::CargoCache => Some(crate::graph::cargo_home().unwrap_or_default()),
        _ => None,
    };
    let loaded = fleet_policy(args.policy.as_deref())?;
    let db = crate::advisories::store::open(args.advisory_db.as_deref(), None)?;
    db.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    let inputs = Inputs {
        loaded: &loaded,
        db: Some(&db),
        today,
        cli: levels,
        fail_on: args.levels.fail_on(),
    };
    let bar = super::progress::Bar::new(!cli.quiet && args.out.format == FleetFormat::Human);
    let progress = |done: usize, total: usize, errors: usize| bar.update(done, total, errors);
    let opts = ScanOptions {
        roots,
        inputs,
        jobs: args.jobs,
        shard,
        keep_assessments: outputs.iter().any(|t| matches!(t, Target::SarifDir(_))),
        license_home,
        progress: Some(&progress),
    };
    let scan = crate::fleet::scan(&opts)?;
    bar.finish();
    write(cli, &scan, &outputs, args.out.format)?;
    let verdict = verdict(&scan.report);
    // Hundreds of graphs' worth of allocations: the process is about to
    // exit, so leave them to the OS instead of freeing them one by one.
    std::mem::forget(scan);
    Ok(verdict)
}

fn write(cli: &super::Cli, scan: &Scan, outputs: &[Target], format: FleetFormat) -> Result<()> {
    for t in outputs {
        match t {
            Target::Report(FleetFormat::Json, path) => {
                crate::atomic::write_with(path, |w| crate::report::fleet::json_to(&scan.report, w))?
            }
            Target::Report(f, path) => {
                crate::atomic::write(path, render(&scan.report, *f).as_bytes())?
            }
            Target::SarifDir(dir) => sarif_files(dir, &scan.assessments)?,
        }
    }
    if !(cli.quiet && format == FleetFormat::Human) {
        print_stdout(&render(&scan.report, format));
    }
    Ok(())
}

/// GitHub's limit on an uploaded SARIF file, gzipped.
const SARIF_GZIP_LIMIT: usize = 10 << 20;

/// One SARIF file per repository (`DIR/<repository>.sarif`, `/` as `__`),
/// each with its own category and paths relative to that repository.
fn sarif_files(dir: &std::path::Path, assessments: &[(String, Assessment)]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Write {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let mut by_repo: BTreeMap<&str, Vec<&Assessment>> = BTreeMap::new();
    for (repo, a) in assessments {
        by_repo.entry(repo).or_default().push(a);
    }
    for (repo, units) in by_repo {
        let text = crate::report::sarif::render_units(&units, &format!("depgate-fleet/{repo}"));
        let gz = gzip_len(text.as_bytes());
        if gz > SARIF_GZIP_LIMIT {
            return Err(Error::Usage(format!(
                "the SARIF file of repository `{repo}` is {gz} bytes gzipped, over GitHub's limit of {SARIF_GZIP_LIMIT}: narrow the policy (-A RULE) or upload the JSON report instead"
            )));
        }
        let name: String = repo
            .trim_start_matches('/')
            .replace('/', "__")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        crate::atomic::write(&dir.join(format!("{name}.sarif")), text.as_bytes())?;
    }
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = enc.write_all(bytes);
    enc.finish().map_or(usize::MAX, |v| v.len())
}

fn merge(cli: &super::Cli, args: &FleetMergeArgs) -> Result<Verdict> {
    let outputs = targets(&args.out.output, false)?;
    let reports = args
        .shards
        .iter()
        .map(|p| crate::fleet::merge::read(p).map(|r| (p.clone(), r)))
        .collect::<Result<Vec<_>>>()?;
    let report = crate::fleet::merge::merge(reports)?;
    let scan = Scan {
        report,
        assessments: Vec::new(),
    };
    write(cli, &scan, &outputs, args.out.format)?;
    Ok(verdict(&scan.report))
}

fn query(args: &FleetQueryArgs) -> Result<()> {
    let q = crate::fleet::query::Query::parse(&args.krate)?;
    let hits = crate::fleet::query::run(&q, &args.report)?;
    if args.format == "json" {
        let mut s = serde_json::to_string_pretty(&hits).unwrap_or_default();
        s.push('\n');
        print_stdout(&s);
        return Ok(());
    }
    let mut out = String::new();
    if hits.is_empty() {
        out.push_str(&format!("no unit uses {}\n", args.krate));
    }
    for h in &hits {
        let via = if !h.direct && h.via.is_empty() {
            "a workspace member".to_string()
        } else if h.direct && h.via.is_empty() {
            "direct dependency".to_string()
        } else if h.direct {
            format!("direct, and via {}", h.via.join(", "))
        } else {
            format!("via {}", h.via.join(", "))
        };
        out.push_str(&format!(
            "{}  {} {}  {}  ({via})\n",
            h.unit, q.name, h.version, h.location
        ));
    }
    let units: std::collections::BTreeSet<&str> = hits.iter().map(|h| h.unit.as_str()).collect();
    out.push_str(&format!("{} units\n", units.len()));
    print_stdout(&out);
    Ok(())
}
