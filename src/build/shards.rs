//! A store of values kept between builds under `.briefing-cache/build/`, by key:
//! what [`super::body_cache`] keeps bodies in and [`super::card_cache`] cards.
//!
//! The values are kept in 64 shards by key, each a file of entries (key, length,
//! [postcard](https://docs.rs/postcard) bytes) after a header naming the store's kind
//! and its salt (what every value depends on besides its key: the binary, the
//! settings). A build reads them all in parallel and writes again only the shards
//! whose entries changed: one edit rewrites two (its old and its new key). A shard of
//! another kind, binary or settings, or one that cannot be read, is ignored whole
//! (its values are made again) and written anew. A build killed while it writes
//! leaves a `NN.partial-<pid>-<n>` beside the shards, never read.
//!
//! Written here rather than taken from a crate: the embedded stores (sled, redb)
//! keep one database with its own log and locking, where this needs a file per
//! shard that one writer replaces whole, and values read in bulk.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

const SHARDS: usize = 64;

/// The values kept by the last build, by key, and what this build keeps.
pub struct Store<V> {
    dir: PathBuf,
    /// The first bytes of every shard: the store's kind and format.
    magic: &'static [u8; 16],
    salt: u128,
    shards: Vec<Shard<V>>,
}

struct Shard<V> {
    /// Values read and not yet taken.
    values: Mutex<HashMap<u128, V>>,
    /// Keys read (for the shard's entries that are still used).
    read: Vec<u128>,
    /// Keys taken by this build.
    taken: Mutex<Vec<u128>>,
    /// Values made by this build, written as they come into the shard's next file
    /// (`NN.partial-<pid>-<n>`), so that a whole build's values are never twice in
    /// memory.
    fresh: Mutex<Option<Fresh>>,
    /// The file could not be read as a shard of this kind and salt: written anew.
    unreadable: AtomicBool,
}

impl<V> Default for Shard<V> {
    fn default() -> Self {
        Shard {
            values: Mutex::default(),
            read: Vec::new(),
            taken: Mutex::default(),
            fresh: Mutex::default(),
            unreadable: AtomicBool::new(false),
        }
    }
}

/// A shard's next file, being written.
struct Fresh {
    out: io::BufWriter<std::fs::File>,
    path: PathBuf,
    /// Whether every write so far succeeded.
    ok: bool,
}

impl<V: Serialize + DeserializeOwned + Send> Store<V> {
    /// Reads the shards in `dir` written with `magic` and `salt`.
    pub fn open(dir: PathBuf, magic: &'static [u8; 16], salt: u128) -> Store<V> {
        let shards = (0..SHARDS)
            .into_par_iter()
            .map(|n| read_shard(&dir.join(format!("{n:02}")), magic, salt))
            .collect();
        Store {
            dir,
            magic,
            salt,
            shards,
        }
    }

    fn shard(&self, key: u128) -> &Shard<V> {
        &self.shards[(key % SHARDS as u128) as usize]
    }

    /// The value kept under `key`, if any: taken, and kept again by [`Store::save`].
    pub fn take(&self, key: u128) -> Option<V> {
        let shard = self.shard(key);
        let value = lock(&shard.values).remove(&key)?;
        lock(&shard.taken).push(key);
        Some(value)
    }

    /// Keeps `value` under `key` for the next build.
    pub fn keep(&self, key: u128, value: &V) {
        let Ok(bytes) = postcard::to_stdvec(value) else {
            return;
        };
        let mut fresh = lock(&self.shard(key).fresh);
        if fresh.is_none() {
            let path = self.dir.join(format!("{:02}", key % SHARDS as u128));
            *fresh = Fresh::create(&path, self.magic, self.salt).ok();
        }
        if let Some(fresh) = fresh.as_mut() {
            fresh.push(key, &bytes);
        }
    }

    /// Writes again every shard whose entries changed: the values this build took
    /// or made, and none other. A shard that cannot be written is left as it was or
    /// removed (its values are made again next time); a cache is never needed.
    pub fn save(self) {
        let Store {
            dir,
            magic,
            salt,
            shards,
        } = self;
        shards.into_par_iter().enumerate().for_each(|(n, shard)| {
            let taken = shard.taken.into_inner().unwrap_or_else(|e| e.into_inner());
            let fresh = shard.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
            let unchanged = fresh.is_none()
                && taken.len() == shard.read.len()
                && !shard.unreadable.load(Ordering::Relaxed);
            if unchanged {
                return;
            }
            // What was not taken is freed before the old file is read again.
            drop(shard.values);
            let path = dir.join(format!("{n:02}"));
            let fresh = match fresh {
                Some(fresh) => Some(fresh),
                None => Fresh::create(&path, magic, salt).ok(),
            };
            let Some(mut fresh) = fresh else { return };
            // Taken values are still in the old file: copied from it as they are.
            if !taken.is_empty() {
                let taken: rustc_hash::FxHashSet<u128> = taken.into_iter().collect();
                let bytes = std::fs::read(&path).unwrap_or_default();
                for (key, range) in entries(&bytes, magic, salt).unwrap_or_default() {
                    if taken.contains(&key) {
                        fresh.push(key, &bytes[range]);
                    }
                }
            }
            let _ = fresh.finish(&path);
        });
    }
}

impl Fresh {
    /// Starts the next file of the shard at `path`.
    fn create(path: &Path, magic: &[u8; 16], salt: u128) -> io::Result<Fresh> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // A name of this process's own: two builds of one site (into two outputs)
        // may write the same shard at once, and each file must be one writer's.
        static FILES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = FILES.fetch_add(1, Ordering::Relaxed);
        let temp = path.with_extension(format!("partial-{}-{n}", std::process::id()));
        let mut out = io::BufWriter::new(std::fs::File::create(&temp)?);
        out.write_all(magic)?;
        out.write_all(&salt.to_le_bytes())?;
        Ok(Fresh {
            out,
            path: temp,
            ok: true,
        })
    }

    /// Writes one entry.
    fn push(&mut self, key: u128, bytes: &[u8]) {
        let Ok(len) = u32::try_from(bytes.len()) else {
            return;
        };
        let written = self
            .out
            .write_all(&key.to_le_bytes())
            .and_then(|()| self.out.write_all(&len.to_le_bytes()))
            .and_then(|()| self.out.write_all(bytes));
        self.ok &= written.is_ok();
    }

    /// Puts the file in the shard's place (a build killed meanwhile leaves the old
    /// shard or the new one); one that could not be written whole is removed.
    fn finish(mut self, shard: &Path) -> io::Result<()> {
        if self.ok && self.out.flush().is_ok() {
            return std::fs::rename(&self.path, shard);
        }
        std::fs::remove_file(&self.path)
    }
}

/// Reads one shard; an unreadable one is empty and marked to be written anew.
fn read_shard<V: DeserializeOwned>(path: &Path, magic: &[u8; 16], salt: u128) -> Shard<V> {
    let shard = Shard::default();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return shard,
        Err(_) => {
            shard.unreadable.store(true, Ordering::Relaxed);
            return shard;
        }
    };
    let parsed = entries(&bytes, magic, salt).and_then(|entries| {
        entries
            .into_iter()
            .map(|(key, range)| Some((key, postcard::from_bytes::<V>(&bytes[range]).ok()?)))
            .collect::<Option<Vec<_>>>()
    });
    match parsed {
        Some(values) => Shard {
            read: values.iter().map(|(key, _)| *key).collect(),
            values: Mutex::new(values.into_iter().collect()),
            ..shard
        },
        None => {
            shard.unreadable.store(true, Ordering::Relaxed);
            shard
        }
    }
}

/// The entries of a shard's bytes (each key, and where its value's bytes are), if
/// it is a whole shard of this kind and `salt`.
fn entries(
    bytes: &[u8],
    magic: &[u8; 16],
    salt: u128,
) -> Option<Vec<(u128, std::ops::Range<usize>)>> {
    let rest = bytes.strip_prefix(magic.as_slice())?;
    let (found, mut rest) = rest.split_first_chunk::<16>()?;
    if u128::from_le_bytes(*found) != salt {
        return None;
    }
    let mut at = bytes.len() - rest.len();
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_first_chunk::<16>()?;
        let (len, after) = after.split_first_chunk::<4>()?;
        let len = u32::from_le_bytes(*len) as usize;
        at += 20;
        if after.len() < len {
            return None;
        }
        out.push((u128::from_le_bytes(*key), at..at + len));
        at += len;
        rest = &after[len..];
    }
    Some(out)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: &[u8; 16] = b"briefing test  1";

    #[test]
    fn a_shard_reads_back_and_a_cut_or_foreign_one_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("00");
        let value = (String::from("<p>Hi</p>"), 1u32);
        let bytes = postcard::to_stdvec(&value).unwrap();
        let mut fresh = Fresh::create(&path, MAGIC, 7).unwrap();
        fresh.push(1, &bytes);
        fresh.push(2, &bytes);
        fresh.finish(&path).unwrap();
        let shard: Shard<(String, u32)> = read_shard(&path, MAGIC, 7);
        assert_eq!(shard.read, [1, 2]);
        let back = lock(&shard.values).remove(&2).unwrap();
        assert_eq!(back, value);
        assert!(!shard.unreadable.load(Ordering::Relaxed));
        // Another salt: another binary or settings.
        let foreign: Shard<(String, u32)> = read_shard(&path, MAGIC, 8);
        assert!(foreign.read.is_empty() && foreign.unreadable.load(Ordering::Relaxed));
        // Another kind of store.
        let other: Shard<(String, u32)> = read_shard(&path, b"briefing other 1", 7);
        assert!(other.read.is_empty() && other.unreadable.load(Ordering::Relaxed));
        // Cut short, as by a full disk.
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 3]).unwrap();
        let cut: Shard<(String, u32)> = read_shard(&path, MAGIC, 7);
        assert!(cut.read.is_empty() && cut.unreadable.load(Ordering::Relaxed));
    }

    #[test]
    fn a_save_keeps_what_was_taken_and_made_drops_the_rest_and_writes_only_what_changed() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let open = || Store::<String>::open(dir.path().to_path_buf(), MAGIC, 3);
        let inode = |shard: u128| {
            std::fs::metadata(dir.path().join(format!("{shard:02}")))
                .map(|m| m.ino())
                .ok()
        };
        let store = open();
        for key in 0..200u128 {
            store.keep(key, &format!("value {key}"));
        }
        store.save();
        // A build that takes every value but one, and makes one.
        let store = open();
        for key in (0..200u128).filter(|k| *k != 7) {
            assert_eq!(store.take(key), Some(format!("value {key}")));
        }
        assert_eq!(store.take(0), None, "taken once");
        store.keep(1000, &"new".to_string());
        let before: Vec<_> = (0..SHARDS as u128).map(inode).collect();
        store.save();
        let after: Vec<_> = (0..SHARDS as u128).map(inode).collect();
        let rewritten: Vec<usize> = (0..SHARDS).filter(|&n| before[n] != after[n]).collect();
        assert_eq!(
            rewritten,
            [7, 1000 % SHARDS],
            "only the shards whose entries changed"
        );
        let store = open();
        assert_eq!(store.take(7), None, "not taken: not kept");
        assert_eq!(store.take(1000).as_deref(), Some("new"));
        assert_eq!(
            store.take(71).as_deref(),
            Some("value 71"),
            "in a shard written again"
        );
        assert_eq!(
            store.take(8).as_deref(),
            Some("value 8"),
            "in a shard left as it was"
        );
    }
}
