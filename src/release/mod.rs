//! `depgate verify`: release files checked before deployment. Each file is
//! read once, in chunks, for its SHA-256 and (when it has a minisign
//! signature) the signature's BLAKE2b pre-hash. The checks emit findings
//! of the artifacts family; the decide stage, waivers, the reports and the
//! exit code are the same as for `check`.
//!
//! - `--manifest SHA256SUMS`: every listed file must be there with its
//!   digest; every other file in the manifest's directory is unlisted.
//! - `--public-key`: a file is signed when its own `FILE.minisig` verifies,
//!   or when the manifest's `SHA256SUMS.minisig` verifies and the file
//!   matches the manifest (the signed-checksums pattern).
//! - `--provenance`: every file's SHA-256 must be an in-toto subject.

pub mod manifest;
pub mod provenance;
mod signature;
mod walk;

use crate::checks::artifacts as rules;
use crate::error::{Error, Result};
use crate::location::{Location, SourceText, display_path};
use crate::model::{Finding, Rule};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What to verify.
pub struct Options<'a> {
    pub manifest: Option<&'a Path>,
    /// Files named on the command line; default: the manifest's.
    pub files: &'a [PathBuf],
    pub public_key: Option<&'a Path>,
    pub provenance: Option<&'a Path>,
    /// Paths are shown relative to this directory.
    pub base: &'a Path,
    /// The key findings are fingerprinted under.
    pub workspace: &'a str,
}

/// The findings, the number of files read, and the texts findings quote.
pub struct Verified {
    pub findings: Vec<Finding>,
    pub files: usize,
    pub texts: Vec<SourceText>,
}

/// One file to verify: where it is, how it is shown, its manifest entry.
struct Artifact {
    path: PathBuf,
    shown: String,
    entry: Option<manifest::Entry>,
    /// Named by the manifest (a missing file is a finding, not an error).
    from_manifest: bool,
}

struct Run<'a> {
    opts: &'a Options<'a>,
    manifest: Option<SourceText>,
    findings: Vec<Finding>,
}

impl Run<'_> {
    fn show(&self, p: &Path) -> String {
        display_path(Some(self.opts.base), p)
    }

    fn finding(
        &mut self,
        rule: &'static Rule,
        subject: &str,
        msg: String,
        at: Vec<Location>,
        fix: &str,
    ) {
        let mut f = Finding::new(rule, self.opts.workspace, "", subject, msg, at);
        f.fix = Some(fix.to_string());
        self.findings.push(f);
    }

    fn manifest_line(&self, line: u32, label: &str) -> Vec<Location> {
        self.manifest
            .iter()
            .map(|m| Location {
                path: m.display.clone(),
                line,
                column: 1,
                label: label.to_string(),
            })
            .collect()
    }
}

fn file_at(shown: &str, label: &str) -> Location {
    Location {
        path: shown.to_string(),
        line: 1,
        column: 1,
        label: label.to_string(),
    }
}

/// Verifies what `opts` asks for.
pub fn verify(opts: &Options<'_>) -> Result<Verified> {
    if opts.manifest.is_none() && opts.files.is_empty() {
        return Err(Error::Usage(
            "verify needs files: pass --manifest SHA256SUMS, or the files to verify".into(),
        ));
    }
    if opts.manifest.is_none() && opts.public_key.is_none() && opts.provenance.is_none() {
        return Err(Error::Usage(
            "verify needs at least one of --manifest, --public-key and --provenance".into(),
        ));
    }
    let manifest = opts
        .manifest
        .map(|m| crate::input::read_source(m, opts.base, crate::input::MAX_JSON))
        .transpose()?;
    let entries = manifest.as_ref().map(manifest::parse).transpose()?;
    let dir = opts.manifest.map(|m| {
        m.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    let key = opts.public_key.map(signature::load_key).transpose()?;
    let subjects = opts
        .provenance
        .map(|p| {
            crate::input::read_source(p, opts.base, crate::input::MAX_JSON)
                .and_then(|s| provenance::subjects(&s))
        })
        .transpose()?;
    let mut run = Run {
        opts,
        manifest,
        findings: Vec::new(),
    };
    let artifacts = artifacts(&run, dir.as_deref(), entries.as_deref())?;
    let manifest_signed = match (&key, opts.manifest) {
        (Some(k), Some(m)) => signature::manifest_signed(&mut run, k, m)?,
        _ => false,
    };
    let mut files = 0;
    for a in &artifacts {
        let Some(digest) = check_file(&mut run, a, key.as_ref(), manifest_signed)? else {
            continue;
        };
        files += 1;
        if let Some(subjects) = &subjects {
            if !subjects.contains(&digest) {
                run.finding(
                    &rules::ARTIFACT_PROVENANCE_MISSING,
                    &a.shown,
                    format!("`{}` (sha256 {digest}) is not a subject of the provenance statement", a.shown),
                    vec![file_at(&a.shown, "the artifact")],
                    "deploy only what the provenance describes: rebuild with provenance, or use the provenance of this build",
                );
            }
        }
    }
    if let (Some(dir), Some(entries)) = (&dir, &entries) {
        unlisted(&mut run, dir, entries)?;
    }
    let mut texts: Vec<SourceText> = run.manifest.iter().cloned().collect();
    texts.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(Verified {
        findings: run.findings,
        files,
        texts,
    })
}

/// The files to verify: the command line's, else the manifest's.
fn artifacts(
    run: &Run<'_>,
    dir: Option<&Path>,
    entries: Option<&[manifest::Entry]>,
) -> Result<Vec<Artifact>> {
    let by_path: BTreeMap<&str, &manifest::Entry> = entries
        .unwrap_or_default()
        .iter()
        .map(|e| (e.path.as_str(), e))
        .collect();
    if run.opts.files.is_empty() {
        let dir = dir.unwrap_or(Path::new("."));
        return Ok(by_path
            .values()
            .map(|e| {
                let path = dir.join(&e.path);
                Artifact {
                    shown: run.show(&path),
                    path,
                    entry: Some((*e).clone()),
                    from_manifest: true,
                }
            })
            .collect());
    }
    let mut out = Vec::new();
    for f in run.opts.files {
        let rel = dir.and_then(|d| walk::relative_to(f, d));
        let entry = rel
            .as_deref()
            .and_then(|r| by_path.get(r))
            .map(|e| (*e).clone());
        out.push(Artifact {
            shown: run.show(f),
            path: f.clone(),
            entry,
            from_manifest: false,
        });
    }
    out.sort_by(|a, b| a.shown.cmp(&b.shown));
    Ok(out)
}

/// Hashes one file (verifying its signature on the way) and reports what
/// is wrong with it; `None` when it is missing.
fn check_file(
    run: &mut Run<'_>,
    a: &Artifact,
    key: Option<&minisign_verify::PublicKey>,
    manifest_signed: bool,
) -> Result<Option<String>> {
    let file = match crate::input::open_regular(
        &a.path,
        &a.shown,
        u64::MAX,
        crate::input::Links::Follow,
    ) {
        Ok(f) => f,
        Err(Error::Read { source, .. })
            if a.from_manifest && source.kind() == std::io::ErrorKind::NotFound =>
        {
            let line = a.entry.as_ref().map_or(1, |e| e.line);
            run.finding(
                &rules::ARTIFACT_MISSING,
                &a.shown,
                format!("`{}` is listed in the manifest but is not there", a.shown),
                run.manifest_line(line, "listed here"),
                "publish the file, or regenerate the manifest from what is released",
            );
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let sig = key
        .map(|k| signature::for_file(&a.path, k))
        .transpose()?
        .flatten();
    let mut stream = sig.as_ref().and_then(|s| s.stream());
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut file = file;
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::read(&a.path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        if let Some(v) = stream.as_mut() {
            v.update(&buf[..n]);
        }
    }
    let digest = crate::model::hex(&hasher.finalize());
    let matches = compare(run, a, &digest);
    if let Some(key) = key {
        signature::judge(
            run,
            a,
            key,
            sig.as_ref(),
            stream,
            manifest_signed && matches,
        );
    }
    Ok(Some(digest))
}

/// Compares a file's digest with its manifest entry: whether it matches.
fn compare(run: &mut Run<'_>, a: &Artifact, digest: &str) -> bool {
    match &a.entry {
        Some(e) if e.sha256 != digest => {
            run.finding(
                &rules::ARTIFACT_DIGEST_MISMATCH,
                &a.shown,
                format!(
                    "`{}` has sha256 {digest}, but the manifest records {}",
                    a.shown, e.sha256
                ),
                [
                    vec![file_at(&a.shown, "the artifact")],
                    run.manifest_line(e.line, "recorded digest"),
                ]
                .concat(),
                "do not deploy it: rebuild and republish, or find out who changed the file",
            );
            false
        }
        Some(_) => true,
        None => {
            if run.manifest.is_some() {
                run.finding(
                    &rules::ARTIFACT_UNLISTED,
                    &a.shown,
                    format!("`{}` is not listed in the manifest", a.shown),
                    vec![file_at(&a.shown, "the artifact")],
                    "list it in the manifest (`sha256sum FILE >> SHA256SUMS`), or do not ship it",
                );
            }
            false
        }
    }
}

/// Files in the manifest's directory that it does not name.
fn unlisted(run: &mut Run<'_>, dir: &Path, entries: &[manifest::Entry]) -> Result<()> {
    let listed: BTreeSet<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    let mut skip: Vec<PathBuf> = [run.opts.manifest, run.opts.public_key, run.opts.provenance]
        .into_iter()
        .flatten()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    skip.extend(run.opts.files.iter().filter_map(|p| p.canonicalize().ok()));
    for rel in walk::files(dir)? {
        let path = dir.join(&rel);
        let is_sig = rel.ends_with(".minisig");
        if listed.contains(rel.as_str())
            || is_sig
            || path.canonicalize().is_ok_and(|c| skip.contains(&c))
        {
            continue;
        }
        let shown = run.show(&path);
        run.finding(
            &rules::ARTIFACT_UNLISTED,
            &shown,
            format!("`{shown}` is in the release directory but not in the manifest"),
            vec![file_at(&shown, "not in the manifest")],
            "list it in the manifest, or remove it from the release",
        );
    }
    Ok(())
}
