//! An article of the site model: its front matter, typed, and what its body gave.
//!
//! `content::article` reads an [`Article`] from its file; `content::bodies` renders
//! its body against the built site and attaches the [`Body`]. Nothing else changes it.

pub use super::note_counts::{label, KindCount, NoteCounts, PLAIN};

use super::date::Date;
use super::links::LinkUse;
use super::taxonomy::TaxonomyKind;
use crate::diagnostics::Diagnostic;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// One briefing.
#[derive(Debug, Clone)]
pub struct Article {
    /// The file, relative to the site root (`content/2017-07-06-x.md`).
    pub file: PathBuf,
    /// The file relative to `content/`, `/`-separated: how links name it.
    pub content_path: String,
    /// The URL slug: `/articles/<slug>/`.
    pub slug: String,
    /// Front matter, typed.
    pub front: FrontMatter,
    /// Its lead image (`image:`), its file found and measured. Boxed, as the other
    /// parts few articles have: an article is held for the whole build, and its
    /// size counts 10,000 or 100,000 times (see [`Article`]'s test of its size).
    pub image: Option<Box<crate::images::LeadImage>>,
    /// Where `image:` is written, for the problems of its file found when it is
    /// resized (an error with no message yet).
    pub image_at: Option<Box<Diagnostic>>,
    /// The images of the body that are resized (see `crate::images::rewrite`).
    pub body_images: Vec<ImageUse>,
    /// The bundle folder relative to `content/` for `<dir>/index.md` articles.
    pub bundle: Option<String>,
    /// The body's HTML, once rendered.
    pub html: String,
    /// Or where it is, when an earlier build kept it (`build::body_cache`): a
    /// one-off build reads it only for the pages it renders.
    pub kept_html: Option<KeptHtml>,
    /// Summary: front matter `summary`, else the first paragraph.
    pub summary: String,
    /// Headings with their ids.
    pub headings: Vec<Heading>,
    /// Words in the body.
    pub word_count: usize,
    /// The search terms of its body and notes, folded, sorted, each once, joined by
    /// spaces (see `model::search::fold`): what the search index reads of the body.
    pub search_terms: String,
    /// The notes shown, counted by kind.
    pub notes: NoteCounts,
    /// Slugs of the actors the body links to.
    pub mentions: Vec<String>,
    /// The quotes its body attributes to actors (`quote` shortcodes).
    pub quotes: Vec<Quote>,
    /// Whether its body calls shortcodes: rendered again when the templates change.
    pub shortcodes: bool,
    /// What reading the file and its front matter found (warnings only: an article
    /// with errors is not loaded).
    pub load_diagnostics: Vec<Diagnostic>,
    /// What rendering the body found (unresolved links).
    pub render_diagnostics: Vec<Diagnostic>,
    /// Every link the body asked the site to resolve, with the answer it got. When
    /// any answer would now differ, the body must be rendered again.
    pub links: Vec<LinkUse>,
    /// A hash of what the article's own page shows beyond its list item (body,
    /// headings, key points, extra), set when the body is rendered.
    pub page_hash: u64,
    /// Whether `html` is up to date with the source.
    pub rendered: bool,
    /// The slug of each name in `names(kind)`, by [`TaxonomyKind`] order, made once
    /// when the file is read.
    pub term_slugs: super::term_ids::TermSlugs,
    /// Its terms as the site it is in has them: see [`Article::term_ids`].
    pub terms: super::term_ids::TermIds,
    /// Changes whenever anything of the article does (it is read or rendered again):
    /// what a session's caches know it by.
    pub generation: u64,
    /// Source text: kept until the body is rendered, or for the whole session when
    /// bodies may be rendered again. A one-off build drops it once the front matter
    /// is read and reads the file again for the body (`content::article::load_all`): at 100,000
    /// articles the sources are half a gigabyte.
    pub text: String,
    /// The length of `text`, to know the file is unchanged when it is read again.
    pub text_len: usize,
    /// A hash of the whole file as read (XXH3, 128 bits): what a kept body was
    /// rendered from.
    pub text_hash: u128,
    /// Where the file is, to read it again.
    pub src: PathBuf,
    /// Where the body starts in the file.
    pub body_offset: usize,
    /// Whether this build publishes it, or why not; set by each build, since the
    /// time decides it.
    pub status: Status,
}

/// Whether a build publishes an article, or what keeps it out (each included by a
/// flag: `--drafts`, `--future`, `--expired`; `serve` includes all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// Published.
    #[default]
    Published,
    /// `draft: true`.
    Draft,
    /// `withdrawn:`: its page is a notice, and it is in no list.
    Withdrawn,
    /// Dated after the build's *now*.
    Scheduled,
    /// `expires` at or before the build's *now*.
    Expired,
}

impl Status {
    /// Its article's status at `now` (a draft is a draft first).
    pub fn at(front: &FrontMatter, now: chrono::DateTime<chrono::FixedOffset>) -> Status {
        if front.draft {
            Status::Draft
        } else if front.withdrawn.is_some() {
            Status::Withdrawn
        } else if front.date.at > now {
            Status::Scheduled
        } else if front.expires.is_some_and(|e| e.at <= now) {
            Status::Expired
        } else {
            Status::Published
        }
    }

    /// As templates see it: `published`, `draft`, `scheduled`, `expired`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Published => "published",
            Status::Draft => "draft",
            Status::Withdrawn => "withdrawn",
            Status::Scheduled => "scheduled",
            Status::Expired => "expired",
        }
    }
}

/// What rendering an article's body gave, attached to it by [`Article::attach`].
/// A body without problems or images is kept between builds as it serialises
/// (see `build::body_cache`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Body {
    /// The body's HTML (kept apart from the rest, see `build::body_cache`).
    #[serde(skip)]
    pub html: String,
    /// Or where an earlier build kept it.
    #[serde(skip)]
    pub kept_html: Option<KeptHtml>,
    /// Summary: front matter `summary`, else the first paragraph.
    pub summary: String,
    /// Headings with their ids.
    pub headings: Vec<Heading>,
    /// Words in the body.
    pub word_count: usize,
    /// The search terms of its body and notes ([`Article::search_terms`]).
    pub search_terms: String,
    /// The notes shown, counted by kind.
    pub notes: NoteCounts,
    /// Slugs of the actors the body links to.
    pub mentions: Vec<String>,
    /// The quotes it attributes to actors.
    pub quotes: Vec<Quote>,
    /// Whether it calls shortcodes.
    pub shortcodes: bool,
    /// What rendering found (unresolved links).
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
    /// Every link the body asked the site to resolve, with its answer (kept only by
    /// a session, for its next update).
    pub links: Vec<LinkUse>,
    /// A hash of what the article's own page shows beyond its list item.
    pub page_hash: u64,
    /// The images of the body that are resized.
    #[serde(skip)]
    pub images: Vec<ImageUse>,
}

/// An image a body shows, resized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUse {
    /// The file.
    pub image: crate::images::Image,
    /// Its variants.
    pub set: crate::images::variants::Set,
    /// Where the body names it, for the problems found when it is resized (an error
    /// with no message yet).
    pub at: Diagnostic,
}

impl Article {
    /// Whether an image it shows (its lead image, or one of its body) was replaced
    /// on disk since it was read: the article must be read again.
    pub fn image_replaced(&self) -> bool {
        self.image.as_ref().is_some_and(|l| l.image.replaced())
            || self.body_images.iter().any(|u| u.image.replaced())
    }
}

/// A quote attributed to an actor, as the actor's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    /// The actor's slug.
    pub actor: String,
    /// The quote's id on the article's page: `quote-1`.
    pub id: String,
    /// What they said, as HTML.
    pub html: String,
    /// What they said, as plain text.
    pub text: String,
    /// Who reported it (`source`), as written.
    pub source: Option<String>,
    /// When it was said (`date`), as written: `2017-07-07`.
    pub date: Option<String>,
    /// Where it was reported (`url`).
    pub url: Option<String>,
}

/// Reads a body's HTML that an earlier build kept (see `build::body_cache`).
#[derive(Clone)]
pub struct KeptHtml(pub std::sync::Arc<dyn Fn() -> std::io::Result<String> + Send + Sync>);

impl std::fmt::Debug for KeptHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeptHtml")
    }
}

/// What reading an article's file gives, before its body is rendered: by
/// `content::article`, or as an earlier build kept it (`build::article_cache`).
/// Each field is the [`Article`]'s of the same name.
pub struct Read {
    /// [`Article::file`].
    pub file: PathBuf,
    /// [`Article::content_path`].
    pub content_path: String,
    /// [`Article::slug`].
    pub slug: String,
    /// [`Article::front`].
    pub front: FrontMatter,
    /// [`Article::image`].
    pub image: Option<Box<crate::images::LeadImage>>,
    /// [`Article::image_at`].
    pub image_at: Option<Box<Diagnostic>>,
    /// [`Article::bundle`].
    pub bundle: Option<String>,
    /// [`Article::term_slugs`].
    pub term_slugs: super::term_ids::TermSlugs,
    /// [`Article::text`].
    pub text: String,
    /// [`Article::text_len`].
    pub text_len: usize,
    /// [`Article::text_hash`].
    pub text_hash: u128,
    /// [`Article::src`].
    pub src: PathBuf,
    /// [`Article::body_offset`].
    pub body_offset: usize,
}

impl Article {
    /// An article as read, its body not rendered yet.
    pub fn read(r: Read) -> Article {
        Article {
            file: r.file,
            content_path: r.content_path,
            slug: r.slug,
            front: r.front,
            image: r.image,
            image_at: r.image_at,
            body_images: Vec::new(),
            bundle: r.bundle,
            html: String::new(),
            kept_html: None,
            summary: String::new(),
            headings: Vec::new(),
            word_count: 0,
            search_terms: String::new(),
            notes: NoteCounts::default(),
            mentions: Vec::new(),
            quotes: Vec::new(),
            shortcodes: false,
            load_diagnostics: Vec::new(),
            render_diagnostics: Vec::new(),
            links: Vec::new(),
            page_hash: 0,
            rendered: false,
            term_slugs: r.term_slugs,
            terms: Default::default(),
            generation: next_generation(),
            text: r.text,
            text_len: r.text_len,
            text_hash: r.text_hash,
            src: r.src,
            body_offset: r.body_offset,
            status: Status::default(),
        }
    }
}

/// A number no article had before.
pub fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Article {
    /// The names it gives in one taxonomy: its tags, its actors, its sources, its
    /// authors, or its story.
    pub fn names(&self, kind: TaxonomyKind) -> Vec<&str> {
        match kind {
            TaxonomyKind::Tags => self.front.tags.iter().map(String::as_str).collect(),
            TaxonomyKind::Actors => self.front.actors.iter().map(String::as_str).collect(),
            TaxonomyKind::Sources => self.front.sources.iter().map(|s| s.name.as_str()).collect(),
            TaxonomyKind::Authors => self
                .front
                .authors
                .iter()
                .flatten()
                .map(String::as_str)
                .collect(),
            TaxonomyKind::Stories => self.front.story.iter().map(String::as_str).collect(),
        }
    }

    /// When it last changed in substance: the latest of its date, `updated` and its
    /// corrections' dates.
    pub fn modified(&self) -> Date {
        let front = &self.front;
        front
            .updated
            .into_iter()
            .chain(front.corrections.iter().map(|c| c.date))
            .fold(
                front.date,
                |latest, d| if d.at > latest.at { d } else { latest },
            )
    }

    /// The article's folder relative to `content/` (`""` at the top).
    pub fn content_dir(&self) -> &str {
        self.content_path
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir)
    }
}

impl Article {
    /// Takes in what rendering its body gave: the article is now up to date.
    pub fn attach(&mut self, body: Body) {
        self.html = body.html;
        self.kept_html = body.kept_html;
        self.summary = body.summary;
        self.headings = body.headings;
        self.word_count = body.word_count;
        self.search_terms = body.search_terms;
        self.notes = body.notes;
        self.mentions = body.mentions;
        self.quotes = body.quotes;
        self.shortcodes = body.shortcodes;
        self.render_diagnostics = body.diagnostics;
        self.links = body.links;
        self.page_hash = body.page_hash;
        self.body_images = body.images;
        self.rendered = true;
        self.generation = next_generation();
    }

    /// A body that could not be rendered at all (its file went away): the article
    /// keeps no HTML and reports why.
    pub fn attach_failure(&mut self, problem: Diagnostic) {
        self.render_diagnostics = vec![problem];
        self.html.clear();
        self.kept_html = None;
        self.search_terms.clear();
    }
}

/// Where an article's story came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// The outlet: `RFE/RL`.
    pub name: String,
    /// The original story.
    pub url: Option<String>,
    /// The original story's author.
    pub author: Option<String>,
    /// When the outlet published it.
    pub published: Option<Date>,
}

/// An article's front matter, checked and typed. It serialises for the articles
/// kept between builds (`build::article_cache`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FrontMatter {
    /// The headline, with the smart punctuation bodies get (`’`, `“”`, `–`, `…`), as
    /// are `summary` and `key_points`.
    pub title: String,
    /// When the briefing is dated.
    pub date: Date,
    /// The stories it is based on (`source:`, or each of `sources:`): never empty;
    /// the first is the primary one ([`FrontMatter::source`]).
    pub sources: Vec<Source>,
    /// People and organisations named, as written.
    pub actors: Vec<String>,
    /// Topics, as written.
    pub tags: Vec<String>,
    /// The briefing's own writers (not the source's author): `authors:` as written,
    /// or, when it is not, the site's `default_author` (filled in when the file is
    /// read); `None` when neither is given.
    pub authors: Option<Vec<String>>,
    /// The running story it is part of (`story:`), as written.
    pub story: Option<String>,
    /// An explicit summary.
    pub summary: Option<String>,
    /// Shown by `serve`; built only with `--drafts`.
    pub draft: bool,
    /// From when it is no longer published (built only with `--expired`).
    pub expires: Option<Date>,
    /// Its last change in substance, not before `date`.
    pub updated: Option<Date>,
    /// Its place within its day on the home page: weighted first, smaller first.
    pub weight: Option<i64>,
    /// Corrections made in public, in the order written.
    pub corrections: Vec<Correction>,
    /// Old site-relative URLs that redirect to it, each made a path as
    /// written (`articles/old/`, `2017/07/06/old.html`) when the front matter is read.
    pub aliases: Vec<String>,
    /// Taken down: its page is a notice, and it is in no list.
    pub withdrawn: Option<Box<Withdrawal>>,
    /// Its lead image, as written (the file is found when the article is read).
    pub image: Option<Box<WrittenImage>>,
    /// Shown as a list at the top of the article.
    pub key_points: Vec<String>,
    /// An explicit slug, already slugified.
    pub slug: Option<String>,
    /// Free-form values for templates.
    #[serde(with = "json_text")]
    pub extra: serde_json::Value,
}

/// A JSON value kept as its text: formats that do not describe themselves
/// (postcard) cannot read a `serde_json::Value` back.
mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &serde_json::Value, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<serde_json::Value, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

impl FrontMatter {
    /// The primary source: `source:`, or the first of `sources:`.
    pub fn source(&self) -> &Source {
        &self.sources[0]
    }
}

/// The file an alias is written to: its own for a file, `index.html` in a folder's.
pub fn alias_file(alias: &str) -> String {
    if alias.ends_with('/') {
        format!("{alias}index.html")
    } else {
        alias.to_string()
    }
}

/// `image:` and what is said of it, as front matter gives them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct WrittenImage {
    /// The path written: in the article's folder, or in `static/`.
    pub path: String,
    /// `image_alt` (empty for an image that only decorates).
    pub alt: String,
    /// `image_caption`.
    pub caption: Option<String>,
    /// `image_credit`.
    pub credit: Option<String>,
}

/// Why and when an article was taken down.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Withdrawal {
    /// When: not before the article's date.
    pub date: Date,
    /// Why, one paragraph of Markdown, as HTML (without the `<p>`).
    pub html: String,
    /// The same as plain text, for feeds' summaries.
    pub text: String,
}

/// A correction of an article, made in public.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Correction {
    /// When it was made: not before the article's date.
    pub date: Date,
    /// What it says, one paragraph of Markdown, as HTML (without the `<p>`).
    pub html: String,
    /// The same as plain text, for feeds' summaries and structured data.
    pub text: String,
}

/// A heading of the article, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The `id` attribute, unique on the page.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

#[cfg(test)]
mod tests {
    /// An article is held from reading to writing, 100,000 of them in a large
    /// archive: what few articles have (a lead image, a withdrawal) is boxed, and
    /// the term slugs are one string: 1,024 bytes inline, where it was 1,648. This
    /// fails if a large part is put back inline.
    #[test]
    fn an_article_is_held_in_little_room() {
        let size = std::mem::size_of::<super::Article>();
        assert!(size <= 1_024, "an Article is {size} bytes");
    }
}
