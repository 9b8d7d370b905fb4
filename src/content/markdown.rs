//! Markdown → HTML, with pulldown-cmark.
//!
//! Besides the HTML this pass gives what the rest of the site needs from a body: a
//! plain-text summary (the first top-level paragraph), the headings with their ids
//! (stable, unique per page), and a word count. It also resolves the links only a
//! whole site can resolve: `[[Actor]]` wikilinks to actor pages, and relative links to
//! other `.md` files to those articles' pages. A link that resolves nowhere is a
//! warning with the file, line and column.

use crate::diagnostics::Diagnostic;
use crate::model::slug::slugify;
use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
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

/// Answers the links a body cannot resolve by itself.
pub trait Links {
    /// The href, relative to the article's page, of the actor called `name`.
    fn actor(&self, name: &str) -> Option<String>;
    /// The href, relative to the article's page, of the article whose file is
    /// `content_path` (relative to `content/`, normalised).
    fn article(&self, content_path: &str) -> Option<String>;
}

/// A heading of the article, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The `id` attribute, unique on the page.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// A rendered body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The body as HTML.
    pub html: String,
    /// The first top-level paragraph as plain text.
    pub first_paragraph: String,
    /// Headings in order.
    pub headings: Vec<Heading>,
    /// Words in the body's text.
    pub word_count: usize,
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

/// Renders `body`; warnings (unresolved links) are pushed to `diagnostics`.
pub fn render(
    body: &str,
    origin: &Origin<'_>,
    links: &dyn Links,
    diagnostics: &mut Vec<Diagnostic>,
) -> Rendered {
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut first_paragraph = None::<String>;
    let mut paragraph: Option<String> = None;
    let mut depth = 0usize;
    let mut word_count = 0;
    // Links dropped because they resolve nowhere: their End events are dropped too.
    let mut dropped_links = Vec::<bool>::new();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let warn = |diagnostics: &mut Vec<Diagnostic>, message: String| {
            diagnostics.push(
                Diagnostic::warning(origin.path, message)
                    .at_offset(origin.body_offset + range.start, origin.text),
            );
        };
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let resolved = match link_type {
                    LinkType::WikiLink { .. } => {
                        let found = links.actor(&dest_url);
                        if found.is_none() {
                            warn(diagnostics, format!("wikilink [[{dest_url}]]: no actor of that name or alias is named by any article"));
                        }
                        found.map(CowStr::from)
                    }
                    _ => match markdown_target(&dest_url) {
                        Some((file, fragment)) => {
                            let file =
                                percent_encoding::percent_decode_str(file).decode_utf8_lossy();
                            match join(origin.content_dir, &file) {
                                None => {
                                    warn(
                                        diagnostics,
                                        format!("link to `{dest_url}`: leads out of content/"),
                                    );
                                    Some(dest_url.clone())
                                }
                                Some(target) => match links.article(&target) {
                                    Some(href) => Some(CowStr::from(format!("{href}{fragment}"))),
                                    None => {
                                        warn(diagnostics, format!("link to `{dest_url}`: no article at content/{target}"));
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
        match &event {
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
            Event::Start(
                Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::FootnoteDefinition(_)
                | Tag::Table(_)
                | Tag::HtmlBlock,
            ) => depth += 1,
            Event::End(
                TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::Table
                | TagEnd::HtmlBlock,
            ) => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                word_count += t.split_whitespace().count();
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
        events.push(event);
    }

    let headings = assign_heading_ids(&mut events);
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    Rendered {
        html: out,
        first_paragraph: first_paragraph.unwrap_or_default(),
        headings,
        word_count,
    }
}

/// Ids the page around an article body already uses (the theme's skip-link target).
pub const RESERVED_IDS: &[&str] = &["main"];

/// Gives every heading an id: its own `{#id}` if written, else the slug of its text,
/// made unique on the page with `-1`, `-2`, …, never taking an id that is written
/// elsewhere in the body, a footnote's, or one of [`RESERVED_IDS`].
fn assign_heading_ids(events: &mut [Event<'_>]) -> Vec<Heading> {
    let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    for event in events.iter() {
        match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => {
                used.insert(id.to_string());
            }
            Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) => {
                used.insert(label.to_string());
            }
            _ => {}
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

    struct NoLinks;
    impl Links for NoLinks {
        fn actor(&self, name: &str) -> Option<String> {
            (name == "Vladimir Putin").then(|| "../../actors/vladimir-putin/".into())
        }
        fn article(&self, path: &str) -> Option<String> {
            (path == "2017/b.md").then(|| "../b/".into())
        }
    }

    fn run(body: &str) -> (Rendered, Vec<String>) {
        let text = format!("---\ntitle: x\n---\n{body}");
        let origin = Origin {
            path: Path::new("a.md"),
            text: &text,
            body_offset: 17,
            content_dir: "2017",
        };
        let mut diags = Vec::new();
        let r = render(body, &origin, &NoLinks, &mut diags);
        (
            r,
            diags
                .iter()
                .map(|d| d.to_string().lines().next().unwrap().to_string())
                .collect(),
        )
    }

    #[test]
    fn heading_ids_are_unique_and_stable() {
        let (r, _) = run("# Talks\n\n## Talks\n\n## Talks {#own}\n\n## Talks\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, vec!["talks", "talks-1", "own", "talks-2"]);
    }

    #[test]
    fn automatic_ids_avoid_written_ids_footnotes_and_the_theme() {
        let (r, _) = run("## Main\n\n## Talks\n\n## Later {#talks}\n\n## Note\n\nText[^note].\n\n[^note]: A note.\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, vec!["main-1", "talks-1", "talks", "note-1"]);
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
        assert!(r.html.contains(r#"<a href="../b/#x">b</a>"#), "{}", r.html);
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
        assert!(r.html.contains("footnote-definition"));
    }
}
