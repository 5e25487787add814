//! One RustSec advisory file: its ```toml front matter, parsed strictly
//! (every error names the file, line and key), and the Markdown title and
//! description after it.

use super::db::{Advisory, Informational, Score};
use super::version_range::VersionRange;
use crate::date::Date;
use crate::error::{Error, InputProblem, Result};
use serde::Deserialize;

#[derive(Deserialize)]
struct RawFile {
    advisory: RawAdvisory,
    #[serde(default)]
    versions: RawVersions,
    #[serde(default)]
    affected: RawAffected,
}

#[derive(Deserialize)]
struct RawAdvisory {
    id: String,
    package: String,
    date: toml::Value,
    url: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    informational: Option<String>,
    withdrawn: Option<toml::Value>,
    cvss: Option<String>,
    source: Option<String>,
    license: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawVersions {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

#[derive(Deserialize, Default)]
struct RawAffected {
    #[serde(default)]
    os: Vec<String>,
    #[serde(default)]
    arch: Vec<String>,
}

fn problem(file: &str, line: u32, key: &str, message: String) -> Error {
    Error::Input(vec![InputProblem {
        path: file.to_string(),
        line,
        column: 1,
        key: key.to_string(),
        message,
        help: None,
        quote: None,
    }])
}

fn date_of(v: &toml::Value) -> Option<Date> {
    match v {
        toml::Value::String(s) => Date::parse(s),
        toml::Value::Datetime(d) => Date::parse(&d.to_string()),
        _ => None,
    }
}

/// The TOML front matter of an advisory file, and the Markdown after it.
fn split<'t>(file: &str, text: &'t str) -> Result<(&'t str, &'t str)> {
    let body = text
        .strip_prefix("```toml")
        .map(|s| s.trim_start_matches('\r'))
        .and_then(|s| s.strip_prefix('\n'));
    let Some(body) = body else {
        return Err(problem(
            file,
            1,
            "",
            "advisory does not start with a ```toml front matter block".into(),
        ));
    };
    let Some(end) = body.find("\n```") else {
        return Err(problem(
            file,
            1,
            "",
            "unterminated ```toml front matter block".into(),
        ));
    };
    Ok((&body[..end], &body[end + 4..]))
}

/// The CVSS score, or the warning that the vector cannot be scored.
fn score(file: &str, a: &RawAdvisory) -> (Option<Score>, Option<String>) {
    match &a.cvss {
        Some(v) => match Score::parse(v) {
            Some(s) => (Some(s), None),
            None => (
                None,
                Some(format!(
                    "{file}: CVSS vector `{v}` cannot be parsed; {} is loaded as unscored",
                    a.id
                )),
            ),
        },
        None => (None, None),
    }
}

/// Parses one advisory file; the warning is about an unscorable vector.
pub(super) fn parse_file(
    rel: &str,
    text: &str,
    origin: &str,
) -> Result<(Advisory, Option<String>)> {
    let file = format!("{origin}/{rel}");
    let (front, rest) = split(&file, text)?;
    let raw: RawFile = toml::from_str(front).map_err(|e| {
        let line = e.span().map_or(1, |s| {
            front[..s.start.min(front.len())].matches('\n').count() as u32 + 2
        });
        problem(
            &file,
            line,
            "advisory",
            format!("invalid front matter: {}", e.message()),
        )
    })?;
    let a = raw.advisory;
    let date = date_of(&a.date).ok_or_else(|| {
        problem(
            &file,
            1,
            "advisory.date",
            format!("invalid date {}", a.date),
        )
    })?;
    let withdrawn =
        match &a.withdrawn {
            Some(v) => Some(date_of(v).ok_or_else(|| {
                problem(&file, 1, "advisory.withdrawn", format!("invalid date {v}"))
            })?),
            None => None,
        };
    let ranges = |list: &[String], key: &str| -> Result<Vec<VersionRange>> {
        list.iter()
            .map(|s| {
                VersionRange::parse(s).ok_or_else(|| {
                    problem(&file, 1, key, format!("invalid version requirement `{s}`"))
                })
            })
            .collect()
    };
    let patched = ranges(&raw.versions.patched, "versions.patched")?;
    let unaffected = ranges(&raw.versions.unaffected, "versions.unaffected")?;
    let (score, warning) = score(&file, &a);
    let (title, description) = title_and_description(rest);
    let informational = a.informational.map(informational);
    Ok((
        Advisory {
            id: a.id,
            package: a.package,
            date,
            title,
            description,
            url: a.url,
            aliases: a.aliases,
            informational,
            withdrawn,
            cvss_vector: a.cvss,
            score,
            patched,
            unaffected,
            affected_os: raw.affected.os,
            affected_arch: raw.affected.arch,
            source: a.source,
            collection: if rel.starts_with("rust/") {
                "rust"
            } else {
                "crates"
            }
            .to_string(),
            license: a.license.unwrap_or_else(|| "CC0-1.0".into()),
            file,
        },
        warning,
    ))
}

fn informational(kind: String) -> Informational {
    match kind.as_str() {
        "unmaintained" => Informational::Unmaintained,
        "unsound" => Informational::Unsound,
        "notice" => Informational::Notice,
        _ => Informational::Other(kind),
    }
}

/// The Markdown `# title` line and the description after it.
fn title_and_description(rest: &str) -> (String, String) {
    let mut lines = rest.lines().map(str::trim).skip_while(|l| l.is_empty());
    let title = lines
        .next()
        .and_then(|l| l.strip_prefix("# "))
        .unwrap_or_default()
        .to_string();
    let description = lines.collect::<Vec<_>>().join("\n").trim().to_string();
    (title, description)
}
