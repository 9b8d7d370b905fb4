//! Markdown → HTML, with pulldown-cmark.
//!
//! Besides the HTML this pass gives what the rest of the site needs from a body: a
//! plain-text summary (the first top-level paragraph), the headings with their ids
//! (stable, unique per page), and a word count. It also resolves the links only a
//! whole site can resolve: `[[Actor]]` wikilinks to actor pages, and relative links to
//! other `.md` files to those articles' pages. A link that resolves nowhere is a
//! warning with the file, line and column.

mod headings;
mod joined;
mod links;
pub mod shortcodes;
mod smart;
mod walk;
mod words;

pub use headings::RESERVED_IDS;
use headings::*;
use joined::*;
use links::*;
pub use smart::smart_punctuation;
use walk::*;
use words::*;

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
    /// The site's shortcodes; without them a body's are left as text.
    pub shortcodes: Option<&'a dyn shortcodes::Shortcodes>,
    /// Where the body's files are, for shortcodes' `src`.
    pub place: Option<shortcodes::Place<'a>>,
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
    /// The quotes its `quote` shortcodes attribute, in order.
    pub quotes: Vec<crate::model::article::Quote>,
    /// Whether it calls shortcodes (or writes one as text).
    pub shortcodes: bool,
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
    /// A warning underlining the byte range `at` of the body.
    fn warning(&self, at: std::ops::Range<usize>, message: String) -> Diagnostic {
        let offset = self.body_offset;
        Diagnostic::warning(self.path, message)
            .at_range(at.start + offset..at.end + offset, self.text)
    }

    fn warn(&self, diagnostics: &mut Vec<Diagnostic>, at: std::ops::Range<usize>, message: String) {
        diagnostics.push(self.warning(at, message));
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
    let prepared = settings.shortcodes.and_then(|s| {
        shortcodes::prepare(body, origin, s, links, settings.place.as_ref(), diagnostics)
    });
    let shortcodes = prepared.is_some();
    let (spliced, expander) = match prepared {
        Some((spliced, expander)) => (Some(spliced), Some(expander)),
        None => (None, None),
    };
    let (events, definitions) = resolve_links(
        body,
        spliced.as_ref(),
        origin,
        links,
        &mut mentions,
        diagnostics,
    );
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
        out: events, notes, ..
    } = walk;
    let (mut events, quotes, call_ids) = match expander {
        Some(expander) => {
            let ids = expander.ids();
            let (events, quotes) = expander.expand(events, origin, diagnostics);
            (events, quotes, ids)
        }
        None => (events, Vec::new(), Vec::new()),
    };
    for (d, (label, _, at)) in definitions.iter().enumerate() {
        if !notes.iter().any(|(shown, ..)| *shown == d) {
            diagnostics.push(
                origin
                    .warning(
                        *at..*at + label.len() + 3,
                        format!(
                            "note [^{label}] is defined but never referenced, so it is not shown"
                        ),
                    )
                    .label("never referenced")
                    .help(format!(
                        "refer to it in the text as [^{label}], or delete the note"
                    )),
            );
        }
    }
    let references: Vec<usize> = notes.iter().map(|(_, _, refs)| *refs).collect();
    let notes: Vec<Note<'_>> = notes.into_iter().map(|(_, note, _)| note).collect();
    let (first_paragraph, word_count) = summary_and_words(&events);
    let headings = assign_heading_ids(&mut events, notes::ids(&references).chain(call_ids));
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
        quotes,
        shortcodes,
    }
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
            shortcodes: None,
            place: None,
        };
        let mut diags = Vec::new();
        let r = render(body, &origin, &NoLinks, &settings, &mut diags);
        (
            r,
            // The header, and the help when there is some.
            diags
                .iter()
                .map(|d| {
                    let header = d.to_string().lines().next().unwrap().to_string();
                    match d.helps.as_slice() {
                        [] => header,
                        helps => format!("{header} (help: {})", helps.join("; ")),
                    }
                })
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
    fn links_with_a_scheme_are_left_as_written() {
        let (r, d) = run("[call](tel:b.md), [mail](mailto:a@b.md) and [app](x-app:c.md)\n");
        assert!(r.html.contains(r#"href="tel:b.md""#), "{}", r.html);
        assert!(r.html.contains(r#"href="x-app:c.md""#), "{}", r.html);
        assert!(d.is_empty(), "{d:?}");
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
                "warning: a.md:4:5: note [^missing] is referenced but never defined (help: add a line `[^missing]: ...` below the text)",
                "warning: a.md:10:1: note [^unused] is defined but never referenced, so it is not shown (help: refer to it in the text as [^unused], or delete the note)",
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
                "warning: a.md:8:1: note [^inner] is defined but never referenced, so it is not shown (help: refer to it in the text as [^inner], or delete the note)",
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
            shortcodes: None,
            place: None,
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
