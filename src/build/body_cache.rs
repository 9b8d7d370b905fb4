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
//! The bodies are kept in a [`Store`] of shards: a build reads them all and writes
//! again only the shards whose entries changed (one edit rewrites two, at 10,000
//! articles a megabyte or two).

use super::shards::Store;
use crate::content::bodies::Kept;
use crate::model::article::{Article, Body, KeptHtml};
use std::path::Path;

/// The folder of the shards, under the site root.
const DIR: &str = ".briefing-cache/build/bodies";
/// The first bytes of a shard; another format's are not read.
const MAGIC: &[u8; 16] = b"briefing bodies2";

/// The bodies of the last build, by key, and what this build keeps.
pub struct BodyCache {
    salt: u128,
    store: Store<Body>,
}

impl BodyCache {
    /// Reads the shards under `root` kept for `salt` (see [`salt`]).
    pub fn open(root: &Path, salt: u128) -> BodyCache {
        BodyCache {
            salt,
            store: Store::open(root.join(DIR), MAGIC, salt),
        }
    }

    fn key(&self, article: &Article) -> u128 {
        let mut bytes = Vec::with_capacity(48 + article.content_path.len());
        bytes.extend_from_slice(&self.salt.to_le_bytes());
        bytes.extend_from_slice(&article.text_hash.to_le_bytes());
        bytes.extend_from_slice(article.content_path.as_bytes());
        xxhash_rust::xxh3::xxh3_128(&bytes)
    }

    /// Writes again every shard whose entries changed (see [`Store::save`]).
    /// Returns whether every body this build kept was written whole (see
    /// [`Store::save`]).
    pub fn save(self) -> bool {
        self.store.save()
    }
}

impl Kept for BodyCache {
    fn take(&self, article: &Article) -> Option<Body> {
        let (mut body, tail) = self.store.take(self.key(article))?;
        // The HTML stays on disk until a page shows it.
        body.kept_html = Some(tail.html());
        Some(body)
    }

    fn keep(&self, article: &Article, body: &Body) -> Option<KeptHtml> {
        let keepable = body.diagnostics.is_empty()
            && body.images.is_empty()
            && !body.shortcodes
            && !body.html.contains("<img");
        if !keepable {
            return None;
        }
        let tail = self
            .store
            .keep(self.key(article), body, body.html.as_bytes())?;
        Some(tail.html())
    }
}

/// Removes the kept bodies (one could not be read), saying so.
pub fn forget(root: &Path) -> crate::diagnostics::Diagnostic {
    let _ = std::fs::remove_dir_all(root.join(DIR));
    crate::diagnostics::Diagnostic::note(
        DIR,
        "a body kept by the last build could not be read: the kept bodies are ignored, and written again by this build",
    )
}

/// What every kept body depends on besides its own file: this binary (`identity`,
/// as the build cache names it), the site's folder, and `site.toml` as read.
pub fn salt(identity: &str, root: &Path, config: &str) -> u128 {
    let text = format!("{identity}\n{}\n{config}", root.display());
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}
