//! `[feeds]`: the formats every feed is written in (Atom, RSS 2.0, JSON Feed 1.1) and
//! whether term feeds carry whole bodies.

use super::CONFIG_FILE;
use crate::diagnostics::Diagnostic;
use serde::Deserialize;
use std::path::Path;

/// The keys of `[feeds]`.
pub const FEED_KEYS: &[&str] = &["formats", "full_text_terms"];

/// A format every feed of the site is written in, beside the others: a place (the
/// site, a term, the corrections log) has one file per format, in one folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeedFormat {
    /// Atom (RFC 4287), `atom.xml`.
    Atom,
    /// RSS 2.0, `rss.xml`: what RSS-to-email services and older readers expect.
    Rss,
    /// JSON Feed 1.1, `feed.json`.
    Json,
}

impl FeedFormat {
    /// Every format, in the order pages link them.
    pub const ALL: [FeedFormat; 3] = [FeedFormat::Atom, FeedFormat::Rss, FeedFormat::Json];

    /// Its name in site.toml's `[feeds] formats`.
    pub fn name(self) -> &'static str {
        match self {
            FeedFormat::Atom => "atom",
            FeedFormat::Rss => "rss",
            FeedFormat::Json => "json",
        }
    }

    /// Its file, in the folder of the place it is the feed of; also the name of the
    /// theme's template that writes it.
    pub fn file(self) -> &'static str {
        match self {
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Rss => "rss.xml",
            FeedFormat::Json => "feed.json",
        }
    }

    /// Its media type, for `<link rel="alternate" type=…>`.
    pub fn media_type(self) -> &'static str {
        match self {
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Rss => "application/rss+xml",
            FeedFormat::Json => "application/feed+json",
        }
    }

    /// What readers call it: `Atom`, `RSS`, `JSON Feed`.
    pub fn label(self) -> &'static str {
        match self {
            FeedFormat::Atom => "Atom",
            FeedFormat::Rss => "RSS",
            FeedFormat::Json => "JSON Feed",
        }
    }
}

/// The `[feeds]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feeds {
    /// The formats every feed is written in, each once, in [`FeedFormat::ALL`]'s
    /// order; none turns feeds off (and their links in every page's head).
    pub formats: Vec<FeedFormat>,
    /// Term feeds (tags, actors, sources, authors) carry whole bodies too, not only
    /// summaries. The site's feed and the corrections feed always do.
    pub full_text_terms: bool,
}

impl Default for Feeds {
    fn default() -> Self {
        Feeds {
            formats: FeedFormat::ALL.to_vec(),
            full_text_terms: false,
        }
    }
}

/// `[feeds]` as written: each format with its place in the file, for errors.
#[derive(Deserialize, Default)]
pub(super) struct RawFeeds {
    formats: Option<Vec<toml::Spanned<String>>>,
    #[serde(default)]
    full_text_terms: bool,
}

/// `[feeds]` checked: an unknown format is an error at it, with the closest name.
pub(super) fn validate(raw: RawFeeds, text: &str, errors: &mut Vec<Diagnostic>) -> Feeds {
    let file = Path::new(CONFIG_FILE);
    let mut formats = Vec::new();
    for written in raw.formats.iter().flatten() {
        let name = written.get_ref().trim();
        match FeedFormat::ALL.into_iter().find(|f| f.name() == name) {
            Some(f) if !formats.contains(&f) => formats.push(f),
            Some(_) => {}
            None => {
                let names = FeedFormat::ALL.map(FeedFormat::name);
                let closest = crate::diagnostics::did_you_mean(&name.to_lowercase(), &names)
                    .map(|n| format!(" (did you mean \"{n}\"?)"))
                    .unwrap_or_default();
                errors.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "feeds.formats: expected \"atom\", \"rss\" or \"json\", found {name:?}{closest}"
                        ),
                    )
                    .at_range(written.span(), text)
                    .help("list the formats to write, e.g. `formats = [\"atom\", \"rss\", \"json\"]`; `[]` writes no feed"),
                );
            }
        }
    }
    formats.sort();
    Feeds {
        formats: match raw.formats {
            Some(_) => formats,
            None => FeedFormat::ALL.to_vec(),
        },
        full_text_terms: raw.full_text_terms,
    }
}
