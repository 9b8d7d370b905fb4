//! An actor's quotes, as its page lists them ("What they said") and its structured
//! data gives them: every `quote` shortcode attributed to it, newest first.

use crate::model::fingerprint::Fingerprinter;
use crate::model::site::Site;
use serde_json::{json, Value};
use std::hash::Hash;

/// The quotes of the actor `slug`: each with its HTML, source, day, link, and the
/// article it is in (`article.title`, `article.url`, `href` to the quote itself).
pub fn view(site: &Site, slug: &str) -> Value {
    let Some(list) = site.quotes.get(slug) else {
        return Value::Array(Vec::new());
    };
    let quotes = list
        .iter()
        .map(|&(i, q)| {
            let a = &site.articles[i];
            let quote = &a.quotes[q];
            let url = format!("articles/{}/", a.slug);
            json!({
                "html": quote.html,
                "text": quote.text,
                "source": quote.source,
                "date": quote.date,
                "url": quote.url,
                "id": quote.id,
                "href": format!("{url}#{}", quote.id),
                "article": { "title": a.front.title, "url": url, "date": crate::model::date::iso_day(a.front.date.day()) },
            })
        })
        .collect();
    Value::Array(quotes)
}

/// Feeds into `h` what [`view`] and [`json_ld`] are made of.
pub fn hash(site: &Site, slug: &str, h: &mut Fingerprinter) {
    if let Some(list) = site.quotes.get(slug) {
        for &(i, q) in list {
            let a = &site.articles[i];
            (&a.slug, &a.front.title, a.front.date.day(), &a.quotes[q]).hash(h);
        }
    }
}

/// The actor's quotes as schema.org `Quotation`s.
pub fn json_ld(site: &Site, slug: &str, actor: &Value) -> Vec<Value> {
    let Some(list) = site.quotes.get(slug) else {
        return Vec::new();
    };
    list.iter()
        .map(|&(i, q)| {
            let a = &site.articles[i];
            let quote = &a.quotes[q];
            let mut v = json!({
                "@type": "Quotation",
                "text": quote.text,
                "spokenByCharacter": actor,
                "url": site.config.permalink(&format!("articles/{}/#{}", a.slug, quote.id)),
            });
            if let Some(d) = &quote.date {
                v["dateCreated"] = json!(d);
            }
            if let Some(s) = &quote.source {
                v["citation"] = json!(s);
            }
            if let Some(u) = &quote.url {
                v["isBasedOn"] = json!(u);
            }
            v
        })
        .collect()
}
