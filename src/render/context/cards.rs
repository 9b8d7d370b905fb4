//! Splicing: each article's card written into its places on a rendered list page.
//!
//! A list's template renders a few bytes for each card's place (see
//! [`CARD_OPEN`](crate::text::CARD_OPEN)) instead of thousands of cards; the cards,
//! each rendered once per build with [`ROOT_MARK`] for the page's `root`, are written
//! in their places as the page goes to its file, so no list is ever whole in memory.
//! A place may name the parts of the card its list leaves out (see [`PART_OPEN`]):
//! the chip of the actor whose page it is, the date under a day's heading. So one
//! card serves every list, and leaving a part out costs a comparison.
//!
//! The places are in the entries a list's template is given ([`Views::items`],
//! [`Views::editions`]): each a card's place and the few fields of the article a list
//! shows around it, made once a build ([`list_values`]).

use super::tera_value::map_with;
use super::views::{Views, DAY_PART, KEPT_CARD_UNREADABLE};
use crate::diagnostics::Diagnostic;
use crate::model::article::Article;
use crate::model::site::Site;
use crate::text::{
    CARD_CLOSE, CARD_OPEN, CARD_OPEN_FINDER, PART_BODY, PART_CLOSE, PART_OPEN, ROOT_MARK,
};
use serde_json::json;

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
            let place = &page[at + open..];
            let digits = place
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(place.len());
            let (omit, end) = match place[digits..].strip_prefix(PART_OPEN) {
                Some(key) => match key.find(CARD_CLOSE) {
                    Some(len) => (Some(&key[..len]), digits + PART_OPEN.len_utf8() + len),
                    None => (None, digits),
                },
                None => (None, digits),
            };
            let card = place[..digits]
                .parse::<usize>()
                .ok()
                .filter(|_| place[end..].starts_with(CARD_CLOSE))
                .and_then(|i| self.cards.get(i));
            let Some(card) = card else {
                // Not a place (a template cut it); left as it is.
                from = at + open;
                continue;
            };
            out.write_all(&page.as_bytes()[last..at])?;
            match card.html() {
                Ok(card) => write_card(&card, root, omit, out)?,
                // The page is wrong without it: the build fails with the problem,
                // and a one-off build is made again without the kept cards.
                Err(e) => self.kept_problem(
                    Diagnostic::general(format!("{KEPT_CARD_UNREADABLE}: {e}"))
                        .help("remove the folder .briefing-cache/build/cards and build again"),
                ),
            }
            last = at + open + end + CARD_CLOSE.len_utf8();
            from = last;
        }
        out.write_all(&page.as_bytes()[last..])
    }
}

/// A list entry, its fields declared in key order (as every other map of a context):
/// `card`, then the article's [`LIST_FIELDS`](super::views::LIST_FIELDS). Serialised, its map is made once, each
/// field a reference count; a `tera::Map` made first and then made a value was
/// built twice (Tera's `From<Map>` inserts every entry again).
#[derive(serde::Serialize)]
struct Entry<'a> {
    card: &'a str,
    date: &'a tera::Value,
    datetime: &'a tera::Value,
    title: &'a tera::Value,
    url: &'a tera::Value,
}

/// An entry: `card`, the place of a card, and `values`, an article's
/// [`LIST_FIELDS`](super::views::LIST_FIELDS) in that order.
fn entry(card: &str, values: &[tera::Value; 4]) -> tera::Value {
    let [title, url, date, datetime] = values;
    tera::Value::from_serializable(&Entry {
        card,
        date,
        datetime,
        title,
        url,
    })
}

/// The list entries that a list's template shows in place of its cards.
impl Views {
    /// The list entries of articles `ids`: each the place of its `card` (the
    /// article's item rendered through [`CARD_TEMPLATE`], written in by
    /// [`Views::splice_cards`] without its parts keyed `omit`) and the few fields a
    /// list needs around it. A list of 10,000 articles costs 10,000 small values,
    /// not 10,000 cards or deep copies.
    pub(super) fn items(&self, ids: &[usize], omit: Option<&str>) -> tera::Value {
        tera::Value::from(
            ids.iter()
                .map(|&i| self.list_entry(i, omit))
                .collect::<Vec<_>>(),
        )
    }

    /// Article `i`'s list entry: the place of its card (written in by
    /// [`Views::splice_cards`], without the parts keyed `omit`) and its
    /// [`LIST_FIELDS`](super::views::LIST_FIELDS). A session keeps the entries lists without a part left out
    /// and editions show ([`Views::entries`]): a title edit's home page of 10,000
    /// entries clones them rather than making them again.
    fn list_entry(&self, i: usize, omit: Option<&str>) -> tera::Value {
        let slot = match omit {
            None => Some(0),
            Some(DAY_PART) => Some(1),
            Some(_) => None,
        };
        match slot.and_then(|s| self.entries.get(i).map(|kept| &kept[s])) {
            Some(kept) => kept.get_or_init(|| self.make_entry(i, omit)).clone(),
            None => self.make_entry(i, omit),
        }
    }

    fn make_entry(&self, i: usize, omit: Option<&str>) -> tera::Value {
        let card = match omit {
            Some(key) => format!("{CARD_OPEN}{i}{PART_OPEN}{key}{CARD_CLOSE}"),
            None => format!("{CARD_OPEN}{i}{CARD_CLOSE}"),
        };
        entry(&card, &self.list_values[i])
    }

    /// Articles `ids` (newest first) grouped by day; their cards leave out the date
    /// their day's heading shows.
    pub(super) fn editions(&self, site: &Site, ids: &[usize]) -> tera::Value {
        let day = |i: usize| site.articles[i].front.date.day();
        let editions: Vec<tera::Value> = ids
            .chunk_by(|&a, &b| day(a) == day(b))
            .map(|run| {
                let d = day(run[0]);
                map_with(
                    json!({ "date": d.to_string(), "label": d.format("%A %-d %B %Y").to_string() }),
                    vec![("articles", self.items(run, Some(DAY_PART)))],
                )
            })
            .collect();
        tera::Value::from(editions)
    }
}

/// An article's [`LIST_FIELDS`](super::views::LIST_FIELDS) as Tera values, made once a build: every list that
/// shows the article clones them (a reference count), where making them anew for
/// each of its ten or so lists cost a title edit's preview 14% of its time.
pub(super) fn list_values(a: &Article) -> [tera::Value; 4] {
    super::views::list_fields(a).map(tera::Value::from)
}

/// Writes one card: `root` for each [`ROOT_MARK`], the parts keyed `omit` left out,
/// every other part kept without its marks.
fn write_card(
    card: &str,
    root: &str,
    omit: Option<&str>,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let bytes = card.as_bytes();
    // How many parts deep inside one left out (0: writing).
    let mut skipping = 0usize;
    let mut start = 0;
    // Every mark starts with the byte 0xEF, which starts a character wherever it is
    // (and English text hardly has): one pass of `memchr` over the card finds them.
    for at in memchr::memchr_iter(0xef, bytes) {
        if at < start {
            continue;
        }
        let mark = card[at..].chars().next().unwrap_or_default();
        if ![ROOT_MARK, PART_OPEN, PART_BODY, PART_CLOSE].contains(&mark) {
            continue;
        }
        let after = at + mark.len_utf8();
        if skipping == 0 {
            out.write_all(&bytes[start..at])?;
        }
        start = after;
        match mark {
            ROOT_MARK if skipping == 0 => out.write_all(root.as_bytes())?,
            PART_OPEN => {
                let Some(len) = card[after..].find(PART_BODY) else {
                    continue;
                };
                let key = &card[after..after + len];
                if skipping > 0 || omit == Some(key) {
                    skipping += 1;
                }
                start = after + len + PART_BODY.len_utf8();
            }
            PART_CLOSE => skipping = skipping.saturating_sub(1),
            _ => {}
        }
    }
    if skipping == 0 {
        out.write_all(&bytes[start..])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::views::LIST_FIELDS;
    use super::*;

    #[test]
    fn a_list_entry_has_card_and_the_list_fields_in_key_order() {
        let values: Vec<_> = LIST_FIELDS
            .iter()
            .map(|f| tera::Value::from(format!("the {f}")))
            .collect();
        let entry = entry("place", &values.try_into().unwrap());
        let map = entry.as_map().unwrap();
        let keys: Vec<&str> = map.keys().map(|k| k.as_str().unwrap()).collect();
        let mut expected = vec!["card"];
        expected.extend(LIST_FIELDS);
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(map[&tera::value::Key::Str("card")].as_str(), Some("place"));
        for field in LIST_FIELDS {
            assert_eq!(
                map[&tera::value::Key::Str(field)].as_str(),
                Some(format!("the {field}").as_str())
            );
        }
    }

    fn card(text: &str, omit: Option<&str>) -> String {
        let mut out = Vec::new();
        write_card(text, "../", omit, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// `<` for PART_OPEN, `|` for PART_BODY, `>` for PART_CLOSE, `~` for ROOT_MARK.
    fn marked(text: &str) -> String {
        text.replace('<', &PART_OPEN.to_string())
            .replace('|', &PART_BODY.to_string())
            .replace('>', &PART_CLOSE.to_string())
            .replace('~', &ROOT_MARK.to_string())
    }

    #[test]
    fn a_list_leaves_out_the_parts_of_its_key_and_keeps_the_others() {
        let text = marked("[<day|6 July · >~s/] <a/|[~a/]><b/|[~b/]>");
        assert_eq!(card(&text, None), "[6 July · ../s/] [../a/][../b/]");
        assert_eq!(card(&text, Some("day")), "[../s/] [../a/][../b/]");
        assert_eq!(card(&text, Some("a/")), "[6 July · ../s/] [../b/]");
        assert_eq!(card(&text, Some("c/")), card(&text, None));
    }

    #[test]
    fn parts_nest_and_a_broken_mark_is_dropped() {
        // The whole list is a part when it has one chip: left out with it.
        let text = marked("(<a/|{<a/|~a/>}>)");
        assert_eq!(card(&text, Some("a/")), "()");
        assert_eq!(card(&text, None), "({../a/})");
        let nested = marked("(<x|1<a/|2>3>4)");
        assert_eq!(card(&nested, Some("x")), "(4)");
        assert_eq!(card(&nested, Some("a/")), "(134)");
        // An open mark with no key's end, a stray end: dropped, the text kept.
        assert_eq!(card(&marked("a<b"), Some("b")), "ab");
        assert_eq!(card(&marked("a|b>c"), None), "abc");
        // Characters that share the marks' first bytes are not marks.
        assert_eq!(card("ﷺ﷽~", None), "ﷺ﷽~");
    }
}
