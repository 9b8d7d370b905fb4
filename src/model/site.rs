//! The site: all articles, newest first, and the indexes built over them.
//!
//! Built once per build from loaded articles; after [`Site::new`] and
//! [`Site::render_bodies`] nothing changes it, so every page can be rendered from it in
//! parallel and any single page can be rendered again on its own.

use super::taxonomy::{Taxonomy, TaxonomyKind};
use crate::config::Config;
use crate::content::article::{self, Article};
use crate::content::markdown::Links;
use crate::content::walk::Asset;
use crate::diagnostics::Diagnostic;
use rustc_hash::FxHashMap as HashMap;

/// Everything a build renders.
#[derive(Debug)]
pub struct Site {
    /// The configuration.
    pub config: Config,
    /// Articles, newest first: by day as written, then instant, then slug.
    pub articles: Vec<Article>,
    /// Tags, actors and sources, indexed by [`TaxonomyKind`] order.
    pub taxonomies: [Taxonomy; 3],
    /// Non-Markdown files under `content/`.
    pub content_assets: Vec<Asset>,
    /// Files under `static/`.
    pub static_files: Vec<Asset>,
    /// Articles left out because another one has their URL (each is an error).
    pub duplicates: Vec<Article>,
    by_content_path: HashMap<String, usize>,
}

impl Site {
    /// Sorts the articles and builds the indexes. Two articles with one slug are an
    /// error naming both files; the later one is left out so the rest can be checked.
    pub fn new(
        config: Config,
        articles: Vec<Article>,
        content_assets: Vec<Asset>,
        static_files: Vec<Asset>,
    ) -> (Site, Vec<Diagnostic>) {
        // Newest day first (the day as written, in its own offset, so the home page's
        // editions are contiguous), then newest instant, then slug.
        // The day and instant of each, made once rather than in every comparison.
        let mut keyed: Vec<(chrono::NaiveDate, Article)> = articles
            .into_iter()
            .map(|a| (a.front.date.day(), a))
            .collect();
        keyed.sort_unstable_by(|(da, a), (db, b)| {
            db.cmp(da)
                .then_with(|| b.front.date.at.cmp(&a.front.date.at))
                .then_with(|| a.slug.cmp(&b.slug))
                .then_with(|| a.file.cmp(&b.file))
        });
        let mut articles: Vec<Article> = keyed.into_iter().map(|(_, a)| a).collect();
        let mut diagnostics = Vec::new();
        let mut first_by_slug: HashMap<&str, &Article> = HashMap::default();
        let mut duplicates = Vec::new();
        for (i, a) in articles.iter().enumerate() {
            if let Some(first) = first_by_slug.get(a.slug.as_str()) {
                let (earlier, later) = if first.file <= a.file {
                    (*first, a)
                } else {
                    (a, *first)
                };
                diagnostics.push(Diagnostic::error(
                    &later.file,
                    format!(
                        "articles/{}/ is also the URL of {}: two articles cannot share a URL; set a different `slug:` in one of them",
                        a.slug,
                        earlier.file.display()
                    ),
                ));
                duplicates.push(i);
            } else {
                first_by_slug.insert(&a.slug, a);
            }
        }
        drop(first_by_slug);
        let duplicates: Vec<Article> = duplicates
            .into_iter()
            .rev()
            .map(|i| articles.remove(i))
            .collect();
        let build = |kind: TaxonomyKind| {
            Taxonomy::build(
                kind,
                articles.iter().enumerate().map(|(i, a)| {
                    let slugs = a.term_slugs[kind as usize].iter().map(String::as_str);
                    (i, a.names(kind).into_iter().zip(slugs))
                }),
            )
        };
        let (tags, (actors, sources)) = rayon::join(
            || build(TaxonomyKind::Tags),
            || {
                rayon::join(
                    || build(TaxonomyKind::Actors),
                    || build(TaxonomyKind::Sources),
                )
            },
        );
        let taxonomies = [tags, actors, sources];
        let by_content_path = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.content_path.clone(), i))
            .collect();
        let site = Site {
            config,
            articles,
            taxonomies,
            content_assets,
            static_files,
            duplicates,
            by_content_path,
        };
        (site, diagnostics)
    }

    /// The index of the article written in `content_path`, if included.
    pub fn index_of_path(&self, content_path: &str) -> Option<usize> {
        self.by_content_path.get(content_path).copied()
    }

    /// The article written in `content_path` (relative to `content/`), if included.
    pub fn article_by_path(&self, content_path: &str) -> Option<&Article> {
        self.by_content_path
            .get(content_path)
            .map(|&i| &self.articles[i])
    }

    /// One taxonomy.
    pub fn taxonomy(&self, kind: TaxonomyKind) -> &Taxonomy {
        &self.taxonomies[kind as usize]
    }

    /// Renders the Markdown of every article that needs it: those not rendered yet,
    /// and those whose links would now resolve differently (an actor or an article they
    /// link to appeared, went or moved). Returns how many were rendered. With
    /// `keep_text` the sources stay, for the next incremental build.
    pub fn render_bodies(&mut self, keep_text: bool) -> usize {
        let Site {
            articles,
            taxonomies,
            by_content_path,
            ..
        } = self;
        let slugs: Vec<String> = articles.iter().map(|a| a.slug.clone()).collect();
        let links = SiteLinks {
            actors: &taxonomies[TaxonomyKind::Actors as usize],
            by_content_path,
            slugs: &slugs,
        };
        article::render_bodies(
            articles,
            |a| !a.rendered || a.links.iter().any(|u| u.target.resolve(&links) != u.href),
            keep_text,
            &links,
        )
    }

    /// Takes the site apart again: every article it was given, the duplicates too.
    pub fn into_articles(self) -> impl Iterator<Item = Article> {
        self.articles.into_iter().chain(self.duplicates)
    }
}

/// Resolves links from an article page (`articles/<slug>/`) to other pages.
struct SiteLinks<'a> {
    actors: &'a Taxonomy,
    by_content_path: &'a HashMap<String, usize>,
    slugs: &'a [String],
}

impl Links for SiteLinks<'_> {
    fn actor(&self, name: &str) -> Option<String> {
        self.actors
            .term_for_name(name)
            .map(|t| format!("../../actors/{}/", t.slug))
    }

    fn article(&self, content_path: &str) -> Option<String> {
        self.by_content_path
            .get(content_path)
            .map(|&i| format!("../{}/", self.slugs[i]))
    }
}
