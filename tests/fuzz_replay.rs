//! Replays every committed fuzz corpus (`fuzz/corpus/<target>/`) through
//! its target's function, as an ordinary test: no fuzzer needed. A panic
//! names the target and the input file. Crashes the fuzzer found live in
//! the same corpora, so they stay fixed.

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::Path;

/// A target's body.
type Target = fn(&[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("lockfile", targets::lockfile),
    ("policy", targets::policy),
    ("spdx", targets::spdx),
    ("advisory", targets::advisory),
    ("cvss", targets::cvss),
    ("baseline", targets::baseline),
    ("metadata", targets::metadata),
    ("fleet_report", targets::fleet_report),
    ("db_index", targets::db_index),
    ("sbom", targets::sbom),
    ("release", targets::release),
    ("audit_data", targets::audit_data),
];

#[test]
fn committed_corpora_replay_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(
            files.len() >= 3,
            "{name}: only {} corpus files",
            files.len()
        );
        for f in files {
            let data = std::fs::read(&f).unwrap();
            if std::panic::catch_unwind(|| target(&data)).is_err() {
                failures.push(format!("{name}: {}", f.display()));
            }
        }
    }
    assert!(failures.is_empty(), "panics:\n{}", failures.join("\n"));
}
