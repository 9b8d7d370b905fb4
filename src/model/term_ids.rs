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

/// An article's term slugs by [`TaxonomyKind`], in the order its front matter names
/// them (a slug may come twice: `Putin` and `Vladimir Putin`), made once when its
/// file is read. Held in one string: an article is held for the whole build, and
/// nine or so slugs each in its own allocation, in five lists, were 500 bytes of it
/// (5 MB at 10,000 articles).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TermSlugs {
    /// Every slug, kind after kind.
    text: Box<str>,
    /// Where each slug ends in `text`.
    ends: Box<[u32]>,
    /// How many slugs there are up to the end of each kind (an index into `ends`).
    kind_ends: [u32; 5],
}

impl TermSlugs {
    /// The slugs of each kind, by [`TaxonomyKind`] order.
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<str>>(kinds: [I; 5]) -> TermSlugs {
        let mut text = String::new();
        let mut ends = Vec::new();
        let mut kind_ends = [0; 5];
        for (k, slugs) in kinds.into_iter().enumerate() {
            for slug in slugs {
                text.push_str(slug.as_ref());
                ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
            }
            kind_ends[k] = u32::try_from(ends.len()).unwrap_or(u32::MAX);
        }
        TermSlugs {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
            kind_ends,
        }
    }

    /// The slugs of `kind`, in order.
    pub fn of(&self, kind: TaxonomyKind) -> impl ExactSizeIterator<Item = &str> + Clone + '_ {
        let k = kind as usize;
        let end = (self.kind_ends[k] as usize).min(self.ends.len());
        let start = match k {
            0 => 0,
            _ => (self.kind_ends[k - 1] as usize).min(end),
        };
        (start..end).map(|i| self.slug(i))
    }

    /// The `i`th slug of all.
    fn slug(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |j| self.ends[j] as usize);
        // Slugs made by `new` end on character boundaries; one read from a damaged
        // cache is empty rather than a panic.
        self.text
            .get(start..self.ends[i] as usize)
            .unwrap_or_default()
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
        for slug in a.term_slugs.of(taxonomy.kind) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_back_by_kind_in_order_with_empty_kinds_and_repeats() {
        let slugs = TermSlugs::new([
            vec![],
            vec!["vladimir-putin", "putin", "putin"],
            vec!["ap"],
            vec![],
            vec!["talks", "", "ceasefire-é"],
        ]);
        let of = |k| slugs.of(k).collect::<Vec<_>>();
        assert_eq!(of(TaxonomyKind::ALL[0]), Vec::<&str>::new());
        assert_eq!(
            of(TaxonomyKind::ALL[1]),
            ["vladimir-putin", "putin", "putin"]
        );
        assert_eq!(slugs.of(TaxonomyKind::ALL[1]).len(), 3);
        assert_eq!(of(TaxonomyKind::ALL[2]), ["ap"]);
        assert_eq!(of(TaxonomyKind::ALL[3]), Vec::<&str>::new());
        assert_eq!(of(TaxonomyKind::ALL[4]), ["talks", "", "ceasefire-é"]);
        // Kept in the build cache: the same slugs after a round trip.
        let bytes = postcard::to_allocvec(&slugs).unwrap();
        assert_eq!(postcard::from_bytes::<TermSlugs>(&bytes).unwrap(), slugs);
    }

    /// Values that no `new` makes (a damaged cache that still decodes) give empty
    /// or missing slugs, never a panic.
    #[test]
    fn slugs_that_do_not_add_up_are_read_without_a_panic() {
        let damaged = TermSlugs {
            text: "ab\u{e9}".into(),
            ends: vec![1, 3, 99].into(),
            kind_ends: [2, 1, 7, 0, 3],
        };
        let all: Vec<Vec<&str>> = TaxonomyKind::ALL
            .iter()
            .map(|&k| damaged.of(k).collect())
            .collect();
        assert_eq!(all[0], ["a", ""]);
        assert!(all[1].is_empty() && all[3].is_empty());
        assert_eq!(all[2], ["", ""]);
        assert_eq!(all[4], ["a", "", ""]);
    }
}
