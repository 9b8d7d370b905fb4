//! What a page says of itself to the sites it is shared on: OpenGraph and Twitter
//! card tags (`page.preview` in templates). Every page has a description and, when
//! the article or the site has one, an image with its size and alt text; an article
//! adds its times, authors and tags.

use super::terms;
use crate::images::variants::Candidate;
use crate::images::LeadImage;
use crate::model::site::Site;
use crate::model::taxonomy::TaxonomyKind;
use crate::render::plan::PageKind;
use serde::Serialize;
use serde_json::{json, Value};
use std::hash::Hash;

/// The image a page is shown with: its article's, else the site's `default_image`.
pub fn image(site: &Site, kind: PageKind) -> Option<&LeadImage> {
    let own = match kind {
        PageKind::Article(i) => site.articles[i].image.as_deref(),
        _ => None,
    };
    own.or(site.config.previews.default_image.as_ref())
}

/// `page.preview`: `type` (`article` or `website`), `description`, `image` (`url`,
/// absolute, `width`, `height`, `alt`, `type`, or null), `locale` (`en`, `pt_BR`),
/// and on articles `published_time`, `modified_time`, `authors` (their pages'
/// URLs) and `tags` (names). [`article_hash`] hashes what an article's is made of:
/// what this comes to read goes there too.
pub fn preview(site: &Site, kind: PageKind) -> Value {
    let config = &site.config;
    let image = image(site, kind).map(|lead| {
        json!({
            "url": config.permalink(&lead.image.url),
            "width": lead.image.width,
            "height": lead.image.height,
            "type": lead.image.mime,
            "alt": lead.alt,
        })
    });
    let mut preview = json!({
        "type": "website",
        "description": config.description.clone().unwrap_or_default(),
        "image": image,
        // OpenGraph writes a locale as `pt_BR`; a bare language is taken as it is.
        "locale": config.language.replace('-', "_"),
    });
    if let PageKind::Article(i) = kind {
        let a = &site.articles[i];
        let authors: Vec<String> = terms(site, a, TaxonomyKind::Authors)
            .map(|t| config.permalink(&format!("authors/{}/", t.slug)))
            .collect();
        let tags: Vec<&str> = terms(site, a, TaxonomyKind::Tags)
            .map(|t| t.name.as_str())
            .collect();
        let fields = json!({
            "type": "article",
            "published_time": a.front.date.with_time(),
            "modified_time": a.modified().with_time(),
            "authors": authors,
            "tags": tags,
        });
        if let (Value::Object(p), Value::Object(f)) = (&mut preview, fields) {
            p.extend(f);
            if !a.summary.is_empty() {
                p.insert("description".into(), json!(a.summary));
            }
        }
    }
    preview
}

/// An article's lead image (fields in alphabetical order, as [`super::ArticleItem`]'s).
#[derive(Serialize, Hash)]
pub struct ImageView<'a> {
    /// What it shows, for readers who cannot see it (empty: it only decorates).
    pub alt: &'a str,
    /// The file's size in bytes.
    pub bytes: u64,
    /// A caption, or null.
    pub caption: Option<&'a str>,
    /// Who made it, or null.
    pub credit: Option<&'a str>,
    /// In pixels.
    pub height: u32,
    /// The `sizes` of its `srcset`s, for an image shown as wide as the text.
    pub sizes: String,
    /// Its resized copies in its own format, narrowest first, the original last:
    /// each `url` (site-relative) and `width`; empty for an image not resized (a GIF).
    pub srcset: Vec<Candidate>,
    /// MIME type: `image/png`, `image/jpeg`, `image/gif`, `image/webp`. Declared by
    /// its name in the templates' values, `type`, in their key order.
    #[serde(rename = "type")]
    pub mime: &'a str,
    /// Site-relative URL: `articles/x/map.png`.
    pub url: &'a str,
    /// Its copies in WebP, narrowest first; empty when it is a WebP or not resized.
    pub webp_srcset: Vec<Candidate>,
    /// In pixels.
    pub width: u32,
}

/// A lead image as articles' items show it, its copies resized as `settings` say.
pub fn image_view<'a>(lead: &'a LeadImage, widths: &[u32]) -> ImageView<'a> {
    let set = crate::images::variants::of(&lead.image, widths);
    let escaped = crate::images::rewrite::escaped;
    ImageView {
        sizes: crate::images::variants::sizes(lead.image.width),
        srcset: set.as_ref().map(|s| escaped(&s.own)).unwrap_or_default(),
        webp_srcset: set.as_ref().map(|s| escaped(&s.webp)).unwrap_or_default(),
        alt: &lead.alt,
        bytes: lead.image.bytes,
        caption: lead.caption.as_deref(),
        credit: lead.credit.as_deref(),
        height: lead.image.height,
        mime: lead.image.mime,
        url: &lead.image.url,
        width: lead.image.width,
    }
}

/// What an article's page shows of the terms and the site around it, hashed: its
/// preview (`page.preview`) and the actors, tags and authors its structured data
/// names, with the actors it mentions. Made once a build for every article (and again
/// for an article a session's quick update changed), not once a fingerprint: at
/// 10,000 articles it was a third of a preview's save.
///
/// The preview is hashed by what it is made of rather than made: the settings it
/// reads, the lead image, the two times, the summary, and (below) the authors' slugs
/// and the tags' names. Making 100,000 previews to hash them was 3% of a build's
/// CPU after a one-line edit.
pub(super) fn article_hash(site: &Site, i: usize) -> u64 {
    let mut h = crate::model::fingerprint::hasher();
    let a = &site.articles[i];
    let config = &site.config;
    (&config.description, &config.language, &config.base_url).hash(&mut h);
    image(site, PageKind::Article(i))
        .map(|lead| {
            let image = &lead.image;
            (&image.url, image.width, image.height, image.mime, &lead.alt)
        })
        .hash(&mut h);
    for date in [a.front.date, a.modified()] {
        date.hash(&mut h);
    }
    a.summary.hash(&mut h);
    for kind in [
        TaxonomyKind::Actors,
        TaxonomyKind::Tags,
        TaxonomyKind::Authors,
    ] {
        for t in terms(site, a, kind) {
            (&t.name, &t.slug, t.profile).hash(&mut h);
        }
    }
    for t in super::values::mentioned(site, a) {
        (&t.name, &t.slug, t.profile).hash(&mut h);
    }
    std::hash::Hasher::finish(&h)
}
