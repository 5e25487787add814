//! Version steps by Cargo's compatibility rules: in `x.y.z` (x > 0) an `x`
//! change is major, `y` minor, `z` patch; in `0.y.z` a `y` change is major
//! and a `z` change minor; in `0.0.z` every change is major.

use crate::model::api::Bump;
use semver::Version;

/// The step from `base` to `head`; `None` when the version went down.
pub fn actual(base: &Version, head: &Version) -> Option<Bump> {
    if head < base {
        return None;
    }
    if head == base {
        return Some(Bump::None);
    }
    let core = |v: &Version| (v.major, v.minor, v.patch);
    if core(head) == core(base) {
        // Only the pre-release or build changed: no compatibility promise.
        return Some(Bump::Major);
    }
    Some(if base.major > 0 {
        if head.major != base.major {
            Bump::Major
        } else if head.minor != base.minor {
            Bump::Minor
        } else {
            Bump::Patch
        }
    } else if base.minor > 0 {
        if head.major != 0 || head.minor != base.minor {
            Bump::Major
        } else {
            Bump::Minor
        }
    } else {
        Bump::Major
    })
}

/// The smallest version after `v` that allows `bump`.
pub fn next(v: &Version, bump: Bump) -> Version {
    let (ma, mi, pa) = (v.major, v.minor, v.patch);
    let (ma, mi, pa) = match (bump, ma, mi) {
        (Bump::Major, 0, 0) | (Bump::Minor, 0, 0) | (Bump::Patch, 0, 0) => (0, 0, pa + 1),
        (Bump::Major, 0, _) => (0, mi + 1, 0),
        (Bump::Minor, 0, _) | (Bump::Patch, 0, _) => (0, mi, pa + 1),
        (Bump::Major, _, _) => (ma + 1, 0, 0),
        (Bump::Minor, _, _) => (ma, mi + 1, 0),
        (Bump::Patch, _, _) | (Bump::None, _, _) => (ma, mi, pa + 1),
    };
    Version::new(ma, mi, pa)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn cargo_rules() {
        for (b, h, want) in [
            ("1.2.3", "2.0.0", Some(Bump::Major)),
            ("1.2.3", "1.3.0", Some(Bump::Minor)),
            ("1.2.3", "1.2.4", Some(Bump::Patch)),
            ("1.2.3", "1.2.3", Some(Bump::None)),
            ("1.2.3", "1.2.2", None),
            ("0.3.1", "0.4.0", Some(Bump::Major)),
            ("0.3.1", "0.3.2", Some(Bump::Minor)),
            ("0.3.1", "1.0.0", Some(Bump::Major)),
            ("0.0.3", "0.0.4", Some(Bump::Major)),
            ("1.0.0-alpha.1", "1.0.0-alpha.2", Some(Bump::Major)),
        ] {
            assert_eq!(actual(&v(b), &v(h)), want, "{b} -> {h}");
        }
        assert_eq!(next(&v("1.2.3"), Bump::Major), v("2.0.0"));
        assert_eq!(next(&v("0.3.1"), Bump::Major), v("0.4.0"));
        assert_eq!(next(&v("0.3.1"), Bump::Minor), v("0.3.2"));
        assert_eq!(next(&v("0.0.3"), Bump::Minor), v("0.0.4"));
    }
}
