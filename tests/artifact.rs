//! `depgate artifact`: binaries built with `cargo auditable` as the graph.
//! A real auditable binary (testdata/auditable/README.md says how it was
//! built), ELF, Mach-O, PE and WebAssembly files written here with the audit
//! section, and binaries without, with broken or oversized data.

mod common;

use common::depgate_args;
use object::write::Object;
use object::{Architecture, BinaryFormat, Endianness, SectionKind};
use serde_json::Value;
use std::io::Write;

const REAL: &str = "testdata/auditable/auditable-hello.bin";

fn zlib(json: &str) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(json.as_bytes()).unwrap();
    z.finish().unwrap()
}

/// An object file of `format` with `section` holding `data`.
fn object_file(format: BinaryFormat, section: &[u8], data: &[u8]) -> Vec<u8> {
    let mut obj = Object::new(format, Architecture::X86_64, Endianness::Little);
    let (segment, name) = match format {
        BinaryFormat::MachO => (b"__DATA".to_vec(), b".dep-v0".to_vec()),
        _ => (Vec::new(), section.to_vec()),
    };
    let id = obj.add_section(segment, name, SectionKind::ReadOnlyData);
    obj.append_section_data(id, data, 1);
    obj.write().unwrap()
}

/// A linked PE image (x86-64, no code) with one `.dep-v0` section.
fn pe_image(data: &[u8]) -> Vec<u8> {
    use object::pe;
    use object::write::pe::{NtHeaders, Writer};
    let mut buf = Vec::new();
    let mut w = Writer::new(true, 0x1000, 0x200, &mut buf);
    w.reserve_dos_header_and_stub();
    w.reserve_nt_headers(16);
    w.reserve_section_headers(1);
    let flags = pe::IMAGE_SCN_CNT_INITIALIZED_DATA | pe::IMAGE_SCN_MEM_READ;
    let len = data.len() as u32;
    let range = w.reserve_section(*b".dep-v0\0", flags, len, len);
    w.write_dos_header_and_stub().unwrap();
    w.write_nt_headers(NtHeaders {
        machine: pe::IMAGE_FILE_MACHINE_AMD64,
        time_date_stamp: 0,
        characteristics: pe::IMAGE_FILE_EXECUTABLE_IMAGE | pe::IMAGE_FILE_LARGE_ADDRESS_AWARE,
        major_linker_version: 14,
        minor_linker_version: 0,
        address_of_entry_point: 0,
        image_base: 0x1_4000_0000,
        major_operating_system_version: 6,
        minor_operating_system_version: 0,
        major_image_version: 0,
        minor_image_version: 0,
        major_subsystem_version: 6,
        minor_subsystem_version: 0,
        subsystem: pe::IMAGE_SUBSYSTEM_WINDOWS_CUI,
        dll_characteristics: 0,
        size_of_stack_reserve: 0x10_0000,
        size_of_stack_commit: 0x1000,
        size_of_heap_reserve: 0x10_0000,
        size_of_heap_commit: 0x1000,
    });
    w.write_section_headers();
    w.write_section(range.file_offset, data);
    buf
}

/// A WebAssembly module with one custom section.
fn wasm(name: &str, data: &[u8]) -> Vec<u8> {
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            out.push(if n == 0 { b } else { b | 0x80 });
            if n == 0 {
                break;
            }
        }
    }
    let mut body = Vec::new();
    leb(name.len(), &mut body);
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(data);
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    out.push(0);
    leb(body.len(), &mut out);
    out.extend(body);
    out
}

fn audit_json(app: &str, extra: &str) -> String {
    format!(
        r#"{{"packages":[
  {{"name":"{app}","version":"0.1.0","source":"local","dependencies":[1,2],"root":true}},
  {{"name":"smallvec","version":"1.6.0","source":"crates.io"}},
  {{"name":"cc","version":"1.0.0","source":"crates.io","kind":"build"}}{extra}
]}}"#
    )
}

fn check(args: &[&str]) -> (i32, Value, String) {
    let base = [
        "artifact",
        "--today",
        "2026-11-23",
        "--format",
        "json",
        "-A",
        "advisory-db-stale",
    ];
    let out = depgate_args(&[&base[..], args].concat());
    let v = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    (out.code, v, out.stderr)
}

fn rules_of(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_real_auditable_binary() {
    let (code, v, err) = check(&[REAL]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(v["workspace"]["mode"], "artifact");
    assert_eq!(
        v["workspace"]["members"],
        serde_json::json!(["auditable-hello"])
    );
    assert_eq!(v["workspace"]["packages"], 4);
    let vuln = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["subject"] == "RUSTSEC-2021-0003")
        .expect("smallvec 1.6.0 is vulnerable");
    assert_eq!(vuln["locations"][0]["path"], REAL);
    assert_eq!(vuln["exposure"], "normal");
    assert_eq!(vuln["paths"][0], "auditable-hello 0.1.0 -> smallvec 1.6.0");
    // Every report format renders it.
    for format in [
        "sarif",
        "gitlab-dependency-scanning",
        "gitlab-codequality",
        "markdown",
        "human",
    ] {
        let out = depgate_args(&[
            "artifact",
            REAL,
            "--today",
            "2026-11-23",
            "--format",
            format,
        ]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(out.stdout.contains("RUSTSEC-2021-0003"), "{format}");
    }
}

#[test]
fn written_elf_macho_pe_and_wasm_files_make_one_graph() {
    let dir = tempfile::tempdir().unwrap();
    let data = zlib(&audit_json("app", ""));
    let files = [
        ("app.elf", object_file(BinaryFormat::Elf, b".dep-v0", &data)),
        (
            "app.macho",
            object_file(BinaryFormat::MachO, b".dep-v0", &data),
        ),
        ("app.wasm", wasm(".dep-v0", &data)),
        ("app.exe", pe_image(&data)),
    ];
    let mut paths = Vec::new();
    for (name, bytes) in &files {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        paths.push(p.to_str().unwrap().to_string());
        let (code, v, err) = check(&[&paths[paths.len() - 1]]);
        assert_eq!(code, 1, "{name}: {err}");
        assert!(
            rules_of(&v).contains(&("advisory-vulnerability".into(), "RUSTSEC-2021-0003".into())),
            "{name}"
        );
    }
    // Two binaries: the shared package is one node, located at both.
    let other = dir.path().join("tool.elf");
    std::fs::write(
        &other,
        object_file(
            BinaryFormat::Elf,
            b".dep-v0",
            &zlib(&audit_json("tool", "")),
        ),
    )
    .unwrap();
    let (_, v, err) = check(&[&paths[0], other.to_str().unwrap()]);
    assert_eq!(v["workspace"]["packages"], 4, "{err}");
    assert_eq!(
        v["workspace"]["members"],
        serde_json::json!(["app", "tool"])
    );
    let vuln = &v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["subject"] == "RUSTSEC-2021-0003")
        .unwrap()["locations"];
    assert_eq!(vuln.as_array().unwrap().len(), 2, "{vuln}");
    // A build-only package is build-only: the exposure caps apply.
    let policy = dir.path().join("p.toml");
    std::fs::write(&policy, "[[bans.deny]]\ncrate = \"cc\"\n").unwrap();
    let (code, v, _) = check(&[
        &paths[0],
        "--policy",
        policy.to_str().unwrap(),
        "-A",
        "advisory-vulnerability",
    ]);
    assert_eq!(code, 1);
    let ban = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ban-denied-crate")
        .unwrap();
    assert_eq!(ban["exposure"], "build-only");
}

#[test]
fn binaries_without_or_with_broken_audit_data_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "plain.elf",
            object_file(BinaryFormat::Elf, b".text.x", b"nothing"),
            "cargo auditable build",
        ),
        (
            "notzlib.elf",
            object_file(BinaryFormat::Elf, b".dep-v0", b"not zlib"),
            "cannot read the audit data",
        ),
        (
            "badjson.elf",
            object_file(BinaryFormat::Elf, b".dep-v0", &zlib("{\"packages\": 3}")),
            "malformed audit data",
        ),
        (
            "range.elf",
            object_file(
                BinaryFormat::Elf,
                b".dep-v0",
                &zlib(&audit_json("app", "").replace("[1,2]", "[1,9]")),
            ),
            "",
        ),
        ("text.txt", b"just text\n".to_vec(), "WebAssembly binary"),
    ];
    for (name, bytes, want) in &cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let (code, _, err) = check(&[p.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(name) && err.contains(want), "{name}: {err}");
    }
    // Input size is bounded: a sparse file over the limit is refused unread.
    let big = dir.path().join("big.bin");
    std::fs::File::create(&big)
        .unwrap()
        .set_len((1 << 30) + 1)
        .unwrap();
    let (code, _, err) = check(&[big.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("limit"), "{err}");
    let (code, _, err) = check(&["testdata/auditable/missing.bin"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_real_binary_agrees_with_cargo_audit() {
    let Some(shared) = common::shared() else {
        return;
    };
    // `cargo audit --json bin` (0.22.2) on the same database snapshot.
    let text = std::fs::read_to_string(common::repo().join("testdata/auditable/cargo-audit.json"))
        .unwrap();
    let want: Value = serde_json::from_str(&text).unwrap();
    let mut ids: Vec<String> = want["vulnerabilities"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["advisory"]["id"].as_str().unwrap().to_string())
        .collect();
    for list in want["warnings"].as_object().unwrap().values() {
        ids.extend(
            list.as_array()
                .unwrap()
                .iter()
                .filter_map(|w| w["advisory"]["id"].as_str())
                .map(str::to_string),
        );
    }
    ids.sort();
    let db = shared.join("advisory-db");
    let (_, v, err) = check(&[REAL, "--advisory-db", db.to_str().unwrap()]);
    let mut got: Vec<String> = v["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{err}"))
        .iter()
        .filter(|f| {
            f["rule"].as_str().unwrap().starts_with("advisory-") && f["rule"] != "advisory-db-stale"
        })
        .map(|f| f["subject"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, ids);
    assert_eq!(
        want["lockfile"]["dependency-count"],
        v["workspace"]["packages"]
    );
}
