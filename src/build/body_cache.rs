//! Article bodies kept between builds: `.briefing-cache/build/bodies/` under the
//! site (safe to delete, never published), so that a build after an edit renders
//! the Markdown of the articles that changed and takes the others' bodies (their
//! HTML, summary, headings, notes, search terms) as the last build left them.
//!
//! A body is kept under a key that hashes everything it is rendered from: the whole
//! file as read (its bytes, so a file saved again unchanged keeps its body, and one
//! changed in the same clock tick does not), its path under `content/`, and a salt
//! made of this binary, the site's folder and all of `site.toml` as read. What a
//! body asked of the rest of the site (an actor's page, another article's URL) it
//! records with the answers, and a kept body whose links would now be answered
//! differently is rendered again ([`crate::content::bodies::render`]). Bodies that
//! reported a problem (so that it is reported again), that call shortcodes (which
//! read templates, data and other files) or that show images (whose files may
//! change) are not kept.
//!
//! The bodies are kept in 64 shards by key, each a file of entries (key, length,
//! [postcard](https://docs.rs/postcard) bytes) after a header naming the salt. A
//! build reads them all in parallel and writes again only the shards whose entries
//! changed: one edit rewrites two (its old and its new key), at 10,000 articles a
//! megabyte or two. A shard from another binary or settings, or one that cannot be
//! read, is ignored whole (its bodies are rendered) and written anew. A build killed
//! while it writes leaves a `NN.partial-<pid>-<n>` beside the shards, never read.

use crate::content::bodies::Kept;
use crate::model::article::{Article, Body};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// The folder of the shards, under the site root.
const DIR: &str = ".briefing-cache/build/bodies";
const SHARDS: usize = 64;
/// The first bytes of a shard; another format's are not read.
const MAGIC: &[u8; 16] = b"briefing bodies1";

/// The bodies of the last build, by key, and what this build keeps.
pub struct BodyCache {
    dir: PathBuf,
    salt: u128,
    shards: Vec<Shard>,
}

#[derive(Default)]
struct Shard {
    /// Bodies read and not yet taken.
    bodies: Mutex<HashMap<u128, Body>>,
    /// Keys read (for the shard's entries that are still used).
    read: Vec<u128>,
    /// Keys taken by this build.
    taken: Mutex<Vec<u128>>,
    /// Bodies rendered by this build, written as they come into the shard's next
    /// file (`NN.partial-<pid>-<n>`), so that a whole build's bodies are never twice
    /// in memory.
    fresh: Mutex<Option<Fresh>>,
    /// The file could not be read as a shard of this salt: written anew.
    unreadable: AtomicBool,
}

/// A shard's next file, being written.
struct Fresh {
    out: io::BufWriter<std::fs::File>,
    path: PathBuf,
    /// Whether every write so far succeeded.
    ok: bool,
}

impl BodyCache {
    /// Reads the shards under `root` kept for `salt` (see [`salt`]).
    pub fn open(root: &Path, salt: u128) -> BodyCache {
        let dir = root.join(DIR);
        let shards = (0..SHARDS)
            .into_par_iter()
            .map(|n| read_shard(&dir.join(format!("{n:02}")), salt))
            .collect();
        BodyCache { dir, salt, shards }
    }

    fn key(&self, article: &Article) -> u128 {
        let mut bytes = Vec::with_capacity(48 + article.content_path.len());
        bytes.extend_from_slice(&self.salt.to_le_bytes());
        bytes.extend_from_slice(&article.text_hash.to_le_bytes());
        bytes.extend_from_slice(article.content_path.as_bytes());
        xxhash_rust::xxh3::xxh3_128(&bytes)
    }

    fn shard(&self, key: u128) -> &Shard {
        &self.shards[(key % SHARDS as u128) as usize]
    }

    /// Writes again every shard whose entries changed: the bodies this build took
    /// or rendered, and none other. A shard that cannot be written is left as it
    /// was or removed (its bodies are rendered next time); a cache is never needed.
    pub fn save(self) {
        let BodyCache { dir, salt, shards } = self;
        shards.into_par_iter().enumerate().for_each(|(n, shard)| {
            let taken = shard.taken.into_inner().unwrap_or_else(|e| e.into_inner());
            let fresh = shard.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
            let unchanged = fresh.is_none()
                && taken.len() == shard.read.len()
                && !shard.unreadable.load(Ordering::Relaxed);
            if unchanged {
                return;
            }
            let path = dir.join(format!("{n:02}"));
            let fresh = match fresh {
                Some(fresh) => Some(fresh),
                None => Fresh::create(&path, salt).ok(),
            };
            let Some(mut fresh) = fresh else { return };
            // Taken bodies are still in the old file: copied from it as they are.
            if !taken.is_empty() {
                let taken: rustc_hash::FxHashSet<u128> = taken.into_iter().collect();
                let bytes = std::fs::read(&path).unwrap_or_default();
                for (key, range) in entries(&bytes, salt).unwrap_or_default() {
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
    fn create(path: &Path, salt: u128) -> io::Result<Fresh> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // A name of this process's own: two builds of one site (into two outputs)
        // may write the same shard at once, and each file must be one writer's.
        static FILES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = FILES.fetch_add(1, Ordering::Relaxed);
        let temp = path.with_extension(format!("partial-{}-{n}", std::process::id()));
        let mut out = io::BufWriter::new(std::fs::File::create(&temp)?);
        out.write_all(MAGIC)?;
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

impl Kept for BodyCache {
    fn take(&self, article: &Article) -> Option<Body> {
        let key = self.key(article);
        let shard = self.shard(key);
        let body = lock(&shard.bodies).remove(&key)?;
        lock(&shard.taken).push(key);
        Some(body)
    }

    fn keep(&self, article: &Article, body: &Body) {
        let keepable = body.diagnostics.is_empty()
            && body.images.is_empty()
            && !body.shortcodes
            && !body.html.contains("<img");
        if !keepable {
            return;
        }
        let key = self.key(article);
        let Ok(bytes) = postcard::to_stdvec(body) else {
            return;
        };
        let mut fresh = lock(&self.shard(key).fresh);
        if fresh.is_none() {
            let path = self.dir.join(format!("{:02}", key % SHARDS as u128));
            *fresh = Fresh::create(&path, self.salt).ok();
        }
        if let Some(fresh) = fresh.as_mut() {
            fresh.push(key, &bytes);
        }
    }
}

/// What every kept body depends on besides its own file: this binary (`identity`,
/// as the build cache names it), the site's folder, and `site.toml` as read.
pub fn salt(identity: &str, root: &Path, config: &str) -> u128 {
    let text = format!("{identity}\n{}\n{config}", root.display());
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// Reads one shard; an unreadable one is empty and marked to be written anew.
fn read_shard(path: &Path, salt: u128) -> Shard {
    let shard = Shard::default();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return shard,
        Err(_) => {
            shard.unreadable.store(true, Ordering::Relaxed);
            return shard;
        }
    };
    let parsed = entries(&bytes, salt).and_then(|entries| {
        entries
            .into_iter()
            .map(|(key, range)| Some((key, postcard::from_bytes::<Body>(&bytes[range]).ok()?)))
            .collect::<Option<Vec<_>>>()
    });
    match parsed {
        Some(bodies) => Shard {
            read: bodies.iter().map(|(key, _)| *key).collect(),
            bodies: Mutex::new(bodies.into_iter().collect()),
            ..shard
        },
        None => {
            shard.unreadable.store(true, Ordering::Relaxed);
            shard
        }
    }
}

/// The entries of a shard's bytes (each key, and where its body's bytes are), if
/// it is a whole shard of `salt`.
fn entries(bytes: &[u8], salt: u128) -> Option<Vec<(u128, std::ops::Range<usize>)>> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
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

    #[test]
    fn a_shard_reads_back_and_a_cut_or_foreign_one_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("00");
        let body = Body {
            html: "<p>Hi</p>".into(),
            summary: "Hi".into(),
            word_count: 1,
            search_terms: "hi".into(),
            ..Body::default()
        };
        let bytes = postcard::to_stdvec(&body).unwrap();
        let mut fresh = Fresh::create(&path, 7).unwrap();
        fresh.push(1, &bytes);
        fresh.push(2, &bytes);
        fresh.finish(&path).unwrap();
        let shard = read_shard(&path, 7);
        assert_eq!(shard.read, [1, 2]);
        let back = lock(&shard.bodies).remove(&2).unwrap();
        assert_eq!((back.html.as_str(), back.word_count), ("<p>Hi</p>", 1));
        assert!(!shard.unreadable.load(Ordering::Relaxed));
        // Another salt: another binary or settings.
        let foreign = read_shard(&path, 8);
        assert!(foreign.read.is_empty() && foreign.unreadable.load(Ordering::Relaxed));
        // Cut short, as by a full disk.
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 3]).unwrap();
        let cut = read_shard(&path, 7);
        assert!(cut.read.is_empty() && cut.unreadable.load(Ordering::Relaxed));
    }
}
