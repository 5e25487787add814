//! depgate: a policy gate for Cargo dependencies.
//!
//! Data flows one way: [`graph`] loads a workspace (cargo metadata or
//! Cargo.lock alone) → [`checks`] evaluate it against the [`policy`] and
//! emit [`finding`]s → [`decide`] sets final levels and the verdict →
//! [`report`] renders. [`scan::scan`] is the pure core of one workspace.

pub mod advisories;
pub mod base_ref;
pub mod checks;
pub mod cli;
pub mod date;
pub mod decide;
pub mod error;
pub mod finding;
pub mod graph;
pub mod location;
pub mod policy;
pub mod report;
pub mod rules;
pub mod scan;

pub use error::{Error, Result};
