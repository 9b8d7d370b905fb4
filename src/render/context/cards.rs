//! Splicing: each article's card written into its places on a rendered list page.
//!
//! A list's template renders a few bytes for each card's place (see
//! [`CARD_OPEN`](crate::text::CARD_OPEN)) instead of thousands of cards; the cards,
//! each rendered once per build with [`ROOT_MARK`] for the page's `root`, are written
//! in their places as the page goes to its file, so no list is ever whole in memory.

use super::views::Views;
use crate::text::{CARD_CLOSE, CARD_OPEN, CARD_OPEN_FINDER, ROOT_MARK, ROOT_MARK_FINDER};

impl Views {
    /// Writes each card in its place in a rendered page (see [`CARD_OPEN`]), with
    /// `root` for its links. A page without cards comes back as it was.
    pub fn splice_cards(&self, page: String, root: &str) -> String {
        if CARD_OPEN_FINDER.find(page.as_bytes()).is_none() {
            return page;
        }
        let mut out = Vec::with_capacity(page.len() * 4);
        self.write_spliced(&page, root, &mut out)
            .expect("writing to memory does not fail");
        String::from_utf8(out).expect("pieces of strings cut at char boundaries")
    }

    /// Writes `page` to `out` with each card in its place (see [`CARD_OPEN`]), with
    /// `root` for its links: a list of 100,000 cards goes to its file without ever
    /// being whole in memory.
    pub fn write_spliced(
        &self,
        page: &str,
        root: &str,
        out: &mut impl std::io::Write,
    ) -> std::io::Result<()> {
        let open = CARD_OPEN.len_utf8();
        let mut from = 0;
        let mut last = 0;
        while let Some(at) = CARD_OPEN_FINDER
            .find(&page.as_bytes()[from..])
            .map(|i| from + i)
        {
            let digits = &page[at + open..];
            let end = digits
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(digits.len());
            let card = digits[..end]
                .parse::<usize>()
                .ok()
                .filter(|_| digits[end..].starts_with(CARD_CLOSE))
                .and_then(|i| self.cards.get(i));
            let Some(card) = card else {
                // Not a place (a template cut it); left as it is.
                from = at + open;
                continue;
            };
            out.write_all(&page.as_bytes()[last..at])?;
            let card = card.as_bytes();
            let mut start = 0;
            for mark in ROOT_MARK_FINDER.find_iter(card) {
                out.write_all(&card[start..mark])?;
                out.write_all(root.as_bytes())?;
                start = mark + ROOT_MARK.len_utf8();
            }
            out.write_all(&card[start..])?;
            last = at + open + end + CARD_CLOSE.len_utf8();
            from = last;
        }
        out.write_all(&page.as_bytes()[last..])
    }
}
