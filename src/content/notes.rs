//! Annotations: an article's footnotes, shown beside the passage they explain.
//!
//! Every note is written into the page twice, and CSS picks which one shows:
//!
//! - **Beside the passage**, at its first reference, inside the sentence: a marker
//!   (a `<label>` for a checkbox) and the note's body as a `<span>`. Both carry
//!   `hidden`, so without CSS they do not show. The theme's CSS shows the body in the
//!   margin on wide screens, and on narrow screens opens it in place when the marker
//!   is pressed (the checkbox is keyboard reachable; no script is involved). Screen
//!   readers meet the note right where it belongs.
//! - **At the end**, as a numbered list (`<section class="notes">`) with links back
//!   and forth: what shows without CSS and in print. On screen the theme hides it.
//!
//! Notes are numbered in order of first reference. A note's kind is its label's first
//! word when that is one of the configured kinds (`[^fact-check-1]` is a fact-check).

pub use crate::model::article::{label, PLAIN};
use pulldown_cmark::{html, CowStr, Event, Tag, TagEnd};

/// The kind a label names: the longest configured kind the label starts with, followed
/// by the end of the label or a separator (`-`, `_`, `:`, `.`). Case does not matter.
pub fn kind_of<'k>(label: &str, kinds: &'k [String]) -> Option<&'k str> {
    let lower = label.to_lowercase();
    kinds
        .iter()
        .filter(|k| {
            let k = k.to_lowercase();
            lower
                .strip_prefix(&k)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '_', ':', '.']))
        })
        .max_by_key(|k| k.len())
        .map(String::as_str)
}

/// A note ready to be placed: its number, kind and body events.
pub struct Note<'a> {
    /// 1-based, in order of first reference.
    pub number: usize,
    /// A configured kind, or `None`.
    pub kind: Option<String>,
    /// The definition's content, links already resolved.
    pub body: Vec<Event<'a>>,
}

impl Note<'_> {
    fn class(&self) -> String {
        format!("note-{}", css_word(self.kind.as_deref().unwrap_or(PLAIN)))
    }

    fn label(&self) -> String {
        label(self.kind.as_deref().unwrap_or(PLAIN))
    }

    /// The HTML put at the note's first reference: the end-note link (for print and
    /// no CSS), the toggle and its marker, and the body as phrasing content, so it can
    /// sit inside the paragraph.
    pub fn beside(&self) -> String {
        let n = self.number;
        let (spoken, kind) = match &self.kind {
            Some(_) => {
                let label = escape(&self.label());
                (
                    format!("{label} note "),
                    format!(r#" <span class="note-kind">{label}</span>"#),
                )
            }
            None => ("Note ".to_string(), String::new()),
        };
        let mut body = String::new();
        html::push_html(&mut body, phrasing(&self.body).into_iter());
        format!(
            concat!(
                r#"<span class="note {class}">"#,
                r##"<sup class="note-ref"><a id="ref-{n}" href="#note-{n}" role="doc-noteref">{n}</a></sup>"##,
                r#"<input class="note-toggle" type="checkbox" id="note-toggle-{n}" hidden>"#,
                r#"<label class="note-mark" for="note-toggle-{n}" hidden><span class="visually-hidden">{spoken}</span>{n}</label>"#,
                r#"<span class="note-body" role="note" hidden><span class="note-number">{n}</span>{kind} {body}</span>"#,
                "</span>"
            ),
            class = self.class(),
            n = n,
            spoken = spoken,
            kind = kind,
            body = body.trim_end(),
        )
    }

    /// The HTML of a later reference to the same note: a link to the end note.
    pub fn again(&self, nth: usize) -> String {
        let n = self.number;
        format!(
            r##"<sup class="note-ref note-again"><a id="ref-{n}-{nth}" href="#note-{n}" role="doc-noteref">{n}</a></sup>"##
        )
    }

    /// The note as an item of the end-notes list, its kind in front and a link back.
    fn end(&self) -> String {
        let n = self.number;
        let mut events: Vec<Event<'_>> = self.body.clone();
        if self.kind.is_some() {
            let kind = Event::InlineHtml(CowStr::from(format!(
                r#"<span class="note-kind">{}:</span> "#,
                escape(&self.label())
            )));
            match events.first() {
                Some(Event::Start(Tag::Paragraph)) => events.insert(1, kind),
                _ => events.insert(0, kind),
            }
        }
        let back = Event::InlineHtml(CowStr::from(format!(
            r##" <a class="note-back" href="#ref-{n}" role="doc-backlink" aria-label="Back to reference {n}">↩</a>"##
        )));
        match events.last() {
            Some(Event::End(TagEnd::Paragraph)) => {
                let last = events.len() - 1;
                events.insert(last, back);
            }
            _ => events.push(back),
        }
        let mut body = String::new();
        html::push_html(&mut body, events.into_iter());
        format!(
            "<li id=\"note-{n}\" class=\"{}\">\n{}</li>\n",
            self.class(),
            body
        )
    }
}

/// The end-notes section, or `""` for no notes.
pub fn end_notes(notes: &[Note<'_>]) -> String {
    if notes.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section class=\"notes\" aria-labelledby=\"notes-heading\">\n<h2 id=\"notes-heading\">Notes</h2>\n<ol>\n",
    );
    for note in notes {
        out.push_str(&note.end());
    }
    out.push_str("</ol>\n</section>\n");
    out
}

/// Ids the notes of a page use, which headings must not take, given how many
/// references each note has.
pub fn ids(references: &[usize]) -> impl Iterator<Item = String> + '_ {
    let notes = references.iter().zip(1..).flat_map(|(&refs, n)| {
        [
            format!("note-{n}"),
            format!("ref-{n}"),
            format!("note-toggle-{n}"),
        ]
        .into_iter()
        .chain((2..=refs).map(move |k| format!("ref-{n}-{k}")))
    });
    std::iter::once("notes-heading".to_string()).chain(notes)
}

/// Block content made phrasing, to sit inside a sentence: paragraphs, lists, quotes
/// and code blocks become `<span>`s the theme lays out as blocks.
fn phrasing<'a>(events: &[Event<'a>]) -> Vec<Event<'a>> {
    let open = |class: &str| Event::InlineHtml(CowStr::from(format!("<span class=\"{class}\">")));
    let close = || Event::InlineHtml(CowStr::from("</span>"));
    let mut out = Vec::with_capacity(events.len());
    let mut code = false;
    for event in events {
        out.push(match event {
            Event::Start(Tag::Paragraph) => open("note-p"),
            Event::Start(Tag::Heading { .. }) => open("note-p note-heading"),
            Event::Start(Tag::List(_)) => open("note-list"),
            Event::Start(Tag::Item) => open("note-li"),
            Event::Start(Tag::BlockQuote(_)) => open("note-quote"),
            Event::Start(Tag::Table(_)) => open("note-table"),
            Event::Start(Tag::TableHead | Tag::TableRow) => open("note-row"),
            Event::Start(Tag::TableCell) => open("note-cell"),
            Event::Start(Tag::CodeBlock(_)) => {
                code = true;
                Event::InlineHtml(CowStr::from("<code class=\"note-code\">"))
            }
            Event::End(TagEnd::CodeBlock) => {
                code = false;
                Event::InlineHtml(CowStr::from("</code>"))
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::Table
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::TableCell,
            ) => close(),
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) | Event::Rule => continue,
            // Raw block HTML would break out of the sentence: shown as text.
            Event::Html(h) => Event::Text(h.clone()),
            Event::Text(t) if code => Event::Text(t.clone()),
            other => other.clone(),
        });
    }
    out
}

/// A word safe in a class name.
fn css_word(kind: &str) -> String {
    kind.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn escape(s: &str) -> String {
    crate::text::escape_html(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::article::NoteCounts;

    fn kinds() -> Vec<String> {
        ["context", "analysis", "fact-check", "fact"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn a_kind_is_the_longest_configured_prefix_ending_at_a_separator() {
        let k = kinds();
        assert_eq!(kind_of("context-nfz", &k), Some("context"));
        assert_eq!(kind_of("Fact-check-1", &k), Some("fact-check"));
        assert_eq!(kind_of("fact_1", &k), Some("fact"));
        assert_eq!(kind_of("contextual", &k), None);
        assert_eq!(kind_of("analysis", &k), Some("analysis"));
        assert_eq!(kind_of("1", &k), None);
    }

    #[test]
    fn counts_follow_the_configured_order_then_plain_notes() {
        let k = kinds();
        let c = NoteCounts::new(
            &[Some("fact-check"), None, Some("context"), Some("context")],
            &k,
        );
        assert_eq!(c.summary, "4 notes: 2 context, 1 fact-check, 1 other");
        assert_eq!(c.kinds[1].label, "Fact-check");
        assert_eq!(NoteCounts::new(&[None], &k).summary, "1 note");
        let two = NoteCounts::new(&[Some("context"), Some("context")], &k);
        assert_eq!(two.summary, "2 context notes");
        assert_eq!(NoteCounts::new(&[], &k).summary, "");
    }
}
