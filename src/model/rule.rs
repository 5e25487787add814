//! A rule: a stable kebab-case id, its family, default level and page
//! (`rules/<id>.md`, embedded). Each family declares its rules with
//! [`rule!`](crate::rule) and lists them in its descriptor; the registry
//! derives the list of every rule from those descriptors.

use super::finding::Level;
use serde::{Serialize, Serializer};

#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id, e.g. `source-git-unpinned`.
    pub id: &'static str,
    /// PascalCase name, distinct from the id (SARIF `name`).
    pub name: &'static str,
    pub family: &'static str,
    pub default_level: Level,
    /// Whether SARIF tags it `security`.
    pub security: bool,
    pub summary: &'static str,
    /// The Markdown page from `rules/<id>.md`.
    pub page: &'static str,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.id == other.id
    }
}

impl Eq for Rule {}

impl PartialOrd for Rule {
    fn partial_cmp(&self, other: &Rule) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rule {
    fn cmp(&self, other: &Rule) -> std::cmp::Ordering {
        self.id.cmp(other.id)
    }
}

/// A rule serializes as its id.
impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// Declares a rule whose page is `rules/<id>.md`; a missing page fails the build.
#[macro_export]
macro_rules! rule {
    ($ident:ident, $id:literal, $name:literal, $family:literal, $level:ident, $security:literal, $summary:literal) => {
        pub static $ident: $crate::model::Rule = $crate::model::Rule {
            id: $id,
            name: $name,
            family: $family,
            default_level: $crate::model::Level::$level,
            security: $security,
            summary: $summary,
            page: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md")),
        };
    };
}

/// The closest of `candidates` to `word` by edit distance, for "did you
/// mean" hints; `None` when nothing is close.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// ` (did you mean `x`?)` or nothing.
pub fn hint(word: &str, candidates: &[&str]) -> String {
    did_you_mean(word, candidates)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("alow", &["allow", "deny"]), Some("allow"));
        assert_eq!(
            did_you_mean("exposre", &["exposure", "levels"]),
            Some("exposure")
        );
        assert_eq!(did_you_mean("zzzzzz", &["allow"]), None);
    }
}
