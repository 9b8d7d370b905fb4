//! Articles kept between builds: `.briefing-cache/build/articles/` under the site
//! (safe to delete, never published), so that a build after an edit reads and
//! parses the files that changed and takes the others' front matter as the last
//! build read it. At 100,000 articles reading and parsing every file took 1.5 to 2 s
//! of a build after a one-line edit.
//!
//! Each article is kept by its path under `content/`, with the size, modification
//! time and inode its file had when it was read, and when that build started. A
//! build takes those stamps from the build cache's, taken before it read anything
//! ([`super::cache::Taken::content_stamps`]): each file is stamped once a build. It is
//! taken again only while its file has the same three, and if its modification time
//! was older than the start of the build that read it by more than any clock tick:
//! git's rule for racy timestamps (a file changed in the same tick as it was read
//! may have the time it had). Such a file is read again, and kept anew (its body is
//! kept by the bytes, see [`super::body_cache`]). The key is salted with this binary,
//! the site's folder and what of `site.toml` reading an article depends on.
//!
//! Articles that show a lead image are not kept (their image's file is looked at
//! when they are read), nor those with errors (they are read, and reported, again).

use super::cache::Stamps;
use super::shards::Store;
use crate::content::article::KeptArticles;
use crate::diagnostics::Diagnostic;
use crate::model::article::{Article, FrontMatter, Read};
use crate::model::asset::Asset;
use crate::output::manifest::Stamp;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// The folder of the shards, under the site root.
const DIR: &str = ".briefing-cache/build/articles";
/// The first bytes of a shard; another format's are not read.
const MAGIC: &[u8; 16] = b"briefing article";
/// How much older than the build that read it a file must be to be taken by its
/// stamp: more than any file system's clock tick.
const RACY: i128 = 2_000_000_000;

/// The articles of the last build, by path, and what this build keeps.
pub struct ArticleCache {
    salt: u128,
    /// When this build started, in nanoseconds since the epoch: when `stamps` were
    /// taken, if they were.
    now: i128,
    /// The files' stamps, taken by the build cache before anything was read; a
    /// file not among them is stamped here.
    stamps: Option<Arc<Stamps>>,
    store: Store<Kept>,
    /// Articles taken as they were kept.
    taken: std::sync::atomic::AtomicUsize,
}

/// An article as it was read.
#[derive(Serialize, Deserialize)]
struct Kept {
    /// Its file's size, modification time and inode then.
    len: u64,
    mtime: i128,
    inode: u64,
    /// When the build that read it started.
    read_at: i128,
    file: PathBuf,
    slug: String,
    front: FrontMatter,
    bundle: Option<String>,
    diagnostics: Vec<Diagnostic>,
    term_slugs: crate::model::term_ids::TermSlugs,
    text_len: usize,
    text_hash: u128,
    body_offset: usize,
}

impl ArticleCache {
    /// Reads the articles kept under `root` for `salt` (see [`salt`]).
    pub fn open(root: &Path, salt: u128, stamps: Option<Arc<Stamps>>) -> ArticleCache {
        ArticleCache {
            salt,
            now: stamps
                .as_ref()
                .map_or_else(|| super::cache::nanos(SystemTime::now()), |s| s.at),
            stamps,
            store: Store::open(root.join(DIR), MAGIC, salt),
            taken: Default::default(),
        }
    }

    fn key(&self, md: &Asset) -> u128 {
        let mut bytes = Vec::with_capacity(16 + md.rel.len());
        bytes.extend_from_slice(&self.salt.to_le_bytes());
        bytes.extend_from_slice(md.rel.as_bytes());
        xxhash_rust::xxh3::xxh3_128(&bytes)
    }

    /// Writes again every shard whose entries changed (see [`Store::save`]), and
    /// says how many articles were taken as they were kept.
    pub fn save(self) -> usize {
        self.store.save();
        self.taken.into_inner()
    }
}

impl KeptArticles for ArticleCache {
    fn kept(&self) -> usize {
        self.store.kept()
    }

    fn read(
        &self,
        md: &Asset,
        load: &dyn Fn() -> (Option<Article>, Vec<Diagnostic>),
    ) -> (Option<Article>, Vec<Diagnostic>) {
        let key = self.key(md);
        let kept = self.store.take(key).map(|(kept, _)| kept);
        // Stamped before it is read: a change while it is read shows next time.
        let taken = self.stamps.as_ref().and_then(|s| s.files.get(&md.rel));
        let Some(stamp) = taken.copied().or_else(|| {
            std::fs::symlink_metadata(&md.src)
                .ok()
                .filter(std::fs::Metadata::is_file)
                .map(|m| Stamp::of(&m))
        }) else {
            return load();
        };
        // A file with the stamp it had, but racily clean (changed, maybe, in the tick
        // it was read), is read again like any other, and kept anew.
        if let Some(kept) = kept.filter(|k| {
            (k.len, k.mtime, k.inode) == (stamp.len, stamp.mtime, stamp.inode)
                && k.mtime < k.read_at - RACY
        }) {
            self.taken
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return article(md, kept);
        }
        let (article, diagnostics) = load();
        self.keep(key, stamp, article.as_ref(), &diagnostics);
        (article, diagnostics)
    }
}

impl ArticleCache {
    /// Keeps an article just read from a file stamped `stamp`, unless it shows a
    /// lead image or was refused.
    fn keep(&self, key: u128, stamp: Stamp, article: Option<&Article>, diagnostics: &[Diagnostic]) {
        let Some(a) = article.filter(|a| a.front.image.is_none()) else {
            return;
        };
        if diagnostics.iter().any(Diagnostic::is_error) {
            return;
        }
        let kept = Kept {
            len: stamp.len,
            mtime: stamp.mtime,
            inode: stamp.inode,
            read_at: self.now,
            file: a.file.clone(),
            slug: a.slug.clone(),
            front: a.front.clone(),
            bundle: a.bundle.clone(),
            diagnostics: diagnostics.to_vec(),
            term_slugs: a.term_slugs.clone(),
            text_len: a.text_len,
            text_hash: a.text_hash,
            body_offset: a.body_offset,
        };
        let _ = self.store.keep(key, &kept, &[]);
    }
}

/// The article `kept` was read as (the store keeps it again for the next build).
fn article(md: &Asset, kept: Kept) -> (Option<Article>, Vec<Diagnostic>) {
    let article = Article::read(Read {
        file: kept.file,
        content_path: md.rel.clone(),
        slug: kept.slug,
        front: kept.front,
        image: None,
        image_at: None,
        bundle: kept.bundle,
        term_slugs: kept.term_slugs,
        text: String::new(),
        text_len: kept.text_len,
        text_hash: kept.text_hash,
        src: md.src.clone(),
        body_offset: kept.body_offset,
    });
    (Some(article), kept.diagnostics)
}

/// What every kept article depends on besides its own file: this binary
/// (`identity`, as the build cache names it), the site's folder, and what of
/// `site.toml` reading an article depends on.
pub fn salt(identity: &str, root: &Path, reading: &str) -> u128 {
    let text = format!("articles\n{identity}\n{}\n{reading}", root.display());
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}
