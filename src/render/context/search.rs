//! The files of the search index as text, and what each is made of, hashed: for a
//! leaf or a prefix file the index's hash of its content, for the others their
//! values themselves. (What they hold and how search.js reads them: `model::search`.)

use super::values::{terms, SEARCH_SUMMARY};
use super::views::Views;
use crate::model::fingerprint::Fingerprinter;
use crate::model::search::{SearchIndex, DOCS_PER_FILE, FIELDS};
use crate::model::site::Site;
use crate::model::taxonomy::TaxonomyKind;
use crate::render::plan::search::{DOCS_DIR, PREFIXES_DIR, TERMS_DIR};
use crate::render::plan::SearchFile;
use crate::text::shorten;
use serde::Serialize;
use std::hash::Hash;

/// The version of the index's format, in `search.json`: 2 is the split index (1 was
/// one file of every article).
pub const VERSION: u32 = 2;

/// `search.json`: what search.js needs before it fetches anything else.
#[derive(Serialize)]
struct Manifest<'a> {
    version: u32,
    /// How many articles are numbered (ids `0..articles`, oldest first).
    articles: usize,
    /// Query words are cut to this many characters, as terms are.
    max_term: usize,
    /// Articles per file of `docs`.
    docs_per_file: usize,
    /// The folders of the leaves, prefix files and articles' fields, from the root.
    terms: &'static str,
    prefixes: &'static str,
    docs: &'static str,
    /// The leaves' keys, sorted.
    leaves: Vec<&'a str>,
    /// The split keys, sorted: each has a prefix file.
    split: Vec<&'a str>,
}

fn manifest(index: &SearchIndex) -> Manifest<'_> {
    Manifest {
        version: VERSION,
        articles: index.articles,
        max_term: crate::model::search::fold::MAX_TERM,
        docs_per_file: DOCS_PER_FILE,
        terms: TERMS_DIR,
        prefixes: PREFIXES_DIR,
        docs: DOCS_DIR,
        leaves: index.leaves.iter().map(|l| l.key.as_str()).collect(),
        split: index.prefixes.iter().map(|p| p.key.as_str()).collect(),
    }
}

/// What a result shows of an article, in this order: title, URL (site-relative),
/// day, summary (cut at [`SEARCH_SUMMARY`] characters), actors' names, source.
type Doc<'a> = (
    &'a str,
    String,
    String,
    std::borrow::Cow<'a, str>,
    Vec<&'a str>,
    &'a str,
);

fn docs(site: &Site, n: u32) -> Vec<Doc<'_>> {
    let index = &site.search;
    index
        .doc_ids(n as usize)
        .map(|id| {
            let a = &site.articles[index.article(id)];
            (
                a.front.title.as_str(),
                format!("articles/{}/", a.slug),
                crate::model::date::iso_day(a.front.date.day()),
                shorten(&a.summary, SEARCH_SUMMARY),
                terms(site, a, TaxonomyKind::Actors)
                    .map(|t| t.name.as_str())
                    .collect(),
                terms(site, a, TaxonomyKind::Sources)
                    .next()
                    .map_or(a.front.source().name.as_str(), |t| t.name.as_str()),
            )
        })
        .collect()
}

/// A value as JSON, `<` escaped as JSON-LD has it, and a last newline.
fn json<T: Serialize>(value: &T) -> String {
    let mut text =
        crate::text::json_html_safe(serde_json::to_string(value).expect("the index serialises"));
    text.push('\n');
    text
}

/// Three encoded sets as a JSON array. Terms and sets need no escaping: terms are
/// letters and digits, sets [`sets::DIGITS`] and `!~`.
fn push_sets(out: &mut String, sets: &[String; FIELDS]) {
    out.push('[');
    for (f, set) in sets.iter().enumerate() {
        if f > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(set);
        out.push('"');
    }
    out.push(']');
}

/// The text of one file of the search index.
pub fn file(site: &Site, file: SearchFile) -> String {
    let index = &site.search;
    match file {
        SearchFile::Manifest => json(&manifest(index)),
        SearchFile::Terms(n) => {
            let leaf = &index.leaves[n as usize];
            let terms = leaf.runs.iter().flat_map(|r| &index.terms[r.clone()]);
            let mut out = String::from("{");
            for (k, t) in terms.enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push('"');
                out.push_str(&t.term);
                out.push_str("\":");
                push_sets(&mut out, &t.sets);
            }
            out.push_str("}\n");
            out
        }
        SearchFile::Prefix(n) => {
            let mut out = String::new();
            push_sets(&mut out, &index.prefixes[n as usize].sets);
            out.push('\n');
            out
        }
        SearchFile::Docs(n) => json(&docs(site, n)),
    }
}

/// Feeds into `h` what [`file`] writes for `file`; a file of `search/d/` by its
/// articles' [`doc_hash`]es, which [`Views`] keeps.
pub fn hash(views: &Views, site: &Site, file: SearchFile, h: &mut Fingerprinter) {
    let index = &site.search;
    match file {
        SearchFile::Manifest => crate::model::fingerprint::json(h, &manifest(index)),
        SearchFile::Terms(n) => index.leaves[n as usize].hash.hash(h),
        SearchFile::Prefix(n) => index.prefixes[n as usize].hash.hash(h),
        SearchFile::Docs(n) => {
            for id in index.doc_ids(n as usize) {
                views.doc_hashes[index.article(id)].hash(h);
            }
        }
    }
}

/// What [`docs`] shows of article `i`, hashed without making it: its title, slug,
/// day, summary, actors' names and source's name.
pub(super) fn doc_hash(site: &Site, i: usize) -> u64 {
    let mut h = crate::model::fingerprint::hasher();
    let a = &site.articles[i];
    (&a.front.title, &a.slug, a.front.date.day(), &a.summary).hash(&mut h);
    for t in terms(site, a, TaxonomyKind::Actors) {
        t.name.hash(&mut h);
    }
    let source = terms(site, a, TaxonomyKind::Sources).next();
    (0xffu8, source.map_or(&a.front.source().name, |t| &t.name)).hash(&mut h);
    std::hash::Hasher::finish(&h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_sets_are_a_json_array() {
        let mut out = String::new();
        push_sets(&mut out, &["AB".into(), String::new(), "!D".into()]);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value, serde_json::json!(["AB", "", "!D"]));
        assert!(crate::model::search::sets::DIGITS
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(b)));
    }
}
