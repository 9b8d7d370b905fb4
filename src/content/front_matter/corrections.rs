//! `corrections:` (each a date and one paragraph of Markdown) and `withdrawn:` (a
//! date and a reason, one paragraph), checked at their lines.

use super::checks::Checks;
use crate::model::article::{Correction, Withdrawal};
use crate::model::date::Date;
use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

/// One correction as written.
#[derive(Debug, Deserialize)]
pub(super) struct RawCorrection {
    // Both required; optional here to say which is missing, at its item's line.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
}

/// The keys a correction may have.
pub(super) const CORRECTION_KEYS: &[&str] = &["date", "text"];

/// `withdrawn:` as written.
#[derive(Debug, Deserialize)]
pub(super) struct RawWithdrawal {
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The keys of `withdrawn:`.
pub(super) const WITHDRAWN_KEYS: &[&str] = &["date", "reason"];

impl Checks<'_> {
    /// `withdrawn:`, checked: a date not before the article's and a reason of one
    /// paragraph, each required.
    pub(super) fn withdrawal(
        &mut self,
        raw: RawWithdrawal,
        article_date: Option<Date>,
    ) -> Option<Withdrawal> {
        let date = match raw.date {
            Some(d) => self.date("withdrawn.date", &d),
            None => {
                self.error_with_help(
                    "withdrawn",
                    "missing its `date`, the day it was taken down".into(),
                    Some("add `date: 2017-07-09` under `withdrawn:`".into()),
                );
                None
            }
        };
        if let (Some(date), Some(article)) = (date, article_date) {
            if date.is_before(&article) {
                self.error_with_help(
                    "withdrawn.date",
                    format!(
                        "{} is before the article's date, {}",
                        date.as_written(),
                        article.as_written()
                    ),
                    Some("give the day it was taken down".into()),
                );
            }
        }
        let reason = raw.reason.as_deref().map(str::trim).unwrap_or_default();
        if reason.is_empty() {
            self.error_with_help(
                "withdrawn",
                "missing its `reason`, which readers of its page are shown".into(),
                Some("add `reason: \"Removed at the request of …\"` under `withdrawn:`".into()),
            );
            return None;
        }
        match paragraph(reason) {
            Ok((html, text)) => date.map(|date| Withdrawal { date, html, text }),
            Err(found) => {
                self.error_with_help(
                    "withdrawn.reason",
                    format!("expected one paragraph, found {found}"),
                    Some("the reason is a sentence or two".into()),
                );
                None
            }
        }
    }

    /// The corrections, each checked: a date not before the article's, a text of one
    /// paragraph. Every problem is an error at its item's line.
    pub(super) fn corrections(
        &mut self,
        raw: Vec<RawCorrection>,
        article_date: Option<Date>,
    ) -> Vec<Correction> {
        let mut corrections = Vec::with_capacity(raw.len());
        for (n, item) in raw.into_iter().enumerate() {
            let key = |leaf: &str| format!("corrections.{n}.{leaf}");
            let date = match item.date {
                Some(d) => self.date(&key("date"), &d),
                None => {
                    self.item_error(
                        n,
                        "date",
                        format!("correction {}: missing its `date`", n + 1),
                    );
                    None
                }
            };
            if let (Some(date), Some(article)) = (date, article_date) {
                if date.is_before(&article) {
                    self.error_with_help(
                        &key("date"),
                        format!(
                            "{} is before the article's date, {}",
                            date.as_written(),
                            article.as_written()
                        ),
                        Some(
                            "a correction is made after the article: give the day it was made"
                                .into(),
                        ),
                    );
                }
            }
            let text = item.text.as_deref().map(str::trim).unwrap_or_default();
            if text.is_empty() {
                self.item_error(
                    n,
                    "text",
                    format!(
                        "correction {}: missing its `text`, what was wrong and what is right",
                        n + 1
                    ),
                );
                continue;
            }
            match paragraph(text) {
                Ok((html, plain)) => {
                    if let Some(date) = date {
                        corrections.push(Correction {
                            date,
                            html,
                            text: plain,
                        });
                    }
                }
                Err(found) => self.error_with_help(
                    &key("text"),
                    format!("expected one paragraph, found {found}"),
                    Some(
                        "a correction is a sentence or two: put anything longer in the article"
                            .into(),
                    ),
                ),
            }
        }
        corrections
    }
}

/// One paragraph of Markdown as HTML (without its `<p>`) and as plain text; `Err`
/// names what else it held.
pub fn paragraph(text: &str) -> Result<(String, String), &'static str> {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let events: Vec<Event> = Parser::new_ext(text, options).collect();
    let mut depth = 0usize;
    let mut paragraphs = 0;
    let mut plain = String::new();
    for event in &events {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    match tag {
                        Tag::Paragraph => paragraphs += 1,
                        Tag::List(_) => return Err("a list"),
                        Tag::Heading { .. } => return Err("a heading"),
                        Tag::BlockQuote(_) => return Err("a quotation block"),
                        Tag::CodeBlock(_) => return Err("a code block"),
                        _ => return Err("a block that is not a paragraph"),
                    }
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => plain.push_str(t),
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            Event::Html(_) | Event::Rule if depth == 0 => {
                return Err("a block that is not a paragraph")
            }
            _ => {}
        }
        if paragraphs > 1 {
            return Err("more than one paragraph");
        }
    }
    let inner: Vec<Event> = events
        .into_iter()
        .filter(|e| {
            !matches!(
                e,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        })
        .collect();
    let mut out = String::new();
    html::push_html(&mut out, inner.into_iter());
    Ok((out, plain))
}

#[cfg(test)]
mod tests {
    use super::paragraph;

    #[test]
    fn a_correction_is_one_paragraph_of_markdown() {
        assert_eq!(
            paragraph("It said *one* hour. They talked for \"two\".").unwrap(),
            (
                "It said <em>one</em> hour. They talked for “two”.".to_string(),
                "It said one hour. They talked for “two”.".to_string()
            )
        );
        assert_eq!(paragraph("One.\n\nTwo."), Err("more than one paragraph"));
        assert_eq!(paragraph("- a\n- b"), Err("a list"));
        assert_eq!(paragraph("# Title"), Err("a heading"));
        assert_eq!(
            paragraph("<div>x</div>"),
            Err("a block that is not a paragraph")
        );
    }
}
