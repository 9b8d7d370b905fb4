//! Text rules every stage shares: the leaf of the pipeline, importing nothing of it.
//!
//! What a file may hold (no control characters, no noncharacters), how what editors
//! save is normalised, how text is escaped for HTML, and the renderer's marks: the
//! noncharacters that stand for a card's place and a page's `root` in rendered
//! output. The marks' rule lives here whole: reading a file replaces any noncharacter
//! ([`normalize`]), front matter refuses them ([`forbidden_char`]), Markdown's HTML
//! writes them as references ([`neutralise_marks`]), so only the renderer's own
//! marks ([`CARD_OPEN`], [`CARD_CLOSE`], [`ROOT_MARK`], [`PART_OPEN`], [`PART_BODY`],
//! [`PART_CLOSE`]) ever reach a page before its cards are spliced in.

use memchr::memmem;
use std::sync::LazyLock;

/// Normalises what editors save: drops a UTF-8 byte-order mark, turns CRLF into LF
/// and a noncharacter into U+FFFD (three bytes for three), which keeps every line
/// and column where it was.
pub fn normalize(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    // U+FDD0 to U+FDEF are EF B7 90 to EF B7 AF: looked for as bytes first.
    if memchr::memmem::find(text.as_bytes(), b"\xEF\xB7").is_some()
        && text.contains(is_noncharacter)
    {
        text.replace(is_noncharacter, "\u{FFFD}")
    } else {
        text
    }
}

/// The first character of `s` that no page can hold: the control characters but
/// tab and line feed (C0, DEL and C1, which HTML forbids and XML mostly does too),
/// and the noncharacters.
pub fn forbidden_char(s: &str) -> Option<(usize, char)> {
    // Bytes first (every file is scanned): only a control byte, or the lead byte of
    // a C1 control (0xC2) or of a noncharacter (0xEF), needs a closer look. Blocks
    // with none are passed over whole (the test has no branch, so it runs wide).
    const BLOCK: usize = 64;
    let suspect =
        |b: u8| (b < b' ' && b != b'\t' && b != b'\n') | (b == 0x7f) | (b == 0xc2) | (b == 0xef);
    let bytes = s.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + BLOCK).min(bytes.len());
        if bytes[start..end]
            .iter()
            .fold(false, |any, &b| any | suspect(b))
        {
            for (i, &b) in bytes.iter().enumerate().take(end).skip(start) {
                if !suspect(b) {
                    continue;
                }
                // A lead byte starts a character; a suspect byte inside one (never
                // a control byte, never 0xC2 or 0xEF) is not at a boundary.
                let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
                    continue;
                };
                let bad = (c < ' ' && c != '\t' && c != '\n')
                    || ('\u{7f}'..='\u{9f}').contains(&c)
                    || is_noncharacter(c)
                    || c == '\u{FFFE}'
                    || c == '\u{FFFF}';
                if bad {
                    return Some((i, c));
                }
            }
        }
        start = end;
    }
    None
}

/// How a diagnostic names a character [`forbidden_char`] found.
pub fn describe_forbidden(c: char) -> String {
    match c {
        '\0' => "a NUL byte".to_string(),
        '\u{80}'..='\u{9f}' => format!(
            "the control character U+{:04X} (text decoded from Windows-1252 as Latin-1?)",
            c as u32
        ),
        c if c < ' ' || c == '\u{7f}' => format!("the control character U+{:04X}", c as u32),
        c => format!("the noncharacter U+{:04X}", c as u32),
    }
}

/// The character byte `b` stands for in Windows-1252, the encoding editors' files
/// are most often in when they are not UTF-8. Latin-1 is the same but for 0x80 to
/// 0x9F, control characters there and quotes, dashes and `€` in Windows-1252; its
/// five unused bytes are `None`.
pub fn windows_1252(b: u8) -> Option<char> {
    #[rustfmt::skip]
    const HIGH: [Option<char>; 32] = [
        Some('€'), None, Some('‚'), Some('ƒ'), Some('„'), Some('…'), Some('†'), Some('‡'),
        Some('ˆ'), Some('‰'), Some('Š'), Some('‹'), Some('Œ'), None, Some('Ž'), None,
        None, Some('‘'), Some('’'), Some('“'), Some('”'), Some('•'), Some('–'), Some('—'),
        Some('˜'), Some('™'), Some('š'), Some('›'), Some('œ'), None, Some('ž'), Some('Ÿ'),
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        b => Some(char::from(b)),
    }
}

/// Unicode's noncharacters U+FDD0 to U+FDEF, which no text exchanged between
/// programs has: the renderer marks places in a page with them.
pub fn is_noncharacter(c: char) -> bool {
    ('\u{FDD0}'..='\u{FDEF}').contains(&c)
}

/// Stands for the page's `root` in a card, which is rendered once for every page
/// it appears on; each page puts its own `root` in its place.
///
/// This and the marks of cards' places are Unicode noncharacters: reading a file
/// replaces any it has ([`normalize`]),
/// front matter refuses them, and Markdown's HTML has them as references
/// ([`neutralise_marks`]), so only the renderer puts them on a page.
pub const ROOT_MARK: char = '\u{FDD2}';

/// Opens a card's place on a page: `CARD_OPEN`, the article's index in decimal,
/// [`CARD_CLOSE`]. A list's template renders these few bytes instead of thousands
/// of cards; `Views::splice_cards` (in `render::context::cards`) writes the cards in their places once, so
/// neither the context nor the template's output ever holds a copy of every card.
pub const CARD_OPEN: char = '\u{FDD0}';
/// Closes a card's place; see [`CARD_OPEN`].
pub const CARD_CLOSE: char = '\u{FDD1}';

/// Opens a part of a card that one kind of list leaves out: `PART_OPEN`, the list's
/// key, [`PART_BODY`], the part, [`PART_CLOSE`]. A term's page leaves out the parts
/// keyed by its URL (`actors/vladimir-putin/`: the chip of the actor whose page it
/// is), the home page those keyed `day` (its days are headings). A card's place may
/// name one key after its number (`CARD_OPEN`, `12`, `PART_OPEN`, the key,
/// [`CARD_CLOSE`]); every other list keeps each part and drops the marks. Parts nest.
pub const PART_OPEN: char = '\u{FDD3}';
/// Ends a part's key and starts the part; see [`PART_OPEN`].
pub const PART_BODY: char = '\u{FDD4}';
/// Closes a part of a card; see [`PART_OPEN`].
pub const PART_CLOSE: char = '\u{FDD5}';

/// Searchers for the marks' bytes. A `str` search for a `char` runs `memchr` on its
/// last byte, which HTML has often; these look for the rare first byte.
/// This one finds [`CARD_OPEN`].
pub static CARD_OPEN_FINDER: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| finder(CARD_OPEN));
fn finder(mark: char) -> memmem::Finder<'static> {
    memmem::Finder::new(mark.encode_utf8(&mut [0; 4]).as_bytes()).into_owned()
}

/// HTML written from a user's Markdown, with any noncharacter in it (which a
/// character reference such as `&#xFDD0;` in the Markdown gives) written as a
/// reference again, so that it is never taken for one of the renderer's marks.
pub fn neutralise_marks(html: String) -> String {
    // Every noncharacter starts with the byte 0xEF (U+FDD0…U+FDEF): most pages have
    // none, and a byte search over the page says so.
    if memchr::memchr(0xef, html.as_bytes()).is_none() || !html.contains(is_noncharacter) {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 16);
    for c in html.chars() {
        if is_noncharacter(c) {
            out.push_str(&format!("&#x{:X};", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` cut to at most `max` characters at a word's end, with `…` when cut.
pub fn shorten(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text.into(),
        Some((end, next)) => {
            let cut = if next.is_whitespace() {
                end
            } else {
                text[..end].rfind(char::is_whitespace).unwrap_or(end)
            };
            format!("{}…", text[..cut].trim_end()).into()
        }
    }
}

/// Serialised JSON made safe to embed in HTML or serve beside it: `<`, `>` and `&`
/// as `\u003c`, `\u003e`, `\u0026`. JSON has these characters only inside strings,
/// where the escapes mean the same, so the value is unchanged; no text in it can close
/// a `<script>` or be read as markup by a careless consumer.
pub fn json_html_safe(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Escapes text for HTML content and quoted attributes: `& < > " '`, not `/`, which
/// would turn every URL into `&#x2F;` soup and is not needed for safety.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 16 + 8);
    escape_runs(input, |piece| out.push_str(piece));
    out
}

/// [`escape_html`] into a writer: the templates' autoescaping, which Tera runs on
/// every `{{ value }}` as the page is written.
pub fn escape_html_to(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut result = Ok(());
    escape_runs(input, |piece| {
        if result.is_ok() {
            result = out.write_all(piece.as_bytes());
        }
    });
    result
}

/// Gives `emit` the escaped text in pieces: the runs between special bytes whole
/// (they are all ASCII, so a byte index is always a char boundary), and an entity
/// for each special byte.
fn escape_runs<'a>(input: &'a str, mut emit: impl FnMut(&'a str)) {
    let mut start = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        emit(&input[start..i]);
        emit(entity);
        start = i + 1;
    }
    emit(&input[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_has_quotes_and_dashes_where_latin_1_has_controls() {
        let read =
            |bytes: &[u8]| -> Option<String> { bytes.iter().map(|&b| windows_1252(b)).collect() };
        assert_eq!(
            read(b"\x93no\x94 \x96 it\x92s \x80 5, caf\xe9").as_deref(),
            Some("“no” – it’s € 5, café")
        );
        assert_eq!(windows_1252(0x81), None);
    }

    #[test]
    fn summaries_are_cut_at_a_word_end() {
        assert_eq!(shorten("short enough", 12), "short enough");
        assert_eq!(shorten("one two three", 9), "one two…");
        assert_eq!(shorten("one two, three", 8), "one two,…");
        // No space to cut at: cut at the limit, on a character boundary.
        assert_eq!(shorten("ééééé", 3), "ééé…");
    }

    #[test]
    fn normalize_drops_bom_and_crlf() {
        assert_eq!(normalize("\u{feff}---\r\na: 1\r\n".into()), "---\na: 1\n");
    }

    #[test]
    fn marks_are_noncharacters_that_normalising_replaces() {
        for mark in [
            CARD_OPEN, CARD_CLOSE, ROOT_MARK, PART_OPEN, PART_BODY, PART_CLOSE,
        ] {
            assert!(is_noncharacter(mark));
            let text = format!("a{mark}b");
            assert_eq!(normalize(text.clone()), "a\u{FFFD}b");
            assert_eq!(forbidden_char(&text), Some((1, mark)));
            assert_eq!(neutralise_marks(text), format!("a&#x{:X};b", mark as u32));
        }
    }

    #[test]
    fn escaping_leaves_slashes_and_copies_runs() {
        assert_eq!(
            escape_html("<a href=\"x/y\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x/y&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }
}
