//! Putting each call's HTML where its marker came out of the parser.

use super::{error, Expander, MARK, MARK_END};
use crate::content::markdown::{Event, Origin};
use crate::diagnostics::Diagnostic;
use crate::model::article::Quote;
use pulldown_cmark::CowStr;

/// A quote's body as its actor's page shows it, HTML and plain text: its words and
/// links, without the article's own markup (note markers and their ids, a nested
/// block).
fn said(body: &[Event<'_>]) -> (String, String) {
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        body.iter()
            .filter(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_)))
            .cloned(),
    );
    let mut text = String::new();
    for e in body {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(pulldown_cmark::TagEnd::Paragraph) => {
                text.push(' ')
            }
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (html.trim().to_string(), text)
}

impl Expander {
    /// The ids the calls give their components (`quote-1`): no heading takes one.
    pub fn ids(&self) -> Vec<String> {
        self.calls.iter().flatten().map(|c| c.id.clone()).collect()
    }

    /// Puts each call's HTML where its marker is in `events`, and fills in each
    /// quote's HTML; a marker left where HTML cannot go (a link's address) is an
    /// error. Returns the quotes.
    pub fn expand<'a>(
        mut self,
        events: Vec<Event<'a>>,
        origin: &Origin<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (Vec<Event<'a>>, Vec<Quote>) {
        let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
        // Each open body: its call, and where its events start in `out`.
        let mut bodies: Vec<(usize, usize)> = Vec::new();
        for event in events {
            match event {
                Event::Html(h) if h.starts_with("<!--") && h[4..].starts_with(MARK) => {
                    let inner = h
                        .trim_end()
                        .trim_start_matches("<!--")
                        .trim_end_matches("-->");
                    let inner = inner.trim_start_matches(MARK);
                    let (index, closing) = match inner.strip_suffix('/') {
                        Some(i) => (i, true),
                        None => (inner, false),
                    };
                    let Some(i) = index.parse::<usize>().ok() else {
                        continue;
                    };
                    let Some(Some(call)) = self.calls.get_mut(i) else {
                        continue;
                    };
                    call.expanded = true;
                    if !closing {
                        out.push(Event::Html(CowStr::from(std::mem::take(&mut call.open))));
                        bodies.push((i, out.len()));
                        continue;
                    }
                    if let Some(k) = bodies.iter().rposition(|(c, _)| *c == i) {
                        let (_, from) = bodies.remove(k);
                        if let Some(q) = &mut call.quote {
                            (q.html, q.text) = said(&out[from..]);
                        }
                    }
                    out.push(Event::Html(CowStr::from(std::mem::take(&mut call.close))));
                }
                Event::Text(t) if t.contains(MARK) => self.split_text(&t, &mut out),
                Event::Html(h) if h.contains(MARK) => {
                    out.push(Event::Html(CowStr::from(self.replace_in(&h))));
                }
                Event::InlineHtml(h) if h.contains(MARK) => {
                    out.push(Event::InlineHtml(CowStr::from(self.replace_in(&h))));
                }
                other => out.push(other),
            }
        }
        let mut quotes = Vec::new();
        for call in self.calls.into_iter().flatten() {
            if !call.expanded {
                diagnostics.push(
                    error(origin, call.at.clone(), "a shortcode cannot be used here".into())
                        .help("use shortcodes in the text, not in a link's or an image's address or title"),
                );
            }
            quotes.extend(call.quote);
        }
        (out, quotes)
    }

    /// The call whose inline marker starts `rest` (after [`MARK`]), and the length
    /// of the marker's remainder.
    fn marker(&mut self, rest: &str) -> Option<(usize, usize)> {
        let end = rest.find(MARK_END)?;
        let i = rest[..end].parse::<usize>().ok()?;
        Some((i, end + MARK_END.len_utf8()))
    }

    fn split_text<'a>(&mut self, text: &str, out: &mut Vec<Event<'a>>) {
        let mut rest = text;
        while let Some(k) = rest.find(MARK) {
            if k > 0 {
                out.push(Event::Text(CowStr::from(rest[..k].to_string())));
            }
            let after = &rest[k + MARK.len_utf8()..];
            match self.marker(after) {
                Some((i, len)) => {
                    if let Some(Some(call)) = self.calls.get_mut(i) {
                        call.expanded = true;
                        out.push(Event::InlineHtml(CowStr::from(call.open.clone())));
                    }
                    rest = &after[len..];
                }
                None => rest = after,
            }
        }
        if !rest.is_empty() {
            out.push(Event::Text(CowStr::from(rest.to_string())));
        }
    }

    fn replace_in(&mut self, html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(k) = rest.find(MARK) {
            out.push_str(&rest[..k]);
            let after = &rest[k + MARK.len_utf8()..];
            match self.marker(after) {
                Some((i, len)) => {
                    if let Some(Some(call)) = self.calls.get_mut(i) {
                        call.expanded = true;
                        out.push_str(&call.open);
                    }
                    rest = &after[len..];
                }
                None => rest = after,
            }
        }
        out.push_str(rest);
        out
    }
}
