//! Operational errors: everything that stops depgate from checking. Policy
//! violations are findings, never errors. Every error here ends in exit code
//! 2 ([`Error::exit_code`]) and names the file, line and key it is about
//! where there is one.

use crate::location::SourceText;
use std::path::PathBuf;

/// Exit code: depgate could not check (bad input, bad policy, internal error).
pub const EXIT_ERROR: u8 = 2;

/// One problem in an input file, with its place and the dotted key path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputProblem {
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// Dotted key path such as `bans.deny[0].crate`; empty when not about a key.
    pub key: String,
    pub message: String,
    pub help: Option<String>,
    /// The text of the line, when the reader had the file at hand, so the
    /// renderer never re-reads a file by its display path.
    pub quote: Option<String>,
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: ", self.path, self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "`{}`: ", self.key)?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", join_problems(.0))]
    Input(Vec<InputProblem>),
    #[error("`{command}` failed ({status}):\n{stderr}")]
    Command {
        command: String,
        status: String,
        stderr: String,
    },
    /// A command line that cannot be carried out.
    #[error("{0}")]
    Usage(String),
    /// A `--target` triple rustc does not know.
    #[error(
        "--target {triple}: unknown target triple (depgate knows rustc {rustc}'s built-in targets)"
    )]
    UnknownTarget { triple: String, rustc: String },
    /// A bug in depgate (a panic, caught at the top).
    #[error("internal error (a bug in depgate): {0}")]
    Internal(String),
    /// Data built into depgate is damaged: a bug or a broken build.
    #[error("{what} built into depgate is corrupt: {why}")]
    Corrupt { what: &'static str, why: String },
}

fn join_problems(problems: &[InputProblem]) -> String {
    let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    lines.join("\n")
}

impl Error {
    /// A single problem at a place in a file.
    pub fn input(
        path: impl Into<String>,
        (line, column): (u32, u32),
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Input(vec![InputProblem {
            path: path.into(),
            line,
            column,
            key: key.into(),
            message: message.into(),
            help: None,
            quote: None,
        }])
    }

    /// A single problem at a place in `src`, quoting its line.
    pub fn at(
        src: &SourceText,
        at: (u32, u32),
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::input(&src.display, at, key, message).with_quotes(std::slice::from_ref(src))
    }

    /// A TOML syntax error in `src`, at its span.
    pub fn toml(src: &SourceText, span: Option<std::ops::Range<usize>>, message: &str) -> Self {
        let at = span.map_or((1, 1), |s| src.line_col(s.start));
        Error::at(src, at, "", format!("invalid TOML: {message}"))
    }

    /// Fills in the quoted line of each input problem whose file is one of
    /// `texts` (matched by display path).
    pub fn with_quotes(mut self, texts: &[SourceText]) -> Self {
        if let Error::Input(problems) = &mut self {
            for p in problems.iter_mut().filter(|p| p.quote.is_none()) {
                let text = texts.iter().find(|t| t.display == p.path);
                p.quote = text.and_then(|t| t.line(p.line)).map(str::to_string);
            }
        }
        self
    }

    /// Every error means depgate could not check: exit code 2.
    pub fn exit_code(&self) -> u8 {
        EXIT_ERROR
    }

    pub fn read(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Read {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
