//! `published.txt`: the article URLs a site has published, kept in its root and meant
//! to be committed, as a lock file is (a CI build starts from a fresh clone, with no
//! previous output to compare with).
//!
//! `build` adds the URL of every article it publishes; nothing is taken out but by
//! hand. A build or check whose site no longer has an article at a URL the record
//! holds warns (an error under `--strict`), naming the URL and the `aliases:` line
//! that keeps it working. A draft, a scheduled or expired article, or an alias of a
//! published one keeps its URL: none is "dropped". List and term pages are not
//! recorded: they come and go with their articles.

use crate::diagnostics::Diagnostic;
use crate::model::article::{Article, Status};
use crate::model::site::Site;
use rustc_hash::FxHashSet as HashSet;
use std::collections::BTreeSet;
use std::path::Path;

/// The record's file, in the site root.
pub const RECORD: &str = "published.txt";

/// The record as read: its URLs and the text, to point at a line.
#[derive(Debug, Default)]
pub struct Record {
    /// The URLs, one per line (blank lines and `#` comments skipped), sorted and
    /// each once. Sets are made only to ask what is in them: at 100,000 articles,
    /// ordered sets of every URL took 0.1 s of a build after an edit.
    pub urls: Vec<String>,
    text: String,
}

/// Reads the record of the site at `root`; none is an empty record.
pub fn read(root: &Path) -> Result<Record, Diagnostic> {
    let text = match std::fs::read_to_string(root.join(RECORD)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Record::default()),
        Err(e) => return Err(Diagnostic::error(RECORD, format!("cannot read: {e}"))),
    };
    let mut urls: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    // Written sorted: sorting again only checks, unless edited by hand.
    urls.sort_unstable();
    urls.dedup();
    Ok(Record { urls, text })
}

/// The URLs of the articles `site` publishes (status published: not a draft or a
/// scheduled or expired article a flag let in) that `record` does not hold yet: what
/// `build` adds to it once the site is written ([`add`]).
pub fn unrecorded(record: &Record, site: &Site) -> Vec<String> {
    use rayon::prelude::*;
    let recorded: HashSet<&str> = record.urls.iter().filter_map(|u| slug_of(u)).collect();
    site.articles
        .par_iter()
        .filter(|a| a.status == Status::Published && !recorded.contains(a.slug.as_str()))
        .map(|a| format!("articles/{}/", a.slug))
        .collect()
}

/// The slug of an article's URL as the record writes it (`articles/<slug>/`).
/// Sets of slugs are asked rather than sets of URLs made for every article.
fn slug_of(url: &str) -> Option<&str> {
    url.strip_prefix("articles/")?.strip_suffix('/')
}

/// A warning for each URL of `record` that no article of `site` has any more, as its
/// URL or an alias, and that no article left `aside` holds.
pub fn dropped(record: &Record, site: &Site, aside: &[Article]) -> Vec<Diagnostic> {
    let every = || site.articles.iter().chain(&site.withdrawn).chain(aside);
    let slugs: HashSet<&str> = every().map(|a| a.slug.as_str()).collect();
    let aliases: HashSet<&str> = every()
        .flat_map(|a| a.front.aliases.iter().map(String::as_str))
        .collect();
    let kept = |url: &str| slug_of(url).is_some_and(|s| slugs.contains(s)) || aliases.contains(url);
    record
        .urls
        .iter()
        .filter(|url| !kept(url))
        .map(|url| {
            let line = record
                .text
                .lines()
                .position(|l| l.trim() == url)
                .map_or(1, |i| i + 1);
            let perhaps = closest(url, site)
                .map(|a| format!(" to {}", a.file.display()))
                .unwrap_or_else(|| " to the article's front matter".into());
            Diagnostic::warning(
                RECORD,
                format!("{url} was published, and no article has that URL now: links to it break"),
            )
            .at(line, 1, &record.text)
            .help(format!(
                "if the article was renamed, add `aliases: [{url}]`{perhaps}; if it was taken \
                 down on purpose, delete this line (or keep the article with `withdrawn:`)"
            ))
        })
        .collect()
}

/// The published article whose slug is nearest the old URL's, when near enough to
/// be the same article renamed.
fn closest<'a>(url: &str, site: &'a Site) -> Option<&'a Article> {
    let old = url
        .strip_prefix("articles/")
        .unwrap_or(url)
        .trim_end_matches('/');
    // Spelling (a typo fixed) or words (reordered, one dropped), whichever is closer.
    let words = |s: &str| {
        s.split('-')
            .map(str::to_string)
            .collect::<BTreeSet<String>>()
    };
    let old_words = words(old);
    site.articles
        .iter()
        .map(|a| {
            let new_words = words(&a.slug);
            let shared = old_words.intersection(&new_words).count() as f64;
            let overlap = shared / old_words.union(&new_words).count().max(1) as f64;
            (strsim::normalized_levenshtein(old, &a.slug).max(overlap), a)
        })
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, a)| a)
}

/// Writes the record with `urls` added ([`unrecorded`]), when there are any: sorted,
/// one per line, through a file beside it renamed over it, so it is never
/// half-written.
pub fn add(root: &Path, record: &Record, urls: &[String]) -> Result<(), Diagnostic> {
    if urls.is_empty() {
        return Ok(());
    }
    let all: BTreeSet<&String> = record.urls.iter().chain(urls).collect();
    let mut text = String::from(
        "# The article URLs this site has published, kept by `briefing build`: commit it.\n\
         # A build warns when one of them has no article any more (see the README).\n",
    );
    for url in all {
        text.push_str(url);
        text.push('\n');
    }
    let fail = |e: std::io::Error| Diagnostic::error(RECORD, format!("cannot write: {e}"));
    let mut file = tempfile::NamedTempFile::new_in(root).map_err(fail)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(fail)?;
    file.persist(root.join(RECORD))
        .map(|_| ())
        .map_err(|e| fail(e.error))
}
