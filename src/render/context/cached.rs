//! The cards of one build kept for the next: by a session in memory ([`ViewCache`]),
//! and by a one-off build on disk through [`KeptCards`] (see `build::card_cache`).

use std::sync::Arc;

/// Items and cards of one build, kept by a session so that an update serialises and
/// renders again only those of articles that changed.
#[derive(Default)]
pub struct ViewCache {
    pub(super) entries: rustc_hash::FxHashMap<u64, Cached>,
}

/// An article's card as an earlier build rendered it, with the hashes of its item
/// and list entry.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct KeptCard {
    /// The item's hash.
    pub hash: u64,
    /// The list entry's hash.
    pub entry_hash: u64,
    /// The card's HTML.
    pub card: String,
}

/// Cards an earlier build rendered, kept by the caller (see `build::card_cache`)
/// by a key that hashes everything a card is made of (`Views::lasting_key`).
pub trait KeptCards: Sync {
    /// The card kept under `key`, if any.
    fn take(&self, key: u128) -> Option<KeptCard>;
    /// Offers a card just rendered, to keep for the next build.
    fn keep(&self, key: u128, card: &KeptCard);
}

/// One article's card and the hashes of its item and list entry.
#[derive(Clone)]
pub(super) struct Cached {
    /// The item's hash: what its article page depends on.
    pub(super) hash: u64,
    /// The card's HTML.
    pub(super) card: Arc<str>,
    /// The hash of its list entry (card and `LIST_FIELDS`): what list pages depend
    /// on. An edit that changes the item but not the card (a word count the card does
    /// not show) renders no list again.
    pub(super) entry_hash: u64,
}

impl From<KeptCard> for Cached {
    fn from(k: KeptCard) -> Cached {
        Cached {
            hash: k.hash,
            card: Arc::from(k.card),
            entry_hash: k.entry_hash,
        }
    }
}

impl From<&Cached> for KeptCard {
    fn from(c: &Cached) -> KeptCard {
        KeptCard {
            hash: c.hash,
            entry_hash: c.entry_hash,
            card: c.card.to_string(),
        }
    }
}

impl Cached {
    /// Stands in for an article whose card failed to render (the build fails).
    pub(super) fn failed() -> Cached {
        Cached {
            hash: 0,
            card: Arc::from(""),
            entry_hash: 0,
        }
    }
}
