//! The policy schema: the key, type, description and strictness of every
//! key, declared once as [`Field`]s. Families and the decide stage declare
//! their own tables; the registry hands the assembled list to
//! [`super::load`]. Validation ([`super::validate`]), typed reading
//! ([`super::reader`]), `depgate policy keys` and the `policy-weakened`
//! comparison all walk the same declarations.

use crate::model::Level;

#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Str,
    Bool,
    Int,
    Float,
    /// `deny`, `warn`, `info` or `allow`.
    Level,
    /// One of these strings, listed from the strictest to the loosest.
    OneOf(&'static [&'static str]),
    /// `YYYY-MM-DD`, as a string or a TOML date.
    Date,
    /// A number of days or weeks: `30d`, `2w`.
    Duration,
    StrList,
    /// A semver version requirement such as `>=1.2, <2`.
    VersionReq,
    /// A Rust release: `1.85` or `1.85.1`.
    RustVersion,
    /// An array of SPDX license ids, optionally `+` or `WITH` an exception.
    SpdxList,
    /// An SPDX license expression.
    SpdxExpr,
    /// A SHA-256 digest: 64 hex digits.
    Sha256,
    /// A relative path that stays below its base: no `..`, not absolute.
    RelPath,
    /// A rule id (checked against the registry's rules).
    RuleId,
    Table(&'static [Field]),
    /// An array of tables (`[[bans.deny]]`).
    Tables(&'static [Field]),
    /// A table mapping rule ids to levels (`[levels]`).
    RuleLevels,
}

/// What an unset list means, for the `policy-weakened` comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unset {
    /// No entries.
    Empty,
    /// These entries.
    Default(&'static [&'static str]),
    /// No restriction at all: the loosest setting (an allow-list left out).
    Unrestricted,
}

/// Which change to a key lets more through: the direction `policy-weakened`
/// reports in diff mode. Each variant also says what an unset key means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Looser {
    /// Not a gate setting (descriptions, reasons, file paths).
    Never,
    /// A level: lower is looser. Unset counts as this level.
    Level(Level),
    /// A [`Ty::OneOf`]: later options are looser. Unset counts as this one.
    Order(&'static str),
    /// A number, duration or date: higher is looser. Unset is the loosest
    /// when it disables a check (`max-db-age`), else the strictest
    /// (`fail-on-cvss`, a `patch-sla` window).
    Higher { unset_loosest: bool },
    /// A minimum version: lower (or unset) is looser.
    LowerVersion,
    /// A switch that is stricter on; unset is off.
    Flag,
    /// A list or array of tables: an added entry is looser. `label` names
    /// an entry in messages and subjects (`waiver`, `allow-git`).
    Added { label: &'static str, unset: Unset },
    /// A list or array of tables: a removed entry is looser.
    Removed { label: &'static str, unset: Unset },
    /// Part of what identifies an entry of an array of tables.
    Key,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
    pub looser: Looser,
}

impl Field {
    /// A field whose strictness follows from its type: levels are lower
    /// when looser (unset: no cap), options later, switches off; other
    /// types are not compared unless [`Field::looser`] says how.
    pub const fn new(key: &'static str, ty: Ty, doc: &'static str) -> Field {
        let looser = match ty {
            Ty::Level => Looser::Level(Level::Deny),
            Ty::Bool => Looser::Flag,
            _ => Looser::Never,
        };
        Field {
            key,
            ty,
            required: false,
            doc,
            looser,
        }
    }

    pub const fn required(key: &'static str, ty: Ty, doc: &'static str) -> Field {
        let mut f = Field::new(key, ty, doc);
        f.required = true;
        f
    }

    /// Says which change to this key is looser.
    pub const fn looser(mut self, looser: Looser) -> Field {
        self.looser = looser;
        self
    }

    /// A level whose unset value is `level`.
    pub const fn level_default(self, level: Level) -> Field {
        self.looser(Looser::Level(level))
    }

    /// An option whose unset value is `option`.
    pub const fn option_default(self, option: &'static str) -> Field {
        self.looser(Looser::Order(option))
    }

    /// Part of what identifies an entry of an array of tables.
    pub const fn key_part(self) -> Field {
        self.looser(Looser::Key)
    }
}

/// `dev-only`, `build-only`, `inactive-target` caps, shared by `[exposure]`
/// and each family's `exposure` override.
pub const EXPOSURE_FIELDS: &[Field] = &[
    Field::new(
        "dev-only",
        Ty::Level,
        "cap for packages reached only through dev-dependencies",
    ),
    Field::new(
        "build-only",
        Ty::Level,
        "cap for packages reached only through build-dependencies",
    ),
    Field::new(
        "inactive-target",
        Ty::Level,
        "cap for packages only built for targets not selected with --target",
    ),
];

/// A family's own exposure caps, `[<family>.exposure]`.
pub const EXPOSURE: Field = Field::new(
    "exposure",
    Ty::Table(EXPOSURE_FIELDS),
    "exposure caps for this family",
);

/// The type as `policy keys` writes it.
fn type_name(ty: Ty) -> String {
    match ty {
        Ty::Str => "string".into(),
        Ty::Bool => "boolean".into(),
        Ty::Int => "integer".into(),
        Ty::Float => "number".into(),
        Ty::Level => "level".into(),
        Ty::OneOf(o) => o
            .iter()
            .map(|x| format!("\"{x}\""))
            .collect::<Vec<_>>()
            .join(" \\| "),
        Ty::Date => "date".into(),
        Ty::Duration => "duration".into(),
        Ty::StrList => "array of strings".into(),
        Ty::VersionReq => "version requirement".into(),
        Ty::RustVersion => "Rust version".into(),
        Ty::SpdxList => "array of SPDX license ids".into(),
        Ty::SpdxExpr => "SPDX expression".into(),
        Ty::Sha256 => "SHA-256 hex digest".into(),
        Ty::RelPath => "relative path".into(),
        Ty::RuleId => "rule id".into(),
        Ty::Table(_) => "table".into(),
        Ty::Tables(_) => "array of tables".into(),
        Ty::RuleLevels => "table: rule id = level".into(),
    }
}

/// Every key path with its type and description, depth first:
/// `("bans.deny[].crate", "string", "crate name")`.
pub fn key_reference(
    fields: &[Field],
    prefix: &str,
    out: &mut Vec<(String, String, &'static str)>,
) {
    for f in fields {
        let path = join(prefix, f.key);
        let required = if f.required { " (required)" } else { "" };
        out.push((
            path.clone(),
            format!("{}{required}", type_name(f.ty)),
            f.doc,
        ));
        match f.ty {
            Ty::Table(sub) => key_reference(sub, &path, out),
            Ty::Tables(sub) => key_reference(sub, &format!("{path}[]"), out),
            _ => {}
        }
    }
}

/// Days in a duration such as `30d` or `2w`.
pub fn parse_days(s: &str) -> Option<i64> {
    let count = |num: &str| num.parse::<i64>().ok().filter(|n| *n >= 0);
    match (s.strip_suffix('d'), s.strip_suffix('w')) {
        (Some(days), _) => count(days),
        (_, Some(weeks)) => count(weeks)?.checked_mul(7),
        _ => None,
    }
}

/// `a.b` from `a` and `b`; `b` alone at the top.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}
