//! Package sources as Cargo spells them (`registry+URL`, `sparse+URL`,
//! `git+URL?rev=..#commit`, or none for path packages), parsed once so
//! checks can ask "is this crates.io?" or "is this git pinned to a rev?".

use serde::Serialize;

pub const CRATES_IO_GIT: &str = "registry+https://github.com/rust-lang/crates.io-index";
pub const CRATES_IO_SPARSE: &str = "sparse+https://index.crates.io/";

/// The `?branch=`/`?tag=`/`?rev=` part of a git source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum GitReference {
    /// No query: the default branch, whatever it points at when resolved.
    DefaultBranch,
    Branch(String),
    Tag(String),
    Rev(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// A path package (workspace member or path dependency).
    Path,
    CratesIo {
        raw: String,
    },
    Registry {
        url: String,
        raw: String,
    },
    Git {
        url: String,
        reference: GitReference,
        /// The resolved commit after `#`.
        commit: Option<String>,
        raw: String,
    },
    /// A source kind depgate does not know; kept verbatim.
    Other {
        raw: String,
    },
}

impl Source {
    /// As [`Source::parse`], keeping the string for crates.io (most packages).
    pub fn parse_owned(raw: Option<String>) -> Source {
        match raw {
            Some(raw) if raw == CRATES_IO_GIT || raw == CRATES_IO_SPARSE => {
                Source::CratesIo { raw }
            }
            other => Source::parse(other.as_deref()),
        }
    }

    pub fn parse(raw: Option<&str>) -> Source {
        let Some(raw) = raw else { return Source::Path };
        if raw == CRATES_IO_GIT || raw == CRATES_IO_SPARSE {
            return Source::CratesIo {
                raw: raw.to_string(),
            };
        }
        if let Some(url) = raw
            .strip_prefix("registry+")
            .or_else(|| raw.strip_prefix("sparse+"))
        {
            return Source::Registry {
                url: url.to_string(),
                raw: raw.to_string(),
            };
        }
        if let Some(rest) = raw.strip_prefix("git+") {
            let (before_hash, commit) = match rest.split_once('#') {
                Some((a, c)) => (a, Some(c.to_string())),
                None => (rest, None),
            };
            let (url, query) = match before_hash.split_once('?') {
                Some((u, q)) => (u, Some(q)),
                None => (before_hash, None),
            };
            return Source::Git {
                url: url.to_string(),
                reference: parse_git_query(query),
                commit,
                raw: raw.to_string(),
            };
        }
        Source::Other {
            raw: raw.to_string(),
        }
    }

    /// The source string as Cargo writes it; `None` for path packages.
    pub fn raw(&self) -> Option<&str> {
        match self {
            Source::Path => None,
            Source::CratesIo { raw }
            | Source::Registry { raw, .. }
            | Source::Git { raw, .. }
            | Source::Other { raw } => Some(raw),
        }
    }

    pub fn is_crates_io(&self) -> bool {
        matches!(self, Source::CratesIo { .. })
    }

    /// Short human name: `crates.io`, `path`, the registry or git URL.
    pub fn short(&self) -> String {
        match self {
            Source::Path => "path".into(),
            Source::CratesIo { .. } => "crates.io".into(),
            Source::Registry { url, .. } => url.clone(),
            Source::Git { url, .. } => format!("git {url}"),
            Source::Other { raw } => raw.clone(),
        }
    }
}

fn parse_git_query(query: Option<&str>) -> GitReference {
    let Some(query) = query else {
        return GitReference::DefaultBranch;
    };
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value);
        match key {
            "rev" => return GitReference::Rev(value),
            "tag" => return GitReference::Tag(value),
            "branch" => return GitReference::Branch(value),
            _ => {}
        }
    }
    GitReference::DefaultBranch
}

/// Lockfile v4 percent-encodes git references; decode `%XX` sequences.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_source_kind() {
        assert_eq!(Source::parse(None), Source::Path);
        assert!(Source::parse(Some(CRATES_IO_GIT)).is_crates_io());
        assert!(Source::parse(Some(CRATES_IO_SPARSE)).is_crates_io());
        let git = Source::parse(Some("git+https://github.com/a/b?branch=feat%2Fx#abc123"));
        match git {
            Source::Git {
                url,
                reference,
                commit,
                ..
            } => {
                assert_eq!(url, "https://github.com/a/b");
                assert_eq!(reference, GitReference::Branch("feat/x".into()));
                assert_eq!(commit.as_deref(), Some("abc123"));
            }
            other => panic!("not git: {other:?}"),
        }
        let pinned = Source::parse(Some("git+https://x/y?rev=deadbeef#deadbeef0000"));
        assert!(matches!(
            pinned,
            Source::Git {
                reference: GitReference::Rev(_),
                ..
            }
        ));
        let default = Source::parse(Some("git+https://x/y#0123"));
        assert!(matches!(
            default,
            Source::Git {
                reference: GitReference::DefaultBranch,
                ..
            }
        ));
        let reg = Source::parse(Some("sparse+https://my.registry/index/"));
        assert!(matches!(reg, Source::Registry { .. }));
    }
}
