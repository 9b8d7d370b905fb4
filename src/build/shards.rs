//! A store of values kept between builds under `.briefing-cache/build/`, by key:
//! what [`super::body_cache`] keeps bodies in and [`super::card_cache`] cards.
//!
//! Each value is kept in two parts: what the build reads of it at once
//! ([postcard](https://docs.rs/postcard) bytes), and a tail of bytes it reads only
//! when it needs them (a body's HTML, for the few pages a build after an edit
//! renders: at 100,000 articles the bodies are 650 MB). The values are kept in 64
//! shards by key. A shard is a file: a header naming the store's kind and its salt
//! (what every value depends on besides its key: the binary, the settings), the
//! tails, an index of entries (key, the value's bytes, where its tail is and its
//! hash), and last where the index starts and the index's hash. A build reads the indexes in parallel and writes again
//! only the shards whose entries changed: one edit rewrites two (its old and its new
//! key). A shard of another kind, binary or settings, or one that cannot be read, is
//! ignored whole (its values are made again) and written anew. A build killed while
//! it writes leaves `NN.partial-<pid>-<n>` files beside the shards, never read, and
//! removed by the next build that saves the store.
//!
//! Written here rather than taken from a crate: the embedded stores (sled, redb)
//! keep one database with its own log and locking, where this needs a file per
//! shard that one writer replaces whole, and values read in bulk.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::{self, Seek, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const SHARDS: usize = 64;

/// The values kept by the last build, by key, and what this build keeps.
pub struct Store<V> {
    dir: PathBuf,
    /// The first bytes of every shard: the store's kind and format.
    magic: &'static [u8; 16],
    salt: u128,
    shards: Vec<Shard<V>>,
}

/// Where a value's tail is: read when it is needed, from the shard file the store
/// opened (a file that a later build replaces by renaming another over it, so the
/// one open here stays as it was read).
#[derive(Debug, Clone)]
pub struct Tail {
    file: Arc<std::fs::File>,
    at: u64,
    len: u32,
    /// XXH3 of the bytes, checked when they are read.
    hash: u64,
}

impl Tail {
    /// A reader of the tail as text (a body's or a card's HTML), read when it is
    /// needed.
    pub fn html(self) -> crate::model::article::KeptHtml {
        crate::model::article::KeptHtml(Arc::new(move || {
            String::from_utf8(self.read()?).map_err(io::Error::other)
        }))
    }

    /// The bytes, if they can be read and are those that were written.
    pub fn read(&self) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; self.len as usize];
        self.file.read_exact_at(&mut bytes, self.at)?;
        if xxhash_rust::xxh3::xxh3_64(&bytes) != self.hash {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "changed since it was written",
            ));
        }
        Ok(bytes)
    }
}

struct Shard<V> {
    /// The shard's file, which tails are read from.
    file: Option<Arc<std::fs::File>>,
    /// Its index's bytes: each value is decoded when it is taken, by the thread that
    /// takes it (a build takes most, in parallel).
    index: Vec<u8>,
    /// Entries read and not yet taken.
    values: Mutex<HashMap<u128, Entry>>,
    /// How many entries were read (for the shard's entries that are still used).
    read: usize,
    _values: std::marker::PhantomData<V>,
    /// Keys taken by this build (and not kept anew since).
    taken: Mutex<rustc_hash::FxHashSet<u128>>,
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
            file: None,
            index: Vec::new(),
            values: Mutex::default(),
            read: 0,
            _values: std::marker::PhantomData,
            taken: Mutex::default(),
            fresh: Mutex::default(),
            unreadable: AtomicBool::new(false),
        }
    }
}

/// A shard's next file, being written: the tails go into it as they come, the
/// index into a file of its own, appended when the shard is finished.
struct Fresh {
    out: io::BufWriter<std::fs::File>,
    /// The same file, to read tails from once it is written.
    written: Arc<std::fs::File>,
    path: PathBuf,
    /// Bytes written to `out` so far.
    at: u64,
    index: io::BufWriter<std::fs::File>,
    index_path: PathBuf,
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

    /// How many values the last build kept, as read (none taken yet or not).
    pub fn kept(&self) -> usize {
        self.shards.iter().map(|s| s.read).sum()
    }

    /// The value kept under `key`, if any, with where its tail is: taken, and kept
    /// again by [`Store::save`].
    pub fn take(&self, key: u128) -> Option<(V, Tail)> {
        let shard = self.shard(key);
        let entry = lock(&shard.values).remove(&key)?;
        // One that does not decode is not taken: made again, it is kept anew.
        let value = postcard::from_bytes::<V>(&shard.index[entry.value]).ok()?;
        lock(&shard.taken).insert(key);
        let tail = Tail {
            file: Arc::clone(shard.file.as_ref()?),
            at: entry.tail_at,
            len: entry.tail_len,
            hash: entry.tail_hash,
        };
        Some((value, tail))
    }

    /// Keeps `value`, and `tail` beside it, under `key` for the next build (in
    /// place of the value taken under it, if any). Returns where the tail was
    /// written: readable once [`Store::save`] has run, from the file written (as
    /// the tails of values taken are), so a build need not hold the tail meanwhile.
    pub fn keep(&self, key: u128, value: &V, tail: &[u8]) -> Option<Tail> {
        let bytes = postcard::to_stdvec(value).ok()?;
        let shard = self.shard(key);
        let mut fresh = lock(&shard.fresh);
        lock(&shard.taken).remove(&key);
        if fresh.is_none() {
            let path = self.dir.join(format!("{:02}", key % SHARDS as u128));
            *fresh = Fresh::create(&path, self.magic, self.salt).ok();
        }
        fresh.as_mut()?.push(key, &bytes, tail)
    }

    /// Writes again every shard whose entries changed: the values this build took
    /// or made, and none other. A shard that cannot be written is left as it was or
    /// removed (its values are made again next time); a cache is never needed.
    /// Returns whether every value this build kept was written whole: if not (a full
    /// disk), a tail [`Store::keep`] handed out may not read back.
    pub fn save(self) -> bool {
        let Store {
            dir,
            magic,
            salt,
            shards,
        } = self;
        // Every shard is saved: no short cut on the first that fails.
        let whole = shards.into_par_iter().enumerate().map(|(n, shard)| {
            let taken = shard.taken.into_inner().unwrap_or_else(|e| e.into_inner());
            let fresh = shard.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
            let made = fresh.is_some();
            let unchanged =
                !made && taken.len() == shard.read && !shard.unreadable.load(Ordering::Relaxed);
            if unchanged {
                return true;
            }
            // What was not taken is freed before the old file's index is read again.
            drop((shard.values, shard.index));
            let path = dir.join(format!("{n:02}"));
            let fresh = match fresh {
                Some(fresh) => Some(fresh),
                None => Fresh::create(&path, magic, salt).ok(),
            };
            let Some(mut fresh) = fresh else {
                return !made;
            };
            // Taken values are still in the file read (whatever another build put in
            // its place since): copied from it as they are. One whose tail no longer
            // reads as written is left out, to be made again.
            if !taken.is_empty() {
                let old = shard.file.as_ref();
                let found = old.and_then(|f| Some((f, index(f, magic, salt)?)));
                for (file, (bytes, entries)) in found.iter() {
                    for e in entries.iter().filter(|e| taken.contains(&e.key)) {
                        let tail = Tail {
                            file: Arc::clone(file),
                            at: e.tail_at,
                            len: e.tail_len,
                            hash: e.tail_hash,
                        };
                        if let Ok(t) = tail.read() {
                            let _ = fresh.push(e.key, &bytes[e.value.clone()], &t);
                        }
                    }
                }
            }
            fresh.finish(&path).is_ok() || !made
        });
        let whole = whole.reduce(|| true, |a, b| a && b);
        remove_abandoned(&dir);
        whole
    }
}

/// Removes the files in `dir` that a build killed while writing left
/// (`NN.partial-<pid>-<n>`, `…-index`): those of processes no longer running. A
/// build killed at 10,000 articles left 128 of them (5 MB; ten times that at
/// 100,000), and each kill left more. Those of a running process (another build of
/// the site, into another output) are its own, being written.
fn remove_abandoned(dir: &Path) {
    crate::output::remove_left_by_ended(dir, |name| {
        let (_, rest) = name.split_once(".partial-")?;
        rest.split('-').next()?.parse().ok()
    });
}

impl Fresh {
    /// Starts the next file of the shard at `path`.
    fn create(path: &Path, magic: &[u8; 16], salt: u128) -> io::Result<Fresh> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Names of this process's own: two builds of one site (into two outputs)
        // may write the same shard at once, and each file must be one writer's.
        static FILES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = FILES.fetch_add(1, Ordering::Relaxed);
        let temp = path.with_extension(format!("partial-{}-{n}", std::process::id()));
        let index_path = path.with_extension(format!("partial-{}-{n}-index", std::process::id()));
        let started = Fresh::start(temp.clone(), index_path.clone(), magic, salt);
        if started.is_err() {
            // Begun and not finished (no file handle left for the second file): no
            // file is left behind, where each value offered next tried again and
            // left one more.
            let _ = std::fs::remove_file(&temp);
            let _ = std::fs::remove_file(&index_path);
        }
        started
    }

    /// Makes the shard's next file at `temp` and its index's at `index_path`.
    fn start(
        temp: PathBuf,
        index_path: PathBuf,
        magic: &[u8; 16],
        salt: u128,
    ) -> io::Result<Fresh> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)?;
        let written = Arc::new(file.try_clone()?);
        let mut out = io::BufWriter::new(file);
        let index = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&index_path)?;
        let index = io::BufWriter::new(index);
        out.write_all(magic)?;
        out.write_all(&salt.to_le_bytes())?;
        Ok(Fresh {
            out,
            written,
            path: temp,
            at: (magic.len() + 16) as u64,
            index,
            index_path,
            ok: true,
        })
    }

    /// Writes one entry: its tail now, its value into the index. Returns where the
    /// tail is, unless the write failed.
    fn push(&mut self, key: u128, value: &[u8], tail: &[u8]) -> Option<Tail> {
        let (Ok(value_len), Ok(len)) = (u32::try_from(value.len()), u32::try_from(tail.len()))
        else {
            return None;
        };
        let hash = xxhash_rust::xxh3::xxh3_64(tail);
        let at = self.at;
        let written = self.out.write_all(tail).and_then(|()| {
            let index = &mut self.index;
            index.write_all(&key.to_le_bytes())?;
            index.write_all(&at.to_le_bytes())?;
            index.write_all(&len.to_le_bytes())?;
            index.write_all(&hash.to_le_bytes())?;
            index.write_all(&value_len.to_le_bytes())?;
            index.write_all(value)
        });
        self.at += u64::from(len);
        self.ok &= written.is_ok();
        self.ok.then(|| Tail {
            file: Arc::clone(&self.written),
            at,
            len,
            hash,
        })
    }

    /// Appends the index and where it starts, and puts the file in the shard's
    /// place (a build killed meanwhile leaves the old shard or the new one); one that
    /// could not be written whole is removed.
    fn finish(mut self, shard: &Path) -> io::Result<()> {
        let appended = (|| -> io::Result<()> {
            let mut index = self.index.into_inner().map_err(|e| e.into_error())?;
            index.rewind()?;
            let mut hashed = Hashed(xxhash_rust::xxh3::Xxh3::new(), &mut self.out);
            io::copy(&mut index, &mut hashed)?;
            let hash = hashed.0.digest();
            self.out.write_all(&self.at.to_le_bytes())?;
            self.out.write_all(&hash.to_le_bytes())?;
            self.out.flush()
        })();
        let _ = std::fs::remove_file(&self.index_path);
        if self.ok && appended.is_ok() {
            return std::fs::rename(&self.path, shard);
        }
        let _ = std::fs::remove_file(&self.path);
        Err(io::Error::other("not written whole"))
    }
}

/// A writer that hashes what it passes on.
struct Hashed<'a, W>(xxhash_rust::xxh3::Xxh3, &'a mut W);

impl<W: Write> Write for Hashed<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = self.1.write(bytes)?;
        self.0.update(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.1.flush()
    }
}

/// An entry of a shard's index.
struct Entry {
    key: u128,
    tail_at: u64,
    tail_len: u32,
    tail_hash: u64,
    /// Where the value's bytes are in the index's.
    value: std::ops::Range<usize>,
}

/// The first `N` bytes of `rest`, taken off it.
fn field<const N: usize>(rest: &mut &[u8]) -> Option<[u8; N]> {
    let (head, tail) = rest.split_first_chunk::<N>()?;
    *rest = tail;
    Some(*head)
}

/// The index of a shard's file (its bytes, and its entries), if it is a whole shard
/// of this kind and `salt`.
fn index(file: &std::fs::File, magic: &[u8; 16], salt: u128) -> Option<(Vec<u8>, Vec<Entry>)> {
    let len = file.metadata().ok()?.len();
    let header = (magic.len() + 16) as u64;
    if len < header + 16 {
        return None;
    }
    let mut head = [0; 32];
    file.read_exact_at(&mut head, 0).ok()?;
    let mut rest = &head[..];
    if field::<16>(&mut rest)? != *magic || u128::from_le_bytes(field(&mut rest)?) != salt {
        return None;
    }
    let mut foot = [0; 16];
    file.read_exact_at(&mut foot, len - 16).ok()?;
    let mut rest = &foot[..];
    let start = u64::from_le_bytes(field(&mut rest)?);
    let hash = u64::from_le_bytes(field(&mut rest)?);
    if start < header || start > len - 16 {
        return None;
    }
    let mut bytes = vec![0; usize::try_from(len - 16 - start).ok()?];
    file.read_exact_at(&mut bytes, start).ok()?;
    if xxhash_rust::xxh3::xxh3_64(&bytes) != hash {
        return None;
    }
    let mut rest = bytes.as_slice();
    let mut entries = Vec::new();
    while !rest.is_empty() {
        let key = u128::from_le_bytes(field(&mut rest)?);
        let tail_at = u64::from_le_bytes(field(&mut rest)?);
        let tail_len = u32::from_le_bytes(field(&mut rest)?);
        let tail_hash = u64::from_le_bytes(field(&mut rest)?);
        let value_len = u32::from_le_bytes(field(&mut rest)?) as usize;
        if tail_at < header
            || tail_at.checked_add(u64::from(tail_len))? > start
            || rest.len() < value_len
        {
            return None;
        }
        let from = bytes.len() - rest.len();
        rest = &rest[value_len..];
        entries.push(Entry {
            key,
            tail_at,
            tail_len,
            tail_hash,
            value: from..from + value_len,
        });
    }
    Some((bytes, entries))
}

/// Reads one shard's index; an unreadable one is empty and marked to be written
/// anew.
fn read_shard<V>(path: &Path, magic: &[u8; 16], salt: u128) -> Shard<V> {
    let shard = Shard::default();
    let file = match std::fs::File::open(path) {
        Ok(file) => Arc::new(file),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return shard,
        Err(_) => {
            shard.unreadable.store(true, Ordering::Relaxed);
            return shard;
        }
    };
    match index(&file, magic, salt) {
        Some((index, entries)) => Shard {
            file: Some(file),
            index,
            read: entries.len(),
            values: Mutex::new(entries.into_iter().map(|e| (e.key, e)).collect()),
            ..shard
        },
        None => {
            shard.unreadable.store(true, Ordering::Relaxed);
            shard
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: &[u8; 16] = b"briefing test  1";

    /// Files a killed build left are removed by the next build that saves the store;
    /// those of a running process (this one here) are not.
    #[test]
    fn files_a_killed_build_left_are_removed_when_the_store_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let own = std::process::id();
        let names = [
            format!("07.partial-{gone}-3"),
            format!("07.partial-{gone}-3-index"),
            format!("07.partial-{own}-9"),
            "07.partial-x-1".to_string(),
        ];
        for name in &names {
            std::fs::write(dir.path().join(name), "left").unwrap();
        }
        let store: Store<u32> = Store::open(dir.path().to_path_buf(), MAGIC, 7);
        assert!(store.save());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("partial"))
            .collect();
        left.sort();
        assert_eq!(left, [names[2].clone(), names[3].clone()]);
    }

    /// A shard's next file begun and its index's not (here a name one byte too long
    /// for the folder; in a build, no file handle left): nothing is left behind.
    /// Each value offered to the shard next tries again, and each try left a file.
    #[test]
    fn a_shard_file_begun_and_not_finished_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        // The next file is `<stem>.partial-<pid>-<n>`, its index's that and `-index`:
        // a stem that makes the first 251 to 254 bytes long (n of 1 to 4 digits)
        // makes the second longer than a name may be (255 bytes here).
        // A folder that takes names of 254 bytes, as ext4, APFS and tmpfs do (not
        // eCryptfs): the first file's name must fit for the test to mean anything.
        let long = dir.path().join("n".repeat(254));
        if std::fs::write(&long, "").is_err() {
            return;
        }
        std::fs::remove_file(long).unwrap();
        let tail = format!(".partial-{}-", std::process::id()).len();
        let stem = "s".repeat(250 - tail);
        let made = Fresh::create(&dir.path().join(stem), MAGIC, 7);
        let e = made.err().expect("a name over 255 bytes is refused");
        assert_eq!(e.raw_os_error(), Some(libc::ENAMETOOLONG), "{e}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_shard_reads_back_with_its_tails_and_a_cut_or_foreign_one_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("00");
        let value = (String::from("Hi"), 1u32);
        let bytes = postcard::to_stdvec(&value).unwrap();
        // Keys of shard 00.
        let mut fresh = Fresh::create(&path, MAGIC, 7).unwrap();
        let _ = fresh.push(64, &bytes, b"<p>one</p>");
        let _ = fresh.push(128, &bytes, b"<p>two</p>");
        let _ = fresh.push(192, &bytes, b"");
        fresh.finish(&path).unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["00"], "no partial file left");
        let store: Store<(String, u32)> = Store::open(dir.path().to_path_buf(), MAGIC, 7);
        assert_eq!(store.shards[0].read, 3);
        assert!(!store.shards[0].unreadable.load(Ordering::Relaxed));
        let (back, tail) = store.take(128).unwrap();
        assert_eq!(back, value);
        assert_eq!(tail.read().unwrap(), b"<p>two</p>");
        let (_, empty) = store.take(192).unwrap();
        assert_eq!(empty.read().unwrap(), b"");
        let unread = |shard: Shard<(String, u32)>| {
            shard.read == 0 && shard.unreadable.load(Ordering::Relaxed)
        };
        // Another salt: another binary or settings.
        assert!(unread(read_shard(&path, MAGIC, 8)));
        // Another kind of store.
        assert!(unread(read_shard(&path, b"briefing other 1", 7)));
        // Cut short, as by a full disk, at every length.
        let whole = std::fs::read(&path).unwrap();
        for len in 0..whole.len() {
            std::fs::write(&path, &whole[..len]).unwrap();
            assert!(unread(read_shard(&path, MAGIC, 7)), "{len}");
        }
    }

    #[test]
    fn a_tail_changed_on_disk_is_not_read_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let store: Store<u32> = Store::open(dir.path().to_path_buf(), MAGIC, 3);
        let _ = store.keep(9, &1, b"<p>kept</p>");
        store.save();
        let store: Store<u32> = Store::open(dir.path().to_path_buf(), MAGIC, 3);
        let (_, tail) = store.take(9).unwrap();
        // Changed in place, by something other than a build.
        let path = dir.path().join(format!("{:02}", 9 % SHARDS));
        let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        file.write_all_at(b"<p>Kept</p>", 32).unwrap();
        let e = tail.read().unwrap_err();
        assert_eq!(e.to_string(), "changed since it was written");
        // Taken and saved again beside a new value of its shard: it is left out.
        let store: Store<u32> = Store::open(dir.path().to_path_buf(), MAGIC, 3);
        store.take(9).unwrap();
        let _ = store.keep(9 + SHARDS as u128, &2, b"<p>new</p>");
        store.save();
        let store: Store<u32> = Store::open(dir.path().to_path_buf(), MAGIC, 3);
        assert!(store.take(9).is_none());
        let (value, tail) = store.take(9 + SHARDS as u128).unwrap();
        assert_eq!((value, tail.read().unwrap()), (2, b"<p>new</p>".to_vec()));
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
        let tail = |key: u128| format!("<p>{key}</p>").into_bytes();
        let store = open();
        for key in 0..200u128 {
            let _ = store.keep(key, &format!("value {key}"), &tail(key));
        }
        store.save();
        // A build that takes every value but one, and makes one.
        let store = open();
        for key in (0..200u128).filter(|k| *k != 7) {
            let (value, t) = store.take(key).unwrap();
            assert_eq!(
                (value, t.read().unwrap()),
                (format!("value {key}"), tail(key))
            );
        }
        assert!(store.take(0).is_none(), "taken once");
        let _ = store.keep(1000, &"new".to_string(), b"");
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
        let read = |key: u128| store.take(key).map(|(v, t)| (v, t.read().unwrap()));
        assert_eq!(read(7), None, "not taken: not kept");
        assert_eq!(read(1000), Some(("new".into(), Vec::new())));
        assert_eq!(
            read(71),
            Some(("value 71".into(), tail(71))),
            "in a shard written again"
        );
        assert_eq!(
            read(8),
            Some(("value 8".into(), tail(8))),
            "in a shard left as it was"
        );
    }

    /// What a build keeps it can read back once saved, from the file it wrote, while
    /// another build replaces that shard.
    #[test]
    fn a_tail_kept_is_read_back_from_the_file_written_whatever_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        let open = || Store::<u32>::open(dir.path().to_path_buf(), MAGIC, 3);
        let store = open();
        let tails: Vec<Tail> = (0..100u32)
            .map(|k| {
                let html = format!("<p>{k}</p>");
                store.keep(u128::from(k), &k, html.as_bytes()).unwrap()
            })
            .collect();
        store.save();
        let read = |k: usize| String::from_utf8(tails[k].read().unwrap()).unwrap();
        assert_eq!(read(3), "<p>3</p>");
        assert_eq!(read(67), "<p>67</p>", "in the same shard as 3");
        // Another build writes every shard anew: the tails read as they were.
        let other = open();
        for k in 0..100u32 {
            let _ = other.keep(u128::from(k), &k, b"<p>other</p>");
        }
        other.save();
        assert_eq!(read(3), "<p>3</p>");
        assert_eq!(read(99), "<p>99</p>");
    }

    /// A save says whether what this build kept reached the disk whole: not when a
    /// shard cannot be put in place, and every other shard is saved all the same.
    #[test]
    fn a_save_says_whether_every_value_kept_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let shards = dir.path().join("shards");
        let open = || Store::<u32>::open(shards.clone(), MAGIC, 3);
        let store = open();
        for k in 0..100u32 {
            let _ = store.keep(u128::from(k), &k, b"<p>kept</p>");
        }
        assert!(store.save());
        // Shard 5's place is taken by a folder: it cannot be renamed into it.
        let store = open();
        for k in 0..100u32 {
            store.take(u128::from(k)).unwrap();
        }
        let _ = store.keep(5, &5, b"<p>again</p>");
        let _ = store.keep(6, &6, b"<p>again</p>");
        std::fs::remove_file(shards.join("05")).unwrap();
        std::fs::create_dir(shards.join("05")).unwrap();
        std::fs::write(shards.join("05/x"), "x").unwrap();
        assert!(!store.save());
        let store = open();
        assert_eq!(
            store.take(6).map(|(v, t)| (v, t.read().unwrap())),
            Some((6, b"<p>again</p>".to_vec())),
            "the other shards are saved"
        );
    }
}
