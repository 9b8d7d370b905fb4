//! The values every page shares, made once per build: the `site` view, each
//! article's item (what lists and its page show of it) and card (its list entry,
//! rendered once), and the hashes a session's next build compares.
//!
//! Each article's list-item view ([`ArticleItem`]) is serialised once per build and
//! shared by every list page, so a tag listing 5,000 articles costs 5,000 cheap
//! clones of small values, never any article's HTML. Every URL in a view is relative
//! to the site root (`articles/x/`); templates put the page's `root` (`../../`) in
//! front, so the output works under any path and from the file system.

use super::adopted::Adopted;
use super::cached::{Cached, Card};
pub use super::cached::{KeptCard, KeptCards, ViewCache, KEPT_CARD_UNREADABLE};
use super::feeds::FeedLink;
use super::tera_value::from_json;
pub(super) use super::term_links::term_link;
pub use super::term_links::TermLink;
use super::term_links::{item_links, term_values, ItemLink};
use super::values::{source_links, SourceLink};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::article::{Article, KeptHtml, NoteCounts};
use crate::model::fingerprint;
use crate::model::fingerprint::Fingerprinter;
use crate::model::site::Site;
use crate::model::taxonomy::TaxonomyKind;
use crate::render::plan::PageKind;
use crate::render::templates::Templates;
use crate::text::{PART_BODY, PART_CLOSE, PART_OPEN, ROOT_MARK};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// `site` in every template.
#[derive(Serialize)]
pub struct SiteView<'a> {
    /// `title` from site.toml.
    pub title: &'a str,
    /// `description` from site.toml, or null.
    pub description: Option<&'a str>,
    /// `language` from site.toml.
    pub language: &'a str,
    /// `base_url`, without a trailing slash.
    pub base_url: &'a str,
    /// `[extra]` from site.toml.
    pub extra: &'a Value,
    /// Date of the newest article, `YYYY-MM-DD`, or null.
    pub latest: Option<String>,
    /// `briefing <version>`.
    pub generator: String,
    /// The formats of every feed (`[feeds] formats`), in the order pages link them;
    /// empty when feeds are off.
    pub feeds: Vec<FeedLink>,
}

/// An article as list pages show it.
///
/// Fields in alphabetical order (by the names templates see), here and in every
/// struct inside: Tera's serializer keeps the order they are declared in, and every
/// map a template sees has its keys sorted (a test checks, image included).
#[derive(Serialize, Hash)]
pub struct ArticleItem<'a> {
    /// Actors named, as term links.
    pub actors: Vec<ItemLink<'a>>,
    /// The briefing's writers (its byline), as term links: `authors`, else the site's
    /// `default_author`.
    pub authors: Vec<ItemLink<'a>>,
    /// `YYYY-MM-DD`, in the date's own offset.
    pub date: String,
    /// For `<time datetime>` and the `date` filter: `date` when no time was given,
    /// else RFC 3339.
    pub datetime: String,
    /// Whether it is a draft (shown by `serve`, built only with `--drafts`).
    pub draft: bool,
    /// When it stops being published, as `datetime` is written, or null.
    pub expires: Option<String>,
    /// Its lead image (`image:`), or null.
    pub image: Option<super::preview::ImageView<'a>>,
    /// The notes, counted by kind: `count`, `kinds` (`kind`, `label`, `count`),
    /// `summary` (`3 notes: 2 context, 1 fact-check`).
    pub notes: &'a NoteCounts,
    /// Absolute URL.
    pub permalink: String,
    /// Minutes to read, at 220 words a minute, at least 1.
    pub reading_minutes: usize,
    /// URL slug.
    pub slug: &'a str,
    /// The primary source outlet, with `link` to the original story when given.
    pub source: SourceLink<'a>,
    /// Every source, the primary first (`sources:`; one for `source:`).
    pub sources: Vec<SourceLink<'a>>,
    /// `published`, or why a build would leave it out: `draft`, `scheduled` (dated
    /// after now), `expired` (shown only by `serve` and the flags that include them).
    pub status: &'static str,
    /// The running story it is part of (`story:`), or null.
    pub story: Option<ItemLink<'a>>,
    /// Plain-text summary.
    pub summary: &'a str,
    /// Tags, as term links.
    pub tags: Vec<ItemLink<'a>>,
    /// Headline.
    pub title: &'a str,
    /// When it last changed in substance (`updated`), as `datetime` is written, or
    /// null when it never has.
    pub updated: Option<String>,
    /// The zone of `updated`'s time, as a reader knows it: `CEST` (the site's
    /// `timezone`'s abbreviation), else `UTC` or `UTC+02:00`; null for a day.
    pub updated_zone: Option<String>,
    /// Site-relative URL: `articles/<slug>/`.
    pub url: String,
    /// Words in the body.
    pub word_count: usize,
}

/// The template every article's card is rendered from.
pub const CARD_TEMPLATE: &str = "partials/article_item.html";

/// The fields of an article's item that list pages get beside its card.
pub const LIST_FIELDS: &[&str] = &["title", "url", "date", "datetime"];

/// An article's [`LIST_FIELDS`], in that order, as its item has them.
pub(super) fn list_fields(a: &Article) -> [String; 4] {
    [
        a.front.title.clone(),
        ["articles/", &a.slug, "/"].concat(),
        crate::model::date::iso_day(a.front.date.day()),
        a.front.date.as_written(),
    ]
}

/// The key of the parts of a card that the home page leaves out: its days are
/// headings, so its cards do not repeat their date.
pub const DAY_PART: &str = "day";

/// An article's item as a Tera value, with `extra` fields among its own (keys sorted).
/// The item's fields are declared in key order, so Tera's serializer gives its maps
/// sorted at every depth, as a JSON object would.
pub(super) fn item_with(
    views: &Views,
    site: &Site,
    a: &Article,
    extra: Vec<(&'static str, tera::Value)>,
) -> tera::Value {
    let mut map = tera::Value::from_serializable(&item(&views.term_values, site, a))
        .into_map()
        .unwrap_or_default();
    for (key, value) in extra {
        map.insert(key.into(), value);
    }
    map.sort_keys();
    tera::Value::from(map)
}

/// A [`Views::id`] no views of this process had before.
fn new_id() -> u64 {
    static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Values shared by every page of one build.
pub struct Views {
    /// `site`, made once and shared by every page.
    pub(super) site: tera::Value,
    /// `taxonomies`, the same on every page.
    pub(super) taxonomies: tera::Value,
    /// `omit` in every card ([`omit_marks`]).
    omit: tera::Value,
    /// Each article's card: [`CARD_TEMPLATE`] rendered with its item, `root` being
    /// [`ROOT_MARK`], and `omit` the marks of its parts ([`omit_marks`]).
    pub(super) cards: Vec<Card>,
    /// What every page sees (config, templates, `site`), hashed.
    /// `data`: the site's data files by name.
    pub(super) data: tera::Value,
    pub(super) site_hash: u64,
    /// Each item, hashed.
    pub(super) item_hashes: Vec<u64>,
    /// Each list entry, hashed.
    pub(super) entry_hashes: Vec<u64>,
    /// Each article's [`LIST_FIELDS`] ([`super::cards::list_values`]).
    pub(super) list_values: Vec<[tera::Value; 4]>,
    /// A session's list entries of each article, made when a list first shows them:
    /// as lists without a part left out show them, and as editions do
    /// ([`DAY_PART`]). Empty in a one-off build, which makes each anew rather than
    /// hold them all (10 MB at 10,000 articles) for a few lists each.
    pub(super) entries: Vec<[std::sync::OnceLock<tera::Value>; 2]>,
    /// Each term's link as items show it, by taxonomy: made once, cloned by every
    /// item ([`ItemLink`]).
    pub(super) term_values: Vec<Vec<tera::Value>>,
    /// Each term's name, hashed, by taxonomy.
    pub(super) name_hashes: Vec<Vec<u64>>,
    /// Each article's page's view of its terms and preview, hashed
    /// ([`super::preview::article_hash`]).
    pub(super) article_hashes: Vec<u64>,
    /// What the search index's `search/d/` shows of each article, hashed
    /// ([`super::search::doc_hash`]).
    pub(super) doc_hashes: Vec<u64>,
    /// The preview every page but an article's has (`page.preview`), hashed.
    pub(super) preview_hash: u64,
    /// A one-off build's article bodies, taken from the site so that each can be
    /// freed once its page is written ([`Views::adopt_bodies`]); empty when the site
    /// keeps its own (`serve`).
    bodies: Adopted,
    /// Whether items and cards are hashed and cached, for the next build of a
    /// session; a one-off build has no next.
    hashing: bool,
    /// How many cards [`Views::new`] rendered (the others it took from a cache).
    pub cards_rendered: usize,
    /// These views among all a process makes, new each time they are made or
    /// refreshed: what an edition's value, kept by a thread for its next file, is
    /// made for ([`super::editions::edition`]).
    pub(super) id: u64,
}

fn item<'a>(
    values: &'a [Vec<tera::Value>],
    site: &'a Site,
    article: &'a Article,
) -> ArticleItem<'a> {
    let sources = source_links(site, article);
    let [_, url, date, datetime] = list_fields(article);
    ArticleItem {
        title: &article.front.title,
        slug: &article.slug,
        permalink: site.config.permalink(&url),
        url,
        date,
        datetime,
        source: sources[0].clone(),
        sources,
        actors: item_links(values, site, article, TaxonomyKind::Actors),
        authors: item_links(values, site, article, TaxonomyKind::Authors),
        tags: item_links(values, site, article, TaxonomyKind::Tags),
        story: item_links(values, site, article, TaxonomyKind::Stories)
            .into_iter()
            .next(),
        summary: &article.summary,
        draft: article.front.draft,
        expires: article.front.expires.map(|e| e.as_written()),
        image: article
            .image
            .as_ref()
            .map(|i| super::preview::image_view(i, &site.config.images.widths)),
        updated: (article.modified().at > article.front.date.at)
            .then(|| article.modified().as_written()),
        updated_zone: (article.modified().at > article.front.date.at)
            .then(|| article.modified().zone_label(site.config.timezone))
            .flatten(),
        status: article.status.name(),
        word_count: article.word_count,
        reading_minutes: article.word_count.div_ceil(220).max(1),
        notes: &article.notes,
    }
}

/// `omit` in a card: the marks to write around a part of it that one kind of list
/// leaves out, `{{ omit.open }}` key `{{ omit.body }}` part `{{ omit.close }}` (see
/// [`PART_OPEN`]). The key is [`DAY_PART`] or a term's URL, which the template has.
fn omit_marks() -> tera::Value {
    let mut marks = tera::Map::with_capacity(3);
    for (key, mark) in [
        ("body", PART_BODY),
        ("close", PART_CLOSE),
        ("open", PART_OPEN),
    ] {
        marks.insert(key.into(), tera::Value::from(mark.to_string()));
    }
    tera::Value::from(marks)
}

impl Views {
    /// Serialises the shared values, every article's item in parallel, and renders
    /// each article's card (taking those in `cache` that are still right). Returns
    /// the views, the cards as a cache for the next build, and card render errors.
    /// Without `cache` (a one-off build, which has no next), no cache is made: at
    /// 100,000 articles keying and keeping every card took 0.1 s for nothing.
    pub fn new(
        site: &Site,
        templates: &Templates,
        cache: Option<&ViewCache>,
        kept: Option<&dyn KeptCards>,
        hashing: bool,
    ) -> (Views, ViewCache, Vec<Diagnostic>) {
        let base = templates.fingerprint;
        let config: &Config = &site.config;
        let site_view = SiteView {
            title: &config.title,
            description: config.description.as_deref(),
            language: &config.language,
            base_url: &config.base_url,
            extra: &config.extra,
            latest: site
                .articles
                .first()
                .map(|a| a.front.date.day().to_string()),
            generator: format!("briefing {}", env!("CARGO_PKG_VERSION")),
            feeds: super::feeds::links(config),
        };
        let site_value = serde_json::to_value(site_view).expect("views serialise");
        let mut h = fingerprint::hasher();
        base.hash(&mut h);
        format!("{config:?}").hash(&mut h);
        fingerprint::json(&mut h, &site_value);
        // Profiles show on term pages and in structured data: few, and rarely edited.
        for p in &site.profiles {
            (&p.text, &p.html, p.kind).hash(&mut h);
        }
        // The navigation lists the taxonomies the site has.
        let listed = site.listed_taxonomies();
        listed.hash(&mut h);
        // Data files are every template's (`data.<name>`).
        fingerprint::json(&mut h, &site.data);
        let site_hash = h.finish();
        let name_hashes: Vec<Vec<u64>> = TaxonomyKind::ALL
            .iter()
            .map(|&k| {
                site.taxonomy(k)
                    .terms
                    .iter()
                    .map(|t| fingerprint::of(&t.name))
                    .collect()
            })
            .collect();
        let mut views = Views {
            site: from_json(site_value),
            data: match &site.data {
                serde_json::Value::Null => from_json(json!({})),
                data => from_json(data.clone()),
            },
            taxonomies: from_json(json!(listed
                .into_iter()
                .map(super::values::taxonomy_view)
                .collect::<Vec<_>>())),
            omit: omit_marks(),
            cards: Vec::new(),
            site_hash,
            item_hashes: Vec::new(),
            entry_hashes: Vec::new(),
            list_values: site
                .articles
                .par_iter()
                .map(super::cards::list_values)
                .collect(),
            // A session's views are given its cache of cards.
            entries: if cache.is_some() {
                site.articles.iter().map(|_| Default::default()).collect()
            } else {
                Vec::new()
            },
            term_values: term_values(site),
            name_hashes,
            article_hashes: Vec::new(),
            doc_hashes: Vec::new(),
            preview_hash: 0,
            bodies: Adopted::default(),
            hashing,
            cards_rendered: 0,
            id: new_id(),
        };
        let rendered = std::sync::atomic::AtomicUsize::new(0);
        let make = |a: &Article| {
            rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            views.make(site, templates, a)
        };
        let made: Vec<(Option<u64>, Result<Cached, Diagnostic>)> = site
            .articles
            .par_iter()
            .map(|a| {
                let cache = cache.filter(|_| hashing);
                let key = cache.map(|_| views.key(site, a));
                if let Some(cached) = key.and_then(|k| cache?.entries.get(&k)) {
                    return (key, Ok(cached.clone()));
                }
                let Some(kept) = kept.filter(|_| hashing) else {
                    return (key, make(a));
                };
                let lasting = views.lasting_key(site, a);
                if let Some((hashes, html)) = kept.take(lasting) {
                    // A session keeps its cards in memory: read now, and one that
                    // cannot be is rendered.
                    let card = match cache {
                        None => Some(Card::Kept(html)),
                        Some(_) => html.0().ok().map(|html| Card::Here(Arc::from(html))),
                    };
                    if let Some(card) = card {
                        let cached = Cached {
                            hash: hashes.hash,
                            card,
                            entry_hash: hashes.entry_hash,
                        };
                        return (key, Ok(cached));
                    }
                }
                let made = make(a);
                if let Ok(cached) = &made {
                    if let Card::Here(html) = &cached.card {
                        kept.keep(lasting, &KeptCard::from(cached), html);
                    }
                }
                (key, made)
            })
            .collect();
        views.cards_rendered = rendered.into_inner();
        let mut next = ViewCache::default();
        let mut errors = Vec::new();
        for (key, cached) in made {
            let cached = cached.unwrap_or_else(|e| {
                errors.push(e);
                Cached::failed()
            });
            views.cards.push(cached.card.clone());
            views.item_hashes.push(cached.hash);
            views.entry_hashes.push(cached.entry_hash);
            if let Some(key) = key {
                next.entries.insert(key, cached);
            }
        }
        if hashing {
            (views.article_hashes, views.doc_hashes) = (0..site.articles.len())
                .into_par_iter()
                .map(|i| {
                    (
                        super::preview::article_hash(site, i),
                        super::search::doc_hash(site, i),
                    )
                })
                .unzip();
            views.preview_hash =
                fingerprint::json_of(&super::preview::preview(site, PageKind::Home(0)));
        }
        (views, next, errors)
    }

    /// Takes a one-off build's article bodies (each article's, in order: its HTML,
    /// or where an earlier build kept it), so that [`Views::release_body`] can free
    /// each once its page is written (see [`super::adopted`]).
    pub fn adopt_bodies(&mut self, site: &Site, bodies: Vec<(String, Option<KeptHtml>)>) {
        self.bodies = Adopted::new(site, bodies);
    }

    /// Article `i`'s body, from the site or from the adopted bodies, as a Tera
    /// value (one copy).
    pub(super) fn body(&self, site: &Site, i: usize) -> tera::Value {
        self.bodies.body(site, i)
    }

    /// Article `i`'s body for its own page (see [`Adopted::page_body`]).
    pub(super) fn page_body(&self, site: &Site, i: usize) -> tera::Value {
        self.bodies.page_body(site, i)
    }

    /// Frees article `i`'s adopted body once its page is written, unless a feed
    /// shows it too.
    pub fn release_body(&self, i: usize) {
        self.bodies.release(i);
    }

    /// Notes a card kept by an earlier build that a page could not read.
    pub(super) fn kept_problem(&self, problem: Diagnostic) {
        self.bodies.problem(problem);
    }

    /// The bodies and cards kept by an earlier build that the pages rendered so far
    /// could not read: errors of the build.
    pub fn body_problems(&self) -> Vec<Diagnostic> {
        self.bodies.problems()
    }

    /// Makes again the item and card of the articles at `indexes`, after their
    /// bodies changed and nothing else did. Returns card render errors.
    pub fn refresh(
        &mut self,
        site: &Site,
        templates: &Templates,
        cache: &mut ViewCache,
        indexes: &[usize],
    ) -> Vec<Diagnostic> {
        self.id = new_id();
        let mut errors = Vec::new();
        for &i in indexes {
            let a = &site.articles[i];
            let cached = self.make(site, templates, a).unwrap_or_else(|e| {
                errors.push(e);
                Cached::failed()
            });
            self.cards[i] = cached.card.clone();
            self.item_hashes[i] = cached.hash;
            self.entry_hashes[i] = cached.entry_hash;
            self.list_values[i] = super::cards::list_values(a);
            if let Some(kept) = self.entries.get_mut(i) {
                *kept = Default::default();
            }
            if self.hashing {
                self.article_hashes[i] = super::preview::article_hash(site, i);
                self.doc_hashes[i] = super::search::doc_hash(site, i);
            }
            cache.entries.insert(self.key(site, a), cached);
        }
        errors
    }

    /// What an article's item and card are made of: the article (its generation),
    /// the names of the terms it links to (a spelling elsewhere can change which one
    /// is shown), and what every page sees.
    fn key(&self, site: &Site, a: &Article) -> u64 {
        let mut h = fingerprint::hasher();
        (self.site_hash, a.generation).hash(&mut h);
        for kind in TaxonomyKind::ALL {
            let taxonomy = site.taxonomy(kind);
            for slug in a.term_slugs.of(kind) {
                if let Some(i) = taxonomy.index_of_slug(slug) {
                    self.name_hashes[kind as usize][i].hash(&mut h);
                }
            }
        }
        h.finish()
    }

    /// What an article's item and card are made of, from any build of this binary
    /// (its caller salts the key with it): the item itself, and what every page sees
    /// (config, templates, `site`: [`Views::site_hash`]).
    fn lasting_key(&self, site: &Site, a: &Article) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        self.site_hash.hash(&mut h);
        item(&self.term_values, site, a).hash(&mut h);
        h.digest128()
    }

    /// Serialises an article's item and renders its card.
    fn make(&self, site: &Site, templates: &Templates, a: &Article) -> Result<Cached, Diagnostic> {
        let item = item(&self.term_values, site, a);
        let (mut h, mut e) = (fingerprint::hasher(), fingerprint::hasher());
        if self.hashing {
            item.hash(&mut h);
            // The entry's LIST_FIELDS.
            (item.title, &item.url, &item.date, &item.datetime).hash(&mut e);
        }
        let mut context = tera::Context::new();
        // Straight into Tera's values: the item's fields (and its parts') are
        // declared in key order, as every map of a context has them.
        context.insert_value("article", tera::Value::from_serializable(&item));
        context.insert_value("omit", self.omit.clone());
        context.insert_value("root", tera::Value::from(ROOT_MARK.to_string()));
        context.insert_value("site", self.site.clone());
        let page = format!("/articles/{}/ (its card)", a.slug);
        let card = templates.render(CARD_TEMPLATE, &context, &page)?;
        if self.hashing {
            card.hash(&mut e);
        }
        Ok(Cached {
            hash: h.finish(),
            card: Card::Here(Arc::from(card)),
            entry_hash: e.finish(),
        })
    }

    /// Feeds the list entries of articles `ids` into `h`: what a list shows of each.
    pub(super) fn hash_entries(&self, ids: &[usize], h: &mut Fingerprinter) {
        for &i in ids {
            self.entry_hashes[i].hash(h);
        }
    }

    /// One article as a feed entry: its item's fields, its dates in RFC 3339, and
    /// its whole body as `content` when `full_text`.
    pub(super) fn feed_entry(&self, site: &Site, i: usize, full_text: bool) -> tera::Value {
        let a = &site.articles[i];
        let mut fields = vec![
            ("updated", tera::Value::from(a.modified().with_time())),
            ("published", tera::Value::from(a.front.date.with_time())),
        ];
        if full_text {
            fields.push(("content", self.body(site, i)));
        }
        item_with(self, site, a, fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::article::KindCount;
    use crate::render::context::tera_value::sorted;

    /// Regression (found in review): feed entries, made by Tera's serializer, listed
    /// `entry.source` in declaration order where pages list it sorted.
    #[test]
    fn an_item_serialises_with_every_map_sorted() {
        let notes = NoteCounts {
            count: 1,
            kinds: vec![KindCount {
                count: 1,
                kind: "context".into(),
                label: "Context".into(),
            }],
            summary: "1 note".into(),
        };
        // A link the views made, and one they did not: the same value.
        let made = tera::Value::from_serializable(&TermLink {
            name: "N",
            slug: "n",
            url: "tags/n/".into(),
        });
        let link = |value| ItemLink {
            kind: TaxonomyKind::Tags,
            name: "N",
            slug: "n",
            value,
        };
        assert_eq!(
            tera::Value::from_serializable(&link(None)).to_string(),
            made.to_string()
        );
        let source = || SourceLink {
            author: None,
            link: Some("https://example.org/"),
            name: "S",
            published: None,
            slug: "s",
            url: "sources/s/".into(),
        };
        let item = ArticleItem {
            actors: vec![link(Some(&made))],
            authors: vec![link(None)],
            date: "2017-07-06".into(),
            datetime: "2017-07-06".into(),
            draft: false,
            expires: None,
            image: Some(super::super::preview::ImageView {
                alt: "A map",
                bytes: 1,
                caption: Some("C"),
                credit: None,
                height: 1,
                sizes: "100vw".into(),
                srcset: vec![crate::images::variants::Candidate {
                    url: "articles/a/map-480.png".into(),
                    width: 480,
                }],
                mime: "image/png",
                url: "articles/a/map.png",
                webp_srcset: Vec::new(),
                width: 2,
            }),
            notes: &notes,
            permalink: "https://example.org/articles/a/".into(),
            reading_minutes: 1,
            slug: "a",
            source: source(),
            sources: vec![source()],
            status: "published",
            story: None,
            summary: "",
            tags: vec![link(Some(&made))],
            title: "A",
            updated: None,
            updated_zone: None,
            url: "articles/a/".into(),
            word_count: 1,
        };
        let value = tera::Value::from_serializable(&item);
        assert_eq!(value.to_string(), sorted(value.clone()).to_string());
        assert!(
            value
                .to_string()
                .contains(r#""tags": [{"name": "N", "slug": "n", "url": "tags/n/"}]"#),
            "{value}"
        );
    }
}
