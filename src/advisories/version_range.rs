//! Version requirements as *ranges* over the full semver order, the way
//! rustsec (and so cargo-audit) evaluates `patched` and `unaffected`:
//! unlike `semver::VersionReq::matches`, a pre-release such as
//! `1.3.0-alpha` is simply compared by order, so `>= 1.2.3` contains it.

use semver::{Comparator, Op, Prerelease, Version, VersionReq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One requirement string (`>= 1.2.3, < 2`): the intersection of its comparators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRange {
    text: String,
    bounds: Vec<(Option<Bound>, Option<Bound>)>,
}

/// A version and whether the bound includes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bound {
    version: Version,
    inclusive: bool,
}

fn v(major: u64, minor: u64, patch: u64) -> Version {
    Version::new(major, minor, patch)
}

/// The lowest version of the next release line: `x.y.z-0`.
fn floor(version: Version) -> Version {
    Version {
        pre: Prerelease::new("0").unwrap_or(Prerelease::EMPTY),
        ..version
    }
}

fn lower(version: Version, inclusive: bool) -> Option<Bound> {
    Some(Bound { version, inclusive })
}

fn upper_excl(version: Version) -> Option<Bound> {
    Some(Bound {
        version: floor(version),
        inclusive: false,
    })
}

/// [lower, upper) bounds of one comparator, with missing minor/patch filled in.
fn comparator_bounds(c: &Comparator) -> (Option<Bound>, Option<Bound>) {
    let (maj, min, pat) = (c.major, c.minor, c.patch);
    let exact = Version {
        major: maj,
        minor: min.unwrap_or(0),
        patch: pat.unwrap_or(0),
        pre: c.pre.clone(),
        build: Default::default(),
    };
    // The version right after the given prefix (`1.2` -> `1.3.0`).
    let next = match (min, pat) {
        (None, _) => v(maj + 1, 0, 0),
        (Some(m), None) => v(maj, m + 1, 0),
        (Some(m), Some(p)) => v(maj, m, p + 1),
    };
    match c.op {
        Op::Exact | Op::Wildcard => match (min, pat) {
            (Some(_), Some(_)) => (
                lower(exact.clone(), true),
                Some(Bound {
                    version: exact,
                    inclusive: true,
                }),
            ),
            _ => (lower(exact, true), upper_excl(next)),
        },
        Op::Greater => match (min, pat) {
            (Some(_), Some(_)) => (lower(exact, false), None),
            _ => (lower(floor(next), true), None),
        },
        Op::GreaterEq => (lower(exact, true), None),
        Op::Less => (
            None,
            Some(Bound {
                version: if c.pre.is_empty() {
                    floor(exact)
                } else {
                    exact
                },
                inclusive: false,
            }),
        ),
        Op::LessEq => match (min, pat) {
            (Some(_), Some(_)) => (
                None,
                Some(Bound {
                    version: exact,
                    inclusive: true,
                }),
            ),
            _ => (None, upper_excl(next)),
        },
        Op::Tilde => {
            let hi = match min {
                Some(m) => v(maj, m + 1, 0),
                None => v(maj + 1, 0, 0),
            };
            (lower(exact, true), upper_excl(hi))
        }
        Op::Caret => {
            let hi = match (maj, min, pat) {
                (0, Some(0), Some(p)) => v(0, 0, p + 1),
                (0, Some(m), _) if m > 0 || pat.is_none() => v(0, m + 1, 0),
                (0, None, _) => v(1, 0, 0),
                (m, _, _) => v(m + 1, 0, 0),
            };
            (lower(exact, true), upper_excl(hi))
        }
        _ => (lower(exact, true), None),
    }
}

impl VersionRange {
    pub fn parse(text: &str) -> Option<VersionRange> {
        let req = VersionReq::parse(text).ok()?;
        Some(VersionRange {
            text: text.to_string(),
            bounds: req.comparators.iter().map(comparator_bounds).collect(),
        })
    }

    pub fn contains(&self, version: &Version) -> bool {
        let ord = |a: &Version, b: &Version| a.cmp_precedence(b);
        self.bounds.iter().all(|(lo, hi)| {
            lo.as_ref().is_none_or(|b| match ord(version, &b.version) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Equal => b.inclusive,
                std::cmp::Ordering::Less => false,
            }) && hi.as_ref().is_none_or(|b| match ord(version, &b.version) {
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Equal => b.inclusive,
                std::cmp::Ordering::Greater => false,
            })
        })
    }

    /// The lowest version the range admits, when it has a lower bound.
    pub fn minimum(&self) -> Option<Version> {
        self.bounds
            .iter()
            .filter_map(|(lo, _)| lo.as_ref())
            .map(|b| b.version.clone())
            .max()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Serialize for VersionRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for VersionRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<VersionRange, D::Error> {
        let s = String::deserialize(d)?;
        VersionRange::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid version requirement `{s}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(range: &str, version: &str) -> bool {
        VersionRange::parse(range)
            .unwrap()
            .contains(&Version::parse(version).unwrap())
    }

    #[test]
    fn ranges() {
        assert!(has(">= 1.2.3", "1.2.3") && has(">= 1.2.3", "2.0.0") && !has(">= 1.2.3", "1.2.2"));
        assert!(
            has(">= 1.2.3", "1.3.0-alpha"),
            "pre-releases are ordered, not excluded"
        );
        assert!(has("^1.2.3", "1.9.0") && !has("^1.2.3", "2.0.0") && !has("^1.2.3", "2.0.0-rc.1"));
        assert!(has("^0.2.3", "0.2.9") && !has("^0.2.3", "0.3.0"));
        assert!(has("^0.0.3", "0.0.3") && !has("^0.0.3", "0.0.4"));
        assert!(has("~1.2.3", "1.2.9") && !has("~1.2.3", "1.3.0"));
        assert!(has("< 0.5", "0.4.9") && !has("< 0.5", "0.5.0") && !has("< 0.5", "0.5.0-beta"));
        assert!(has(">= 0.3.1, < 0.4", "0.3.5") && !has(">= 0.3.1, < 0.4", "0.4.0"));
        assert!(has("= 1.0.0", "1.0.0") && !has("= 1.0.0", "1.0.1"));
        assert!(has("> 1.0", "1.1.0") && !has("> 1.0", "1.0.5"));
        assert!(has("<= 1.2", "1.2.9") && !has("<= 1.2", "1.3.0"));
        assert_eq!(
            VersionRange::parse(">= 1.2.3, < 2").unwrap().minimum(),
            Some(Version::new(1, 2, 3))
        );
    }
}
