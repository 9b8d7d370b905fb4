//! The bodies stage: every article's and profile's Markdown rendered against the
//! built site model, in parallel.
//!
//! It comes after the model's indexes because a body's links are resolved through
//! them (`[[Putin]]` needs the actor's page, a link to `other.md` that article's
//! slug). It reads the model and returns what it rendered, which
//! [`Site::attach`] hands to each article and profile: the one change the model
//! takes once its indexes are built.

use super::markdown::shortcodes::{Place, Shortcodes};
use super::markdown::{self, Origin, Settings};
use super::text_of;
use crate::diagnostics::Diagnostic;
use crate::model::article::{Article, Body, ImageUse, KeptHtml};
use crate::model::links::{ActorRef, Answer, LinkTarget, LinkUse, Links};
use crate::model::search::fold;
use crate::model::site::{Bodies, Site};
use rayon::prelude::*;
use std::borrow::Cow;
use std::path::Path;

/// How long an automatic summary (the first paragraph) may be, in characters.
pub const AUTO_SUMMARY: usize = 300;

/// Bodies an earlier build rendered, kept by the caller (see `build::body_cache`).
pub trait Kept: Sync {
    /// The body `article` was rendered into when its file and the settings were as
    /// they are now, if one was kept. Its links are asked again before it is used.
    fn take(&self, article: &Article) -> Option<Body>;
    /// Offers a body just rendered, to keep for the next build. Returns where its
    /// HTML can be read again once the kept bodies are saved, if it was kept.
    fn keep(&self, article: &Article, body: &Body) -> Option<KeptHtml>;
}

/// Renders the body of every article that needs it (not rendered yet, or whose links
/// would now resolve differently: an actor or an article it links to appeared, went
/// or moved) and of every profile not rendered yet. With `keep_links` each body's
/// questions and answers are kept, for a session's next update. Without
/// `links_moved` no link is asked again: the caller knows that no article's slug or
/// status and no actor changed (a session's quick path), so only bodies not rendered
/// yet are. With `kept`, a body kept by an earlier build whose links all resolve as
/// they did is taken rather than rendered, and each body rendered is offered to it.
pub fn render(
    site: &Site,
    shortcodes: Option<&dyn Shortcodes>,
    root: &Path,
    keep_links: bool,
    links_moved: bool,
    kept: Option<&dyn Kept>,
) -> Bodies {
    let links = site.links();
    let answered_alike =
        |uses: &[LinkUse]| uses.iter().all(|u| u.target.resolve(&links) == u.answer);
    let stale = |a: &Article| !a.rendered || links_moved && !answered_alike(&a.links);
    let reused = std::sync::atomic::AtomicUsize::new(0);
    let articles = site
        .articles
        .par_iter()
        .enumerate()
        .filter(|(_, a)| stale(a))
        .map(|(i, a)| {
            if let Some(mut body) = kept.and_then(|k| k.take(a)) {
                // A session keeps every body in memory: the HTML is read now, and
                // one that cannot be is rendered.
                let at_hand = !keep_links
                    || match body.kept_html.take().map(|read| read.0()) {
                        Some(Ok(html)) => {
                            body.html = html;
                            true
                        }
                        Some(Err(_)) => false,
                        None => true,
                    };
                if at_hand && answered_alike(&body.links) {
                    reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if !keep_links {
                        body.links = Vec::new();
                    }
                    return (i, Ok(body));
                }
            }
            // Links are recorded for `kept` too: they are asked again when it is used.
            let how = How {
                shortcodes,
                root,
                keep_links: keep_links || kept.is_some(),
            };
            let mut body = render_article(site, a, &links, &how);
            if let (Some(kept), Ok(body)) = (kept, &mut body) {
                let at = kept.keep(a, body);
                if !keep_links {
                    body.links = Vec::new();
                    // A one-off build reads the HTML back from the kept file for
                    // its page, rather than holding every body in memory until
                    // then (650 MB at 100,000 articles).
                    if let Some(at) = at {
                        body.html = String::new();
                        body.kept_html = Some(at);
                    }
                }
            }
            (i, body)
        })
        .collect();
    let annotations = &site.config.annotations;
    // Profiles are few: each build renders those not rendered yet.
    let profiles = site
        .profiles
        .par_iter()
        .enumerate()
        .filter(|(_, p)| !p.rendered)
        .map(|(i, p)| {
            let origin = Origin {
                path: &p.file,
                text: &p.text,
                body_offset: p.body_offset,
                content_dir: p.kind.key(),
            };
            let settings = Settings {
                kinds: &annotations.kinds,
                callouts: &annotations.callouts,
                autolink: false,
                actors: &[],
                shortcodes,
                place: Some(Place {
                    root,
                    bundle: None,
                    data: Some(&site.data),
                }),
            };
            let mut diagnostics = Vec::new();
            let r = markdown::render(&p.body, &origin, &links, &settings, &mut diagnostics);
            (i, r.html, diagnostics)
        })
        .collect();
    Bodies {
        articles,
        profiles,
        reused: reused.into_inner(),
    }
}

/// How bodies are rendered: with which shortcodes, for which site folder, and
/// whether each keeps its links' answers.
struct How<'a> {
    shortcodes: Option<&'a dyn Shortcodes>,
    root: &'a Path,
    keep_links: bool,
}

fn render_article<L: Links>(
    site: &Site,
    article: &Article,
    links: &L,
    how: &How<'_>,
) -> Result<Body, Diagnostic> {
    let keep_links = how.keep_links;
    let text = source(article)?;
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
    let annotations = &site.config.annotations;
    let settings = Settings {
        kinds: &annotations.kinds,
        callouts: &annotations.callouts,
        autolink: annotations.autolink,
        actors: &article.front.actors,
        shortcodes: how.shortcodes,
        place: Some(Place {
            root: how.root,
            bundle: article
                .bundle
                .as_deref()
                .map(|dir| (dir, article.slug.as_str())),
            data: Some(&site.data),
        }),
    };
    let mut diagnostics = Vec::new();
    let rendered = markdown::render(
        &text[article.body_offset..],
        &origin,
        &recording,
        &settings,
        &mut diagnostics,
    );
    let (html, images) = fit_images(site, article, &text, rendered.html, &mut diagnostics);
    // Read here, while the body is at hand: the index is made after a one-off build
    // has handed the bodies to the pages that free them.
    let search_terms = fold::term_set(&fold::text_of_html(&html));
    // An automatic summary shows in the page's description, its card, feeds and
    // search: a first paragraph of megabytes is cut, at a word's end. It is held for
    // the whole build, so trimmed to its length.
    let mut summary = article.front.summary.clone().unwrap_or_else(|| {
        crate::text::shorten(&rendered.first_paragraph, AUTO_SUMMARY).into_owned()
    });
    summary.shrink_to_fit();
    let mut headings = rendered.headings;
    headings.shrink_to_fit();
    let mut body = Body {
        search_terms,
        summary,
        html,
        kept_html: None,
        headings,
        word_count: rendered.word_count,
        notes: rendered.notes,
        mentions: rendered.mentions,
        quotes: rendered.quotes,
        shortcodes: rendered.shortcodes,
        diagnostics,
        // What an update needs to know to render it again; a one-off build renders
        // each body once.
        links: if keep_links {
            recording.uses.into_inner()
        } else {
            Vec::new()
        },
        page_hash: 0,
        images,
    };
    body.page_hash = page_hash(article, &body);
    Ok(body)
}

/// The body's HTML with its images made to fit (see [`crate::images::rewrite`]),
/// and the images it shows; a file of the site named by an `<img>` that is not an
/// image briefing reads is an error at the place the body names it.
fn fit_images(
    site: &Site,
    article: &Article,
    text: &str,
    html: String,
    diagnostics: &mut Vec<Diagnostic>,
) -> (String, Vec<ImageUse>) {
    use crate::images::rewrite;
    // The site's root: the article's path on disk less its path under the root.
    let depth = article.file.components().count();
    let Some(root) = article.src.ancestors().nth(depth) else {
        return (html, Vec::new());
    };
    let base_path = site.config.base_path();
    let cx = rewrite::Context {
        root,
        bundle: article
            .bundle
            .as_deref()
            .map(|d| (d, article.slug.as_str())),
        widths: &site.config.images.widths,
        base_path: &base_path,
        first_is_top: article.image.is_none(),
    };
    let rewritten = rewrite::rewrite(&html, &cx);
    let body = text.get(article.body_offset..).unwrap_or_default();
    let at = |src: &str| {
        let d = Diagnostic::error(&article.file, String::new());
        match body.find(src) {
            Some(offset) => d.at_offset(article.body_offset + offset, text),
            None => d,
        }
    };
    for (src, problem) in rewritten.problems {
        let mut d = at(&src);
        d.message = format!("image {src:?}: {}", problem.message);
        diagnostics.push(d.help(problem.help));
    }
    let images = rewritten
        .images
        .into_iter()
        .map(|(image, set, src)| ImageUse {
            at: at(&src),
            image,
            set,
        })
        .collect();
    (rewritten.html.unwrap_or(html), images)
}

/// The article's source text: kept in it (a session), or read again (a one-off
/// build drops each source once its front matter is read). An error if the file
/// changed since its front matter was read.
fn source(article: &Article) -> Result<Cow<'_, str>, Diagnostic> {
    if !article.text.is_empty() || article.text_len == 0 {
        return Ok(Cow::Borrowed(&article.text));
    }
    let changed = || {
        Diagnostic::error(
            &article.file,
            "the file changed while the site was being built: build again",
        )
    };
    let bytes = std::fs::read(&article.src)
        .map_err(|e| Diagnostic::error(&article.file, format!("cannot read again: {e}")))?;
    let text = text_of(bytes).map_err(|_| changed())?;
    // Its front matter was read from the bytes hashed then (by this build, or by the
    // last one that kept the article): a body of other bytes would not match it.
    if text.len() != article.text_len
        || xxhash_rust::xxh3::xxh3_128(text.as_bytes()) != article.text_hash
    {
        return Err(changed());
    }
    Ok(Cow::Owned(text))
}

/// Hashes what an article's page shows beyond its list item.
fn page_hash(article: &Article, body: &Body) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::model::fingerprint::hasher();
    body.html.hash(&mut h);
    body.headings.hash(&mut h);
    body.mentions.hash(&mut h);
    body.quotes.hash(&mut h);
    article.front.key_points.hash(&mut h);
    article.front.corrections.hash(&mut h);
    crate::model::fingerprint::json(&mut h, &article.front.extra);
    h.finish()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file changed between reading its front matter and rendering its body, even
    /// to bytes of the same length, is not rendered against the front matter read.
    #[test]
    fn a_body_read_again_from_other_bytes_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("content/a.md");
        std::fs::create_dir_all(src.parent().unwrap()).unwrap();
        let text = "---\ntitle: A\ndate: 2017-07-06\nsource: AP\n---\nOne.\n";
        std::fs::write(&src, text).unwrap();
        let md = crate::model::asset::Asset {
            src: src.clone(),
            rel: "a.md".into(),
        };
        let reading = crate::content::article::Reading::default();
        let (article, _) = crate::content::article::load(dir.path(), &md, &reading);
        let mut article = article.unwrap();
        article.text = String::new();
        assert_eq!(source(&article).unwrap(), text);
        std::fs::write(&src, text.replace("One.", "Two.")).unwrap();
        let e = source(&article).unwrap_err();
        assert_eq!(
            e.message,
            "the file changed while the site was being built: build again"
        );
    }
}
