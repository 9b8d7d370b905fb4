//! An article's terms as one site has them: each term's index in its taxonomy, looked
//! up once when the site is made.

use super::article::Article;
use super::taxonomy::{Taxonomy, TaxonomyKind};

/// An article's terms by their index in each taxonomy of one site, each once, in the
/// order named: looked up once when the site is made, rather than by slug on every
/// page, card and hash that shows them.
#[derive(Debug, Clone, Default)]
pub struct TermIds {
    /// The site they are of ([`crate::model::site::Site::id`]); 0 for none.
    pub site: u64,
    /// How many of each [`TaxonomyKind`], then the indexes, kind after kind.
    pub ids: Vec<u32>,
}

impl TermIds {
    /// The indexes of its terms of `kind`, if these are of the site `site`.
    pub fn of(&self, site: u64, kind: TaxonomyKind) -> Option<&[u32]> {
        if site == 0 || self.site != site {
            return None;
        }
        let k = kind as usize;
        let counts = self.ids.get(..TaxonomyKind::ALL.len())?;
        let start =
            TaxonomyKind::ALL.len() + counts[..k].iter().map(|&n| n as usize).sum::<usize>();
        self.ids.get(start..start + counts[k] as usize)
    }
}

/// A number no site of this process had before (never 0).
pub(super) fn next_site_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Article `a`'s terms in `taxonomies` (by [`TaxonomyKind`] order), each once, in the
/// order named, for the site `site`.
pub(super) fn term_ids_of(taxonomies: &[Taxonomy; 5], a: &Article, site: u64) -> TermIds {
    let kinds = taxonomies.len();
    let mut ids = vec![0u32; kinds];
    for (k, taxonomy) in taxonomies.iter().enumerate() {
        let start = ids.len();
        for slug in &a.term_slugs[k] {
            // `Putin` and `Vladimir Putin` may be one actor: each term once.
            let found = taxonomy
                .index_of_slug(slug)
                .and_then(|i| u32::try_from(i).ok());
            if let Some(i) = found.filter(|i| !ids[start..].contains(i)) {
                ids.push(i);
            }
        }
        ids[k] = (ids.len() - start) as u32;
    }
    TermIds { site, ids }
}
