//! `depgate db update` against a real HTTP server on loopback: a good
//! archive built from ../shared/advisory-db installs into the cache; a
//! truncated archive, a 404 and path-traversal/link archives fail with
//! exit 2 and leave the old database in place.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;

/// Serves canned responses by path on 127.0.0.1 for at most `max` requests.
fn serve(
    routes: Vec<(&'static str, u16, Vec<u8>)>,
    max: usize,
) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(max) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
            let mut buf = Vec::new();
            let mut chunk = [0u8; 1024];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let request = String::from_utf8_lossy(&buf);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, body) = routes
                .iter()
                .find(|(p, _, _)| *p == path)
                .map_or((404, b"not found".to_vec()), |(_, s, b)| (*s, b.clone()));
            let reason = if status == 200 { "OK" } else { "Not Found" };
            let head = format!(
                "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nContent-Type: application/gzip\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (base, handle)
}

fn tar_gz(build: impl FnOnce(&mut tar::Builder<flate2::write::GzEncoder<Vec<u8>>>)) -> Vec<u8> {
    let enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(enc);
    build(&mut b);
    b.into_inner().unwrap().finish().unwrap()
}

fn good_archive(db: &Path) -> Vec<u8> {
    tar_gz(|b| {
        b.append_dir_all("advisory-db-main/crates", db.join("crates"))
            .unwrap();
        b.append_dir_all("advisory-db-main/rust", db.join("rust"))
            .unwrap();
    })
}

/// An archive whose entry name is written raw, bypassing tar's own checks.
fn raw_entry_archive(name: &str, kind: tar::EntryType, link: Option<&str>) -> Vec<u8> {
    tar_gz(|b| {
        let mut h = tar::Header::new_old();
        let bytes = name.as_bytes();
        h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
        h.set_entry_type(kind);
        h.set_size(if link.is_some() { 0 } else { 5 });
        if let Some(l) = link {
            h.as_old_mut().linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
        h.set_mode(0o644);
        h.set_cksum();
        let data: &[u8] = if link.is_some() { b"" } else { b"evil\n" };
        b.append(&h, data).unwrap();
    })
}

fn update(home: &Path, url: &str) -> Output {
    run(depgate(home).args(["db", "update", "--url", url]))
}

fn info(home: &Path) -> String {
    let out = run(depgate(home).args(["db", "info", "--today", "2026-11-23"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn update_installs_and_failures_keep_the_old_db() {
    let Some(shared) = shared() else { return };
    let good = good_archive(&shared.join("advisory-db"));
    let truncated = good[..good.len() / 2].to_vec();
    let traversal = raw_entry_archive(
        "advisory-db-main/../../evil.txt",
        tar::EntryType::Regular,
        None,
    );
    let absolute = raw_entry_archive("/tmp/depgate-evil.txt", tar::EntryType::Regular, None);
    let symlink = raw_entry_archive(
        "advisory-db-main/crates/link",
        tar::EntryType::Symlink,
        Some("/etc"),
    );
    let routes = vec![
        ("/good.tar.gz", 200, good),
        ("/truncated.tar.gz", 200, truncated),
        ("/traversal.tar.gz", 200, traversal),
        ("/absolute.tar.gz", 200, absolute),
        ("/symlink.tar.gz", 200, symlink),
    ];
    let (base, server) = serve(routes, 6);
    let home = tempfile::tempdir().unwrap();

    // Before any update: the embedded snapshot.
    assert!(info(home.path()).starts_with("source: embedded"));
    let ok = update(home.path(), &format!("{base}/good.tar.gz"));
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("1225 advisories"), "{}", ok.stdout);
    let cached = info(home.path());
    assert!(cached.starts_with("source: cache"), "{cached}");
    assert!(cached.contains("advisories: 1225"));

    for (name, expect) in [
        ("truncated", "corrupt archive"),
        ("missing", "404"),
        ("traversal", "unsafe path"),
        ("absolute", "unsafe path"),
        ("symlink", "refusing"),
    ] {
        let out = update(home.path(), &format!("{base}/{name}.tar.gz"));
        assert_eq!(out.code, 2, "{name}: {}", out.stdout);
        assert!(out.stderr.contains(expect), "{name}: {}", out.stderr);
        assert_eq!(
            info(home.path()),
            cached,
            "{name}: the old database is kept"
        );
    }
    assert!(!home.path().join("evil.txt").exists() && !Path::new("/tmp/depgate-evil.txt").exists());
    let mut leftovers: Vec<_> = std::fs::read_dir(home.path().join("depgate-home"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        ["advisory-db", "db-cache"],
        "no staging directories left behind"
    );
    server.join().unwrap();
}

/// Serves `body` forever on loopback, slowly when `stall` (half the body,
/// then nothing): a download that a kill interrupts.
fn serve_forever(body: Vec<u8>, stall: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let body = body.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/gzip\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let end = if stall { body.len() / 2 } else { body.len() };
                let _ = stream.write_all(&body[..end]);
                if stall {
                    std::thread::sleep(std::time::Duration::from_secs(60));
                }
            });
        }
    });
    base
}

/// `db update` killed mid-download, or at any point of the install, leaves
/// the old database usable.
#[test]
fn a_killed_update_leaves_the_old_db_usable() {
    let Some(shared) = shared() else { return };
    let good = good_archive(&shared.join("advisory-db"));
    let home = tempfile::tempdir().unwrap();
    let fast = serve_forever(good.clone(), false);
    let url = format!("{fast}/db.tar.gz");
    let start = std::time::Instant::now();
    assert_eq!(update(home.path(), &url).code, 0);
    let full = start.elapsed();
    let cached = info(home.path());
    let stalled = format!("{}/db.tar.gz", serve_forever(good, true));
    let kill_after = |url: &str, after: std::time::Duration| {
        let mut child = depgate(home.path())
            .args(["db", "update", "--url", url])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(after);
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(info(home.path()), cached, "killed after {after:?}");
    };
    kill_after(&stalled, std::time::Duration::from_millis(500));
    for i in 1..=8 {
        kill_after(&url, full.mul_f64(i as f64 / 8.0));
    }
}
