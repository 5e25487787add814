//! Errors on stderr. An input problem keeps its one-line form
//! (`FILE:LINE:COLUMN: `key`: message (help)`), and when the reader kept
//! the line (`InputProblem::quote`: policy files, presets, lockfiles,
//! metadata) annotate-snippets quotes it and points at the place, as
//! findings are shown. Files are never re-read by their display path, which
//! is relative to the repository, not to the current directory.

use crate::error::{Error, InputProblem};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::io::Write;

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
    let group = match p.quote.as_deref() {
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
