//! The API gate (`depgate semver`, and `check --base-ref` with `[semver]
//! api`): for each library crate of the workspace present at the base and
//! the head, build rustdoc JSON of both, compute the public APIs, classify
//! every change, and compare the bump it needs with the versions' bump.
//! The findings go through the decide stage like every other family's;
//! the change summary ([`ApiReport`]) is rendered as a changelog.

pub mod api;
mod base;
pub mod build;
pub mod bump;
mod compare;
mod deprecated_apis;
mod deprecation;
pub mod diff;
mod findings;
mod members;
pub mod types;

use crate::checks::semver::Config;
use crate::date::Date;
use crate::error::Result;
use crate::model::Finding;
use crate::model::api::{ApiReport, CrateApi};
use members::Member;
use std::path::{Path, PathBuf};

pub use build::{Flags, SUPPORTED};

/// Where the base comes from.
#[derive(Debug, Clone)]
pub enum Base {
    /// `--base-ref REV`: checked out with `git worktree` into a temporary directory.
    Ref(String),
    /// `--base-dir DIR`: an older source tree, already checked out.
    Dir(PathBuf),
}

pub struct Options<'a> {
    /// The head workspace's root.
    pub head: &'a Path,
    pub base: &'a Base,
    /// `-p`: only these crates (default: every library member).
    pub packages: &'a [String],
    pub flags: &'a Flags,
    /// `$DEPGATE_HOME/rustdoc`: the target directory and the base cache.
    pub home: PathBuf,
    pub config: &'a Config,
    pub today: Date,
}

/// The findings and the change summary.
pub struct Outcome {
    pub report: ApiReport,
    pub findings: Vec<Finding>,
    /// What was built and what came from the cache, for `-v`.
    pub notes: Vec<String>,
}

/// Compares the head workspace with its base.
pub fn run(opts: &Options<'_>) -> Result<Outcome> {
    let repo = crate::location::find_repo_root(opts.head);
    let mut tree = base::BaseTree::new(opts.base, opts.head, repo.as_deref())?;
    let cache = opts.home.join("cache");
    // Independent commands: the head's members and the toolchain at once.
    let (head_members, toolchain) =
        rayon::join(|| members::library_members(opts.head), build::toolchain);
    let head_members = head_members?;
    let base_members = tree.members(&cache)?;
    let label = tree.label.clone();
    let ctx = context(opts, repo.clone(), &mut tree)?;
    // One target directory per side: cargo keeps a documented crate fresh
    // by its name and version, and both sides write `doc/NAME.json`.
    let (base_target, head_target) = (opts.home.join("target-base"), opts.home.join("target-head"));
    let mut crates = Vec::new();
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let wanted = |name: &str| opts.packages.is_empty() || opts.packages.iter().any(|p| p == name);
    for name in head_members
        .keys()
        .chain(base_members.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        if !wanted(name) {
            continue;
        }
        let (b, h) = (base_members.get(name), head_members.get(name));
        let (Some(b), Some(h)) = (b, h) else {
            let c = findings::one_side(&ctx, name, b, h, &mut out);
            crates.push(c);
            continue;
        };
        let (base_json, to_cache) =
            base_build(opts, &mut tree, b, &toolchain, &base_target, &mut notes)?;
        let started = std::time::Instant::now();
        let head_json = build::build(opts.head, &h.name, opts.flags, &head_target)?;
        let built = started.elapsed();
        let (base_krate, head_krate) = rayon::join(
            || build::parse(&base_json, &format!("rustdoc JSON of {name} at {label}")),
            || build::parse(&head_json, &format!("rustdoc JSON of {name}")),
        );
        let (base_krate, head_krate) = (base_krate?, head_krate?);
        if let Some(file) = to_cache {
            // A cache that cannot be written only costs the next run a build.
            let _ = file.parent().map(std::fs::create_dir_all);
            let _ = crate::atomic::write(&file, base_json.as_bytes());
        }
        let (ba, ha) = (api::public_api(&base_krate), api::public_api(&head_krate));
        let changes = diff::diff(&diff::Side::new(&ba), &diff::Side::new(&ha));
        notes.push(format!(
            "depgate: {name}: head rustdoc {} ms; load and diff {} ms ({} and {} public paths, {} changes)",
            built.as_millis(),
            (started.elapsed() - built).as_millis(),
            ba.paths.len(),
            ha.paths.len(),
            changes.len()
        ));
        crates.push(findings::judge(&ctx, b, h, changes, &mut out)?);
    }
    out.extend(dependency_deprecations(
        opts,
        repo.as_deref(),
        &ctx.workspace,
    )?);
    crates.sort_by(|a: &CrateApi, b| a.name.cmp(&b.name));
    Ok(Outcome {
        report: ApiReport {
            schema: "depgate.api/v1",
            base: label,
            crates,
        },
        findings: out,
        notes,
    })
}

/// What the findings are made with.
fn context<'a>(
    opts: &Options<'a>,
    repo: Option<PathBuf>,
    tree: &mut base::BaseTree<'_>,
) -> Result<findings::Context<'a>> {
    Ok(findings::Context {
        workspace: crate::location::display_path(repo.as_deref(), opts.head),
        repo,
        head: opts.head.to_path_buf(),
        base_root: match opts.base {
            Base::Ref(_) => opts.head.to_path_buf(),
            Base::Dir(_) => tree.dir()?,
        },
        config: opts.config,
        today: opts.today,
        base_label: tree.label.clone(),
        base_commit: tree.commit().map(str::to_string),
    })
}

/// Uses of deprecated dependency items, when `[[deprecation.apis]]` lists any.
fn dependency_deprecations(
    opts: &Options<'_>,
    repo: Option<&Path>,
    workspace: &str,
) -> Result<Vec<Finding>> {
    if opts.config.apis.is_empty() {
        return Ok(Vec::new());
    }
    let target = opts.home.join("target-deprecated");
    deprecated_apis::scan(
        opts.head,
        repo,
        &target,
        &opts.config.apis,
        opts.today,
        workspace,
    )
}

/// The base's rustdoc JSON: from the cache, else built, with the cache
/// file to write once it has parsed (only JSON this build reads is cached).
fn base_build(
    opts: &Options<'_>,
    tree: &mut base::BaseTree<'_>,
    m: &Member,
    toolchain: &str,
    target_dir: &Path,
    notes: &mut Vec<String>,
) -> Result<(String, Option<PathBuf>)> {
    let cached = build::cache_path(
        &opts.home.join("cache"),
        &m.name,
        &tree.key,
        opts.flags,
        toolchain,
    );
    if let Ok(text) = std::fs::read_to_string(&cached) {
        notes.push(format!(
            "depgate: {}: base rustdoc JSON from the cache",
            m.name
        ));
        return Ok((text, None));
    }
    let started = std::time::Instant::now();
    let text = build::build(&tree.dir()?, &m.name, opts.flags, target_dir)?;
    let took = started.elapsed().as_millis();
    notes.push(format!("depgate: {}: base rustdoc {took} ms", m.name));
    Ok((text, Some(cached)))
}
