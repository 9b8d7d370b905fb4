//! What templates see: view values made from the model, kept apart from it.
//!
//! Each article's list-item view ([`ArticleItem`]) is serialised once per build and
//! shared by every list page, so a tag listing 5,000 articles costs 5,000 cheap
//! clones of small values, never any article's HTML. Every URL in a view is relative
//! to the site root (`articles/x/`); templates put the page's `root` (`../../`) in
//! front, so the output works under any path and from the file system.

use super::jsonld;
use super::plan::{self, PageKind};
use super::templates::Templates;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::archive::month_name;
use crate::model::article::{Article, NoteCounts};
use crate::model::fingerprint;
use crate::model::site::Site;
use crate::model::taxonomy::{TaxonomyKind, Term};
use crate::text::{CARD_CLOSE, CARD_OPEN, CARD_OPEN_FINDER, ROOT_MARK, ROOT_MARK_FINDER};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

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
}

/// A link to a term, as articles show it.
#[derive(Serialize)]
pub struct TermLink<'a> {
    /// Display name (the most used spelling).
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// Site-relative URL: `actors/vladimir-putin/`.
    pub url: String,
}

/// An article as list pages show it.
#[derive(Serialize)]
pub struct ArticleItem<'a> {
    /// Headline.
    pub title: &'a str,
    /// URL slug.
    pub slug: &'a str,
    /// Site-relative URL: `articles/<slug>/`.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// `YYYY-MM-DD`, in the date's own offset.
    pub date: String,
    /// For `<time datetime>` and the `date` filter: `date` when no time was given,
    /// else RFC 3339.
    pub datetime: String,
    /// The source outlet, with `link` to the original story when given.
    pub source: SourceLink<'a>,
    /// Actors named, as term links.
    pub actors: Vec<TermLink<'a>>,
    /// Tags, as term links.
    pub tags: Vec<TermLink<'a>>,
    /// Plain-text summary.
    pub summary: &'a str,
    /// Whether it is a draft (only built with `--drafts`).
    pub draft: bool,
    /// Words in the body.
    pub word_count: usize,
    /// Minutes to read, at 220 words a minute, at least 1.
    pub reading_minutes: usize,
    /// The notes, counted by kind: `count`, `kinds` (`kind`, `label`, `count`),
    /// `summary` (`3 notes: 2 context, 1 fact-check`).
    pub notes: &'a NoteCounts,
}

/// The source of an article.
#[derive(Serialize)]
pub struct SourceLink<'a> {
    /// Outlet name (most used spelling).
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// Site-relative URL of the source's page.
    pub url: String,
    /// The original story, or null.
    pub link: Option<&'a str>,
    /// The original story's author, or null.
    pub author: Option<&'a str>,
    /// When the outlet published it, `YYYY-MM-DD`, or null.
    pub published: Option<String>,
}

/// A page's `root`: the way from it to the site's top, for relative links.
pub fn root(site: &Site, kind: PageKind) -> String {
    if kind == PageKind::NotFound {
        // Served for any missing URL, at any depth: links from the site's own path.
        return site.config.base_path();
    }
    match kind.url(site).matches('/').count() {
        0 => "./".to_string(),
        depth => "../".repeat(depth),
    }
}

/// The template every article's card is rendered from.
pub const CARD_TEMPLATE: &str = "partials/article_item.html";

/// The fields of an article's item that list pages get beside its card.
pub const LIST_FIELDS: &[&str] = &["title", "url", "date", "datetime"];

/// An article's [`LIST_FIELDS`], in that order, as its item has them.
fn list_fields(a: &Article) -> [String; 4] {
    [
        a.front.title.clone(),
        ["articles/", &a.slug, "/"].concat(),
        crate::model::date::iso_day(a.front.date.day()),
        a.front.date.as_written(),
    ]
}

/// Items and cards of one build, kept by a session so that an update serialises and
/// renders again only those of articles that changed.
#[derive(Default)]
pub struct ViewCache {
    entries: rustc_hash::FxHashMap<u64, Cached>,
}

/// An article's item as its page and its feed entries see it.
fn item_value(site: &Site, a: &Article) -> Value {
    serde_json::to_value(item(site, a)).expect("views serialise")
}

/// One article's card and the hashes of its item and list entry.
#[derive(Clone)]
struct Cached {
    /// The item's hash: what its article page depends on.
    hash: u64,
    card: Arc<str>,
    /// The hash of its list entry (card and [`LIST_FIELDS`]): what list pages depend
    /// on. An edit that changes the item but not the card (a word count the card does
    /// not show) renders no list again.
    entry_hash: u64,
}

impl Cached {
    /// Stands in for an article whose card failed to render (the build fails).
    fn failed() -> Cached {
        Cached {
            hash: 0,
            card: Arc::from(""),
            entry_hash: 0,
        }
    }
}

/// Values shared by every page of one build.
pub struct Views {
    site: Value,
    /// Each article's card: [`CARD_TEMPLATE`] rendered with its item, `root` being
    /// [`ROOT_MARK`].
    cards: Vec<Arc<str>>,
    /// What every page sees (config, templates, `site`), hashed.
    site_hash: u64,
    /// Each item, hashed.
    item_hashes: Vec<u64>,
    /// Each list entry, hashed.
    entry_hashes: Vec<u64>,
    /// Each term's name, hashed, by taxonomy.
    name_hashes: Vec<Vec<u64>>,
    /// A one-off build's article bodies, taken from the site so that each can be
    /// freed once its page is written ([`Views::adopt_bodies`]); empty when the site
    /// keeps its own (`serve`).
    bodies: Vec<Mutex<String>>,
    /// Which of `bodies` a feed shows, and so must outlive the article's page.
    in_feeds: Vec<bool>,
    /// Whether items and cards are hashed and cached, for the next build of a
    /// session; a one-off build has no next.
    hashing: bool,
}

/// The terms an article names in one taxonomy, each once, in the order named.
pub fn terms<'a>(
    site: &'a Site,
    article: &'a Article,
    kind: TaxonomyKind,
) -> impl Iterator<Item = &'a Term> {
    let taxonomy = site.taxonomy(kind);
    let ids: Vec<usize> = article.term_slugs[kind as usize]
        .iter()
        .filter_map(|slug| taxonomy.index_of_slug(slug))
        .collect();
    // `Putin` and `Vladimir Putin` may be one actor: each term once.
    let unique: Vec<usize> = ids
        .iter()
        .enumerate()
        .filter(|(i, id)| !ids[..*i].contains(id))
        .map(|(_, id)| *id)
        .collect();
    unique.into_iter().map(move |i| &taxonomy.terms[i])
}

fn term_links<'a>(site: &'a Site, article: &'a Article, kind: TaxonomyKind) -> Vec<TermLink<'a>> {
    terms(site, article, kind)
        .map(|t| term_link(kind, t))
        .collect()
}

fn term_link(kind: TaxonomyKind, t: &Term) -> TermLink<'_> {
    TermLink {
        name: &t.name,
        slug: &t.slug,
        url: [kind.key(), "/", &t.slug, "/"].concat(),
    }
}

fn item<'a>(site: &'a Site, article: &'a Article) -> ArticleItem<'a> {
    let source_term = terms(site, article, TaxonomyKind::Sources).next();
    let (name, slug) = source_term.map_or((article.front.source.name.as_str(), ""), |t| {
        (t.name.as_str(), t.slug.as_str())
    });
    let [_, url, date, datetime] = list_fields(article);
    ArticleItem {
        title: &article.front.title,
        slug: &article.slug,
        permalink: site.config.permalink(&url),
        url,
        date,
        datetime,
        source: SourceLink {
            name,
            slug,
            url: ["sources/", slug, "/"].concat(),
            link: article.front.source.url.as_deref(),
            author: article.front.source.author.as_deref(),
            published: article
                .front
                .source
                .published
                .map(|d| crate::model::date::iso_day(d.day())),
        },
        actors: term_links(site, article, TaxonomyKind::Actors),
        tags: term_links(site, article, TaxonomyKind::Tags),
        summary: &article.summary,
        draft: article.front.draft,
        word_count: article.word_count,
        reading_minutes: article.word_count.div_ceil(220).max(1),
        notes: &article.notes,
    }
}

impl Views {
    /// Serialises the shared values, every article's item in parallel, and renders
    /// each article's card (taking those in `cache` that are still right). Returns
    /// the views, the cards as a cache for the next build, and card render errors.
    pub fn new(
        site: &Site,
        templates: &Templates,
        cache: &ViewCache,
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
            site: site_value,
            cards: Vec::new(),
            site_hash,
            item_hashes: Vec::new(),
            entry_hashes: Vec::new(),
            name_hashes,
            bodies: Vec::new(),
            in_feeds: Vec::new(),
            hashing,
        };
        let made: Vec<(Option<u64>, Result<Cached, Diagnostic>)> = site
            .articles
            .par_iter()
            .map(|a| {
                let key = hashing.then(|| views.key(site, a));
                match key.and_then(|k| cache.entries.get(&k)) {
                    Some(cached) => (key, Ok(cached.clone())),
                    None => (key, views.make(site, templates, a)),
                }
            })
            .collect();
        let mut next = ViewCache::default();
        let mut errors = Vec::new();
        for (key, cached) in made {
            let cached = cached.unwrap_or_else(|e| {
                errors.push(e);
                Cached::failed()
            });
            views.cards.push(Arc::clone(&cached.card));
            views.item_hashes.push(cached.hash);
            views.entry_hashes.push(cached.entry_hash);
            if let Some(key) = key {
                next.entries.insert(key, cached);
            }
        }
        (views, next, errors)
    }

    /// Takes a one-off build's article bodies (each article's `html`, in order), so
    /// that [`Views::release_body`] can free each once its page is written. At
    /// 100,000 articles they are 650 MB, the largest part of a build's memory.
    pub fn adopt_bodies(&mut self, site: &Site, bodies: Vec<String>) {
        let mut in_feeds = vec![false; bodies.len()];
        let scopes = std::iter::once(None).chain(
            TaxonomyKind::ALL
                .into_iter()
                .flat_map(|k| (0..site.taxonomy(k).terms.len()).map(move |t| Some((k, t)))),
        );
        for scope in scopes {
            for i in feed_ids(site, scope) {
                in_feeds[i] = true;
            }
        }
        self.bodies = bodies.into_iter().map(Mutex::new).collect();
        self.in_feeds = in_feeds;
    }

    /// Article `i`'s body, from the site or from the adopted bodies.
    fn body(&self, site: &Site, i: usize) -> String {
        match self.bodies.get(i) {
            Some(body) => body.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            None => site.articles[i].html.clone(),
        }
    }

    /// Article `i`'s body for its own page. An adopted body no feed shows is taken
    /// rather than copied: a one-off build renders each article's page once, and
    /// nothing else needs the body after it.
    fn page_body(&self, site: &Site, i: usize) -> String {
        match (self.bodies.get(i), self.in_feeds.get(i)) {
            (Some(body), Some(false)) => {
                std::mem::take(&mut *body.lock().unwrap_or_else(|e| e.into_inner()))
            }
            _ => self.body(site, i),
        }
    }

    /// Frees article `i`'s adopted body once its page is written, unless a feed
    /// shows it too.
    pub fn release_body(&self, i: usize) {
        if let (Some(body), Some(false)) = (self.bodies.get(i), self.in_feeds.get(i)) {
            *body.lock().unwrap_or_else(|e| e.into_inner()) = String::new();
        }
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
        let mut errors = Vec::new();
        for &i in indexes {
            let a = &site.articles[i];
            let cached = self.make(site, templates, a).unwrap_or_else(|e| {
                errors.push(e);
                Cached::failed()
            });
            self.cards[i] = Arc::clone(&cached.card);
            self.item_hashes[i] = cached.hash;
            self.entry_hashes[i] = cached.entry_hash;
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
            for slug in &a.term_slugs[kind as usize] {
                if let Some(i) = taxonomy.index_of_slug(slug) {
                    self.name_hashes[kind as usize][i].hash(&mut h);
                }
            }
        }
        h.finish()
    }

    /// Serialises an article's item and renders its card.
    fn make(&self, site: &Site, templates: &Templates, a: &Article) -> Result<Cached, Diagnostic> {
        let value = item_value(site, a);
        let mut h = fingerprint::hasher();
        if self.hashing {
            fingerprint::json(&mut h, &value);
        }
        let context = json!({ "article": value, "root": ROOT_MARK.to_string(), "site": self.site });
        let context = tera::Context::from_value(context).expect("a map is a valid context");
        let page = format!("/articles/{}/ (its card)", a.slug);
        let card = templates.render(CARD_TEMPLATE, &context, &page)?;
        let mut e = fingerprint::hasher();
        if self.hashing {
            // The item goes in and comes back out of the context, not copied. It is
            // not kept: an article's page makes it again, which costs what a copy
            // would.
            let value = match context.into_json() {
                Value::Object(mut map) => map.remove("article").unwrap_or_default(),
                _ => Value::Null,
            };
            card.hash(&mut e);
            for field in LIST_FIELDS {
                fingerprint::json(&mut e, &value.get(field));
            }
        }
        Ok(Cached {
            hash: h.finish(),
            card: Arc::from(card),
            entry_hash: e.finish(),
        })
    }

    /// A hash of every value [`Views::context`] gives `kind`'s template: two builds
    /// giving a page the same fingerprint give it the same bytes. Keep in step with
    /// `context`.
    pub fn fingerprint(&self, site: &Site, kind: PageKind) -> u64 {
        let mut h = fingerprint::hasher();
        self.site_hash.hash(&mut h);
        kind.name().hash(&mut h);
        kind.url(site).hash(&mut h);
        let term = |h: &mut DefaultHasher, t: &Term| {
            t.name.hash(h);
            t.slug.hash(h);
            t.articles.len().hash(h);
        };
        // A list's page: its articles, and how many pages its paginator counts.
        for i in kind.articles(site) {
            self.entry_hashes[i].hash(&mut h);
        }
        kind.pages(site).hash(&mut h);
        match kind {
            // The editions are grouped by each entry's `date`, which its hash covers.
            PageKind::Home(_) | PageKind::Search => {}
            PageKind::Article(i) => {
                self.item_hashes[i].hash(&mut h);
                site.articles[i].page_hash.hash(&mut h);
                for &r in &site.related[i] {
                    self.entry_hashes[r].hash(&mut h);
                }
                // Structured data names the actors and tags with their pages.
                for kind in [TaxonomyKind::Actors, TaxonomyKind::Tags] {
                    for t in terms(site, &site.articles[i], kind) {
                        (&t.name, &t.slug, t.profile).hash(&mut h);
                    }
                }
                for t in mentioned(site, &site.articles[i]) {
                    (&t.name, &t.slug, t.profile).hash(&mut h);
                }
            }
            PageKind::Taxonomy(k) => {
                for t in &site.taxonomy(k).terms {
                    term(&mut h, t);
                }
            }
            PageKind::Term(k, i, _) => {
                let t = &site.taxonomy(k).terms[i];
                term(&mut h, t);
                t.profile.hash(&mut h);
                let actors = site.taxonomy(TaxonomyKind::Actors);
                for &(c, n) in &t.connections {
                    term(&mut h, &actors.terms[c]);
                    n.hash(&mut h);
                }
            }
            // The archive's pages show the years and months around them, with counts.
            PageKind::Archive | PageKind::Year(..) | PageKind::Month(..) => {
                site.archive.hash(&mut h);
            }
            // What `search_index` writes of each article, and no more: a body edit that
            // leaves the summary as it was does not write 5 MB again.
            PageKind::SearchIndex => {
                // Names as shown: which terms (slugs) and what each is called.
                self.name_hashes.hash(&mut h);
                for a in &site.articles {
                    (&a.front.title, &a.slug, a.front.date.day(), &a.summary).hash(&mut h);
                    (&a.term_slugs, &a.front.source.name).hash(&mut h);
                }
            }
            PageKind::Feed(scope) => {
                if let Some((k, i)) = scope {
                    term(&mut h, &site.taxonomy(k).terms[i]);
                }
                for i in feed_ids(site, scope) {
                    (self.item_hashes[i], site.articles[i].page_hash).hash(&mut h);
                }
            }
            PageKind::Sitemap => {
                for p in plan::html_pages(site) {
                    (p.url(site), lastmod(site, p)).hash(&mut h);
                }
            }
            PageKind::Robots | PageKind::NotFound => {}
        }
        h.finish()
    }

    /// The list entries of articles `ids`: each the place of its `card` (the
    /// article's item rendered through [`CARD_TEMPLATE`], written in by
    /// [`Views::splice_cards`]) and the few fields a list needs around it. A list of
    /// 10,000 articles costs 10,000 small values, not 10,000 cards or deep copies.
    fn items(&self, site: &Site, ids: &[usize]) -> Value {
        Value::Array(
            ids.iter()
                .map(|&i| {
                    let mut entry = Map::new();
                    entry.insert(
                        "card".into(),
                        Value::String(format!("{CARD_OPEN}{i}{CARD_CLOSE}")),
                    );
                    let fields = list_fields(&site.articles[i]);
                    for (key, value) in LIST_FIELDS.iter().zip(fields) {
                        entry.insert((*key).into(), Value::String(value));
                    }
                    Value::Object(entry)
                })
                .collect(),
        )
    }

    /// Writes each card in its place in a rendered page (see [`CARD_OPEN`]), with
    /// `root` for its links. A page without cards comes back as it was.
    pub fn splice_cards(&self, page: String, root: &str) -> String {
        if CARD_OPEN_FINDER.find(page.as_bytes()).is_none() {
            return page;
        }
        let mut out = Vec::with_capacity(page.len() * 4);
        self.write_spliced(&page, root, &mut out)
            .expect("writing to memory does not fail");
        String::from_utf8(out).expect("pieces of strings cut at char boundaries")
    }

    /// Writes `page` to `out` with each card in its place (see [`CARD_OPEN`]), with
    /// `root` for its links: a list of 100,000 cards goes to its file without ever
    /// being whole in memory.
    pub fn write_spliced(
        &self,
        page: &str,
        root: &str,
        out: &mut impl std::io::Write,
    ) -> std::io::Result<()> {
        let open = CARD_OPEN.len_utf8();
        let mut from = 0;
        let mut last = 0;
        while let Some(at) = CARD_OPEN_FINDER
            .find(&page.as_bytes()[from..])
            .map(|i| from + i)
        {
            let digits = &page[at + open..];
            let end = digits
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(digits.len());
            let card = digits[..end]
                .parse::<usize>()
                .ok()
                .filter(|_| digits[end..].starts_with(CARD_CLOSE))
                .and_then(|i| self.cards.get(i));
            let Some(card) = card else {
                // Not a place (a template cut it); left as it is.
                from = at + open;
                continue;
            };
            out.write_all(&page.as_bytes()[last..at])?;
            let card = card.as_bytes();
            let mut start = 0;
            for mark in ROOT_MARK_FINDER.find_iter(card) {
                out.write_all(&card[start..mark])?;
                out.write_all(root.as_bytes())?;
                start = mark + ROOT_MARK.len_utf8();
            }
            out.write_all(&card[start..])?;
            last = at + open + end + CARD_CLOSE.len_utf8();
            from = last;
        }
        out.write_all(&page.as_bytes()[last..])
    }

    /// The whole context of one page.
    pub fn context(&self, site: &Site, kind: PageKind) -> tera::Context {
        let url = kind.url(site);
        let mut ctx = Map::new();
        let title = match kind {
            PageKind::Home(_) => site.config.title.clone(),
            PageKind::Article(i) => site.articles[i].front.title.clone(),
            PageKind::Taxonomy(k) => k.title().to_string(),
            PageKind::Term(k, i, _) => site.taxonomy(k).terms[i].name.clone(),
            PageKind::Archive => "Archive".into(),
            PageKind::Year(y, _) => period_label(site, y, None),
            PageKind::Month(y, m, _) => period_label(site, y, Some(m)),
            PageKind::Search | PageKind::SearchIndex => "Search".into(),
            PageKind::Feed(None) => site.config.title.clone(),
            PageKind::Feed(Some((k, i))) => {
                format!("{}: {}", site.config.title, site.taxonomy(k).terms[i].name)
            }
            PageKind::Sitemap => "Sitemap".into(),
            PageKind::Robots => "robots.txt".into(),
            PageKind::NotFound => "Page not found".into(),
        };
        // Each page of a list has a title of its own.
        let title = match kind.number() {
            0 => title,
            n => format!("{title}, page {} of {}", n + 1, kind.pages(site)),
        };
        ctx.insert("site".into(), self.site.clone());
        let root = root(site, kind);
        ctx.insert("root".into(), Value::String(root.clone()));
        ctx.insert(
            "page".into(),
            json!({ "kind": kind.name(), "url": url, "permalink": site.config.permalink(&url), "title": title }),
        );
        ctx.insert(
            "taxonomies".into(),
            json!(TaxonomyKind::ALL.map(taxonomy_view)),
        );
        if kind.listed(site).is_some() {
            ctx.insert("paginator".into(), paginator(site, kind));
        }
        match kind {
            PageKind::Home(_) => {
                ctx.insert("editions".into(), self.editions(site, &kind.articles(site)));
                ctx.insert("article_count".into(), json!(site.articles.len()));
            }
            PageKind::Article(i) => {
                let a = &site.articles[i];
                let mut article = item_value(site, a);
                if let Value::Object(map) = &mut article {
                    map.insert("content".into(), Value::String(self.page_body(site, i)));
                    map.insert("key_points".into(), json!(a.front.key_points));
                    map.insert("headings".into(), json!(a.headings));
                    map.insert("extra".into(), a.front.extra.clone());
                    map.insert("related".into(), self.items(site, &site.related[i]));
                    let mentioned: Vec<Value> = mentioned(site, a)
                        .map(|t| json!(term_link(TaxonomyKind::Actors, t)))
                        .collect();
                    map.insert("mentions".into(), Value::Array(mentioned));
                }
                ctx.insert("article".into(), article);
                ctx.insert("json_ld".into(), Value::String(jsonld::article(site, i)));
            }
            PageKind::Taxonomy(k) => {
                let terms: Vec<Value> = site
                    .taxonomy(k)
                    .terms
                    .iter()
                    .map(|t| {
                        let link = term_link(k, t);
                        json!({ "name": link.name, "slug": link.slug, "url": link.url, "count": t.articles.len() })
                    })
                    .collect();
                ctx.insert("taxonomy".into(), taxonomy_view(k));
                ctx.insert("terms".into(), Value::Array(terms));
            }
            PageKind::Term(k, i, _) => {
                let t = &site.taxonomy(k).terms[i];
                let link = term_link(k, t);
                let actors = site.taxonomy(TaxonomyKind::Actors);
                let connections: Vec<Value> = t
                    .connections
                    .iter()
                    .map(|&(c, count)| {
                        let link = term_link(TaxonomyKind::Actors, &actors.terms[c]);
                        json!({ "name": link.name, "slug": link.slug, "url": link.url, "count": count })
                    })
                    .collect();
                let mut profile = site.profile(k, i).map(profile_view).unwrap_or(Value::Null);
                // Its body's links are written for the term's first page.
                if let (Some(html), true) = (site.profile(k, i), kind.number() > 0) {
                    profile["content"] = Value::String(rebase(&html.html, "../../"));
                }
                ctx.insert("taxonomy".into(), taxonomy_view(k));
                ctx.insert("term".into(), json!({ "name": link.name, "slug": link.slug, "url": link.url, "count": t.articles.len(), "profile": profile, "connections": connections }));
                ctx.insert("articles".into(), self.items(site, &kind.articles(site)));
                ctx.insert("json_ld".into(), Value::String(jsonld::term(site, k, i)));
            }
            PageKind::Archive => {
                let years: Vec<Value> = site
                    .archive
                    .iter()
                    .enumerate()
                    .map(|(y, year)| {
                        let months: Vec<Value> = (0..year.months.len())
                            .map(|m| period_view(site, y, Some(m)))
                            .collect();
                        let mut view = period_view(site, y, None);
                        view["months"] = Value::Array(months);
                        view
                    })
                    .collect();
                ctx.insert("years".into(), Value::Array(years));
                ctx.insert("article_count".into(), json!(site.articles.len()));
            }
            PageKind::Year(y, _) | PageKind::Month(y, _, _) => {
                let month = match kind {
                    PageKind::Month(_, m, _) => Some(m),
                    _ => None,
                };
                let mut period = period_view(site, y, month);
                let (newer, older) = neighbours(site, y, month);
                period["newer"] = newer.map_or(Value::Null, |(y, m)| period_view(site, y, m));
                period["older"] = older.map_or(Value::Null, |(y, m)| period_view(site, y, m));
                if month.is_none() {
                    let months = (0..site.archive[y].months.len())
                        .map(|m| period_view(site, y, Some(m)))
                        .collect();
                    period["months"] = Value::Array(months);
                }
                ctx.insert("period".into(), period);
                ctx.insert("articles".into(), self.items(site, &kind.articles(site)));
            }
            PageKind::Search | PageKind::SearchIndex => {
                ctx.insert("search".into(), json!({ "index": "search.json" }));
            }
            PageKind::Feed(scope) => {
                let ids = feed_ids(site, scope);
                let alternate = site.config.permalink(&url);
                let entries: Vec<Value> = ids.iter().map(|&i| self.feed_entry(site, i)).collect();
                let updated = ids
                    .iter()
                    .map(|&i| site.articles[i].front.date.with_time())
                    .max()
                    .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
                ctx.insert(
                    "feed".into(),
                    json!({
                        "title": title,
                        "id": site.config.permalink(&format!("{url}atom.xml")),
                        "self": site.config.permalink(&format!("{url}atom.xml")),
                        "alternate": alternate,
                        "updated": updated,
                    }),
                );
                ctx.insert("entries".into(), Value::Array(entries));
            }
            PageKind::Sitemap => {
                let pages: Vec<Value> = plan::html_pages(site)
                    .into_iter()
                    .map(|p| {
                        json!({ "loc": site.config.permalink(&p.url(site)), "lastmod": lastmod(site, p) })
                    })
                    .collect();
                ctx.insert("pages".into(), Value::Array(pages));
            }
            PageKind::Robots | PageKind::NotFound => {}
        }
        tera::Context::from_value(Value::Object(ctx)).expect("a map is a valid context")
    }

    /// One article as a feed entry: its item's fields, dates as Atom wants them, and
    /// its whole body.
    fn feed_entry(&self, site: &Site, i: usize) -> Value {
        let a = &site.articles[i];
        let mut entry = item_value(site, a);
        if let Value::Object(map) = &mut entry {
            map.insert("updated".into(), json!(a.front.date.with_time()));
            map.insert("published".into(), json!(a.front.date.with_time()));
            map.insert("content".into(), Value::String(self.body(site, i)));
        }
        entry
    }

    /// Articles `ids` (newest first) grouped by day.
    fn editions(&self, site: &Site, ids: &[usize]) -> Value {
        let day = |i: usize| site.articles[i].front.date.day();
        let editions = ids
            .chunk_by(|&a, &b| day(a) == day(b))
            .map(|run| {
                let d = day(run[0]);
                json!({
                    "date": d.to_string(),
                    "label": d.format("%A %-d %B %Y").to_string(),
                    "articles": self.items(site, run),
                })
            })
            .collect();
        Value::Array(editions)
    }

    /// `search.json`: every article as the search page needs it, in one line.
    /// Summaries are cut at [`SEARCH_SUMMARY`] characters to keep it light.
    pub fn search_index(&self, site: &Site) -> String {
        #[derive(Serialize)]
        struct Entry<'a> {
            title: &'a str,
            url: String,
            date: String,
            summary: std::borrow::Cow<'a, str>,
            actors: Vec<&'a str>,
            tags: Vec<&'a str>,
            source: &'a str,
        }
        fn names<'a>(site: &'a Site, a: &'a Article, k: TaxonomyKind) -> Vec<&'a str> {
            terms(site, a, k).map(|t| t.name.as_str()).collect()
        }
        let articles: Vec<Entry> = site
            .articles
            .iter()
            .map(|a| Entry {
                title: &a.front.title,
                url: format!("articles/{}/", a.slug),
                date: crate::model::date::iso_day(a.front.date.day()),
                summary: shorten(&a.summary, SEARCH_SUMMARY),
                actors: names(site, a, TaxonomyKind::Actors),
                tags: names(site, a, TaxonomyKind::Tags),
                source: terms(site, a, TaxonomyKind::Sources)
                    .next()
                    .map_or(a.front.source.name.as_str(), |t| t.name.as_str()),
            })
            .collect();
        #[derive(Serialize)]
        struct Index<'a> {
            version: u32,
            articles: Vec<Entry<'a>>,
        }
        let index = Index {
            version: 1,
            articles,
        };
        let mut text = serde_json::to_string(&index).expect("the index serialises");
        text.push('\n');
        text
    }
}

/// The articles of a feed: the newest `feed_limit` of the site or of one term.
fn feed_ids(site: &Site, scope: Option<(TaxonomyKind, usize)>) -> Vec<usize> {
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

/// When a page last changed, for the sitemap: the date of the newest article of
/// its list (any page of a list changes when an article is added to it).
fn lastmod(site: &Site, kind: PageKind) -> Option<String> {
    let newest = match kind {
        PageKind::Article(i) => Some(i),
        _ => match kind.listed(site) {
            Some(listed) => listed.first(),
            None if site.articles.is_empty() => None,
            None => Some(0),
        },
    };
    newest.map(|i| site.articles[i].front.date.as_written())
}

/// How long a summary in `search.json` may be, in characters.
pub const SEARCH_SUMMARY: usize = 200;

/// `text` cut to at most `max` characters at a word's end, with `…` when cut.
fn shorten(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text.into(),
        Some((end, next)) => {
            let cut = if next.is_whitespace() {
                end
            } else {
                text[..end].rfind(char::is_whitespace).unwrap_or(end)
            };
            format!("{}…", text[..cut].trim_end()).into()
        }
    }
}

/// How many pages the paginator shows on each side of the current one.
const NEARBY: u32 = 2;

/// The pages (from 0) the paginator lists around page `n` of `total`: [`NEARBY`]
/// each side, widened by one where that one is all an ellipsis would hide (the
/// first and last pages are linked on their own).
pub fn nearby(n: u32, total: u32) -> std::ops::RangeInclusive<u32> {
    let mut low = n.saturating_sub(NEARBY);
    let mut high = (n + NEARBY).min(total.saturating_sub(1));
    if low == 2 {
        low = 1;
    }
    if high + 3 == total {
        high += 1;
    }
    low..=high
}

/// `paginator`: where a page of a list stands. URLs are site-relative, like every
/// URL in a view (the home page's is `""`), so `previous` and `next` are objects.
fn paginator(site: &Site, kind: PageKind) -> Value {
    let total = kind.pages(site);
    let n = kind.number();
    let url = |n: u32| kind.with_number(n).url(site);
    let link = |p: u32| json!({ "number": p + 1, "url": url(p) });
    let nearby: Vec<Value> = nearby(n, total)
        .map(|p| json!({ "number": p + 1, "url": url(p), "current": p == n }))
        .collect();
    json!({
        "number": n + 1,
        "total": total,
        "per_page": site.config.paginate_by,
        "articles": kind.listed(site).map_or(0, |l| l.len()),
        "first": url(0),
        "last": url(total - 1),
        "previous": (n > 0).then(|| link(n - 1)),
        "next": (n + 1 < total).then(|| link(n + 1)),
        "nearby": nearby,
    })
}

/// Relative links in `html` (a profile's body, written for a term's first page) made
/// to work `prefix` deeper (`../../`, from `…/page/2/`).
fn rebase(html: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find([' ', '\n']) {
        let (before, after) = rest.split_at(at + 1);
        out.push_str(before);
        rest = after;
        for attribute in ["href=\"", "src=\""] {
            if let Some(value) = rest.strip_prefix(attribute) {
                out.push_str(attribute);
                rest = value;
                let absolute = value.starts_with(['/', '#'])
                    || value
                        .split(['/', '"', '?', '#'])
                        .next()
                        .is_some_and(|first| first.contains(':'));
                if !absolute {
                    out.push_str(prefix);
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// `2024` or `March 2024`.
fn period_label(site: &Site, y: usize, m: Option<usize>) -> String {
    let year = &site.archive[y];
    match m {
        None => year.year.to_string(),
        Some(m) => format!("{} {}", month_name(year.months[m].month), year.year),
    }
}

/// A year (`m` = `None`) or month of the archive, as templates see it.
fn period_view(site: &Site, y: usize, m: Option<usize>) -> Value {
    let year = &site.archive[y];
    let label = period_label(site, y, m);
    match m {
        None => json!({
            "kind": "year", "year": year.year, "month": null, "label": label,
            "url": year.url(), "count": year.articles.len(),
        }),
        Some(m) => {
            let month = &year.months[m];
            json!({
                "kind": "month", "year": year.year, "month": month.month,
                "name": month_name(month.month), "label": label,
                "url": month.url(year), "count": month.articles.len(),
            })
        }
    }
}

/// The periods of the same kind just newer and just older than a year or month.
type Period = (usize, Option<usize>);
fn neighbours(site: &Site, y: usize, m: Option<usize>) -> (Option<Period>, Option<Period>) {
    match m {
        None => (
            y.checked_sub(1).map(|y| (y, None)),
            (y + 1 < site.archive.len()).then_some((y + 1, None)),
        ),
        Some(m) => {
            let months: Vec<Period> = site
                .archive
                .iter()
                .enumerate()
                .flat_map(|(y, year)| (0..year.months.len()).map(move |m| (y, Some(m))))
                .collect();
            let at = months.iter().position(|&p| p == (y, Some(m))).unwrap_or(0);
            (
                at.checked_sub(1).map(|i| months[i]),
                months.get(at + 1).copied(),
            )
        }
    }
}

/// The actors an article's body links to that its front matter does not name.
pub fn mentioned<'a>(site: &'a Site, a: &'a Article) -> impl Iterator<Item = &'a Term> {
    let actors = site.taxonomy(TaxonomyKind::Actors);
    let named: Vec<&Term> = terms(site, a, TaxonomyKind::Actors).collect();
    a.mentions
        .iter()
        .filter_map(move |slug| actors.index_of_slug(slug).map(|i| &actors.terms[i]))
        .filter(move |t| !named.iter().any(|n| n.slug == t.slug))
}

/// A profile as templates see it.
fn profile_view(p: &crate::model::profile::Profile) -> Value {
    json!({
        "name": p.name,
        "aliases": p.aliases,
        "role": p.role,
        "country": p.country,
        "type": p.schema_type,
        "wikidata": p.wikidata,
        "wikidata_url": p.wikidata_url(),
        "url": p.url,
        "description": p.description,
        "content": p.html,
        "extra": p.extra,
    })
}

fn taxonomy_view(kind: TaxonomyKind) -> Value {
    json!({ "kind": kind.key(), "title": kind.title(), "singular": kind.singular(), "url": format!("{}/", kind.key()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_cut_at_a_word_end() {
        assert_eq!(shorten("short enough", 12), "short enough");
        assert_eq!(shorten("one two three", 9), "one two…");
        assert_eq!(shorten("one two, three", 8), "one two,…");
        // No space to cut at: cut at the limit, on a character boundary.
        assert_eq!(shorten("ééééé", 3), "ééé…");
    }

    #[test]
    fn the_paginator_window_never_hides_a_single_page() {
        let pages = |n, total| nearby(n, total).map(|p| p + 1).collect::<Vec<_>>();
        assert_eq!(pages(0, 1), [1]);
        assert_eq!(pages(0, 13), [1, 2, 3]);
        // Page 5: pages 3–7, and page 2 rather than "1 … 3".
        assert_eq!(pages(4, 13), [2, 3, 4, 5, 6, 7]);
        assert_eq!(pages(5, 13), [4, 5, 6, 7, 8]);
        assert_eq!(pages(8, 13), [7, 8, 9, 10, 11, 12]);
        assert_eq!(pages(12, 13), [11, 12, 13]);
        assert_eq!(pages(2, 5), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn profile_links_are_rebased_but_not_absolute_ones() {
        let html = "<p><a href=\"../../actors/x/\">X</a> <a href=\"https://w.org/\">w</a> \
                    <a href=\"#n\">n</a> <a href=\"/abs/\">a</a> <img src=\"map.svg\" alt=\"\"> \
                    <a href=\"mailto:a@b.org\">m</a></p>";
        assert_eq!(
            rebase(html, "../../"),
            "<p><a href=\"../../../../actors/x/\">X</a> <a href=\"https://w.org/\">w</a> \
             <a href=\"#n\">n</a> <a href=\"/abs/\">a</a> <img src=\"../../map.svg\" alt=\"\"> \
             <a href=\"mailto:a@b.org\">m</a></p>"
        );
    }

    #[test]
    fn page_counts_cover_every_article_and_an_empty_list() {
        assert_eq!(plan::page_count(0, Some(20)), 1);
        assert_eq!(plan::page_count(20, Some(20)), 1);
        assert_eq!(plan::page_count(21, Some(20)), 2);
        assert_eq!(plan::page_count(100_000, None), 1);
    }
}
