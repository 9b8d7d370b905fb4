//! The render plan: the site model → the list of every file the output will hold.
//!
//! Pure and cheap: no template runs here. Each entry says what produces one output
//! path (a page of some kind, a copied file, a theme file), so a build renders the
//! plan in parallel and a rebuild can render any single entry again. Two things that
//! would write one path are caught here, whatever they are.

use crate::config::FeedFormat;
use crate::diagnostics::Diagnostic;
use crate::model::site::Site;
use crate::model::taxonomy::TaxonomyKind;
use crate::render::templates::THEME_STATIC;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::PathBuf;

mod listed;
mod origin;
pub mod search;
pub use listed::{page_count, Listed};
use origin::origin;
pub use search::SearchFile;

pub use super::sitemap::{html_pages, sitemap_pages, sitemap_parts, SITEMAP_MAX_URLS};

/// A page the site has. A list that `paginate_by` splits carries its page's
/// number, counted from 0: page 0 is at the list's own URL, page `n` at
/// `…/page/<n+1>/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    /// The front page: newest articles grouped by day.
    Home(u32),
    /// One article, by index into `Site::articles`.
    Article(usize),
    /// A taxonomy's list of terms.
    Taxonomy(TaxonomyKind),
    /// One term's page, by index into its taxonomy's terms.
    Term(TaxonomyKind, usize, u32),
    /// The archive's index: every year and month, with counts.
    Archive,
    /// One year of the archive, by index into `Site::archive`.
    Year(usize, u32),
    /// One month of the archive: year index, month index in that year.
    Month(usize, usize, u32),
    /// The search page.
    Search,
    /// A file of what the search page searches: `search.json` and the files it
    /// names (see [`SearchFile`]).
    SearchIndex(SearchFile),
    /// A feed, in one of `[feeds] formats`: the site's (`None`), or one term's.
    Feed(Option<(TaxonomyKind, usize)>, FeedFormat),
    /// A sitemap of the site's HTML pages: `Sitemap(0)` is `sitemap.xml` with them
    /// all; a site of more than [`SITEMAP_MAX_URLS`] has `SitemapIndex` there instead,
    /// and its pages in `Sitemap(1)` (`sitemap-1.xml`), `Sitemap(2)` and so on.
    Sitemap(u32),
    /// `sitemap.xml` as an index of the site's sitemaps, when one cannot hold every
    /// page.
    SitemapIndex,
    /// A page at an old URL of an article (`aliases:`), sending readers on: the
    /// article's index, the alias's.
    Alias(usize, usize),
    /// The notice at the URL of an article taken down, by index into
    /// `Site::withdrawn`.
    Withdrawn(usize),
    /// A page at an old URL of an article taken down, sending readers to its notice:
    /// the index into `Site::withdrawn`, the alias's.
    WithdrawnAlias(usize, usize),
    /// `_redirects`: every alias as a rule for hosts that read it (Netlify,
    /// Cloudflare Pages), after the lines of the site's own `static/_redirects`.
    Redirects,
    /// `/corrections/`: every correction of the site, newest first.
    Corrections,
    /// `/corrections/atom.xml` (and the other formats'): the corrections as a feed.
    CorrectionsFeed(FeedFormat),
    /// `news-sitemap.xml`: Google's news sitemap, the articles of the 48 hours
    /// before the build's *now*.
    NewsSitemap,
    /// A file of a day's edition, by index into `Site::editions`.
    Edition(usize, EditionFile),
    /// `/editions/`: every edition, newest first, [`EDITIONS_PER_PAGE`] to a page.
    EditionsIndex(u32),
    /// `robots.txt`.
    Robots,
    /// `404.html`.
    NotFound,
}

/// The files of a day's edition, in its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EditionFile {
    /// `index.html`: the edition's page.
    Page,
    /// `email.html`: the edition as an HTML email.
    Html,
    /// `email.txt`: the edition as a plain-text email.
    Text,
    /// `edition.eml`: the message of both, ready for `sendmail -t`.
    Message,
}

impl EditionFile {
    /// The file's name in the edition's folder.
    pub fn file(self) -> &'static str {
        match self {
            EditionFile::Page => "index.html",
            EditionFile::Html => "email.html",
            EditionFile::Text => "email.txt",
            EditionFile::Message => "edition.eml",
        }
    }
}

/// How many editions each page of `/editions/` lists: about two months of days.
pub const EDITIONS_PER_PAGE: usize = 60;

impl PageKind {
    /// The URL of the list the page belongs to (its first page's), relative to the
    /// site root, as a folder: `articles/x/` (`""` for home).
    pub fn list_url(self, site: &Site) -> String {
        match self {
            PageKind::Home(_) => String::new(),
            PageKind::Article(i) => format!("articles/{}/", site.articles[i].slug),
            PageKind::Taxonomy(kind) => format!("{}/", kind.key()),
            PageKind::Term(kind, i, _) | PageKind::Feed(Some((kind, i)), _) => {
                format!("{}/{}/", kind.key(), site.taxonomy(kind).terms[i].slug)
            }
            PageKind::Archive => "archive/".into(),
            PageKind::Year(y, _) => site.archive[y].url(),
            PageKind::Month(y, m, _) => site.archive[y].months[m].url(&site.archive[y]),
            PageKind::Search => "search/".into(),
            PageKind::Corrections | PageKind::CorrectionsFeed(_) => "corrections/".into(),
            PageKind::Alias(i, n) => site.articles[i].front.aliases[n].clone(),
            PageKind::Withdrawn(i) => format!("articles/{}/", site.withdrawn[i].slug),
            PageKind::WithdrawnAlias(i, n) => site.withdrawn[i].front.aliases[n].clone(),
            PageKind::Redirects => String::new(),
            PageKind::Edition(d, _) => site.editions[d].url(),
            PageKind::EditionsIndex(_) => "editions/".into(),
            PageKind::Feed(None, _)
            | PageKind::SearchIndex(_)
            | PageKind::Sitemap(_)
            | PageKind::SitemapIndex
            | PageKind::NewsSitemap
            | PageKind::Robots
            | PageKind::NotFound => String::new(),
        }
    }

    /// The page's number in its list, from 0 (0 for pages that are no list).
    pub fn number(self) -> u32 {
        match self {
            PageKind::Home(n)
            | PageKind::Term(_, _, n)
            | PageKind::Year(_, n)
            | PageKind::Month(_, _, n)
            | PageKind::EditionsIndex(n) => n,
            _ => 0,
        }
    }

    /// The same list's page `n`.
    pub fn with_number(self, n: u32) -> PageKind {
        match self {
            PageKind::Home(_) => PageKind::Home(n),
            PageKind::Term(k, i, _) => PageKind::Term(k, i, n),
            PageKind::Year(y, _) => PageKind::Year(y, n),
            PageKind::Month(y, m, _) => PageKind::Month(y, m, n),
            PageKind::EditionsIndex(_) => PageKind::EditionsIndex(n),
            other => other,
        }
    }

    /// The page's URL relative to the site root, as a folder: `articles/x/` (`""` for
    /// home), `tags/x/page/2/` for a list's second page.
    pub fn url(self, site: &Site) -> String {
        let list = self.list_url(site);
        match self.number() {
            0 => list,
            n => format!("{list}page/{}/", n + 1),
        }
    }

    /// The output file, relative to the output folder.
    pub fn path(self, site: &Site) -> String {
        let file = match self {
            PageKind::Alias(i, n) => {
                return crate::model::article::alias_file(&site.articles[i].front.aliases[n])
            }
            PageKind::WithdrawnAlias(i, n) => {
                return crate::model::article::alias_file(&site.withdrawn[i].front.aliases[n])
            }
            PageKind::Redirects => "_redirects",
            PageKind::Feed(_, format) | PageKind::CorrectionsFeed(format) => format.file(),
            PageKind::SearchIndex(file) => return file.path(site),
            PageKind::Sitemap(n) if n > 0 => return format!("sitemap-{n}.xml"),
            PageKind::Sitemap(_) | PageKind::SitemapIndex => "sitemap.xml",
            PageKind::NewsSitemap => "news-sitemap.xml",
            PageKind::Robots => "robots.txt",
            PageKind::NotFound => "404.html",
            PageKind::Edition(_, file) => file.file(),
            _ => "index.html",
        };
        format!("{}{file}", self.url(site))
    }

    /// Whether a file of `static/` or `content/` with its path replaces it silently
    /// (a hand-written `robots.txt`, another search), rather than being an error.
    pub fn yields_to_files(self) -> bool {
        matches!(
            self,
            PageKind::Sitemap(_)
                | PageKind::SitemapIndex
                | PageKind::Robots
                | PageKind::NotFound
                | PageKind::Search
                | PageKind::SearchIndex(_)
        )
    }

    /// The template that renders it; `None` for the search index, which is data
    /// made in code.
    pub fn template(self) -> Option<&'static str> {
        Some(match self {
            PageKind::Home(_) => "home.html",
            PageKind::Article(_) => "article.html",
            PageKind::Taxonomy(_) => "taxonomy.html",
            PageKind::Term(TaxonomyKind::Stories, ..) => "story.html",
            PageKind::Term(..) => "term.html",
            PageKind::Archive => "archive.html",
            PageKind::Year(..) | PageKind::Month(..) => "period.html",
            PageKind::Search => "search.html",
            PageKind::SearchIndex(_) => return None,
            PageKind::Feed(_, format) | PageKind::CorrectionsFeed(format) => format.file(),
            PageKind::Corrections => "corrections.html",
            PageKind::Alias(..) | PageKind::WithdrawnAlias(..) => "redirect.html",
            PageKind::Withdrawn(_) => "withdrawn.html",
            PageKind::Redirects => return None,
            PageKind::Edition(_, EditionFile::Page) => "edition.html",
            PageKind::Edition(_, EditionFile::Html) => "email.html",
            PageKind::Edition(_, EditionFile::Text) => "email.txt",
            PageKind::Edition(_, EditionFile::Message) => return None,
            PageKind::EditionsIndex(_) => "editions.html",
            PageKind::Sitemap(_) => "sitemap.xml",
            PageKind::SitemapIndex => "sitemap_index.xml",
            PageKind::NewsSitemap => "news_sitemap.xml",
            PageKind::Robots => "robots.txt",
            PageKind::NotFound => "404.html",
        })
    }

    /// The kind's name in templates (`page.kind`) and in the build summary.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Home(_) => "home",
            PageKind::Article(_) => "article",
            PageKind::Taxonomy(_) => "taxonomy",
            PageKind::Term(TaxonomyKind::Stories, ..) => "story",
            PageKind::Term(..) => "term",
            PageKind::Archive => "archive",
            PageKind::Year(..) => "year",
            PageKind::Month(..) => "month",
            PageKind::Search => "search",
            PageKind::SearchIndex(_) => "search_index",
            PageKind::Feed(..) | PageKind::CorrectionsFeed(_) => "feed",
            PageKind::Corrections => "corrections",
            PageKind::Alias(..) | PageKind::WithdrawnAlias(..) => "redirect",
            PageKind::Withdrawn(_) => "withdrawn",
            PageKind::Redirects => "redirects",
            PageKind::Edition(_, EditionFile::Page) => "edition",
            PageKind::Edition(..) => "email",
            PageKind::EditionsIndex(_) => "editions",
            PageKind::Sitemap(_) => "sitemap",
            PageKind::SitemapIndex => "sitemap_index",
            PageKind::NewsSitemap => "news_sitemap",
            PageKind::Robots => "robots",
            PageKind::NotFound => "not_found",
        }
    }

    /// The articles of the list the page belongs to (all its pages), newest first;
    /// `None` for pages that are no list of articles.
    pub fn listed(self, site: &Site) -> Option<Listed<'_>> {
        Some(match self {
            PageKind::Home(_) if site.home.is_empty() => Listed::Run(0..site.articles.len()),
            PageKind::Home(_) => Listed::Ids(&site.home),
            // A story's page is its timeline: oldest first.
            PageKind::Term(TaxonomyKind::Stories, i, _) => {
                Listed::Oldest(&site.taxonomy(TaxonomyKind::Stories).terms[i].articles)
            }
            PageKind::Term(k, i, _) => Listed::Ids(&site.taxonomy(k).terms[i].articles),
            PageKind::Year(y, _) => Listed::Run(site.archive[y].articles.clone()),
            PageKind::Month(y, m, _) => Listed::Run(site.archive[y].months[m].articles.clone()),
            _ => return None,
        })
    }

    /// How many pages the page's list has (1 for pages that are no list).
    pub fn pages(self, site: &Site) -> u32 {
        if let PageKind::EditionsIndex(_) = self {
            return page_count(site.editions.len(), Some(EDITIONS_PER_PAGE));
        }
        self.listed(site)
            .map_or(1, |l| page_count(l.len(), site.config.paginate_by))
    }

    /// The articles on this page: its list's share, by `paginate_by`.
    pub fn articles(self, site: &Site) -> Vec<usize> {
        let Some(listed) = self.listed(site) else {
            return Vec::new();
        };
        let per = site.config.paginate_by.unwrap_or(usize::MAX);
        let start = (self.number() as usize)
            .saturating_mul(per)
            .min(listed.len());
        let end = start.saturating_add(per).min(listed.len());
        listed.slice(start..end)
    }
}

/// What produces one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// A rendered page.
    Page(PageKind),
    /// A file copied as it is.
    Copy(PathBuf),
    /// A file of the default theme.
    Theme(&'static [u8]),
}

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// What produces it.
    pub output: Output,
    /// What wants it, for messages: a file, or a description.
    pub origin: String,
}

/// Every page of the site, each list at its first page, in the plan's order.
fn first_pages(site: &Site) -> Vec<PageKind> {
    let mut pages = pages_before_sitemaps(site);
    match sitemap_parts(site) {
        0 => pages.push(PageKind::Sitemap(0)),
        n => {
            pages.push(PageKind::SitemapIndex);
            pages.extend((1..=n).map(PageKind::Sitemap));
        }
    }
    pages.extend([PageKind::NewsSitemap, PageKind::Robots, PageKind::NotFound]);
    pages
}

/// The pages of [`first_pages`] that come before the sitemaps: every page a sitemap
/// may list, and the feeds and search index.
pub(super) fn pages_before_sitemaps(site: &Site) -> Vec<PageKind> {
    let mut pages = vec![PageKind::Home(0)];
    pages.extend((0..site.articles.len()).map(PageKind::Article));
    for (i, a) in site.articles.iter().enumerate() {
        pages.extend((0..a.front.aliases.len()).map(|n| PageKind::Alias(i, n)));
    }
    pages.extend((0..site.withdrawn.len()).map(PageKind::Withdrawn));
    for (i, a) in site.withdrawn.iter().enumerate() {
        pages.extend((0..a.front.aliases.len()).map(|n| PageKind::WithdrawnAlias(i, n)));
    }
    if has_aliases(site) {
        pages.push(PageKind::Redirects);
    }
    let formats = &site.config.feeds.formats;
    let listed = site.listed_taxonomies();
    for kind in TaxonomyKind::ALL {
        if listed.contains(&kind) {
            pages.push(PageKind::Taxonomy(kind));
        }
        for i in 0..site.taxonomy(kind).terms.len() {
            pages.push(PageKind::Term(kind, i, 0));
            pages.extend(formats.iter().map(|&f| PageKind::Feed(Some((kind, i)), f)));
        }
    }
    pages.push(PageKind::Corrections);
    pages.extend(formats.iter().map(|&f| PageKind::CorrectionsFeed(f)));
    pages.push(PageKind::Archive);
    for (y, year) in site.archive.iter().enumerate() {
        pages.push(PageKind::Year(y, 0));
        pages.extend((0..year.months.len()).map(|m| PageKind::Month(y, m, 0)));
    }
    pages.push(PageKind::EditionsIndex(0));
    let files: &[EditionFile] = match site.config.editions.can_send() {
        true => &[
            EditionFile::Page,
            EditionFile::Html,
            EditionFile::Text,
            EditionFile::Message,
        ],
        false => &[EditionFile::Page, EditionFile::Html, EditionFile::Text],
    };
    for d in 0..site.editions.len() {
        pages.extend(files.iter().map(|&f| PageKind::Edition(d, f)));
    }
    pages.push(PageKind::Search);
    pages.extend(search::files(site).map(PageKind::SearchIndex));
    pages.extend(formats.iter().map(|&f| PageKind::Feed(None, f)));
    pages
}

/// Whether any article, published or withdrawn, has an alias: then `_redirects` is
/// written.
fn has_aliases(site: &Site) -> bool {
    site.articles
        .iter()
        .chain(&site.withdrawn)
        .any(|a| !a.front.aliases.is_empty())
}

/// The rules file of Netlify and Cloudflare Pages, at the output's root.
pub const REDIRECTS: &str = "_redirects";

/// Every file of the output.
#[derive(Debug, Default)]
pub struct Plan {
    /// In a stable order: theme, static, content files, pages.
    pub entries: Vec<Entry>,
}

impl Plan {
    /// The pages only.
    pub fn pages(&self) -> impl Iterator<Item = (&str, PageKind)> {
        self.entries.iter().filter_map(|e| match e.output {
            Output::Page(kind) => Some((e.path.as_str(), kind)),
            _ => None,
        })
    }
}

/// Plans the whole site. A path wanted twice, or wanted both as a file and as a
/// folder, is an error naming both origins. (A `static/` or `content/` file silently
/// replaces a theme file of the same name: that is how a site restyles the theme.)
pub fn plan(site: &Site) -> (Plan, Vec<Diagnostic>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::default();
    let mut diagnostics = Vec::new();
    let mut add = |entry: Entry, file: Option<PathBuf>| {
        if let Some(&i) = at.get(&entry.path) {
            if matches!(entry.output, Output::Page(kind) if kind.yields_to_files()) {
                return;
            }
            let existing: &mut Entry = &mut entries[i];
            if matches!(existing.output, Output::Theme(_)) {
                *existing = entry;
                return;
            }
            if let Some(d) = super::redirects::clash(site, existing, &entry) {
                diagnostics.push(d);
                return;
            }
            let message = format!(
                "{} would be written twice: by {} and by {}",
                entry.path, existing.origin, entry.origin
            );
            diagnostics.push(match file {
                Some(f) => Diagnostic::error(f, message),
                None => Diagnostic::general(message),
            });
            return;
        }
        at.insert(entry.path.clone(), entries.len());
        entries.push(entry);
    };

    for (name, bytes) in THEME_STATIC {
        add(
            Entry {
                path: name.to_string(),
                output: Output::Theme(bytes),
                origin: format!("the default theme's {name}"),
            },
            None,
        );
    }
    let redirects = has_aliases(site);
    for file in &site.static_files {
        // The site's own `_redirects` is merged into the one the aliases make.
        if redirects && file.rel == REDIRECTS {
            continue;
        }
        let origin = format!("static/{}", file.rel);
        add(
            Entry {
                path: file.rel.clone(),
                output: Output::Copy(file.src.clone()),
                origin: origin.clone(),
            },
            Some(origin.into()),
        );
    }
    // Files in a bundle's folder go into its article's folder.
    let bundles: HashMap<&str, &str> = site
        .articles
        .iter()
        .filter_map(|a| a.bundle.as_deref().map(|dir| (dir, a.slug.as_str())))
        .collect();
    for file in &site.content_assets {
        let mut path = file.rel.clone();
        let mut dir = file.rel.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if let Some(slug) = bundles.get(parent) {
                path = format!("articles/{slug}/{}", &file.rel[parent.len() + 1..]);
                break;
            }
            dir = parent;
        }
        let origin = format!("content/{}", file.rel);
        add(
            Entry {
                path,
                output: Output::Copy(file.src.clone()),
                origin: origin.clone(),
            },
            Some(origin.into()),
        );
    }
    // The resized copies of images, beside the originals.
    for (path, src, origin) in site.image_files.iter().cloned() {
        let output = Output::Copy(src);
        add(
            Entry {
                path,
                output,
                origin,
            },
            None,
        );
    }
    // Every page of each list; the origin names the page after the first.
    for kind in first_pages(site) {
        let (origin, file) = origin(site, kind);
        for n in 0..kind.pages(site) {
            let kind = kind.with_number(n);
            let origin = match n {
                0 => origin.clone(),
                n => format!("page {} of {origin}", n + 1),
            };
            add(
                Entry {
                    path: kind.path(site),
                    output: Output::Page(kind),
                    origin,
                },
                file.clone(),
            );
        }
    }
    // `content/articles` as a file would stop `articles/x/index.html` being written.
    let files: HashMap<&str, &Entry> = entries.iter().map(|e| (e.path.as_str(), e)).collect();
    let mut reported = HashSet::default();
    for entry in &entries {
        let mut dir = entry.path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if let Some(file) = files.get(parent) {
                if reported.insert(parent) {
                    diagnostics.push(Diagnostic::general(format!(
                        "{parent} is written as a file by {}, but {} (and anything else under {parent}/) needs it to be a folder",
                        file.origin, entry.origin
                    )));
                }
                break;
            }
            dir = parent;
        }
    }
    diagnostics.extend(crate::render::redirects::too_many(site));
    (Plan { entries }, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sitemap::parts_of;

    #[test]
    fn a_list_is_cut_into_parts_only_past_the_most_one_may_hold() {
        assert_eq!(parts_of(0, 3), 0);
        assert_eq!(parts_of(3, 3), 0);
        assert_eq!(parts_of(4, 3), 2);
        assert_eq!(parts_of(9, 3), 3);
        assert_eq!(parts_of(10, 3), 4);
        assert_eq!(
            (
                PageKind::Sitemap(0).template(),
                PageKind::SitemapIndex.template()
            ),
            (Some("sitemap.xml"), Some("sitemap_index.xml"))
        );
    }
}
