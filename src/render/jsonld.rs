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
use serde::Serialize;
use serde_json::{json, Value};

/// The JSON-LD of the article at `i`.
pub fn article(site: &Site, i: usize) -> String {
    let a = &site.articles[i];
    let config = &site.config;
    let url = config.permalink(&format!("articles/{}/", a.slug));
    let publisher = Organization {
        kind: "Organization",
        logo: config
            .previews
            .logo
            .as_ref()
            .map(|logo| image_object(site, logo, None)),
        name: &config.title,
        url: Some(config.permalink("")),
    };
    let authors: Vec<Thing> = terms(site, a, TaxonomyKind::Authors)
        .map(|t| thing(site, TaxonomyKind::Authors, t))
        .collect();
    // One `CreativeWork` per source; an array only when there are several.
    let mut based: Vec<CreativeWork> = source_links(site, a)
        .into_iter()
        .map(|source| CreativeWork {
            kind: "CreativeWork",
            author: source.author.map(|name| Person {
                kind: "Person",
                name,
            }),
            date_published: source.published,
            publisher: Organization {
                kind: "Organization",
                logo: None,
                name: source.name,
                url: None,
            },
            url: source.link,
        })
        .collect();
    let data = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        about: terms(site, a, TaxonomyKind::Actors)
            .map(|t| thing(site, TaxonomyKind::Actors, t))
            .collect(),
        author: match authors.is_empty() {
            true => OneOrMany::One(publisher.clone()),
            false => OneOrMany::Many(authors),
        },
        correction: a
            .front
            .corrections
            .iter()
            .map(|c| Correction {
                kind: "CorrectionComment",
                date_published: c.date.as_written(),
                text: &c.text,
            })
            .collect(),
        date_modified: a.modified().as_written(),
        date_published: a.front.date.as_written(),
        headline: &a.front.title,
        image: super::context::preview::image(site, crate::render::plan::PageKind::Article(i))
            .map(|lead| image_object(site, &lead.image, Some(lead))),
        in_language: &config.language,
        is_based_on: match based.len() {
            1 => OneOrMany::One(based.remove(0)),
            _ => OneOrMany::Many(based),
        },
        keywords: terms(site, a, TaxonomyKind::Tags)
            .map(|t| t.name.as_str())
            .collect(),
        main_entity_of_page: &url,
        mentions: mentioned(site, a)
            .map(|t| thing(site, TaxonomyKind::Actors, t))
            .collect(),
        publisher,
        url: &url,
        word_count: a.word_count,
    };
    script_safe(&data)
}

// The shapes of an article's JSON-LD, serialised as they are: a page's data is no
// longer a tree of maps made, sorted and dropped (2% of a build's CPU at 100,000
// articles). Each struct's fields are in the order of their keys' bytes, the order
// `serde_json`'s sorted maps wrote: the same text as before for the same article.
// No `description`: the summary is the page's `<meta name="description">` and
// `og:description` already, and search engines read those.

#[derive(Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<Thing<'a>>,
    author: OneOrMany<Organization<'a>, Thing<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    correction: Vec<Correction<'a>>,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(rename = "datePublished")]
    date_published: String,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<Value>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isBasedOn")]
    is_based_on: OneOrMany<CreativeWork<'a>, CreativeWork<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<&'a str>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mentions: Vec<Thing<'a>>,
    publisher: Organization<'a>,
    url: &'a str,
    #[serde(rename = "wordCount")]
    word_count: usize,
}

/// One value, or an array of others.
#[derive(Serialize)]
#[serde(untagged)]
enum OneOrMany<O, M> {
    One(O),
    Many(Vec<M>),
}

#[derive(Serialize, Clone)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<Value>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct Correction<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "datePublished")]
    date_published: String,
    text: &'a str,
}

#[derive(Serialize)]
struct CreativeWork<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Person<'a>>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    publisher: Organization<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

/// An actor, source, topic or author as a schema.org thing.
#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    #[serde(rename = "alternateName", skip_serializing_if = "<[_]>::is_empty")]
    alternate_name: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    name: &'a str,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<String>,
    url: String,
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
        let actor = json!({ "@type": about.kind, "name": t.name, "url": about.url });
        let quotes = super::context::quotes::json_ld(site, &t.slug, &actor);
        if !quotes.is_empty() {
            data["hasPart"] = Value::Array(quotes);
        }
    }
    data["about"] = serde_json::to_value(about).expect("JSON values serialise");
    script_safe(&data)
}

/// An actor, source, topic or author as a schema.org thing, with its page and Wikidata
/// item.
fn thing<'a>(site: &'a Site, kind: TaxonomyKind, t: &'a Term) -> Thing<'a> {
    let profile = t.profile.map(|p| &site.profiles[p]);
    let default_type = match kind {
        TaxonomyKind::Sources => "Organization",
        TaxonomyKind::Tags => "DefinedTerm",
        TaxonomyKind::Actors => "Thing",
        TaxonomyKind::Authors => "Person",
        // schema.org has no type for a running story; an `Event` would want a place.
        TaxonomyKind::Stories => "Thing",
    };
    Thing {
        kind: profile
            .and_then(|p| p.schema_type.as_deref())
            .unwrap_or(default_type),
        alternate_name: profile.map_or(&[], |p| p.aliases.as_slice()),
        description: profile.and_then(|p| {
            p.role
                .as_ref()
                .or(p.description.as_ref())
                .map(String::as_str)
        }),
        name: &t.name,
        same_as: profile.map_or_else(Vec::new, |p| {
            p.wikidata_url()
                .into_iter()
                .chain(p.url.clone())
                .chain(p.links.iter().cloned())
                .collect()
        }),
        url: site
            .config
            .permalink(&format!("{}/{}/", kind.key(), t.slug)),
    }
}

/// JSON with `<`, `>` and `&` escaped, so no text in it can close the `<script>`.
fn script_safe(v: &impl Serialize) -> String {
    crate::text::json_html_safe(serde_json::to_string(v).expect("JSON values serialise"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of every shape filled: written, each map's keys are in their bytes'
    /// order at every level, as `serde_json`'s sorted maps wrote them before.
    #[test]
    fn every_shape_writes_its_keys_in_order() {
        let thing = || Thing {
            kind: "Person",
            alternate_name: &[],
            description: Some("Minister"),
            name: "A",
            same_as: vec!["https://www.wikidata.org/wiki/Q1".into()],
            url: "https://example.org/actors/a/".into(),
        };
        let aliases = ["B".to_string()];
        let organization = || Organization {
            kind: "Organization",
            logo: Some(json!({ "@type": "ImageObject", "url": "https://example.org/l.png" })),
            name: "Desk",
            url: Some("https://example.org/".into()),
        };
        let work = || CreativeWork {
            kind: "CreativeWork",
            author: Some(Person {
                kind: "Person",
                name: "C",
            }),
            date_published: Some("2017-07-09".into()),
            publisher: organization(),
            url: Some("https://www.reuters.com/a"),
        };
        let data = NewsArticle {
            context: "https://schema.org",
            kind: "NewsArticle",
            about: vec![Thing {
                alternate_name: &aliases,
                ..thing()
            }],
            author: OneOrMany::Many(vec![thing(), thing()]),
            correction: vec![Correction {
                kind: "CorrectionComment",
                date_published: "2017-07-10".into(),
                text: "Fixed.",
            }],
            date_modified: "2017-07-10".into(),
            date_published: "2017-07-09".into(),
            headline: "H",
            image: Some(json!({ "@type": "ImageObject", "caption": "c", "url": "u" })),
            in_language: "en",
            is_based_on: OneOrMany::Many(vec![work(), work()]),
            keywords: vec!["k"],
            main_entity_of_page: "https://example.org/articles/h/",
            mentions: vec![thing()],
            publisher: organization(),
            url: "https://example.org/articles/h/",
            word_count: 600,
        };
        let written = script_safe(&data);
        let sorted: Value = serde_json::from_str(&written).unwrap();
        assert_eq!(script_safe(&sorted), written);
        // The optional fields are all there, so their places were checked.
        for key in [
            "alternateName",
            "description",
            "sameAs",
            "logo",
            "correction",
            "image",
        ] {
            assert!(written.contains(&format!("\"{key}\":")), "{key}: {written}");
        }
    }

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
