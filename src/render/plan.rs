//! The render plan: the site model → the list of every file the output will hold.
//!
//! Pure and cheap: no template runs here. Each entry says what produces one output
//! path (a page of some kind, a copied file, a theme file), so a build renders the
//! plan in parallel and a rebuild can render any single entry again. Two things that
//! would write one path are caught here, whatever they are.

use crate::diagnostics::Diagnostic;
use crate::model::site::Site;
use crate::model::taxonomy::TaxonomyKind;
use crate::render::templates::THEME_STATIC;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::PathBuf;

/// A page the site has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    /// The front page: newest articles grouped by day.
    Home,
    /// One article, by index into `Site::articles`.
    Article(usize),
    /// A taxonomy's list of terms.
    Taxonomy(TaxonomyKind),
    /// One term's page, by index into its taxonomy's terms.
    Term(TaxonomyKind, usize),
    /// An Atom feed: the site's (`None`), or one term's.
    Feed(Option<(TaxonomyKind, usize)>),
    /// `sitemap.xml`.
    Sitemap,
    /// `robots.txt`.
    Robots,
    /// `404.html`.
    NotFound,
}

impl PageKind {
    /// The page's URL relative to the site root, as a folder: `articles/x/` (`""` for home).
    pub fn url(self, site: &Site) -> String {
        match self {
            PageKind::Home => String::new(),
            PageKind::Article(i) => format!("articles/{}/", site.articles[i].slug),
            PageKind::Taxonomy(kind) => format!("{}/", kind.key()),
            PageKind::Term(kind, i) | PageKind::Feed(Some((kind, i))) => {
                format!("{}/{}/", kind.key(), site.taxonomy(kind).terms[i].slug)
            }
            PageKind::Feed(None) | PageKind::Sitemap | PageKind::Robots | PageKind::NotFound => {
                String::new()
            }
        }
    }

    /// The output file, relative to the output folder.
    pub fn path(self, site: &Site) -> String {
        let file = match self {
            PageKind::Feed(_) => "atom.xml",
            PageKind::Sitemap => "sitemap.xml",
            PageKind::Robots => "robots.txt",
            PageKind::NotFound => "404.html",
            _ => "index.html",
        };
        format!("{}{file}", self.url(site))
    }

    /// Whether a file of `static/` or `content/` with its path replaces it silently
    /// (a hand-written `robots.txt`), rather than being an error.
    pub fn yields_to_files(self) -> bool {
        matches!(
            self,
            PageKind::Sitemap | PageKind::Robots | PageKind::NotFound
        )
    }

    /// The template that renders it.
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Home => "home.html",
            PageKind::Article(_) => "article.html",
            PageKind::Taxonomy(_) => "taxonomy.html",
            PageKind::Term(..) => "term.html",
            PageKind::Feed(_) => "atom.xml",
            PageKind::Sitemap => "sitemap.xml",
            PageKind::Robots => "robots.txt",
            PageKind::NotFound => "404.html",
        }
    }

    /// The kind's name in templates (`page.kind`) and in the build summary.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Article(_) => "article",
            PageKind::Taxonomy(_) => "taxonomy",
            PageKind::Term(..) => "term",
            PageKind::Feed(_) => "feed",
            PageKind::Sitemap => "sitemap",
            PageKind::Robots => "robots",
            PageKind::NotFound => "not_found",
        }
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

/// Every HTML page a reader can reach, for the sitemap: the same pages as the plan,
/// less the not-found page and the files that are not HTML.
pub fn html_pages(site: &Site) -> Vec<PageKind> {
    let mut pages = vec![PageKind::Home];
    pages.extend((0..site.articles.len()).map(PageKind::Article));
    for kind in TaxonomyKind::ALL {
        pages.push(PageKind::Taxonomy(kind));
        pages.extend((0..site.taxonomy(kind).terms.len()).map(|i| PageKind::Term(kind, i)));
    }
    pages
}

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
    for file in &site.static_files {
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
    let mut page = |kind: PageKind, origin: String, file: Option<PathBuf>| {
        let path = kind.path(site);
        add(
            Entry {
                path,
                output: Output::Page(kind),
                origin,
            },
            file,
        );
    };
    page(PageKind::Home, "the home page".into(), None);
    for (i, a) in site.articles.iter().enumerate() {
        page(
            PageKind::Article(i),
            a.file.display().to_string(),
            Some(a.file.clone()),
        );
    }
    for kind in TaxonomyKind::ALL {
        page(
            PageKind::Taxonomy(kind),
            format!("the {} list", kind.key()),
            None,
        );
        for (i, term) in site.taxonomy(kind).terms.iter().enumerate() {
            let what = format!("{} {:?}", kind.singular().to_lowercase(), term.name);
            page(PageKind::Term(kind, i), format!("the page of {what}"), None);
            page(
                PageKind::Feed(Some((kind, i))),
                format!("the feed of {what}"),
                None,
            );
        }
    }
    page(PageKind::Feed(None), "the site's feed".into(), None);
    page(PageKind::Sitemap, "the sitemap".into(), None);
    page(PageKind::Robots, "robots.txt".into(), None);
    page(PageKind::NotFound, "the not-found page".into(), None);
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
    (Plan { entries }, diagnostics)
}
