//! The fuzz targets' bodies, one function per reader. The cargo-fuzz
//! binaries in `fuzz_targets/` call them, and `tests/fuzz_replay.rs` in the
//! main crate replays the committed corpora through the same functions as
//! ordinary tests. A target fails only by panicking: every reader must turn
//! any input into a value or an error, and the differential lockfile target
//! asserts that the fast reader and the TOML reader agree.

#![allow(dead_code)]

use depgate::advisories::index::{Bytes, Index, RUST_KEY, frame};
use depgate::location::SourceText;
use std::path::PathBuf;

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// The fast Cargo.lock reader and the full TOML reader accept the same
/// inputs with the same result; then the graph is built.
pub fn lockfile(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let src = SourceText::new("Cargo.lock", t.to_string());
    let fast = depgate::graph::lockfile::parse(&src);
    let toml = depgate::graph::lockfile::parse_toml_only(&src);
    match (&fast, &toml) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the fast reader and TOML disagree"),
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) => panic!("the fast reader accepts what TOML rejects: {e}"),
        (Err(e), Ok(_)) => panic!("the fast reader rejects what TOML accepts: {e}"),
    }
    if fast.is_ok() {
        let _ = depgate::graph::lockfile::load_graph(src, PathBuf::from("/ws"));
    }
}

/// Parse, validate, read every family's typed configuration, and show.
pub fn policy(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let schema = depgate::registry::schema();
    let Ok(p) = depgate::policy::from_text(SourceText::new("depgate.toml", t.to_string()), &schema)
    else {
        return;
    };
    let base = depgate::policy::builtin_default(&schema).expect("the default preset loads");
    let _ = depgate::decide::weakened::compare(
        &base,
        &p,
        &depgate::registry::all_fields(),
        depgate::registry::rules(),
        ".",
    );
    let _ = depgate::decide::tighten::tighten(
        &base.tree,
        &p.tree,
        &depgate::registry::all_fields(),
        depgate::registry::rules(),
        ".",
    );
    let _ = depgate::policy::show::show(&p);
    let _ = depgate::pipeline::Loaded::new(p);
}

/// An SPDX expression (first line) judged by a licence policy (the rest,
/// or an allow-list when the rest is not a valid policy).
pub fn spdx(data: &[u8]) {
    use depgate::checks::licenses::{config::LicensePolicy, eval, resolve};
    let Some(t) = text(data) else { return };
    let (expr, rest) = t.split_once('\n').unwrap_or((t, ""));
    let schema = depgate::registry::schema();
    let policy = depgate::policy::from_text(SourceText::new("p.toml", rest.to_string()), &schema)
        .or_else(|_| {
            let text = "[licenses]\nallow = [\"MIT\", \"Apache-2.0\"]\n".to_string();
            depgate::policy::from_text(SourceText::new("p.toml", text), &schema)
        })
        .expect("the fallback policy is valid");
    let loaded = depgate::pipeline::Loaded::new(policy);
    let lp = loaded
        .configs
        .get::<Option<LicensePolicy>>()
        .and_then(|c| c.clone())
        .unwrap_or_else(LicensePolicy::permissive);
    let parsed = match resolve::parse(expr) {
        resolve::Parsed::Valid(e) | resolve::Parsed::Imprecise(e) => e,
        _ => return,
    };
    let v = semver::Version::new(1, 2, 3);
    let _ = eval::evaluate(&lp, "fuzzed", &v, &parsed, &mut eval::Used::default());
}

/// One advisory file's front matter and Markdown, then matching.
pub fn advisory(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let texts = vec![(
        "crates/fuzzed/RUSTSEC-2099-0001.md".to_string(),
        t.to_string(),
    )];
    let Ok(db) = depgate::advisories::db::AdvisoryDb::from_texts(texts, "fuzz".into()) else {
        return;
    };
    let all = db.all().expect("parsed advisories need no decoding");
    for a in &all {
        for v in ["0.0.0", "0.1.0", "1.0.0", "1.2.3-alpha.1", "999.0.0"] {
            let v = semver::Version::parse(v).expect("a valid version");
            let _ = depgate::advisories::matching::is_affected(a, &v);
        }
    }
    // What parses also survives the binary index unchanged.
    let bytes = db.encode(Vec::new()).expect("a parsed database encodes");
    let (index, ()) = Index::open(Bytes::Owned(bytes), "fuzz".into(), |_| Ok(()))
        .expect("an encoded index opens");
    let back = index.all().expect("an encoded index decodes");
    let json = |v: &[&depgate::advisories::Advisory]| serde_json::to_string(v).expect("json");
    assert_eq!(
        json(&all),
        json(&back),
        "the index round trip changed an advisory"
    );
}

/// Bytes as the body of a binary advisory index, framed with a correct
/// checksum so the fuzzer gets past it: the table and every entry must
/// be checked, never trusted.
pub fn db_index(data: &[u8]) {
    let Ok((index, n)) = Index::open(Bytes::Owned(frame(data)), "fuzz".into(), |h| {
        Ok(h.stamps.len())
    }) else {
        return;
    };
    let _ = n;
    let _ = index.prepare(["serde", "demo", RUST_KEY]);
    let _ = index.get("demo").len();
    let _ = index.all();
}

/// A CVSS vector (v2, v3.x or v4) scored.
pub fn cvss(data: &[u8]) {
    let Some(t) = text(data) else { return };
    if let Some(s) = depgate::advisories::db::Score::parse(t) {
        assert!(
            (0.0..=10.0).contains(&s.score),
            "score {} out of range",
            s.score
        );
    }
}

/// A depgate JSON report read as a baseline.
pub fn baseline(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let _ = depgate::decide::baseline::Baseline::parse(t, "baseline.json");
}

/// `cargo metadata` JSON into a graph.
pub fn metadata(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let json = SourceText::new("metadata.json", t.to_string());
    let _ = depgate::graph::metadata::load_graph(depgate::graph::metadata::LoadInput {
        json: &json,
        root: Some(PathBuf::from("/ws")),
        lockfile: None,
        targets: &[],
    });
}

/// A fleet report read, then merged as the only shard when it is one.
pub fn fleet_report(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let Ok(r) = depgate::fleet::merge::parse(t, "fleet.json") else {
        return;
    };
    let _ = depgate::report::fleet::render(&r, depgate::report::fleet::FleetFormat::Csv);
    let _ = depgate::fleet::merge::merge(vec![(PathBuf::from("fleet.json"), r)]);
}

/// A CycloneDX SBOM read as the graph, then written back as an SBOM.
pub fn sbom(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let src = SourceText::new("bom.json", t.to_string());
    let Ok(graph) = depgate::graph::cyclonedx::load_graph(src, PathBuf::from("/ws")) else {
        return;
    };
    let opts = depgate::sbom::Options {
        spec: depgate::sbom::Spec::default(),
        include_dev: true,
        timestamp: None,
        features: Vec::new(),
        source_commit: false,
    };
    let _ = depgate::sbom::cyclonedx(&graph, &opts);
}

/// A release manifest and a provenance file, from the same text.
pub fn release(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let _ = depgate::release::manifest::parse(&SourceText::new("SHA256SUMS", t.to_string()));
    let _ =
        depgate::release::provenance::subjects(&SourceText::new("p.intoto.jsonl", t.to_string()));
}

/// Any bytes as a binary with cargo-auditable data, then as the graph.
pub fn audit_data(data: &[u8]) {
    let bin = depgate::graph::auditable::Binary {
        shown: "app".into(),
        bytes: data.to_vec(),
    };
    let _ = depgate::graph::auditable::load_graph(&[bin], PathBuf::from("/ws"));
}
