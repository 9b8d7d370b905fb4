//! The cards of one build kept for the next: by a session in memory ([`ViewCache`]),
//! and by a one-off build on disk through [`KeptCards`] (see `build::card_cache`).

use crate::model::article::KeptHtml;
use std::sync::Arc;

/// How a card that an earlier build kept and a list could not read begins: a
/// one-off build that meets it builds again without the kept cards
/// (`build::build`).
pub const KEPT_CARD_UNREADABLE: &str = "cannot read an article's card as the last build kept it";

/// Items and cards of one build, kept by a session so that an update serialises and
/// renders again only those of articles that changed.
#[derive(Default)]
pub struct ViewCache {
    pub(super) entries: rustc_hash::FxHashMap<u64, Cached>,
}

/// The hashes of an article's item and list entry as an earlier build made them;
/// the card's HTML is kept beside them, and read only when a list shows it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct KeptCard {
    /// The item's hash.
    pub hash: u64,
    /// The list entry's hash.
    pub entry_hash: u64,
}

/// Cards an earlier build rendered, kept by the caller (see `build::card_cache`)
/// by a key that hashes everything a card is made of (`Views::lasting_key`).
pub trait KeptCards: Sync {
    /// The card kept under `key`, if any, and where its HTML is.
    fn take(&self, key: u128) -> Option<(KeptCard, KeptHtml)>;
    /// Offers a card just rendered, to keep for the next build.
    fn keep(&self, key: u128, card: &KeptCard, html: &str);
}

/// A card's HTML: at hand, or where an earlier build kept it. A build after an
/// edit renders the few lists that changed: at 100,000 articles, reading every
/// kept card into memory took a tenth of it.
#[derive(Clone)]
pub(super) enum Card {
    Here(Arc<str>),
    Kept(KeptHtml),
}

impl Card {
    /// The HTML: its own, or read from where it was kept.
    pub(super) fn html(&self) -> std::io::Result<std::borrow::Cow<'_, str>> {
        match self {
            Card::Here(html) => Ok(std::borrow::Cow::Borrowed(html)),
            Card::Kept(kept) => kept.0().map(std::borrow::Cow::Owned),
        }
    }
}

/// One article's card and the hashes of its item and list entry.
#[derive(Clone)]
pub(super) struct Cached {
    /// The item's hash: what its article page depends on.
    pub(super) hash: u64,
    /// The card's HTML.
    pub(super) card: Card,
    /// The hash of its list entry (card and `LIST_FIELDS`): what list pages depend
    /// on. An edit that changes the item but not the card (a word count the card does
    /// not show) renders no list again.
    pub(super) entry_hash: u64,
}

impl From<&Cached> for KeptCard {
    fn from(c: &Cached) -> KeptCard {
        KeptCard {
            hash: c.hash,
            entry_hash: c.entry_hash,
        }
    }
}

impl Cached {
    /// Stands in for an article whose card failed to render (the build fails).
    pub(super) fn failed() -> Cached {
        Cached {
            hash: 0,
            card: Card::Here(Arc::from("")),
            entry_hash: 0,
        }
    }
}
