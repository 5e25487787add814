//! Evaluating one parsed SPDX expression against the license policy:
//! `OR` is satisfied by any allowed branch, `AND` needs all, `WITH`
//! exceptions and `+`/`-or-later` are matched as the spdx crate's
//! `Licensee::satisfies` matches them (as cargo-deny does). A requirement
//! is refused outright by `deny`, the copyleft table or the SPDX list
//! flags, before the allow-list and the crate's exceptions are asked.

use super::config::{Copyleft, LicensePolicy, applies};
use super::resolve::{Origin, Resolved};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The curated copyleft table, `policies/copyleft.toml`: (strong, weak).
pub fn copyleft_table() -> &'static (Vec<String>, Vec<String>) {
    static TABLE: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    TABLE.get_or_init(|| {
        let text = include_str!("../../../policies/copyleft.toml");
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
    })
}

/// The copyleft category of an SPDX id (`-or-later` spelled out when
/// `or_later`), per the curated table.
pub fn copyleft_of(id: spdx::LicenseId, or_later: bool) -> Option<&'static str> {
    let name = if or_later && !id.name.ends_with("-or-later") {
        format!("{}-or-later", id.name.trim_end_matches("-only"))
    } else {
        id.name.to_string()
    };
    let (strong, weak) = copyleft_table();
    let hit = |list: &[String]| list.iter().any(|c| *c == name || *c == id.name);
    if hit(strong) {
        Some("strong")
    } else if hit(weak) {
        Some("weak")
    } else {
        None
    }
}

/// A license name without its GNU `-only`/`-or-later` suffix.
fn base(name: &str) -> &str {
    name.strip_suffix("-only")
        .or_else(|| name.strip_suffix("-or-later"))
        .unwrap_or(name)
}

/// Whether deny entry `d` refuses `req`. A denied license is denied in
/// every form: `-only`, `-or-later`, `+`, and with any `WITH` exception,
/// unless the entry names an exception itself (then only that pairing).
fn denies(d: &spdx::Licensee, req: &spdx::LicenseReq) -> bool {
    let dr: &spdx::LicenseReq = d.as_ref();
    if dr.addition.is_some() && dr.addition != req.addition {
        return false;
    }
    match (&dr.license, &req.license) {
        (spdx::LicenseItem::Spdx { id: a, .. }, spdx::LicenseItem::Spdx { id: b, .. }) => {
            base(a.name) == base(b.name)
        }
        (a, b) => a == b,
    }
}

/// Why a single license requirement is refused outright, if it is.
fn refused(req: &spdx::LicenseReq, p: &LicensePolicy) -> Option<String> {
    if let Some(d) = p.deny.iter().find(|d| denies(&d.licensee, req)) {
        return Some(format!("{req} is denied (deny = \"{}\")", d.text));
    }
    let spdx::LicenseItem::Spdx { id, or_later } = &req.license else {
        return (p.osi || p.fsf).then(|| format!("{} is not on the SPDX list", req.license));
    };
    if p.copyleft != Copyleft::None {
        match (copyleft_of(*id, *or_later), p.copyleft) {
            (Some(kind @ "strong"), _) | (Some(kind @ "weak"), Copyleft::Weak) => {
                return Some(format!("{} is {kind} copyleft", id.name));
            }
            _ => {}
        }
    }
    if p.osi && !id.is_osi_approved() {
        return Some(format!("{} is not OSI approved", id.name));
    }
    if p.fsf && !id.is_fsf_free_libre() {
        return Some(format!("{} is not FSF free/libre", id.name));
    }
    None
}

/// Which policy entries a package's evaluation used.
#[derive(Debug, Default)]
pub struct Used {
    /// Indexes into `allow`.
    pub allow: Vec<usize>,
    /// Indexes into `exceptions`.
    pub exceptions: Vec<usize>,
}

/// Why an expression failed: its failing requirements and the reasons.
#[derive(Debug, Clone)]
pub struct Failure {
    pub branches: Vec<String>,
    pub reason: String,
}

/// Evaluates `expr` for version `v` of crate `name`.
pub fn evaluate(
    p: &LicensePolicy,
    name: &str,
    v: &semver::Version,
    expr: &spdx::Expression,
    used: &mut Used,
) -> Result<(), Failure> {
    let exceptions: Vec<usize> = (0..p.exceptions.len())
        .filter(|&i| {
            let e = &p.exceptions[i];
            applies(&e.krate, &e.versions, name, v)
        })
        .collect();
    let mut why_not: Vec<(spdx::LicenseReq, String)> = Vec::new();
    let verdict = expr.evaluate_with_failures(|req| {
        if let Some(why) = refused(req, p) {
            why_not.push((req.clone(), why));
            return false;
        }
        let Some(allow) = &p.allow else {
            return true;
        };
        let mut ok = false;
        for (i, a) in allow.iter().enumerate() {
            if a.licensee.satisfies(req) {
                used.allow.push(i);
                ok = true;
            }
        }
        // An exception counts as used only where the allow-list falls short.
        if ok {
            return true;
        }
        for &i in &exceptions {
            if p.exceptions[i]
                .allow
                .iter()
                .any(|a| a.licensee.satisfies(req))
            {
                used.exceptions.push(i);
                ok = true;
            }
        }
        if !ok {
            why_not.push((req.clone(), format!("{req} is not in the allow-list")));
        }
        ok
    });
    let failed: Vec<spdx::LicenseReq> = match verdict {
        Ok(()) => return Ok(()),
        Err(failed) => failed.iter().map(|r| r.req.clone()).collect(),
    };
    // The decisive failures: those that fail the expression on their own
    // (every other failed requirement taken as passing). In `(MIT OR GPL)
    // AND Zlib` with MIT allowed, that is Zlib, not GPL. When none fails on
    // its own (`A OR B`, both refused), all of them are the cause.
    let mut decisive: Vec<&spdx::LicenseReq> = failed
        .iter()
        .filter(|target| !expr.evaluate(|r| r != *target))
        .collect();
    if decisive.is_empty() {
        decisive = failed.iter().collect();
    }
    let mut branches: Vec<String> = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    for req in decisive {
        let text = req.to_string();
        if branches.contains(&text) {
            continue;
        }
        branches.push(text);
        if let Some((_, why)) = why_not.iter().find(|(r, _)| r == req) {
            reasons.push(why.clone());
        }
    }
    Err(Failure {
        branches,
        reason: reasons.join("; "),
    })
}

/// Verdicts by expression text, for packages judged by their own field
/// with no exception in scope: then the verdict depends on the text alone.
#[derive(Debug, Default)]
pub struct Memo(HashMap<String, (Result<(), Failure>, Vec<usize>)>);

impl Memo {
    pub fn evaluate(
        &mut self,
        p: &LicensePolicy,
        pkg: &crate::graph::Package,
        r: &Resolved,
        expr: &spdx::Expression,
        used: &mut Used,
    ) -> Result<(), Failure> {
        let plain = r.origin == Origin::Declared
            && !p
                .exceptions
                .iter()
                .any(|e| applies(&e.krate, &e.versions, &pkg.name, &pkg.version));
        let key = match (&r.text, plain) {
            (Some(text), true) => text,
            _ => return evaluate(p, &pkg.name, &pkg.version, expr, used),
        };
        if let Some((verdict, allow)) = self.0.get(key) {
            used.allow.extend(allow);
            return verdict.clone();
        }
        let mut mine = Used::default();
        let verdict = evaluate(p, &pkg.name, &pkg.version, expr, &mut mine);
        mine.allow.sort_unstable();
        mine.allow.dedup();
        used.allow.extend(&mine.allow);
        self.0.insert(key.clone(), (verdict.clone(), mine.allow));
        verdict
    }
}
