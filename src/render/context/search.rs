//! `search.json`: what the search page searches.

use super::values::{terms, SEARCH_SUMMARY};
use super::views::Views;
use crate::model::article::Article;
use crate::model::site::Site;
use crate::model::taxonomy::TaxonomyKind;
use crate::text::shorten;
use serde::Serialize;

impl Views {
    /// `search.json`: every article as the search page needs it, in one line.
    /// Summaries are cut at [`SEARCH_SUMMARY`] characters to keep it light.
    pub fn search_index(&self, site: &Site) -> String {
        #[derive(Serialize)]
        struct Entry<'a> {
            title: &'a str,
            url: String,
            date: String,
            summary: std::borrow::Cow<'a, str>,
            actors: Vec<&'a str>,
            tags: Vec<&'a str>,
            source: &'a str,
        }
        fn names<'a>(site: &'a Site, a: &'a Article, k: TaxonomyKind) -> Vec<&'a str> {
            terms(site, a, k).map(|t| t.name.as_str()).collect()
        }
        let articles: Vec<Entry> = site
            .articles
            .iter()
            .map(|a| Entry {
                title: &a.front.title,
                url: format!("articles/{}/", a.slug),
                date: crate::model::date::iso_day(a.front.date.day()),
                summary: shorten(&a.summary, SEARCH_SUMMARY),
                actors: names(site, a, TaxonomyKind::Actors),
                tags: names(site, a, TaxonomyKind::Tags),
                source: terms(site, a, TaxonomyKind::Sources)
                    .next()
                    .map_or(a.front.source().name.as_str(), |t| t.name.as_str()),
            })
            .collect();
        #[derive(Serialize)]
        struct Index<'a> {
            version: u32,
            articles: Vec<Entry<'a>>,
        }
        let index = Index {
            version: 1,
            articles,
        };
        // `<` escaped as JSON-LD has it: the index is served as a file of the site.
        let mut text = crate::text::json_html_safe(
            serde_json::to_string(&index).expect("the index serialises"),
        );
        text.push('\n');
        text
    }
}
