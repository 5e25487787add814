//! CSV: one row per finding of every unit (and per fleet-wide finding, and
//! per unit that could not be scanned, with rule `error`), quoted as
//! RFC 4180 says.

use crate::model::fleet::FleetReport;

const HEADER: [&str; 10] = [
    "unit",
    "repository",
    "rule",
    "level",
    "crate",
    "version",
    "subject",
    "location",
    "message",
    "fingerprint",
];

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn row(out: &mut String, cells: [&str; 10]) {
    let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

pub fn render(r: &FleetReport) -> String {
    let mut out = String::new();
    row(&mut out, HEADER);
    for u in &r.units {
        if let Some(e) = &u.error {
            let at = format!("{}:{}", e.path, e.line);
            let cells = [
                &u.path,
                &u.repository,
                "error",
                "error",
                "",
                "",
                &e.key,
                &at,
                &e.message,
                "",
            ];
            row(&mut out, cells);
        }
        for f in &u.findings {
            let (name, version) = f
                .package
                .as_ref()
                .map_or(("", ""), |p| (&p.name, &p.version));
            let at = f
                .locations
                .first()
                .map_or(String::new(), |l| format!("{}:{}", l.path, l.line));
            row(
                &mut out,
                [
                    &u.path,
                    &u.repository,
                    &f.rule,
                    &f.level,
                    name,
                    version,
                    &f.subject,
                    &at,
                    &f.message,
                    &f.fingerprint,
                ],
            );
        }
    }
    for f in &r.findings {
        let at = f
            .locations
            .first()
            .map_or(String::new(), |l| format!("{}:{}", l.path, l.line));
        row(
            &mut out,
            [
                "",
                "",
                &f.rule,
                &f.level,
                &f.subject,
                "",
                &f.subject,
                &at,
                &f.message,
                &f.fingerprint,
            ],
        );
    }
    out
}
