//! What templates see: view values made from the model, kept apart from it.
//!
//! - [`views`]: the values every page shares, made once per build ([`Views`]);
//! - [`page`]: what each page is made from, as [`page::Part`]s: the one description
//!   that both [`Views::context`] and [`Views::fingerprint`] read;
//! - `cards`: articles' cards spliced into list pages as they are written;
//! - [`feeds`]: a feed's `feed` and `entries`, the same in every format;
//! - [`values`]: the smaller values (paginator, periods, profiles);
//! - `story`: a story's timeline, and "the story so far" on its articles;
//! - [`search`]: the files of the search index, and their hashes.

pub mod adopted;
mod cached;
mod cards;
mod editions;
mod feeds;
pub mod page;
pub mod preview;
pub mod quotes;
pub mod search;
mod story;
pub mod tera_value;
mod term_links;
pub mod values;
pub mod views;

pub use feeds::FeedLink;
pub use values::SourceLink;
pub use values::{mentioned, nearby, terms, SEARCH_SUMMARY};
pub use views::{
    ArticleItem, KeptCard, KeptCards, SiteView, TermLink, ViewCache, Views, CARD_TEMPLATE,
    KEPT_CARD_UNREADABLE,
};

use crate::model::fingerprint;
use crate::model::site::Site;
use crate::render::plan::PageKind;
use std::hash::Hasher;

/// A page's `root`: the way from it to the site's top, for relative links.
pub fn root(site: &Site, kind: PageKind) -> String {
    // An email is read far from the site: every link in it is absolute.
    if matches!(kind, PageKind::Edition(_, f) if f != crate::render::plan::EditionFile::Page) {
        return site.config.permalink("");
    }
    if kind == PageKind::NotFound {
        // Served for any missing URL, at any depth: links from the site's own path.
        return site.config.base_path();
    }
    match kind.url(site).matches('/').count() {
        0 => "./".to_string(),
        depth => "../".repeat(depth),
    }
}

impl Views {
    /// The whole context of one page: its parts' values ([`page::parts`]).
    pub fn context(&self, site: &Site, kind: PageKind) -> tera::Context {
        let mut ctx = tera::Context::new();
        for part in page::parts(site, kind) {
            part.insert(self, site, kind, &mut ctx);
        }
        ctx
    }

    /// A hash of what every value [`Views::context`] gives `kind`'s template is made
    /// of (its parts' hashes): two builds giving a page the same fingerprint give it
    /// the same bytes.
    pub fn fingerprint(&self, site: &Site, kind: PageKind) -> u64 {
        let mut h = fingerprint::hasher();
        for part in page::parts(site, kind) {
            part.hash(self, site, kind, &mut h);
        }
        h.finish()
    }
}
