//! Text events joined where pulldown-cmark splits them, note definitions taken out,
//! and punctuation written after a note reference moved before its marker.

use super::*;

/// The events past link resolution: runs of text joined (smart punctuation splits
/// `Putin's` in three, and a name must be found across them), and the note
/// definitions taken out of the stream, in the order written.
pub(super) struct Joined<'a> {
    pub(super) rest: Vec<Located<'a>>,
    pub(super) definitions: Definitions<'a>,
    /// Whether the last event was text (in the stream as parsed, wherever it went).
    pub(super) after_text: bool,
}

/// The note definitions read so far, and the one being read. A label defined twice
/// keeps its first definition (pulldown-cmark's rule).
#[derive(Default)]
pub(super) struct Definitions<'a> {
    pub(super) done: Vec<Definition<'a>>,
    pub(super) current: Option<Definition<'a>>,
}

impl<'a> Joined<'a> {
    pub(super) fn push(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        let is_text = matches!(event, Event::Text(_));
        let after_text = std::mem::replace(&mut self.after_text, is_text);
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.definitions.current = Some((label.to_string(), Vec::new(), range.start));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                let Definitions { done, current } = &mut self.definitions;
                if let Some(d) = current.take() {
                    if !done.iter().any(|(l, ..)| *l == d.0) {
                        done.push(d);
                    }
                }
            }
            Event::Text(t) if after_text => match self.definitions.current.as_mut() {
                Some((_, events, _)) => match events.last_mut() {
                    Some(Event::Text(prev)) => *prev = joined(prev, &t),
                    _ => events.push(Event::Text(t)),
                },
                None => match self.rest.last_mut() {
                    Some((Event::Text(prev), prev_range)) => {
                        *prev = joined(prev, &t);
                        prev_range.end = range.end;
                    }
                    _ => self.rest.push((Event::Text(t), range)),
                },
            },
            event => match self.definitions.current.as_mut() {
                Some((_, events, _)) => events.push(event),
                None => self.rest.push((event, range)),
            },
        }
    }
}

/// `a` and `b` as one text.
pub(super) fn joined<'a>(a: &CowStr<'a>, b: &str) -> CowStr<'a> {
    let mut joined = String::with_capacity(a.len() + b.len());
    joined.push_str(a);
    joined.push_str(b);
    CowStr::from(joined)
}

/// Punctuation written just after a note reference (`Damascus[^3].`) moves before it
/// (`Damascus.³`): the marker then follows the punctuation, as footnote markers do,
/// and a note opened in place on a narrow screen does not leave the full stop alone
/// on the line below it.
pub(super) fn punctuation_before_notes(events: Vec<Located<'_>>) -> Vec<Located<'_>> {
    const MOVES: &[char] = &[
        '.', ',', ';', ':', '!', '?', ')', '\u{201D}', '\u{2019}', '"',
    ];
    let mut out: Vec<Located<'_>> = Vec::with_capacity(events.len());
    for (event, range) in events {
        let refs = out
            .iter()
            .rev()
            .take_while(|(e, _)| matches!(e, Event::FootnoteReference(_)))
            .count();
        match &event {
            Event::Text(text) if refs > 0 && text.starts_with(MOVES) => {
                let cut = text
                    .find(|c: char| !MOVES.contains(&c))
                    .unwrap_or(text.len());
                let at = out.len() - refs;
                let moved = (
                    Event::Text(CowStr::from(text[..cut].to_string())),
                    range.start..range.start + cut,
                );
                // Joined to the text before the references, if there is one.
                // (Its range stays the text's own: ranges are where `undefined`
                // references are looked for, and must not take in the references.)
                match at.checked_sub(1).map(|i| &mut out[i]) {
                    Some((Event::Text(prev), _)) => {
                        *prev = CowStr::from(format!("{prev}{}", &text[..cut]));
                    }
                    _ => out.insert(at, moved),
                }
                if cut < text.len() {
                    out.push((
                        Event::Text(CowStr::from(text[cut..].to_string())),
                        range.start + cut..range.end,
                    ));
                }
            }
            _ => out.push((event, range)),
        }
    }
    out
}
