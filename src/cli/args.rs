//! The clap definitions of depgate's commands and flags, and how the
//! shared workspace flags become a [`WorkspaceInput`].

use crate::error::{Error, Result};
use crate::graph::WorkspaceInput;
use crate::graph::license_data::LicenseDataOption;
use crate::graph::metadata::CargoOptions;
use crate::report::Format;
use crate::report::inventory::{InventoryBy, InventoryFormat};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A parser for a library enum: its names as clap's possible values
/// (listed in `--help`), then the enum's own `FromStr`.
pub(super) fn names<T>(names: &'static [&'static str]) -> impl TypedValueParser<Value = T>
where
    T: std::str::FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    PossibleValuesParser::new(names).try_map(|s| s.parse::<T>())
}

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
    /// Write a CycloneDX SBOM of the graph (JSON, spec 1.6 or 1.5).
    Sbom(Box<SbomArgs>),
    /// Check binaries built with `cargo auditable` against the policy.
    Artifact(Box<ArtifactArgs>),
    /// Verify release files: digests, minisign signatures, provenance.
    Verify(Box<VerifyArgs>),
    /// The API gate: library API changes against the version bump, from rustdoc JSON.
    Semver(Box<SemverArgs>),
    /// Audit many repositories at once: scan, merge shard reports, query.
    #[command(subcommand)]
    Fleet(super::fleet_args::FleetCommand),
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
    /// Write the snapshot index that is embedded in the binary.
    Snapshot {
        /// The advisory-db directory to bundle.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// Output file (src/advisories/snapshot.idx when rebuilding depgate).
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
    /// A CycloneDX 1.4-1.6 JSON SBOM as the graph (never runs cargo).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["lockfile_only", "metadata_path", "lockfile"])]
    pub sbom: Option<PathBuf>,
    /// Policy file (default: discovered, else the built-in default).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Where lockfile mode takes license fields from: default (none) or cargo-cache.
    #[arg(long, value_name = "SOURCE", default_value = "default", value_parser = names::<LicenseDataOption>(&LicenseDataOption::NAMES))]
    pub license_data: LicenseDataOption,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    #[command(flatten)]
    pub gate: GateArgs,
    /// Diff-only gating against a git revision: the findings at REV are computed in-process (git worktree).
    #[arg(long, value_name = "REV", conflicts_with = "baseline")]
    pub base_ref: Option<String>,
    /// Diff-only gating: a previous depgate JSON report; only new findings fail (see `[diff]`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

/// What every gate (`check`, `artifact`, `verify`) takes: the database,
/// the reports, the levels and the date.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Advisory database directory (default: the cache, else the embedded snapshot).
    #[arg(long, value_name = "DIR")]
    pub advisory_db: Option<PathBuf>,
    /// Report format on stdout.
    #[arg(long, default_value = "human", value_parser = names::<Format>(&Format::NAMES))]
    pub format: Format,
    /// Also write a report: FORMAT=PATH (repeatable), written atomically.
    #[arg(long, value_name = "FORMAT=PATH")]
    pub output: Vec<String>,
    #[command(flatten)]
    pub levels: LevelArgs,
    /// GitLab dependency-scanning schema version to declare (X.Y.Z; default 15.1.5).
    #[arg(long, value_name = "VERSION", value_parser = parse_schema_version)]
    pub gitlab_schema_version: Option<String>,
    /// SARIF `automationDetails.id` category (default: depgate/<workspace path>).
    #[arg(long, value_name = "ID")]
    pub sarif_category: Option<String>,
    /// The date deadlines and expiries are counted against (YYYY-MM-DD).
    #[arg(long, env = "DEPGATE_TODAY", value_name = "DATE")]
    pub today: Option<String>,
}

#[derive(Debug, Args)]
pub struct ArtifactArgs {
    /// Binaries built with `cargo auditable` (ELF, Mach-O, PE or WebAssembly).
    #[arg(required = true, value_name = "BINARY")]
    pub binaries: Vec<PathBuf>,
    /// Policy file (default: discovered from the current directory, else the built-in default).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Advisories that apply only to other targets are left out (repeatable).
    #[arg(long, value_name = "TRIPLE")]
    pub target: Vec<String>,
    #[command(flatten)]
    pub gate: GateArgs,
}

#[derive(Debug, Args)]
pub struct SemverArgs {
    /// The base: a git revision, checked out into a temporary worktree.
    #[arg(long, value_name = "REV", conflicts_with = "base_dir")]
    pub base_ref: Option<String>,
    /// The base: an older source tree, already checked out.
    #[arg(long, value_name = "DIR")]
    pub base_dir: Option<PathBuf>,
    /// Only these library crates (repeatable; default: every library member).
    #[arg(short = 'p', long = "package", value_name = "CRATE")]
    pub packages: Vec<String>,
    /// Path to the workspace's Cargo.toml (default: the current directory's).
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Features for both rustdoc builds (comma or space separated, repeatable).
    #[arg(long, short = 'F', value_delimiter = ',')]
    pub features: Vec<String>,
    #[arg(long)]
    pub all_features: bool,
    #[arg(long)]
    pub no_default_features: bool,
    /// The target both builds document (default: the host).
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// Policy file (default: discovered from the workspace, else the built-in default).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Print the rustdoc JSON format versions this build reads, and exit.
    #[arg(long)]
    pub supported_formats: bool,
    #[command(flatten)]
    pub gate: GateArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Files to verify (default: every file the manifest lists).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A `sha256sum` manifest; its directory is the release directory.
    #[arg(long, value_name = "SHA256SUMS")]
    pub manifest: Option<PathBuf>,
    /// The trusted minisign public key: each file needs a valid FILE.minisig, or a signed manifest.
    #[arg(long, value_name = "KEY")]
    pub public_key: Option<PathBuf>,
    /// SLSA provenance (in-toto statements, .intoto.jsonl): each file must be a subject.
    #[arg(long, value_name = "FILE")]
    pub provenance: Option<PathBuf>,
    /// Policy file (default: discovered from the current directory, else the built-in default).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// `--fail-on` and `-D/-W/-A`, shared by `check` and `fleet scan`. The
/// levels are read in command-line order by `cli_levels`, by these ids.
#[derive(Debug, Args)]
pub struct LevelArgs {
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
}

impl LevelArgs {
    /// `--fail-on`, as a level.
    pub fn fail_on(&self) -> Option<crate::model::Level> {
        self.fail_on.as_deref().and_then(crate::model::Level::parse)
    }
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// CycloneDX specification version.
    #[arg(long, default_value = "1.6", value_parser = ["1.6", "1.5"])]
    pub spec_version: String,
    /// List dev-only packages too, with `scope: excluded`.
    #[arg(long)]
    pub include_dev: bool,
    /// Date of the timestamp (YYYY-MM-DD); else SOURCE_DATE_EPOCH; else none.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LicensesArgs {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// Output format.
    #[arg(long, default_value = "human", value_parser = names::<InventoryFormat>(&InventoryFormat::NAMES))]
    pub format: InventoryFormat,
    /// One table only: by crate (CSV's default) or by license.
    #[arg(long, value_parser = names::<InventoryBy>(&InventoryBy::NAMES))]
    pub by: Option<InventoryBy>,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl WorkspaceArgs {
    /// Where the workspace is and how to load it.
    pub fn input(&self) -> Result<WorkspaceInput> {
        if self.sbom.is_some() && self.license_data == LicenseDataOption::CargoCache {
            return Err(Error::Usage(
                "--sbom and --license-data cargo-cache exclude each other: the SBOM carries its own license data".into(),
            ));
        }
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
            sbom: self.sbom.clone(),
        })
    }
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
