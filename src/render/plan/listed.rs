//! The articles of a list page, as [`super::PageKind::listed`] gives them, and how
//! many pages they take.

use std::ops::Range;

/// The articles of a list: a run of `Site::articles` or a term's own list.
pub enum Listed<'a> {
    /// Consecutive articles.
    Run(Range<usize>),
    /// Articles by index.
    Ids(&'a [usize]),
    /// Articles by index, given newest first and listed oldest first (a story's
    /// timeline).
    Oldest(&'a [usize]),
}

impl Listed<'_> {
    /// How many.
    pub fn len(&self) -> usize {
        match self {
            Listed::Run(r) => r.len(),
            Listed::Ids(ids) | Listed::Oldest(ids) => ids.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The newest article, if any (the first, but for a timeline).
    pub fn first(&self) -> Option<usize> {
        match self {
            Listed::Run(r) => (!r.is_empty()).then_some(r.start),
            Listed::Ids(ids) | Listed::Oldest(ids) => ids.first().copied(),
        }
    }

    /// The indexes of the articles at positions `range`.
    pub fn slice(&self, range: Range<usize>) -> Vec<usize> {
        match self {
            Listed::Run(r) => (r.start + range.start..r.start + range.end).collect(),
            Listed::Ids(ids) => ids[range].to_vec(),
            Listed::Oldest(ids) => {
                let len = ids.len();
                ids[len - range.end..len - range.start]
                    .iter()
                    .rev()
                    .copied()
                    .collect()
            }
        }
    }
}

/// The pages a list of `len` articles takes, `per_page` to a page (all on one when
/// `None`). An empty list still has its first page.
pub fn page_count(len: usize, per_page: Option<usize>) -> u32 {
    match per_page {
        Some(per) if per > 0 => u32::try_from(len.div_ceil(per).max(1)).unwrap_or(u32::MAX),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_is_its_term_s_list_read_from_the_end() {
        // A term's articles, newest first: 2 is the oldest.
        let ids = [0, 1, 2];
        let oldest = Listed::Oldest(&ids);
        assert_eq!(oldest.slice(0..2), [2, 1]);
        assert_eq!(oldest.slice(2..3), [0]);
        assert_eq!((oldest.len(), oldest.first()), (3, Some(0)));
    }
}
