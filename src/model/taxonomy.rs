//! Taxonomies: tags, actors, sources, authors and stories are five instances of one
//! mechanism.
//!
//! A term is every name that slugs the same (`US` and `U.S.`), shown with the spelling
//! most articles use (ties: the alphabetically first, so an edit elsewhere never
//! flips it). Articles are kept newest first as indexes into the site's article list,
//! which is sorted newest first, so building is one linear pass.

use super::slug::term_slug;
use rustc_hash::FxHashMap;

/// Which taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyKind {
    /// Topics.
    Tags,
    /// People and organisations.
    Actors,
    /// Outlets.
    Sources,
    /// The briefing's own writers (bylines).
    Authors,
    /// Running stories (`story:`): each term's page is a timeline.
    Stories,
}

impl TaxonomyKind {
    /// All five, in navigation order.
    pub const ALL: [TaxonomyKind; 5] = [
        TaxonomyKind::Tags,
        TaxonomyKind::Actors,
        TaxonomyKind::Sources,
        TaxonomyKind::Authors,
        TaxonomyKind::Stories,
    ];

    /// The URL segment and name used in templates: `tags`.
    pub fn key(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "tags",
            TaxonomyKind::Actors => "actors",
            TaxonomyKind::Sources => "sources",
            TaxonomyKind::Authors => "authors",
            TaxonomyKind::Stories => "stories",
        }
    }

    /// The heading of the list page: `Tags`.
    pub fn title(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "Tags",
            TaxonomyKind::Actors => "Actors",
            TaxonomyKind::Sources => "Sources",
            TaxonomyKind::Authors => "Authors",
            TaxonomyKind::Stories => "Stories",
        }
    }

    /// One term's kind, for labels: `Tag`.
    pub fn singular(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "Tag",
            TaxonomyKind::Actors => "Actor",
            TaxonomyKind::Sources => "Source",
            TaxonomyKind::Authors => "Author",
            TaxonomyKind::Stories => "Story",
        }
    }
}

/// One tag, actor, source, author or story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// URL segment: `/tags/<slug>/`.
    pub slug: String,
    /// The profile's name, else the most used spelling.
    pub name: String,
    /// Indexes of the articles naming it, newest first.
    pub articles: Vec<usize>,
    /// Its profile, by index into the site's profiles.
    pub profile: Option<usize>,
    /// The actors most often named in its articles (itself left out), with how many
    /// of its articles name each: most first, then by name. Set by the site.
    pub connections: Vec<(usize, usize)>,
}

/// What profiles tell a taxonomy: each one's index, slug and name, and which slug
/// each alias slug stands for.
#[derive(Debug, Default, Clone)]
pub struct Profiled {
    /// (profile index, slug, name).
    pub owned: Vec<(usize, String, String)>,
    /// Alias slug → the profile's slug.
    pub aliases: FxHashMap<String, String>,
}

/// All terms of one kind, sorted by slug.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Which taxonomy this is.
    pub kind: TaxonomyKind,
    /// Terms by slug.
    pub terms: Vec<Term>,
    by_slug: FxHashMap<String, usize>,
    /// Alias slug → the slug it stands for.
    aliases: FxHashMap<String, String>,
}

impl Taxonomy {
    /// Builds a taxonomy from each article's names with their slugs ([`term_slug`]),
    /// given in article order (newest first). A name that is a profile's alias counts
    /// for the profile's term, which is shown with the profile's name.
    pub fn build<'a, I, N>(kind: TaxonomyKind, names_by_article: I, profiled: &Profiled) -> Taxonomy
    where
        I: IntoIterator<Item = (usize, N)>,
        N: IntoIterator<Item = (&'a str, &'a str)>,
    {
        struct Acc<'a> {
            // Almost always one spelling, rarely three: a list beats a map.
            spellings: Vec<(&'a str, usize)>,
            articles: Vec<usize>,
        }
        let mut acc: FxHashMap<&str, Acc<'a>> = FxHashMap::default();
        for (article, names) in names_by_article {
            for (name, slug) in names {
                let slug = profiled.aliases.get(slug).map_or(slug, String::as_str);
                let entry = acc.entry(slug).or_insert_with(|| Acc {
                    spellings: Vec::new(),
                    articles: Vec::new(),
                });
                match entry.spellings.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, count)) => *count += 1,
                    None => entry.spellings.push((name, 1)),
                }
                // An article naming a term twice (`US` and `U.S.`) counts once.
                if entry.articles.last() != Some(&article) {
                    entry.articles.push(article);
                }
            }
        }
        let by_slug: FxHashMap<&str, &(usize, String, String)> =
            profiled.owned.iter().map(|p| (p.1.as_str(), p)).collect();
        let mut terms: Vec<Term> = acc
            .into_iter()
            .map(|(slug, a)| {
                let profile = by_slug.get(slug).copied();
                let name = match profile {
                    Some((_, _, name)) => name.to_string(),
                    None => a
                        .spellings
                        .iter()
                        .max_by(|x, y| x.1.cmp(&y.1).then_with(|| y.0.cmp(x.0)))
                        .map(|(n, _)| n.to_string())
                        .unwrap_or_default(),
                };
                Term {
                    slug: slug.to_string(),
                    name,
                    articles: a.articles,
                    profile: profile.map(|(i, ..)| *i),
                    connections: Vec::new(),
                }
            })
            .collect();
        terms.sort_by(|a, b| a.slug.cmp(&b.slug));
        let by_slug = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.slug.clone(), i))
            .collect();
        Taxonomy {
            kind,
            terms,
            by_slug,
            aliases: profiled.aliases.clone(),
        }
    }

    /// The index of the term with this slug, or whose alias has this slug.
    pub fn index_of_slug(&self, slug: &str) -> Option<usize> {
        match self.by_slug.get(slug) {
            Some(&i) => Some(i),
            None => self
                .aliases
                .get(slug)
                .and_then(|s| self.by_slug.get(s))
                .copied(),
        }
    }

    /// The term a name belongs to.
    pub fn term_for_name(&self, name: &str) -> Option<&Term> {
        self.index_of_slug(&term_slug(name)).map(|i| &self.terms[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(kind: TaxonomyKind, names: &[(usize, Vec<&str>)]) -> Taxonomy {
        let slugged: Vec<(usize, Vec<(&str, String)>)> = names
            .iter()
            .map(|(i, n)| (*i, n.iter().map(|n| (*n, term_slug(n))).collect()))
            .collect();
        Taxonomy::build(
            kind,
            slugged
                .iter()
                .map(|(i, n)| (*i, n.iter().map(|(n, s)| (*n, s.as_str())))),
            &Profiled::default(),
        )
    }

    #[test]
    fn names_that_slug_the_same_are_one_term_with_the_most_used_spelling() {
        let names: Vec<(usize, Vec<&str>)> = vec![
            (0, vec!["US", "Bashar Al-Assad"]),
            (1, vec!["US", "Bashar al-Assad"]),
            (2, vec!["US", "Bashar al-Assad", "U.S."]),
        ];
        let t = build(TaxonomyKind::Actors, &names);
        assert_eq!(t.terms.len(), 2);
        let us = t.term_for_name("u.s.").unwrap();
        assert_eq!((us.slug.as_str(), us.name.as_str()), ("us", "US"));
        assert_eq!(us.articles, vec![0, 1, 2]);
        assert_eq!(
            t.term_for_name("BASHAR AL ASSAD").unwrap().name,
            "Bashar al-Assad"
        );
    }

    #[test]
    fn ties_go_to_the_alphabetically_first_spelling() {
        let t = build(TaxonomyKind::Tags, &[(0, vec!["g20"]), (1, vec!["G20"])]);
        assert_eq!(t.terms[0].name, "G20");
    }

    #[test]
    fn terms_are_sorted_by_slug_and_empty_slugs_get_pages() {
        let t = build(TaxonomyKind::Tags, &[(0, vec!["zeta", "Alpha", "!!!"])]);
        let slugs: Vec<_> = t.terms.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs.len(), 3);
        assert_eq!(slugs[0], "alpha");
        assert!(slugs[1].starts_with("term-"));
        assert_eq!(slugs[2], "zeta");
    }
}
