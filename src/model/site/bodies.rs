//! Attaching to the site what the bodies stage rendered: each article's body, each
//! profile's, and the search index made (or mended) from them.

use super::{KeptModel, Site};
use crate::diagnostics::Diagnostic;
use crate::model::article::{Article, Body};

impl Site {
    /// Gives each article and profile what the bodies stage rendered of it.
    pub fn attach(&mut self, bodies: Bodies) {
        self.attach_kept(bodies, None);
    }

    /// [`Site::attach`], mending the search index `kept` where few articles'
    /// terms changed since it was kept ([`crate::model::search::SearchIndex::mended`]),
    /// and keeping the result.
    pub fn attach_kept(&mut self, bodies: Bodies, kept: Option<&dyn KeptModel>) {
        use crate::model::search::{source_hashes, SearchIndex};
        self.attach_only(bodies);
        let Some(kept) = kept else {
            self.search = SearchIndex::build(self);
            return;
        };
        let now = source_hashes(self);
        let taken = kept.search();
        // Kept as it was (every article's hash the same): nothing to save.
        let same = taken
            .as_ref()
            .is_some_and(|(index, before)| *before == now && index.articles == now.len());
        self.search = match taken {
            Some((index, before)) => SearchIndex::mended(self, index, &before, &now),
            None => SearchIndex::build(self),
        };
        if !same {
            kept.keep_search(&self.search, &now);
        }
    }

    /// [`Site::attach`] short of the search index.
    fn attach_only(&mut self, bodies: Bodies) {
        use rayon::prelude::*;
        let attach = |a: &mut Article, body| match body {
            Ok(body) => a.attach(body),
            Err(problem) => a.attach_failure(problem),
        };
        // A build's bodies are every article's, in order: attached in parallel (at
        // 100,000 articles, 40 ms on one thread). A session's update gives a few.
        let every = bodies.articles.len() == self.articles.len()
            && bodies
                .articles
                .iter()
                .enumerate()
                .all(|(k, (i, _))| k == *i);
        if every {
            self.articles
                .par_iter_mut()
                .zip(bodies.articles)
                .for_each(|(a, (_, body))| attach(a, body));
        } else {
            for (i, body) in bodies.articles {
                attach(&mut self.articles[i], body);
            }
        }
        for (i, html, diagnostics) in bodies.profiles {
            self.profiles[i].attach(html, diagnostics);
        }
        self.quotes = crate::model::quotes::index(&self.articles);
    }

    /// Swaps in a new reading of article `i` whose place, and so every index, is
    /// unchanged: the quick path of a session's update. Its body is rendered again,
    /// then given by [`Site::attach_again`]. Returns its search terms before.
    pub fn replace_article(&mut self, i: usize, article: Article) -> crate::model::search::Fields {
        let before = crate::model::search::fields_of(self, &self.articles[i]);
        self.articles[i] = article;
        before
    }

    /// [`Site::attach`] after [`Site::replace_article`]: `replaced` holds each
    /// replaced article's place and search terms before, so that the search index is
    /// mended rather than made again.
    pub fn attach_again(
        &mut self,
        bodies: Bodies,
        replaced: &[(usize, crate::model::search::Fields)],
    ) {
        let mut search = std::mem::take(&mut self.search);
        self.attach_only(bodies);
        search.update(self, replaced);
        self.search = search;
    }

    /// Takes every article's HTML out of the site (each article's, in order), for
    /// views that free each body once its page is written. Each article's search
    /// terms go too: the index is made, and a one-off build makes it once.
    pub fn take_bodies(&mut self) -> Vec<(String, Option<crate::model::article::KeptHtml>)> {
        self.articles
            .iter_mut()
            .map(|a| {
                a.search_terms = String::new();
                (std::mem::take(&mut a.html), a.kept_html.take())
            })
            .collect()
    }
}

/// What the bodies stage (`content::bodies`) rendered, for [`Site::attach`].
pub struct Bodies {
    /// By article index: a body, or why it could not be rendered.
    pub articles: Vec<(usize, Result<Body, Diagnostic>)>,
    /// By profile index: its HTML and what rendering it found.
    pub profiles: Vec<(usize, String, Vec<Diagnostic>)>,
    /// How many of `articles` an earlier build rendered (see
    /// `content::bodies::Kept`).
    pub reused: usize,
}

impl Bodies {
    /// How many article bodies were rendered (not taken from an earlier build).
    pub fn len(&self) -> usize {
        self.articles.len() - self.reused
    }

    /// Whether no article body was rendered (as [`Bodies::len`] counts).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
