//! depgate: a policy gate for Cargo dependencies.
//!
//! Data flows one way: [`graph`] loads a workspace (cargo metadata or
//! Cargo.lock alone) and [`policy`] a validated policy → [`checks`]
//! evaluate the graph and emit findings → [`decide`] sets final levels and
//! the verdict → [`report`] renders the [`model::Assessment`].
//! [`pipeline::run`] is one unit end to end; [`registry`] derives the rule
//! list and the policy schema from the family descriptors. The allowed
//! imports between these modules are checked by `tests/architecture.rs`.

pub mod advisories;
pub mod atomic;
pub mod checks;
pub mod cli;
pub mod command;
pub mod date;
pub mod decide;
pub mod error;
pub mod fleet;
pub mod git;
pub mod graph;
pub mod input;
pub mod location;
pub mod model;
pub mod pipeline;
pub mod policy;
pub mod registry;
pub mod release;
pub mod report;
pub mod sbom;
pub mod semver;

pub use error::{Error, Result};
