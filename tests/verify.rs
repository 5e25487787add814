//! `depgate verify`: a release directory with a SHA256SUMS manifest,
//! minisign signatures made here with a fresh key pair (the `minisign`
//! crate), and in-toto provenance; then tampered files, truncated
//! signatures, a wrong key, unlisted and missing files.

mod common;

use base64::Engine;
use common::depgate_args;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

struct Release {
    dir: tempfile::TempDir,
    key: minisign::KeyPair,
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Release {
    /// `app.tar.gz` and `bin/app`, listed, each signed, and the key.
    fn new() -> Release {
        let dir = tempfile::tempdir().unwrap();
        let key = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        let r = Release { dir, key };
        std::fs::create_dir(r.path("bin")).unwrap();
        r.put("app.tar.gz", b"a release archive");
        r.put("bin/app", b"\x7fELF a binary");
        r.manifest(&["app.tar.gz", "bin/app"]);
        r.sign("app.tar.gz", &r.key);
        r.sign("bin/app", &r.key);
        let pk = r.key.pk.to_box().unwrap().to_string();
        std::fs::write(r.dir.path().join("..").join(r.key_name()), pk).unwrap();
        r
    }

    fn key_name(&self) -> String {
        format!(
            "{}.pub",
            self.dir.path().file_name().unwrap().to_string_lossy()
        )
    }

    fn key_path(&self) -> String {
        self.dir
            .path()
            .join("..")
            .join(self.key_name())
            .to_str()
            .unwrap()
            .to_string()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn put(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path(name), bytes).unwrap();
    }

    fn manifest(&self, names: &[&str]) {
        let lines: String = names
            .iter()
            .map(|n| format!("{}  {n}\n", sha256(&std::fs::read(self.path(n)).unwrap())))
            .collect();
        self.put("SHA256SUMS", lines.as_bytes());
    }

    fn sign(&self, name: &str, key: &minisign::KeyPair) {
        let data = std::fs::read(self.path(name)).unwrap();
        let sig = minisign::sign(Some(&key.pk), &key.sk, &data[..], Some("release"), None).unwrap();
        self.put(&format!("{name}.minisig"), sig.to_string().as_bytes());
    }

    fn verify(&self, extra: &[&str]) -> (i32, Value, String) {
        let manifest = self.path("SHA256SUMS");
        let base = [
            "verify",
            "--manifest",
            manifest.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--format",
            "json",
        ];
        let out = depgate_args(&[&base[..], extra].concat());
        let v = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
        (out.code, v, out.stderr)
    }
}

/// (rule, file name) of every finding.
fn found(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let subject = f["subject"].as_str().unwrap();
            let name = Path::new(subject)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (f["rule"].as_str().unwrap().to_string(), name)
        })
        .collect()
}

fn pair(rule: &str, file: &str) -> (String, String) {
    (rule.to_string(), file.to_string())
}

#[test]
fn a_good_release_passes_and_tampering_fails() {
    let r = Release::new();
    let key = r.key_path();
    let (code, v, err) = r.verify(&["--public-key", &key]);
    assert_eq!((code, found(&v)), (0, vec![]), "{err}");
    assert_eq!(v["workspace"]["mode"], "release");
    // One changed byte: the digest and the signature both fail.
    r.put("app.tar.gz", b"a release archivE");
    let (code, v, _) = r.verify(&["--public-key", &key]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&v),
        [
            pair("artifact-digest-mismatch", "app.tar.gz"),
            pair("artifact-signature-invalid", "app.tar.gz")
        ]
    );
    let mismatch = &v["findings"][0];
    assert_eq!(mismatch["locations"][1]["line"], 1, "the manifest line");
    // Every report format renders a verify run.
    let manifest = r.path("SHA256SUMS");
    for format in ["sarif", "gitlab-codequality", "markdown", "human"] {
        let m = manifest.to_str().unwrap();
        let out = depgate_args(&[
            "verify",
            "--manifest",
            m,
            "--public-key",
            &key,
            "--format",
            format,
        ]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(out.stdout.contains("app.tar.gz"), "{format}");
    }
}

#[test]
fn missing_unlisted_unsigned_and_bad_signatures() {
    let r = Release::new();
    std::fs::remove_file(r.path("bin/app")).unwrap();
    r.put("extra.sh", b"#!/bin/sh\n");
    let (code, v, err) = r.verify(&[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        found(&v),
        [
            pair("artifact-missing", "app"),
            pair("artifact-unlisted", "extra.sh")
        ]
    );

    // A truncated signature, a signature by another key, no signature.
    let r = Release::new();
    let key = r.key_path();
    let sig = std::fs::read_to_string(r.path("app.tar.gz.minisig")).unwrap();
    r.put("app.tar.gz.minisig", &sig.as_bytes()[..sig.len() / 2]);
    let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    r.sign("bin/app", &other);
    let (code, v, _) = r.verify(&["--public-key", &key]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&v),
        [
            pair("artifact-signature-invalid", "app.tar.gz"),
            pair("artifact-signature-invalid", "app")
        ]
    );
    let text = serde_json::to_string(&v).unwrap();
    assert!(
        text.contains("cannot be decoded") && text.contains("another key"),
        "{text}"
    );
    std::fs::remove_file(r.path("bin/app.minisig")).unwrap();
    let (_, v, _) = r.verify(&["--public-key", &key]);
    assert!(found(&v).contains(&pair("artifact-unsigned", "app")), "{v}");
    // A signed manifest vouches for the files it lists.
    r.sign("SHA256SUMS", &r.key);
    std::fs::remove_file(r.path("app.tar.gz.minisig")).unwrap();
    let (code, v, err) = r.verify(&["--public-key", &key]);
    assert_eq!((code, found(&v)), (0, vec![]), "{err} {v}");
    // ... unless its signature is by another key.
    r.sign("SHA256SUMS", &other);
    let (_, v, _) = r.verify(&["--public-key", &key]);
    assert_eq!(
        found(&v),
        [
            pair("artifact-signature-invalid", "SHA256SUMS"),
            pair("artifact-unsigned", "app.tar.gz"),
            pair("artifact-unsigned", "app")
        ]
    );
}

fn statement(digests: &[String]) -> String {
    let subjects: Vec<String> = digests
        .iter()
        .map(|d| format!(r#"{{"name":"x","digest":{{"sha256":"{d}"}}}}"#))
        .collect();
    format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{{"buildDefinition":{{}}}}}}"#,
        subjects.join(",")
    )
}

#[test]
fn provenance_must_name_every_file() {
    let r = Release::new();
    let digest = |n: &str| sha256(&std::fs::read(r.path(n)).unwrap());
    let env = |s: String| {
        let payload = base64::engine::general_purpose::STANDARD.encode(s);
        format!(
            r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{payload}","signatures":[{{"sig":""}}]}}"#
        )
    };
    let prov = r.dir.path().join("..").join("prov.intoto.jsonl");
    let prov_s = prov.to_str().unwrap().to_string();
    std::fs::write(
        &prov,
        env(statement(&[digest("app.tar.gz"), digest("bin/app")])) + "\n",
    )
    .unwrap();
    let (code, v, err) = r.verify(&["--provenance", &prov_s]);
    assert_eq!((code, found(&v)), (0, vec![]), "{err}");
    std::fs::write(&prov, env(statement(&[digest("app.tar.gz")])) + "\n").unwrap();
    let (code, v, _) = r.verify(&["--provenance", &prov_s]);
    assert_eq!(
        (code, found(&v)),
        (1, vec![pair("artifact-provenance-missing", "app")])
    );
    // The provenance file inside the release directory is not unlisted.
    std::fs::write(
        r.path("prov.intoto.jsonl"),
        statement(&[digest("app.tar.gz"), digest("bin/app")]),
    )
    .unwrap();
    let p = r.path("prov.intoto.jsonl");
    let (code, v, err) = r.verify(&["--provenance", p.to_str().unwrap()]);
    assert_eq!((code, found(&v)), (0, vec![]), "{err}");
    // A malformed line is exit 2 at its line.
    std::fs::write(&prov, format!("{}\nnot json\n", statement(&[]))).unwrap();
    let (code, _, err) = r.verify(&["--provenance", &prov_s]);
    assert_eq!(code, 2);
    assert!(err.contains("prov.intoto.jsonl:2:1"), "{err}");
}

#[test]
fn waivers_levels_and_bad_input() {
    let r = Release::new();
    r.put("notes.txt", b"release notes");
    let (code, v, err) = r.verify(&[]);
    assert_eq!(code, 0, "artifact-unlisted warns by default: {err}");
    assert_eq!(found(&v), [pair("artifact-unlisted", "notes.txt")]);
    let (code, _, _) = r.verify(&["-D", "artifact-unlisted"]);
    assert_eq!(code, 1);
    // Subjects are paths from the repository or current directory.
    let shown = v["findings"][0]["subject"].as_str().unwrap().to_string();
    assert!(shown.ends_with("notes.txt"), "{shown}");
    // A waiver of the rule applies; the policy's waivers of other rules are
    // not this command's, so they are not reported unused.
    let policy = r.dir.path().join("..").join("verify-policy.toml");
    let p = policy.to_str().unwrap();
    let waiver = format!(
        "[[waivers]]\nrule = \"artifact-unlisted\"\nid = \"{shown}\"\nreason = \"published beside the release\"\nexpires = 2027-01-01\n\n[[waivers]]\nid = \"RUSTSEC-2021-0003\"\nreason = \"not this command's\"\nexpires = 2027-01-01\n"
    );
    std::fs::write(&policy, waiver).unwrap();
    let (code, v, err) = r.verify(&["-D", "artifact-unlisted", "--policy", p]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["summary"]["waived"], 1);
    assert!(
        !found(&v).iter().any(|(rule, _)| rule == "waiver-unused"),
        "{v}"
    );
    // Bad input: a manifest line, a key, no file to verify.
    r.put("SHA256SUMS", b"abc  app.tar.gz\n");
    let (code, _, err) = r.verify(&[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("SHA256SUMS:1:1") && err.contains("64 hex"),
        "{err}"
    );
    r.manifest(&["app.tar.gz"]);
    r.put("bad.pub", b"untrusted comment: x\nnot base64\n");
    let bad_key = r.path("bad.pub");
    let (code, _, err) = r.verify(&["--public-key", bad_key.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not a minisign public key"), "{err}");
    let out = depgate_args(&["verify", "--public-key", &r.key_path()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}
