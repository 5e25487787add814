//! The model: the plain types that cross stages. Findings and their
//! levels, rules, exposure, waivers, the assessment a pipeline run
//! produces and the license inventory. Every stage may import it; it
//! imports no stage.

pub mod api;
pub mod assessment;
pub mod exposure;
pub mod finding;
pub mod fleet;
pub mod inventory;
pub mod rule;
pub mod version;
pub mod waiver;

pub use assessment::{
    Assessment, Counts, DbSummary, EXIT_ERROR, EXIT_FAIL, EXIT_PASS, Resolved, SCHEMA, Tool,
    Verdict, WorkspaceInfo,
};
pub use exposure::{Exposure, LicenseData, Mode};
pub use finding::{
    AdvisoryFacts, Diff, Facts, Finding, Level, LevelSource, PackageRef, Severity, WaiverId,
    fingerprint, hex,
};
pub use rule::{Rule, did_you_mean, hint};
pub use version::channel_version;
pub use waiver::Waiver;
