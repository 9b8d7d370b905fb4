//! The site: all articles, newest first, and the indexes built over them.
//!
//! Built once per build from loaded articles; after [`Site::new`] and
//! [`Site::attach`] (the bodies stage's result) nothing changes it, so every page can be rendered from it in
//! parallel and any single page can be rendered again on its own.

use super::archive::{self, Year};
use super::article::Article;
use super::asset::Asset;
use super::corrections::{corrections_log, Logged};
use super::profile::Profile;
use super::slug::term_slug;
use super::taxonomy::{Profiled, Taxonomy, TaxonomyKind};
use super::term_ids::{next_site_id, term_ids_of};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
mod bodies;
mod indexes;
mod links;

pub use bodies::Bodies;
pub use links::SiteLinks;

use indexes::{connect, related, related_key, term_ids};
use rustc_hash::FxHashMap as HashMap;

/// How many related briefings an article lists.
pub const RELATED: usize = 5;
/// How many connections a term page lists.
pub const CONNECTIONS: usize = 10;
/// How far, in each direction, related briefings are looked for in each shared
/// term's list: the neighbours in time. It bounds the work when a tag is on every
/// article.
const RELATED_WINDOW: usize = 50;

/// What an earlier build made of a site's model, kept on disk by a build (see
/// `build::model_cache`) and taken where what it was made from is as it was, so
/// that a build after an edit makes only what the edit changed.
pub trait KeptModel: Sync {
    /// The related briefings made from inputs hashed `key`, if kept.
    fn related(&self, key: u128) -> Option<Vec<Vec<usize>>>;
    /// Keeps the related briefings made from inputs hashed `key`.
    fn keep_related(&self, key: u128, related: &[Vec<usize>]);
    /// The search index kept, with its articles' source hashes by id
    /// ([`super::search::source_hashes`]).
    fn search(&self) -> Option<(super::search::SearchIndex, Vec<u128>)>;
    /// Keeps the search index, with its articles' source hashes by id.
    fn keep_search(&self, index: &super::search::SearchIndex, sources: &[u128]);
}

/// Everything a build renders.
#[derive(Debug)]
pub struct Site {
    /// The configuration.
    pub config: Config,
    /// Articles, newest first: by day as written, then instant, then slug.
    pub articles: Vec<Article>,
    /// Tags, actors, sources, authors and stories, indexed by [`TaxonomyKind`] order.
    pub taxonomies: [Taxonomy; 5],
    /// Non-Markdown files under `content/`.
    pub content_assets: Vec<Asset>,
    /// Files under `static/`.
    pub static_files: Vec<Asset>,
    /// Articles left out because another one has their URL (each is an error).
    pub duplicates: Vec<Article>,
    /// Profiles of actors, sources and authors that articles name.
    pub profiles: Vec<Profile>,
    /// For each article, its related briefings (indexes, newest first).
    pub related: Vec<Vec<usize>>,
    /// The articles by year and month, newest first.
    pub archive: Vec<Year>,
    /// Articles taken down (`withdrawn:`): each has a notice at its URL, and is in no
    /// list. Set by the build after [`Site::new`].
    pub withdrawn: Vec<Article>,
    /// Every correction and withdrawal, newest first, the article by
    /// [`Site::logged`]'s index, so that a withdrawn article's corrections stay.
    pub corrections: Vec<Logged>,
    /// The home page's order when any article has a `weight` (else empty: the
    /// articles' own order): each day's weighted articles first, smaller first, then
    /// the rest newest first.
    pub home: Vec<usize>,
    /// The build's *now* (what is scheduled and what expired was decided by it), when
    /// the build says: the news sitemap lists the articles of the 48 hours before it.
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The site's data files (`data/`), by name, for templates (`data.<name>`).
    pub data: serde_json::Value,
    /// Each day's articles, newest day first: its edition.
    pub editions: Vec<super::edition::Edition>,
    /// The quotes attributed to each actor (by slug), newest first: the article and
    /// the quote's index in it. Set when bodies are attached.
    pub quotes: HashMap<String, Vec<(usize, usize)>>,
    /// What the search page searches: every article's terms, inverted and laid out
    /// as files. Set when bodies are attached.
    pub search: super::search::SearchIndex,
    /// The resized copies of the images articles show: each file's path in the
    /// output, the file it is copied from (in the cache), and what it copies.
    pub image_files: Vec<(String, std::path::PathBuf, String)>,
    by_content_path: HashMap<String, usize>,
    /// A number no other site of this process has: what its articles' [`TermIds`]
    /// name.
    id: u64,
}

impl Site {
    /// Sorts the articles and builds the indexes. Two articles with one slug are an
    /// error naming both files; the later one is left out so the rest can be checked.
    pub fn new(
        config: Config,
        articles: Vec<Article>,
        profiles: Vec<Profile>,
        content_assets: Vec<Asset>,
        static_files: Vec<Asset>,
    ) -> (Site, Vec<Diagnostic>) {
        Site::new_kept(
            config,
            articles.into_iter().map(Box::new).collect(),
            profiles,
            content_assets,
            static_files,
            None,
        )
    }

    /// [`Site::new`], taking the related briefings from `kept` where the articles'
    /// actors and tags are as they were when it kept them.
    pub fn new_kept(
        config: Config,
        articles: Vec<Box<Article>>,
        profiles: Vec<Profile>,
        content_assets: Vec<Asset>,
        static_files: Vec<Asset>,
        kept: Option<&dyn KeptModel>,
    ) -> (Site, Vec<Diagnostic>) {
        // Newest day first (the day as written, in its own offset, so the home page's
        // editions are contiguous), then newest instant, then slug. The day of each
        // is made once rather than in every comparison. The articles come boxed, so
        // that sorting moves pointers; each is then moved once, in parallel, into
        // its place (at 100,000 articles of 1.6 KB, moving them on one thread took
        // a tenth of a build after an edit).
        use rayon::prelude::*;
        let mut dated: Vec<(chrono::NaiveDate, Box<Article>)> = articles
            .into_par_iter()
            .map(|a| (a.front.date.day(), a))
            .collect();
        dated.par_sort_unstable_by(|(day_a, a), (day_b, b)| {
            day_b
                .cmp(day_a)
                .then_with(|| b.front.date.at.cmp(&a.front.date.at))
                .then_with(|| a.slug.cmp(&b.slug))
                .then_with(|| a.file.cmp(&b.file))
        });
        let mut articles: Vec<Article> = dated.into_par_iter().map(|(_, a)| *a).collect();
        let mut diagnostics = Vec::new();
        let mut first_by_slug: HashMap<&str, &Article> =
            HashMap::with_capacity_and_hasher(articles.len(), Default::default());
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
        let (profiles, profiled) = index_profiles(profiles, &mut diagnostics);
        let build = |kind: TaxonomyKind| {
            Taxonomy::build(
                kind,
                articles.iter().enumerate().map(|(i, a)| {
                    let slugs = a.term_slugs.of(kind);
                    (i, a.names(kind).into_iter().zip(slugs))
                }),
                &profiled[kind as usize],
            )
        };
        let ((tags, (authors, stories)), (actors, sources)) = rayon::join(
            || {
                rayon::join(
                    || build(TaxonomyKind::Tags),
                    || (build(TaxonomyKind::Authors), build(TaxonomyKind::Stories)),
                )
            },
            || {
                rayon::join(
                    || build(TaxonomyKind::Actors),
                    || build(TaxonomyKind::Sources),
                )
            },
        );
        let mut taxonomies = [tags, actors, sources, authors, stories];
        // A profile no article names has no page.
        let named: Vec<bool> = (0..profiles.len())
            .map(|p| {
                taxonomies
                    .iter()
                    .any(|t| t.terms.iter().any(|term| term.profile == Some(p)))
            })
            .collect();
        for (p, named) in profiles.iter().zip(named) {
            if !named {
                let aliases = if p.aliases.is_empty() {
                    ""
                } else {
                    " or any of its aliases"
                };
                diagnostics.push(
                    Diagnostic::warning(
                        &p.file,
                        format!(
                            "no article names {:?}{aliases}, so this profile has no page",
                            p.name
                        ),
                    )
                    .at(p.name_at.0, p.name_at.1, &p.text),
                );
            }
        }
        let actor_ids = term_ids(&articles, &taxonomies[TaxonomyKind::Actors as usize]);
        let actors = taxonomies[TaxonomyKind::Actors as usize].terms.len();
        for kind in TaxonomyKind::ALL {
            connect(&mut taxonomies[kind as usize], &actor_ids, actors);
        }
        let tag_ids = term_ids(&articles, &taxonomies[TaxonomyKind::Tags as usize]);
        let related = || match kept {
            None => related(&taxonomies, [&actor_ids, &tag_ids]),
            Some(kept) => {
                let n = articles.len();
                let key = related_key([&actor_ids, &tag_ids]);
                let taken = kept
                    .related(key)
                    .filter(|r| r.len() == n && r.iter().flatten().all(|&other| other < n));
                taken.unwrap_or_else(|| {
                    let made = related(&taxonomies, [&actor_ids, &tag_ids]);
                    kept.keep_related(key, &made);
                    made
                })
            }
        };
        // What remains reads the articles and the terms, each part on one thread: side
        // by side (at 100,000 articles, 60 ms on one thread).
        let by_content_path = || {
            articles
                .iter()
                .enumerate()
                .map(|(i, a)| (a.content_path.clone(), i))
                .collect()
        };
        let editions = || {
            let home = home_order(&articles);
            let editions = match home.is_empty() {
                true => {
                    super::edition::editions(&articles, &(0..articles.len()).collect::<Vec<_>>())
                }
                false => super::edition::editions(&articles, &home),
            };
            (home, editions)
        };
        let ((related, by_content_path), ((archive, (home, editions)), corrections)) = rayon::join(
            || rayon::join(related, by_content_path),
            || {
                rayon::join(
                    || rayon::join(|| archive::years(&articles), editions),
                    || corrections_log(&articles.iter().collect::<Vec<_>>()),
                )
            },
        );
        let id = next_site_id();
        articles
            .par_iter_mut()
            .for_each(|a| a.terms = term_ids_of(&taxonomies, a, id));
        let site = Site {
            withdrawn: Vec::new(),
            corrections,
            config,
            archive,
            home,
            editions,
            articles,
            taxonomies,
            content_assets,
            static_files,
            duplicates,
            profiles,
            related,
            now: None,
            data: serde_json::Value::Null,
            quotes: HashMap::default(),
            search: Default::default(),
            image_files: Vec::new(),
            by_content_path,
            id,
        };
        (site, diagnostics)
    }

    /// What this site's articles' [`TermIds`] name.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Sets the articles taken down, whose corrections stay in the log.
    pub fn set_withdrawn(&mut self, mut withdrawn: Vec<Article>) {
        for a in &mut withdrawn {
            a.terms = term_ids_of(&self.taxonomies, a, self.id);
        }
        self.withdrawn = withdrawn;
        let all: Vec<&Article> = self.articles.iter().chain(&self.withdrawn).collect();
        self.corrections = corrections_log(&all);
    }

    /// Article `i` of the corrections log: a published one, then the withdrawn ones
    /// after them.
    pub fn logged(&self, i: usize) -> &Article {
        match i.checked_sub(self.articles.len()) {
            Some(w) => &self.withdrawn[w],
            None => &self.articles[i],
        }
    }

    /// The articles of the home page, in its order.
    pub fn home_ids(&self) -> Vec<usize> {
        if self.home.is_empty() {
            (0..self.articles.len()).collect()
        } else {
            self.home.clone()
        }
    }

    /// The profile of a term, if it has one.
    pub fn profile(&self, kind: TaxonomyKind, term: usize) -> Option<&Profile> {
        self.taxonomy(kind).terms[term]
            .profile
            .map(|p| &self.profiles[p])
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

    /// The taxonomies that have a list page (`/tags/`…) and a place in the
    /// navigation: tags, actors and sources always; authors and stories only when an
    /// article has one (a desk that names no writer gets no empty "Authors" page).
    pub fn listed_taxonomies(&self) -> Vec<TaxonomyKind> {
        TaxonomyKind::ALL
            .into_iter()
            .filter(|&k| {
                !matches!(k, TaxonomyKind::Authors | TaxonomyKind::Stories)
                    || !self.taxonomy(k).terms.is_empty()
            })
            .collect()
    }

    /// How the site answers a body's links, from a page two folders deep.
    pub fn links(&self) -> SiteLinks<'_> {
        SiteLinks {
            actors: &self.taxonomies[TaxonomyKind::Actors as usize],
            profiles: &self.profiles,
            by_content_path: &self.by_content_path,
            articles: &self.articles,
        }
    }

    /// Takes the site apart again: every article it was given, the duplicates too.
    pub fn into_articles(self) -> impl Iterator<Item = Article> {
        self.articles
            .into_iter()
            .chain(self.duplicates)
            .chain(self.withdrawn)
    }
}

/// Checks the profiles of each kind against each other: one profile per name, and
/// each alias standing for one profile. Returns the profiles kept and, by
/// [`TaxonomyKind`] order, what each taxonomy needs of them.
fn index_profiles(
    mut profiles: Vec<Profile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Profile>, [Profiled; 5]) {
    profiles.sort_by(|a, b| a.file.cmp(&b.file));
    let mut kept: Vec<Profile> = Vec::with_capacity(profiles.len());
    for p in profiles {
        match kept.iter().find(|k| k.kind == p.kind && k.slug == p.slug) {
            Some(first) => diagnostics.push(
                Diagnostic::warning(
                    &p.file,
                    format!(
                        "{:?} already has a profile, {}; this one is not used",
                        p.name,
                        first.file.display()
                    ),
                )
                .at(p.name_at.0, p.name_at.1, &p.text),
            ),
            None => kept.push(p),
        }
    }
    let mut profiled: [Profiled; 5] = Default::default();
    for kind in TaxonomyKind::ALL {
        let own: Vec<(usize, &Profile)> = kept
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == kind)
            .collect();
        let mut aliases: HashMap<String, String> = HashMap::default();
        for (_, p) in &own {
            for alias in &p.aliases {
                let slug = term_slug(alias);
                // `U.S.` and `US` are one alias.
                if aliases.get(&slug) == Some(&p.slug) {
                    continue;
                }
                let clash = own
                    .iter()
                    .find(|(_, o)| o.slug == slug)
                    .map(|(_, o)| o.name.clone())
                    .or_else(|| {
                        aliases.get(&slug).and_then(|s| {
                            own.iter()
                                .find(|(_, o)| o.slug == *s)
                                .map(|(_, o)| o.name.clone())
                        })
                    });
                match clash {
                    Some(other) => diagnostics.push(
                        Diagnostic::warning(
                            &p.file,
                            format!("alias {alias:?} already stands for {other:?}; it is not used for {:?}", p.name),
                        )
                        .at(p.name_at.0, p.name_at.1, &p.text),
                    ),
                    None => {
                        aliases.insert(slug, p.slug.clone());
                    }
                }
            }
        }
        let slot = &mut profiled[kind as usize];
        slot.aliases = aliases;
        slot.owned = own
            .iter()
            .map(|(i, p)| (*i, p.slug.clone(), p.name.clone()))
            .collect();
    }
    (kept, profiled)
}

/// The home page's order, when any article has a `weight`: articles (newest first)
/// regrouped within each day, weighted first by weight, smaller first, the rest as
/// they were. Empty when none has a weight.
fn home_order(articles: &[Article]) -> Vec<usize> {
    if articles.iter().all(|a| a.front.weight.is_none()) {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..articles.len()).collect();
    // Stable: equal keys keep the articles' own order (newest first).
    order.sort_by_key(|&i| {
        let front = &articles[i].front;
        (
            std::cmp::Reverse(front.date.day()),
            front.weight.is_none(),
            front.weight,
        )
    });
    order
}
