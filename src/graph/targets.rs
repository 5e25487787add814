//! `--target` selection: decides whether a dependency's platform condition
//! (`cfg(windows)`, or a plain triple) holds for any selected target. With
//! no `--target`, every condition counts as active: depgate never silently
//! narrows a scan to the host triple.

use crate::error::{Error, Result};
use cfg_expr::targets::{TargetInfo, get_builtin_target_by_triple};
use cfg_expr::{Expression, Predicate};

pub struct Platforms {
    targets: Vec<(&'static TargetInfo, String)>,
}

impl Platforms {
    /// Fails on a triple rustc does not know (exit 2, never a silent pass).
    pub fn new(triples: &[String]) -> Result<Platforms> {
        let mut targets = Vec::new();
        for t in triples {
            let info = get_builtin_target_by_triple(t).ok_or_else(|| Error::UnknownTarget {
                triple: t.clone(),
                rustc: cfg_expr::targets::rustc_version().to_string(),
            })?;
            targets.push((info, t.clone()));
        }
        Ok(Platforms { targets })
    }

    /// Whether a dependency with this platform condition is built for at
    /// least one selected target. `None` (no condition) is always active.
    pub fn active(&self, condition: Option<&str>) -> bool {
        let Some(cond) = condition else { return true };
        if self.targets.is_empty() {
            return true;
        }
        if cond.starts_with("cfg(") {
            let Ok(expr) = Expression::parse(cond) else {
                // Cargo rejects malformed cfgs; keep an unknown one active
                // rather than hide its dependencies.
                return true;
            };
            self.targets.iter().any(|(info, _)| {
                expr.eval(|pred| match pred {
                    Predicate::Target(tp) => tp.matches(*info),
                    _ => false,
                })
            })
        } else {
            self.targets.iter().any(|(_, triple)| triple == cond)
        }
    }
}

/// Whether a platform condition can hold at all: `cfg(any())` (and other
/// contradictions) holds for no target, so cargo never builds what it
/// guards. Unknown predicates (a new `target_env`) count as possibly true:
/// depgate counts every target, also those it does not know yet.
pub fn satisfiable(condition: &str) -> bool {
    if !condition.starts_with("cfg(") {
        return true;
    }
    let Ok(expr) = Expression::parse(condition) else {
        return true;
    };
    let mut preds: Vec<String> = expr.predicates().map(|p| format!("{p:?}")).collect();
    preds.sort();
    preds.dedup();
    if preds.len() > 12 {
        return true;
    }
    (0u32..1 << preds.len()).any(|bits| {
        expr.eval(|p| {
            let key = format!("{p:?}");
            let i = preds.iter().position(|k| *k == key).unwrap_or(0);
            bits & (1 << i) != 0
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_against_targets() {
        let all = Platforms::new(&[]).unwrap();
        assert!(all.active(Some("cfg(windows)")));
        let linux = Platforms::new(&["x86_64-unknown-linux-gnu".to_string()]).unwrap();
        assert!(!linux.active(Some("cfg(windows)")));
        assert!(linux.active(Some("cfg(unix)")));
        assert!(linux.active(Some("cfg(any(target_os = \"linux\", windows))")));
        assert!(linux.active(Some("x86_64-unknown-linux-gnu")));
        assert!(!linux.active(Some("x86_64-pc-windows-msvc")));
        assert!(linux.active(None));
        assert!(Platforms::new(&["no-such-triple".to_string()]).is_err());
    }
}
