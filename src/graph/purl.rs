//! Package URLs (`pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS#SUBPATH`), as
//! SBOMs name components. Only the parts a Cargo package needs are kept.

use super::source::percent_decode;
use std::collections::BTreeMap;

/// A parsed purl.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    /// The type, lower-cased (`cargo`, `npm`, …).
    pub kind: String,
    pub name: String,
    pub version: Option<String>,
    pub qualifiers: BTreeMap<String, String>,
}

/// Parses `text`; `Err` says why it is not a purl.
pub fn parse(text: &str) -> Result<Purl, String> {
    let rest = text
        .strip_prefix("pkg:")
        .ok_or_else(|| format!("`{text}` does not start with `pkg:`"))?;
    let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let rest = rest.trim_start_matches('/');
    let (kind, path) = rest
        .split_once('/')
        .ok_or_else(|| format!("`{text}` has no name after its type"))?;
    let (path, version) = match path.rsplit_once('@') {
        Some((p, v)) => (p, Some(percent_decode(v))),
        None => (path, None),
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    if kind.is_empty() || name.is_empty() {
        return Err(format!("`{text}` has an empty type or name"));
    }
    let qualifiers = query
        .split('&')
        .filter(|q| !q.is_empty())
        .map(|q| {
            let (k, v) = q.split_once('=').unwrap_or((q, ""));
            (k.to_ascii_lowercase(), percent_decode(v))
        })
        .collect();
    Ok(Purl {
        kind: kind.to_ascii_lowercase(),
        name: percent_decode(name),
        version: version.filter(|v| !v.is_empty()),
        qualifiers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_purls_with_qualifiers() {
        let p = parse("pkg:cargo/serde@1.0.219").unwrap();
        assert_eq!((p.kind.as_str(), p.name.as_str()), ("cargo", "serde"));
        assert_eq!(p.version.as_deref(), Some("1.0.219"));
        let p = parse("pkg:cargo/a-b@0.1.0%2Bbuild?vcs_url=git%2Bhttps://x/y%40abc#sub").unwrap();
        assert_eq!(p.version.as_deref(), Some("0.1.0+build"));
        assert_eq!(p.qualifiers["vcs_url"], "git+https://x/y@abc");
        let p = parse("pkg:npm/%40scope/name").unwrap();
        assert_eq!(
            (p.kind.as_str(), p.name.as_str(), p.version),
            ("npm", "name", None)
        );
        assert!(parse("cargo/serde@1").is_err());
        assert!(parse("pkg:cargo").is_err());
    }
}
