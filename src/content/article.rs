//! Articles: one Markdown file with front matter → an [`Article`] of the site model.
//!
//! Loading is split in two so both halves run in parallel over all files: [`load`]
//! reads and checks the front matter (all the site indexes need), and
//! [`super::bodies::render`] renders Markdown once the indexes exist to resolve links against.

use super::front_matter;
use crate::diagnostics::{display_path, Diagnostic};
use crate::images::LeadImage;
use crate::model::article::{Article, Read};
use crate::model::asset::Asset;
use crate::model::date::Tz;
use crate::model::slug::{slugify, term_slug};
use crate::model::taxonomy::TaxonomyKind;
use crate::text;
use rayon::prelude::*;
use std::path::Path;

/// The slug a file gets when its front matter sets none: the file name without a
/// leading `YYYY-MM-DD-`, or the folder's name for a bundle's `index.md`.
pub fn slug_from_path(content_path: &str) -> String {
    let mut parts = content_path.rsplit('/');
    let file = parts.next().unwrap_or_default();
    let stem = match file.len().checked_sub(3) {
        Some(dot) if file.is_char_boundary(dot) && file[dot..].eq_ignore_ascii_case(".md") => {
            &file[..dot]
        }
        _ => file,
    };
    let stem = if stem == "index" {
        parts.next().unwrap_or(stem)
    } else {
        stem
    };
    let bytes = stem.as_bytes();
    let dated = bytes.len() > 11 && bytes[10] == b'-' && crate::model::date::starts_with_day(stem);
    slugify(if dated { &stem[11..] } else { stem })
}

/// What of site.toml reading an article depends on: when it changes, every article
/// is read again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    /// The site's time zone, that dates without an offset are read in.
    pub zone: Option<Tz>,
    /// The author of an article without `authors:`.
    pub default_author: Option<String>,
    /// `base_url`, without its trailing `/`: aliases are paths below it.
    pub base_url: String,
}

impl Reading {
    /// What `config` says (nothing without one).
    pub fn of(config: Option<&crate::config::Config>) -> Reading {
        config.map_or_else(Reading::default, |c| Reading {
            zone: c.timezone,
            default_author: c.default_author.clone(),
            base_url: c.base_url.clone(),
        })
    }
}

/// Reads one article and checks its front matter.
pub fn load(root: &Path, md: &Asset, reading: &Reading) -> (Option<Article>, Vec<Diagnostic>) {
    let file = display_path(root, &md.src);
    let bytes = match std::fs::read(&md.src) {
        Ok(b) => b,
        Err(e) => {
            return (
                None,
                vec![Diagnostic::error(file, format!("cannot read: {e}"))],
            )
        }
    };
    let text = match super::text_of(bytes) {
        Ok(t) => t,
        Err(e) => {
            return (None, vec![super::not_utf8(&file, &e)]);
        }
    };
    if let Some((offset, c)) = text::forbidden_char(&text) {
        return (None, vec![super::forbidden(&file, &text, offset, c)]);
    }
    let split = match front_matter::split(&file, &text) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let parsed = front_matter::parse_article(&file, &text, &split, reading);
    let Some(mut front) = parsed.value else {
        return (None, parsed.diagnostics);
    };
    if front.authors.is_none() {
        front.authors = reading.default_author.clone().map(|a| vec![a]);
    }
    // What pages show of the front matter as prose gets the body's smart
    // punctuation, everywhere it is shown: pages, feeds, JSON-LD, search.
    let smart = super::markdown::smart_punctuation;
    front.title = smart(&front.title);
    front.summary = front.summary.as_deref().map(smart);
    front.key_points = front.key_points.iter().map(|p| smart(p)).collect();
    let mut diagnostics = parsed.diagnostics;
    let slug = match &front.slug {
        Some(s) => s.clone(),
        None => slug_from_path(&md.rel),
    };
    if slug.is_empty() {
        diagnostics.push(Diagnostic::error(
            &file,
            "cannot make a URL from this file's name: add `slug:` to its front matter",
        ));
        return (None, diagnostics);
    }
    if slug.len() > front_matter::MAX_SLUG {
        diagnostics.push(Diagnostic::error(
            &file,
            format!(
                "this file's name makes a URL of {} characters (at most {}): rename the file or add a shorter `slug:`",
                slug.len(),
                front_matter::MAX_SLUG
            ),
        ));
        return (None, diagnostics);
    }
    if crate::model::slug::is_windows_reserved(&slug) {
        diagnostics.push(Diagnostic::warning(
            &file,
            format!("articles/{slug}/ cannot be copied to Windows, where `{slug}` is a reserved name: add another `slug:` if the site may go there"),
        ));
    }
    let own = format!("articles/{slug}/");
    if let Some(n) = front.aliases.iter().position(|a| *a == own) {
        front.aliases.remove(n);
        let d = Diagnostic::warning(
            &file,
            format!("aliases: {own} is this article's own address: there is nothing to redirect"),
        );
        let d = match front_matter::aliases::written_at(&text, &own) {
            Some(range) => d.at_range(range, &text),
            None => d,
        };
        diagnostics.push(d.help("remove it (an alias is an address the article had before)"));
    }
    let mut image_at = None;
    let image = match &front.image {
        None => None,
        Some(written) => {
            let bundle = md
                .rel
                .strip_suffix("/index.md")
                .map(|dir| (dir, slug.as_str()));
            let at = || {
                let index = front_matter::KeyIndex::new(split.yaml, split.yaml_line);
                let (line, col) = index.value("image").unwrap_or((1, 1));
                Diagnostic::error(&file, String::new()).at_value(line, col, &text)
            };
            match crate::images::find(root, bundle, &written.path) {
                Ok(image) => Some(Box::new(LeadImage {
                    image,
                    alt: written.alt.clone(),
                    caption: written.caption.clone(),
                    credit: written.credit.clone(),
                }))
                .inspect(|_| image_at = Some(Box::new(at()))),
                Err(e) => {
                    let mut d = at();
                    d.message = format!("image: {}", e.message);
                    diagnostics.push(d.help(e.help));
                    return (None, diagnostics);
                }
            }
        }
    };
    diagnostics.extend(placeholders(&file, &text, &front, split.body_offset));
    let bundle = md.rel.strip_suffix("/index.md").map(str::to_string);
    let body_offset = split.body_offset;
    let mut article = Article::read(Read {
        file,
        content_path: md.rel.clone(),
        slug,
        front,
        image,
        image_at,
        bundle,
        term_slugs: Default::default(),
        text_len: text.len(),
        text_hash: xxhash_rust::xxh3::xxh3_128(text.as_bytes()),
        src: md.src.clone(),
        text,
        body_offset,
    });
    let slugs = TaxonomyKind::ALL.map(|k| article.names(k).into_iter().map(term_slug));
    article.term_slugs = crate::model::term_ids::TermSlugs::new(slugs);
    (Some(article), diagnostics)
}

/// The source `briefing new` writes when given none.
pub const PLACEHOLDER_SOURCE: &str = "TODO";

/// The body `briefing new` writes: its first line, a note for it, and a last
/// paragraph, so that text added at the end is not read as part of the note.
pub const STARTER_BODY: &str = "Write the briefing here. A note goes in a footnote:[^context-1]\n\n[^context-1]: Context for the reader.\n\nReplace these lines with the briefing; a note may be defined anywhere in it.\n";

/// The warning about the placeholder source.
const PLACEHOLDER_SOURCE_LEFT: &str = "source: still the placeholder `briefing new` wrote";
/// The warning about the starter body.
const STARTER_BODY_LEFT: &str = "the body is still the starter text `briefing new` wrote";

/// Whether `d` is a warning about what `briefing new` left in place: said only of an
/// article the build publishes (a draft left out is still being written).
pub fn is_placeholder_warning(d: &Diagnostic) -> bool {
    !d.is_error() && (d.message == PLACEHOLDER_SOURCE_LEFT || d.message == STARTER_BODY_LEFT)
}

/// Warnings for what `briefing new` left for the editor to replace: the placeholder
/// source and the starter body. A build publishes them as they are; `--strict` does
/// not.
fn placeholders(
    file: &Path,
    text: &str,
    front: &crate::model::article::FrontMatter,
    body_offset: usize,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if front.source().name == PLACEHOLDER_SOURCE {
        let at = text[..body_offset]
            .lines()
            .position(|l| {
                l.trim_start().starts_with("source:") || l.trim_start().starts_with("name:")
            })
            .unwrap_or(0);
        let line = text.lines().nth(at).unwrap_or_default();
        let column = line
            .find(PLACEHOLDER_SOURCE)
            .map_or(1, |c| line[..c].chars().count() + 1);
        found.push(
            Diagnostic::warning(file, PLACEHOLDER_SOURCE_LEFT)
                .at_span(at + 1, column, PLACEHOLDER_SOURCE.len(), text)
                .help("name the outlet the briefing is based on, such as `source: Reuters`"),
        );
    }
    let first = STARTER_BODY.lines().next().unwrap_or_default();
    // memchr's searcher: `str::find` took 1.5% of a build's instructions here.
    if let Some(offset) = memchr::memmem::find(&text.as_bytes()[body_offset..], first.as_bytes()) {
        found.push(
            Diagnostic::warning(file, STARTER_BODY_LEFT)
                .at_offset(body_offset + offset, text)
                .span(first.chars().count())
                .help("write the briefing in its place, and its notes"),
        );
    }
    found
}

/// Articles an earlier build read, kept by the caller (see `build::article_cache`).
pub trait KeptArticles: Sync {
    /// How many articles an earlier build kept (whether or not they will be taken).
    fn kept(&self) -> usize;

    /// The article `md` is, with its warnings: as an earlier build read it if its
    /// file is as it was then, else from `load`, which reads it (and is kept).
    fn read(
        &self,
        md: &Asset,
        load: &dyn Fn() -> (Option<Article>, Vec<Diagnostic>),
    ) -> (Option<Article>, Vec<Diagnostic>);
}

/// Loads every article in parallel. Each file gives an article (its warnings kept in
/// `load_diagnostics`) or the errors that kept it out; results come in file order.
/// Without `keep_text`, each source is dropped once its front matter is read, and
/// read again when its body is rendered. With `kept` (and without `keep_text`: a
/// kept article has no source), articles an earlier build read are taken from it.
pub fn load_all(
    root: &Path,
    files: &[Asset],
    keep_text: bool,
    reading: &Reading,
    kept: Option<&dyn KeptArticles>,
) -> Vec<Result<Box<Article>, Vec<Diagnostic>>> {
    let kept = kept.filter(|_| !keep_text);
    let load_one = |md: &Asset| {
        let load = || load(root, md, reading);
        let loaded = match kept {
            Some(kept) => kept.read(md, &load),
            None => load(),
        };
        match loaded {
            (Some(mut article), diagnostics) => {
                article.load_diagnostics = diagnostics;
                if !keep_text {
                    article.text = String::new();
                }
                // Boxed here, by the thread that read it: the build moves each
                // article (1 KB) through maps and lists until the site sorts them.
                Ok(Box::new(article))
            }
            (None, diagnostics) => Err(diagnostics),
        }
    };
    // With no articles kept (a first build), every file is read: read ahead of the
    // parsing, many at once.
    if kept.is_none_or(|k| k.kept() == 0) {
        super::read_ahead::each(files, |md| &md.src, load_one)
    } else {
        files.par_iter().map(load_one).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_drop_a_leading_date_and_use_bundle_folders() {
        assert_eq!(
            slug_from_path("2017-07-06-tillerson-offer.md"),
            "tillerson-offer"
        );
        assert_eq!(
            slug_from_path("2017/2017-06-06-Raqqa Offensive.md"),
            "raqqa-offensive"
        );
        assert_eq!(slug_from_path("2017-07-09-ceasefire/index.md"), "ceasefire");
        assert_eq!(slug_from_path("notes.md"), "notes");
        assert_eq!(slug_from_path("2017-07-01-Upper.MD"), "upper");
        assert_eq!(slug_from_path("2017-07-06.md"), "2017-07-06");
    }
}
