//! Architecture checks for the library source tree `src/`.
//!
//! 1. Layering: the top-level modules form a one-way pipeline. Every path
//!    starting with `crate::` (also `$crate::`) or `super::` anywhere in a
//!    file's text (code, comments and doc links alike) is an edge from the
//!    file's top-level module to the module it names; the edge must be listed
//!    in [`ALLOWED`]. To allow a new dependency, add it to that table
//!    (`table_is_acyclic` keeps the table one-way). `src/lib.rs` and
//!    `src/bin/` are not checked.
//! 2. Size: a file may have at most 400 lines unless one of its first 15 lines
//!    is `// size: <reason>`; a function may have at most 80 lines unless the
//!    line above its `fn` (skipping `#[...]` and `///` lines) is
//!    `// long: <reason>`.
//!
//! The checks are pure functions over `(path, text)` pairs so that
//! `planted_violations_are_caught` can exercise them without touching the
//! disk. Only `std` is used, so this file also compiles with plain `rustc`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

// The pipeline, bottom to top. The foundation (`error`, `date`, `location`,
// `atomic`, `model`) is at the bottom; `policy` and `graph` load the inputs;
// `advisories` reads the advisory database; `checks` evaluate; `decide` sets
// final levels and the verdict; `registry` lists the families and rules;
// `pipeline` runs one unit end to end; `report` renders only the model;
// `fleet` runs the pipeline over many units and aggregates; `cli`
// is on top and may use anything (`*`).
#[rustfmt::skip]
const ALLOWED: &[(&str, &[&str])] = &[
    ("error",      &["location"]),
    ("date",       &[]),
    ("location",   &[]),
    ("atomic",     &["error"]),
    ("command",    &["error"]),
    ("git",        &["error", "command"]),
    ("input",      &["error", "location"]),
    ("model",      &["error", "date", "location"]),
    ("policy",     &["model", "error", "date", "location", "input"]),
    ("graph",      &["model", "error", "date", "location", "input", "command"]),
    ("advisories", &["graph", "model", "error", "date", "location", "atomic", "input"]),
    ("checks",     &["advisories", "graph", "policy", "model", "error", "date", "location"]),
    ("decide",     &["policy", "model", "error", "date", "location", "input"]),
    ("registry",   &["checks", "decide", "policy", "model", "error", "date", "location"]),
    ("pipeline",   &["registry", "checks", "decide", "advisories", "graph", "policy", "model",
                     "error", "date", "location", "git"]),
    ("semver",     &["git", "graph", "checks", "model", "error", "location", "input", "date", "atomic",
                     "command"]),
    ("report",     &["model", "date", "location"]),
    ("sbom",       &["graph", "model", "input"]),
    ("release",    &["checks", "model", "error", "location", "input"]),
    ("fleet",      &["pipeline", "report", "registry", "checks", "decide", "advisories", "graph",
                     "policy", "model", "error", "date", "location", "atomic", "input"]),
    ("cli",        &["*"]),
];

const FILE_LIMIT: usize = 400;
const FN_LIMIT: usize = 80;

/// A source file: path relative to the repository (`src/policy/mod.rs`) and text.
type File<'a> = (&'a str, &'a str);
/// A finding: path, 1-based line (0 for the whole file) and message.
type Violation = (String, usize, String);

/// `src/checks/licenses/eval.rs` -> `[checks, licenses, eval]`; a `mod.rs`
/// is its directory. `None` for the crate root, binaries and non-`.rs` files.
fn module_path(path: &str) -> Option<Vec<&str>> {
    let mut parts: Vec<&str> = path
        .strip_prefix("src/")?
        .strip_suffix(".rs")?
        .split('/')
        .collect();
    if parts == ["lib"] || parts[0] == "bin" {
        return None;
    }
    if parts.len() > 1 && parts.last() == Some(&"mod") {
        parts.pop();
    }
    Some(parts)
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// End of the run of bytes from `at` satisfying `keep`.
fn run_end(b: &[u8], at: usize, keep: impl Fn(u8) -> bool) -> usize {
    at + b[at..].iter().take_while(|&&c| keep(c)).count()
}

/// Byte offsets where each line starts; `line_of` maps an offset to a 0-based line.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn line_of(starts: &[usize], at: usize) -> usize {
    starts.partition_point(|&s| s <= at) - 1
}

/// Offset just past the first `pat` at or after `from` (the end if none).
fn past(b: &[u8], from: usize, pat: &[u8]) -> usize {
    let found = b[from.min(b.len())..]
        .windows(pat.len())
        .position(|w| w == pat);
    found.map_or(b.len(), |p| from + p + pat.len())
}

/// Offsets of the first segment of each item of the brace group opening at
/// `open` (nested groups and comments are skipped). Items may span lines.
fn group_items(b: &[u8], open: usize) -> Vec<usize> {
    let (mut items, mut depth, mut expect) = (Vec::new(), 0usize, true);
    let mut k = open;
    while k < b.len() {
        match b[k] {
            // Comments are skipped to their last byte.
            b'/' if b.get(k + 1) == Some(&b'/') => k = run_end(b, k, |c| c != b'\n') - 1,
            b'/' if b.get(k + 1) == Some(&b'*') => k = past(b, k + 2, b"*/") - 1,
            b'{' => depth += 1,
            b'}' if depth == 1 => break,
            b'}' => depth -= 1,
            b',' if depth == 1 => expect = true,
            c if c.is_ascii_whitespace() => {}
            c if depth == 1 => {
                if expect && is_ident(c) {
                    items.push(k);
                }
                expect = false;
            }
            _ => {}
        }
        k += 1;
    }
    items
}

/// Every `(0-based line, first segment after the crate root, path text)` of a
/// `crate::` or `super::` path in `text`, resolved from `module` (the file's
/// module path). A `super::` chain that stays below the crate root names the
/// file's own top-level module, so it is skipped.
fn root_refs<'t>(module: &[&str], text: &'t str) -> Vec<(usize, &'t str, String)> {
    let (b, starts) = (text.as_bytes(), line_starts(text));
    let (mut refs, mut i) = (Vec::new(), 0);
    while i < b.len() {
        let boundary = i == 0 || !is_ident(b[i - 1]);
        let (mut j, mut supers) = (i, 0);
        while boundary && b[j..].starts_with(b"super::") {
            (j, supers) = (j + 7, supers + 1);
        }
        let is_crate = boundary && supers == 0 && b[i..].starts_with(b"crate::");
        if !is_crate && supers == 0 {
            i += 1;
            continue;
        }
        let from = if i > 0 && b[i - 1] == b'$' { i - 1 } else { i };
        if is_crate {
            j += 7;
        }
        i = j;
        if supers > 0 && supers < module.len() {
            continue;
        }
        let seg = run_end(b, j, |c| c.is_ascii_whitespace());
        let (group, segs) = match b.get(seg) {
            Some(b'{') => (true, group_items(b, seg)),
            Some(&c) if is_ident(c) => (false, vec![seg]),
            _ => (false, Vec::new()),
        };
        for at in segs {
            let name = &text[at..run_end(b, at, is_ident)];
            let tail = &text[at..run_end(b, at, |c| is_ident(c) || c == b':')];
            let tail = tail.trim_end_matches(':');
            let prefix = &text[from..j];
            let shown = if group {
                format!("{prefix}{{{tail}}}")
            } else {
                format!("{prefix}{tail}")
            };
            refs.push((line_of(&starts, at), name, shown));
        }
    }
    refs
}

fn layering_violations(files: &[File]) -> Vec<Violation> {
    let table: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let tops: BTreeSet<&str> = files
        .iter()
        .filter_map(|(p, _)| module_path(p))
        .map(|m| m[0])
        .collect();
    let mut out = Vec::new();
    for top in tops.iter().filter(|t| !table.contains_key(*t)) {
        let file = format!("src/{top}.rs");
        let at = if files.iter().any(|(p, _)| *p == file) {
            file
        } else {
            format!("src/{top}/")
        };
        let msg =
            format!("module `{top}` has no place in the layering table in tests/architecture.rs");
        out.push((at, 0, msg));
    }
    for (path, text) in files {
        let Some(module) = module_path(path) else {
            continue;
        };
        let from = module[0];
        let Some(allowed) = table.get(from).filter(|a| !a.contains(&"*")) else {
            continue;
        };
        for (line, to, shown) in root_refs(&module, text) {
            if to != from && tops.contains(to) && !allowed.contains(&to) {
                out.push((
                    path.to_string(),
                    line + 1,
                    format!("{from} -> {to} ({shown})"),
                ));
            }
        }
    }
    out
}

/// If a comment or a string/char literal starts at byte `i`, the offset just
/// past it. Lifetimes (`'a`) are code.
fn literal_end(text: &str, i: usize) -> Option<usize> {
    let (b, rest) = (text.as_bytes(), &text.as_bytes()[i..]);
    if rest.starts_with(b"//") {
        return Some(run_end(b, i, |c| c != b'\n'));
    }
    if rest.starts_with(b"/*") {
        let (mut k, mut depth) = (i + 2, 1);
        while k < b.len() && depth > 0 {
            match &b[k..(k + 2).min(b.len())] {
                b"/*" => (k, depth) = (k + 2, depth + 1),
                b"*/" => (k, depth) = (k + 2, depth - 1),
                _ => k += 1,
            }
        }
        return Some(k);
    }
    match rest[0] {
        b'"' => {
            let mut k = i + 1;
            while k < b.len() && b[k] != b'"' {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            Some((k + 1).min(b.len()))
        }
        b'\'' if b.get(i + 1) == Some(&b'\\') => Some(past(b, i + 3, b"'")),
        b'\'' => {
            let after = i + 1 + text[i + 1..].chars().next()?.len_utf8();
            (b.get(after) == Some(&b'\'')).then_some(after + 1)
        }
        b'r' | b'b' if i == 0 || !is_ident(b[i - 1]) => {
            let r = if rest.starts_with(b"br") { i + 1 } else { i };
            let hashes = run_end(b, r + 1, |c| c == b'#') - (r + 1);
            if b[r] != b'r' || b.get(r + 1 + hashes) != Some(&b'"') {
                return None;
            }
            let close = [b"\"".as_slice(), &b"#".repeat(hashes)].concat();
            Some(past(b, r + 2 + hashes, &close))
        }
        _ => None,
    }
}

/// `text` with comments and string/char literals blanked to spaces (newlines
/// kept), so braces and `fn` can be found by plain scanning.
fn code_only(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let mut i = 0;
    while i < out.len() {
        match literal_end(text, i) {
            Some(end) => {
                out[i..end]
                    .iter_mut()
                    .filter(|c| **c != b'\n')
                    .for_each(|c| *c = b' ');
                i = end;
            }
            None => i += 1,
        }
    }
    String::from_utf8(out).expect("blanking keeps UTF-8")
}

/// The name of the function declared on this (code-only) line, if any.
fn fn_name(line: &str) -> Option<&str> {
    const QUALIFIERS: &str = "pub(crate) pub(super) pub const async unsafe extern";
    let mut s = line.trim_start();
    // `extern "C"` is `extern` followed by blanks in the code-only text.
    while let Some(rest) = QUALIFIERS
        .split(' ')
        .find_map(|q| s.strip_prefix(q)?.strip_prefix(' '))
    {
        s = rest.trim_start();
    }
    let rest = s.strip_prefix("fn ")?.trim_start();
    let name = &rest[..rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len())];
    (!name.is_empty()).then_some(name)
}

/// Every function with a body: `(0-based fn line, name, length in lines)`.
fn functions(text: &str) -> Vec<(usize, String, usize)> {
    let code = code_only(text);
    let (b, starts) = (code.as_bytes(), line_starts(&code));
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        // A `;` outside brackets before the body: a declaration, no body.
        let (mut k, mut brackets, mut depth) = (starts[n], 0, 0);
        while k < b.len() {
            match b[k] {
                b'(' | b'[' => brackets += 1,
                b')' | b']' => brackets -= 1,
                b';' if brackets == 0 && depth == 0 => break,
                b'{' => depth += 1,
                b'}' if depth == 1 => break,
                b'}' => depth -= 1,
                _ => {}
            }
            k += 1;
        }
        if b.get(k) == Some(&b'}') {
            out.push((n, name.to_string(), line_of(&starts, k) - n + 1));
        }
    }
    out
}

fn has_reason(line: &str, tag: &str) -> bool {
    line.trim()
        .strip_prefix(tag)
        .is_some_and(|reason| !reason.trim().is_empty())
}

fn size_violations(files: &[File]) -> Vec<Violation> {
    let mut out = Vec::new();
    for &(path, text) in files {
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > FILE_LIMIT && !lines.iter().take(15).any(|l| has_reason(l, "// size:")) {
            let msg = format!(
                "file is {} lines (limit {FILE_LIMIT}; add `// size: <reason>` in its first 15 lines to allow)",
                lines.len()
            );
            out.push((path.to_string(), 0, msg));
        }
        for (n, name, len) in functions(text) {
            let above = lines[..n]
                .iter()
                .map(|l| l.trim())
                .rfind(|l| !l.starts_with("#[") && !l.starts_with("///"));
            if len > FN_LIMIT && !above.is_some_and(|l| has_reason(l, "// long:")) {
                let msg = format!(
                    "function `{name}` is {len} lines (limit {FN_LIMIT}; add `// long: <reason>` above it to allow)"
                );
                out.push((path.to_string(), n + 1, msg));
            }
        }
    }
    out
}

/// Sorted by file and line, as `path:line: message` (`path: message` for a whole file).
fn render(mut violations: Vec<Violation>) -> Vec<String> {
    violations.sort();
    violations.dedup();
    let line = |(path, n, msg): Violation| match n {
        0 => format!("{path}: {msg}"),
        n => format!("{path}:{n}: {msg}"),
    };
    violations.into_iter().map(line).collect()
}

/// A cycle in a layering table as `a -> ... -> a`, if any (`*` means every
/// other module of the table).
fn table_cycle<'a>(table: &[(&'a str, &[&'a str])]) -> Option<Vec<&'a str>> {
    type Table<'t, 'a> = &'t [(&'a str, &'t [&'a str])];
    fn visit<'a>(
        t: Table<'_, 'a>,
        m: &'a str,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(at) = stack.iter().position(|s| *s == m) {
            return Some([&stack[at..], &[m]].concat());
        }
        if !done.insert(m) {
            return None;
        }
        let listed = t.iter().find(|(n, _)| *n == m).map_or(&[][..], |(_, d)| *d);
        let deps: Vec<&str> = if listed.contains(&"*") {
            t.iter().map(|(n, _)| *n).filter(|n| *n != m).collect()
        } else {
            listed.to_vec()
        };
        stack.push(m);
        let cycle = deps.into_iter().find_map(|d| visit(t, d, stack, done));
        stack.pop();
        cycle
    }
    let mut done = BTreeSet::new();
    table
        .iter()
        .find_map(|(m, _)| visit(table, m, &mut Vec::new(), &mut done))
}

/// Every `.rs` file under the real `src/`, sorted, with `/`-separated relative paths.
fn read_src_tree() -> Vec<(String, String)> {
    let root = Path::new(option_env!("CARGO_MANIFEST_DIR").unwrap_or("."));
    let (mut files, mut dirs) = (Vec::new(), vec![root.join("src")]);
    while let Some(dir) = dirs.pop() {
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
        for path in entries.map(|e| e.expect("directory entry").path()) {
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("file under the repository");
                let rel: Vec<_> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                let text = fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
                files.push((rel.join("/"), text));
            }
        }
    }
    files.sort();
    files
}

fn check_real_tree(what: &str, check: fn(&[File]) -> Vec<Violation>) {
    let files = read_src_tree();
    assert!(!files.is_empty(), "no .rs files found under src/");
    let refs: Vec<File> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let found = render(check(&refs));
    let listing = found.join("\n");
    assert!(found.is_empty(), "{} {what}:\n{listing}\n", found.len());
}

#[test]
fn layering_is_one_way() {
    check_real_tree(
        "layering violations (see ALLOWED in tests/architecture.rs)",
        layering_violations,
    );
}

#[test]
fn files_and_functions_are_small() {
    check_real_tree("size violations", size_violations);
}

#[test]
fn table_is_acyclic() {
    for (module, deps) in ALLOWED {
        for dep in deps.iter().filter(|d| **d != "*") {
            let known = ALLOWED.iter().any(|(n, _)| n == dep);
            assert!(known, "`{module}` allows unknown module `{dep}`");
        }
    }
    assert_eq!(table_cycle(ALLOWED), None, "the layering table has a cycle");
    let cyclic: &[(&str, &[&str])] = &[("a", &["b"]), ("b", &["c"]), ("c", &["a"])];
    assert_eq!(table_cycle(cyclic), Some(vec!["a", "b", "c", "a"]));
    let star: &[(&str, &[&str])] = &[("cli", &["*"]), ("x", &["cli"])];
    assert_eq!(table_cycle(star), Some(vec!["cli", "x", "cli"]));
}

/// A synthetic tree: each file starts with a `== path` line.
const PLANTED: &str = r#"
== src/lib.rs
use crate::checks::Skipped;
== src/bin/tool.rs
use crate::checks::Skipped;
== src/model.rs
//! A doc link counts: [`crate::graph`].
== src/checks/mod.rs
use crate::rule;
use super::policy::Policy;
== src/cli/mod.rs
use crate::{checks, report};
== src/policy/mod.rs
use crate::checks::Foo;
use crate::Result;
== src/policy/show.rs
fn show() {
    crate::cli::print_stdout("x");
}
== src/report/mod.rs
use crate::model::Finding;
use super::json;
== src/report/json.rs
use crate::{model::Finding, decide::Waiver};
use super::Format;
== src/report/human.rs
use crate::{
    // a comment with crate
    model::{self, X},
    graph::Graph,
};
== src/decide/sub/mod.rs
use super::super::checks::Y;
== src/decide/sub/inner.rs
use super::super::super::checks::X;
use super::super::checks::Z; // this is decide::checks
== src/graph.rs
use super::report::X;
use super::{*, model};
== src/mystery.rs
pub fn hidden() {}
"#;

fn planted_layering() {
    let tree: Vec<File> = PLANTED
        .split("\n== ")
        .skip(1)
        .map(|f| f.split_once('\n').expect("path line"))
        .collect();
    let expected = [
        "src/decide/sub/inner.rs:1: decide -> checks (super::super::super::checks::X)",
        "src/decide/sub/mod.rs:1: decide -> checks (super::super::checks::Y)",
        "src/graph.rs:1: graph -> report (super::report::X)",
        "src/model.rs:1: model -> graph (crate::graph)",
        "src/mystery.rs: module `mystery` has no place in the layering table in tests/architecture.rs",
        "src/policy/mod.rs:1: policy -> checks (crate::checks::Foo)",
        "src/policy/show.rs:2: policy -> cli (crate::cli::print_stdout)",
        "src/report/human.rs:4: report -> graph (crate::{graph::Graph})",
        "src/report/json.rs:1: report -> decide (crate::{decide::Waiver})",
    ];
    assert_eq!(render(layering_violations(&tree)), expected);
}

fn planted_sizes() {
    let body = |lines: usize| "    let _x = 1;\n".repeat(lines);
    let long = format!("fn big() {{\n{}}}\n", body(88));
    let allowed_long = format!("// long: generated table\n#[inline]\n/// Docs.\n{long}");
    let big_file = "// x\n".repeat(401);
    let allowed_big = format!(
        "//! Data.\n// size: generated data\n{}",
        "// x\n".repeat(399)
    );
    // `tricky_close` is 85 lines only if `"}"` is skipped; `tricky_open` stays
    // short (and `next` at exactly 80 lines) only if `'{'` and `r#"{"#` are.
    let tricky = format!(
        "fn tricky_close() {{\n    let _s = \"}}\";\n{}}}\n\
         fn tricky_open() {{\n    let _c = '{{';\n    let _r = r#\"{{\"#; // {{\n}}\n\
         pub const fn next<'a>(_x: &'a [u8; 2]) {{\n{}}}\ntrait T {{\n    fn decl(&self);\n}}\n",
        body(82),
        body(78)
    );
    let sizes: &[File] = &[
        ("src/a.rs", &long),
        ("src/b.rs", &allowed_long),
        ("src/c.rs", &big_file),
        ("src/d.rs", &allowed_big),
        ("src/e.rs", &tricky),
    ];
    let expected = [
        "src/a.rs:1: function `big` is 90 lines (limit 80; add `// long: <reason>` above it to allow)",
        "src/c.rs: file is 401 lines (limit 400; add `// size: <reason>` in its first 15 lines to allow)",
        "src/e.rs:1: function `tricky_close` is 85 lines (limit 80; add `// long: <reason>` above it to allow)",
    ];
    assert_eq!(render(size_violations(sizes)), expected);
}

#[test]
fn planted_violations_are_caught() {
    planted_layering();
    planted_sizes();
}
