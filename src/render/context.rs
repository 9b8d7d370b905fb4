//! What templates see: view values made from the model, kept apart from it.
//!
//! Each article's list-item view ([`ArticleItem`]) is serialised once per build and
//! shared by every list page, so a tag listing 5,000 articles costs 5,000 cheap
//! clones of small values, never any article's HTML. Every URL in a view is relative
//! to the site root (`articles/x/`); templates put the page's `root` (`../../`) in
//! front, so the output works under any path and from the file system.

use super::plan::PageKind;
use crate::config::Config;
use crate::content::article::Article;
use crate::model::fingerprint;
use crate::model::site::{names, Site};
use crate::model::taxonomy::{TaxonomyKind, Term};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::hash::{DefaultHasher, Hash, Hasher};

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

/// Values shared by every page of one build.
pub struct Views {
    site: Value,
    items: Vec<Value>,
    /// What every page sees (config, templates, `site`), hashed.
    site_hash: u64,
    /// Each item, hashed.
    item_hashes: Vec<u64>,
}

fn term_links<'a>(site: &'a Site, article: &'a Article, kind: TaxonomyKind) -> Vec<TermLink<'a>> {
    let taxonomy = site.taxonomy(kind);
    let mut seen: Vec<&str> = Vec::new();
    names(article, kind)
        .into_iter()
        .filter_map(|n| taxonomy.term_for_name(n))
        .filter(|t| {
            let new = !seen.contains(&t.slug.as_str());
            seen.push(&t.slug);
            new
        })
        .map(|t| term_link(kind, t))
        .collect()
}

fn term_link(kind: TaxonomyKind, t: &Term) -> TermLink<'_> {
    TermLink {
        name: &t.name,
        slug: &t.slug,
        url: format!("{}/{}/", kind.key(), t.slug),
    }
}

fn item<'a>(site: &'a Site, article: &'a Article) -> ArticleItem<'a> {
    let source_term = site
        .taxonomy(TaxonomyKind::Sources)
        .term_for_name(&article.front.source.name);
    let (name, slug) = source_term.map_or((article.front.source.name.as_str(), ""), |t| {
        (t.name.as_str(), t.slug.as_str())
    });
    let url = format!("articles/{}/", article.slug);
    ArticleItem {
        title: &article.front.title,
        slug: &article.slug,
        permalink: site.config.permalink(&url),
        url,
        date: article.front.date.day().to_string(),
        datetime: if article.front.date.has_time {
            article.front.date.rfc3339()
        } else {
            article.front.date.day().to_string()
        },
        source: SourceLink {
            name,
            slug,
            url: format!("sources/{slug}/"),
            link: article.front.source.url.as_deref(),
            author: article.front.source.author.as_deref(),
            published: article.front.source.published.map(|d| d.day().to_string()),
        },
        actors: term_links(site, article, TaxonomyKind::Actors),
        tags: term_links(site, article, TaxonomyKind::Tags),
        summary: &article.summary,
        draft: article.front.draft,
        word_count: article.word_count,
        reading_minutes: article.word_count.div_ceil(220).max(1),
    }
}

impl Views {
    /// Serialises the shared values, every article's item in parallel. `base` is a
    /// fingerprint of everything else every page depends on (the templates).
    pub fn new(site: &Site, base: u64) -> Views {
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
        let (items, item_hashes) = site
            .articles
            .par_iter()
            .map(|a| {
                let value = serde_json::to_value(item(site, a)).expect("views serialise");
                let mut h = fingerprint::hasher();
                fingerprint::json(&mut h, &value);
                (value, h.finish())
            })
            .unzip();
        let site = serde_json::to_value(site_view).expect("views serialise");
        let mut h = fingerprint::hasher();
        base.hash(&mut h);
        format!("{config:?}").hash(&mut h);
        fingerprint::json(&mut h, &site);
        Views {
            site,
            items,
            site_hash: h.finish(),
            item_hashes,
        }
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
        match kind {
            // The editions are grouped by each item's `date`, which its hash covers.
            PageKind::Home => self.item_hashes.hash(&mut h),
            PageKind::Article(i) => {
                self.item_hashes[i].hash(&mut h);
                site.articles[i].page_hash.hash(&mut h);
            }
            PageKind::Taxonomy(k) => {
                for t in &site.taxonomy(k).terms {
                    term(&mut h, t);
                }
            }
            PageKind::Term(k, i) => {
                let t = &site.taxonomy(k).terms[i];
                term(&mut h, t);
                for &a in &t.articles {
                    self.item_hashes[a].hash(&mut h);
                }
            }
        }
        h.finish()
    }

    fn items(&self, ids: &[usize]) -> Value {
        Value::Array(ids.iter().map(|&i| self.items[i].clone()).collect())
    }

    /// The whole context of one page.
    pub fn context(&self, site: &Site, kind: PageKind) -> tera::Context {
        let url = kind.url(site);
        let depth = url.matches('/').count();
        let mut ctx = Map::new();
        let title = match kind {
            PageKind::Home => site.config.title.clone(),
            PageKind::Article(i) => site.articles[i].front.title.clone(),
            PageKind::Taxonomy(k) => k.title().to_string(),
            PageKind::Term(k, i) => site.taxonomy(k).terms[i].name.clone(),
        };
        ctx.insert("site".into(), self.site.clone());
        let root = if depth == 0 {
            "./".to_string()
        } else {
            "../".repeat(depth)
        };
        ctx.insert("root".into(), Value::String(root));
        ctx.insert(
            "page".into(),
            json!({ "kind": kind.name(), "url": url, "permalink": site.config.permalink(&url), "title": title }),
        );
        ctx.insert(
            "taxonomies".into(),
            json!(TaxonomyKind::ALL.map(taxonomy_view)),
        );
        match kind {
            PageKind::Home => {
                ctx.insert("editions".into(), self.editions(site));
                ctx.insert("article_count".into(), json!(site.articles.len()));
            }
            PageKind::Article(i) => {
                let a = &site.articles[i];
                let mut article = self.items[i].clone();
                if let Value::Object(map) = &mut article {
                    map.insert("content".into(), Value::String(a.html.clone()));
                    map.insert("key_points".into(), json!(a.front.key_points));
                    map.insert("headings".into(), json!(a.headings));
                    map.insert("extra".into(), a.front.extra.clone());
                }
                ctx.insert("article".into(), article);
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
            PageKind::Term(k, i) => {
                let t = &site.taxonomy(k).terms[i];
                let link = term_link(k, t);
                ctx.insert("taxonomy".into(), taxonomy_view(k));
                ctx.insert("term".into(), json!({ "name": link.name, "slug": link.slug, "url": link.url, "count": t.articles.len() }));
                ctx.insert("articles".into(), self.items(&t.articles));
            }
        }
        tera::Context::from_value(Value::Object(ctx)).expect("a map is a valid context")
    }

    /// Articles grouped by day, newest day first.
    fn editions(&self, site: &Site) -> Value {
        let mut editions: Vec<Value> = Vec::new();
        let mut start = 0;
        for i in 1..=site.articles.len() {
            let day = |j: usize| site.articles[j].front.date.day();
            if i == site.articles.len() || day(i) != day(start) {
                let d = day(start);
                let ids: Vec<usize> = (start..i).collect();
                editions.push(json!({
                    "date": d.to_string(),
                    "label": d.format("%A %-d %B %Y").to_string(),
                    "articles": self.items(&ids),
                }));
                start = i;
            }
        }
        Value::Array(editions)
    }
}

fn taxonomy_view(kind: TaxonomyKind) -> Value {
    json!({ "kind": kind.key(), "title": kind.title(), "singular": kind.singular(), "url": format!("{}/", kind.key()) })
}
