//! Which HTML pages the sitemaps list, and how many sitemaps a site needs.

use super::plan::{pages_before_sitemaps, EditionFile, PageKind};
use crate::model::site::Site;

/// The most URLs one sitemap may list, as the sitemaps.org protocol says (search
/// engines ignore the rest).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// How many sitemaps a site's HTML pages need past the first, [`SITEMAP_MAX_URLS`]
/// to each: 0 when `sitemap.xml` holds them all.
pub fn sitemap_parts(site: &Site) -> u32 {
    parts_of(html_pages(site).len(), SITEMAP_MAX_URLS)
}

/// How many parts of at most `max` a list of `len` is cut into: 0 when it fits in one.
pub(super) fn parts_of(len: usize, max: usize) -> u32 {
    match len <= max {
        true => 0,
        false => u32::try_from(len.div_ceil(max)).unwrap_or(u32::MAX),
    }
}

/// The HTML pages that sitemap `kind` lists: every one for `Sitemap(0)`, the `n`th
/// [`SITEMAP_MAX_URLS`] for `Sitemap(n)`.
pub fn sitemap_pages(site: &Site, kind: PageKind) -> Vec<PageKind> {
    let all = html_pages(site);
    match kind {
        PageKind::Sitemap(n) if n > 0 => all
            .chunks(SITEMAP_MAX_URLS)
            .nth(n as usize - 1)
            .map(<[PageKind]>::to_vec)
            .unwrap_or_default(),
        _ => all,
    }
}

/// Every HTML page a reader can reach, every page of each list, in the plan's order,
/// for the sitemap: the plan's pages less the not-found page and the files that are
/// not HTML.
pub fn html_pages(site: &Site) -> Vec<PageKind> {
    pages_before_sitemaps(site)
        .into_iter()
        .filter(|k| {
            !matches!(
                k,
                PageKind::Feed(..)
                    | PageKind::CorrectionsFeed(_)
                    | PageKind::SearchIndex(_)
                    | PageKind::Alias(..)
                    | PageKind::WithdrawnAlias(..)
                    | PageKind::Withdrawn(_)
                    | PageKind::Redirects
                    // Email files are for mail services, not readers' browsers.
                    | PageKind::Edition(_, EditionFile::Html | EditionFile::Text | EditionFile::Message)
                    // It says noindex: a sitemap listing it is a contradiction search
                    // engines report.
                    | PageKind::Search
            )
        })
        .flat_map(|k| (0..k.pages(site)).map(move |n| k.with_number(n)))
        .collect()
}

/// The most articles a news sitemap may list (Google's limit).
pub const NEWS_MOST: usize = 1_000;

/// The first time after `now` at which [`news_articles`] would list other articles:
/// an article's time coming, or 48 hours after it passing.
pub fn news_changes_at(
    site: &Site,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    site.articles
        .iter()
        .flat_map(|a| {
            let at = a.front.date.at;
            [at, at + chrono::Duration::hours(48)]
        })
        .filter(|&t| t > now)
        .min()
}

/// The articles Google's news sitemap lists: those of the 48 hours before the build's
/// *now* (none after it, which `--future` builds), newest first, at most
/// [`NEWS_MOST`]. None without a *now*.
pub fn news_articles(site: &Site) -> Vec<usize> {
    let Some(now) = site.now else {
        return Vec::new();
    };
    let since = now - chrono::Duration::hours(48);
    let mut ids: Vec<usize> = (0..site.articles.len())
        .filter(|&i| {
            let at = site.articles[i].front.date.at;
            at > since && at <= now
        })
        .collect();
    ids.sort_by_key(|&i| std::cmp::Reverse(site.articles[i].front.date.at));
    ids.truncate(NEWS_MOST);
    ids
}
