//! A waiver as data: which findings it accepts, why, until when, and where
//! it is written. The policy parses `[[waivers]]` into these; the decide
//! stage matches them; findings refer to them by [`WaiverId`](super::WaiverId).

use super::finding::Finding;
use crate::date::Date;
use crate::location::Location;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Waiver {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "crate", skip_serializing_if = "Option::is_none")]
    pub krate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<String>,
    pub reason: String,
    pub expires: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    pub location: Location,
}

impl Waiver {
    /// `rule/id/crate/versions`, `*` for what it leaves open.
    pub fn key(&self) -> String {
        let parts = [&self.rule, &self.id, &self.krate, &self.versions];
        parts
            .iter()
            .map(|p| p.as_deref().unwrap_or("*"))
            .collect::<Vec<_>>()
            .join("/")
    }

    pub fn matches(&self, f: &Finding) -> bool {
        let pkg = f.package.as_ref();
        self.rule.as_ref().is_none_or(|r| r == f.rule.id)
            && self.id.as_ref().is_none_or(|i| *i == f.subject)
            && self
                .krate
                .as_ref()
                .is_none_or(|c| pkg.is_some_and(|p| p.name == *c))
            && self.versions.as_ref().is_none_or(|v| {
                let req = semver::VersionReq::parse(v).ok();
                let ver = pkg.and_then(|p| semver::Version::parse(&p.version).ok());
                matches!((req, ver), (Some(r), Some(v)) if r.matches(&v))
            })
    }
}
