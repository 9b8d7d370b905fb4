//! Articles: one Markdown file with front matter → an [`Article`] of the site model.
//!
//! Loading is split in two so both halves run in parallel over all files: [`load`]
//! reads and checks the front matter (all the site indexes need), and
//! [`render_bodies`] renders Markdown once the indexes exist to resolve links against.

use super::front_matter::{self, FrontMatter};
use super::markdown::{self, ActorRef, Heading, Links, Origin, Settings};
use super::notes::NoteCounts;
use super::walk::Asset;
use crate::config::Annotations;
use crate::diagnostics::{display_path, Diagnostic};
use crate::model::slug::{slugify, term_slug};
use crate::model::taxonomy::TaxonomyKind;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
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
    /// The bundle folder relative to `content/` for `<dir>/index.md` articles.
    pub bundle: Option<String>,
    /// The body's HTML, once rendered.
    pub html: String,
    /// Summary: front matter `summary`, else the first paragraph.
    pub summary: String,
    /// Headings with their ids.
    pub headings: Vec<Heading>,
    /// Words in the body.
    pub word_count: usize,
    /// The notes shown, counted by kind.
    pub notes: NoteCounts,
    /// Slugs of the actors the body links to.
    pub mentions: Vec<String>,
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
    pub term_slugs: [Vec<String>; 3],
    /// Changes whenever anything of the article does (it is read or rendered again):
    /// what a session's caches know it by.
    pub generation: u64,
    /// Source text: kept until the body is rendered, or for the whole session when
    /// bodies may be rendered again. A one-off build drops it once the front matter
    /// is read and reads the file again for the body ([`load_all`]): at 100,000
    /// articles the sources are half a gigabyte.
    text: String,
    /// The length of `text`, to know the file is unchanged when it is read again.
    text_len: usize,
    /// Where the file is, to read it again.
    src: PathBuf,
    body_offset: usize,
}

/// One link a body asked the site to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUse {
    /// What was asked.
    pub target: LinkTarget,
    /// The answer.
    pub answer: Answer,
}

/// What the site answered about a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The actor, with every name it goes by.
    Actor(Option<ActorRef>),
    /// The article's href.
    Article(Option<String>),
}

/// What a link names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// An actor, by name or alias.
    Actor(String),
    /// An article, by its path under `content/`.
    Article(String),
}

impl LinkTarget {
    /// The answer `links` gives now.
    pub fn resolve(&self, links: &dyn Links) -> Answer {
        match self {
            LinkTarget::Actor(name) => Answer::Actor(links.actor(name)),
            LinkTarget::Article(path) => Answer::Article(links.article(path)),
        }
    }
}

/// Answers through `inner` and writes down every question and answer.
struct Recording<'a, L> {
    inner: &'a L,
    uses: std::cell::RefCell<Vec<LinkUse>>,
}

impl<L: Links> Recording<'_, L> {
    fn ask(&self, target: LinkTarget) -> Answer {
        let answer = target.resolve(self.inner);
        self.uses.borrow_mut().push(LinkUse {
            target,
            answer: answer.clone(),
        });
        answer
    }
}

impl<L: Links> Links for Recording<'_, L> {
    fn actor(&self, name: &str) -> Option<ActorRef> {
        match self.ask(LinkTarget::Actor(name.to_string())) {
            Answer::Actor(a) => a,
            Answer::Article(_) => None,
        }
    }

    fn article(&self, content_path: &str) -> Option<String> {
        match self.ask(LinkTarget::Article(content_path.to_string())) {
            Answer::Article(a) => a,
            Answer::Actor(_) => None,
        }
    }
}

/// A number no article had before.
fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Article {
    /// The names it gives in one taxonomy: its tags, its actors, or its source.
    pub fn names(&self, kind: TaxonomyKind) -> Vec<&str> {
        match kind {
            TaxonomyKind::Tags => self.front.tags.iter().map(String::as_str).collect(),
            TaxonomyKind::Actors => self.front.actors.iter().map(String::as_str).collect(),
            TaxonomyKind::Sources => vec![self.front.source.name.as_str()],
        }
    }

    /// The source text, taken out of the article, or read again if it was dropped:
    /// an error if the file changed since its front matter was read.
    fn source(&mut self) -> Result<String, Diagnostic> {
        if !self.text.is_empty() || self.text_len == 0 {
            return Ok(std::mem::take(&mut self.text));
        }
        let changed = || {
            Diagnostic::error(
                &self.file,
                "the file changed while the site was being built: build again",
            )
        };
        let bytes = std::fs::read(&self.src)
            .map_err(|e| Diagnostic::error(&self.file, format!("cannot read again: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| changed())?;
        let text = front_matter::normalize(text);
        if text.len() != self.text_len {
            return Err(changed());
        }
        Ok(text)
    }

    /// The article's folder relative to `content/` (`""` at the top).
    pub fn content_dir(&self) -> &str {
        self.content_path
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir)
    }
}

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

/// Reads one article and checks its front matter.
pub fn load(root: &Path, md: &Asset) -> (Option<Article>, Vec<Diagnostic>) {
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
    let text = match String::from_utf8(bytes) {
        Ok(t) => front_matter::normalize(t),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::error(file, "expected UTF-8 text, found bytes that are not UTF-8")
                .at_offset(offset, &lossy);
            return (None, vec![d]);
        }
    };
    if let Some((offset, c)) = front_matter::forbidden_char(&text) {
        let message = format!(
            "expected text, found {}",
            front_matter::describe_forbidden(c)
        );
        let d = Diagnostic::error(file, message).at_offset(offset, &text);
        return (None, vec![d]);
    }
    let split = match front_matter::split(&file, &text) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let parsed = front_matter::parse_article(&file, &text, &split);
    let Some(front) = parsed.value else {
        return (None, parsed.diagnostics);
    };
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
    let bundle = md.rel.strip_suffix("/index.md").map(str::to_string);
    let body_offset = split.body_offset;
    let article = Article {
        file,
        content_path: md.rel.clone(),
        slug,
        front,
        bundle,
        html: String::new(),
        summary: String::new(),
        headings: Vec::new(),
        word_count: 0,
        notes: NoteCounts::default(),
        mentions: Vec::new(),
        load_diagnostics: Vec::new(),
        render_diagnostics: Vec::new(),
        links: Vec::new(),
        page_hash: 0,
        rendered: false,
        term_slugs: Default::default(),
        generation: next_generation(),
        text_len: text.len(),
        src: md.src.clone(),
        text,
        body_offset,
    };
    let term_slugs =
        TaxonomyKind::ALL.map(|k| article.names(k).into_iter().map(term_slug).collect());
    (
        Some(Article {
            term_slugs,
            ..article
        }),
        diagnostics,
    )
}

/// Loads every article in parallel. Each file gives an article (its warnings kept in
/// `load_diagnostics`) or the errors that kept it out; results come in file order.
/// Without `keep_text`, each source is dropped once its front matter is read, and
/// read again when its body is rendered.
pub fn load_all(
    root: &Path,
    files: &[Asset],
    keep_text: bool,
) -> Vec<Result<Article, Vec<Diagnostic>>> {
    files
        .par_iter()
        .map(|md| match load(root, md) {
            (Some(mut article), diagnostics) => {
                article.load_diagnostics = diagnostics;
                if !keep_text {
                    article.text = String::new();
                }
                Ok(article)
            }
            (None, diagnostics) => Err(diagnostics),
        })
        .collect()
}

/// Renders, in parallel, the body of every article `stale` picks, resolving links
/// through `links`. With `keep_text` the source stays for a later render.
pub fn render_bodies<L: Links + Sync>(
    articles: &mut [Article],
    stale: impl Fn(&Article) -> bool + Sync,
    keep_text: bool,
    links: &L,
    annotations: &Annotations,
) -> usize {
    articles
        .par_iter_mut()
        .filter(|a| stale(a))
        .map(|article| {
            let text = match article.source() {
                Ok(text) => text,
                Err(d) => {
                    article.render_diagnostics = vec![d];
                    article.html.clear();
                    return;
                }
            };
            let recording = Recording {
                inner: links,
                uses: Default::default(),
            };
            let origin = Origin {
                path: &article.file,
                text: &text,
                body_offset: article.body_offset,
                content_dir: article.content_dir(),
            };
            let settings = Settings {
                kinds: &annotations.kinds,
                callouts: &annotations.callouts,
                autolink: annotations.autolink,
                actors: &article.front.actors,
            };
            let mut diagnostics = Vec::new();
            let rendered = markdown::render(
                &text[article.body_offset..],
                &origin,
                &recording,
                &settings,
                &mut diagnostics,
            );
            article.summary = article
                .front
                .summary
                .clone()
                .unwrap_or(rendered.first_paragraph);
            article.html = rendered.html;
            article.headings = rendered.headings;
            article.word_count = rendered.word_count;
            article.notes = rendered.notes;
            article.mentions = rendered.mentions;
            article.render_diagnostics = diagnostics;
            // What an update needs to know to render it again; a one-off build
            // renders each body once.
            article.links = if keep_text {
                recording.uses.into_inner()
            } else {
                Vec::new()
            };
            article.page_hash = page_hash(article);
            article.rendered = true;
            article.generation = next_generation();
            if keep_text {
                article.text = text;
            }
        })
        .count()
}

/// Hashes what an article's page shows beyond its list item.
fn page_hash(article: &Article) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    article.html.hash(&mut h);
    article.headings.hash(&mut h);
    article.mentions.hash(&mut h);
    article.front.key_points.hash(&mut h);
    crate::model::fingerprint::json(&mut h, &article.front.extra);
    h.finish()
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
