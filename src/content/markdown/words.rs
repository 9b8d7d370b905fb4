//! A body's summary (its first top-level paragraph, as plain text) and word count.

use super::*;

/// The first top-level paragraph as plain text, and the words of the body.
pub(super) fn summary_and_words(events: &[Event<'_>]) -> (String, usize) {
    let mut first_paragraph = None::<String>;
    let mut paragraph: Option<String> = None;
    let mut depth = 0usize;
    let mut word_count = 0;
    for event in events {
        match event {
            Event::Start(Tag::Paragraph) if depth == 0 && first_paragraph.is_none() => {
                paragraph = Some(String::new())
            }
            Event::End(TagEnd::Paragraph) if depth == 0 => {
                if let Some(p) = paragraph.take() {
                    let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !p.is_empty() {
                        first_paragraph = Some(p);
                    }
                }
            }
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Table(_) | Tag::HtmlBlock) => {
                depth += 1
            }
            Event::End(
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Table | TagEnd::HtmlBlock,
            ) => depth = depth.saturating_sub(1),
            // A callout, opened and closed as HTML.
            Event::Html(h) if h.starts_with("<div class=\"callout") => depth += 1,
            Event::Html(h) if h.as_ref() == "</div>\n" => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                word_count += count_words(t);
                if let Some(p) = paragraph.as_mut() {
                    p.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(p) = paragraph.as_mut() {
                    p.push(' ');
                }
            }
            _ => {}
        }
    }
    (first_paragraph.unwrap_or_default(), word_count)
}

/// The words of `text`, as `split_whitespace().count()` counts them, without
/// decoding every character. Blocks of 64 bytes with no byte that can start a
/// Unicode space (U+0085, U+00A0, U+1680, U+2000…U+3000) are counted as bit masks;
/// elsewhere only those lead bytes are decoded.
pub(super) fn count_words(text: &str) -> usize {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let (mut words, mut in_word, mut i) = (0, false, 0);
    while i < bytes.len() {
        if let Some(block) = bytes.get(i..i + BLOCK) {
            let (mut spaces, mut special) = (0u64, false);
            for (k, &b) in block.iter().enumerate() {
                spaces |= u64::from(b == b' ' || (b'\t'..=b'\r').contains(&b)) << k;
                special |= matches!(b, 0xc2 | 0xe1 | 0xe2 | 0xe3);
            }
            if !special {
                // A word starts at each byte that is not a space after one that is.
                let after_space = (spaces << 1) | u64::from(!in_word);
                words += (!spaces & after_space).count_ones() as usize;
                in_word = spaces >> (BLOCK - 1) == 0;
                i += BLOCK;
                continue;
            }
        }
        // One character at a time to the end of this block (or of the text): any
        // byte but those leads is part of a word, a continuation byte included.
        let end = (i + BLOCK).min(bytes.len());
        while i < end {
            let b = bytes[i];
            let (space, len) = match b {
                b' ' | b'\t'..=b'\r' => (true, 1),
                0xc2 | 0xe1 | 0xe2 | 0xe3 => match text[i..].chars().next() {
                    Some(c) => (c.is_whitespace(), c.len_utf8()),
                    None => (false, 1),
                },
                _ => (false, 1),
            };
            if !space && !in_word {
                words += 1;
            }
            in_word = !space;
            i += len;
        }
    }
    words
}
