//! A profile of the site model: an actor's, a source's or an author's page text and facts.

use super::taxonomy::TaxonomyKind;
use crate::diagnostics::Diagnostic;
use std::path::PathBuf;

/// One actor's, source's or author's profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Actors, sources or authors.
    pub kind: TaxonomyKind,
    /// The file, relative to the site root.
    pub file: PathBuf,
    /// The name, as it should be shown.
    pub name: String,
    /// The slug of `name`: the term it describes.
    pub slug: String,
    /// Other names it goes by.
    pub aliases: Vec<String>,
    /// What the actor does: `President of Russia`.
    pub role: Option<String>,
    /// Where the actor is from or based.
    pub country: Option<String>,
    /// The schema.org type for structured data: `Person`, `Organization`, `Country`…
    pub schema_type: Option<String>,
    /// The Wikidata item: `Q7747`.
    pub wikidata: Option<String>,
    /// The outlet's (or actor's) own website.
    pub url: Option<String>,
    /// One line about it.
    pub description: Option<String>,
    /// An author's address for readers (authors only).
    pub email: Option<String>,
    /// An author's other pages (authors only): http(s) URLs.
    pub links: Vec<String>,
    /// Free-form values for templates.
    pub extra: serde_json::Value,
    /// The body, as Markdown.
    pub body: String,
    /// The line the body starts on, and its offset, for diagnostics.
    pub body_offset: usize,
    /// The whole file, for diagnostics.
    pub text: String,
    /// Where `name:` is, for messages about it.
    pub name_at: (usize, usize),
    /// The body as HTML, once rendered.
    pub html: String,
    /// What rendering the body found.
    pub render_diagnostics: Vec<Diagnostic>,
    /// Whether `html` is up to date.
    pub rendered: bool,
}

impl Profile {
    /// The role and the country as one phrase, the country left out when every word
    /// of it is already in the role: `President of Russia` (not `President of Russia,
    /// Russia`), `Foreign Minister, Russia`; either alone when the other is missing.
    pub fn role_and_country(&self) -> Option<String> {
        let role = self
            .role
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let country = self
            .country
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        match (role, country) {
            (Some(role), Some(country)) => {
                let words = |s: &str| -> Vec<String> {
                    s.split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .map(str::to_lowercase)
                        .collect()
                };
                let in_role = words(role);
                let named = words(country).iter().all(|w| in_role.contains(w));
                Some(if named {
                    role.to_string()
                } else {
                    format!("{role}, {country}")
                })
            }
            (role, country) => role.or(country).map(str::to_string),
        }
    }

    /// `https://www.wikidata.org/wiki/Q7747`, when a Wikidata item is given.
    pub fn wikidata_url(&self) -> Option<String> {
        self.wikidata
            .as_ref()
            .map(|q| format!("https://www.wikidata.org/wiki/{q}"))
    }
}

impl Profile {
    /// Takes in its rendered body and what rendering it found.
    pub fn attach(&mut self, html: String, diagnostics: Vec<Diagnostic>) {
        self.html = html;
        self.render_diagnostics = diagnostics;
        self.rendered = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(role: Option<&str>, country: Option<&str>) -> Profile {
        Profile {
            kind: TaxonomyKind::Actors,
            file: PathBuf::new(),
            name: "N".into(),
            slug: "n".into(),
            aliases: Vec::new(),
            role: role.map(str::to_string),
            country: country.map(str::to_string),
            schema_type: None,
            wikidata: None,
            url: None,
            description: None,
            email: None,
            links: Vec::new(),
            extra: serde_json::Value::Null,
            body: String::new(),
            body_offset: 0,
            text: String::new(),
            name_at: (0, 0),
            html: String::new(),
            render_diagnostics: Vec::new(),
            rendered: false,
        }
    }

    /// Regression (issue 21): an actor page said "President of Russia, Russia".
    #[test]
    fn the_country_is_left_out_when_the_role_names_it() {
        let line = |r, c| profile(r, c).role_and_country();
        assert_eq!(
            line(Some("President of Russia"), Some("Russia")).as_deref(),
            Some("President of Russia")
        );
        assert_eq!(
            line(
                Some("President of the United States"),
                Some("united states")
            )
            .as_deref(),
            Some("President of the United States")
        );
        assert_eq!(
            line(Some("US Secretary of State"), Some("United States")).as_deref(),
            Some("US Secretary of State, United States")
        );
        // A word inside another is not the word: "Russian" does not name "Russia".
        assert_eq!(
            line(Some("Russian envoy"), Some("Russia")).as_deref(),
            Some("Russian envoy, Russia")
        );
        assert_eq!(line(None, Some("Syria")).as_deref(), Some("Syria"));
        assert_eq!(line(Some("Envoy"), Some(" ")).as_deref(), Some("Envoy"));
        assert_eq!(line(None, None), None);
    }
}
