//! The registry: everything derived from the family descriptors
//! ([`checks::FAMILIES`]) and the decide stage's own declarations
//! ([`decide::RULES`], [`decide::FIELDS`]). The list of every rule, the
//! policy schema and `policy keys` come from here, so a new rule touches
//! only its family file and its page.

use crate::checks::FAMILIES;
use crate::decide::{self, ExposureCaps};
use crate::error::Error;
use crate::model::{Rule, hint};
use crate::policy::reader::{ReadLog, Reader};
use crate::policy::schema::Field;
use crate::policy::{Policy, Schema};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every rule: the families' in family order, then the decide stage's.
pub fn rules() -> &'static [&'static Rule] {
    static ALL: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        FAMILIES
            .iter()
            .flat_map(|f| f.rules.iter().copied())
            .chain(decide::RULES.iter().copied())
            .collect()
    })
}

pub fn find_rule(id: &str) -> Option<&'static Rule> {
    rules().iter().copied().find(|r| r.id == id)
}

pub fn rule_ids() -> Vec<&'static str> {
    rules().iter().map(|r| r.id).collect()
}

/// The error for a rule id that names no rule, with a "did you mean".
pub fn unknown_rule(id: &str) -> Error {
    Error::Usage(format!(
        "unknown rule id `{id}`{}; `depgate rules` lists them",
        hint(id, &rule_ids())
    ))
}

/// Every top-level policy field but `extends`: the decide stage's, then
/// each family's.
pub fn fields() -> Vec<Field> {
    decide::FIELDS
        .iter()
        .chain(FAMILIES.iter().flat_map(|f| f.fields.iter()))
        .copied()
        .collect()
}

/// What policies are validated against.
pub fn schema() -> Schema {
    Schema {
        fields: fields(),
        rules: rule_ids(),
    }
}

/// Every field, `extends` included, as `policy keys` lists them.
pub fn all_fields() -> Vec<Field> {
    let mut all = vec![crate::policy::EXTENDS];
    all.extend(fields());
    all
}

/// The decide stage's configuration, with each family's own exposure caps.
pub fn decide_config(policy: &Policy, log: &ReadLog) -> decide::Config {
    let family_exposure: BTreeMap<&'static str, ExposureCaps> = FAMILIES
        .iter()
        .filter(|f| f.takes_exposure())
        .map(|f| {
            let root = Reader::root(policy, f.fields, log);
            (
                f.name,
                ExposureCaps::read(&root.table(f.name).table("exposure")),
            )
        })
        .collect();
    decide::Config::read(&Reader::root(policy, decide::FIELDS, log), family_exposure)
}
