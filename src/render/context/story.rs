//! What a running story's pages show: its timeline (a story's own page), and "the
//! story so far" on each of its articles.
//!
//! Each function has its hash beside it, as [`super::page`]'s parts do: a value and
//! what it is made of, read from the same articles.

use super::tera_value::from_json;
use super::views::term_link;
use crate::model::article::Article;
use crate::model::date::iso_day;
use crate::model::edition;
use crate::model::fingerprint::Fingerprinter;
use crate::model::site::Site;
use crate::model::taxonomy::TaxonomyKind;
use serde_json::{json, Value};
use std::hash::Hash;

/// How many earlier articles of its story an article's page lists: the page stays
/// bounded by its own content, however long the story runs.
pub const STORY_SO_FAR: usize = 5;

/// An article as a story's pages show it: `title`, `url`, `date`, `datetime`, and
/// `time` (`16:30`, in the date's own offset, or null for a day).
fn entry(a: &Article) -> Value {
    json!({
        "title": a.front.title,
        "url": format!("articles/{}/", a.slug),
        "date": iso_day(a.front.date.day()),
        "datetime": a.front.date.as_written(),
        "time": a.front.date.has_time.then(|| a.front.date.at.format("%H:%M").to_string()),
    })
}

/// What [`entry`] is made of.
fn hash_entry(a: &Article, h: &mut Fingerprinter) {
    (&a.front.title, &a.slug, a.front.date).hash(h);
}

/// `timeline` on a story's page: its articles `ids` (this page's, oldest first) by
/// day, each day `date`, `label` (`Thursday 6 July 2017`), `edition` (the day's
/// edition page) and `entries`, each an [`entry`] with its `key_points` and
/// `summary`.
pub fn timeline(site: &Site, ids: &[usize]) -> tera::Value {
    let day = |i: usize| site.articles[i].front.date.day();
    let days: Vec<Value> = ids
        .chunk_by(|&a, &b| day(a) == day(b))
        .map(|run| {
            let d = day(run[0]);
            let entries: Vec<Value> = run
                .iter()
                .map(|&i| {
                    let a = &site.articles[i];
                    let mut e = entry(a);
                    e["key_points"] = json!(a.front.key_points);
                    e["summary"] = json!(a.summary);
                    e
                })
                .collect();
            json!({
                "date": iso_day(d),
                "label": edition::label(d),
                "edition": format!("editions/{}/", iso_day(d)),
                "entries": entries,
            })
        })
        .collect();
    from_json(Value::Array(days))
}

/// What [`timeline`] is made of.
pub fn hash_timeline(site: &Site, ids: &[usize], h: &mut Fingerprinter) {
    for &i in ids {
        let a = &site.articles[i];
        hash_entry(a, h);
        (&a.front.key_points, &a.summary).hash(h);
    }
}

/// Article `i`'s story, by term index, and the articles of it before `i`: at most
/// [`STORY_SO_FAR`], newest first, and how many there are in all.
fn earlier(site: &Site, i: usize) -> Option<(usize, &[usize], usize)> {
    let stories = site.taxonomy(TaxonomyKind::Stories);
    let slug = site.articles[i]
        .term_slugs
        .of(TaxonomyKind::Stories)
        .next()?;
    let t = stories.index_of_slug(slug)?;
    let list = &stories.terms[t].articles;
    // Newest first, as indexes into the site's articles, which are newest first.
    let at = list.binary_search(&i).ok()?;
    let older = &list[at + 1..];
    Some((t, &older[..older.len().min(STORY_SO_FAR)], older.len()))
}

/// `article.story_so_far` on an article's page: null when it is part of no story;
/// else the story's `name`, `slug`, `url` (its timeline) and `count` (its articles),
/// `earlier` (how many of them come before this one) and `entries`, the at most
/// [`STORY_SO_FAR`] just before it, oldest first, each an [`entry`].
pub fn so_far(site: &Site, i: usize) -> tera::Value {
    let Some((t, shown, count)) = earlier(site, i) else {
        return from_json(Value::Null);
    };
    let term = &site.taxonomy(TaxonomyKind::Stories).terms[t];
    let link = term_link(TaxonomyKind::Stories, term);
    let entries: Vec<Value> = shown
        .iter()
        .rev()
        .map(|&e| entry(&site.articles[e]))
        .collect();
    from_json(json!({
        "name": link.name,
        "slug": link.slug,
        "url": link.url,
        "count": term.articles.len(),
        "earlier": count,
        "entries": entries,
    }))
}

/// What [`so_far`] is made of.
pub fn hash_so_far(site: &Site, i: usize, h: &mut Fingerprinter) {
    let Some((t, shown, count)) = earlier(site, i) else {
        return;
    };
    let term = &site.taxonomy(TaxonomyKind::Stories).terms[t];
    (&term.name, &term.slug, term.articles.len(), count).hash(h);
    for &e in shown {
        hash_entry(&site.articles[e], h);
    }
}
