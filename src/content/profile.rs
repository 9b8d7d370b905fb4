//! Profiles: `content/actors/<slug>.md`, `content/sources/<slug>.md` and
//! `content/authors/<slug>.md`.
//!
//! A profile gives a term (an actor, a source or an author) a name, other names it
//! goes by, a few facts and a short text. Its aliases merge into it: an article naming
//! `Putin` counts for `Vladimir Putin` when `Putin` is one of the profile's aliases.
//! Those folders hold profiles only: a file in one that has an article's keys is an
//! error, so an article filed there is never silently left out.

use super::front_matter::{self, KeyIndex, Split};
use crate::diagnostics::{display_path, Diagnostic};
use crate::model::asset::Asset;
pub use crate::model::profile::Profile;
use crate::model::slug::term_slug;
use crate::model::taxonomy::TaxonomyKind;
use crate::text;
use rayon::prelude::*;
use serde::Deserialize;
use std::path::Path;

/// The keys a profile may have.
pub const PROFILE_KEYS: &[&str] = &[
    "name",
    "aliases",
    "role",
    "country",
    "type",
    "wikidata",
    "url",
    "description",
    "extra",
    "email",
    "links",
];

/// Keys that only an article has: a file with any of them is an article.
const ARTICLE_ONLY_KEYS: &[&str] = &[
    "title",
    "date",
    "source",
    "sources",
    "story",
    "actors",
    "tags",
    "key_points",
];
/// Of [`ARTICLE_ONLY_KEYS`], those that make a file an article: a profile with a
/// stray `tags:` is one with an unknown key, not an article.
const ARTICLE_MARKS: &[&str] = &["title", "date", "source", "sources", "story"];

#[derive(Debug, Deserialize)]
struct RawProfile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default, rename = "type")]
    schema_type: Option<String>,
    #[serde(default)]
    wikidata: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    links: Option<Vec<String>>,
    #[serde(default)]
    extra: Option<serde_yaml::Value>,
}

/// The folder name under `content/` of a kind's profiles.
pub fn kind_of_folder(folder: &str) -> Option<TaxonomyKind> {
    match folder {
        "actors" => Some(TaxonomyKind::Actors),
        "sources" => Some(TaxonomyKind::Sources),
        "authors" => Some(TaxonomyKind::Authors),
        "stories" => Some(TaxonomyKind::Stories),
        _ => None,
    }
}

/// Reads every profile in parallel: the profiles, and the problems found.
pub fn load_all(root: &Path, files: &[Asset]) -> (Vec<Profile>, Vec<Diagnostic>) {
    let loaded: Vec<(Option<Profile>, Vec<Diagnostic>)> =
        files.par_iter().map(|f| load(root, f)).collect();
    let mut profiles = Vec::new();
    let mut diagnostics = Vec::new();
    for (p, d) in loaded {
        profiles.extend(p);
        diagnostics.extend(d);
    }
    (profiles, diagnostics)
}

/// Reads one profile (`actors/x.md`, `sources/x.md` or `authors/x.md` under `content/`).
pub fn load(root: &Path, file: &Asset) -> (Option<Profile>, Vec<Diagnostic>) {
    let path = display_path(root, &file.src);
    let Some(kind) = file.rel.split('/').next().and_then(kind_of_folder) else {
        return (None, Vec::new());
    };
    let text = match std::fs::read(&file.src).map(String::from_utf8) {
        Ok(Ok(t)) => text::normalize(t),
        Ok(Err(e)) => {
            return (None, vec![super::not_utf8(&path, &e)]);
        }
        Err(e) => {
            return (
                None,
                vec![Diagnostic::error(path, format!("cannot read: {e}"))],
            )
        }
    };
    if let Some((offset, c)) = text::forbidden_char(&text) {
        return (None, vec![super::forbidden(&path, &text, offset, c)]);
    }
    let split = match front_matter::split(&path, &text) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let (profile, diagnostics) = parse(&path, &text, &split, kind, &file.rel);
    (profile, diagnostics)
}

fn parse(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    kind: TaxonomyKind,
    rel: &str,
) -> (Option<Profile>, Vec<Diagnostic>) {
    if let Some(d) = front_matter::yaml_aliases::too_many(path, text, split.yaml) {
        return (None, vec![d]);
    }
    let index = KeyIndex::new(split.yaml, split.yaml_line);
    let mut diagnostics = Vec::new();
    let mut unknown = Vec::new();
    let de = serde_yaml::Deserializer::from_str(split.yaml);
    let raw: RawProfile = match serde_ignored::deserialize(de, |p| unknown.push(p.to_string())) {
        Ok(raw) => raw,
        Err(e) => {
            let d = front_matter::yaml_error(path, text, split, &index, &e);
            return (None, vec![d]);
        }
    };
    let fence = (split.yaml_line - 1, 1);
    if let Some(d) = an_article(path, text, &index, kind, &unknown) {
        return (None, vec![d]);
    }
    for key in &unknown {
        if key.contains('.') {
            continue;
        }
        let (line, col) = index.key(key, 0).unwrap_or(fence);
        diagnostics.push(
            Diagnostic::warning(path, format!("unknown profile key `{key}`"))
                .at(line, col, text)
                .unknown_key(key, PROFILE_KEYS),
        );
    }
    if kind != TaxonomyKind::Authors {
        for (key, given) in [
            ("email", raw.email.is_some()),
            ("links", raw.links.is_some()),
        ] {
            if given {
                let (line, col) = index.key(key, 0).unwrap_or(fence);
                diagnostics.push(
                    Diagnostic::warning(
                        path,
                        format!("`{key}` is a key of author profiles only; it is not used here"),
                    )
                    .at_span(line, col, key.len(), text),
                );
            }
        }
    }
    let at = |key: &str| index.value(key).unwrap_or(fence);
    let mut errors = Vec::new();
    let name = raw.name.unwrap_or_default().trim().to_string();
    if name.is_empty() && index.value("name").is_none() {
        errors.push(
            Diagnostic::error(path, "missing required key `name`").at(fence.0, fence.1, text),
        );
    }
    let mut error = |key: &str, message: String, help: Option<String>| {
        let (line, col) = at(key);
        errors.push(
            Diagnostic::error(path, format!("{key}: {message}"))
                .at_value(line, col, text)
                .with_help(help),
        );
    };
    if name.is_empty() && index.value("name").is_some() {
        error(
            "name",
            "expected a name, found an empty string".into(),
            Some("write the name as pages should show it, such as `name: Maria Keller`".into()),
        );
    }
    let wikidata = raw.wikidata.and_then(|w| {
        let id = w
            .trim()
            .trim_start_matches("https://www.wikidata.org/wiki/")
            .trim_start_matches("http://www.wikidata.org/wiki/")
            .to_string();
        let valid =
            id.len() > 1 && id.starts_with('Q') && id[1..].bytes().all(|b| b.is_ascii_digit());
        if !valid {
            error(
                "wikidata",
                format!("expected a Wikidata item such as Q7747, found {w:?}"),
                Some(
                    "write the item's id, the `Q` and digits at the end of its Wikidata address"
                        .into(),
                ),
            );
        }
        valid.then_some(id)
    });
    let url = raw
        .url
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    if let Some(Err(message)) = url.as_deref().map(front_matter::web_url) {
        error("url", message, url.as_deref().map(|u| link_help("url", u)));
    }
    let email = raw
        .email
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    if let Some(e) = email.as_deref().filter(|e| !is_email(e)) {
        error(
            "email",
            format!("expected an email address such as desk@example.org, found {e:?}"),
            Some(email_help(e)),
        );
    }
    let schema_type = raw.schema_type.map(|t| t.trim().to_string());
    if let Some(t) = &schema_type {
        if t.is_empty() || !t.chars().all(|c| c.is_ascii_alphanumeric()) {
            error(
                "type",
                format!("expected a schema.org type such as Person or Organization, found {t:?}"),
                Some("write one word, as schema.org names its types: `type: Organization`".into()),
            );
        }
    }
    let extra = front_matter::template_value(raw.extra).unwrap_or_else(|message| {
        error("extra", message, None);
        serde_json::Value::Null
    });
    let links: Vec<String> = raw
        .links
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    for (n, link) in links.iter().enumerate() {
        if let Err(message) = front_matter::web_url(link) {
            let d = Diagnostic::error(path, format!("links: {message}"));
            let d = match front_matter::list_item(text, &index, "links", n) {
                Some(range) => d.at_range(range, text),
                None => {
                    let (line, col) = index.value("links").unwrap_or(fence);
                    d.at_value(line, col, text)
                }
            };
            errors.push(d.help(link_help("links", link)));
        }
    }
    let name_at = index.value("name").unwrap_or(fence);
    errors.sort_by_key(|d| d.position);
    let has_errors = !errors.is_empty();
    diagnostics.append(&mut errors);
    if has_errors {
        return (None, diagnostics);
    }
    let slug = term_slug(&name);
    // The file's own name, without `.md`, should be the slug of `name`.
    let stem = rel
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches(".md")
        .trim_end_matches(".MD");
    if stem != slug {
        diagnostics.push(
            Diagnostic::warning(
                path,
                format!(
                    "name {name:?} has the slug `{slug}`, not `{stem}`: rename the file to {}/{slug}.md",
                    kind.key()
                ),
            )
            .at(name_at.0, name_at.1, text),
        );
    }
    let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut aliases: Vec<String> = raw
        .aliases
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty() && term_slug(a) != slug)
        .collect();
    aliases.dedup();
    let profile = Profile {
        kind,
        file: path.to_path_buf(),
        name,
        slug,
        aliases,
        role: clean(raw.role),
        country: clean(raw.country),
        schema_type,
        wikidata,
        url,
        description: clean(raw.description),
        email: email.filter(|_| kind == TaxonomyKind::Authors),
        links: if kind == TaxonomyKind::Authors {
            links
        } else {
            Vec::new()
        },
        extra,
        body: split.body.to_string(),
        body_offset: split.body_offset,
        text: text.to_string(),
        name_at,
        html: String::new(),
        render_diagnostics: Vec::new(),
        rendered: false,
    };
    (Some(profile), diagnostics)
}

/// The error for a file in a profile folder that is an article (it has `title`,
/// `date` or `source`), at the first of those keys.
fn an_article(
    path: &Path,
    text: &str,
    index: &KeyIndex,
    kind: TaxonomyKind,
    unknown: &[String],
) -> Option<Diagnostic> {
    let mut found: Vec<((usize, usize), &str)> = ARTICLE_ONLY_KEYS
        .iter()
        .filter(|k| unknown.iter().any(|u| u == *k))
        .map(|k| (index.key(k, 0).unwrap_or((1, 1)), *k))
        .collect();
    found.sort();
    if !found.iter().any(|(_, k)| ARTICLE_MARKS.contains(k)) {
        return None;
    }
    let ((line, col), first) = *found.first()?;
    let keys: Vec<String> = found.iter().map(|(_, k)| format!("`{k}`")).collect();
    let folder = kind.key();
    let singular = kind.singular().to_lowercase();
    Some(
        Diagnostic::error(
            path,
            format!(
                "content/{folder}/ holds {singular} profiles, not articles, and this file has an article's keys ({})",
                keys.join(", ")
            ),
        )
        .at_span(line, col, first.len(), text)
        .help(format!(
            "move the article out of content/{folder}/ (any other folder of content/ will do); a profile has `name:` and no `title:`, `date:` or `source:`"
        )),
    )
}

/// The help for `written`, not a web link, under `key` (`url`, or an item of `links`).
fn link_help(key: &str, written: &str) -> String {
    let item = |link: &str| match key {
        "links" => format!("`- {link}`"),
        _ => format!("`{key}: {link}`"),
    };
    match written.split_once(':') {
        // `example.org/x`: the address without its scheme.
        None if written.contains('.') && !written.contains(char::is_whitespace) => format!(
            "write the whole address, with https://: {}",
            item(&format!("https://{}", written.trim_start_matches('/')))
        ),
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("mailto") => {
            "write an address to write to as `email:`, without `mailto:`".into()
        }
        _ => format!(
            "only web addresses (http or https) are linked, such as {}",
            item("https://example.org/maria-keller")
        ),
    }
}

/// The help for `written`, not an email address.
fn email_help(written: &str) -> String {
    if let Some(address) = written.strip_prefix("mailto:") {
        return format!("write the address alone: `email: {}`", address.trim());
    }
    if written.contains(char::is_whitespace) && is_email(&written.replace(char::is_whitespace, ""))
    {
        return format!(
            "an address has no spaces: `email: {}`",
            written.replace(char::is_whitespace, "")
        );
    }
    "write one address, such as `email: maria.keller@example.org` (its page links it)".into()
}

/// Whether `s` reads as an email address: one `@` between a local part and a domain
/// of dotted labels, without spaces or the characters that would break a `mailto:`
/// link. Not RFC 5322 (quoted local parts are refused): a check against typos.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let plain = |c: char| !c.is_whitespace() && !c.is_control() && !"@<>()[]\\,;:\"".contains(c);
    !local.is_empty()
        && local.chars().all(plain)
        && domain.contains('.')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && label.chars().all(|c| plain(c) && c != '/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(rel: &str, text: &str) -> (Option<Profile>, Vec<String>) {
        let path = Path::new("content").join(rel);
        let split = front_matter::split(&path, text).unwrap();
        let (p, d) = parse(&path, text, &split, TaxonomyKind::Actors, rel);
        (
            p,
            d.iter()
                .map(|d| d.to_string().lines().next().unwrap().to_string())
                .collect(),
        )
    }

    #[test]
    fn a_profile_has_its_names_and_facts() {
        let (p, d) = parse_text(
            "actors/vladimir-putin.md",
            "---\nname: Vladimir Putin\naliases: [Putin, ' ', vladimir putin]\nrole: President of Russia\nwikidata: https://www.wikidata.org/wiki/Q7747\ntype: Person\n---\nBody.\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let p = p.unwrap();
        assert_eq!(p.slug, "vladimir-putin");
        assert_eq!(p.aliases, vec!["Putin"]);
        assert_eq!(
            p.wikidata_url().unwrap(),
            "https://www.wikidata.org/wiki/Q7747"
        );
        assert_eq!(p.body, "Body.\n");
    }

    #[test]
    fn a_bad_link_or_address_gets_the_line_to_write() {
        assert_eq!(
            link_help("links", "twitter.com/desk"),
            "write the whole address, with https://: `- https://twitter.com/desk`"
        );
        assert_eq!(
            link_help("url", "mailto:desk@example.org"),
            "write an address to write to as `email:`, without `mailto:`"
        );
        assert_eq!(
            email_help("mailto:desk@example.org"),
            "write the address alone: `email: desk@example.org`"
        );
        assert_eq!(
            email_help("desk @example.org"),
            "an address has no spaces: `email: desk@example.org`"
        );
    }

    #[test]
    fn email_addresses_are_checked_against_typos() {
        for ok in ["jane@example.org", "jane.doe+desk@mail.example.co.uk"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "jane",
            "jane at example.org",
            "@example.org",
            "jane@example",
            "jane@@example.org",
            "jane@example..org",
            "<jane@example.org>",
            "jane@example.org/x",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn bad_values_are_errors_at_their_place_and_a_wrong_file_name_a_warning() {
        let (p, d) = parse_text("actors/x.md", "---\nname: A\nwikidata: 7747\nnam: y\n---\n");
        assert!(p.is_none());
        assert_eq!(
            d,
            vec![
                "warning: content/actors/x.md:4:1: unknown profile key `nam`",
                "error: content/actors/x.md:3:11: wikidata: expected a Wikidata item such as Q7747, found \"7747\"",
            ]
        );
        let (p, d) = parse_text("actors/putin.md", "---\nname: Vladimir Putin\n---\n");
        assert!(p.is_some());
        assert_eq!(
            d,
            vec!["warning: content/actors/putin.md:2:7: name \"Vladimir Putin\" has the slug `vladimir-putin`, not `putin`: rename the file to actors/vladimir-putin.md"]
        );
    }
}
