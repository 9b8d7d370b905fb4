//! The pass over a rendered body's HTML that makes its images fit: every `<img>`
//! whose `src` is a JPEG, PNG or WebP of the site (found as [`super::find`] finds
//! an image: in the article's folder, else in `static/`) gets `srcset`, `sizes`,
//! `width` and `height`, `loading="lazy"` and `decoding="async"` (but the first of
//! a page with no lead image above it), and a `<picture>` with a WebP `<source>`
//! around it.
//!
//! It reads the HTML, not the Markdown, so it takes an image from anywhere: a
//! Markdown image, a shortcode's `<figure>`, raw HTML. External images, SVG and GIF
//! (which may be animated), and an `<img>` that already has a `srcset` or sits in
//! an author's `<picture>`, are left as they are. The HTML is rewritten by
//! `lol_html`, a streaming rewriter; a body without `<img` is not parsed at all.

use super::variants::{self, Candidate, Set};
use super::{Image, NotAnImage};
use lol_html::html_content::ContentType;
use lol_html::{element, rewrite_str, RewriteStrSettings};
use std::cell::{Cell, RefCell};
use std::path::Path;

/// What the pass needs to know of the page.
pub struct Context<'a> {
    /// The site's root folder.
    pub root: &'a Path,
    /// The article's bundle folder (under `content/`) and its slug, if it has one.
    pub bundle: Option<(&'a str, &'a str)>,
    /// The widths of `[images] widths`.
    pub widths: &'a [u32],
    /// The path part of the site's URL, `/` or `/briefings/`.
    pub base_path: &'a str,
    /// Whether the first image is the first of the page (no lead image above it):
    /// it is then loaded at once, not lazily.
    pub first_is_top: bool,
}

/// The body's HTML rewritten, with the images it shows and those it cannot.
#[derive(Debug, Default)]
pub struct Rewritten {
    /// The HTML; `None` when nothing changed.
    pub html: Option<String>,
    /// Each image rewritten, with its `src` as written.
    pub images: Vec<(Image, Set, String)>,
    /// Each `src` naming a file of the site that is not an image briefing reads.
    pub problems: Vec<(String, NotAnImage)>,
}

/// Characters a file name cannot carry unescaped into a `srcset`.
const IN_SRCSET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b',')
    .add(b'"')
    .add(b'%')
    .add(b'#')
    .add(b'?');

/// A file name as a `srcset` URL carries it.
pub fn encode(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, IN_SRCSET).to_string()
}

/// Rewrites the images of `html` (see the module's doc).
pub fn rewrite(html: &str, cx: &Context<'_>) -> Rewritten {
    if !html.contains("<img") {
        return Rewritten::default();
    }
    let found = RefCell::new(Rewritten::default());
    let in_picture = Cell::new(false);
    let seen = Cell::new(0usize);
    let result = rewrite_str(
        html,
        RewriteStrSettings::new()
            .append_element_content_handler(element!("picture img", |_el| {
                in_picture.set(true);
                Ok(())
            }))
            .append_element_content_handler(element!("img[src]", |el| {
                let first = seen.get() == 0;
                seen.set(seen.get() + 1);
                if in_picture.replace(false) || el.has_attribute("srcset") {
                    return Ok(());
                }
                let src = el.get_attribute("src").unwrap_or_default();
                let image = match resolve(&src, cx) {
                    Resolved::Leave => return Ok(()),
                    Resolved::Problem(p) => {
                        found.borrow_mut().problems.push((src, p));
                        return Ok(());
                    }
                    Resolved::Image(image) => image,
                };
                let Some(set) = variants::of(&image, cx.widths) else {
                    return Ok(());
                };
                // Variants sit beside the original: its URL as written, with
                // their file name for its own.
                let dir = src
                    .split(['?', '#'])
                    .next()
                    .and_then(|p| p.rsplit_once('/'))
                    .map_or(String::new(), |(d, _)| format!("{d}/"));
                let url = |c: &str| {
                    if c == image.url {
                        src.clone()
                    } else {
                        let name = c.rsplit('/').next().unwrap_or(c);
                        format!("{dir}{}", encode(name))
                    }
                };
                let sizes = variants::sizes(image.width);
                if !set.webp.is_empty() {
                    el.before(
                        &format!(
                            r#"<picture><source type="image/webp" srcset="{}" sizes="{sizes}">"#,
                            variants::srcset(&set.webp, url)
                        ),
                        ContentType::Html,
                    );
                    el.after("</picture>", ContentType::Html);
                }
                let own = variants::srcset(&set.own, url);
                let _ = el.set_attribute("srcset", &own);
                let _ = el.set_attribute("sizes", &sizes);
                if !el.has_attribute("width") && !el.has_attribute("height") {
                    let _ = el.set_attribute("width", &image.width.to_string());
                    let _ = el.set_attribute("height", &image.height.to_string());
                }
                let top = first && cx.first_is_top;
                if !top && !el.has_attribute("loading") {
                    let _ = el.set_attribute("loading", "lazy");
                    let _ = el.set_attribute("decoding", "async");
                }
                found.borrow_mut().images.push((image, set, src));
                Ok(())
            })),
    );
    let mut found = found.into_inner();
    // The rewriter fails only on limits this HTML (a body just rendered) cannot
    // reach; the body is then kept as it was.
    if let Ok(html) = result {
        if !found.images.is_empty() {
            found.html = Some(html);
        }
    } else {
        found.images.clear();
    }
    found
}

/// What an `<img src>` names.
enum Resolved {
    /// Not an image briefing resizes: an external URL, an SVG, a GIF, no file.
    Leave,
    /// A file of the site that is not a readable image.
    Problem(NotAnImage),
    /// A JPEG, PNG or WebP of the site.
    Image(Image),
}

fn resolve(src: &str, cx: &Context<'_>) -> Resolved {
    let src = src.trim().replace("&amp;", "&");
    let path = src.split(['?', '#']).next().unwrap_or("");
    let scheme = path.find(':').is_some_and(|c| !path[..c].contains('/'));
    if path.is_empty() || scheme || path.starts_with("//") {
        return Resolved::Leave;
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    // A body's page is two folders deep (`articles/<slug>/`): `../../img/a.png`
    // (how the `figure` shortcode addresses a file under static/) is `/img/a.png`.
    let written = match (
        decoded.strip_prefix("../../"),
        decoded.strip_prefix(cx.base_path),
    ) {
        (Some(rest), _) => format!("/{rest}"),
        (None, Some(rest)) if cx.base_path != "/" => format!("/{rest}"),
        _ => decoded.into_owned(),
    };
    let lower = written.to_ascii_lowercase();
    if lower.ends_with(".svg") || lower.ends_with(".gif") || written.contains("..") {
        return Resolved::Leave;
    }
    if !super::places(cx.root, cx.bundle, &written)
        .iter()
        .any(|(f, _)| f.is_file())
    {
        return Resolved::Leave;
    }
    match super::find(cx.root, cx.bundle, &written) {
        Ok(image) if image.digest.is_some() => Resolved::Image(image),
        Ok(_) => Resolved::Leave,
        Err(e) => Resolved::Problem(e),
    }
}

/// The candidates of a lead image as templates get them: each URL site-relative,
/// its file name escaped for a `srcset`.
pub fn escaped(candidates: &[Candidate]) -> Vec<Candidate> {
    candidates
        .iter()
        .map(|c| {
            let (dir, name) = c.url.rsplit_once('/').unwrap_or(("", &c.url));
            let dir = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            Candidate {
                url: format!("{dir}{}", encode(name)),
                width: c.width,
            }
        })
        .collect()
}
