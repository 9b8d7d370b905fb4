//! Front matter: split a file into YAML and body, parse the YAML into a typed struct,
//! and map every problem back to a line and column in the *file*.
//!
//! Parsing happens in two steps. serde's derive checks the shapes (a list where a
//! list belongs), and yaml_serde gives those errors a position. Then our own checks
//! give meaning to the values (dates, slugs, non-empty titles); serde would lose the
//! position for those, so a small [`KeyIndex`] of `key:` lines finds it again.

mod advice;
pub mod aliases;
mod checks;
mod corrections;
mod mistakes;
mod split;
pub mod yaml_aliases;
mod yaml_errors;

pub use split::{split, KeyIndex, Split};
pub(crate) use yaml_errors::yaml_error;

use checks::Checks;

use crate::content::article::Reading;
use crate::diagnostics::{between, Diagnostic};
pub use crate::model::article::{FrontMatter, Source};
use crate::model::date::Date;
use crate::text::{describe_forbidden, forbidden_char};
use serde::de::{self, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::path::Path;

/// The keys an article's front matter may have (SPEC.md, "An article").
pub const ARTICLE_KEYS: &[&str] = &[
    "title",
    "date",
    "source",
    "sources",
    "story",
    "actors",
    "tags",
    "authors",
    "summary",
    "updated",
    "draft",
    "expires",
    "key_points",
    "slug",
    "weight",
    "corrections",
    "aliases",
    "withdrawn",
    "image",
    "image_alt",
    "image_caption",
    "image_credit",
    "extra",
];
const SOURCE_KEYS: &[&str] = &["name", "url", "author", "published"];

/// The longest slug a page's URL may have: each slug is a folder name, and file
/// systems allow 255 bytes.
pub const MAX_SLUG: usize = 200;

/// Every string in a YAML value, keys included.
fn yaml_strings(value: &serde_yaml::Value, out: &mut Vec<String>) {
    match value {
        serde_yaml::Value::String(s) => out.push(s.clone()),
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| yaml_strings(v, out)),
        serde_yaml::Value::Mapping(map) => {
            for (k, v) in map {
                yaml_strings(k, out);
                yaml_strings(v, out);
            }
        }
        serde_yaml::Value::Tagged(t) => yaml_strings(&t.value, out),
        _ => {}
    }
}

/// Front matter exactly as written, shapes checked by serde.
#[derive(Debug, Deserialize)]
struct RawFrontMatter {
    // Required, but optional here so that every missing one is reported at once.
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    source: Option<RawSource>,
    #[serde(default)]
    sources: Option<Vec<RawSource>>,
    #[serde(default)]
    story: Option<String>,
    // Items are optional so that `~` and `null`, which mean no value, are told
    // apart from a name written "null": they are refused, not made into pages.
    #[serde(default)]
    actors: Option<Vec<Option<String>>>,
    #[serde(default)]
    tags: Option<Vec<Option<String>>>,
    #[serde(default)]
    authors: Option<Vec<Option<String>>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    draft: Option<bool>,
    #[serde(default)]
    expires: Option<String>,
    #[serde(default)]
    updated: Option<String>,
    #[serde(default)]
    key_points: Option<Vec<Option<String>>>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    weight: Option<i64>,
    #[serde(default)]
    corrections: Option<Vec<corrections::RawCorrection>>,
    #[serde(default)]
    aliases: Option<Vec<Option<String>>>,
    #[serde(default)]
    withdrawn: Option<corrections::RawWithdrawal>,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    image_alt: Option<String>,
    #[serde(default)]
    image_caption: Option<String>,
    #[serde(default)]
    image_credit: Option<String>,
    #[serde(default)]
    extra: Option<serde_yaml::Value>,
}

/// `source:` as a bare outlet name or a mapping.
#[derive(Debug)]
enum RawSource {
    Name(String),
    Full(RawSourceMap),
}

#[derive(Debug, Deserialize)]
struct RawSourceMap {
    // Required; optional here to tell `name: ~` from a name, and to say it at its line.
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    published: Option<String>,
}

impl<'de> Deserialize<'de> for RawSource {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SourceVisitor;
        impl<'de> Visitor<'de> for SourceVisitor {
            type Value = RawSource;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the outlet's name, or a mapping with `name` and optional `url`, `author`, `published`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSource, E> {
                Ok(RawSource::Name(v.to_string()))
            }
            // Outlets named by a number (`1843`), as titles may be.
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawSource, E> {
                Ok(RawSource::Name(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawSource, E> {
                Ok(RawSource::Name(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawSource, E> {
                Ok(RawSource::Name(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawSource, A::Error> {
                // Inside serde_ignored's wrapper, so unknown keys here are reported too.
                RawSourceMap::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawSource::Full)
            }
        }
        d.deserialize_any(SourceVisitor)
    }
}

/// What parsing one file's front matter gave: the value, or every error; warnings either way.
pub struct Parsed<T> {
    /// The typed value, when there was no error.
    pub value: Option<T>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and checks the front matter of the article at `path` (shown as given).
pub fn parse_article(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    reading: &Reading,
) -> Parsed<FrontMatter> {
    if let Some(d) = yaml_aliases::too_many(path, text, split.yaml) {
        return Parsed {
            value: None,
            diagnostics: vec![d],
        };
    }
    let index = KeyIndex::new(split.yaml, split.yaml_line);
    let mut unknown = Vec::new();
    let de = serde_yaml::Deserializer::from_str(split.yaml);
    let raw: RawFrontMatter = match serde_ignored::deserialize(de, |p| unknown.push(p.to_string()))
    {
        Ok(raw) => raw,
        Err(e) => {
            // serde stops at the first value of a wrong type; each key is tried on
            // its own to report them all.
            let (mut each, wrong) = field_errors(path, text, split, &index, reading.zone);
            if each.is_empty() {
                each = vec![yaml_error(path, text, split, &index, &e)];
            } else {
                // The keys that were read are checked for what they mean too, so
                // one run shows every problem of the file.
                for d in checks_without(path, text, split, &index, reading, &wrong) {
                    // Some keys are checked both ways (`title:` left empty).
                    if !each
                        .iter()
                        .any(|e| e.message == d.message && e.position == d.position)
                    {
                        each.push(d);
                    }
                }
                each.sort_by_key(|d| d.position);
            }
            return Parsed {
                value: None,
                diagnostics: each,
            };
        }
    };
    let mut diagnostics = unknown_keys(path, text, split, &index, &unknown);
    let mut checks = Checks::new(path, text, split, &index, reading);
    let value = checks.front_matter(raw);
    diagnostics.append(&mut checks.errors);
    diagnostics.append(&mut checks.warnings);
    diagnostics.sort_by_key(|d| d.position);
    Parsed { value, diagnostics }
}

/// The diagnostics of the checks of meaning on the front matter without the keys
/// `wrong` (each of the wrong type, and said already): none, when the rest cannot be
/// read. Nothing is said of the keys taken out (a required one is not "missing").
fn checks_without(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    index: &KeyIndex,
    reading: &Reading,
    wrong: &[String],
) -> Vec<Diagnostic> {
    let Ok(serde_yaml::Value::Mapping(mut map)) = serde_yaml::from_str(split.yaml) else {
        return Vec::new();
    };
    map.retain(|key, _| key.as_str().is_none_or(|k| !wrong.iter().any(|w| w == k)));
    let Ok(raw) = serde_yaml::from_value::<RawFrontMatter>(serde_yaml::Value::Mapping(map)) else {
        return Vec::new();
    };
    let mut checks = Checks::new(path, text, split, index, reading);
    checks.front_matter(raw);
    // A key taken out is missing to the checks: what they say of it is not so.
    checks.errors.retain(|d| {
        !wrong.iter().any(|k| {
            d.message == format!("missing required key `{k}`")
                || d.message.starts_with(&format!("{k}: "))
                // `sources:` stands for `source:`.
                || (k == "sources" && d.message == "missing required key `source`")
        })
    });
    checks.errors.append(&mut checks.warnings);
    checks.errors
}

/// A warning for each key serde did not know, with the closest known one.
fn unknown_keys(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    index: &KeyIndex,
    unknown: &[String],
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for key in unknown {
        // serde_ignored writes `?` for an Option level: `source.?.autor`.
        let key = key.replace(".?", "");
        // A key inside a flow mapping (`{ name: X, autor: y }`) is said at its
        // top-level key.
        let top = key.split('.').next().unwrap_or(&key);
        let (line, col) = index
            .key(&key, 0)
            .or_else(|| index.key(top, 0))
            .unwrap_or((split.yaml_line - 1, 1));
        let (what, leaf, known) = match key.split_once('.') {
            Some(("source", leaf)) => ("source key", leaf, SOURCE_KEYS),
            // `sources.0.autor`: a key of one source of the list.
            Some(("sources", item)) => (
                "source key",
                item.rsplit('.').next().unwrap_or(item),
                SOURCE_KEYS,
            ),
            Some(("withdrawn", leaf)) => ("key of `withdrawn`", leaf, corrections::WITHDRAWN_KEYS),
            // `corrections.0.dat`: a key of one correction.
            Some(("corrections", item)) => (
                "correction key",
                item.rsplit('.').next().unwrap_or(item),
                corrections::CORRECTION_KEYS,
            ),
            Some(_) => continue,
            None => ("front matter key", key.as_str(), ARTICLE_KEYS),
        };
        warnings.push(
            Diagnostic::warning(path, format!("unknown {what} `{leaf}`"))
                .at(line, col, text)
                .unknown_key(leaf, known),
        );
    }
    warnings.sort_by_key(|d| d.position);
    warnings
}

/// Checks a link written in front matter: only web links, since a `javascript:` URL
/// would run in readers' browsers. The error is the message.
pub(crate) fn web_url(u: &str) -> Result<(), String> {
    match url::Url::parse(u) {
        Ok(p) if matches!(p.scheme(), "http" | "https") => Ok(()),
        _ => Err(format!("expected an http or https URL, found {u:?}")),
    }
}

/// Where item `n` of the list under `key` is written (bytes of `text`), when the list
/// is written in a way [`KeyIndex`] reads: a profile's `links`.
pub(crate) fn list_item(
    text: &str,
    index: &KeyIndex,
    key: &str,
    n: usize,
) -> Option<std::ops::Range<usize>> {
    advice::list_items(text, index, key).into_iter().nth(n)
}

/// `extra:` as templates get it: an empty mapping when absent. The error is the message.
pub(crate) fn template_value(
    extra: Option<serde_yaml::Value>,
) -> Result<serde_json::Value, String> {
    match extra.map(serde_json::to_value).transpose() {
        Ok(v) => Ok(v.unwrap_or_else(|| serde_json::Value::Object(Default::default()))),
        Err(e) => Err(format!("cannot be passed to templates: {e}")),
    }
}

/// The type error of each key of an article's front matter, found by reading each
/// on its own: `actors: "Putin"` and `tags: 5` both, where serde stops at the first.
fn field_errors(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    index: &KeyIndex,
    zone: Option<crate::model::date::Tz>,
) -> (Vec<Diagnostic>, Vec<String>) {
    use serde_yaml::{from_value, Value};
    let Ok(Value::Mapping(map)) = serde_yaml::from_str::<Value>(split.yaml) else {
        return (Vec::new(), Vec::new());
    };
    let mut wrong = Vec::new();
    let serde = |e: serde_yaml::Error| yaml_errors::without_location(&e);
    let mut errors = Vec::new();
    for (key, value) in map {
        let Some(key) = key.as_str() else { continue };
        if value.is_null() {
            // Left empty: optional keys may be, required ones say so at their line.
            if matches!(key, "title" | "date" | "source") {
                errors.extend(advice::nothing_written(path, text, index, key));
                wrong.push(key.to_string());
            }
            continue;
        }
        let mut help = type_help(key);
        let problem = match key {
            "date" | "expires" | "updated" => match from_value::<String>(value) {
                Ok(d) => Date::parse_in(&d, zone).err().map(|e| {
                    help = Some(advice::date_help(key, &d, &e));
                    e.to_string()
                }),
                Err(e) => Some(serde(e)),
            },
            "title" | "summary" | "slug" | "story" | "image" | "image_alt" | "image_caption"
            | "image_credit" => match from_value::<String>(value) {
                Ok(text) => forbidden_char(&text)
                    .map(|(_, c)| format!("expected text, found {}", describe_forbidden(c))),
                Err(e) => Some(serde(e)),
            },
            "actors" | "tags" | "authors" | "key_points" | "aliases" => {
                if let Some(d) = advice::not_a_list(path, text, index, key, &value) {
                    errors.push(d);
                    wrong.push(key.to_string());
                    continue;
                }
                from_value::<Vec<Option<String>>>(value).err().map(serde)
            }
            "draft" => from_value::<bool>(value).err().map(serde),
            "withdrawn" => from_value::<corrections::RawWithdrawal>(value)
                .err()
                .map(serde),
            "corrections" => from_value::<Vec<corrections::RawCorrection>>(value)
                .err()
                .map(serde),
            "weight" => from_value::<i64>(value.clone()).err().map(|_| {
                let written = serde_yaml::to_string(&value).unwrap_or_default();
                format!("expected a whole number, found `{}`", written.trim())
            }),
            "source" => from_value::<RawSource>(value).err().map(serde),
            "sources" => {
                if let Some(d) = advice::not_a_list(path, text, index, key, &value) {
                    errors.push(d);
                    wrong.push(key.to_string());
                    continue;
                }
                from_value::<Vec<RawSource>>(value).err().map(serde)
            }
            _ => None,
        };
        if let Some(message) = problem {
            wrong.push(key.to_string());
            if let Some(field) = between(&message, "missing field `", "`") {
                // Not a type error: said as `yaml_error` says it, at the key.
                let (line, col) = index.key(key, 0).unwrap_or((split.yaml_line - 1, 1));
                errors.push(
                    Diagnostic::error(path, format!("{key}: missing required key `{field}`"))
                        .at(line, col, text),
                );
                continue;
            }
            let (line, col) = index.value(key).unwrap_or((split.yaml_line - 1, 1));
            errors.push(
                Diagnostic::error(path, format!("{key}: {message}"))
                    .at_value(line, col, text)
                    .with_help(help),
            );
        }
    }
    (errors, wrong)
}

/// How a value of `key` is written, for a value of the wrong type.
fn type_help(key: &str) -> Option<String> {
    match key {
        "actors" | "tags" | "authors" | "key_points" | "aliases" => Some(format!(
            "write a list, one `- item` per line or `{}`",
            example(key)
        )),
        "draft" => Some("write `draft: true` or `draft: false`".into()),
        "withdrawn" => Some(
            "write a mapping: `withdrawn:` with `date: 2017-07-09` and `reason: \"…\"` under it"
                .into(),
        ),
        "corrections" => Some(
            "write a list of corrections, each `- date: 2017-07-07` with `text: \"…\"` under it"
                .into(),
        ),
        "weight" => Some("write a whole number, such as `weight: 1` (smaller comes first)".into()),
        _ => None,
    }
}

/// A line of front matter giving `key` a value, as the help shows it.
fn example(key: &str) -> &'static str {
    match key {
        "title" => "title: \"Talks resume in Geneva\"",
        "date" => "date: 2017-07-06",
        "source" => "source: Reuters",
        "source.name" => "name: Reuters",
        "sources" => "sources: [Reuters, AP]",
        "actors" => "actors: [Vladimir Putin, Rex Tillerson]",
        "tags" => "tags: [syria, ceasefire]",
        "authors" => "authors: [Jane Doe, John Roe]",
        "key_points" => "key_points: [\"First point\", \"Second point\"]",
        "aliases" => "aliases: [articles/old-slug/, 2017/07/06/old.html]",
        _ => "key: value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<FrontMatter>, Vec<String>) {
        let path = Path::new("a.md");
        match split(path, text) {
            Ok(s) => {
                let p = parse_article(path, text, &s, &Reading::default());
                (
                    p.value,
                    p.diagnostics
                        .iter()
                        .map(|d| d.to_string().lines().next().unwrap().to_string())
                        .collect(),
                )
            }
            Err(d) => (
                None,
                vec![d.to_string().lines().next().unwrap().to_string()],
            ),
        }
    }

    #[test]
    fn split_finds_yaml_and_body_lines() {
        let text = "---\ntitle: x\n---\nBody\n";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!((s.yaml_line, s.body_line), (2, 4));
        assert_eq!(s.body, "Body\n");
    }

    #[test]
    fn split_accepts_a_fence_at_end_of_file() {
        let s = split(Path::new("a.md"), "---\ntitle: x\n---").unwrap();
        assert_eq!((s.yaml, s.body), ("title: x\n", ""));
    }

    #[test]
    fn split_refuses_unclosed_and_missing_front_matter() {
        let e = split(Path::new("a.md"), "---\ntitle: x\n").unwrap_err();
        assert!(e.message.contains("never closed"));
        let e = split(Path::new("a.md"), "").unwrap_err();
        assert!(e.message.starts_with("empty file"));
        let e = split(Path::new("a.md"), "+++\ntitle = 'x'\n+++\n").unwrap_err();
        assert!(e
            .message
            .contains("TOML front matter (`+++`) is not supported"));
        let e = split(Path::new("a.md"), "# Title\n").unwrap_err();
        assert!(e.message.starts_with("expected front matter"));
    }

    #[test]
    fn key_index_maps_nested_keys_to_file_lines() {
        let idx = KeyIndex::new("title: x\nsource:\n  name: RFE\n  url: y\n", 2);
        assert_eq!(idx.value("title"), Some((2, 8)));
        assert_eq!(idx.value("source"), Some((3, 1)));
        assert_eq!(idx.value("source.name"), Some((4, 9)));
        assert_eq!(idx.key("source.url", 0), Some((5, 3)));
    }

    #[test]
    fn a_tab_after_the_colon_still_marks_a_key() {
        let idx = KeyIndex::new("title: x\ndate:\t\tJuly 6\n", 2);
        assert_eq!(idx.value("date"), Some((3, 8)));
        let (_, diags) = parse("---\ntitle: x\ndate:\t\tJuly 6\nsource: {name: x}\n---\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].starts_with("error: a.md:3:8: date: "), "{diags:?}");
    }

    #[test]
    fn parses_every_field() {
        let text = "---\ntitle: \"US offers Russia\"\ndate: 2017-07-06\nsource:\n  name: RFE/RL\n  url: https://x.org/a\n  published: 2017-07-05\nactors: [' Rex Tillerson ']\ntags: [syria]\nslug: No Fly\ndraft: true\nkey_points: [a, b]\nextra: {k: 1}\n---\nBody";
        let (fm, diags) = parse(text);
        assert!(diags.is_empty(), "{diags:?}");
        let fm = fm.unwrap();
        assert_eq!(fm.title, "US offers Russia");
        assert_eq!(fm.source().name, "RFE/RL");
        assert_eq!(
            fm.source().published.unwrap().day().to_string(),
            "2017-07-05"
        );
        assert_eq!(fm.actors, vec!["Rex Tillerson"]);
        assert_eq!(fm.slug.as_deref(), Some("no-fly"));
        assert!(fm.draft);
        assert_eq!(fm.extra["k"], 1);
    }

    #[test]
    fn bad_date_points_at_the_value() {
        let (fm, diags) = parse("---\ntitle: x\nsource: RFE\ndate:   July 6\n---\n");
        assert!(fm.is_none());
        assert_eq!(
            diags,
            vec![r#"error: a.md:4:9: date: expected YYYY-MM-DD or RFC 3339, found "July 6""#]
        );
    }

    #[test]
    fn wrong_type_points_into_the_file() {
        let (_, diags) =
            parse("---\ntitle: x\ndate: 2017-07-06\nsource: RFE\nactors: Putin\n---\n");
        assert_eq!(
            diags,
            vec!["error: a.md:5:9: actors: expected a list, found text"]
        );
    }

    #[test]
    fn sources_not_a_list_is_one_error_and_no_missing_source() {
        let (_, diags) = parse("---\ntitle: x\ndate: 2017-07-06\nsources: Reuters\n---\n");
        assert_eq!(
            diags,
            vec!["error: a.md:4:10: sources: expected a list, found text"]
        );
    }

    #[test]
    fn missing_and_duplicate_keys() {
        let (_, diags) = parse("---\ndate: 2017-07-06\nsource: RFE\n---\n");
        assert_eq!(diags, vec!["error: a.md:1:1: missing required key `title`"]);
        let (_, diags) = parse("---\n---\n");
        assert_eq!(
            diags,
            vec![
                "error: a.md:1:1: missing required key `title`",
                "error: a.md:1:1: missing required key `date`",
                "error: a.md:1:1: missing required key `source`",
            ]
        );
        let (_, diags) =
            parse("---\ntitle: x\ndate: 2017-07-06\nsource:\n  name: a\n  name: b\n---\n");
        assert_eq!(diags, vec!["error: a.md:6:3: `source.name` is given twice"]);
        let (_, diags) = parse("---\ntitle: a\ntitle: b\n---\n");
        assert_eq!(diags, vec!["error: a.md:3:1: `title` is given twice"]);
    }

    #[test]
    fn unknown_keys_warn_with_a_suggestion() {
        let (fm, diags) = parse("---\ntitle: x\ndate: 2017-07-06\nsource:\n  name: RFE\n  autor: Bob\nactor: [x]\n---\n");
        assert!(fm.is_some());
        assert_eq!(
            diags,
            vec![
                "warning: a.md:6:3: unknown source key `autor`",
                "warning: a.md:7:1: unknown front matter key `actor`",
            ]
        );
    }

    #[test]
    fn nested_missing_key_points_at_its_parent() {
        let (_, diags) = parse("---\ntitle: x\ndate: 2017-07-06\nsource:\n  url: y\n---\n");
        assert_eq!(
            diags,
            vec![
                "error: a.md:4:1: source: missing required key `name`",
                r#"error: a.md:5:8: source.url: expected an http or https URL, found "y""#,
            ]
        );
    }

    #[test]
    fn syntax_errors_count_lines_from_the_top_of_the_file() {
        let (_, diags) = parse("---\ntitle: x\nfoo\n---\n");
        assert_eq!(diags, vec!["error: a.md:4:1: could not find expected ':', while scanning a simple key at line 3 column 1"]);
    }

    /// Regression: `title: #1 priority` gave "missing title" at 1:1 and "empty
    /// string" at 2:1, two errors that contradict each other.
    #[test]
    fn a_value_that_is_all_comment_is_one_error_at_its_key() {
        let (_, diags) = parse("---\ntitle: #1 priority\ndate: 2017-07-06\nsource: s\n---\n");
        assert_eq!(
            diags,
            ["error: a.md:2:8: title: `#` starts a comment, so the title is empty"]
        );
        let (_, diags) = parse("---\ntitle: x\ndate: 2017-07-06\nsource:\n---\n");
        assert_eq!(
            diags,
            ["error: a.md:4:1: source: expected the outlet's name, found nothing"]
        );
        // Also beside a value of the wrong type, which reads each key on its own.
        let (_, diags) =
            parse("---\ntitle:\ndate: 2017-07-06\nsource: s\nsummary:\ntags: 5\n---\n");
        assert_eq!(
            diags,
            [
                "error: a.md:2:1: title: expected a headline, found nothing",
                "error: a.md:6:7: tags: expected a list, found a number",
            ]
        );
    }

    /// Regression: `tags: [null, ~]` made pages titled "null" and "~".
    #[test]
    fn empty_names_are_refused_at_the_item() {
        let (fm, diags) = parse("---\ntitle: x\ndate: 2017-07-06\nsource: s\ntags: [null, \"null\", ~, '']\nactors:\n  - Putin\n  -\n---\n");
        assert!(fm.is_none());
        assert_eq!(
            diags,
            [
                "error: a.md:5:8: tags: `null` means no value, so this tag is empty",
                "error: a.md:5:22: tags: `~` means no value, so this tag is empty",
                "error: a.md:5:25: tags: this tag is empty",
                "error: a.md:8:4: actors: this actor is empty",
            ]
        );
        let (fm, _) = parse("---\ntitle: x\ndate: 2017-07-06\nsource: s\ntags: [\"null\"]\n---\n");
        assert_eq!(fm.unwrap().tags, ["null"]);
    }

    #[test]
    fn source_urls_must_be_web_links() {
        let (fm, diags) = parse("---\ntitle: x\ndate: 2017-07-06\nsource:\n  name: X\n  url: javascript:alert(1)\n---\n");
        assert!(fm.is_none());
        assert_eq!(
            diags,
            vec![
                r#"error: a.md:6:8: source.url: expected an http or https URL, found "javascript:alert(1)""#
            ]
        );
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9u8 {
            let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
            yaml.push_str(&format!(
                "{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            ));
        }
        let text = format!(
            "---\ntitle: x\ndate: 2017-07-06\nsource: s\nextra:\n  {}\n---\n",
            yaml.replace('\n', "\n  ")
        );
        let (_, diags) = parse(&text);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].ends_with(
                "YAML anchors and aliases expand to too much data (repetition limit exceeded)"
            ),
            "{diags:?}"
        );
    }

    #[test]
    fn user_text_that_looks_like_a_position_is_left_alone() {
        let (_, diags) = parse("---\ntitle: x\ndate: 2017-07-06\nsource: s\ndraft: line 2\n---\n");
        assert_eq!(
            diags,
            vec![r#"error: a.md:5:8: draft: invalid type: string "line 2", expected a boolean"#]
        );
    }

    #[test]
    fn outlets_may_be_numbers() {
        let (fm, _) = parse("---\ntitle: 1984\ndate: 2017-07-06\nsource: 1843\n---\n");
        assert_eq!(fm.unwrap().source().name, "1843");
    }

    #[test]
    fn not_a_mapping() {
        let (_, diags) = parse("---\n- a\n- b\n---\n");
        assert_eq!(diags, vec!["error: a.md:1:1: expected front matter to be a mapping of keys to values (`title: ...`), found sequence"]);
    }

    #[test]
    fn sources_are_a_list_whose_first_is_primary_and_each_item_is_checked_where_written() {
        let (fm, diags) = parse(
            "---\ntitle: x\ndate: 2017-07-06\nsources:\n  - RFE/RL\n  - name: Reuters\n    url: https://r.example/\n---\n",
        );
        assert_eq!(diags, Vec::<String>::new());
        let fm = fm.unwrap();
        assert_eq!(fm.source().name, "RFE/RL");
        assert_eq!(fm.sources[1].url.as_deref(), Some("https://r.example/"));
        // The second item, after a bare name, is item 1: its errors are at its lines.
        let (_, diags) = parse(
            "---\ntitle: x\ndate: 2017-07-06\nsources:\n  - AP\n  - name: Reuters\n    url: ftp://r.example/\n  - url: https://x.example/\n---\n",
        );
        assert_eq!(
            diags,
            [
                "error: a.md:7:10: source 2, url: expected an http or https URL, found \"ftp://r.example/\"",
                "error: a.md:8:5: sources: missing required key `name`",
            ]
        );
    }
}
