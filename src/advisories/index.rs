//! The binary advisory index: the parsed database in a compact, versioned
//! form that opens in microseconds. The pre-parsed cache of a directory
//! and the snapshot embedded in the binary are both in this form.
//!
//! Layout (integers little-endian):
//!
//! ```text
//! MAGIC (8) | FORMAT u32 | body length u64 | checksum u64 | body
//! body = head length u32 | head | entry count u32
//!      | count × (name offset u32, name length u32, data offset u32, data length u32)
//!      | blob
//! ```
//!
//! The head is the postcard encoding of [`Head`]. Each entry is one key
//! (a crate name, or [`RUST_KEY`] for the `rust` collection), sorted
//! byte-wise and unique; its data is the postcard encoding of that key's
//! advisories, and is decoded only when a graph asks for that crate.
//!
//! The file is user-writable, so its bytes are never trusted: every offset
//! is bounds-checked, every decode is checked (postcard never reads past
//! its slice), and the checksum catches a truncated or damaged file. A
//! file that fails any check is not used. Nothing here is cryptographic:
//! the cache is exactly as trusted as the directory it caches.

use super::db::{Advisory, DbInfo};
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::{Deserialize, Serialize};
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::OnceLock;

const MAGIC: &[u8; 8] = b"DGADVIDX";
/// Bump whenever [`Head`], [`Advisory`] or anything they contain changes shape.
pub const FORMAT: u32 = 1;
const FIXED: usize = 8 + 4 + 8 + 8;

/// The key of the `rust` collection's advisories (no crate name has a `/`).
pub const RUST_KEY: &str = "/rust";

/// A file's or directory's identity for the freshness check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    pub mtime: (i64, u32),
    pub ctime: (i64, u32),
    pub ino: u64,
}

/// A stamped path of a database directory: (relative path, stamp, is a file).
pub type Stamped = (String, Stamp, bool);

/// Everything but the advisories.
#[derive(Debug, Serialize, Deserialize)]
pub struct Head<'a> {
    /// depgate's version: another version may parse differently.
    pub tool: String,
    pub info: DbInfo,
    /// Each warning with the key of its advisory's entry.
    pub warnings: Vec<(String, String)>,
    /// Paths relative to the database directory with their stamps and
    /// whether each is a file; empty for the embedded snapshot.
    #[serde(borrow)]
    pub stamps: Vec<(&'a str, Stamp, bool)>,
}

/// The bytes behind an index: compiled in, or read from a file.
pub enum Bytes {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Owned(b) => b,
        }
    }
}

type Slot = OnceLock<Result<Vec<Advisory>, String>>;

struct Entry {
    name: Range<usize>,
    data: Range<usize>,
    slot: Slot,
}

/// Advisories by key, decoded on first use.
pub struct Index {
    bytes: Bytes,
    entries: Vec<Entry>,
    /// Hash of a key's bytes → its entry. When two keys share a hash, the
    /// binary search answers instead, so the map is only ever a shortcut.
    lookup: FxHashMap<u64, u32>,
    collided: bool,
    /// Named in decode errors.
    origin: String,
}

/// A 64-bit multiply-rotate hash over 8-byte words: stable across builds
/// and platforms, and far faster than the disk read it guards.
pub fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(a)).wrapping_mul(K);
    }
    for &b in words.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

/// Why bytes are not a usable index.
fn bad(why: impl Into<String>) -> String {
    why.into()
}

impl Index {
    /// Checks the frame and the table, and decodes the head; the entries
    /// stay encoded. The head borrows from `bytes`, so it is returned
    /// through `with_head` before `bytes` moves into the index.
    pub fn open<T>(
        bytes: Bytes,
        origin: String,
        with_head: impl FnOnce(Head<'_>) -> Result<T, String>,
    ) -> Result<(Index, T), String> {
        let b: &[u8] = &bytes;
        if b.get(..8) != Some(MAGIC.as_slice()) {
            return Err(bad("not a depgate advisory index"));
        }
        let format = u32_at(b, 8).ok_or_else(|| bad("truncated header"))?;
        if format != FORMAT {
            return Err(format!("index format {format}, this build reads {FORMAT}"));
        }
        let len = u64_at(b, 12).ok_or_else(|| bad("truncated header"))?;
        let sum = u64_at(b, 20).ok_or_else(|| bad("truncated header"))?;
        let body = b.get(FIXED..).unwrap_or_default();
        if u64::try_from(body.len()).ok() != Some(len) {
            return Err(bad("truncated or extended body"));
        }
        // A file is checksummed; the snapshot compiled into the binary is as
        // trusted as the code (a unit test checks its sum), and every read
        // below is bounds-checked either way.
        if matches!(bytes, Bytes::Owned(_)) && checksum(body) != sum {
            return Err(bad("checksum mismatch"));
        }
        let head_len = u32_at(body, 0).ok_or_else(|| bad("no head"))? as usize;
        let head_bytes = body
            .get(4..4 + head_len)
            .ok_or_else(|| bad("head out of bounds"))?;
        let head: Head<'_> = postcard::from_bytes(head_bytes).map_err(|e| format!("head: {e}"))?;
        let value = with_head(head)?;
        let table = 4 + head_len;
        let count = u32_at(body, table).ok_or_else(|| bad("no entry table"))? as usize;
        let rows = table + 4;
        let blob = count
            .checked_mul(16)
            .and_then(|n| n.checked_add(rows))
            .filter(|&end| end <= body.len())
            .ok_or_else(|| bad("entry table out of bounds"))?;
        let base = FIXED + blob;
        let mut entries = Vec::with_capacity(count);
        for i in 0..count {
            let at = rows + i * 16;
            let field = |k: usize| u32_at(body, at + 4 * k).map(|v| v as usize);
            let range = |off: Option<usize>, n: Option<usize>| {
                let start = base.checked_add(off?)?;
                let end = start.checked_add(n?)?;
                (end <= b.len()).then_some(start..end)
            };
            let name = range(field(0), field(1)).ok_or_else(|| bad("name out of bounds"))?;
            let data = range(field(2), field(3)).ok_or_else(|| bad("data out of bounds"))?;
            if let Some(prev) = entries.last().map(|e: &Entry| &b[e.name.clone()]) {
                if prev >= &b[name.clone()] {
                    return Err(bad("entry names out of order"));
                }
            }
            entries.push(Entry {
                name,
                data,
                slot: OnceLock::new(),
            });
        }
        Ok((Index::new(bytes, entries, origin), value))
    }

    /// An index over advisories already parsed (nothing left to decode).
    pub fn from_parsed(advisories: Vec<Advisory>) -> Index {
        let mut groups: std::collections::BTreeMap<String, Vec<Advisory>> = Default::default();
        for a in advisories {
            let key = if a.collection == "rust" {
                RUST_KEY.to_string()
            } else {
                a.package.clone()
            };
            groups.entry(key).or_default().push(a);
        }
        let mut names = Vec::new();
        let mut entries = Vec::with_capacity(groups.len());
        for (key, list) in groups {
            let start = names.len();
            names.extend_from_slice(key.as_bytes());
            entries.push(Entry {
                name: start..names.len(),
                data: 0..0,
                slot: OnceLock::from(Ok(list)),
            });
        }
        Index::new(Bytes::Owned(names), entries, "parsed advisories".into())
    }

    fn new(bytes: Bytes, entries: Vec<Entry>, origin: String) -> Index {
        let mut lookup = FxHashMap::with_capacity_and_hasher(entries.len(), Default::default());
        let mut collided = false;
        for (i, e) in entries.iter().enumerate() {
            let h = FxBuildHasher.hash_one(&bytes[e.name.clone()]);
            collided |= lookup.insert(h, i as u32).is_some();
        }
        Index {
            bytes,
            entries,
            lookup,
            collided,
            origin,
        }
    }

    fn find(&self, key: &str) -> Option<&Entry> {
        let key = key.as_bytes();
        if !self.collided {
            let hit = self.lookup.get(&FxBuildHasher.hash_one(key));
            let e = hit.and_then(|&i| self.entries.get(i as usize))?;
            return (&self.bytes[e.name.clone()] == key).then_some(e);
        }
        self.entries
            .binary_search_by(|e| self.bytes[e.name.clone()].cmp(key))
            .ok()
            .map(|i| &self.entries[i])
    }

    fn decode<'s>(&'s self, e: &'s Entry) -> &'s Result<Vec<Advisory>, String> {
        e.slot.get_or_init(|| {
            postcard::from_bytes(&self.bytes[e.data.clone()]).map_err(|err| {
                let name = String::from_utf8_lossy(&self.bytes[e.name.clone()]);
                format!("{}: entry `{name}`: {err}", self.origin)
            })
        })
    }

    /// The advisories under `key`; decoding errors are reported by
    /// [`Index::prepare`], so here they read as none.
    pub fn get(&self, key: &str) -> &[Advisory] {
        match self.find(key).map(|e| self.decode(e)) {
            Some(Ok(list)) => list,
            _ => &[],
        }
    }

    /// Decodes the entries of `keys` that exist; the first failure is an error.
    pub fn prepare<'k>(&self, keys: impl IntoIterator<Item = &'k str>) -> Result<(), String> {
        for key in keys {
            if let Some(Err(e)) = self.find(key).map(|e| self.decode(e)) {
                return Err(e.clone());
            }
        }
        Ok(())
    }

    /// Every advisory (all entries decoded).
    pub fn all(&self) -> Result<Vec<&Advisory>, String> {
        let mut out = Vec::new();
        for e in &self.entries {
            out.extend(self.decode(e).as_ref().map_err(Clone::clone)?);
        }
        Ok(out)
    }

    /// The encoded file: `head`, then every entry (all decoded first).
    pub fn encode(&self, head: &Head<'_>) -> Result<Vec<u8>, String> {
        let head = postcard::to_allocvec(head).map_err(|e| e.to_string())?;
        let mut table = Vec::with_capacity(self.entries.len() * 16);
        let mut blob = Vec::new();
        let n32 = |n: usize| u32::try_from(n).map_err(|_| "index over 4 GiB".to_string());
        for e in &self.entries {
            let list = self.decode(e).as_ref().map_err(Clone::clone)?;
            let data = postcard::to_allocvec(list).map_err(|e| e.to_string())?;
            let name = &self.bytes[e.name.clone()];
            for v in [blob.len(), name.len()] {
                table.extend_from_slice(&n32(v)?.to_le_bytes());
            }
            blob.extend_from_slice(name);
            for v in [blob.len(), data.len()] {
                table.extend_from_slice(&n32(v)?.to_le_bytes());
            }
            blob.extend_from_slice(&data);
        }
        let mut body = Vec::with_capacity(8 + head.len() + table.len() + blob.len());
        body.extend_from_slice(&n32(head.len())?.to_le_bytes());
        body.extend_from_slice(&head);
        body.extend_from_slice(&n32(self.entries.len())?.to_le_bytes());
        body.extend_from_slice(&table);
        body.extend_from_slice(&blob);
        Ok(frame(&body))
    }
}

/// A body with the magic, format, length and checksum in front.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(FIXED + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&checksum(body).to_le_bytes());
    out.extend_from_slice(body);
    out
}
