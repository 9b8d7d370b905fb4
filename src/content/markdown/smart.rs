//! Smart punctuation for the text of front matter that pages show as prose (the
//! headline, a written summary, key points), so it reads as the body does: `'` and
//! `"` curled, `--` and `---` as dashes, `...` as an ellipsis.
//!
//! It is pulldown-cmark's own smart punctuation, the one bodies get, so a quote
//! curls the same way in a headline and in the text under it. Nothing else of
//! Markdown applies: every other character Markdown reads (`*`, `_`, `[`, `<`, `&`,
//! `\`, …) is escaped first, and so is the start of a line that would begin a list
//! or a rule (`1. FC Köln`, `- x`, `---`).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// `text` with smart punctuation, and otherwise as written.
pub fn smart_punctuation(text: &str) -> String {
    if !text.contains(['\'', '"', '-', '.']) {
        return text.to_string();
    }
    text.split_inclusive('\n').map(line).collect()
}

/// One line (with its line end, if any).
fn line(line: &str) -> String {
    let body = line.trim();
    if body.is_empty() {
        return line.to_string();
    }
    let lead = &line[..line.len() - line.trim_start().len()];
    let trail = &line[lead.len() + body.len()..];
    // A line of dashes is a rule: kept as it is.
    if body.chars().all(|c| matches!(c, '-' | ' ' | '\t')) {
        return line.to_string();
    }
    // A list's marker: a dash, or a number of up to nine digits and a dot, at the
    // line's start and followed by a space or nothing.
    let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker = match body.as_bytes()[digits..] {
        [b'.', ..] if (1..=9).contains(&digits) => Some(digits),
        [b'-', ..] if digits == 0 => Some(0),
        _ => None,
    }
    .filter(|&at| matches!(body.as_bytes().get(at + 1), None | Some(b' ' | b'\t')));
    let mut md = String::with_capacity(body.len() + 8);
    for (i, c) in body.char_indices() {
        let markdown = c.is_ascii_punctuation() && !matches!(c, '\'' | '"' | '-' | '.');
        if markdown || marker == Some(i) {
            md.push('\\');
        }
        md.push(c);
    }
    let mut out = String::with_capacity(line.len() + 8);
    out.push_str(lead);
    for event in Parser::new_ext(&md, Options::ENABLE_SMART_PUNCTUATION) {
        match event {
            Event::Text(t) => out.push_str(&t),
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            // Not what was escaped for: the line as written is safer than a guess.
            _ => return line.to_string(),
        }
    }
    out.push_str(trail);
    out
}

#[cfg(test)]
mod tests {
    use super::smart_punctuation as smart;

    /// Regression (issue 21): headlines kept straight apostrophes while the bodies
    /// under them got curly ones.
    #[test]
    fn quotes_dashes_and_ellipses_are_made_as_in_a_body() {
        assert_eq!(smart("Russia's \"red line\""), "Russia’s “red line”");
        assert_eq!(smart("'Safe zones' -- or not"), "‘Safe zones’ – or not");
        assert_eq!(smart("Talks --- and then..."), "Talks — and then…");
        assert_eq!(smart("the '90s"), "the ’90s");
    }

    #[test]
    fn nothing_else_of_markdown_applies() {
        for text in [
            "*Not* emphasis, _nor_ this, `nor code` & <b>no HTML</b>",
            "[[Vladimir Putin]] [a](b) [^note] \\ backslash",
            "1. FC Köln beat 2017.",
            "- not a list",
            "# not a heading",
            "> not a quote",
            "+ not a list",
            "---",
            "| a | b |",
            "    indented",
            "&amp; stays &amp;",
            "line one\nline two",
            "Plain headline",
            "",
        ] {
            assert_eq!(smart(text), text, "{text}");
        }
        assert_eq!(smart("1. FC Köln's cup"), "1. FC Köln’s cup");
        assert_eq!(smart("- it's a dash"), "- it’s a dash");
        assert_eq!(smart("  padded 'quote'  "), "  padded ‘quote’  ");
    }
}
