//! The texts of `depgate policy check`, `show` and `keys`: a validated
//! policy's layers, or the effective merged policy as TOML with the origin (file:line) of
//! every value, so layered `extends` setups can be audited.

use super::Policy;
use super::schema::{Field, key_reference};
use super::tree::{Node, Value};
use std::fmt::Write;

/// What `depgate policy check` prints for a valid policy.
pub fn check_line(policy: &Policy) -> String {
    format!("policy ok: {}\n", policy.layers.join(" <- "))
}

/// The merged policy as TOML, each value annotated with its origin.
pub fn show(policy: &Policy) -> String {
    let mut out = format!(
        "# effective policy; layers (base first): {}\n",
        policy.layers.join(", ")
    );
    table(&mut out, &policy.tree, "");
    out
}

fn table(out: &mut String, node: &Node, path: &str) {
    let Value::Table(map) = &node.value else {
        return;
    };
    let (mut subtables, mut arrays) = (Vec::new(), Vec::new());
    for (key, entry) in map {
        match &entry.node.value {
            Value::Table(_) => subtables.push((key, &entry.node)),
            Value::Array(items)
                if !items.is_empty()
                    && items.iter().all(|i| matches!(i.value, Value::Table(_))) =>
            {
                arrays.push((key, items));
            }
            _ => {
                let line = format!("{} = {}", quote_key(key), inline(&entry.node));
                let _ = writeln!(out, "{line:<48} # {}", entry.node.origin);
            }
        }
    }
    for (key, sub) in subtables {
        let name = join(path, key);
        let _ = writeln!(out, "\n[{name}]");
        table(out, sub, &name);
    }
    for (key, items) in arrays {
        let name = join(path, key);
        for item in items {
            let _ = writeln!(out, "\n[[{name}]]  # {}", item.origin);
            table(out, item, &name);
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        quote_key(key)
    } else {
        format!("{path}.{}", quote_key(key))
    }
}

fn quote_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

fn inline(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => format!("{s:?}"),
        Value::Int(i) => i.to_string(),
        // `4.0`, not `4`: printed back as TOML it stays a float.
        Value::Float(f) if f.is_finite() && f.fract() == 0.0 => format!("{f:.1}"),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Datetime(d) => d.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Table(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, e)| format!("{} = {}", quote_key(k), inline(&e.node)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

/// Every policy key as a Markdown table (the README's policy reference).
pub fn keys_table(fields: &[Field]) -> String {
    let mut rows = Vec::new();
    key_reference(fields, "", &mut rows);
    let mut out = String::from("| key | type | meaning |\n|---|---|---|\n");
    for (key, ty, doc) in rows {
        let _ = writeln!(out, "| `{key}` | {ty} | {doc} |");
    }
    out
}
