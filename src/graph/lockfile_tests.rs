//! Unit tests of the Cargo.lock reader: lines, edges, versions, v1 forms.

use super::*;

fn src(text: &str) -> SourceText {
    SourceText::new("Cargo.lock", text.to_string())
}

#[test]
fn v3_lines_and_edges() {
    let text = "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\ndependencies = [\n \"b\",\n]\n\n[[package]]\nname = \"b\"\nversion = \"1.2.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"\n";
    let lock = parse(&src(text)).unwrap();
    assert_eq!(lock.version, 3);
    assert_eq!(lock.packages[0].line, 3);
    assert_eq!(lock.packages[1].line, 10);
    assert_eq!(lock.packages[0].dependencies, vec![1]);
    assert_eq!(
        lock.packages[1].checksum.as_deref(),
        Some("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
    );
}

#[test]
fn v1_metadata_checksums() {
    let text = "[[package]]\nname = \"a\"\nversion = \"0.1.0\"\ndependencies = [\n \"b 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n\n[[package]]\nname = \"b\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[metadata]\n\"checksum b 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)\" = \"abc\"\n";
    let lock = parse(&src(text)).unwrap();
    assert_eq!(lock.version, 1);
    assert_eq!(lock.packages[1].checksum.as_deref(), Some("abc"));
    assert_eq!(lock.packages[0].dependencies, vec![1]);
}

/// The fast reader and the TOML parser agree on every corpus-like layout.
#[test]
fn fast_reader_matches_toml_parser() {
    let text = "# comment\nversion = 3\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\ndependencies = [\n \"b 1.2.3\",\n]\n\n[[package]]\nname = \"b\"\nversion = \"1.2.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"\n";
    let fast = crate::graph::lockfile_fast::parse(text).expect("canonical layout");
    let full: RawLock = toml::from_str(text).unwrap();
    let view = |r: &RawLock| {
        r.package
            .iter()
            .map(|p| {
                let q = p.get_ref();
                // The fast reader keeps dependency strings as ranges.
                let deps: Vec<_> = q
                    .dependencies
                    .iter()
                    .map(|d| (d.get_ref().clone(), d.span()))
                    .chain(
                        q.dep_ranges
                            .iter()
                            .map(|r| (text[r.start + 1..r.end - 1].to_string(), r.clone())),
                    )
                    .collect();
                (
                    p.span(),
                    q.name.clone(),
                    q.version.get_ref().clone(),
                    q.version.span(),
                    q.source.clone(),
                    q.checksum.clone(),
                    deps,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(view(&fast), view(&full));
    assert_eq!(
        fast.version.as_ref().map(|v| (*v.get_ref(), v.span())),
        full.version.as_ref().map(|v| (*v.get_ref(), v.span()))
    );
    // Anything unusual goes to the full parser.
    assert!(crate::graph::lockfile_fast::parse("[[package]]\nname = 'a'\n").is_none());
    assert!(crate::graph::lockfile_fast::parse("[patch.unused]\n").is_none());
}

#[test]
fn errors_name_the_line() {
    let err = parse(&src("version = 9\n")).err().unwrap().to_string();
    assert!(err.contains("Cargo.lock:1:"), "{err}");
    let text = "version = 3\n[[package]]\nname = \"a\"\nversion = \"x\"\n";
    let err = parse(&src(text)).err().unwrap().to_string();
    assert!(err.contains("Cargo.lock:4:"), "{err}");
    let dup = "version = 3\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n";
    let err = parse(&src(dup)).err().unwrap().to_string();
    assert!(
        err.contains("Cargo.lock:5:1") && err.contains("duplicate"),
        "{err}"
    );
}

/// Path and git packages may have Unicode names, as cargo allows; registry
/// names must be ASCII (crates.io's rule, and the index paths').
#[test]
fn unicode_names_only_outside_registries() {
    let path_pkg = "version = 3\n\n[[package]]\nname = \"caf\u{e9}\"\nversion = \"0.1.0\"\n";
    assert_eq!(parse(&src(path_pkg)).unwrap().packages[0].name, "caf\u{e9}");
    let registry = "version = 3\n\n[[package]]\nname = \"caf\u{e9}\"\nversion = \"0.1.0\"\nsource = \"sparse+https://index.crates.io/\"\n";
    let err = parse(&src(registry)).unwrap_err().to_string();
    assert!(err.contains("Cargo.lock:3:1"), "{err}");
}

/// Found by the lockfile fuzz target: a control character inside a string
/// was accepted by the fast reader while TOML rejects it. Both readers
/// must now give the same answer: the TOML error, with its line.
#[test]
fn fuzz_regression_control_character_in_a_string() {
    let text =
        "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\nsource = \"git+\u{1}x\"\n";
    let fast = parse(&src(text)).unwrap_err().to_string();
    let toml = parse_toml_only(&src(text)).unwrap_err().to_string();
    assert_eq!(fast, toml);
    assert!(fast.contains("Cargo.lock:6:"), "{fast}");
}

/// Found by the lockfile fuzz target: NUL bytes in a comment, accepted by
/// the fast reader, refused by TOML.
#[test]
fn fuzz_regression_control_character_in_a_comment() {
    let text =
        "# generated\u{0}\u{0}\nversion = 3\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n";
    let fast = parse(&src(text)).unwrap_err().to_string();
    assert_eq!(fast, parse_toml_only(&src(text)).unwrap_err().to_string());
    assert!(fast.contains("Cargo.lock:1:"), "{fast}");
}
