//! Fleet renderers: the `depgate.fleet/v1` report as JSON, a terminal
//! summary, Markdown (an issue or a job summary) and CSV (one row per
//! finding). They read only the fleet report model.

mod csv;
mod text;

use crate::model::fleet::{FleetReport, UnitRecord};

pub use csv::render as csv;
pub use text::{human, markdown};

/// `fleet scan/merge --format` and `--output FORMAT=PATH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetFormat {
    Human,
    Json,
    Markdown,
    Csv,
}

impl FleetFormat {
    pub const NAMES: [&'static str; 4] = ["human", "json", "markdown", "csv"];
    const ALL: [FleetFormat; 4] = [
        FleetFormat::Human,
        FleetFormat::Json,
        FleetFormat::Markdown,
        FleetFormat::Csv,
    ];

    pub fn parse(s: &str) -> Option<FleetFormat> {
        let i = Self::NAMES.iter().position(|n| n.eq_ignore_ascii_case(s))?;
        Some(Self::ALL[i])
    }
}

impl std::str::FromStr for FleetFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<FleetFormat, String> {
        FleetFormat::parse(s)
            .ok_or_else(|| format!("expected one of: {}", FleetFormat::NAMES.join(", ")))
    }
}

/// Renders `report` in `format`.
pub fn render(report: &FleetReport, format: FleetFormat) -> String {
    match format {
        FleetFormat::Json => json(report),
        FleetFormat::Human => human(report),
        FleetFormat::Markdown => markdown(report),
        FleetFormat::Csv => csv(report),
    }
}

/// `depgate.fleet/v1`, pretty printed; each unit's report is embedded as
/// the compact JSON `check` would write.
pub fn json(report: &FleetReport) -> String {
    let mut out = Vec::new();
    let _ = json_to(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// As [`json`], streamed to `w`.
pub fn json_to(report: &FleetReport, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report)?;
    w.write_all(b"\n")
}

/// A unit's (deny, warn) finding counts.
fn counts(u: &UnitRecord) -> (usize, usize) {
    let n = |l: &str| u.findings.iter().filter(|f| f.level == l).count();
    (n("deny"), n("warn"))
}

/// Units worst first: errors, then failed, then by deny and warn counts.
fn worst(report: &FleetReport, limit: usize) -> Vec<(&UnitRecord, (usize, usize))> {
    let mut units: Vec<(&UnitRecord, (usize, usize))> =
        report.units.iter().map(|u| (u, counts(u))).collect();
    units.sort_by(|(a, ca), (b, cb)| {
        b.exit_code
            .cmp(&a.exit_code)
            .then(cb.cmp(ca))
            .then(a.path.cmp(&b.path))
    });
    units.retain(|(u, (d, w))| u.exit_code != 0 || d + w > 0);
    units.truncate(limit);
    units
}
