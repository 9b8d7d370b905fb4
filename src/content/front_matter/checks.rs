//! The second step of reading front matter: giving the values serde accepted their
//! meaning (dates, slugs, non-empty names, characters a page cannot show), each error
//! at the line and column of its value.

use super::{
    advice, example, template_value, yaml_strings, KeyIndex, RawFrontMatter, RawSource, Split,
    MAX_SLUG,
};
use crate::content::article::Reading;
use crate::diagnostics::Diagnostic;
use crate::model::article::{FrontMatter, WrittenImage};
use crate::model::date::Date;
use crate::model::slug::{slugify, term_slug};
use crate::text::{describe_forbidden, forbidden_char};
use std::collections::BTreeSet;
use std::path::Path;

mod sources;

/// The keys whose values are names made into URLs.
const NAMED: &[&str] = &[
    "actors",
    "tags",
    "authors",
    "source",
    "source.name",
    "sources",
    "story",
    "slug",
];

/// The most actors, tags or authors one article may name: far more than a briefing
/// names, far fewer than make its pages grow without bound.
pub const MOST_NAMES: usize = 100;

/// Checks one file's front matter, gathering every error.
pub(super) struct Checks<'a> {
    path: &'a Path,
    text: &'a str,
    index: &'a KeyIndex,
    /// The line of the opening `---`, where a missing key is reported.
    fence: usize,
    /// Every error found, in the order checked.
    pub errors: Vec<Diagnostic>,
    /// What of site.toml reading depends on: the time zone dates are read in, the
    /// base URL aliases are below.
    reading: &'a Reading,
    /// Warnings: what is allowed but likely a mistake.
    pub warnings: Vec<Diagnostic>,
}

impl<'a> Checks<'a> {
    pub(super) fn new(
        path: &'a Path,
        text: &'a str,
        split: &Split<'_>,
        index: &'a KeyIndex,
        reading: &'a Reading,
    ) -> Checks<'a> {
        Checks {
            path,
            text,
            index,
            fence: split.yaml_line - 1,
            errors: Vec::new(),
            reading,
            warnings: Vec::new(),
        }
    }

    /// The typed front matter, or `None` when any check failed (each is in `errors`).
    pub(super) fn front_matter(&mut self, raw: RawFrontMatter) -> Option<FrontMatter> {
        for (key, absent) in [
            ("title", raw.title.is_none()),
            ("date", raw.date.is_none()),
            ("source", raw.source.is_none() && raw.sources.is_none()),
        ] {
            if absent {
                self.missing(key);
            }
        }
        self.strings(&raw);
        for (key, list) in [
            ("actors", &raw.actors),
            ("tags", &raw.tags),
            ("authors", &raw.authors),
            ("key_points", &raw.key_points),
            ("aliases", &raw.aliases),
        ] {
            self.empty_items(key, list.as_deref().unwrap_or_default());
        }
        let image = self.image(&raw);
        let title = self.title(raw.title.as_deref());
        let date = raw.date.and_then(|d| self.date("date", &d));
        let expires = raw.expires.and_then(|d| self.date("expires", &d));
        let updated = raw.updated.and_then(|d| self.date("updated", &d));
        let corrections = self.corrections(raw.corrections.unwrap_or_default(), date);
        let aliases = self.aliases(raw.aliases.as_deref().unwrap_or_default());
        let withdrawn = raw.withdrawn.and_then(|w| self.withdrawal(w, date));
        if let (Some(date), Some(updated)) = (date, updated) {
            if updated.is_before(&date) {
                self.error_with_help(
                    "updated",
                    format!(
                        "{} is before the article's date, {}",
                        updated.as_written(),
                        date.as_written()
                    ),
                    Some("an update comes after the article: give its date and time, such as `updated: 2017-07-07T09:30:00+02:00`".into()),
                );
            }
        }
        if let (Some(date), Some(expires)) = (date, expires) {
            if expires.at <= date.at {
                self.error_with_help(
                    "expires",
                    format!(
                        "{} is not after the article's date, {}: it would never be published",
                        expires.as_written(),
                        date.as_written()
                    ),
                    Some("give a later date, or remove the line".into()),
                );
            }
        }
        let sources = self.sources(raw.source, raw.sources);
        let slug = raw.slug.map(|s| self.slug(&s));
        let story = raw.story.map(|s| s.trim().to_string());
        if story.as_deref() == Some("") {
            self.error_with_help(
                "story",
                "expected the story's name, found an empty string".into(),
                Some(
                    "name the running story, such as `story: Syria ceasefire`, or remove the line"
                        .into(),
                ),
            );
        }
        let extra = template_value(raw.extra).unwrap_or_else(|message| {
            self.error("extra", message);
            serde_json::Value::Null
        });
        if !self.errors.is_empty() {
            return None;
        }
        Some(FrontMatter {
            title,
            date: date?,
            sources: sources?,
            actors: names(raw.actors),
            tags: names(raw.tags),
            story,
            authors: raw.authors.map(|a| names(Some(a))),
            summary: raw
                .summary
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            draft: raw.draft.unwrap_or(false),
            expires,
            updated,
            weight: raw.weight,
            corrections,
            aliases,
            withdrawn: withdrawn.map(Box::new),
            image: image.map(Box::new),
            key_points: names(raw.key_points),
            slug,
            extra,
        })
    }

    /// An error in the value of `key`, underlined.
    fn error(&mut self, key: &str, message: String) {
        self.error_with_help(key, message, None);
    }

    pub(super) fn error_with_help(&mut self, key: &str, message: String, help: Option<String>) {
        // An item of `sources:` written as a bare name has no key of its own.
        let (line, col) = self
            .index
            .value(key)
            .or_else(|| {
                key.starts_with("sources.")
                    .then(|| self.index.value("sources"))
                    .flatten()
            })
            .unwrap_or((self.fence, 1));
        // `corrections.0.date` is said as an editor counts: `correction 1, date`; so is
        // `sources.1.url`: `source 2, url`.
        let item = [("corrections.", "correction"), ("sources.", "source")]
            .into_iter()
            .find_map(|(prefix, noun)| Some((noun, key.strip_prefix(prefix)?.split_once('.')?)));
        let shown = match item {
            Some((noun, (n, leaf))) => match n.parse::<usize>() {
                Ok(n) => format!("{noun} {}, {leaf}", n + 1),
                Err(_) => key.to_string(),
            },
            None => key.to_string(),
        };
        self.errors.push(
            Diagnostic::error(self.path, format!("{shown}: {message}"))
                .at_value(line, col, self.text)
                .with_help(help),
        );
    }

    /// An error about item `n` of `corrections:` as a whole (a key it lacks), at the
    /// line of a key it has, else at `corrections:`.
    pub(super) fn item_error(&mut self, n: usize, missing: &str, message: String) {
        let (line, col) = ["date", "text"]
            .iter()
            .find_map(|k| self.index.key(&format!("corrections.{n}.{k}"), 0))
            .or_else(|| self.index.key("corrections", 0))
            .unwrap_or((self.fence, 1));
        let example = match missing {
            "date" => "date: 2017-07-07",
            _ => "text: \"An earlier version said … It was …\"",
        };
        self.errors.push(
            Diagnostic::error(self.path, message)
                .at(line, col, self.text)
                .help(format!("add `{example}` to it")),
        );
    }

    /// A required key that is not there, reported at the opening `---`; or written
    /// with nothing after it, reported at its line.
    fn missing(&mut self, key: &str) {
        if let Some(d) = advice::nothing_written(self.path, self.text, self.index, key) {
            self.errors.push(d);
            return;
        }
        self.errors.push(
            Diagnostic::error(self.path, format!("missing required key `{key}`"))
                .at(self.fence, 1, self.text)
                .help(format!(
                    "add a line `{}` between the `---` lines",
                    example(key)
                )),
        );
    }

    /// What a YAML escape (`"\x01"`) can put into any string, and names too long for
    /// a URL: one error per key.
    fn strings(&mut self, raw: &RawFrontMatter) {
        let mut strings: Vec<(&str, &str)> = Vec::new();
        for (key, value) in [
            ("title", &raw.title),
            ("date", &raw.date),
            ("expires", &raw.expires),
            ("updated", &raw.updated),
            ("summary", &raw.summary),
            ("slug", &raw.slug),
            ("story", &raw.story),
            ("image", &raw.image),
            ("image_alt", &raw.image_alt),
            ("image_caption", &raw.image_caption),
            ("image_credit", &raw.image_credit),
        ] {
            strings.extend(value.as_deref().map(|v| (key, v)));
        }
        for (key, values) in [
            ("actors", &raw.actors),
            ("tags", &raw.tags),
            ("authors", &raw.authors),
            ("key_points", &raw.key_points),
            ("aliases", &raw.aliases),
        ] {
            strings.extend(values.iter().flatten().flatten().map(|v| (key, v.as_str())));
        }
        match &raw.source {
            Some(RawSource::Name(name)) => strings.push(("source", name)),
            Some(RawSource::Full(map)) => {
                for (key, value) in [
                    ("source.name", &map.name),
                    ("source.url", &map.url),
                    ("source.author", &map.author),
                    ("source.published", &map.published),
                ] {
                    strings.extend(value.as_deref().map(|v| (key, v)));
                }
            }
            None => {}
        }
        // Each item of `sources:` is said at the list's key.
        for item in raw.sources.iter().flatten() {
            match item {
                RawSource::Name(name) => strings.push(("sources", name)),
                RawSource::Full(map) => {
                    for value in [&map.name, &map.url, &map.author, &map.published] {
                        strings.extend(value.as_deref().map(|v| ("sources", v)));
                    }
                }
            }
        }
        for c in raw.corrections.iter().flatten() {
            strings.extend(c.text.as_deref().map(|v| ("corrections", v)));
            strings.extend(c.date.as_deref().map(|v| ("corrections", v)));
        }
        let mut extra = Vec::new();
        if let Some(v) = &raw.extra {
            yaml_strings(v, &mut extra);
        }
        strings.extend(extra.iter().map(|v| ("extra", v.as_str())));
        let mut reported = BTreeSet::new();
        for (key, value) in strings {
            let problem = match forbidden_char(value) {
                Some((_, c)) => Some(format!("expected text, found {}", describe_forbidden(c))),
                None if NAMED.contains(&key) => too_long(value),
                None => None,
            };
            if let Some(message) = problem {
                if reported.insert(key) {
                    self.error(key, message);
                }
            }
        }
        // Each actor's page lists every actor named beside it, and every card its
        // actors: names by the thousand made output grow with their square (5,000
        // actors wrote 2.2 GB).
        for (key, list) in [
            ("actors", &raw.actors),
            ("tags", &raw.tags),
            ("authors", &raw.authors),
        ] {
            let count = list.as_ref().map_or(0, Vec::len);
            if count > MOST_NAMES {
                self.error(
                    key,
                    format!("{count} {key} named; an article may name at most {MOST_NAMES}"),
                );
            }
        }
        if let Some(s) = raw.slug.as_deref().filter(|s| s.contains(['/', '\\'])) {
            self.error(
                "slug",
                format!("expected one part of a URL (letters, digits, `-`), found {s:?}"),
            );
        }
    }

    /// The headline, trimmed; quoted but empty is an error (absent or left empty is
    /// `missing`).
    fn title(&mut self, title: Option<&str>) -> String {
        let title = title.map(str::trim);
        if title == Some("") {
            self.error("title", "expected a headline, found an empty string".into());
        }
        title.unwrap_or_default().to_string()
    }

    pub(super) fn date(&mut self, key: &str, text: &str) -> Option<Date> {
        Date::parse_in(text, self.reading.zone)
            .map_err(|e| {
                let help = advice::date_help(key, text, &e);
                self.error_with_help(key, e.to_string(), Some(help));
            })
            .ok()
    }

    /// An error at each empty item of the list under `key`: a page titled "~" is no
    /// actor's.
    fn empty_items(&mut self, key: &str, list: &[Option<String>]) {
        let empty: Vec<bool> = list
            .iter()
            .map(|item| item.as_deref().is_none_or(|s| s.trim().is_empty()))
            .collect();
        if empty.contains(&true) {
            self.errors.extend(advice::empty_items(
                self.path, self.text, self.index, key, &empty,
            ));
        }
    }

    /// `aliases:`, each an old site-relative URL made the path it is served at:
    /// `articles/old/` (a folder: its `index.html`), `2017/07/06/old.html` (a file). A
    /// URL of another host, a query, a fragment, `..` or a space is an error at its key.
    fn aliases(&mut self, written: &[Option<String>]) -> Vec<String> {
        let mut aliases = Vec::with_capacity(written.len());
        for (n, alias) in written.iter().enumerate() {
            let Some(alias) = alias else { continue };
            match super::aliases::alias_path(alias) {
                Ok(path) => {
                    self.below_base(n, alias, &path);
                    if !aliases.contains(&path) {
                        aliases.push(path);
                    }
                }
                Err(not) => {
                    let message = format!("aliases: {alias:?}: {}", not.why);
                    let d = Diagnostic::error(self.path, message);
                    // At the item itself, whether the list is in brackets or on lines.
                    let d = match super::aliases::item(self.text, self.index, n) {
                        Some(range) => d.at_range(range, self.text),
                        None => {
                            let (line, col) =
                                self.index.value("aliases").unwrap_or((self.fence, 1));
                            d.at_value(line, col, self.text)
                        }
                    };
                    let help = self.on_this_site(alias).unwrap_or(not.help);
                    self.errors.push(d.help(help));
                }
            }
        }
        aliases
    }

    /// For an alias written as a full URL of this site (`https://example.org/desk/
    /// articles/old/` on a site at `https://example.org/desk/`), the help: the same
    /// address below base_url (`articles/old/`).
    fn on_this_site(&self, written: &str) -> Option<String> {
        let base = url::Url::parse(&self.reading.base_url).ok()?;
        let url = url::Url::parse(written.trim()).ok()?;
        if url.host_str() != base.host_str() {
            return None;
        }
        let rest = url
            .path()
            .strip_prefix(base.path().trim_end_matches('/'))?
            .trim_start_matches('/');
        Some(match rest {
            "" => "remove it: the home page's address never changes".into(),
            rest => format!(
                "aliases are addresses below base_url ({}/): write `{rest}`",
                self.reading.base_url
            ),
        })
    }

    /// A warning for alias `n`, made `path`, when it starts with `base_url`'s path:
    /// aliases are below it already, so `/desk/articles/old/` on a site at
    /// `https://example.org/desk/` would be served at `/desk/desk/articles/old/`.
    fn below_base(&mut self, n: usize, written: &str, path: &str) {
        let base = url::Url::parse(&self.reading.base_url)
            .map(|u| u.path().trim_matches('/').to_string())
            .unwrap_or_default();
        let Some(rest) = path
            .strip_prefix(base.as_str())
            .and_then(|r| r.strip_prefix('/'))
            .filter(|r| !base.is_empty() && !r.is_empty())
        else {
            return;
        };
        let message = format!(
            "aliases: {written:?} starts with `/{base}/`, base_url's path: it would be served at /{base}/{path}"
        );
        let d = Diagnostic::warning(self.path, message);
        let d = match super::aliases::item(self.text, self.index, n) {
            Some(range) => d.at_range(range, self.text),
            None => d,
        };
        self.warnings.push(d.help(format!(
            "aliases are addresses below base_url ({}/): write `{rest}`",
            self.reading.base_url
        )));
    }

    /// `image:` with what is said of it: an image needs its `image_alt`, and the
    /// other keys need an image. The file is found when the article is read.
    fn image(&mut self, raw: &RawFrontMatter) -> Option<WrittenImage> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(|s| super::super::markdown::smart_punctuation(s.trim()))
                .filter(|s| !s.is_empty())
        };
        let Some(path) = raw.image.as_deref().map(str::trim) else {
            for (key, value) in [
                ("image_alt", &raw.image_alt),
                ("image_caption", &raw.image_caption),
                ("image_credit", &raw.image_credit),
            ] {
                if value.is_some() {
                    self.error_with_help(
                        key,
                        "there is no `image:` for it to describe".into(),
                        Some("add the image, `image: map.png` (in the article's folder or static/), or remove this line".into()),
                    );
                }
            }
            return None;
        };
        let Some(alt) = raw.image_alt.as_deref() else {
            self.error_with_help(
                "image",
                "an image needs its `image_alt`, what it shows for readers who cannot see it".into(),
                Some("add `image_alt: \"Map of the ceasefire zone in southwest Syria\"` (or `image_alt: \"\"` for an image that only decorates)".into()),
            );
            return None;
        };
        Some(WrittenImage {
            path: path.to_string(),
            alt: super::super::markdown::smart_punctuation(alt.trim()),
            caption: text(&raw.image_caption),
            credit: text(&raw.image_credit),
        })
    }

    /// `slug:` as it goes into the URL.
    fn slug(&mut self, written: &str) -> String {
        let slug = slugify(written);
        if slug.is_empty() {
            self.error(
                "slug",
                format!("expected letters or digits for the URL, found {written:?}"),
            );
        }
        slug
    }
}

/// A name whose URL would be longer than a folder name may be: the message.
fn too_long(name: &str) -> Option<String> {
    let slug = term_slug(name);
    (slug.len() > MAX_SLUG).then(|| {
        format!(
            "a name of {} characters makes a URL of {} (at most {MAX_SLUG}): shorten it",
            name.chars().count(),
            slug.len()
        )
    })
}

/// A list of names, trimmed (empty ones are errors, in [`Checks::empty_items`]).
fn names(list: Option<Vec<Option<String>>>) -> Vec<String> {
    list.unwrap_or_default()
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_string())
        .collect()
}
