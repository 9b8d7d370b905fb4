//! Article cards kept between builds: `.briefing-cache/build/cards/` under the site
//! (safe to delete, never published), so that a build after an edit renders the
//! card of each article whose item changed and takes the others as the last build
//! left them. At 100,000 articles rendering every card took 1.5 s of a build after
//! a one-line edit.
//!
//! A card is kept under a key that hashes everything it is rendered from
//! ([`crate::render::context::Views`]' lasting key: the article's whole item and
//! what every page sees, the templates among it), salted with this binary, in a
//! [`Store`] of shards: the hashes of its item and list entry as the value, its
//! HTML as the tail, which a one-off build reads only for the lists it renders (a
//! session, which renders lists again on every save, reads them all at once). Cards
//! that failed to render are not kept.

use super::shards::Store;
use crate::model::article::KeptHtml;
use crate::render::context::{KeptCard, KeptCards};
use std::path::Path;

/// The folder of the shards, under the site root.
const DIR: &str = ".briefing-cache/build/cards";
/// The first bytes of a shard; another format's are not read.
const MAGIC: &[u8; 16] = b"briefing cards 2";

/// The cards of the last build, by key, and what this build keeps.
pub struct CardCache(Store<KeptCard>);

impl CardCache {
    /// Reads the cards kept under `root` by this binary (`identity`, as the build
    /// cache names it).
    pub fn open(root: &Path, identity: &str) -> CardCache {
        let salt = xxhash_rust::xxh3::xxh3_128(identity.as_bytes());
        CardCache(Store::open(root.join(DIR), MAGIC, salt))
    }

    /// Writes again every shard whose entries changed (see [`Store::save`]).
    pub fn save(self) {
        self.0.save();
    }
}

impl KeptCards for CardCache {
    fn take(&self, key: u128) -> Option<(KeptCard, KeptHtml)> {
        let (card, tail) = self.0.take(key)?;
        Some((card, tail.html()))
    }

    fn keep(&self, key: u128, card: &KeptCard, html: &str) {
        let _ = self.0.keep(key, card, html.as_bytes());
    }
}

/// Removes the kept cards (one could not be read): the next build renders them all.
pub fn forget(root: &Path) -> crate::diagnostics::Diagnostic {
    let _ = std::fs::remove_dir_all(root.join(DIR));
    crate::diagnostics::Diagnostic::note(
        DIR,
        "a card kept by the last build could not be read: the kept cards are ignored, and written again by this build",
    )
}
