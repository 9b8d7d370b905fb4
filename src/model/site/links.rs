//! How the site answers a body's links: an actor's page, another article's URL.

use crate::model::article::Article;
use crate::model::links::{ActorRef, Links};
use crate::model::profile::Profile;
use crate::model::taxonomy::Taxonomy;
use rustc_hash::FxHashMap as HashMap;

/// Resolves links from a page two folders deep (`articles/<slug>/`,
/// `actors/<slug>/`) to other pages.
pub struct SiteLinks<'a> {
    pub(super) actors: &'a Taxonomy,
    pub(super) profiles: &'a [Profile],
    pub(super) by_content_path: &'a HashMap<String, usize>,
    pub(super) articles: &'a [Article],
}

impl Links for SiteLinks<'_> {
    fn actor(&self, name: &str) -> Option<ActorRef> {
        let term = self.actors.term_for_name(name)?;
        let mut names = vec![term.name.clone()];
        if let Some(p) = term.profile.map(|p| &self.profiles[p]) {
            names.push(p.name.clone());
            names.extend(p.aliases.iter().cloned());
        }
        names.dedup();
        Some(ActorRef {
            href: format!("../../actors/{}/", term.slug),
            slug: term.slug.clone(),
            names,
        })
    }

    fn article(&self, content_path: &str) -> Option<String> {
        self.by_content_path
            .get(content_path)
            .map(|&i| format!("../../articles/{}/", self.articles[i].slug))
    }
}
