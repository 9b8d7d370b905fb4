//! A profile of the site model: an actor's or a source's page text and facts.

use super::taxonomy::TaxonomyKind;
use crate::diagnostics::Diagnostic;
use std::path::PathBuf;

/// One actor's or source's profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Actors or sources.
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
