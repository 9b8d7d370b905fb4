//! Links only a whole site can resolve: `[[Actor]]` wikilinks to actor pages, and
//! relative links to other `.md` files to those articles' pages.

use super::*;

/// Parses `body`, resolving wikilinks to actor pages and relative `.md` links to
/// article pages (a wikilink that resolves nowhere becomes its text), joining runs
/// of text ([`Joined`]) and taking the note definitions out ([`Definitions`]), in
/// one pass over the events.
pub(super) fn resolve_links<'a>(
    body: &'a str,
    spliced: Option<&'a shortcodes::Spliced>,
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
    // With shortcodes, the marked text is parsed and positions mapped back.
    let parsed: Box<dyn Iterator<Item = Located<'a>>> = match spliced {
        None => Box::new(Parser::new_ext(body, options()).into_offset_iter()),
        Some(s) => Box::new(shortcodes::located(
            Parser::new_ext(&s.text, options()).into_offset_iter(),
            s,
        )),
    };
    for (event, range) in parsed {
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
                            origin.warn(diagnostics, range.clone(), format!("wikilink [[{dest_url}]]: no actor of that name or alias is named by any article"));
                            None
                        }
                    },
                    _ => {
                        match markdown_target(&dest_url) {
                            Some((file, fragment)) => match join(origin.content_dir, file) {
                                None => {
                                    origin.warn(
                                        diagnostics,
                                        range.clone(),
                                        format!("link to `{dest_url}`: leads out of content/"),
                                    );
                                    Some(dest_url.clone())
                                }
                                Some(target) => match links.article(&target) {
                                    Some(href) => Some(CowStr::from(format!("{href}{fragment}"))),
                                    None => {
                                        origin.warn(diagnostics, range.clone(), format!("link to `{dest_url}`: no article at content/{target}"));
                                        Some(dest_url.clone())
                                    }
                                },
                            },
                            None => Some(dest_url.clone()),
                        }
                    }
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

/// `other.md#part` → `("other.md", "#part")` when the link is to a local Markdown
/// file: relative, with no scheme (`tel:b.md` and `https://x/b.md` are left as
/// written).
pub(super) fn markdown_target(dest: &str) -> Option<(&str, &str)> {
    let (file, fragment) = match dest.find('#') {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
    };
    // Most links are to no `.md` file: those are not parsed as URLs at all.
    if !file.ends_with(".md")
        || dest.starts_with('/')
        || dest.starts_with('#')
        || url::Url::parse(dest).is_ok()
    {
        return None;
    }
    Some((file, fragment))
}

/// Joins a relative link (percent-encoded as written) to the content folder it was
/// written in; `None` when it climbs out of `content/`.
pub(super) fn join(dir: &str, rel: &str) -> Option<String> {
    let from = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    crate::paths::resolve(&from, rel).map(|r| r.path)
}
