//! What a page is made from: one description that both its context and its
//! fingerprint read, so the two cannot drift.
//!
//! A page is a list of [`Part`]s ([`parts`]), each named in the model's terms (an
//! article, a term, a list of articles, the archive). Each part knows the values it
//! gives the template ([`Part::insert`]) and, right beside them, what those values
//! are made of ([`Part::hash`]): a page's context is its parts' values, its
//! fingerprint its parts' hashes. The two are side by side, one `match` each over
//! the same parts, so a value added without its inputs is a bug in one file, and the
//! compiler asks for both when a part is added.
//! The incremental-equals-full tests guard the pairs.

use super::tera_value::from_json;
use super::values::{
    last_change, lastmod, mentioned, neighbours, paginator, period_label, period_view,
    profile_view, rebase, taxonomy_view,
};
use super::views::{item_with, term_link, Views};
use crate::config::FeedFormat;
use crate::model::fingerprint::Fingerprinter;
use crate::model::site::Site;
use crate::model::taxonomy::{TaxonomyKind, Term};
use crate::render::jsonld;
use crate::render::plan::{self, PageKind};
use serde_json::{json, Value};
use std::hash::Hash;

/// One piece of what a page's template is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `site`, `root`, `page` (kind, URL, permalink, title) and `taxonomies`: what
    /// every page sees.
    Common,
    /// `paginator`: where a page of a list stands among its pages.
    Paginator,
    /// `editions` and `article_count`: the home page's articles, grouped by day.
    Editions,
    /// `article` (its item, body, key points, headings, extra, related briefings and
    /// the actors it mentions) and `json_ld`.
    Article(usize),
    /// `taxonomy` and `terms`: every term of a taxonomy, with its count.
    Terms(TaxonomyKind),
    /// `taxonomy`, `term` (its profile and connections), its `articles` and `json_ld`.
    Term(TaxonomyKind, usize),
    /// `years` and `article_count`: the whole archive.
    Archive,
    /// `period` (a year or a month, its neighbours) and its `articles`.
    Period(usize, Option<usize>),
    /// `search`: where the search index is.
    Search,
    /// `feed` and `entries`: the newest articles of the site or of one term, for
    /// a feed in one format (see [`super::feeds`]).
    Feed(super::feeds::Scope, FeedFormat),
    /// `pages`: the HTML pages of sitemap `n` (see [`PageKind::Sitemap`]) with their
    /// last change.
    Sitemap(u32),
    /// `sitemaps`: each sitemap of the site, with its pages' last change.
    SitemapIndex,
    /// `corrections`: every correction, newest first, each with its article.
    Corrections,
    /// `feed` and `entries`: the newest corrections, each an entry linking to it.
    CorrectionsFeed(FeedFormat),
    /// `redirect` (`to`, the article's absolute URL, and its `title`): a page at an
    /// old URL of article `i`.
    Redirect(usize),
    /// The same for withdrawn article `i`, leading to its notice.
    WithdrawnRedirect(usize),
    /// Not a template's: every alias and the site's own `_redirects` lines.
    RedirectRules,
    /// `article` (`title`, `date`, `datetime`, `url`, `withdrawn` with `date` and
    /// `reason` as HTML): the notice of an article taken down.
    Withdrawn(usize),
    /// `publication` (`name`, `language`) and `articles` (each `loc`, `title`,
    /// `published`): Google's news sitemap.
    NewsSitemap,
    /// `edition`: one day's articles with their key points and summaries (its page
    /// and its email).
    Edition(usize),
    /// `months`: the editions of a page of `/editions/`, by month.
    EditionsIndex,
    /// Not a template's: one file of the search index, whose content hash it is (see
    /// `super::search`), so an edit rewrites only the files it changed.
    SearchIndex(plan::SearchFile),
}

/// The parts of a page of `kind`, in the order its context is made.
pub fn parts(site: &Site, kind: PageKind) -> Vec<Part> {
    // Data made in code, from the index alone: neither the theme nor site.toml
    // shows in it, so an edit of either rewrites none of its files.
    if let PageKind::SearchIndex(file) = kind {
        return vec![Part::SearchIndex(file)];
    }
    let mut parts = vec![Part::Common];
    if kind.listed(site).is_some() || matches!(kind, PageKind::EditionsIndex(_)) {
        parts.push(Part::Paginator);
    }
    parts.extend(match kind {
        PageKind::Home(_) => Some(Part::Editions),
        PageKind::Article(i) => Some(Part::Article(i)),
        PageKind::Taxonomy(k) => Some(Part::Terms(k)),
        PageKind::Term(k, i, _) => Some(Part::Term(k, i)),
        PageKind::Archive => Some(Part::Archive),
        PageKind::Year(y, _) => Some(Part::Period(y, None)),
        PageKind::Month(y, m, _) => Some(Part::Period(y, Some(m))),
        PageKind::Search => Some(Part::Search),
        PageKind::SearchIndex(file) => Some(Part::SearchIndex(file)),
        PageKind::Feed(scope, format) => Some(Part::Feed(scope, format)),
        PageKind::Sitemap(n) => Some(Part::Sitemap(n)),
        PageKind::SitemapIndex => Some(Part::SitemapIndex),
        PageKind::Corrections => Some(Part::Corrections),
        PageKind::Alias(i, _) => Some(Part::Redirect(i)),
        PageKind::Withdrawn(i) => Some(Part::Withdrawn(i)),
        PageKind::WithdrawnAlias(i, _) => Some(Part::WithdrawnRedirect(i)),
        PageKind::Redirects => Some(Part::RedirectRules),
        PageKind::CorrectionsFeed(format) => Some(Part::CorrectionsFeed(format)),
        PageKind::NewsSitemap => Some(Part::NewsSitemap),
        PageKind::Edition(d, _) => Some(Part::Edition(d)),
        PageKind::EditionsIndex(_) => Some(Part::EditionsIndex),
        PageKind::Robots | PageKind::NotFound => None,
    });
    parts
}

/// A page's title: the headline, the term, the period; `, page 2 of 5` on the later
/// pages of a list.
pub fn title(site: &Site, kind: PageKind) -> String {
    let title = match kind {
        PageKind::Home(_) => site.config.title.clone(),
        PageKind::Article(i) => site.articles[i].front.title.clone(),
        PageKind::Taxonomy(k) => k.title().to_string(),
        PageKind::Term(k, i, _) => site.taxonomy(k).terms[i].name.clone(),
        PageKind::Archive => "Archive".into(),
        PageKind::Year(y, _) => period_label(site, y, None),
        PageKind::Month(y, m, _) => period_label(site, y, Some(m)),
        PageKind::Search | PageKind::SearchIndex(_) => "Search".into(),
        PageKind::Feed(None, _) => site.config.title.clone(),
        PageKind::Feed(Some((k, i)), _) => {
            format!("{}: {}", site.config.title, site.taxonomy(k).terms[i].name)
        }
        PageKind::Sitemap(_) | PageKind::SitemapIndex => "Sitemap".into(),
        PageKind::Corrections => "Corrections".into(),
        PageKind::Alias(i, _) => site.articles[i].front.title.clone(),
        PageKind::Withdrawn(i) | PageKind::WithdrawnAlias(i, _) => {
            format!("Withdrawn: {}", site.withdrawn[i].front.title)
        }
        PageKind::Redirects => "_redirects".into(),
        PageKind::CorrectionsFeed(_) => format!("{}: corrections", site.config.title),
        PageKind::NewsSitemap => "News sitemap".into(),
        PageKind::Robots => "robots.txt".into(),
        PageKind::NotFound => "Page not found".into(),
        PageKind::Edition(d, file) => super::editions::title(site, d, file),
        PageKind::EditionsIndex(_) => "Editions".into(),
    };
    match kind.number() {
        0 => title,
        n => format!("{title}, page {} of {}", n + 1, kind.pages(site)),
    }
}

/// The newest article among the pages of sitemap `n`: its last change.
fn sitemap_newest(site: &Site, n: u32) -> Option<usize> {
    plan::sitemap_pages(site, PageKind::Sitemap(n))
        .into_iter()
        .filter_map(|p| super::values::newest(site, p))
        .min()
}

/// The terms of a taxonomy's list page, by index: by slug, but stories by their
/// newest article, newest first (a story's list is read for what moved lately).
fn listed_terms(site: &Site, k: TaxonomyKind) -> Vec<usize> {
    let terms = &site.taxonomy(k).terms;
    let mut order: Vec<usize> = (0..terms.len()).collect();
    if k == TaxonomyKind::Stories {
        // Articles are newest first: the least index is the newest; ties by slug.
        order.sort_by_key(|&t| (terms[t].articles.first().copied(), &terms[t].slug));
    }
    order
}

/// `latest` of a story in the list of stories: its newest article's day; null for
/// other kinds.
fn latest(site: &Site, k: TaxonomyKind, t: &Term) -> Option<String> {
    let newest = t.articles.first().filter(|_| k == TaxonomyKind::Stories)?;
    Some(crate::model::date::iso_day(
        site.articles[*newest].front.date.day(),
    ))
}

/// A term as lists of terms show it: what its hash covers.
fn hash_term(h: &mut Fingerprinter, t: &Term) {
    t.name.hash(h);
    t.slug.hash(h);
    t.articles.len().hash(h);
}

impl Part {
    /// Feeds into `h` everything the values of [`Part::insert`] are made of.
    pub fn hash(self, views: &Views, site: &Site, kind: PageKind, h: &mut Fingerprinter) {
        match self {
            Part::Common => {
                views.site_hash.hash(h);
                kind.name().hash(h);
                match kind {
                    // Its URL is made of its slug, its title is its headline, and its
                    // preview (`page.preview`) is made once a build: nothing is made
                    // for each of 10,000 article pages' fingerprints.
                    PageKind::Article(i) => {
                        let a = &site.articles[i];
                        (&a.slug, &a.front.title).hash(h);
                        views.article_hashes[i].hash(h);
                    }
                    _ => {
                        kind.url(site).hash(h);
                        title(site, kind).hash(h);
                        views.preview_hash.hash(h);
                    }
                }
            }
            Part::Paginator => {
                kind.pages(site).hash(h);
                kind.listed(site).map(|l| l.len()).hash(h);
                site.config.paginate_by.hash(h);
            }
            // The editions are grouped by each entry's `date`, which its hash covers.
            Part::Editions => {
                views.hash_entries(&kind.articles(site), h);
                site.articles.len().hash(h);
            }
            Part::Article(i) => {
                views.item_hashes[i].hash(h);
                site.articles[i].page_hash.hash(h);
                views.hash_entries(&site.related[i], h);
                views.article_hashes[i].hash(h);
                super::story::hash_so_far(site, i, h);
            }
            Part::Terms(k) => {
                for &t in &listed_terms(site, k) {
                    let t = &site.taxonomy(k).terms[t];
                    hash_term(h, t);
                    latest(site, k, t).hash(h);
                }
            }
            Part::Term(k, i) => {
                let t = &site.taxonomy(k).terms[i];
                hash_term(h, t);
                t.profile.hash(h);
                if k == TaxonomyKind::Actors {
                    super::quotes::hash(site, &t.slug, h);
                }
                let actors = site.taxonomy(TaxonomyKind::Actors);
                for &(c, n) in &t.connections {
                    hash_term(h, &actors.terms[c]);
                    n.hash(h);
                }
                views.hash_entries(&kind.articles(site), h);
                if k == TaxonomyKind::Stories {
                    super::story::hash_timeline(site, &kind.articles(site), h);
                }
            }
            // The archive's pages show the years and months around them, with counts.
            Part::Archive | Part::Period(..) => {
                site.archive.hash(h);
                site.articles.len().hash(h);
                views.hash_entries(&kind.articles(site), h);
            }
            Part::Search => {}
            Part::Edition(d) => super::editions::hash_edition(views, site, d, h),
            Part::EditionsIndex => super::editions::hash_months(site, kind, h),
            Part::Feed(scope, format) => {
                super::feeds::hash_articles(views, site, scope, format, h);
            }
            Part::Sitemap(n) => {
                for p in plan::sitemap_pages(site, PageKind::Sitemap(n)) {
                    match p {
                        // As above: an article's URL is made of its slug.
                        PageKind::Article(i) => site.articles[i].slug.hash(h),
                        _ => p.url(site).hash(h),
                    }
                    last_change(site, p).hash(h);
                }
            }
            Part::Redirect(i) => {
                let a = &site.articles[i];
                (&a.slug, &a.front.title).hash(h);
            }
            Part::WithdrawnRedirect(i) => {
                let a = &site.withdrawn[i];
                (&a.slug, &a.front.title).hash(h);
            }
            Part::RedirectRules => {
                crate::render::redirects::file(site).ok().hash(h);
            }
            Part::Withdrawn(i) => {
                let a = &site.withdrawn[i];
                (&a.slug, &a.front.title, a.front.date, &a.front.withdrawn).hash(h);
                a.front.corrections.hash(h);
            }
            Part::Corrections | Part::CorrectionsFeed(_) => {
                let limit = match self {
                    Part::CorrectionsFeed(format) => {
                        format.hash(h);
                        site.config.feed_limit
                    }
                    _ => usize::MAX,
                };
                for &entry in site.corrections.iter().take(limit) {
                    let notice = site.notice(entry);
                    let item = views.item_hashes.get(entry.article).copied();
                    let a = notice.article;
                    (item.unwrap_or_default(), &a.slug, &a.front.title).hash(h);
                    (notice.withdrawn, notice.date, notice.html).hash(h);
                }
            }
            Part::NewsSitemap => {
                for i in crate::render::sitemap::news_articles(site) {
                    let a = &site.articles[i];
                    (&a.slug, &a.front.title, a.front.date).hash(h);
                }
            }
            Part::SitemapIndex => {
                for n in 1..=plan::sitemap_parts(site) {
                    // Its `lastmod` is the newest article's date, which can change
                    // while the article stays the newest.
                    sitemap_newest(site, n)
                        .map(|i| site.articles[i].front.date)
                        .hash(h);
                }
            }
            Part::SearchIndex(file) => super::search::hash(views, site, file, h),
        }
    }

    /// Puts this part's values into a page's context.
    pub fn insert(self, views: &Views, site: &Site, kind: PageKind, ctx: &mut tera::Context) {
        let mut put = |key: &'static str, value: tera::Value| ctx.insert_value(key, value);
        match self {
            Part::Common => {
                let url = kind.url(site);
                put("site", views.site.clone());
                put("data", views.data.clone());
                put("root", tera::Value::from(super::root(site, kind)));
                put(
                    "page",
                    from_json(json!({
                        "kind": kind.name(),
                        "url": url,
                        "permalink": site.config.permalink(&url),
                        "title": title(site, kind),
                        "preview": super::preview::preview(site, kind),
                    })),
                );
                put("taxonomies", views.taxonomies.clone());
            }
            Part::Paginator => put("paginator", from_json(paginator(site, kind))),
            Part::Editions => {
                put("editions", views.editions(site, &kind.articles(site)));
                put("article_count", tera::Value::from(site.articles.len()));
            }
            Part::Article(i) => {
                let a = &site.articles[i];
                let mentioned: Vec<Value> = mentioned(site, a)
                    .map(|t| json!(term_link(TaxonomyKind::Actors, t)))
                    .collect();
                let corrections: Vec<Value> = a
                    .front
                    .corrections
                    .iter()
                    .enumerate()
                    .map(|(n, c)| {
                        json!({
                            "date": c.date.as_written(),
                            "id": format!("correction-{}", n + 1),
                            "text": c.html,
                        })
                    })
                    .collect();
                let fields = vec![
                    ("corrections", from_json(Value::Array(corrections))),
                    ("key_points", from_json(json!(a.front.key_points))),
                    ("headings", from_json(json!(a.headings))),
                    ("extra", from_json(a.front.extra.clone())),
                    ("mentions", from_json(Value::Array(mentioned))),
                    ("content", views.page_body(site, i)),
                    ("related", views.items(&site.related[i], None)),
                    ("story_so_far", super::story::so_far(site, i)),
                ];
                put("article", item_with(views, site, a, fields));
                put("json_ld", tera::Value::from(jsonld::article(site, i)));
            }
            Part::Terms(k) => {
                let terms: Vec<Value> = listed_terms(site, k)
                    .into_iter()
                    .map(|t| {
                        let t = &site.taxonomy(k).terms[t];
                        let link = term_link(k, t);
                        json!({ "name": link.name, "slug": link.slug, "url": link.url, "count": t.articles.len(), "latest": latest(site, k, t) })
                    })
                    .collect();
                put("taxonomy", from_json(taxonomy_view(k)));
                put("terms", from_json(Value::Array(terms)));
            }
            Part::Term(k, i) => {
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
                // Every quote of an actor, on its first page.
                let quotes = match (k, kind.number()) {
                    (TaxonomyKind::Actors, 0) => super::quotes::view(site, &t.slug),
                    _ => Value::Array(Vec::new()),
                };
                put("taxonomy", from_json(taxonomy_view(k)));
                put(
                    "term",
                    from_json(
                        json!({ "name": link.name, "slug": link.slug, "url": link.url, "count": t.articles.len(), "profile": profile, "connections": connections, "quotes": quotes }),
                    ),
                );
                // Its cards leave out the chip of the term whose page it is.
                put(
                    "articles",
                    views.items(&kind.articles(site), Some(&link.url)),
                );
                if k == TaxonomyKind::Stories {
                    put(
                        "timeline",
                        super::story::timeline(site, &kind.articles(site)),
                    );
                }
                put("json_ld", tera::Value::from(jsonld::term(site, k, i)));
            }
            Part::Archive => {
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
                put("years", from_json(Value::Array(years)));
                put("article_count", tera::Value::from(site.articles.len()));
            }
            Part::Period(y, month) => {
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
                put("period", from_json(period));
                put("articles", views.items(&kind.articles(site), None));
            }
            Part::Search => put("search", from_json(json!({ "index": "search.json" }))),
            Part::Edition(d) => put("edition", super::editions::edition(views, site, d)),
            Part::EditionsIndex => put("months", super::editions::months(site, kind)),
            Part::Feed(scope, format) => {
                let (feed, entries) = super::feeds::articles(views, site, kind, scope, format);
                put("feed", feed);
                put("entries", entries);
            }
            Part::NewsSitemap => {
                let config = &site.config;
                // Google takes ISO 639 codes, and `zh-cn` and `zh-tw` as they are.
                let lower = config.language.to_lowercase();
                let language = match lower.as_str() {
                    "zh-cn" | "zh-tw" => lower.clone(),
                    l => l.split(['-', '_']).next().unwrap_or(l).to_string(),
                };
                let articles: Vec<Value> = crate::render::sitemap::news_articles(site)
                    .into_iter()
                    .map(|i| {
                        let a = &site.articles[i];
                        json!({
                            "loc": config.permalink(&format!("articles/{}/", a.slug)),
                            "title": a.front.title,
                            "published": a.front.date.with_time(),
                        })
                    })
                    .collect();
                put(
                    "publication",
                    from_json(json!({ "name": config.title, "language": language })),
                );
                put("articles", from_json(Value::Array(articles)));
            }
            Part::SitemapIndex => {
                let sitemaps: Vec<Value> = (1..=plan::sitemap_parts(site))
                    .map(|n| {
                        let path = PageKind::Sitemap(n).path(site);
                        let lastmod = sitemap_newest(site, n)
                            .map(|i| site.articles[i].front.date.as_written());
                        json!({ "loc": site.config.permalink(&path), "lastmod": lastmod })
                    })
                    .collect();
                put("sitemaps", from_json(Value::Array(sitemaps)));
            }
            Part::Sitemap(n) => {
                // Each entry made for Tera as it comes: 110,000 pages of JSON held
                // beside their Tera values were a sitemap's peak memory.
                let pages: Vec<tera::Value> = plan::sitemap_pages(site, PageKind::Sitemap(n))
                    .into_iter()
                    .map(|p| {
                        from_json(json!({ "loc": site.config.permalink(&p.url(site)), "lastmod": lastmod(site, p) }))
                    })
                    .collect();
                put("pages", tera::Value::from(pages));
            }
            Part::Corrections => {
                let log: Vec<Value> = site
                    .corrections
                    .iter()
                    .map(|&entry| {
                        let notice = site.notice(entry);
                        let a = notice.article;
                        json!({
                            "kind": if notice.withdrawn { "withdrawal" } else { "correction" },
                            "date": notice.date.as_written(),
                            "text": notice.html,
                            "url": notice.url,
                            "article": {
                                "title": a.front.title,
                                "url": format!("articles/{}/", a.slug),
                                "date": a.front.date.as_written(),
                            },
                        })
                    })
                    .collect();
                put("corrections", from_json(Value::Array(log)));
            }
            Part::CorrectionsFeed(format) => {
                let (feed, entries) = super::feeds::corrections(views, site, kind, format);
                put("feed", feed);
                put("entries", entries);
            }
            Part::Redirect(i) | Part::WithdrawnRedirect(i) => {
                let a = match self {
                    Part::Redirect(_) => &site.articles[i],
                    _ => &site.withdrawn[i],
                };
                put(
                    "redirect",
                    from_json(json!({
                        "to": site.config.permalink(&format!("articles/{}/", a.slug)),
                        "title": a.front.title,
                    })),
                );
            }
            Part::Withdrawn(i) => {
                let a = &site.withdrawn[i];
                let w = a.front.withdrawn.as_ref();
                put(
                    "article",
                    from_json(json!({
                        "title": a.front.title,
                        "date": crate::model::date::iso_day(a.front.date.day()),
                        "datetime": a.front.date.as_written(),
                        "url": format!("articles/{}/", a.slug),
                        "withdrawn": w.map(|w| json!({
                            "date": w.date.as_written(),
                            "reason": w.html,
                        })),
                        "corrections": a.front.corrections.iter().enumerate().map(|(n, c)| json!({
                            "date": c.date.as_written(),
                            "id": format!("correction-{}", n + 1),
                            "text": c.html,
                        })).collect::<Vec<_>>(),
                    })),
                );
            }
            Part::SearchIndex(_) | Part::RedirectRules => {}
        }
    }
}
