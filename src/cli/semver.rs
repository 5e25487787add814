//! `depgate semver`: the API gate on its own, and the API findings that
//! `check --base-ref` adds when the policy sets `[semver] api`. Findings
//! go through the decide stage; `--format markdown` and `json` give the
//! change summary (with the verdict), the other formats the findings.

use super::{
    Cli, SemverArgs, decide_findings, emit_with, parse_outputs, parse_today, validate_levels,
};
use crate::checks::semver::Config;
use crate::decide::CliLevel;
use crate::error::{Error, Result};
use crate::graph::{Graph, Mode};
use crate::model::api::ApiReport;
use crate::model::{Assessment, Verdict};
use crate::pipeline::Loaded;
use crate::report::{Format, RenderOptions, render};
use crate::semver::{Base, Flags, Options};
use std::path::Path;

/// Runs the API comparison for `head` against `base` with the policy's config.
pub fn compare(
    head: &Path,
    base: &Base,
    packages: &[String],
    flags: &Flags,
    config: &Config,
    today: crate::date::Date,
) -> Result<crate::semver::Outcome> {
    let home = crate::advisories::store::home()
        .ok_or_else(|| {
            Error::Usage("no cache directory for rustdoc builds: set DEPGATE_HOME".into())
        })?
        .join("rustdoc");
    crate::semver::run(&Options {
        head,
        base,
        packages,
        flags,
        home,
        config,
        today,
    })
}

pub fn run(cli: &Cli, args: &SemverArgs, levels: &[CliLevel]) -> Result<Option<Verdict>> {
    if args.supported_formats {
        let list: Vec<String> = crate::semver::SUPPORTED
            .iter()
            .map(u32::to_string)
            .collect();
        super::print_stdout(&format!("{}\n", list.join("\n")));
        return Ok(None);
    }
    validate_levels(levels)?;
    let today = parse_today(args.gate.today.as_deref())?;
    let outputs = parse_outputs(&args.gate.output)?;
    if args.gate.advisory_db.is_some() {
        return Err(Error::Usage(
            "semver reads no advisory database: --advisory-db does not apply".into(),
        ));
    }
    let base = match (&args.base_ref, &args.base_dir) {
        (Some(r), _) => Base::Ref(r.clone()),
        (None, Some(d)) => Base::Dir(d.clone()),
        (None, None) => {
            return Err(Error::Usage(
                "semver needs a base: --base-ref REV or --base-dir DIR".into(),
            ));
        }
    };
    let head = crate::graph::load::workspace_dir(args.manifest_path.as_deref())?;
    let graph = Graph::empty(Mode::Semver, head.clone());
    let loaded = Loaded::for_graph(args.policy.as_deref(), &graph)?;
    let config = semver_config(&loaded);
    let flags = Flags {
        features: args
            .features
            .iter()
            .flat_map(|f| f.split_whitespace())
            .map(str::to_string)
            .collect(),
        all_features: args.all_features,
        no_default_features: args.no_default_features,
        target: args.target.clone(),
    };
    let outcome = compare(&head, &base, &args.packages, &flags, &config, today)?;
    if cli.verbose > 0 {
        outcome.notes.iter().for_each(|n| eprintln!("{n}"));
    }
    let assessment = decide_findings(
        &loaded,
        &graph,
        outcome.findings,
        crate::checks::semver::RULES,
        &args.gate,
        levels,
        today,
    );
    let report = &outcome.report;
    emit_with(cli, &args.gate, &outputs, &assessment, |format, opts| {
        text(&assessment, report, format, opts)
    })
    .map(Some)
}

/// The policy's `[semver]` and `[deprecation]` tables.
pub fn semver_config(loaded: &Loaded) -> Config {
    loaded.configs.get::<Config>().cloned().unwrap_or_default()
}

/// The change summary for `markdown` and `json`, the findings otherwise.
fn text(a: &Assessment, r: &ApiReport, format: Format, opts: RenderOptions<'_>) -> String {
    match format {
        Format::Markdown => crate::report::changelog::markdown(r),
        Format::Json => {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            let findings: serde_json::Value =
                serde_json::from_str(&render(a, Format::Json, opts)).unwrap_or_default();
            v["report"] = findings;
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        other => render(a, other, opts),
    }
}
