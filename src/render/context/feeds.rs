//! What a feed's template sees, in every format.
//!
//! A place with a feed (the site, a term, the corrections log) has one file per
//! format of `[feeds] formats` in its folder: `atom.xml`, `rss.xml`, `feed.json`.
//! Which entries a place's feeds list, and what each says, is decided here once:
//! every format's template gets the same `feed` and `entries` and only writes them
//! its own way. Term feeds carry summaries (three formats of every body on every
//! term would triple what a build writes) unless `full_text_terms`; the site's and
//! the corrections' carry whole bodies.

use super::tera_value::from_json;
use super::views::{item_with, Views};
use crate::config::{Config, FeedFormat};
use crate::model::fingerprint::Fingerprinter;
use crate::model::site::Site;
use crate::model::taxonomy::TaxonomyKind;
use crate::render::plan::PageKind;
use serde::Serialize;
use serde_json::{json, Value};
use std::hash::Hash;

/// The place a feed of articles is about: the site (`None`), or one term.
pub type Scope = Option<(TaxonomyKind, usize)>;

/// A feed format, as pages link it: each of `site.feeds`.
#[derive(Serialize)]
pub struct FeedLink {
    /// `atom`, `rss` or `json`.
    pub format: &'static str,
    /// The file in each place's folder: `atom.xml`, `rss.xml`, `feed.json`.
    pub file: &'static str,
    /// Its media type: `application/atom+xml`, `application/rss+xml`,
    /// `application/feed+json`.
    #[serde(rename = "type")]
    pub media_type: &'static str,
    /// What readers call it: `Atom`, `RSS`, `JSON Feed`.
    pub label: &'static str,
}

/// `site.feeds`: the formats of `[feeds] formats`, in the order pages link them;
/// none when feeds are off.
pub(super) fn links(config: &Config) -> Vec<FeedLink> {
    let link = |f: &FeedFormat| FeedLink {
        format: f.name(),
        file: f.file(),
        media_type: f.media_type(),
        label: f.label(),
    };
    config.feeds.formats.iter().map(link).collect()
}

/// The `updated` of a feed with no entry.
const NEVER: &str = "1970-01-01T00:00:00Z";

/// The articles of a feed, in every format: the newest `feed_limit` of the site or
/// of one term.
pub(super) fn feed_ids(site: &Site, scope: Scope) -> Vec<usize> {
    let limit = site.config.feed_limit;
    match scope {
        None => (0..site.articles.len().min(limit)).collect(),
        Some((k, i)) => site.taxonomy(k).terms[i]
            .articles
            .iter()
            .take(limit)
            .copied()
            .collect(),
    }
}

/// Whether the feeds of `scope` carry their articles' whole bodies: the site's
/// always, a term's with `[feeds] full_text_terms`; no feed when there is no format.
pub(super) fn full_text(site: &Site, scope: Scope) -> bool {
    let feeds = &site.config.feeds;
    !feeds.formats.is_empty() && (scope.is_none() || feeds.full_text_terms)
}

/// Every place whose feeds carry whole bodies: the articles they list must keep
/// their bodies until those feeds are written.
pub(super) fn full_text_scopes(site: &Site) -> impl Iterator<Item = Scope> + '_ {
    let terms = TaxonomyKind::ALL
        .into_iter()
        .flat_map(|k| (0..site.taxonomy(k).terms.len()).map(move |t| Some((k, t))));
    std::iter::once(None)
        .chain(terms)
        .filter(|&scope| full_text(site, scope))
}

/// `feed`: what a feed says of itself. `folder` is its place's page, site-relative
/// (`tags/x/`, `""` for the site). Its `id` is the Atom feed's URL in every format,
/// one identity for the place.
fn feed_view(
    site: &Site,
    kind: PageKind,
    format: FeedFormat,
    updated: String,
    full_text: bool,
) -> tera::Value {
    let folder = kind.url(site);
    let at = |file: &str| site.config.permalink(&format!("{folder}{file}"));
    from_json(json!({
        "title": super::page::title(site, kind),
        "id": at(FeedFormat::Atom.file()),
        "self": at(format.file()),
        "alternate": site.config.permalink(&folder),
        "updated": updated,
        "format": format.name(),
        "full_text": full_text,
    }))
}

/// Feeds into `h` what [`articles`] gives a feed of `scope` in `format`.
pub(super) fn hash_articles(
    views: &Views,
    site: &Site,
    scope: Scope,
    format: FeedFormat,
    h: &mut Fingerprinter,
) {
    format.hash(h);
    let full_text = full_text(site, scope);
    full_text.hash(h);
    if let Some((k, i)) = scope {
        let t = &site.taxonomy(k).terms[i];
        (&t.name, &t.slug, t.articles.len()).hash(h);
    }
    for i in feed_ids(site, scope) {
        views.item_hashes[i].hash(h);
        // A summary-only feed is not written again when a body changes.
        if full_text {
            site.articles[i].page_hash.hash(h);
        }
    }
}

/// `feed` and `entries` of a feed of articles: the newest of `scope`, each its
/// item with `published` and `updated` (RFC 3339), and `content` (its body) when
/// the feed carries full text.
pub(super) fn articles(
    views: &Views,
    site: &Site,
    kind: PageKind,
    scope: Scope,
    format: FeedFormat,
) -> (tera::Value, tera::Value) {
    let ids = feed_ids(site, scope);
    let full_text = full_text(site, scope);
    let entries: Vec<tera::Value> = ids
        .iter()
        .map(|&i| views.feed_entry(site, i, full_text))
        .collect();
    // The newest change among its entries, by instant (offsets differ).
    let updated = ids
        .iter()
        .map(|&i| site.articles[i].modified())
        .max_by_key(|d| d.at)
        .map_or_else(|| NEVER.into(), |d| d.with_time());
    (
        feed_view(site, kind, format, updated, full_text),
        tera::Value::from(entries),
    )
}

/// `feed` and `entries` of the corrections' feed: the newest `feed_limit`
/// corrections, each an entry titled after its article and linking to the
/// correction on it, its text as `summary` (plain) and `content` (HTML).
pub(super) fn corrections(
    views: &Views,
    site: &Site,
    kind: PageKind,
    format: FeedFormat,
) -> (tera::Value, tera::Value) {
    let shown = &site.corrections[..site.corrections.len().min(site.config.feed_limit)];
    let entries: Vec<tera::Value> = shown
        .iter()
        .map(|&entry| {
            let notice = site.notice(entry);
            let a = notice.article;
            let title = match notice.withdrawn {
                true => format!("Withdrawn: {}", a.front.title),
                false => format!("Correction: {}", a.front.title),
            };
            let permalink = site.config.permalink(&notice.url);
            let when = notice.date.with_time();
            // A withdrawn article has no item (its terms are gone): the entry says
            // only what the feed needs.
            if entry.article >= site.articles.len() {
                return from_json(json!({
                    "title": title,
                    "permalink": permalink,
                    "published": when,
                    "updated": when,
                    "summary": notice.text,
                    "content": notice.html,
                    "source": { "name": a.front.source().name, "link": Value::Null, "author": Value::Null },
                    "sources": [],
                    "tags": [],
                    "authors": [],
                }));
            }
            item_with(
                views,
                site,
                a,
                vec![
                    ("title", tera::Value::from(title)),
                    ("permalink", tera::Value::from(permalink)),
                    ("published", tera::Value::from(when.clone())),
                    ("updated", tera::Value::from(when)),
                    ("summary", tera::Value::from(notice.text)),
                    ("content", tera::Value::from(notice.html)),
                ],
            )
        })
        .collect();
    let updated = shown.first().map_or_else(
        || NEVER.into(),
        |&entry| site.notice(entry).date.with_time(),
    );
    (
        feed_view(site, kind, format, updated, true),
        tera::Value::from(entries),
    )
}
