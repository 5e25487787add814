//! rustdoc JSON of one library crate: built with the running toolchain
//! (`RUSTC_BOOTSTRAP=1 cargo rustdoc --output-format json`, hardened like
//! metadata mode), its `format_version` checked before it is parsed, and
//! the base's cached under `$DEPGATE_HOME/rustdoc/`.

use crate::error::{Error, Result};
use rustdoc_types::Crate;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The rustdoc JSON format versions this build reads.
pub const SUPPORTED: &[u32] = &[rustdoc_types::FORMAT_VERSION];

/// What a build depends on besides the sources.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    pub target: Option<String>,
}

impl Flags {
    fn args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if !self.features.is_empty() {
            a.push("--features".into());
            a.push(self.features.join(","));
        }
        if self.all_features {
            a.push("--all-features".into());
        }
        if self.no_default_features {
            a.push("--no-default-features".into());
        }
        if let Some(t) = &self.target {
            a.push("--target".into());
            a.push(t.clone());
        }
        a
    }
}

/// Builds the rustdoc JSON of `krate` in the workspace at `dir`, into
/// `target_dir`, and returns its text.
pub fn build(dir: &Path, krate: &str, flags: &Flags, target_dir: &Path) -> Result<String> {
    let td = target_dir.to_string_lossy().into_owned();
    let mut args: Vec<String> = [
        "rustdoc",
        "-p",
        krate,
        "--lib",
        "--output-format",
        "json",
        "-Z",
        "unstable-options",
        "--target-dir",
        &td,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(flags.args());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut cmd = crate::graph::metadata::hardened_cargo(&refs);
    let rustdoc = [
        "--",
        "--document-private-items",
        "--document-hidden-items",
        "--cap-lints",
        "allow",
    ];
    cmd.args(rustdoc)
        .current_dir(dir)
        .env("RUSTC_BOOTSTRAP", "1");
    args.extend(rustdoc.map(String::from));
    let shown = format!(
        "RUSTC_BOOTSTRAP=1 cargo {} (in {})",
        args.join(" "),
        dir.display()
    );
    crate::command::output(&mut cmd, &shown)?;
    let mut json = target_dir.to_path_buf();
    if let Some(t) = &flags.target {
        json.push(t);
    }
    json.push("doc");
    json.push(format!("{}.json", krate.replace('-', "_")));
    let shown = json.display().to_string();
    crate::input::read_text(
        &json,
        &shown,
        crate::input::MAX_JSON,
        crate::input::Links::Follow,
    )
}

/// Checks the format version, then parses. `shown` names the JSON in errors.
pub fn parse(text: &str, shown: &str) -> Result<Crate> {
    #[derive(serde::Deserialize)]
    struct Version {
        format_version: u32,
    }
    let v: Version = serde_json::from_str(text).map_err(|e| {
        Error::input(
            shown,
            (e.line() as u32, e.column() as u32),
            "format_version",
            format!("not rustdoc JSON: {e}"),
        )
    })?;
    if !SUPPORTED.contains(&v.format_version) {
        return Err(Error::input(
            shown,
            (1, 1),
            "format_version",
            format!(
                "rustdoc JSON format {} is not supported: this build reads format {} (rustdoc-types {}); build with a toolchain that writes it, e.g. rustc 1.95",
                v.format_version,
                SUPPORTED
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                "0.57"
            ),
        ));
    }
    serde_json::from_str(text).map_err(|e| {
        Error::input(
            shown,
            (e.line() as u32, e.column() as u32),
            "",
            format!("malformed rustdoc JSON: {e}"),
        )
    })
}

/// `rustc -vV` of the toolchain builds use (pinned as metadata mode pins it).
pub fn toolchain() -> String {
    let mut cmd = std::process::Command::new("rustc");
    cmd.arg("-vV").current_dir(std::env::temp_dir());
    if let Some(t) = crate::graph::metadata::running_toolchain() {
        cmd.env("RUSTUP_TOOLCHAIN", t);
    }
    cmd.output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// The cache file for a base build: keyed on the crate, the base (commit
/// or tree hash), the flags, the toolchain and the format version.
pub fn cache_path(
    cache: &Path,
    krate: &str,
    base: &str,
    flags: &Flags,
    toolchain: &str,
) -> PathBuf {
    let mut h = Sha256::new();
    for part in [
        krate,
        base,
        &flags.args().join(" "),
        toolchain,
        &SUPPORTED[0].to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let key = crate::model::hex(&h.finalize()[..16]);
    cache.join(format!("{krate}-{key}.json"))
}

/// A hash of a source tree's contents (paths and bytes; `target/` and
/// `.git/` left out), for `--base-dir`: never timestamps.
pub fn tree_hash(dir: &Path) -> Result<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| Error::read(&d, e))? {
            let e = e.map_err(|e| Error::read(&d, e))?;
            let name = e.file_name();
            let kind = e.file_type().map_err(|err| Error::read(e.path(), err))?;
            if kind.is_dir() {
                if name != "target" && name != ".git" {
                    stack.push(e.path());
                }
            } else if kind.is_file() {
                files.push(e.path());
            }
        }
    }
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        let rel = f.strip_prefix(dir).unwrap_or(&f);
        h.update(rel.to_string_lossy().as_bytes());
        h.update([0]);
        h.update(std::fs::read(&f).map_err(|e| Error::read(&f, e))?);
        h.update([0]);
    }
    Ok(crate::model::hex(&h.finalize()[..16]))
}
