//! Running an outside program (cargo, git, rustc): its stdout, or an
//! error that names the command and carries the tail of its stderr. The
//! one place a failed or unstartable command becomes an [`Error::Command`].

use crate::error::{Error, Result};
use std::process::Command;

/// How many lines of stderr an error keeps.
pub const TAIL: usize = 30;

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Runs `cmd` (shown as `shown` in errors) and returns its stdout.
pub fn output(cmd: &mut Command, shown: &str) -> Result<Vec<u8>> {
    let out = cmd.output().map_err(|e| Error::Command {
        command: shown.to_string(),
        status: "could not start".into(),
        stderr: e.to_string(),
    })?;
    if !out.status.success() {
        return Err(Error::Command {
            command: shown.to_string(),
            status: out.status.to_string(),
            stderr: tail(&String::from_utf8_lossy(&out.stderr), TAIL),
        });
    }
    Ok(out.stdout)
}

/// As [`output`], as UTF-8 text.
pub fn text(cmd: &mut Command, shown: &str) -> Result<String> {
    String::from_utf8(output(cmd, shown)?).map_err(|e| Error::Command {
        command: shown.to_string(),
        status: "output is not UTF-8".into(),
        stderr: e.to_string(),
    })
}
