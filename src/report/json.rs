//! JSON renderer: the [`Assessment`] as `depgate.report/v1`, pretty
//! printed with a trailing newline. Field order is the struct order and
//! findings are pre-sorted, so output is byte-identical across runs.

use crate::model::Assessment;

pub fn render(report: &Assessment) -> String {
    // Sized up front (about 1.5 KB a finding): growing by doubling would
    // copy the report a dozen times. Capacity never written costs nothing.
    let mut buf = Vec::with_capacity(64 * 1024 + report.findings.len() * 2048);
    if let Err(e) = serde_json::to_writer_pretty(&mut buf, report) {
        return format!("{{\"error\": \"{e}\"}}\n");
    }
    buf.push(b'\n');
    String::from_utf8(buf).unwrap_or_default()
}
