//! Reading input files within bounds. Every reader goes through
//! [`read_text`]: the path must be a regular file (a FIFO would block, a
//! device such as `/dev/zero` never ends), no larger than the reader's
//! limit, and UTF-8. Larger, special or undecodable input is an error that
//! names the file, never a hang or an out-of-memory kill. The limits are
//! documented in the README.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// Largest Cargo.lock (the largest in the corpus, vector's, is 0.4 MB;
/// a generated 100,000-package lockfile is 23 MB).
pub const MAX_LOCKFILE: u64 = 64 << 20;
/// Largest `cargo metadata` JSON, baseline or single report read.
pub const MAX_JSON: u64 = 512 << 20;
/// Largest policy file, toolchain file, manifest or advisory file.
pub const MAX_SMALL: u64 = 4 << 20;
/// Largest fleet report read by `fleet merge` and `fleet query`.
pub const MAX_FLEET_REPORT: u64 = 4 << 30;

/// Whether a symbolic link may be followed to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// The user's own files (`check`): a link to a regular file is fine.
    Follow,
    /// Untrusted trees (fleet scans): a link is refused.
    Refuse,
}

fn refuse(shown: &str, msg: String) -> Error {
    Error::input(shown, (1, 1), "", msg)
}

/// Largest binary read by `depgate artifact`, and largest release file
/// hashed by `depgate verify` in one read.
pub const MAX_BINARY: u64 = 1 << 30;

/// Reads `path` (shown as `shown` in errors) as UTF-8 text of at most
/// `limit` bytes.
pub fn read_text(path: &Path, shown: &str, limit: u64, links: Links) -> Result<String> {
    let bytes = read_bytes(path, shown, limit, links)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        refuse(
            shown,
            format!("cannot read: not UTF-8 text (an invalid byte at offset {at})"),
        )
    })
}

/// Reads `path` as a [`SourceText`] shown relative to `base`.
pub fn read_source(path: &Path, base: &Path, limit: u64) -> Result<crate::location::SourceText> {
    let shown = crate::location::display_path(Some(base), path);
    let text = read_text(path, &shown, limit, Links::Follow)?;
    Ok(crate::location::SourceText::new(shown, text))
}

/// Reads `path` as bytes: a regular file of at most `limit` bytes.
pub fn read_bytes(path: &Path, shown: &str, limit: u64, links: Links) -> Result<Vec<u8>> {
    let file = open_regular(path, shown, limit, links)?;
    let len = file.metadata().map_err(|e| Error::read(path, e))?.len();
    let mut bytes = Vec::with_capacity(len.min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::read(path, e))?;
    check_size(shown, bytes.len() as u64, limit)?;
    Ok(bytes)
}

/// Opens `path` if it is a regular file of at most `limit` bytes.
pub fn open_regular(path: &Path, shown: &str, limit: u64, links: Links) -> Result<std::fs::File> {
    let meta = match links {
        Links::Follow => std::fs::metadata(path),
        Links::Refuse => std::fs::symlink_metadata(path),
    }
    .map_err(|e| Error::read(path, e))?;
    let what = if meta.file_type().is_symlink() {
        "a symbolic link (not followed in an untrusted tree)"
    } else if meta.is_dir() {
        "a directory"
    } else if !meta.is_file() {
        "not a regular file (a FIFO, socket or device is never read)"
    } else {
        ""
    };
    if !what.is_empty() {
        return Err(refuse(
            shown,
            format!("cannot read: {what}, expected a file"),
        ));
    }
    check_size(shown, meta.len(), limit)?;
    let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
    // The file may have been swapped since the check above.
    let opened = file.metadata().map_err(|e| Error::read(path, e))?;
    if !opened.is_file() {
        return Err(refuse(shown, "cannot read: not a regular file".into()));
    }
    check_size(shown, opened.len(), limit)?;
    Ok(file)
}

fn check_size(shown: &str, len: u64, limit: u64) -> Result<()> {
    if len > limit {
        return Err(refuse(
            shown,
            format!("cannot read: {len} bytes, larger than this reader's limit of {limit} bytes"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_large_and_binary_files_are_refused() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("a");
        std::fs::write(&f, "ok").unwrap();
        assert_eq!(read_text(&f, "a", 10, Links::Follow).unwrap(), "ok");
        assert!(
            read_text(&f, "a", 1, Links::Follow)
                .unwrap_err()
                .to_string()
                .contains("limit")
        );
        std::fs::write(&f, [0xff, 0xfe]).unwrap();
        assert!(
            read_text(&f, "a", 10, Links::Follow)
                .unwrap_err()
                .to_string()
                .contains("UTF-8")
        );
        let zero = Path::new("/dev/zero");
        let e = read_text(zero, "zero", 10, Links::Follow)
            .unwrap_err()
            .to_string();
        assert!(e.contains("never read"), "{e}");
        let link = t.path().join("link");
        std::os::unix::fs::symlink(zero, &link).unwrap();
        assert!(
            read_text(&link, "link", 10, Links::Refuse)
                .unwrap_err()
                .to_string()
                .contains("symbolic link")
        );
        assert!(
            read_text(t.path(), "dir", 10, Links::Follow)
                .unwrap_err()
                .to_string()
                .contains("directory")
        );
    }
}
