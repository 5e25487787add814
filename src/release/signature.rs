//! minisign (Ed25519) detached signatures: `FILE.minisig` beside each file,
//! verified with `minisign-verify` against one trusted public key. Only
//! pre-hashed signatures (minisign's default since 0.8) are accepted: they
//! verify while the file streams through once.

use super::{Artifact, Run, file_at, rules};
use crate::error::{Error, Result};
use minisign_verify::{PublicKey, Signature, StreamVerifier};
use std::path::{Path, PathBuf};

/// The trusted key: a `minisign.pub` file, or its base64 line alone.
pub fn load_key(path: &Path) -> Result<PublicKey> {
    let shown = path.display().to_string();
    let text = crate::input::read_text(
        path,
        &shown,
        crate::input::MAX_SMALL,
        crate::input::Links::Follow,
    )?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let parsed = match lines.as_slice() {
        [b64] => PublicKey::from_base64(b64.trim()),
        _ => PublicKey::decode(&text),
    };
    parsed.map_err(|e| {
        Error::input(
            shown,
            (1, 1),
            "",
            format!("not a minisign public key ({e}); expected the `minisign.pub` file or its base64 line"),
        )
    })
}

/// A file's signature as found beside it: decoded, or why it is not.
pub struct Found {
    path: PathBuf,
    decoded: std::result::Result<Signature, String>,
    key: PublicKey,
}

impl Found {
    /// A verifier to feed the file's bytes through, when it can be checked.
    pub fn stream(&self) -> Option<StreamVerifier<'_>> {
        self.decoded
            .as_ref()
            .ok()
            .and_then(|s| self.key.verify_stream(s).ok())
    }
}

fn sig_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".minisig");
    PathBuf::from(p)
}

/// The signature beside `path`, when there is one.
pub fn for_file(path: &Path, key: &PublicKey) -> Result<Option<Found>> {
    let sp = sig_path(path);
    if !sp.exists() {
        return Ok(None);
    }
    let shown = sp.display().to_string();
    let text = crate::input::read_text(
        &sp,
        &shown,
        crate::input::MAX_SMALL,
        crate::input::Links::Follow,
    );
    let decoded = match text {
        Ok(t) => Signature::decode(&t).map_err(|e| {
            format!("cannot be decoded ({e}): truncated, or not a minisign signature")
        }),
        Err(e) => Err(e.to_string()),
    };
    Ok(Some(Found {
        path: sp,
        decoded,
        key: key.clone(),
    }))
}

/// Why a decoded signature does not verify.
fn why(e: &minisign_verify::Error) -> String {
    match e {
        minisign_verify::Error::UnexpectedKeyId => {
            "it was made by another key than the trusted one".into()
        }
        minisign_verify::Error::UnsupportedLegacyMode
        | minisign_verify::Error::UnexpectedAlgorithm => {
            "it is a legacy (not pre-hashed) signature: sign with minisign 0.8 or later".into()
        }
        _ => "it does not match the file: the file or the signature was changed".into(),
    }
}

/// Reports an artifact's signature state; `covered` when the signed
/// manifest vouches for its digest.
pub fn judge(
    run: &mut Run<'_>,
    a: &Artifact,
    key: &PublicKey,
    found: Option<&Found>,
    stream: Option<StreamVerifier<'_>>,
    covered: bool,
) {
    let problem = match (found, stream) {
        (None, _) if covered => return,
        (None, _) => {
            run.finding(
                &rules::ARTIFACT_UNSIGNED,
                &a.shown,
                format!(
                    "`{}` has no signature (`{}.minisig`){}",
                    a.shown,
                    a.shown,
                    if run.manifest.is_some() {
                        ", and no signed manifest vouches for it"
                    } else {
                        ""
                    }
                ),
                vec![file_at(&a.shown, "the artifact")],
                "sign it: `minisign -Sm FILE` (or sign the SHA256SUMS manifest)",
            );
            return;
        }
        (Some(_), Some(mut v)) => match v.finalize() {
            Ok(()) => return,
            Err(e) => why(&e),
        },
        (Some(f), None) => match &f.decoded {
            Err(e) => e.clone(),
            Ok(s) => match key.verify_stream(s) {
                Err(e) => why(&e),
                Ok(_) => "it could not be checked".into(),
            },
        },
    };
    let Some(f) = found else { return };
    let sig_shown = run.show(&f.path);
    run.finding(
        &rules::ARTIFACT_SIGNATURE_INVALID,
        &a.shown,
        format!("the signature of `{}` is not valid: {problem}", a.shown),
        vec![
            file_at(&a.shown, "the artifact"),
            file_at(&sig_shown, "its signature"),
        ],
        "do not deploy it: re-sign the file with the release key, or find out who changed it",
    );
}

/// Whether `SHA256SUMS.minisig` verifies the manifest; an invalid one is a
/// finding about the manifest.
pub fn manifest_signed(run: &mut Run<'_>, key: &PublicKey, manifest: &Path) -> Result<bool> {
    let Some(found) = for_file(manifest, key)? else {
        return Ok(false);
    };
    let text = run
        .manifest
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    let shown = run.show(manifest);
    let problem = match &found.decoded {
        Err(e) => e.clone(),
        Ok(s) => match key.verify(text.as_bytes(), s, false) {
            Ok(()) => return Ok(true),
            Err(e) => why(&e),
        },
    };
    let sig_shown = run.show(&found.path);
    run.finding(
        &rules::ARTIFACT_SIGNATURE_INVALID,
        &shown,
        format!("the signature of the manifest `{shown}` is not valid: {problem}"),
        vec![
            file_at(&shown, "the manifest"),
            file_at(&sig_shown, "its signature"),
        ],
        "do not deploy from it: re-sign the manifest with the release key",
    );
    Ok(false)
}
