//! `depgate fleet query CRATE[@REQ] --report FLEET.json`: which units use a
//! crate, at which versions, and through which of their direct
//! dependencies. It works offline from a saved fleet report: each unit's
//! package list carries its dependency edges, and the units' full reports
//! are skipped unread.

use crate::error::{Error, Result};
use crate::model::fleet::UnitPackage;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// What is asked: a name, and an exact version or a requirement.
#[derive(Debug, Clone)]
pub struct Query {
    pub name: String,
    pub version: Option<VersionMatch>,
}

#[derive(Debug, Clone)]
pub enum VersionMatch {
    Exact(semver::Version),
    Req(semver::VersionReq),
}

impl Query {
    /// `openssl`, `openssl@0.10.55` (exactly that version) or
    /// `tokio@<0.3` / `tokio@^0.2` (a requirement).
    pub fn parse(spec: &str) -> Result<Query> {
        let (name, req) = match spec.split_once('@') {
            Some((n, r)) => (n, Some(r)),
            None => (spec, None),
        };
        if name.is_empty() {
            return Err(Error::Usage(format!(
                "fleet query {spec}: expected CRATE[@VERSION|@REQ]"
            )));
        }
        let version = match req {
            None => None,
            Some(r) => Some(match semver::Version::parse(r) {
                Ok(v) => VersionMatch::Exact(v),
                Err(_) => VersionMatch::Req(semver::VersionReq::parse(r).map_err(|e| {
                    Error::Usage(format!(
                        "fleet query {spec}: `{r}` is neither a version nor a requirement: {e}"
                    ))
                })?),
            }),
        };
        Ok(Query {
            name: name.to_string(),
            version,
        })
    }

    fn matches(&self, p: &UnitPackage) -> bool {
        if p.name != self.name {
            return false;
        }
        let Ok(v) = semver::Version::parse(&p.version) else {
            return self.version.is_none();
        };
        match &self.version {
            None => true,
            Some(VersionMatch::Exact(want)) => &v == want,
            Some(VersionMatch::Req(req)) => req.matches(&v),
        }
    }
}

/// One use of the crate in one unit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Hit {
    pub unit: String,
    pub repository: String,
    pub version: String,
    /// `LOCKFILE:LINE`, relative to the repository.
    pub location: String,
    /// The unit's direct dependencies that pull it in (`name version`);
    /// empty when a workspace member depends on it directly.
    pub via: Vec<String>,
    pub direct: bool,
}

#[derive(Deserialize)]
struct Lite {
    units: Vec<LiteUnit>,
}

#[derive(Deserialize)]
struct LiteUnit {
    path: String,
    repository: String,
    lockfile: String,
    packages: Vec<UnitPackage>,
}

/// Answers `q` from the fleet report at `path`.
pub fn run(q: &Query, path: &Path) -> Result<Vec<Hit>> {
    let text = super::merge::read_text(path)?;
    let lite: Lite = serde_json::from_str(&text).map_err(|e| {
        let at = (e.line() as u32, (e.column() as u32).max(1));
        Error::input(path.display().to_string(), at, "units", e.to_string())
    })?;
    let mut hits = Vec::new();
    for u in &lite.units {
        for (i, p) in u.packages.iter().enumerate().filter(|(_, p)| q.matches(p)) {
            let (via, direct) = via(&u.packages, i);
            hits.push(Hit {
                unit: u.path.clone(),
                repository: u.repository.clone(),
                version: p.version.clone(),
                location: format!("{}:{}", u.lockfile, p.line),
                via,
                direct,
            });
        }
    }
    hits.sort();
    Ok(hits)
}

/// The members' direct dependencies from which package `target` is
/// reachable, and whether a member depends on it directly.
fn via(packages: &[UnitPackage], target: usize) -> (Vec<String>, bool) {
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); packages.len()];
    for (i, p) in packages.iter().enumerate() {
        for &d in &p.deps {
            if let Some(list) = dependents.get_mut(d as usize) {
                list.push(i);
            }
        }
    }
    let is_direct =
        |i: usize| dependents[i].iter().any(|&d| packages[d].member) && !packages[i].member;
    let mut seen = vec![false; packages.len()];
    let mut stack = vec![target];
    let mut out = BTreeSet::new();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        if i != target && is_direct(i) {
            out.insert(format!("{} {}", packages[i].name, packages[i].version));
        }
        stack.extend(
            dependents[i]
                .iter()
                .copied()
                .filter(|&d| !packages[d].member),
        );
    }
    (out.into_iter().collect(), is_direct(target))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(name: &str, member: bool, deps: &[u32]) -> UnitPackage {
        UnitPackage {
            name: name.into(),
            version: "1.0.0".into(),
            source: if member { "path" } else { "crates.io" }.into(),
            line: 1,
            member,
            license: None,
            deps: deps.to_vec(),
        }
    }

    #[test]
    fn through_which_direct_dependency() {
        // app -> a -> c, app -> b -> c, app -> c
        let ps = vec![
            pkg("app", true, &[1, 2, 3]),
            pkg("a", false, &[3]),
            pkg("b", false, &[3]),
            pkg("c", false, &[]),
        ];
        assert_eq!(
            via(&ps, 3),
            (vec!["a 1.0.0".to_string(), "b 1.0.0".to_string()], true)
        );
        assert_eq!(via(&ps, 1), (vec![], true));
    }

    #[test]
    fn versions_and_requirements() {
        let q = Query::parse("c@1.0.0").unwrap();
        assert!(q.matches(&pkg("c", false, &[])));
        assert!(!Query::parse("c@<1").unwrap().matches(&pkg("c", false, &[])));
        assert!(Query::parse("c@^1").unwrap().matches(&pkg("c", false, &[])));
        assert!(Query::parse("@1").is_err());
        assert!(Query::parse("c@x.y").is_err());
    }
}
