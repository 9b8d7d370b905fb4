//! The smaller values pages show, made from the model: terms and mentions, the
//! sitemap's dates, the paginator, archive periods, profiles.

use crate::model::archive::month_name;
use crate::model::article::Article;
use crate::model::date::Date;
use crate::model::site::Site;
use crate::model::taxonomy::{TaxonomyKind, Term};
use crate::render::plan::PageKind;
use serde_json::{json, Value};

/// A source of an article (fields in alphabetical order, as `ArticleItem`'s).
#[derive(Clone, serde::Serialize, Hash)]
pub struct SourceLink<'a> {
    /// The original story's author, or null.
    pub author: Option<&'a str>,
    /// The original story, or null.
    pub link: Option<&'a str>,
    /// Outlet name (most used spelling).
    pub name: &'a str,
    /// When the outlet published it, `YYYY-MM-DD`, or null.
    pub published: Option<String>,
    /// URL segment.
    pub slug: &'a str,
    /// Site-relative URL of the source's page.
    pub url: String,
}

/// Each source of an article, the primary first, each outlet once (a second story
/// of one outlet is left out, as its term counts the article once). Never empty.
pub fn source_links<'a>(site: &'a Site, article: &'a Article) -> Vec<SourceLink<'a>> {
    let taxonomy = site.taxonomy(TaxonomyKind::Sources);
    let mut slugs = article.term_slugs.of(TaxonomyKind::Sources);
    let mut seen: Vec<&str> = Vec::with_capacity(slugs.len());
    let mut links = Vec::with_capacity(slugs.len());
    for (n, source) in article.front.sources.iter().enumerate() {
        // The slugs are the sources', one each, in order.
        let term = slugs
            .next()
            .and_then(|s| taxonomy.index_of_slug(s))
            .map(|i| &taxonomy.terms[i]);
        let (name, slug) = term.map_or((source.name.as_str(), ""), |t| {
            (t.name.as_str(), t.slug.as_str())
        });
        if n > 0 && seen.contains(&slug) {
            continue;
        }
        seen.push(slug);
        links.push(SourceLink {
            name,
            slug,
            url: ["sources/", slug, "/"].concat(),
            link: source.url.as_deref(),
            author: source.author.as_deref(),
            published: source
                .published
                .map(|d| crate::model::date::iso_day(d.day())),
        });
    }
    links
}

/// The terms an article names in one taxonomy, each once, in the order named.
pub fn terms<'a>(
    site: &'a Site,
    article: &'a Article,
    kind: TaxonomyKind,
) -> impl Iterator<Item = &'a Term> {
    let taxonomy = site.taxonomy(kind);
    term_ids(site, article, kind)
        .into_iter()
        .map(move |i| &taxonomy.terms[i])
}

/// The indexes in their taxonomy of the terms [`terms`] gives.
pub(super) fn term_ids(site: &Site, article: &Article, kind: TaxonomyKind) -> Vec<usize> {
    let taxonomy = site.taxonomy(kind);
    // Looked up when the site was made; an article the site did not make them for (a
    // session's article read again) looks them up here.
    match article.terms.of(site.id(), kind) {
        Some(ids) => ids.iter().map(|&i| i as usize).collect(),
        None => {
            let ids: Vec<usize> = article
                .term_slugs
                .of(kind)
                .filter_map(|slug| taxonomy.index_of_slug(slug))
                .collect();
            // `Putin` and `Vladimir Putin` may be one actor: each term once.
            ids.iter()
                .enumerate()
                .filter(|(i, id)| !ids[..*i].contains(id))
                .map(|(_, id)| *id)
                .collect()
        }
    }
}

/// When a page last changed, for the sitemap: the newest change among what it
/// shows. An article's page changed when it was last updated; a page of a list when
/// its list last gained an article (every page of it shifts) or an article it shows
/// was updated; any other page when the site last gained an article.
pub(super) fn lastmod(site: &Site, kind: PageKind) -> Option<String> {
    last_change(site, kind).map(|date| date.as_written())
}

/// The date [`lastmod`] writes: what a sitemap's fingerprint hashes, for each of
/// its thousands of pages, rather than the text made of it.
pub(super) fn last_change(site: &Site, kind: PageKind) -> Option<Date> {
    if kind == PageKind::Corrections {
        // The newest correction, else the site's newest article.
        if let Some(&entry) = site.corrections.first() {
            return Some(site.notice(entry).date);
        }
    }
    let first = newest(site, kind)?;
    let mut latest = site.articles[first].front.date;
    let shown = match kind {
        PageKind::Article(i) => vec![i],
        PageKind::Edition(d, _) => site.editions[d].articles.clone(),
        _ if kind.listed(site).is_some() => kind.articles(site),
        _ => Vec::new(),
    };
    for i in shown {
        let modified = site.articles[i].modified();
        if modified.at > latest.at {
            latest = modified;
        }
    }
    Some(latest)
}

/// The newest article a page shows (articles are kept newest first): its own for an
/// article's page, the first of its list, the site's newest for any other page.
pub(super) fn newest(site: &Site, kind: PageKind) -> Option<usize> {
    match kind {
        PageKind::Article(i) => Some(i),
        // Weights may put an older article first: the site's newest is the newest.
        PageKind::Home(_) => (!site.articles.is_empty()).then_some(0),
        // An edition's articles are in the home page's order: the newest is the least
        // index.
        PageKind::Edition(d, _) => site.editions[d].articles.iter().min().copied(),
        _ => match kind.listed(site) {
            Some(listed) => listed.first(),
            None if site.articles.is_empty() => None,
            None => Some(0),
        },
    }
}

/// How long a summary in `search.json` may be, in characters.
pub const SEARCH_SUMMARY: usize = 200;

/// How many pages the paginator shows on each side of the current one.
const NEARBY: u32 = 2;

/// The pages (from 0) the paginator lists around page `n` of `total`: `NEARBY`
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
pub(super) fn paginator(site: &Site, kind: PageKind) -> Value {
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
pub(super) fn rebase(html: &str, prefix: &str) -> String {
    crate::paths::map_links(html, |link| {
        let absolute = link.starts_with(['/', '#'])
            || link
                .split(['/', '?', '#'])
                .next()
                .is_some_and(|first| first.contains(':'));
        (!absolute).then(|| [prefix, link].concat())
    })
}

/// `2024` or `March 2024`.
pub(super) fn period_label(site: &Site, y: usize, m: Option<usize>) -> String {
    let year = &site.archive[y];
    match m {
        None => year.year.to_string(),
        Some(m) => format!("{} {}", month_name(year.months[m].month), year.year),
    }
}

/// A year (`m` = `None`) or month of the archive, as templates see it.
pub(super) fn period_view(site: &Site, y: usize, m: Option<usize>) -> Value {
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
pub(super) type Period = (usize, Option<usize>);
pub(super) fn neighbours(
    site: &Site,
    y: usize,
    m: Option<usize>,
) -> (Option<Period>, Option<Period>) {
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
pub(super) fn profile_view(p: &crate::model::profile::Profile) -> Value {
    json!({
        "name": p.name,
        "aliases": p.aliases,
        "role": p.role,
        "country": p.country,
        "role_and_country": p.role_and_country(),
        "type": p.schema_type,
        "wikidata": p.wikidata,
        "wikidata_url": p.wikidata_url(),
        "url": p.url,
        "description": p.description,
        "email": p.email,
        "links": p.links,
        "content": p.html,
        "extra": p.extra,
    })
}

pub(super) fn taxonomy_view(kind: TaxonomyKind) -> Value {
    json!({ "kind": kind.key(), "title": kind.title(), "singular": kind.singular(), "url": format!("{}/", kind.key()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::plan;

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
