//! Structured data: schema.org JSON-LD for article and term pages.
//!
//! An article is a `NewsArticle`: by its authors (each a `Person` with their page;
//! the site's organisation when it names none), `about` the actors its front matter
//! names, `mentions` of the others its body links to, `isBasedOn` its source story. A term
//! page is a `CollectionPage` `about` the actor, source or topic; a profile's
//! Wikidata item becomes `sameAs`. The text is safe inside `<script>`.

use super::context::values::source_links;
use super::context::{mentioned, terms};
use crate::model::site::Site;
use crate::model::taxonomy::{TaxonomyKind, Term};
use serde_json::{json, Map, Value};

/// The JSON-LD of the article at `i`.
pub fn article(site: &Site, i: usize) -> String {
    let a = &site.articles[i];
    let config = &site.config;
    let url = config.permalink(&format!("articles/{}/", a.slug));
    let datetime = a.front.date.as_written();
    let mut publisher =
        json!({ "@type": "Organization", "name": config.title, "url": config.permalink("") });
    if let (Some(logo), Value::Object(p)) = (&config.previews.logo, &mut publisher) {
        p.insert("logo".into(), image_object(site, logo, None));
    }
    let mut data = Map::new();
    data.insert("@context".into(), json!("https://schema.org"));
    data.insert("@type".into(), json!("NewsArticle"));
    data.insert("headline".into(), json!(a.front.title));
    data.insert("url".into(), json!(url));
    data.insert("mainEntityOfPage".into(), json!(url));
    data.insert("datePublished".into(), json!(datetime));
    data.insert("dateModified".into(), json!(a.modified().as_written()));
    if !a.front.corrections.is_empty() {
        let corrections: Vec<Value> = a
            .front
            .corrections
            .iter()
            .map(|c| {
                json!({
                    "@type": "CorrectionComment",
                    "text": c.text,
                    "datePublished": c.date.as_written(),
                })
            })
            .collect();
        data.insert("correction".into(), Value::Array(corrections));
    }
    if let Some(lead) =
        super::context::preview::image(site, crate::render::plan::PageKind::Article(i))
    {
        data.insert("image".into(), image_object(site, &lead.image, Some(lead)));
    }
    data.insert("inLanguage".into(), json!(config.language));
    data.insert("wordCount".into(), json!(a.word_count));
    // No `description`: the summary is the page's `<meta name="description">` and
    // `og:description` already, and search engines read those.
    data.insert("publisher".into(), publisher.clone());
    let authors: Vec<Value> = terms(site, a, TaxonomyKind::Authors)
        .map(|t| thing(site, TaxonomyKind::Authors, t))
        .collect();
    data.insert(
        "author".into(),
        match authors.is_empty() {
            true => publisher,
            false => Value::Array(authors),
        },
    );
    let tags: Vec<&str> = terms(site, a, TaxonomyKind::Tags)
        .map(|t| t.name.as_str())
        .collect();
    if !tags.is_empty() {
        data.insert("keywords".into(), json!(tags));
    }
    let about: Vec<Value> = terms(site, a, TaxonomyKind::Actors)
        .map(|t| thing(site, TaxonomyKind::Actors, t))
        .collect();
    if !about.is_empty() {
        data.insert("about".into(), Value::Array(about));
    }
    let mentions: Vec<Value> = mentioned(site, a)
        .map(|t| thing(site, TaxonomyKind::Actors, t))
        .collect();
    if !mentions.is_empty() {
        data.insert("mentions".into(), Value::Array(mentions));
    }
    // One `CreativeWork` per source; an array only when there are several.
    let mut based: Vec<Value> = source_links(site, a)
        .into_iter()
        .map(|source| {
            let mut work = Map::new();
            work.insert("@type".into(), json!("CreativeWork"));
            if let Some(u) = source.link {
                work.insert("url".into(), json!(u));
            }
            work.insert(
                "publisher".into(),
                json!({ "@type": "Organization", "name": source.name }),
            );
            if let Some(author) = source.author {
                work.insert(
                    "author".into(),
                    json!({ "@type": "Person", "name": author }),
                );
            }
            if let Some(p) = source.published {
                work.insert("datePublished".into(), json!(p));
            }
            Value::Object(work)
        })
        .collect();
    let based = match based.len() {
        1 => based.remove(0),
        _ => Value::Array(based),
    };
    data.insert("isBasedOn".into(), based);
    script_safe(&Value::Object(data))
}

/// An image as a schema.org `ImageObject`, with what is said of it when it is a
/// lead image (caption, credit).
fn image_object(
    site: &Site,
    image: &crate::images::Image,
    lead: Option<&crate::images::LeadImage>,
) -> Value {
    let mut object = json!({
        "@type": "ImageObject",
        "url": site.config.permalink(&image.url),
        "width": image.width,
        "height": image.height,
    });
    if let (Some(lead), Value::Object(o)) = (lead, &mut object) {
        if let Some(caption) = &lead.caption {
            o.insert("caption".into(), json!(caption));
        }
        if let Some(credit) = &lead.credit {
            o.insert("creditText".into(), json!(credit));
        }
    }
    object
}

/// The JSON-LD of one term's page.
pub fn term(site: &Site, kind: TaxonomyKind, i: usize) -> String {
    let t = &site.taxonomy(kind).terms[i];
    let url = site
        .config
        .permalink(&format!("{}/{}/", kind.key(), t.slug));
    let about = thing(site, kind, t);
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": t.name,
        "url": url,
    });
    if kind == TaxonomyKind::Actors {
        let actor = json!({ "@type": about["@type"], "name": t.name, "url": about["url"] });
        let quotes = super::context::quotes::json_ld(site, &t.slug, &actor);
        if !quotes.is_empty() {
            data["hasPart"] = Value::Array(quotes);
        }
    }
    data["about"] = about;
    script_safe(&data)
}

/// An actor, source, topic or author as a schema.org thing, with its page and Wikidata
/// item.
fn thing(site: &Site, kind: TaxonomyKind, t: &Term) -> Value {
    let profile = t.profile.map(|p| &site.profiles[p]);
    let default_type = match kind {
        TaxonomyKind::Sources => "Organization",
        TaxonomyKind::Tags => "DefinedTerm",
        TaxonomyKind::Actors => "Thing",
        TaxonomyKind::Authors => "Person",
        // schema.org has no type for a running story; an `Event` would want a place.
        TaxonomyKind::Stories => "Thing",
    };
    let schema_type = profile
        .and_then(|p| p.schema_type.as_deref())
        .unwrap_or(default_type);
    let mut v = Map::new();
    v.insert("@type".into(), json!(schema_type));
    v.insert("name".into(), json!(t.name));
    v.insert(
        "url".into(),
        json!(site
            .config
            .permalink(&format!("{}/{}/", kind.key(), t.slug))),
    );
    if let Some(p) = profile {
        if !p.aliases.is_empty() {
            v.insert("alternateName".into(), json!(p.aliases));
        }
        if let Some(d) = p.role.as_ref().or(p.description.as_ref()) {
            v.insert("description".into(), json!(d));
        }
        let same: Vec<String> = p
            .wikidata_url()
            .into_iter()
            .chain(p.url.clone())
            .chain(p.links.iter().cloned())
            .collect();
        if !same.is_empty() {
            v.insert("sameAs".into(), json!(same));
        }
    }
    Value::Object(v)
}

/// JSON with `<`, `>` and `&` escaped, so no text in it can close the `<script>`.
fn script_safe(v: &Value) -> String {
    crate::text::json_html_safe(serde_json::to_string(v).expect("JSON values serialise"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_script() {
        let s = script_safe(&json!({ "headline": "</script><b>&" }));
        assert_eq!(
            s,
            r#"{"headline":"\u003c/script\u003e\u003cb\u003e\u0026"}"#
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["headline"], "</script><b>&");
    }
}
