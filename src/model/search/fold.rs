//! Text → search terms, folded exactly as `theme/static/search.js` folds a query:
//! decomposed (NFD), the combining diacritical marks (U+0300–U+036F) dropped,
//! lowercased, and cut into words at every character that is neither alphabetic nor
//! numeric (`[^\p{Alphabetic}\p{N}]`, which is `!char::is_alphanumeric`). A word is
//! kept to its first [`MAX_TERM`] characters on both sides, so a longer query still
//! finds it.
//!
//! An article's body terms are made here once, when its body is rendered, from the
//! HTML its page shows (notes included), and kept on the article: the index is made
//! from them without the bodies, which a one-off build frees as it writes.

use unicode_normalization::UnicodeNormalization;

/// The longest term, in characters; `search.js` cuts query words to the same length.
pub const MAX_TERM: usize = 40;

/// `text` folded: decomposed, the combining diacritical marks dropped, lowercased.
fn fold(text: &str) -> String {
    if text.is_ascii() {
        // ASCII is its own decomposition; only the case changes.
        return text.to_ascii_lowercase();
    }
    // In search.js's order: the whole text lowercased after the marks are gone, so a
    // final sigma is judged as the browser judges it.
    let stripped: String = text
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect();
    stripped.to_lowercase()
}

/// The terms of folded text, in order (repeats included).
fn terms_of(folded: &str) -> Terms<'_> {
    Terms {
        text: folded,
        at: 0,
        ascii: folded.is_ascii(),
    }
}

/// The iterator of [`terms_of`]: ASCII text a byte at a time, any other a character
/// at a time.
struct Terms<'a> {
    text: &'a str,
    at: usize,
    ascii: bool,
}

impl<'a> Iterator for Terms<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = &self.text[self.at..];
        if self.ascii {
            let bytes = rest.as_bytes();
            let start = bytes.iter().position(u8::is_ascii_alphanumeric)?;
            let len = bytes[start..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(bytes.len() - start);
            self.at += start + len;
            return Some(&rest[start..start + len.min(MAX_TERM)]);
        }
        let start = rest.find(char::is_alphanumeric)?;
        let len = rest[start..]
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len() - start);
        self.at += start + len;
        Some(cut(&rest[start..start + len]))
    }
}

/// Calls `f` with each term of `text`, folded, in order (repeats included).
pub fn each_term(text: &str, mut f: impl FnMut(&str)) {
    terms_of(&fold(text)).for_each(&mut f);
}

/// `w` to its first [`MAX_TERM`] characters.
fn cut(w: &str) -> &str {
    match w.char_indices().nth(MAX_TERM) {
        Some((at, _)) => &w[..at],
        None => w,
    }
}

/// The terms of `text`, folded, each once, sorted, joined by spaces: how an article
/// keeps its body's terms (one allocation, a few KB at most).
pub fn term_set(text: &str) -> String {
    let folded = fold(text);
    // A body of 600 words has a few hundred different ones: those alone are sorted.
    // Room for them from the start: a set grown as it fills (8, 16, … 1,024) hashed
    // each term again at every step.
    let mut unique = rustc_hash::FxHashSet::<&str>::with_capacity_and_hasher(
        (folded.len() / 16).min(1 << 14),
        Default::default(),
    );
    unique.extend(terms_of(&folded));
    let mut terms: Vec<&str> = unique.into_iter().collect();
    terms.sort_unstable();
    terms.join(" ")
}

/// Where the notes listed again at the end of a body start (`content::notes`): their
/// text is already in the body, beside the passage each annotates.
const END_NOTES: &str = "<section class=\"notes\"";

/// Elements whose text is furniture, not the article's words: a note's number, its
/// marker, its kind's label ("Analysis"), scripts and styles. Each by the start of
/// its opening tag.
const FURNITURE: [&str; 6] = [
    "<sup class=\"note-ref",
    "<label class=\"note-mark\"",
    "<span class=\"note-number\"",
    "<span class=\"note-kind\"",
    "<script",
    "<style",
];

/// Elements inside a word: `un<em>usual</em>` is one word. Any other tag parts words.
const INLINE: [&str; 14] = [
    "a", "abbr", "b", "code", "del", "em", "i", "ins", "mark", "s", "small", "span", "strong", "u",
];

/// The words of a rendered body (its HTML, as its page shows it): tags dropped,
/// character references decoded, the furniture of notes left out.
pub fn text_of_html(html: &str) -> String {
    let html = match html.rfind(END_NOTES) {
        Some(at) => &html[..at],
        None => html,
    };
    let mut out = String::with_capacity(html.len() / 2);
    let bytes = html.as_bytes();
    // Inside an element of FURNITURE: its name and how deep.
    let mut skip: Option<(&str, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let Some(off) = memchr::memchr2(b'<', b'&', &bytes[i..]) else {
            if skip.is_none() {
                out.push_str(&html[i..]);
            }
            break;
        };
        if skip.is_none() {
            out.push_str(&html[i..i + off]);
        }
        i += off;
        if bytes[i] == b'&' {
            let (decoded, len) = reference(&html[i..]);
            if skip.is_none() {
                out.push(decoded);
            }
            i += len;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
            out.push(' ');
            continue;
        }
        let end = memchr::memchr(b'>', &bytes[i..]).map_or(bytes.len(), |e| i + e + 1);
        let tag = &html[i..end];
        i = end;
        let closing = tag.starts_with("</");
        let name_at = if closing { 2 } else { 1 };
        let name_len = tag[name_at..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len() - name_at);
        let name = &tag[name_at..name_at + name_len];
        match &mut skip {
            Some((open, depth)) if name.eq_ignore_ascii_case(open) => {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skip = None;
                    }
                } else if !tag.ends_with("/>") {
                    *depth += 1;
                }
            }
            Some(_) => {}
            None if !closing && FURNITURE.iter().any(|f| tag.starts_with(f)) => {
                skip = Some((name, 1));
            }
            None => {}
        }
        if !INLINE.iter().any(|t| name.eq_ignore_ascii_case(t)) {
            out.push(' ');
        }
    }
    out
}

/// The character a reference at the start of `s` stands for (a space for one that
/// parts words, or is not known), and the reference's length. Those pulldown-cmark
/// writes, numeric ones and a few common names are decoded.
fn reference(s: &str) -> (char, usize) {
    let Some(semi) = s.get(1..s.len().min(12)).and_then(|r| r.find(';')) else {
        return (' ', 1);
    };
    let name = &s[1..1 + semi];
    let len = semi + 2;
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => match name.strip_prefix('#') {
            Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16)
                .ok()
                .and_then(char::from_u32),
            Some(dec) => dec.parse().ok().and_then(char::from_u32),
            None => None,
        },
    };
    (c.unwrap_or(' '), len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut all = Vec::new();
        each_term(text, |t| all.push(t.to_string()));
        all
    }

    #[test]
    fn text_is_folded_as_search_js_folds_a_query() {
        assert_eq!(
            terms("Ceasefire, São Paulo!"),
            ["ceasefire", "sao", "paulo"]
        );
        assert_eq!(terms("Zürich’s ÉLAN"), ["zurich", "s", "elan"]);
        assert_eq!(terms("ΟΔΟΣ Путин 2017"), ["οδος", "путин", "2017"]);
        let long = "a".repeat(50);
        assert_eq!(terms(&long), ["a".repeat(MAX_TERM)]);
        assert_eq!(terms(&"é".repeat(50)), ["e".repeat(MAX_TERM)]);
    }

    #[test]
    fn a_body_is_read_without_its_tags_or_the_furniture_of_its_notes() {
        let html = concat!(
            "<p>Talks in <a href=\"../x/\">Astana</a> &amp; Geneva&#8217;s un<em>usual</em> end.",
            "<span class=\"note note-analysis\"><sup class=\"note-ref\"><a id=\"ref-1\" href=\"#note-1\">1</a></sup>",
            "<label class=\"note-mark\" for=\"t\" hidden><span class=\"visually-hidden\">Analysis note </span>1</label>",
            "<span class=\"note-body\" role=\"note\" hidden><span class=\"note-number\">1</span> ",
            "<span class=\"note-kind\">Analysis</span> <span class=\"note-p\">Pipeline politics.</span></span></span></p>",
            "<p>Next</p><section class=\"notes\" aria-labelledby=\"notes-heading\"><h2>Notes</h2></section>"
        );
        let text = text_of_html(html);
        assert_eq!(
            terms(&text),
            [
                "talks", "in", "astana", "geneva", "s", "unusual", "end", "pipeline", "politics",
                "next"
            ]
        );
    }

    #[test]
    fn a_term_set_is_sorted_and_once_each() {
        assert_eq!(term_set("b a B c a"), "a b c");
        assert_eq!(term_set(""), "");
    }
}
