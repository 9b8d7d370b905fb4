//! Links to terms as articles show them: `{name, slug, url}` for each actor, tag,
//! author and story of an article's item. Each term's link is made into a Tera value
//! once a build ([`term_values`]) and shared by every item that shows the term
//! ([`ItemLink`]).

use super::values::term_ids;
use crate::model::article::Article;
use crate::model::site::Site;
use crate::model::taxonomy::{TaxonomyKind, Term};
use serde::Serialize;
use std::hash::{Hash, Hasher};

/// A link to a term, as articles show it.
#[derive(Serialize, Hash)]
pub struct TermLink<'a> {
    /// Display name (the most used spelling).
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// Site-relative URL: `actors/vladimir-putin/`.
    pub url: String,
}

/// A term as an item links it: its [`TermLink`], made into a Tera value once a build
/// ([`term_values`], kept by the views) and cloned (a reference count) by every item
/// that shows the term, rather than made again for each of the items of a page, an
/// edition, a feed. It serialises as the link does; it hashes as its kind, name and
/// slug, which make the rest.
pub struct ItemLink<'a> {
    pub(super) kind: TaxonomyKind,
    pub(super) name: &'a str,
    pub(super) slug: &'a str,
    /// The link as a value; made here when the views have none for the term.
    pub(super) value: Option<&'a tera::Value>,
}

impl Serialize for ItemLink<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Some(value) => value.serialize(serializer),
            None => TermLink {
                name: self.name,
                slug: self.slug,
                url: term_url(self.kind, self.slug),
            }
            .serialize(serializer),
        }
    }
}

impl Hash for ItemLink<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        (self.kind, self.name, self.slug).hash(h);
    }
}

/// The links of the terms `article` names in `kind`, with their values from `values`
/// (`Views::term_values`).
pub(super) fn item_links<'a>(
    values: &'a [Vec<tera::Value>],
    site: &'a Site,
    article: &'a Article,
    kind: TaxonomyKind,
) -> Vec<ItemLink<'a>> {
    let terms = &site.taxonomy(kind).terms;
    term_ids(site, article, kind)
        .into_iter()
        .map(|i| ItemLink {
            kind,
            name: &terms[i].name,
            slug: &terms[i].slug,
            value: values.get(kind as usize).and_then(|v| v.get(i)),
        })
        .collect()
}

pub(super) fn term_link(kind: TaxonomyKind, t: &Term) -> TermLink<'_> {
    TermLink {
        name: &t.name,
        slug: &t.slug,
        url: term_url(kind, &t.slug),
    }
}

/// A term's page, from the site's root: `actors/vladimir-putin/`.
fn term_url(kind: TaxonomyKind, slug: &str) -> String {
    [kind.key(), "/", slug, "/"].concat()
}

/// Each term's [`TermLink`] as a Tera value, by taxonomy (in [`TaxonomyKind::ALL`]'s
/// order) and index.
pub(super) fn term_values(site: &Site) -> Vec<Vec<tera::Value>> {
    TaxonomyKind::ALL
        .iter()
        .map(|&kind| {
            site.taxonomy(kind)
                .terms
                .iter()
                .map(|t| tera::Value::from_serializable(&term_link(kind, t)))
                .collect()
        })
        .collect()
}
