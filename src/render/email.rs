//! An edition as email: what mail clients need of its HTML and text, and the message.
//!
//! Mail clients are not browsers: they drop `<style>` blocks, scripts and forms,
//! resolve no relative link, and ignore `srcset` and WebP. So the email's HTML,
//! rendered from the `email.html` template, has every style inlined by
//! `css-inline` (only the dark-mode media query, which no attribute can hold, stays
//! in a `<style>`), and every article body that enters it is cleaned by `ammonia`
//! first, its links made absolute. The text is wrapped at 72 columns by `textwrap`.
//! The message (`edition.eml`) is built by `mail-builder` and is the same bytes for
//! the same content: its `Date` is the edition's day at `send_at`, its boundary and
//! `Message-ID` come from a hash of the day and the content.

use crate::config::{Config, Mailbox};
use crate::model::edition::Edition;
use sha2::{Digest, Sha256};

/// The columns the plain-text email is wrapped at.
pub const TEXT_WIDTH: usize = 72;

/// A body as email may carry it: the notes' in-sentence copies (the marker, the
/// toggle and the note beside the passage) taken out, since the numbered end notes
/// carry them; then cleaned by ammonia: no script, style, iframe, form, input or
/// event attribute, no id or class; relative links resolved against `base` (the
/// article's absolute URL); images only of JPEG or PNG, without `srcset`.
pub fn clean_body(html: &str, base: &url::Url) -> String {
    let html = drop_beside_notes(html);
    ammonia::Builder::default()
        .add_clean_content_tags(["label", "iframe", "form", "select", "textarea", "object"])
        .url_relative(ammonia::UrlRelative::RewriteWithBase(base.clone()))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("img", "src") if !is_jpeg_or_png(value) => None,
            _ => Some(value.into()),
        })
        .clean(&html)
        .to_string()
}

/// Whether an image's URL names a JPEG or PNG file, the formats every mail client
/// shows.
fn is_jpeg_or_png(src: &str) -> bool {
    let path = src
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    [".jpg", ".jpeg", ".png"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

/// The theme's marker of a note's body beside its passage (see
/// `crate::content::notes`): what email leaves out, with the marker and toggle.
const BESIDE: &str = r#"<span class="note-body" role="note" hidden>"#;

/// `html` without the bodies of notes written beside their passage. The markup is
/// this program's own (`Note::beside`), so spans nest: the body ends at the `</span>`
/// that closes its opening one. (The marker and toggle go with ammonia.)
fn drop_beside_notes(html: &str) -> std::borrow::Cow<'_, str> {
    if !html.contains(BESIDE) {
        return html.into();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(BESIDE) {
        out.push_str(&rest[..at]);
        let mut depth = 0usize;
        let mut i = at;
        loop {
            let next_open = rest[i..].find("<span").map(|n| n + i);
            let next_close = rest[i..].find("</span>").map(|n| n + i);
            match (next_open, next_close) {
                (Some(o), Some(c)) if o < c => {
                    depth += 1;
                    i = o + 5;
                }
                (_, Some(c)) => {
                    depth = depth.saturating_sub(1);
                    i = c + "</span>".len();
                    if depth == 0 {
                        break;
                    }
                }
                // Unbalanced: the rest is dropped rather than shown twice.
                (_, None) => {
                    i = rest.len();
                    break;
                }
            }
        }
        rest = &rest[i..];
    }
    out.push_str(rest);
    out.into()
}

/// The email's HTML with its styles inlined. `<style>` blocks are read and removed;
/// their media queries (dark mode) stay in one, the only place they can be. Inlined
/// styles are written `color:#123456`, without the space after a property's colon or
/// the last semicolon: every element carries its own, a few per element.
pub fn inline(html: &str) -> Result<String, String> {
    css_inline::CSSInliner::options()
        .keep_at_rules(true)
        .minify_css(true)
        .load_remote_stylesheets(false)
        .build()
        .inline(html)
        .map_err(|e| e.to_string())
}

/// `text` with every line longer than [`TEXT_WIDTH`] wrapped, its continuation
/// lines indented as far as its text starts (after a list's `- ` or `1. `). Words are
/// never broken, not even at their hyphens: a URL longer than a line stays whole.
/// Lines are filled first fit and broken at spaces, as mail clients and `fmt -s` do;
/// Chinese and Japanese, written without spaces, also break between their characters
/// where Unicode's line breaking allows ([`cjk_words`]). Optimal fit with Unicode line
/// breaking for every line, `textwrap`'s defaults, cost 4% of a build's CPU at 100,000
/// articles for evener right edges.
pub fn wrap(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for line in text.lines() {
        let line = line.trim_end();
        if unicode_width(line) <= TEXT_WIDTH {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let marker = line[indent..]
            .split_once(' ')
            .filter(|(m, _)| {
                *m == "-"
                    || *m == "*"
                    || m.strip_suffix('.')
                        .is_some_and(|n| n.parse::<u32>().is_ok())
                    || (m.starts_with('[') && m.ends_with(']'))
            })
            .map_or(0, |(m, _)| m.len() + 1);
        let hang = " ".repeat(indent + marker);
        let options = textwrap::Options::new(TEXT_WIDTH)
            .subsequent_indent(&hang)
            .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
            .word_separator(match line.chars().any(written_without_spaces) {
                true => textwrap::WordSeparator::Custom(cjk_words),
                false => textwrap::WordSeparator::AsciiSpace,
            })
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .break_words(false);
        for piece in textwrap::wrap(line, options) {
            out.push_str(piece.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Whether `c` is Chinese or Japanese, whose words are not parted by spaces: the
/// ideographs, kana, their punctuation, full-width and vertical forms. (Thai, Lao,
/// Khmer and Myanmar need a dictionary to find their breaks, which `textwrap` is
/// built without: their lines break at their spaces.)
fn written_without_spaces(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{A4CF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE10}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{1B000}'..='\u{1B16F}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// The words of a line with Chinese or Japanese in it: its pieces between spaces, and
/// each piece in those scripts cut again where Unicode's line breaking allows. A piece
/// with `://` in it is a URL and stays whole (Unicode would break it after a `/`).
fn cjk_words(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    use textwrap::WordSeparator::{AsciiSpace, UnicodeBreakProperties};
    Box::new(AsciiSpace.find_words(line).flat_map(|piece| {
        if piece.word.contains("://") || !piece.word.chars().any(written_without_spaces) {
            return vec![piece];
        }
        let mut parts: Vec<_> = UnicodeBreakProperties.find_words(piece.word).collect();
        if let Some(last) = parts.last_mut() {
            last.whitespace = piece.whitespace;
        }
        parts
    }))
}

fn unicode_width(s: &str) -> usize {
    textwrap::core::display_width(s)
}

/// What an edition's message is made of.
pub struct Message<'a> {
    /// The site's configuration: `[editions]` and the time zone.
    pub config: &'a Config,
    /// The edition.
    pub edition: &'a Edition,
    /// The subject, rendered.
    pub subject: &'a str,
    /// `email.html`, as written.
    pub html: &'a str,
    /// `email.txt`, as written.
    pub text: &'a str,
}

impl Message<'_> {
    /// `edition.eml`: `multipart/alternative` of the text and the HTML (in that order:
    /// the last is the richest), with `Subject`, `From`, `To`, `Date`, `Message-ID` and
    /// `List-Unsubscribe` when configured. `None` without a sender and a list.
    pub fn build(&self) -> Option<Vec<u8>> {
        let editions = &self.config.editions;
        let (from, to) = (editions.from.as_ref()?, editions.to.as_ref()?);
        let digest = self.digest();
        let mut message = mail_builder::MessageBuilder::new()
            .from(address(from))
            .to(address(to))
            .subject(self.subject)
            .message_id(format!(
                "edition-{}-{}@{}",
                self.edition.day,
                &digest[..24],
                from.domain()
            ))
            .header("Date", mail_builder::headers::raw::Raw::new(self.date()));
        if let Some(url) = &editions.list_unsubscribe {
            message = message.header(
                "List-Unsubscribe",
                mail_builder::headers::raw::Raw::new(format!("<{url}>")),
            );
        }
        let alternative = mail_builder::mime::MimePart::new(
            mail_builder::headers::content_type::ContentType::new("multipart/alternative")
                .attribute("boundary", format!("=_edition_{}", &digest[24..48])),
            vec![
                mail_builder::mime::MimePart::new("text/plain", self.text),
                mail_builder::mime::MimePart::new("text/html", self.html),
            ],
        );
        message.body(alternative).write_to_vec().ok()
    }

    /// The hex SHA-256 of the day, subject and both parts: the same content, the same
    /// message; any change, a new one.
    fn digest(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            self.edition.day.to_string().as_str(),
            self.subject,
            self.text,
            self.html,
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The edition's day at `send_at`, in the site's time zone (UTC without one), as
    /// RFC 5322 writes a date.
    fn date(&self) -> String {
        let local = self.edition.day.and_time(self.config.editions.send_at);
        match self.config.timezone {
            Some(zone) => {
                use chrono::TimeZone;
                // A time skipped by a clock change is read as the next one that exists.
                let at = zone.from_local_datetime(&local).earliest().or_else(|| {
                    zone.from_local_datetime(&(local + chrono::Duration::hours(1)))
                        .earliest()
                });
                match at {
                    Some(at) => at.to_rfc2822(),
                    None => local.and_utc().to_rfc2822(),
                }
            }
            None => local.and_utc().to_rfc2822(),
        }
    }
}

fn address(m: &Mailbox) -> mail_builder::headers::address::Address<'_> {
    mail_builder::headers::address::Address::new_address(m.name.as_deref(), m.address.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_beside_its_passage_is_left_to_the_end_notes() {
        let html = concat!(
            r##"<p>Talks<span class="note note-context"><sup class="note-ref"><a id="ref-1" href="#note-1">1</a></sup>"##,
            r#"<input class="note-toggle" type="checkbox" id="note-toggle-1" hidden>"#,
            r#"<label class="note-mark" for="note-toggle-1" hidden><span class="visually-hidden">Note </span>1</label>"#,
            r#"<span class="note-body" role="note" hidden><span class="note-number">1</span> <span class="note-p">Held in Amman.</span></span></span> went on.</p>"#,
        );
        let base = url::Url::parse("https://example.org/articles/a/").unwrap();
        let clean = clean_body(html, &base);
        assert_eq!(
            clean,
            r##"<p>Talks<span><sup><a href="https://example.org/articles/a/#note-1" rel="noopener noreferrer">1</a></sup></span> went on.</p>"##
        );
    }

    #[test]
    fn a_body_loses_scripts_frames_forms_and_handlers() {
        let base = url::Url::parse("https://example.org/articles/a/").unwrap();
        let clean = clean_body(
            r#"<p onclick="x()">Hi<script>alert(1)</script><iframe src="https://e.org"></iframe><form><input></form><img src="map.webp" srcset="a.png 2x" alt="Map"><img src="map.png" alt="Map"></p>"#,
            &base,
        );
        assert_eq!(
            clean,
            // A form cannot sit in a paragraph: the parser closes it there.
            r#"<p>Hi</p><img alt="Map"><img src="https://example.org/articles/a/map.png" alt="Map"><p></p>"#
        );
    }

    #[test]
    fn long_lines_wrap_at_72_with_their_hanging_indent() {
        let long = "word ".repeat(30);
        let wrapped = wrap(&format!("- {long}\n[12] https://example.org/\n"));
        assert!(wrapped.lines().all(|l| unicode_width(l) <= TEXT_WIDTH));
        assert!(wrapped.lines().nth(1).unwrap().starts_with("  word"));
        assert!(wrapped.ends_with("[12] https://example.org/\n"));
    }

    #[test]
    fn lines_break_at_spaces_or_between_ideographs() {
        // Latin text breaks only at its spaces, first fit: a URL stays whole, even at
        // its hyphens, and a line takes every word that fits.
        let url = "https://www.example-news.org/articles/southwest-ceasefire-talks-resume-in-amman-after-weeks/";
        let words = "word ".repeat(12);
        let wrapped = wrap(&format!("{words}{url} end"));
        assert_eq!(wrapped, format!("{}\n{url}\nend\n", words.trim_end()));
        let wrapped = wrap(&format!("[12] {words}{url}"));
        assert_eq!(wrapped, format!("[12] {}\n     {url}\n", words.trim_end()));
        // A Japanese sentence of 60 characters (120 columns) has no space: it breaks
        // between characters, first fit (36 characters, 72 columns, then the rest).
        let japanese = "日本語の文章".repeat(10);
        let wrapped = wrap(&japanese);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert_eq!(lines.len(), 2, "{wrapped}");
        assert_eq!(lines[0].chars().count(), 36, "{wrapped}");
        assert_eq!(lines.concat(), japanese);
        // A URL among Japanese stays whole.
        let wrapped = wrap(&format!("{japanese} {url} {japanese}"));
        assert!(wrapped.lines().any(|l| l == url), "{wrapped}");
        assert!(
            wrapped
                .lines()
                .all(|l| l == url || unicode_width(l) <= TEXT_WIDTH),
            "{wrapped}"
        );
    }
}
