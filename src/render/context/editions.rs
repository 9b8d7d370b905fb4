//! What the templates of daily editions see: `edition` (its page and its email) and
//! `months` (the editions index), each beside what it is made of, for fingerprints.

use super::tera_value::from_json;
use super::views::{item_with, Views};
use crate::model::edition::Edition;
use crate::model::fingerprint::Fingerprinter;
use crate::model::site::Site;
use crate::render::email;
use crate::render::plan::{EditionFile, PageKind, EDITIONS_PER_PAGE};
use serde_json::{json, Value};
use std::hash::Hash;

/// An edition as a link: `date`, `label`, `url`, `count`.
fn link(e: &Edition) -> Value {
    json!({ "date": e.day.to_string(), "label": e.label(), "url": e.url(), "count": e.articles.len() })
}

/// `edition`: the day (`date`, `label`, `url`, `permalink`, `email_url`), `previous`
/// (the day before that has one) and `next` (links, or null), `preheader` (the first
/// key point, else the first summary), `full_text`, `references` (the text email's
/// numbered links: the edition's page, then each article) and `articles`: each
/// article's item with `key_points`, `corrections` (`date`, `text`), `ref` (its
/// number in `references`) and, with `full_text`, `content`: its body as email may
/// carry it.
///
/// An edition's page and emails are adjacent in the plan, and a thread renders
/// them one after the other: the value it made for the first it keeps for the
/// others (an edition of 90 articles is 90 items, a tenth of what a build from
/// nothing spent making contexts). It is kept for one `views`, which no other
/// build's has, and only the last one a thread made.
pub(super) fn edition(views: &Views, site: &Site, d: usize) -> tera::Value {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(u64, usize, tera::Value)>> =
            const { std::cell::RefCell::new(None) };
    }
    let kept = LAST.with_borrow(|last| match last {
        Some((id, at, value)) if (*id, *at) == (views.id, d) => Some(value.clone()),
        _ => None,
    });
    kept.unwrap_or_else(|| {
        let value = make_edition(views, site, d);
        LAST.set(Some((views.id, d, value.clone())));
        value
    })
}

/// [`edition`], made.
fn make_edition(views: &Views, site: &Site, d: usize) -> tera::Value {
    let e = &site.editions[d];
    let config = &site.config;
    let full_text = config.editions.full_text;
    let mut references = vec![json!({ "number": 1, "url": config.permalink(&e.url()) })];
    let articles: Vec<tera::Value> = e
        .articles
        .iter()
        .map(|&i| {
            let a = &site.articles[i];
            let url = format!("articles/{}/", a.slug);
            references
                .push(json!({ "number": references.len() + 1, "url": config.permalink(&url) }));
            let corrections: Vec<Value> = a
                .front
                .corrections
                .iter()
                .map(|c| json!({ "date": c.date.as_written(), "text": c.text }))
                .collect();
            let mut fields = vec![
                ("email_image", email_image(site, a)),
                ("key_points", from_json(json!(a.front.key_points))),
                ("corrections", from_json(Value::Array(corrections))),
                ("ref", tera::Value::from(references.len())),
            ];
            if full_text {
                let base = url::Url::parse(&config.permalink(&url)).ok();
                let body = views.body(site, i);
                let html = body.as_str().unwrap_or_default();
                let content = base
                    .map(|b| email::clean_body(html, &b))
                    .unwrap_or_default();
                fields.push(("content", tera::Value::from(content)));
            }
            item_with(views, site, a, fields)
        })
        .collect();
    let preheader = e
        .articles
        .iter()
        .find_map(|&i| site.articles[i].front.key_points.first().cloned())
        .or_else(|| {
            e.articles
                .first()
                .map(|&i| site.articles[i].summary.clone())
        })
        .unwrap_or_default();
    let mut view = link(e);
    view["permalink"] = json!(config.permalink(&e.url()));
    view["email_url"] = json!(format!("{}email.html", e.url()));
    view["previous"] = site.editions.get(d + 1).map_or(Value::Null, link);
    view["next"] = d
        .checked_sub(1)
        .map_or(Value::Null, |n| link(&site.editions[n]));
    view["preheader"] = json!(preheader);
    view["full_text"] = json!(full_text);
    view["references"] = Value::Array(references);
    let mut map = from_json(view).into_map().unwrap_or_default();
    map.insert("articles".into(), tera::Value::from(articles));
    map.sort_keys();
    tera::Value::from(map)
}

/// Feeds into `h` what [`edition`] is made of.
pub(super) fn hash_edition(views: &Views, site: &Site, d: usize, h: &mut Fingerprinter) {
    let e = &site.editions[d];
    e.day.hash(h);
    let full_text = site.config.editions.full_text;
    for &i in &e.articles {
        let a = &site.articles[i];
        // The item has the summary and note counts; a body only shows in full text.
        views.item_hashes[i].hash(h);
        (&a.front.key_points, &a.front.corrections).hash(h);
        if full_text {
            a.page_hash.hash(h);
        }
    }
    site.editions
        .get(d + 1)
        .map(|e| (e.day, e.articles.len()))
        .hash(h);
    d.checked_sub(1)
        .map(|n| (site.editions[n].day, site.editions[n].articles.len()))
        .hash(h);
}

/// The editions on page `kind` of the index.
fn shown(site: &Site, kind: PageKind) -> &[Edition] {
    let start = (kind.number() as usize)
        .saturating_mul(EDITIONS_PER_PAGE)
        .min(site.editions.len());
    let end = (start + EDITIONS_PER_PAGE).min(site.editions.len());
    &site.editions[start..end]
}

/// `months`: the editions of this page of the index, newest first, by month: each
/// `label` (`July 2017`) and its `editions` (links).
pub(super) fn months(site: &Site, kind: PageKind) -> tera::Value {
    use chrono::Datelike;
    let months: Vec<Value> = shown(site, kind)
        .chunk_by(|a, b| (a.day.year(), a.day.month()) == (b.day.year(), b.day.month()))
        .map(|run| {
            json!({
                "label": run[0].day.format("%B %Y").to_string(),
                "editions": run.iter().map(link).collect::<Vec<_>>(),
            })
        })
        .collect();
    from_json(Value::Array(months))
}

/// Feeds into `h` what [`months`] is made of.
pub(super) fn hash_months(site: &Site, kind: PageKind, h: &mut Fingerprinter) {
    for e in shown(site, kind) {
        (e.day, e.articles.len()).hash(h);
    }
}

/// The page's title: `Friday 7 July 2017`, the email's `Edition of …`.
pub(super) fn title(site: &Site, d: usize, file: EditionFile) -> String {
    let label = site.editions[d].label();
    match file {
        EditionFile::Page => label,
        _ => format!("{}: {label}", site.config.title),
    }
}

/// The widest image an email shows (the sheet, less its padding), in CSS pixels.
const EMAIL_IMAGE_WIDTH: u32 = 552;

/// An article's lead image as email shows it: a plain JPEG or PNG no wider than 1,200
/// pixels (mail clients show neither WebP nor `srcset`), absolute, at most
/// [`EMAIL_IMAGE_WIDTH`] wide: the original, else its widest resized copy that fits;
/// null when there is none (a WebP, a GIF wider than that).
fn email_image(site: &Site, a: &crate::model::article::Article) -> tera::Value {
    let Some(lead) = &a.image else {
        return tera::Value::none();
    };
    let image = &lead.image;
    if !matches!(image.mime, "image/jpeg" | "image/png") || image.width == 0 {
        return tera::Value::none();
    }
    let set = crate::images::variants::of(image, &site.config.images.widths);
    let fits = set
        .iter()
        .flat_map(|s| s.own.iter())
        .rfind(|c| c.width <= 1_200)
        .map(|c| c.url.as_str())
        .or((image.width <= 1_200).then_some(image.url.as_str()));
    let Some(url) = fits else {
        return tera::Value::none();
    };
    let width = image.width.min(EMAIL_IMAGE_WIDTH);
    let height = (u64::from(image.height) * u64::from(width) / u64::from(image.width)) as u32;
    from_json(json!({
        "url": site.config.permalink(url),
        "width": width,
        "height": height,
        "alt": lead.alt,
        "caption": lead.caption,
        "credit": lead.credit,
    }))
}
