//! RustSec advisories: the database ([`db`]), version ranges with
//! rustsec's semantics ([`version_range`]) and matching ([`matching`]).
//! The advisories check family turns matches into findings.

pub mod db;
pub mod fetch;
mod front_matter;
pub mod index;
pub mod index_cache;
pub mod matching;
pub mod parsed_cache;
pub mod store;
pub mod version_range;

pub use db::{Advisory, AdvisoryDb, Informational};
