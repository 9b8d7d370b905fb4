//! The walk over a body's text: autolinks (the first plain mention of each actor),
//! note references placed beside their passage, callouts.

use super::*;

/// A note definition: its label, its content, and where it starts.
pub(super) type Definition<'a> = (String, Vec<Event<'a>>, usize);

/// An actor to link at its first plain mention.
pub(super) struct Pending {
    pub(super) href: String,
    pub(super) slug: String,
    /// Its names, longest first.
    pub(super) names: Vec<String>,
    /// A searcher for each of `names`, made once per body.
    pub(super) finders: Vec<memchr::memmem::Finder<'static>>,
    /// Linked already: its names are still looked for, so that a shorter name of
    /// another actor is never linked inside one of them.
    pub(super) linked: bool,
}

/// The actors of the front matter that resolve, each once, with every name to look for.
pub(super) fn autolink_targets(actors: &[String], links: &dyn Links) -> Vec<Pending> {
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
pub(super) struct Depth {
    pub(super) link: usize,
    pub(super) image: usize,
    pub(super) heading: usize,
    pub(super) code: usize,
    pub(super) html: usize,
}

/// The walk over the body's events: autolinks, note references, callouts.
pub(super) struct Walk<'a, 'b> {
    pub(super) body: &'a str,
    pub(super) origin: &'b Origin<'b>,
    pub(super) settings: &'b Settings<'b>,
    pub(super) definitions: &'b [Definition<'a>],
    /// Actors not linked yet.
    pub(super) pending: Vec<Pending>,
    /// Notes shown, in order of first reference: the definition's index, the note,
    /// and how many references it had so far.
    pub(super) notes: Vec<(usize, Note<'a>, usize)>,
    /// Notes referenced inside a link or a heading, which cannot hold them: written
    /// as soon as the link or heading ends.
    pub(super) deferred: Vec<String>,
    pub(super) out: Vec<Event<'a>>,
    pub(super) mentions: &'b mut Vec<String>,
    pub(super) diagnostics: &'b mut Vec<Diagnostic>,
    pub(super) depth: Depth,
}

impl<'a> Walk<'a, '_> {
    pub(super) fn event(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
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
                range.clone(),
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
                        *at..*at + label.len() + 3,
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
                    let at = range.start + start;
                    self.diagnostics.push(
                        self.origin
                            .warning(
                                at..at + e + 3,
                                format!("note [^{label}] is referenced but never defined"),
                            )
                            .label("no note of this name")
                            .help(format!("add a line `[^{label}]: ...` below the text")),
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
pub(super) fn is_tag(html: &str, name: &str) -> bool {
    let Some(rest) = html.strip_prefix('<') else {
        return false;
    };
    rest.len() >= name.len()
        && rest[..name.len()].eq_ignore_ascii_case(name)
        && rest[name.len()..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace())
}

/// The earliest whole-word mention in `text` of any name of `pending` (the longest
/// at a place): (byte offset, length, index in `pending`).
pub(super) fn first_mention(text: &str, pending: &[Pending]) -> Option<(usize, usize, usize)> {
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
