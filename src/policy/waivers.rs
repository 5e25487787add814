//! `[[waivers]]`: entries that accept a finding for a while, with a reason
//! and an expiry. This module declares their keys and parses them into
//! [`Waiver`]s; the decide stage matches them against findings. A waiver
//! must name at least one of rule, id or crate, so none can match
//! everything, and its `rule` must be a known rule id.

use super::reader::Reader;
use super::schema::{Field, Looser, Ty, Unset};
use super::tree::Node;
use crate::error::InputProblem;
use crate::model::Waiver;

pub const FIELD: Field = Field::new(
    "waivers",
    Ty::Tables(FIELDS),
    "accepted findings, each with a reason and an expiry",
)
.looser(Looser::Added {
    label: "waiver",
    unset: Unset::Empty,
});

const FIELDS: &[Field] = &[
    Field::new("rule", Ty::RuleId, "rule id the waiver applies to").key_part(),
    Field::new(
        "id",
        Ty::Str,
        "subject id: an advisory id, a ban spec, a registry or git URL",
    )
    .key_part(),
    Field::new("crate", Ty::Str, "crate name").key_part(),
    Field::new(
        "versions",
        Ty::VersionReq,
        "version range of the crate (default: any)",
    )
    .key_part(),
    Field::required("reason", Ty::Str, "why the finding is accepted"),
    Field::required(
        "expires",
        Ty::Date,
        "last day the waiver applies (YYYY-MM-DD)",
    )
    .looser(Looser::Higher {
        unset_loosest: false,
    }),
    Field::new(
        "approved-by",
        Ty::Str,
        "who approved it (required where `waiver-require-approval = true`)",
    ),
];

/// Whether `approved-by` is mandatory (the `regulated` preset sets it).
pub const REQUIRE_APPROVAL: Field = Field::new(
    "waiver-require-approval",
    Ty::Bool,
    "every waiver needs `approved-by`",
);

/// The waivers of a validated policy, in policy order. `root` reads the
/// top level with [`FIELD`] declared.
pub fn parse(root: &Reader<'_>) -> Vec<Waiver> {
    root.tables(FIELD.key)
        .iter()
        .filter_map(|e| {
            Some(Waiver {
                rule: e.string("rule"),
                id: e.string("id"),
                krate: e.string("crate"),
                versions: e.string("versions"),
                reason: e.string("reason")?,
                expires: e.date("expires")?,
                approved_by: e.string("approved-by"),
                location: e.location("waiver"),
            })
        })
        .collect()
}

/// Checks beyond the schema: a waiver must name a rule, id or crate, and
/// carry `approved-by` when the policy requires it.
pub fn validate(tree: &Node, problems: &mut Vec<InputProblem>) {
    let require = matches!(
        tree.get(REQUIRE_APPROVAL.key).map(|n| &n.value),
        Some(super::tree::Value::Bool(true))
    );
    let entries = tree.get(FIELD.key).map_or(&[][..], Node::as_array);
    for (i, e) in entries.iter().enumerate() {
        let mut problem = |message: &str| {
            problems.push(InputProblem {
                path: e.origin.file.clone(),
                line: e.origin.line,
                column: e.origin.column,
                key: format!("waivers[{i}]"),
                message: message.to_string(),
                help: None,
                quote: None,
            })
        };
        if ["rule", "id", "crate"].iter().all(|k| e.get(k).is_none()) {
            problem("a waiver must name at least one of `rule`, `id` or `crate`");
        }
        if require && e.get("approved-by").is_none() {
            problem("`approved-by` is required (waiver-require-approval = true)");
        }
    }
}
