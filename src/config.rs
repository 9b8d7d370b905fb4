//! Configuration: `site.toml` → [`Config`], with defaults, validation, and "did you mean"
//! for unknown keys.
//!
//! Type errors come from serde with a byte span, which we turn into line and column.
//! Unknown keys are collected by serde_ignored and become warnings, never silently
//! dropped; the line of each is found by a scan of `key =` lines per `[table]`.

mod editions;
mod images;

pub use editions::{Editions, Mailbox, DEFAULT_SUBJECT};
pub use images::{Images, DEFAULT_WIDTHS};

use crate::diagnostics::Diagnostic;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod feeds;
mod previews;
pub use feeds::{FeedFormat, Feeds};
use feeds::{RawFeeds, FEED_KEYS};
use previews::NEWS_KEYS;
pub use previews::{News, Previews};

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.toml";

const TOP_KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "output_dir",
    "paginate_by",
    "feed_limit",
    "strict",
    "timezone",
    "default_author",
    "force_redirects",
    "default_image",
    "default_image_alt",
    "logo",
    "news",
    "extra",
    "annotations",
    "feeds",
    "editions",
    "images",
];
const ANNOTATION_KEYS: &[&str] = &["kinds", "autolink", "callouts"];
const CALLOUT_KEYS: &[&str] = &["note", "tip", "important", "warning", "caution"];

/// The site's configuration, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's name, shown in the masthead.
    pub title: String,
    /// The absolute URL the site is deployed at, without a trailing slash.
    pub base_url: String,
    /// A line about the site.
    pub description: Option<String>,
    /// The language of the content (`lang` attribute), default `en`.
    pub language: String,
    /// Where `build` writes, relative to the site root unless absolute.
    pub output_dir: PathBuf,
    /// List pages split into pages of this many articles.
    pub paginate_by: Option<usize>,
    /// Entries in each feed, in every format, newest first (default 20).
    pub feed_limit: usize,
    /// Every warning is an error in `build` and `check` (`--strict`).
    pub strict: bool,
    /// The IANA time zone dates without an offset are read in, and whose days group
    /// articles; `None` reads days as written and needs an offset with a time.
    pub timezone: Option<chrono_tz::Tz>,
    /// The author of an article without `authors:`.
    pub default_author: Option<String>,
    /// `_redirects` rules are forced (`301!`), for Netlify (Cloudflare Pages refuses it).
    pub force_redirects: bool,
    /// Free-form values passed to templates as `site.extra`.
    pub extra: serde_json::Value,
    /// The `[annotations]` table.
    pub annotations: Annotations,
    /// `default_image` and `logo`, found in `static/` when the site is loaded.
    pub previews: Previews,
    /// The `[news]` table.
    pub news: News,
    /// The `[feeds]` table.
    pub feeds: Feeds,
    /// The `[editions]` table: each day's edition as email.
    pub editions: Editions,
    /// The `[images]` table: the widths raster images are resized to.
    pub images: Images,
}

/// The `[annotations]` table: note kinds, autolinking, callout titles.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Annotations {
    /// A note's kind is its label's first word when it is one of these.
    pub kinds: Vec<String>,
    /// Link the first plain mention of each actor named in the front matter.
    pub autolink: bool,
    /// Titles of GitHub-style alerts.
    pub callouts: Callouts,
}

/// Titles of the five GitHub-style alerts.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Callouts {
    /// `[!NOTE]`
    pub note: String,
    /// `[!TIP]`
    pub tip: String,
    /// `[!IMPORTANT]`
    pub important: String,
    /// `[!WARNING]`
    pub warning: String,
    /// `[!CAUTION]`
    pub caution: String,
}

impl Default for Annotations {
    fn default() -> Self {
        Annotations {
            kinds: ["context", "analysis", "fact-check", "quote", "background"]
                .map(String::from)
                .to_vec(),
            autolink: true,
            callouts: Callouts::default(),
        }
    }
}

impl Default for Callouts {
    fn default() -> Self {
        Callouts {
            note: "Context".into(),
            tip: "Why it matters".into(),
            important: "Key point".into(),
            warning: "Disputed".into(),
            caution: "Unverified".into(),
        }
    }
}

#[derive(Deserialize)]
struct RawConfig {
    title: String,
    base_url: String,
    description: Option<String>,
    language: Option<String>,
    output_dir: Option<PathBuf>,
    paginate_by: Option<i64>,
    feed_limit: Option<i64>,
    #[serde(default)]
    strict: bool,
    timezone: Option<String>,
    default_author: Option<String>,
    #[serde(default)]
    force_redirects: bool,
    #[serde(default)]
    extra: Option<toml::Table>,
    #[serde(default)]
    annotations: Annotations,
    default_image: Option<String>,
    default_image_alt: Option<String>,
    logo: Option<String>,
    #[serde(default)]
    news: News,
    #[serde(default)]
    feeds: RawFeeds,
    editions: Option<editions::RawEditions>,
    images: Option<images::RawImages>,
}

/// A loaded configuration and the warnings it produced.
#[derive(Debug)]
pub struct Loaded {
    /// The configuration.
    pub config: Config,
    /// Unknown keys and other non-fatal problems.
    pub warnings: Vec<Diagnostic>,
    /// `default_image`, `default_image_alt` and `logo` as written, found by [`load`]
    /// (which has the site's folder), not by [`parse`].
    images: [Option<String>; 3],
}

/// Reads and validates `<root>/site.toml`.
pub fn load(root: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    if !root.is_dir() {
        let what = if root.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(vec![Diagnostic::general(format!(
            "--root {}: {what}; expected the site's folder, the one that holds {CONFIG_FILE}",
            root.display()
        ))]);
    }
    // Only a regular file is read: opening a FIFO would wait for a writer forever.
    if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(vec![Diagnostic::error(
            CONFIG_FILE,
            "not a regular file (a folder, FIFO, device or socket); expected the site's settings in a text file",
        )]);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        let message = if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "no {CONFIG_FILE} in {}: is this a briefing site? Run briefing in the site's folder, or pass --root",
                root.display()
            )
        } else {
            format!("cannot read {CONFIG_FILE}: {e}")
        };
        vec![Diagnostic::general(message)]
    })?;
    let mut loaded = parse(&text)?;
    let [image, alt, logo] = std::mem::take(&mut loaded.images);
    loaded.config.previews = previews::find(
        root,
        &text,
        image.as_deref(),
        alt.as_deref(),
        logo.as_deref(),
    )?;
    Ok(loaded)
}

/// Every string in a TOML value, with its dotted key (the key of the array for an
/// array's strings).
fn toml_strings(key: &str, value: &toml::Value, out: &mut Vec<(String, String)>) {
    match value {
        toml::Value::String(s) => out.push((key.to_string(), s.clone())),
        toml::Value::Array(items) => items.iter().for_each(|v| toml_strings(key, v, out)),
        toml::Value::Table(table) => {
            for (k, v) in table {
                let key = if key.is_empty() {
                    k.clone()
                } else {
                    format!("{key}.{k}")
                };
                toml_strings(&key, v, out);
            }
        }
        _ => {}
    }
}

/// The time zone of a site.toml that has errors, so that articles are read as they
/// will be once it is fixed: the zone it names, or UTC for a name that is none (its
/// error is the one to see, not one for each time written without an offset).
pub fn zone_despite_errors(root: &Path) -> Option<chrono_tz::Tz> {
    let path = root.join(CONFIG_FILE);
    // As `load` does: a FIFO would wait for a writer forever.
    if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = text.parse().ok()?;
    let name = table.get("timezone")?.as_str()?;
    Some(name.trim().parse().unwrap_or(chrono_tz::UTC))
}

/// Parses the text of a `site.toml`.
pub fn parse(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let file = Path::new(CONFIG_FILE);
    let mut unknown = Vec::new();
    let de = toml::Deserializer::parse(text).map_err(|e| vec![toml_error(text, &e)])?;
    let raw: RawConfig = serde_ignored::deserialize(de, |p| unknown.push(p.to_string()))
        .map_err(|e| vec![toml_error(text, &e)])?;

    let keys = scan_keys(text);
    let locate = |key: &str| keys.get(key).map_or((1, 1), |k| (k.0, k.1));
    let locate_value = |key: &str| keys.get(key).map_or((1, 1), |k| (k.0, k.2));
    let mut warnings = Vec::new();
    for key in unknown {
        let (parent, leaf) = key.rsplit_once('.').unwrap_or(("", &key));
        let (what, known) = match parent {
            "" => ("key", TOP_KEYS),
            "annotations" => ("key in [annotations]", ANNOTATION_KEYS),
            "annotations.callouts" => ("callout", CALLOUT_KEYS),
            "news" => ("key in [news]", NEWS_KEYS),
            "feeds" => ("key in [feeds]", FEED_KEYS),
            "editions" => ("key in [editions]", editions::EDITION_KEYS),
            "images" => ("key in [images]", images::IMAGE_KEYS),
            _ => ("key", &[][..]),
        };
        let (line, col) = locate(&key);
        warnings.push(
            Diagnostic::warning(file, format!("unknown {what} `{leaf}`"))
                .at(line, col, text)
                .unknown_key(leaf, known),
        );
    }

    warnings.sort_by_key(|d| d.position);
    let mut errors = Vec::new();
    let mut error = |key: &str, message: String| {
        let (line, col) = locate_value(key);
        errors.push(Diagnostic::error(file, format!("{key}: {message}")).at_value(line, col, text));
    };
    // Escapes (`"\u000B"`) can put in a string what no page can hold.
    if let Ok(table) = text.parse::<toml::Table>() {
        let mut strings = Vec::new();
        toml_strings("", &toml::Value::Table(table), &mut strings);
        for (key, value) in strings {
            if let Some((_, c)) = crate::text::forbidden_char(&value) {
                let found = crate::text::describe_forbidden(c);
                error(&key, format!("expected text, found {found}"));
            }
        }
    }
    let title = raw.title.trim().to_string();
    if title.is_empty() {
        error(
            "title",
            "expected the site's name, found an empty string".into(),
        );
    }
    let base_url = raw.base_url.trim().trim_end_matches('/').to_string();
    match url::Url::parse(&base_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
        Ok(u) => error("base_url", format!("expected an http or https URL, found {:?} (scheme {})", raw.base_url, u.scheme())),
        Err(e) => error("base_url", format!("expected an absolute URL such as \"https://example.org/briefings\", found {:?} ({e})", raw.base_url)),
    }
    let paginate_by = match raw.paginate_by {
        Some(n) if n < 1 => {
            error(
                "paginate_by",
                format!("expected a number of articles of 1 or more, found {n}"),
            );
            None
        }
        Some(n) => Some(usize::try_from(n).unwrap_or(usize::MAX)),
        None => None,
    };
    let feed_limit = match raw.feed_limit {
        Some(n) if n < 1 => {
            error(
                "feed_limit",
                format!("expected a number of entries of 1 or more, found {n}"),
            );
            20
        }
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        None => 20,
    };
    let language = raw
        .language
        .map(|l| l.trim().to_string())
        .unwrap_or_else(|| "en".into());
    if language.is_empty() {
        error(
            "language",
            "expected a language tag such as \"en\", found an empty string".into(),
        );
    }
    if raw
        .annotations
        .kinds
        .iter()
        .any(|k| k.trim().is_empty() || k.contains(char::is_whitespace))
    {
        error(
            "annotations.kinds",
            "expected single words such as \"context\"".into(),
        );
    }
    let timezone = match raw.timezone.as_deref().map(str::trim) {
        None => None,
        Some(name) => match name.parse::<chrono_tz::Tz>() {
            Ok(zone) => Some(zone),
            Err(_) => {
                // `Berlin` for `Europe/Berlin`: the city alone, else the closest spelling.
                let city = chrono_tz::TZ_VARIANTS.iter().find(|z| {
                    z.name()
                        .rsplit('/')
                        .next()
                        .is_some_and(|c| c.eq_ignore_ascii_case(&name.replace(' ', "_")))
                });
                let closest = city
                    .map(|z| (0, z.name()))
                    .or_else(|| {
                        chrono_tz::TZ_VARIANTS
                            .iter()
                            .map(|z| (strsim::levenshtein(name, z.name()), z.name()))
                            .min()
                    })
                    .filter(|(d, _)| *d <= 4)
                    .map(|(_, n)| format!(" (did you mean \"{n}\"?)"))
                    .unwrap_or_default();
                error(
                    "timezone",
                    format!(
                        "expected an IANA time zone such as \"Europe/Berlin\" or \"UTC\", \
                         found {name:?}{closest}"
                    ),
                );
                None
            }
        },
    };
    let feeds = feeds::validate(raw.feeds, text, &mut errors);
    let editions = editions::validate(raw.editions, &mut |key, message, help| {
        let (line, col) = locate_value(key);
        errors.push(
            Diagnostic::error(file, format!("{key}: {message}"))
                .at_value(line, col, text)
                .help(help),
        );
    });
    let images = images::validate(raw.images, &mut |key, message, help| {
        let (line, col) = locate_value(key);
        errors.push(
            Diagnostic::error(file, format!("{key}: {message}"))
                .at_value(line, col, text)
                .help(help),
        );
    });
    if editions.configured && !editions.can_send() {
        let missing = match (&editions.from, &editions.to) {
            (None, None) => "`from` and `to`",
            (None, _) => "`from`",
            _ => "`to`",
        };
        let (line, col) = locate("editions");
        warnings.push(
            Diagnostic::note(
                file,
                format!("[editions] has no {missing}, so no edition.eml is written (email.html and email.txt are)"),
            )
            .at(line, col, text)
            .help("add `from = \"Desk <desk@example.org>\"` and `to = \"Readers <readers@lists.example.org>\"` to send editions as email"),
        );
    }
    let default_author = raw
        .default_author
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty());
    if !errors.is_empty() {
        return Err(errors);
    }
    let extra = serde_json::to_value(raw.extra.unwrap_or_default()).unwrap_or_default();
    let config = Config {
        title,
        base_url,
        description: raw.description.filter(|d| !d.trim().is_empty()),
        language,
        output_dir: raw.output_dir.unwrap_or_else(|| PathBuf::from("public")),
        paginate_by,
        feed_limit,
        strict: raw.strict,
        timezone,
        default_author,
        force_redirects: raw.force_redirects,
        extra,
        annotations: raw.annotations,
        previews: Previews::default(),
        news: raw.news,
        feeds,
        editions,
        images,
    };
    Ok(Loaded {
        config,
        warnings,
        images: [raw.default_image, raw.default_image_alt, raw.logo],
    })
}

impl Config {
    /// Defaults standing in for a `site.toml` that has errors, so the rest of the site
    /// can still be checked.
    pub fn placeholder() -> Config {
        Config {
            title: String::new(),
            base_url: "http://localhost".into(),
            description: None,
            language: "en".into(),
            output_dir: PathBuf::from("public"),
            paginate_by: None,
            feed_limit: 20,
            strict: false,
            timezone: None,
            default_author: None,
            force_redirects: false,
            extra: serde_json::Value::Object(Default::default()),
            annotations: Annotations::default(),
            previews: Previews::default(),
            news: News::default(),
            feeds: Feeds::default(),
            editions: Editions::default(),
            images: Images::default(),
        }
    }

    /// The path part of `base_url`, with leading and trailing slash: `/briefings/`.
    pub fn base_path(&self) -> String {
        let path = url::Url::parse(&self.base_url)
            .map(|u| u.path().trim_matches('/').to_string())
            .unwrap_or_default();
        if path.is_empty() {
            "/".into()
        } else {
            format!("/{path}/")
        }
    }

    /// The absolute URL of a site-relative path (`articles/x/`).
    pub fn permalink(&self, path: &str) -> String {
        [&self.base_url, "/", path].concat()
    }
}

fn toml_error(text: &str, e: &toml::de::Error) -> Diagnostic {
    let d = Diagnostic::error(CONFIG_FILE, e.message().trim().to_string());
    match e.span() {
        Some(span) => d.at_range(span, text),
        None => d,
    }
}

/// Where each `key =` of a TOML file is, by dotted path including its `[table]`:
/// line, column of the key, column of the value.
fn scan_keys(text: &str) -> BTreeMap<String, (usize, usize, usize)> {
    let mut keys = BTreeMap::new();
    let mut table = String::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let col = line.len() - trimmed.len() + 1;
        if let Some(header) = trimmed.strip_prefix('[') {
            table = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            keys.entry(table.clone()).or_insert((i + 1, col, col));
        } else if let Some((key, value)) = trimmed.split_once('=') {
            let value_col = line[..line.len() - value.trim_start().len()]
                .chars()
                .count()
                + 1;
            let key = key.trim().trim_matches('"');
            if !key.is_empty() && !key.starts_with('#') {
                let path = if table.is_empty() {
                    key.to_string()
                } else {
                    format!("{table}.{key}")
                };
                keys.entry(path).or_insert((i + 1, col, value_col));
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_lines(diags: &[Diagnostic]) -> Vec<String> {
        diags
            .iter()
            .map(|d| d.to_string().lines().next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn defaults() {
        let c = parse("title = 'Desk'\nbase_url = 'https://example.org/briefings/'\n")
            .unwrap()
            .config;
        assert_eq!(c.base_url, "https://example.org/briefings");
        assert_eq!(c.base_path(), "/briefings/");
        assert_eq!(c.language, "en");
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert_eq!(c.annotations.kinds.len(), 5);
        assert_eq!(c.annotations.callouts.tip, "Why it matters");
        assert_eq!(
            c.permalink("articles/a/"),
            "https://example.org/briefings/articles/a/"
        );
    }

    #[test]
    fn missing_and_mistyped_keys_have_positions() {
        let e = parse("base_url = 'https://x.org'\n").unwrap_err();
        assert_eq!(
            first_lines(&e),
            vec!["error: site.toml:1:1: missing field `title`"]
        );
        let e = parse("title = 5\nbase_url = 'https://x.org'\n").unwrap_err();
        assert_eq!(
            first_lines(&e),
            vec!["error: site.toml:1:9: invalid type: integer `5`, expected a string"]
        );
    }

    #[test]
    fn every_value_error_at_once() {
        let e = parse("title = ''\nbase_url = 'example.org'\npaginate_by = 0\n").unwrap_err();
        assert_eq!(e.len(), 3);
        assert_eq!(first_lines(&e)[2], "error: site.toml:3:15: paginate_by: expected a number of articles of 1 or more, found 0");
    }

    #[test]
    fn unknown_keys_are_warnings_with_suggestions() {
        let l = parse("title = 'x'\nbase_url = 'https://x.org'\npaginate = 5\n[annotations]\nautolnk = false\n").unwrap();
        assert_eq!(
            first_lines(&l.warnings),
            vec![
                "warning: site.toml:3:1: unknown key `paginate`",
                "warning: site.toml:5:1: unknown key in [annotations] `autolnk`",
            ]
        );
        let labels: Vec<_> = l.warnings.iter().map(|d| d.label.as_deref()).collect();
        assert_eq!(
            labels,
            [
                Some("did you mean `paginate_by`?"),
                Some("did you mean `autolink`?")
            ]
        );
    }

    #[test]
    fn feeds_default_to_every_format_and_summaries_on_terms() {
        let c = parse("title = 'x'\nbase_url = 'https://x.org'\n")
            .unwrap()
            .config;
        assert_eq!(c.feeds, Feeds::default());
        assert_eq!(c.feeds.formats, FeedFormat::ALL);
        let c = parse("title = 'x'\nbase_url = 'https://x.org'\n[feeds]\nformats = ['json', 'atom', 'json']\nfull_text_terms = true\n")
            .unwrap()
            .config;
        assert_eq!(c.feeds.formats, [FeedFormat::Atom, FeedFormat::Json]);
        assert!(c.feeds.full_text_terms);
        let c = parse("title = 'x'\nbase_url = 'https://x.org'\n[feeds]\nformats = []\n")
            .unwrap()
            .config;
        assert!(c.feeds.formats.is_empty());
    }

    #[test]
    fn an_unknown_feed_format_is_an_error_at_it_with_the_closest_name() {
        let text = "title = 'x'\nbase_url = 'https://x.org'\n[feeds]\nformats = [\"atom\", \"rs\", \"jsonfeed\"]\nful_text_terms = true\n";
        let e = parse(text).unwrap_err();
        assert_eq!(
            first_lines(&e),
            [
                r#"error: site.toml:4:20: feeds.formats: expected "atom", "rss" or "json", found "rs" (did you mean "rss"?)"#,
                r#"error: site.toml:4:26: feeds.formats: expected "atom", "rss" or "json", found "jsonfeed" (did you mean "json"?)"#,
            ]
        );
        let shown = e[0].to_string();
        assert!(shown.contains("|                    ^^^^"), "{shown}");
        let warned =
            parse("title = 'x'\nbase_url = 'https://x.org'\n[feeds]\nful_text_terms = true\n")
                .unwrap();
        assert_eq!(
            first_lines(&warned.warnings),
            ["warning: site.toml:4:1: unknown key in [feeds] `ful_text_terms`"]
        );
        assert_eq!(
            warned.warnings[0].label.as_deref(),
            Some("did you mean `full_text_terms`?")
        );
    }
}
