//! Errors on stderr. An input problem keeps its one-line form
//! (`FILE:LINE:COLUMN: `key`: message (help)`), and when its file can be
//! read again (a policy file, a preset, a Cargo.lock beside the current
//! directory) annotate-snippets quotes the line and points at the place,
//! as findings are shown.

use crate::error::{Error, InputProblem};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::io::Write;

/// Largest file re-read to quote a line.
const MAX_QUOTED_FILE: u64 = 16 << 20;

/// The text of the file a problem names, if it can be read again.
fn source(path: &str) -> Option<String> {
    if let Some(name) = path.strip_prefix("preset:") {
        let preset = crate::policy::PRESETS.iter().find(|(n, _)| *n == name)?;
        return Some(preset.1.to_string());
    }
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_QUOTED_FILE {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// The byte range of the token that starts at 1-based `column` of `line`:
/// a quoted string, or up to the next space, `=` or `,`.
fn token(line: &str, column: u32) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth((column as usize).saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let len = match rest.strip_prefix('"') {
        Some(quoted) => quoted.find('"').map_or(rest.len(), |e| e + 2),
        None => rest.find([' ', '=', ',', ']']).unwrap_or(rest.len()),
    };
    start..start + len.max(1).min(rest.len())
}

fn render_problem(p: &InputProblem, renderer: &Renderer) -> String {
    let title = Level::ERROR.primary_title(p.to_string());
    let text = source(&p.path);
    let quoted = text
        .as_deref()
        .and_then(|t| t.lines().nth((p.line as usize).checked_sub(1)?));
    let group = match quoted {
        Some(line) if !line.is_empty() => {
            let label = p.help.as_deref().unwrap_or(p.message.as_str());
            Group::with_title(title).element(
                Snippet::source(line)
                    .line_start(p.line as usize)
                    .path(p.path.as_str())
                    .annotation(
                        AnnotationKind::Primary
                            .span(token(line, p.column))
                            .label(label),
                    ),
            )
        }
        _ => Group::with_title(title),
    };
    renderer.render(&[group])
}

/// Writes `e` to stderr.
pub fn report(e: &Error) {
    let color = anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut err = std::io::stderr().lock();
    match e {
        Error::Input(problems) => {
            for p in problems {
                let _ = writeln!(err, "{}", render_problem(p, &renderer));
            }
        }
        other => {
            let _ = writeln!(err, "error: {other}");
        }
    }
}
