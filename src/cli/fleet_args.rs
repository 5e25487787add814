//! The clap definitions of `depgate fleet scan|merge|query`.

use crate::graph::license_data::LicenseDataOption;
use crate::report::fleet::FleetFormat;
use clap::{Args, Subcommand};
use std::path::PathBuf;

use super::args::names;

#[derive(Debug, Subcommand)]
pub enum FleetCommand {
    /// Scan every Cargo.lock under the roots in one process (lockfile-only, nothing executed).
    Scan(Box<FleetScanArgs>),
    /// Merge the shard reports of `fleet scan --shard` into one fleet report.
    Merge(FleetMergeArgs),
    /// Which units use a crate, at which versions, through which direct dependency.
    Query(FleetQueryArgs),
}

#[derive(Debug, Args)]
pub struct FleetScanArgs {
    /// Directories to search for Cargo.lock files (each is a root).
    #[arg(value_name = "ROOT")]
    pub roots: Vec<PathBuf>,
    /// A file listing repository directories, one a line (`#` comments).
    #[arg(long, value_name = "FILE")]
    pub repos_file: Option<PathBuf>,
    /// The fleet policy (default: discovered from the current directory, else the built-in default).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Advisory database directory (default: the cache, else the embedded snapshot).
    #[arg(long, value_name = "DIR")]
    pub advisory_db: Option<PathBuf>,
    /// Worker threads (default: every core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Scan one part only: K/N (K from 1), or `auto` from JOB_COMPLETION_INDEX or CI_NODE_INDEX/CI_NODE_TOTAL.
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<String>,
    /// The number of shards for `--shard auto` on a Kubernetes Indexed Job (else DEPGATE_SHARD_COUNT).
    #[arg(long, value_name = "N")]
    pub shard_count: Option<u32>,
    /// Where licence fields come from: default (none) or cargo-cache (refused with --shard).
    #[arg(long, value_name = "SOURCE", default_value = "default", value_parser = names::<LicenseDataOption>(&LicenseDataOption::NAMES))]
    pub license_data: LicenseDataOption,
    #[command(flatten)]
    pub out: FleetOutputArgs,
    #[command(flatten)]
    pub levels: super::args::LevelArgs,
    /// The date deadlines and expiries are counted against (YYYY-MM-DD).
    #[arg(long, env = "DEPGATE_TODAY", value_name = "DATE")]
    pub today: Option<String>,
}

#[derive(Debug, Args)]
pub struct FleetOutputArgs {
    /// Report format on stdout.
    #[arg(long, default_value = "human", value_parser = names::<FleetFormat>(&FleetFormat::NAMES))]
    pub format: FleetFormat,
    /// Also write a report: FORMAT=PATH (repeatable, atomic); `sarif=DIR/` writes one SARIF file per repository (scan only).
    #[arg(long, value_name = "FORMAT=PATH")]
    pub output: Vec<String>,
}

#[derive(Debug, Args)]
pub struct FleetMergeArgs {
    /// The shard reports (`--output json=FILE` of each `fleet scan --shard`).
    #[arg(value_name = "SHARD.json", required = true)]
    pub shards: Vec<PathBuf>,
    #[command(flatten)]
    pub out: FleetOutputArgs,
}

#[derive(Debug, Args)]
pub struct FleetQueryArgs {
    /// CRATE, CRATE@VERSION (exactly) or CRATE@REQ (`tokio@<0.3`).
    #[arg(value_name = "CRATE[@REQ]")]
    pub krate: String,
    /// A saved fleet report (`fleet scan --output json=FILE` or `fleet merge`).
    #[arg(long, value_name = "FLEET.json")]
    pub report: PathBuf,
    /// human or json.
    #[arg(long, default_value = "human", value_parser = ["human", "json"])]
    pub format: String,
}
