//! The workspace's pinned toolchain, from `rust-toolchain.toml` or the
//! legacy `rust-toolchain` file (metadata mode only: lockfile mode never
//! reads them). A file that is not valid is an error naming its line.

use crate::error::{Error, Result};
use crate::location::{Location, SourceText};
use std::path::Path;

/// A pinned channel, and its version when the channel is a release number.
#[derive(Debug, Clone)]
pub struct Toolchain {
    pub channel: String,
    /// `1.82` or `1.82.0` as a version; `None` for `stable`, `nightly-…`.
    pub version: Option<semver::Version>,
    pub location: Location,
}

pub use crate::model::channel_version;

/// Reads the toolchain file of `root`, if there is one.
pub fn read(root: &Path, base: &Path) -> Result<Option<Toolchain>> {
    for name in ["rust-toolchain.toml", "rust-toolchain"] {
        let path = root.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        let shown = crate::location::display_path(Some(base), &path);
        let links = crate::input::Links::Follow;
        let text = crate::input::read_text(&path, &shown, crate::input::MAX_SMALL, links)?;
        let src = SourceText::new(shown, text);
        return parse(&src).map(Some);
    }
    Ok(None)
}

pub fn parse(src: &SourceText) -> Result<Toolchain> {
    let trimmed = src.text.trim();
    // The legacy file may hold just a channel name.
    if !trimmed.is_empty() && !trimmed.contains(['=', '[', '\n']) {
        return Ok(Toolchain {
            channel: trimmed.to_string(),
            version: channel_version(trimmed),
            location: src.location(0..0, "toolchain channel"),
        });
    }
    let table =
        toml::de::DeTable::parse(&src.text).map_err(|e| Error::toml(src, e.span(), e.message()))?;
    let channel = table
        .get_ref()
        .get("toolchain")
        .and_then(|t| t.get_ref().as_table())
        .and_then(|t| t.get("channel"));
    let Some(channel) = channel else {
        return Err(Error::at(
            src,
            (1, 1),
            "toolchain.channel",
            "missing `[toolchain] channel`",
        ));
    };
    let Some(text) = channel.get_ref().as_str() else {
        return Err(Error::at(
            src,
            src.line_col(channel.span().start),
            "toolchain.channel",
            "expected a string",
        ));
    };
    Ok(Toolchain {
        channel: text.to_string(),
        version: channel_version(text),
        location: src.location(channel.span(), "toolchain channel"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels() {
        let t = parse(&SourceText::new(
            "rust-toolchain.toml",
            "[toolchain]\nchannel = \"1.82\"\n".into(),
        ))
        .unwrap();
        assert_eq!(
            (t.version, t.location.line, t.location.column),
            (Some(semver::Version::new(1, 82, 0)), 2, 11)
        );
        let legacy = parse(&SourceText::new("rust-toolchain", "1.80.1\n".into())).unwrap();
        assert_eq!(legacy.version, Some(semver::Version::new(1, 80, 1)));
        assert!(
            parse(&SourceText::new(
                "rust-toolchain.toml",
                "[toolchain]\nchannel = \"stable\"\n".into()
            ))
            .unwrap()
            .version
            .is_none()
        );
        let err = parse(&SourceText::new(
            "rust-toolchain.toml",
            "[toolchain\nchannel = 1\n".into(),
        ))
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("rust-toolchain.toml:1:"), "{err}");
    }
}
