//! The family descriptors are the only registry: the rule list is exactly
//! the rules the source declares, every policy key is declared once and
//! read through its declaration, and `policy-weakened` follows each
//! field's declared direction.

use depgate::location::SourceText;
use depgate::policy::reader::ReadLog;
use depgate::policy::schema::{Field, Looser, Ty, key_reference};
use std::collections::BTreeSet;

/// Every id declared with `rule!(` anywhere in `src/`.
fn declared_rule_ids() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for chunk in text.split("crate::rule!(").skip(1) {
                    let id = chunk.split('"').nth(1).unwrap();
                    ids.insert(id.to_string());
                }
            }
        }
    }
    ids
}

#[test]
fn the_rule_list_is_exactly_what_the_descriptors_declare() {
    let listed: Vec<&str> = depgate::registry::rule_ids();
    let unique: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
    assert_eq!(unique.len(), listed.len(), "a rule is listed twice");
    assert_eq!(unique, declared_rule_ids(), "declared rules vs descriptors");
}

/// A valid sample value of a type, as inline TOML.
fn sample(ty: Ty) -> String {
    match ty {
        Ty::Str => "\"x\"".into(),
        Ty::Bool => "true".into(),
        Ty::Int => "1".into(),
        Ty::Float => "7.0".into(),
        Ty::Level => "\"warn\"".into(),
        Ty::OneOf(o) => format!("\"{}\"", o[0]),
        Ty::Date => "\"2026-06-01\"".into(),
        Ty::Duration => "\"30d\"".into(),
        Ty::StrList => "[\"x\"]".into(),
        Ty::VersionReq => "\"*\"".into(),
        Ty::RustVersion => "\"1.85\"".into(),
        Ty::SpdxList => "[\"MIT\"]".into(),
        Ty::SpdxExpr => "\"MIT\"".into(),
        Ty::Sha256 => format!("\"{}\"", "0".repeat(64)),
        Ty::RelPath => "\"LICENSE\"".into(),
        Ty::RuleId => "\"advisory-notice\"".into(),
        Ty::Table(sub) => inline(sub, None),
        Ty::Tables(sub) => format!("[{}]", inline(sub, None)),
        Ty::RuleLevels => "{ advisory-notice = \"warn\" }".into(),
    }
}

/// An inline table with a sample of every field, `over` replacing one.
fn inline(fields: &[Field], over: Option<(&str, &str)>) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|f| match over {
            Some((k, v)) if k == f.key => format!("{} = {v}", f.key),
            _ => format!("{} = {}", f.key, sample(f.ty)),
        })
        .collect();
    format!("{{ {} }}", parts.join(", "))
}

fn policy(name: &str, text: &str) -> depgate::policy::Policy {
    let src = SourceText::new(name, text.to_string());
    depgate::policy::from_text(src, &depgate::registry::schema())
        .unwrap_or_else(|e| panic!("{name} is invalid: {e}\n{text}"))
}

#[test]
fn every_declared_key_is_read_and_every_key_read_is_declared() {
    let fields = depgate::registry::fields();
    let text: String = fields
        .iter()
        .map(|f| format!("{} = {}\n", f.key, sample(f.ty)))
        .collect();
    let log = ReadLog::default();
    let _ = depgate::pipeline::Loaded::with_log(policy("full.toml", &text), &log);
    let mut declared = Vec::new();
    key_reference(&fields, "", &mut declared);
    let declared: BTreeSet<String> = declared.into_iter().map(|(k, _, _)| k).collect();
    let read = log.read.borrow().clone();
    let unread: Vec<&String> = declared.difference(&read).collect();
    assert!(unread.is_empty(), "declared but never read: {unread:?}");
    let undeclared = log.undeclared.borrow().clone();
    assert!(
        undeclared.is_empty(),
        "read but not declared: {undeclared:?}"
    );
}

/// A stricter and a looser value of a field, as inline TOML.
fn strict_and_loose(f: &Field) -> Option<(String, String)> {
    let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
    let list = match f.ty {
        Ty::SpdxList => "[\"MIT\"]".to_string(),
        Ty::Tables(sub) => format!("[{}]", inline(sub, None)),
        _ => "[\"x\"]".to_string(),
    };
    match (f.looser, f.ty) {
        (Looser::Level(_), _) => pair("\"deny\"", "\"allow\""),
        (Looser::Order(_), Ty::OneOf(o)) => {
            pair(&format!("\"{}\"", o[0]), &format!("\"{}\"", o[o.len() - 1]))
        }
        (Looser::Higher { .. }, Ty::Float) => pair("1.0", "9.0"),
        (Looser::Higher { .. }, Ty::Date) => pair("\"2026-01-01\"", "\"2027-01-01\""),
        (Looser::Higher { .. }, _) => pair("\"1d\"", "\"30d\""),
        (Looser::LowerVersion, _) => pair("\"1.85\"", "\"1.70\""),
        (Looser::Flag, _) => pair("true", "false"),
        (Looser::Added { .. }, _) => Some(("[]".to_string(), list)),
        (Looser::Removed { .. }, _) => Some((list, "[]".to_string())),
        _ => None,
    }
}

/// `(path, field)` of every field outside arrays of tables.
fn leaves(
    fields: &'static [Field],
    path: Vec<&'static str>,
    out: &mut Vec<(Vec<&'static str>, Field)>,
) {
    for f in fields {
        let mut p = path.clone();
        p.push(f.key);
        if let Ty::Table(sub) = f.ty {
            leaves(sub, p, out);
        } else {
            out.push((p, *f));
        }
    }
}

fn snippet(path: &[&str], value: &str) -> String {
    let (key, tables) = path.split_last().unwrap();
    if tables.is_empty() {
        format!("{key} = {value}\n")
    } else {
        format!("[{}]\n{key} = {value}\n", tables.join("."))
    }
}

fn weakened(base: &str, head: &str) -> Vec<String> {
    let (b, h) = (policy("base.toml", base), policy("head.toml", head));
    let fields = depgate::registry::all_fields();
    depgate::decide::weakened::compare(&b, &h, &fields, depgate::registry::rules(), ".")
        .into_iter()
        .map(|f| f.message)
        .collect()
}

#[test]
fn policy_weakened_follows_every_fields_declared_direction() {
    let fields: &'static [Field] = Box::leak(depgate::registry::fields().into_boxed_slice());
    let mut all = Vec::new();
    leaves(fields, Vec::new(), &mut all);
    let mut covered = 0;
    for (path, f) in &all {
        let Some((strict, loose)) = strict_and_loose(f) else {
            continue;
        };
        let (s, l) = (snippet(path, &strict), snippet(path, &loose));
        let looser = weakened(&s, &l);
        assert!(
            !looser.is_empty(),
            "{}: loosening it is not reported\n{s}->\n{l}",
            path.join(".")
        );
        let stricter = weakened(&l, &s);
        assert!(
            stricter.is_empty(),
            "{}: tightening it is reported: {stricter:?}",
            path.join(".")
        );
        covered += 1;
    }
    assert!(covered >= 30, "only {covered} fields compared");
    // Inside an array of tables: a waiver's expiry extended, a ban's
    // wrappers widened, an exception's licenses widened.
    let waiver = |expires: &str| {
        format!("[[waivers]]\nid = \"RUSTSEC-0000-0001\"\nreason = \"r\"\nexpires = {expires}\n")
    };
    assert_eq!(
        weakened(&waiver("2027-01-01"), &waiver("2028-01-01")).len(),
        1
    );
    assert!(weakened(&waiver("2028-01-01"), &waiver("2027-01-01")).is_empty());
    let ban = |w: &str| format!("[[bans.deny]]\ncrate = \"openssl\"\nwrappers = {w}\n");
    assert_eq!(weakened(&ban("[]"), &ban("[\"native-tls\"]")).len(), 1);
    let exception =
        |a: &str| format!("[licenses]\n[[licenses.exceptions]]\ncrate = \"ring\"\nallow = {a}\n");
    assert_eq!(
        weakened(
            &exception("[\"ISC\"]"),
            &exception("[\"ISC\", \"OpenSSL\"]")
        )
        .len(),
        1
    );
    // `[levels]`: lowered below the base, or below the rule's default.
    assert_eq!(
        weakened("", "[levels]\nadvisory-vulnerability = \"warn\"\n").len(),
        1
    );
    assert_eq!(
        weakened("[levels]\nadvisory-notice = \"deny\"\n", "").len(),
        1
    );
    assert!(weakened("", "[levels]\nadvisory-notice = \"deny\"\n").is_empty());
}

#[test]
fn a_waiver_naming_an_unknown_rule_is_an_error() {
    let src = SourceText::new(
        "p.toml",
        "[[waivers]]\nrule = \"advisory-vulnerabilty\"\nreason = \"r\"\nexpires = 2027-01-01\n"
            .into(),
    );
    let err = depgate::policy::from_text(src, &depgate::registry::schema())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("p.toml:2:8: `waivers[0].rule`: unknown rule id"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `advisory-vulnerability`?"),
        "{err}"
    );
}
