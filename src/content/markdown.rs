//! Markdown → HTML, with pulldown-cmark.
//!
//! Besides the HTML this pass gives what the rest of the site needs from a body: a
//! plain-text summary (the first top-level paragraph), the headings with their ids
//! (stable, unique per page), and a word count. It also resolves the links only a
//! whole site can resolve: `[[Actor]]` wikilinks to actor pages, and relative links to
//! other `.md` files to those articles' pages. A link that resolves nowhere is a
//! warning with the file, line and column.

use super::notes::{self, Note};
use crate::config::Callouts;
use crate::diagnostics::Diagnostic;
use crate::model::article::{Heading, NoteCounts};
use crate::model::links::Links;
use crate::model::slug::slugify;
use pulldown_cmark::{html, BlockQuoteKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::path::Path;

/// The Markdown extensions every article is parsed with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_TASKLISTS
}

/// How bodies are annotated: `[annotations]` of site.toml, and the article's actors.
pub struct Settings<'a> {
    /// Note kinds.
    pub kinds: &'a [String],
    /// Callout titles.
    pub callouts: &'a Callouts,
    /// Link the first plain mention of each of `actors`.
    pub autolink: bool,
    /// The actors the front matter names, as written.
    pub actors: &'a [String],
}

/// A rendered body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The body as HTML, end notes included.
    pub html: String,
    /// The first top-level paragraph as plain text.
    pub first_paragraph: String,
    /// Headings in order.
    pub headings: Vec<Heading>,
    /// Words in the body's text.
    pub word_count: usize,
    /// The notes shown, counted by kind.
    pub notes: NoteCounts,
    /// Slugs of the actors the body links to (wikilinks and autolinks), in order.
    pub mentions: Vec<String>,
}

/// Where the body sits, for positions in diagnostics.
pub struct Origin<'a> {
    /// The file as shown to users.
    pub path: &'a Path,
    /// The whole file's text.
    pub text: &'a str,
    /// Byte offset of the body in `text`.
    pub body_offset: usize,
    /// The file's directory relative to `content/` (`""` at the top).
    pub content_dir: &'a str,
}

impl Origin<'_> {
    fn warn(&self, diagnostics: &mut Vec<Diagnostic>, at: usize, message: String) {
        diagnostics.push(
            Diagnostic::warning(self.path, message).at_offset(self.body_offset + at, self.text),
        );
    }
}

/// An event and the byte offset in the body where its source starts and ends.
type Located<'a> = (Event<'a>, std::ops::Range<usize>);

/// Renders `body`; warnings (unresolved links, notes) are pushed to `diagnostics`.
///
/// The passes, in order: parse and resolve links; join split text; take the note
/// definitions out; walk the text (autolinks, note references, callouts); give
/// headings ids; write HTML, then the end notes.
pub fn render(
    body: &str,
    origin: &Origin<'_>,
    links: &dyn Links,
    settings: &Settings<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Rendered {
    let mut mentions = Vec::new();
    let (events, definitions) = resolve_links(body, origin, links, &mut mentions, diagnostics);
    let events = punctuation_before_notes(events);

    let mut walk = Walk {
        body,
        origin,
        settings,
        definitions: &definitions,
        pending: if settings.autolink {
            autolink_targets(settings.actors, links)
        } else {
            Vec::new()
        },
        notes: Vec::new(),
        deferred: Vec::new(),
        out: Vec::with_capacity(events.len()),
        mentions: &mut mentions,
        diagnostics,
        depth: Depth::default(),
    };
    for (event, range) in events {
        walk.event(event, range);
    }
    let Walk {
        out: mut events,
        notes,
        ..
    } = walk;
    for (d, (label, _, at)) in definitions.iter().enumerate() {
        if !notes.iter().any(|(shown, ..)| *shown == d) {
            origin.warn(
                diagnostics,
                *at,
                format!("note [^{label}] is defined but never referenced, so it is not shown"),
            );
        }
    }
    let references: Vec<usize> = notes.iter().map(|(_, _, refs)| *refs).collect();
    let notes: Vec<Note<'_>> = notes.into_iter().map(|(_, note, _)| note).collect();
    let (first_paragraph, word_count) = summary_and_words(&events);
    let headings = assign_heading_ids(&mut events, notes::ids(&references));
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out.push_str(&notes::end_notes(&notes));
    let mut out = crate::text::neutralise_marks(out);
    // Kept until the pages are written: no spare capacity.
    out.shrink_to_fit();
    let shown: Vec<Option<&str>> = notes.iter().map(|n| n.kind.as_deref()).collect();
    let mut seen = HashSet::new();
    mentions.retain(|m| seen.insert(m.clone()));
    Rendered {
        html: out,
        first_paragraph,
        headings,
        word_count,
        notes: NoteCounts::new(&shown, settings.kinds),
        mentions,
    }
}

/// Parses `body`, resolving wikilinks to actor pages and relative `.md` links to
/// article pages (a wikilink that resolves nowhere becomes its text), joining runs
/// of text ([`Joined`]) and taking the note definitions out ([`Definitions`]), in
/// one pass over the events.
fn resolve_links<'a>(
    body: &'a str,
    origin: &Origin<'_>,
    links: &dyn Links,
    mentions: &mut Vec<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Located<'a>>, Vec<Definition<'a>>) {
    let mut events = Joined {
        rest: Vec::with_capacity(body.len() / 16),
        definitions: Definitions::default(),
        after_text: false,
    };
    // Links dropped because they resolve nowhere: their End events are dropped too.
    let mut dropped_links = Vec::<bool>::new();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let resolved = match link_type {
                    LinkType::WikiLink { .. } => match links.actor(&dest_url) {
                        Some(actor) => {
                            mentions.push(actor.slug);
                            Some(CowStr::from(actor.href))
                        }
                        None => {
                            origin.warn(diagnostics, range.start, format!("wikilink [[{dest_url}]]: no actor of that name or alias is named by any article"));
                            None
                        }
                    },
                    _ => match markdown_target(&dest_url) {
                        Some((file, fragment)) => {
                            let file =
                                percent_encoding::percent_decode_str(file).decode_utf8_lossy();
                            match join(origin.content_dir, &file) {
                                None => {
                                    origin.warn(
                                        diagnostics,
                                        range.start,
                                        format!("link to `{dest_url}`: leads out of content/"),
                                    );
                                    Some(dest_url.clone())
                                }
                                Some(target) => match links.article(&target) {
                                    Some(href) => Some(CowStr::from(format!("{href}{fragment}"))),
                                    None => {
                                        origin.warn(diagnostics, range.start, format!("link to `{dest_url}`: no article at content/{target}"));
                                        Some(dest_url.clone())
                                    }
                                },
                            }
                        }
                        None => Some(dest_url.clone()),
                    },
                };
                dropped_links.push(resolved.is_none());
                match resolved {
                    Some(dest_url) => Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                    None => continue,
                }
            }
            Event::End(TagEnd::Link) => {
                if dropped_links.pop().unwrap_or(false) {
                    continue;
                }
                Event::End(TagEnd::Link)
            }
            other => other,
        };
        events.push(event, range);
    }
    (events.rest, events.definitions.done)
}

/// The events past link resolution: runs of text joined (smart punctuation splits
/// `Putin's` in three, and a name must be found across them), and the note
/// definitions taken out of the stream, in the order written.
struct Joined<'a> {
    rest: Vec<Located<'a>>,
    definitions: Definitions<'a>,
    /// Whether the last event was text (in the stream as parsed, wherever it went).
    after_text: bool,
}

/// The note definitions read so far, and the one being read. A label defined twice
/// keeps its first definition (pulldown-cmark's rule).
#[derive(Default)]
struct Definitions<'a> {
    done: Vec<Definition<'a>>,
    current: Option<Definition<'a>>,
}

impl<'a> Joined<'a> {
    fn push(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
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
fn joined<'a>(a: &CowStr<'a>, b: &str) -> CowStr<'a> {
    let mut joined = String::with_capacity(a.len() + b.len());
    joined.push_str(a);
    joined.push_str(b);
    CowStr::from(joined)
}

/// Punctuation written just after a note reference (`Damascus[^3].`) moves before it
/// (`Damascus.³`): the marker then follows the punctuation, as footnote markers do,
/// and a note opened in place on a narrow screen does not leave the full stop alone
/// on the line below it.
fn punctuation_before_notes(events: Vec<Located<'_>>) -> Vec<Located<'_>> {
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

/// A note definition: its label, its content, and where it starts.
type Definition<'a> = (String, Vec<Event<'a>>, usize);

/// An actor to link at its first plain mention.
struct Pending {
    href: String,
    slug: String,
    /// Its names, longest first.
    names: Vec<String>,
    /// A searcher for each of `names`, made once per body.
    finders: Vec<memchr::memmem::Finder<'static>>,
    /// Linked already: its names are still looked for, so that a shorter name of
    /// another actor is never linked inside one of them.
    linked: bool,
}

/// The actors of the front matter that resolve, each once, with every name to look for.
fn autolink_targets(actors: &[String], links: &dyn Links) -> Vec<Pending> {
    let mut targets: Vec<Pending> = Vec::new();
    for name in actors {
        let Some(actor) = links.actor(name) else {
            continue;
        };
        let mut names: Vec<String> = actor.names.clone();
        names.push(name.clone());
        names.retain(|n| !n.trim().is_empty());
        // Smart punctuation writes `d'Ivoire` as `d’Ivoire`.
        let curly: Vec<String> = names
            .iter()
            .filter(|n| n.contains('\''))
            .map(|n| n.replace('\'', "\u{2019}"))
            .collect();
        names.extend(curly);
        names.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        names.dedup();
        match targets.iter_mut().find(|t| t.slug == actor.slug) {
            Some(t) => {
                t.names.extend(names);
                t.names
                    .sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
                t.names.dedup();
            }
            None => targets.push(Pending {
                href: actor.href,
                slug: actor.slug,
                names,
                finders: Vec::new(),
                linked: false,
            }),
        }
    }
    for t in &mut targets {
        t.finders = t
            .names
            .iter()
            .map(|n| memchr::memmem::Finder::new(n.as_bytes()).into_owned())
            .collect();
    }
    targets
}

/// Where in the document the walk is.
#[derive(Default)]
struct Depth {
    link: usize,
    image: usize,
    heading: usize,
    code: usize,
    html: usize,
}

/// The walk over the body's events: autolinks, note references, callouts.
struct Walk<'a, 'b> {
    body: &'a str,
    origin: &'b Origin<'b>,
    settings: &'b Settings<'b>,
    definitions: &'b [Definition<'a>],
    /// Actors not linked yet.
    pending: Vec<Pending>,
    /// Notes shown, in order of first reference: the definition's index, the note,
    /// and how many references it had so far.
    notes: Vec<(usize, Note<'a>, usize)>,
    /// Notes referenced inside a link or a heading, which cannot hold them: written
    /// as soon as the link or heading ends.
    deferred: Vec<String>,
    out: Vec<Event<'a>>,
    mentions: &'b mut Vec<String>,
    diagnostics: &'b mut Vec<Diagnostic>,
    depth: Depth,
}

impl<'a> Walk<'a, '_> {
    fn event(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        match &event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.depth.link += 1;
                // An actor linked already needs no autolink later.
                for p in &mut self.pending {
                    p.linked |= p.href == dest_url.as_ref();
                }
            }
            Event::End(TagEnd::Link) => {
                self.depth.link = self.depth.link.saturating_sub(1);
                self.out.push(event);
                self.flush();
                return;
            }
            // A link written as raw HTML holds no autolink and no note either.
            Event::InlineHtml(h) if is_tag(h, "a") => self.depth.link += 1,
            Event::InlineHtml(h) if is_tag(h, "/a") => {
                self.depth.link = self.depth.link.saturating_sub(1);
                self.out.push(event);
                self.flush();
                return;
            }
            Event::Start(Tag::Image { .. }) => self.depth.image += 1,
            Event::End(TagEnd::Image) => self.depth.image = self.depth.image.saturating_sub(1),
            Event::Start(Tag::Heading { .. }) => self.depth.heading += 1,
            Event::End(TagEnd::Heading(_)) => {
                self.depth.heading = self.depth.heading.saturating_sub(1);
                self.out.push(event);
                self.flush();
                return;
            }
            Event::Start(Tag::CodeBlock(_)) => self.depth.code += 1,
            Event::End(TagEnd::CodeBlock) => self.depth.code = self.depth.code.saturating_sub(1),
            Event::Start(Tag::HtmlBlock) => self.depth.html += 1,
            Event::End(TagEnd::HtmlBlock) => self.depth.html = self.depth.html.saturating_sub(1),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let callouts = self.settings.callouts;
                let (class, title) = match kind {
                    BlockQuoteKind::Note => ("note", &callouts.note),
                    BlockQuoteKind::Tip => ("tip", &callouts.tip),
                    BlockQuoteKind::Important => ("important", &callouts.important),
                    BlockQuoteKind::Warning => ("warning", &callouts.warning),
                    BlockQuoteKind::Caution => ("caution", &callouts.caution),
                };
                let html = format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
                    crate::text::escape_html(title)
                );
                self.out.push(Event::Html(CowStr::from(html)));
                return;
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.out.push(Event::Html(CowStr::from("</div>\n")));
                return;
            }
            Event::FootnoteReference(label) => {
                self.reference(label, range);
                return;
            }
            Event::Text(text) if self.depth.code == 0 && self.depth.html == 0 => {
                self.undefined_references(range);
                if self.depth.link == 0 && self.depth.image == 0 && self.depth.heading == 0 {
                    let text = text.clone();
                    self.autolink(text);
                    return;
                }
            }
            _ => {}
        }
        self.out.push(event);
    }

    /// Writes the notes held back while inside a link or a heading, once out.
    fn flush(&mut self) {
        if self.depth.link == 0 && self.depth.heading == 0 {
            for html in self.deferred.drain(..) {
                self.out.push(Event::InlineHtml(CowStr::from(html)));
            }
        }
    }

    /// A reference to a defined note: the note itself at its first reference
    /// (numbered then), a link to it at later ones.
    fn reference(&mut self, label: &str, range: std::ops::Range<usize>) {
        // Labels match regardless of case, as pulldown-cmark matches them.
        let Some(d) = self
            .definitions
            .iter()
            .position(|(l, ..)| l.to_lowercase() == label.to_lowercase())
        else {
            // pulldown-cmark only makes references of defined labels.
            self.origin.warn(
                self.diagnostics,
                range.start,
                format!("note [^{label}] is referenced but never defined"),
            );
            return;
        };
        let html = match self.notes.iter().position(|(def, ..)| *def == d) {
            Some(i) => {
                self.notes[i].2 += 1;
                self.notes[i].1.again(self.notes[i].2)
            }
            None => {
                let (label, body, at) = &self.definitions[d];
                let mut body = body.clone();
                let before = body.len();
                body.retain(|e| !matches!(e, Event::FootnoteReference(_)));
                if body.len() != before {
                    self.origin.warn(
                        self.diagnostics,
                        *at,
                        format!("note [^{label}] refers to another note, and notes cannot hold notes: the reference is left out"),
                    );
                }
                let note = Note {
                    number: self.notes.len() + 1,
                    kind: notes::kind_of(label, self.settings.kinds).map(str::to_string),
                    body,
                };
                let html = note.beside();
                self.notes.push((d, note, 1));
                html
            }
        };
        if self.depth.link > 0 || self.depth.heading > 0 {
            self.deferred.push(html);
        } else {
            self.out.push(Event::InlineHtml(CowStr::from(html)));
        }
    }

    /// `[^label]` left as text: a reference to a note never defined.
    fn undefined_references(&mut self, range: std::ops::Range<usize>) {
        let source = &self.body[range.clone()];
        let mut from = 0;
        while let Some(i) = source[from..].find("[^") {
            let start = from + i;
            let rest = &source[start + 2..];
            let end = rest.find(|c: char| c == ']' || c.is_whitespace() || c == '[');
            let escaped = source[..start].ends_with('\\');
            match end {
                Some(e) if e > 0 && rest[e..].starts_with(']') && !escaped => {
                    let label = &rest[..e];
                    self.origin.warn(
                        self.diagnostics,
                        range.start + start,
                        format!("note [^{label}] is referenced but never defined: add a line `[^{label}]: ...` below the text"),
                    );
                    from = start + 2 + e;
                }
                _ => from = start + 2,
            }
        }
    }

    /// Plain text: the first mention of each actor not linked yet becomes a link.
    fn autolink(&mut self, text: CowStr<'a>) {
        let mut rest: &str = &text;
        let mut pieces: Vec<Event<'a>> = Vec::new();
        while self.pending.iter().any(|p| !p.linked) {
            let Some((at, len, which)) = first_mention(rest, &self.pending) else {
                break;
            };
            let actor = &mut self.pending[which];
            if actor.linked {
                // A name of an actor linked before: kept as text, and no shorter
                // name inside it is looked at.
                pieces.push(Event::Text(CowStr::from(rest[..at + len].to_string())));
                rest = &rest[at + len..];
                continue;
            }
            actor.linked = true;
            if at > 0 {
                pieces.push(Event::Text(CowStr::from(rest[..at].to_string())));
            }
            pieces.push(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: CowStr::from(actor.href.clone()),
                title: CowStr::from(""),
                id: CowStr::from(""),
            }));
            pieces.push(Event::Text(CowStr::from(rest[at..at + len].to_string())));
            pieces.push(Event::End(TagEnd::Link));
            self.mentions.push(actor.slug.clone());
            rest = &rest[at + len..];
        }
        if pieces.is_empty() {
            self.out.push(Event::Text(text));
            return;
        }
        if !rest.is_empty() {
            pieces.push(Event::Text(CowStr::from(rest.to_string())));
        }
        self.out.extend(pieces);
    }
}

/// Whether an inline HTML fragment is the tag `name` (`a`, `/a`): `<a href=…>`, `</a>`.
fn is_tag(html: &str, name: &str) -> bool {
    let Some(rest) = html.strip_prefix('<') else {
        return false;
    };
    rest.len() >= name.len()
        && rest[..name.len()].eq_ignore_ascii_case(name)
        && rest[name.len()..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace())
}

/// The earliest whole-word mention in `text` of any name of `pending` (the longest
/// at a place): (byte offset, length, index in `pending`).
fn first_mention(text: &str, pending: &[Pending]) -> Option<(usize, usize, usize)> {
    let mut best: Option<(usize, usize, usize)> = None;
    for (i, p) in pending.iter().enumerate() {
        for (name, finder) in p.names.iter().zip(&p.finders) {
            let mut from = 0;
            while let Some(found) = finder.find(&text.as_bytes()[from..]) {
                let at = from + found;
                let end = at + name.len();
                let before = text[..at].chars().next_back();
                let after = text[end..].chars().next();
                let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
                if !word(before) && !word(after) {
                    let better = match best {
                        None => true,
                        Some((b_at, b_len, _)) => at < b_at || (at == b_at && name.len() > b_len),
                    };
                    if better {
                        best = Some((at, name.len(), i));
                    }
                    break;
                }
                from = at + name.chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    best
}

/// The first top-level paragraph as plain text, and the words of the body.
fn summary_and_words(events: &[Event<'_>]) -> (String, usize) {
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
fn count_words(text: &str) -> usize {
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

/// Ids the page around an article body already uses (the theme's skip-link target).
pub const RESERVED_IDS: &[&str] = &["main", "related-heading"];

/// Gives every heading an id: its own `{#id}` if written, else the slug of its text,
/// made unique on the page with `-1`, `-2`, …, never taking an id that is written
/// elsewhere in the body, a note's, or one of [`RESERVED_IDS`].
fn assign_heading_ids(
    events: &mut [Event<'_>],
    reserved: impl Iterator<Item = String>,
) -> Vec<Heading> {
    let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    used.extend(reserved);
    for event in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            used.insert(id.to_string());
        }
    }
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level as u8;
            let written = id.as_ref().map(|s| s.to_string());
            let mut title = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    title.push_str(t);
                }
                j += 1;
            }
            let unique = match written {
                Some(id) => id,
                None => {
                    let slug = slugify(&title);
                    let base = if slug.is_empty() {
                        "section".to_string()
                    } else {
                        slug
                    };
                    let mut unique = base.clone();
                    let mut n = 1;
                    while used.contains(&unique) {
                        unique = format!("{base}-{n}");
                        n += 1;
                    }
                    used.insert(unique.clone());
                    unique
                }
            };
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            headings.push(Heading {
                level,
                id: unique,
                title: title.trim().to_string(),
            });
            i = j;
        }
        i += 1;
    }
    headings
}

/// `other.md#part` → `("other.md", "#part")` when the link is to a local Markdown file.
fn markdown_target(dest: &str) -> Option<(&str, &str)> {
    if dest.contains("://")
        || dest.starts_with('/')
        || dest.starts_with('#')
        || dest.starts_with("mailto:")
    {
        return None;
    }
    let (file, fragment) = match dest.find('#') {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
    };
    file.ends_with(".md").then_some((file, fragment))
}

/// Joins a relative link to the directory it was written in, resolving `.` and `..`;
/// `None` when it climbs out of `content/`.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::links::ActorRef;

    struct NoLinks;
    impl Links for NoLinks {
        fn actor(&self, name: &str) -> Option<ActorRef> {
            let putin = ActorRef {
                href: "../../actors/vladimir-putin/".into(),
                slug: "vladimir-putin".into(),
                names: vec!["Vladimir Putin".into(), "Putin".into()],
            };
            let us = ActorRef {
                href: "../../actors/us/".into(),
                slug: "us".into(),
                names: vec!["US".into()],
            };
            match name {
                "Vladimir Putin" | "Putin" => Some(putin),
                "US" | "U.S." => Some(us),
                _ => None,
            }
        }
        fn article(&self, path: &str) -> Option<String> {
            (path == "2017/b.md").then(|| "../../articles/b/".into())
        }
    }

    fn kinds() -> Vec<String> {
        crate::config::Annotations::default().kinds
    }

    fn run_with(body: &str, actors: &[&str], autolink: bool) -> (Rendered, Vec<String>) {
        let text = format!("---\ntitle: x\n---\n{body}");
        let origin = Origin {
            path: Path::new("a.md"),
            text: &text,
            body_offset: 17,
            content_dir: "2017",
        };
        let kinds = kinds();
        let callouts = Callouts::default();
        let actors: Vec<String> = actors.iter().map(|s| s.to_string()).collect();
        let settings = Settings {
            kinds: &kinds,
            callouts: &callouts,
            autolink,
            actors: &actors,
        };
        let mut diags = Vec::new();
        let r = render(body, &origin, &NoLinks, &settings, &mut diags);
        (
            r,
            diags
                .iter()
                .map(|d| d.to_string().lines().next().unwrap().to_string())
                .collect(),
        )
    }

    fn run(body: &str) -> (Rendered, Vec<String>) {
        run_with(body, &[], false)
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            "  ",
            "one",
            " two  words ",
            "Putin\u{2019}s \u{201C}quoted\u{201D}\tand\nmore\r\x0bend",
            "a\u{a0}b\u{2003}c\u{3000}d\u{85}e\u{1680}f\u{2028}g",
            "\u{e9}t\u{e9} \u{1F600} \u{2014} \u{3042}\u{3044}",
            "\u{2000}\u{200a}x\u{202f}\u{205f}y\u{2029}",
            "\x1c\x1f are not spaces",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        /// Long texts too, so that both the blocks counted as masks and those
        /// decoded are checked, with characters cut at every block boundary.
        #[test]
        fn words_in_long_texts_are_counted_as_split_whitespace_counts_them(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    // Mostly text with no Unicode space, so most blocks are masks.
                    12 => proptest::sample::select(vec![
                        "a", "word", " ", "  ", "\n", "\t", "\r\n", "\u{e9}", "\u{1F600}",
                    ]),
                    1 => proptest::sample::select(vec![
                        "\u{2019}", "\u{a0}", "\u{2003}", "\u{3000}", "\u{85}", "\u{2014}",
                        "\u{3042}",
                    ]),
                ],
                0..400,
            )
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }
    }

    #[test]
    fn heading_ids_are_unique_and_stable() {
        let (r, _) = run("# Talks\n\n## Talks\n\n## Talks {#own}\n\n## Talks\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, vec!["talks", "talks-1", "own", "talks-2"]);
    }

    #[test]
    fn automatic_ids_avoid_written_ids_footnotes_and_the_theme() {
        let (r, _) = run("## Main\n\n## Talks\n\n## Later {#talks}\n\n## Note\n\n## Note 1\n\nText[^note].\n\n[^note]: A note.\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, vec!["main-1", "talks-1", "talks", "note", "note-1-1"]);
        assert!(
            r.html.contains(r#"<h2 id="talks-1">Talks</h2>"#),
            "{}",
            r.html
        );
    }

    #[test]
    fn summary_is_the_first_top_level_paragraph() {
        let (r, _) =
            run("> quoted\n\n## Head\n\nFirst *real*\nparagraph.[^n]\n\nSecond.\n\n[^n]: note\n");
        assert_eq!(r.first_paragraph, "First real paragraph.");
    }

    #[test]
    fn wikilinks_resolve_to_actor_pages_or_warn() {
        let (r, d) = run("Met [[Vladimir Putin|Putin]] and [[Nobody]].\n");
        assert!(
            r.html
                .contains(r#"<a href="../../actors/vladimir-putin/">Putin</a>"#),
            "{}",
            r.html
        );
        assert!(r.html.contains("and Nobody."), "{}", r.html);
        assert_eq!(d, vec!["warning: a.md:4:34: wikilink [[Nobody]]: no actor of that name or alias is named by any article"]);
    }

    #[test]
    fn relative_markdown_links_resolve_to_article_pages() {
        let (r, d) = run("See [b](%62.md#x), [c](../c.md) and [web](https://x.org/a.md).\n");
        assert!(
            r.html.contains(r#"<a href="../../articles/b/#x">b</a>"#),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"href="https://x.org/a.md""#));
        assert_eq!(
            d,
            vec!["warning: a.md:4:20: link to `../c.md`: no article at content/c.md"]
        );
    }

    #[test]
    fn links_that_climb_out_of_content_warn() {
        let (r, d) = run("[up](../../top.md)\n");
        assert!(r.html.contains(r#"href="../../top.md""#), "{}", r.html);
        assert_eq!(
            d,
            vec!["warning: a.md:4:1: link to `../../top.md`: leads out of content/"]
        );
    }

    #[test]
    fn smart_punctuation_tables_and_footnotes_are_on() {
        let (r, _) = run("\"Quote\" -- x[^a]\n\n|a|b|\n|-|-|\n|1|2|\n\n[^a]: Note.\n");
        assert!(r.html.contains("“Quote” –"), "{}", r.html);
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("class=\"notes\""));
    }

    /// The HTML and the first lines of the diagnostics, for a snapshot.
    fn snapshot(r: &Rendered, d: &[String]) -> String {
        format!(
            "{}\n--- notes: {:?}\n--- mentions: {:?}\n--- diagnostics:\n{}",
            r.html,
            r.notes.summary,
            r.mentions,
            d.join("\n")
        )
    }

    #[test]
    fn notes_of_every_kind_sit_beside_their_passage_and_at_the_end() {
        let (r, d) = run("No-fly zones[^context-nfz] were offered.[^analysis] The claim[^fact-check-1] was \
            quoted[^quote-lavrov] against the record.[^background] Plain[^7], again[^context-nfz].\n\n\
            [^context-nfz]: First paragraph with a [link](https://example.org/a) and *emphasis*.\n\n    \
            A second paragraph, and a [[Putin]] wikilink.\n\n\
            [^analysis]: Analysis.\n\n\
            [^fact-check-1]: Checked.\n\n\
            [^quote-lavrov]: Quoted.\n\n\
            [^background]: Background.\n\n\
            [^7]: No kind.\n");
        assert_eq!(r.notes.count, 6);
        insta::assert_snapshot!(snapshot(&r, &d));
    }

    #[test]
    fn notes_referenced_but_not_defined_and_defined_but_not_referenced_warn() {
        let (r, d) = run("Text[^missing] and [^used].\n\n`[^in-code]` is fine.\n\n[^used]: Used.\n\n[^unused]: Never referenced.\n");
        assert_eq!(r.notes.count, 1);
        assert_eq!(
            d,
            vec![
                "warning: a.md:4:5: note [^missing] is referenced but never defined: add a line `[^missing]: ...` below the text",
                "warning: a.md:10:1: note [^unused] is defined but never referenced, so it is not shown",
            ]
        );
    }

    #[test]
    fn punctuation_after_a_marker_moves_before_it() {
        let (r, d) = run("By Damascus[^a]. Then[^b][^c], \u{201C}badly\u{201D}[^d]). End[^a] again.\n\n[^a]: A.\n[^b]: B.\n[^c]: C.\n[^d]: D.\n");
        assert_eq!(d, Vec::<String>::new());
        let text = |html: &str| -> String {
            // The text with each note's first reference as `^n` and later ones as `+n`.
            let mut out = String::new();
            let mut rest = html;
            while let Some(at) = rest.find('<') {
                out.push_str(&rest[..at]);
                let tag_end = rest[at..].find('>').unwrap() + at;
                let tag = &rest[at..=tag_end];
                if tag.starts_with("<span class=\"note ") {
                    let close = rest[at..].find("</span></span></span>").unwrap() + at;
                    let n = &rest[at..close].split("id=\"ref-").nth(1).unwrap()[..1];
                    out.push_str(&format!("^{n}"));
                    rest = &rest[close + "</span></span></span>".len()..];
                } else if tag.starts_with("<sup class=\"note-ref note-again\">") {
                    let close = rest[at..].find("</sup>").unwrap() + at;
                    out.push_str("+again");
                    rest = &rest[close + "</sup>".len()..];
                } else {
                    rest = &rest[tag_end + 1..];
                }
            }
            out.push_str(rest);
            out
        };
        let body = r.html.split("<section class=\"notes\"").next().unwrap();
        assert_eq!(
            text(body).trim(),
            "By Damascus.^1 Then,^2^3 \u{201C}badly\u{201D}).^4 End+again again."
        );
    }

    #[test]
    fn callouts_are_titled_boxes() {
        let (r, d) = run("> [!NOTE]\n> Some context.\n\n> [!TIP]\n> Why.\n\n> [!IMPORTANT]\n> Key.\n\n> [!WARNING]\n> Disputed.\n\n> [!CAUTION]\n> Unverified.\n\n> A plain quote.\n");
        insta::assert_snapshot!(snapshot(&r, &d));
    }

    #[test]
    fn wikilinks_hit_through_names_and_aliases_and_miss_with_a_warning() {
        let (r, d) = run("[[Vladimir Putin]] met [[Putin|the president]], and [[Nobody]].\n");
        insta::assert_snapshot!(snapshot(&r, &d));
    }

    #[test]
    fn the_first_plain_mention_of_each_actor_is_linked_and_nowhere_else() {
        let (r, d) = run_with(
            "## Putin in the heading\n\n\
            `Putin` in code, [Putin in a link](https://x.org), ![Putin](p.png), Putinism is \
            not a name, and the USA are not the US. Then Putin\u{2019}s turn, and Putin again; the US too.\n\n\
            ```\nPutin in a code block\n```\n",
            &["Vladimir Putin", "U.S.", "Unknown"],
            true,
        );
        insta::assert_snapshot!(snapshot(&r, &d));
        let (r, _) = run_with("Putin spoke.\n", &["Vladimir Putin"], false);
        assert!(!r.html.contains("<a"), "{}", r.html);
    }

    #[test]
    fn an_actor_already_wikilinked_is_not_autolinked_again() {
        let (r, _) = run_with(
            "[[Putin]] spoke; Putin listened.\n",
            &["Vladimir Putin"],
            true,
        );
        assert_eq!(r.html.matches("<a ").count(), 1, "{}", r.html);
    }

    #[test]
    fn notes_never_land_inside_links_or_headings_and_labels_ignore_case() {
        let (r, d) = run(
            "## Heading[^h]\n\n<a href=\"https://x.org\">raw[^c] link</a> and [^X] again[^x].\n\n\
            ## Ref 3 2\n\n[^h]: On a heading.\n\n[^c]: In a link.\n\n[^x]: Case.\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(
            r.html
                .contains("<h2 id=\"heading\">Heading</h2>\n<span class=\"note note-note\">"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("raw link</a><span class=\"note note-note\">"),
            "{}",
            r.html
        );
        assert_eq!(r.notes.count, 3);
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            vec!["heading", "ref-3-2-1"],
            "ref-3-2 is taken by a reference"
        );
    }

    #[test]
    fn a_note_inside_a_note_is_left_out_with_a_warning() {
        let (r, d) = run("Text[^outer].\n\n[^outer]: Outer[^inner].\n\n[^inner]: Inner.\n");
        assert_eq!(r.notes.count, 1);
        assert!(!r.html.contains("footnote"), "{}", r.html);
        assert_eq!(
            d,
            vec![
                "warning: a.md:6:1: note [^outer] refers to another note, and notes cannot hold notes: the reference is left out",
                "warning: a.md:8:1: note [^inner] is defined but never referenced, so it is not shown",
            ]
        );
    }

    #[test]
    fn a_shorter_name_is_not_linked_inside_a_longer_one_and_apostrophes_match() {
        struct Kims;
        impl Links for Kims {
            fn actor(&self, name: &str) -> Option<ActorRef> {
                Some(ActorRef {
                    href: format!("../../actors/{}/", slugify(name)),
                    slug: slugify(name),
                    names: vec![name.to_string()],
                })
            }
            fn article(&self, _: &str) -> Option<String> {
                None
            }
        }
        let text =
            "---\n---\nKim Jong Un met. Later Kim Jong Un, then Kim, and C\u{f4}te d'Ivoire.\n";
        let origin = Origin {
            path: Path::new("a.md"),
            text,
            body_offset: 8,
            content_dir: "",
        };
        let kinds = kinds();
        let callouts = Callouts::default();
        let actors = [
            "Kim Jong Un".to_string(),
            "Kim".into(),
            "C\u{f4}te d'Ivoire".into(),
        ];
        let settings = Settings {
            kinds: &kinds,
            callouts: &callouts,
            autolink: true,
            actors: &actors,
        };
        let r = render(&text[8..], &origin, &Kims, &settings, &mut Vec::new());
        assert_eq!(
            r.html,
            "<p><a href=\"../../actors/kim-jong-un/\">Kim Jong Un</a> met. Later Kim Jong Un, then <a href=\"../../actors/kim/\">Kim</a>, and <a href=\"../../actors/cote-divoire/\">C\u{f4}te d\u{2019}Ivoire</a>.</p>\n"
        );
    }

    #[test]
    fn an_escaped_reference_is_not_a_missing_note() {
        let (_, d) = run("Literally \\[^x] here.\n");
        assert!(d.is_empty(), "{d:?}");
    }
}
