//! Deprecated items of dependencies used by the workspace: `cargo check
//! --message-format=json` with `RUSTFLAGS="--force-warn deprecated"` (in
//! its own target directory, hardened like metadata mode), its `deprecated`
//! diagnostics in the workspace's own files matched against
//! `[[deprecation.apis]]`: warn before the sunset, deny from it, info for
//! uses no entry names.

use crate::checks::semver::{DEPRECATED_API_USE, DeprecatedApi};
use crate::date::Date;
use crate::error::Result;
use crate::location::{Location, display_path};
use crate::model::{Finding, Level};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Deserialize)]
struct Line {
    reason: String,
    message: Option<Message>,
}

#[derive(Deserialize)]
struct Message {
    message: String,
    code: Option<Code>,
    #[serde(default)]
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    line_start: u32,
    column_start: u32,
    is_primary: bool,
}

/// The deprecated path a diagnostic names: its first `` `...` ``.
fn named(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

fn covers(entry: &str, path: &str) -> bool {
    path == entry
        || path
            .strip_prefix(entry)
            .is_some_and(|rest| rest.starts_with("::"))
}

/// `cargo check` with every deprecation warned: its JSON messages.
fn cargo_check(head: &Path, target_dir: &Path) -> Result<String> {
    let td = target_dir.to_string_lossy().into_owned();
    let mut cmd = crate::graph::metadata::hardened_cargo(&[
        "check",
        "--workspace",
        "--all-targets",
        "--message-format=json",
        "--target-dir",
        &td,
    ]);
    cmd.current_dir(head)
        .env("RUSTFLAGS", "--force-warn deprecated");
    let shown = format!(
        "RUSTFLAGS=\"--force-warn deprecated\" cargo check --workspace --all-targets --message-format=json (in {})",
        head.display()
    );
    let out = crate::command::output(&mut cmd, &shown)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The workspace's uses of deprecated dependency items, as findings.
pub fn scan(
    head: &Path,
    repo: Option<&Path>,
    target_dir: &Path,
    apis: &[DeprecatedApi],
    today: Date,
    workspace: &str,
) -> Result<Vec<Finding>> {
    let stdout = cargo_check(head, target_dir)?;
    let mut seen = BTreeSet::new();
    let mut findings = Vec::new();
    for line in stdout.lines() {
        let Ok(Line {
            reason,
            message: Some(m),
        }) = serde_json::from_str::<Line>(line)
        else {
            continue;
        };
        if reason != "compiler-message" || m.code.as_ref().is_none_or(|c| c.code != "deprecated") {
            continue;
        }
        // Only the workspace's own files: relative paths, not the registry's.
        let Some(span) = m
            .spans
            .iter()
            .find(|s| s.is_primary && !Path::new(&s.file_name).is_absolute())
        else {
            continue;
        };
        let Some(path) = named(&m.message) else {
            continue;
        };
        let key = (
            path.to_string(),
            span.file_name.clone(),
            span.line_start,
            span.column_start,
        );
        if !seen.insert(key) {
            continue;
        }
        let at = Location {
            path: display_path(repo, &head.join(&span.file_name)),
            line: span.line_start,
            column: span.column_start,
            label: format!("use of `{path}`"),
        };
        findings.push(finding(apis, path, &m.message, at, today, workspace));
    }
    Ok(findings)
}

/// One use as a finding, at the level of the most specific entry covering it.
fn finding(
    apis: &[DeprecatedApi],
    path: &str,
    message: &str,
    at: Location,
    today: Date,
    workspace: &str,
) -> Finding {
    let subject = format!("{path} @ {}:{}", at.path, at.line);
    let entry = apis
        .iter()
        .filter(|a| covers(&a.path, path))
        .max_by_key(|a| a.path.len());
    let krate = path.split("::").next().unwrap_or(path);
    let mut f = Finding::new(
        &DEPRECATED_API_USE,
        workspace,
        krate,
        &subject,
        String::new(),
        vec![at],
    );
    match entry {
        Some(a) => {
            let left = a.sunset.days() - today.days();
            f.level = if left > 0 { Level::Warn } else { Level::Deny };
            f.message = if left > 0 {
                format!("{message}; its sunset is {} ({left} days left)", a.sunset)
            } else {
                format!(
                    "{message}; its sunset was {} ({} days ago)",
                    a.sunset, -left
                )
            };
            f.fix = a.use_instead.as_ref().map(|u| format!("use `{u}` instead"));
        }
        None => {
            f.level = Level::Info;
            f.message = format!("{message} (no `[[deprecation.apis]]` entry gives it a sunset)");
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_prefixes() {
        assert_eq!(
            named("use of deprecated function `a::b::c`: use d"),
            Some("a::b::c")
        );
        assert!(covers("a::b", "a::b::c") && covers("a::b::c", "a::b::c"));
        assert!(!covers("a::b", "a::bc"));
    }
}
