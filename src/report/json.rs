//! JSON renderer: the [`Assessment`] as `depgate.report/v1`, pretty
//! printed with a trailing newline. Field order is the struct order and
//! findings are pre-sorted, so output is byte-identical across runs.

use crate::model::Assessment;

pub fn render(report: &Assessment) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
