//! Licenses family: each package's `license` expression (SPDX, parsed
//! with the spdx crate, accepting legacy forms such as `MIT/Apache-2.0`
//! with a warning) evaluated against `[licenses] allow`/`deny`: `OR` is
//! satisfied by any allowed branch, `AND` needs all, `WITH` exceptions and
//! `+` are matched as cargo-deny matches them. Runs only when the policy
//! has a `[licenses]` table. Members with `publish = false` are skipped.

use super::{Family, ScanContext};
use crate::finding::{Finding, Level};
use crate::graph::Mode;
use crate::policy::schema::{EXPOSURE_FIELDS, Field, Ty};
use crate::policy::tree::Node;
use serde_json::json;

crate::rule!(
    REJECTED,
    "license-rejected",
    "LicenseRejected",
    "licenses",
    Deny,
    false,
    "A package's license expression is not satisfied by `licenses.allow`, or uses a denied license."
);
crate::rule!(
    UNKNOWN,
    "license-unknown",
    "LicenseUnknown",
    "licenses",
    Deny,
    false,
    "A package declares no license expression (only `license-file`, or nothing), or lockfile mode has no license data."
);
crate::rule!(
    IMPRECISE,
    "license-imprecise",
    "LicenseImprecise",
    "licenses",
    Warn,
    false,
    "A package's license is written in a legacy form (e.g. `MIT/Apache-2.0`) that depgate reads leniently."
);
crate::rule!(
    INVALID,
    "license-invalid",
    "LicenseInvalid",
    "licenses",
    Deny,
    false,
    "A package's license field is not a valid SPDX expression."
);
crate::rule!(
    ALLOW_UNUSED,
    "license-allow-unused",
    "LicenseAllowUnused",
    "licenses",
    Warn,
    false,
    "An entry of `licenses.allow` matched no package."
);

pub const FAMILY: Family = Family {
    name: "licenses",
    policy: Some(Field::new(
        "licenses",
        Ty::Table(FIELDS),
        "license policy (the check runs only when this table exists)",
    )),
    check,
};

const FIELDS: &[Field] = &[
    Field::new(
        "allow",
        Ty::StrList,
        "allowed SPDX licenses, e.g. \"MIT\"; without it every license not denied is allowed",
    ),
    Field::new("deny", Ty::StrList, "denied SPDX licenses (win over allow)"),
    Field::new(
        "unknown",
        Ty::OneOf(&["deny", "warn"]),
        "level of license-unknown",
    ),
    Field::new(
        "deny-copyleft",
        Ty::OneOf(&["strong", "weak", "none"]),
        "deny strong copyleft, or weak and strong (curated table in policies/copyleft.toml)",
    ),
    Field::new(
        "require-osi-approved",
        Ty::Bool,
        "every license used must be OSI approved (SPDX list data)",
    ),
    Field::new(
        "require-fsf-free",
        Ty::Bool,
        "every license used must be FSF free/libre (SPDX list data)",
    ),
    Field::new(
        "include-unpublished",
        Ty::Bool,
        "also check workspace members with publish = false",
    ),
    Field::new(
        "exceptions",
        Ty::Tables(EXCEPTION_FIELDS),
        "extra allowed licenses for one crate",
    ),
    Field::new(
        "exposure",
        Ty::Table(EXPOSURE_FIELDS),
        "exposure caps for this family",
    ),
];

const EXCEPTION_FIELDS: &[Field] = &[
    Field::required("crate", Ty::Str, "crate name"),
    Field::new(
        "versions",
        Ty::VersionReq,
        "versions it applies to (default: all)",
    ),
    Field::required("allow", Ty::StrList, "licenses allowed for this crate"),
];

/// The curated copyleft table: `(strong, weak)` SPDX ids.
fn copyleft_table() -> (Vec<String>, Vec<String>) {
    let text = include_str!("../../policies/copyleft.toml");
    let table: toml::Table = toml::from_str(text).unwrap_or_default();
    let list = |k: &str| -> Vec<String> {
        table
            .get(k)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    (list("strong"), list("weak"))
}

/// Why a single license requirement is refused outright, if it is.
fn refused(
    req: &spdx::LicenseReq,
    copyleft: &[String],
    osi: bool,
    fsf: bool,
    strong: &[String],
) -> Option<String> {
    let spdx::LicenseItem::Spdx { id, or_later } = &req.license else {
        return (osi || fsf).then(|| format!("{} is not on the SPDX list", req.license));
    };
    let name = if *or_later && !id.name.ends_with("-or-later") {
        format!("{}-or-later", id.name.trim_end_matches("-only"))
    } else {
        id.name.to_string()
    };
    if copyleft.iter().any(|c| *c == name || *c == id.name) {
        let kind = if strong.iter().any(|c| *c == name || *c == id.name) {
            "strong"
        } else {
            "weak"
        };
        return Some(format!("{} is {kind} copyleft", id.name));
    }
    if osi && !id.is_osi_approved() {
        return Some(format!("{} is not OSI approved", id.name));
    }
    if fsf && !id.is_fsf_free_libre() {
        return Some(format!("{} is not FSF free/libre", id.name));
    }
    None
}

/// (crate, versions, extra allowed licensees) of one `[[licenses.exceptions]]` entry.
type Exception = (
    String,
    Option<semver::VersionReq>,
    Vec<(String, Option<spdx::Licensee>)>,
);

fn licensees(list: &[String]) -> Vec<(String, Option<spdx::Licensee>)> {
    list.iter()
        .map(|s| (s.clone(), spdx::Licensee::parse(s).ok()))
        .collect()
}

fn check(ctx: &ScanContext<'_>, out: &mut Vec<Finding>) {
    let Some(table) = ctx.policy.tree.get("licenses") else {
        return;
    };
    let g = ctx.graph;
    let list = |k: &str| table.get(k).map(Node::str_list).unwrap_or_default();
    let allow = licensees(&list("allow"));
    let deny = licensees(&list("deny"));
    let unknown_level = match table.get("unknown").and_then(Node::as_str) {
        Some("warn") => Level::Warn,
        _ => UNKNOWN.default_level,
    };
    let include_private = matches!(
        table.get("include-unpublished").map(|n| &n.value),
        Some(crate::policy::tree::Value::Bool(true))
    );
    let exceptions: Vec<Exception> = table
        .get("exceptions")
        .map_or(&[][..], Node::as_array)
        .iter()
        .filter_map(|e| {
            let name = e.get("crate")?.as_str()?.to_string();
            let versions = e
                .get("versions")
                .and_then(Node::as_str)
                .and_then(|v| semver::VersionReq::parse(v).ok());
            Some((
                name,
                versions,
                licensees(&e.get("allow").map(Node::str_list).unwrap_or_default()),
            ))
        })
        .collect();
    let flag = |k: &str| {
        matches!(
            table.get(k).map(|n| &n.value),
            Some(crate::policy::tree::Value::Bool(true))
        )
    };
    let (osi, fsf) = (flag("require-osi-approved"), flag("require-fsf-free"));
    let (strong, weak) = copyleft_table();
    let copyleft: Vec<String> = match table.get("deny-copyleft").and_then(Node::as_str) {
        Some("strong") => strong.clone(),
        Some("weak") => strong.iter().chain(&weak).cloned().collect(),
        _ => Vec::new(),
    };
    let allow_all = table.get("allow").is_none();
    let mut used = vec![false; allow.len()];
    for (ix, pkg) in g.packages() {
        if pkg.is_member && pkg.publish_disabled && !include_private {
            continue;
        }
        let Some(text) = pkg.license.as_deref().filter(|t| !t.trim().is_empty()) else {
            let why = match g.mode {
                Mode::LockfileOnly => {
                    "Cargo.lock carries no license data (use metadata mode)".to_string()
                }
                Mode::Metadata if pkg.license_file.is_some() => {
                    "it has only a `license-file`".to_string()
                }
                Mode::Metadata => "it declares no license".to_string(),
            };
            let mut f = ctx.package_finding(
                &UNKNOWN,
                ix,
                "license",
                format!(
                    "`{} {}` has no license expression: {why}",
                    pkg.name, pkg.version
                ),
            );
            f.level = unknown_level;
            f.fix = Some(format!(
                "ask `{}` to declare `license = \"...\"`, or add an exception for it",
                pkg.name
            ));
            out.push(f);
            continue;
        };
        let expr = match spdx::Expression::parse(text) {
            Ok(e) => e,
            Err(_) => match spdx::Expression::parse_mode(text, spdx::ParseMode::LAX) {
                Ok(e) => {
                    let mut f = ctx.package_finding(
                        &IMPRECISE,
                        ix,
                        text,
                        format!(
                            "`{} {}` writes its license as `{text}`, read as `{e}`",
                            pkg.name, pkg.version
                        ),
                    );
                    f.fix = Some(format!("upstream should write `license = \"{e}\"`"));
                    out.push(f);
                    e
                }
                Err(err) => {
                    let mut f = ctx.package_finding(
                        &INVALID,
                        ix,
                        text,
                        format!(
                            "`{} {}` has an invalid license expression `{text}`: {err}",
                            pkg.name, pkg.version
                        ),
                    );
                    f.fix = Some(
                        "ask upstream for a valid SPDX expression, or add an exception".into(),
                    );
                    out.push(f);
                    continue;
                }
            },
        };
        let extra: Vec<&(String, Option<spdx::Licensee>)> = exceptions
            .iter()
            .filter(|(n, v, _)| {
                *n == pkg.name && v.as_ref().is_none_or(|r| r.matches(&pkg.version))
            })
            .flat_map(|(_, _, l)| l)
            .collect();
        let mut denied = Vec::new();
        let verdict = expr.evaluate_with_failures(|req| {
            if deny
                .iter()
                .any(|(_, l)| l.as_ref().is_some_and(|l| l.satisfies(req)))
            {
                denied.push(req.to_string());
                return false;
            }
            if let Some(why) = refused(req, &copyleft, osi, fsf, &strong) {
                denied.push(why);
                return false;
            }
            let mut ok = false;
            for (i, (_, l)) in allow.iter().enumerate() {
                if l.as_ref().is_some_and(|l| l.satisfies(req)) {
                    used[i] = true;
                    ok = true;
                }
            }
            // Without an allow-list, everything not refused above is allowed.
            ok || allow_all
                || extra
                    .iter()
                    .any(|(_, l)| l.as_ref().is_some_and(|l| l.satisfies(req)))
        });
        if let Err(failed) = verdict {
            let branches: Vec<String> = failed.iter().map(|r| r.req.to_string()).collect();
            let reason = if denied.is_empty() {
                "not in the allow-list".to_string()
            } else {
                format!("denied: {}", denied.join(", "))
            };
            let mut f = ctx.package_finding(
                &REJECTED,
                ix,
                text,
                format!(
                    "`{} {}` is licensed `{text}`; failing: {} ({reason})",
                    pkg.name,
                    pkg.version,
                    branches.join(", ")
                ),
            );
            f.properties.insert("license".into(), json!(text));
            f.properties.insert("failing".into(), json!(branches));
            f.fix = Some(format!(
                "replace `{}`, allow one of its licenses, or add a `[[licenses.exceptions]]` entry",
                pkg.name
            ));
            out.push(f);
        }
    }
    if let Some(node) = table.get("allow") {
        for ((name, _), (u, item)) in allow.iter().zip(used.iter().zip(node.as_array())) {
            if !u {
                let at = crate::location::Location {
                    path: item.origin.file.clone(),
                    line: item.origin.line,
                    column: item.origin.column,
                    label: "allow entry".into(),
                };
                let mut f = ctx.policy_finding(
                    &ALLOW_UNUSED,
                    at,
                    name,
                    format!("`{name}` in licenses.allow matched no package"),
                );
                f.fix = Some(format!("remove `{name}` from licenses.allow"));
                out.push(f);
            }
        }
    }
}
