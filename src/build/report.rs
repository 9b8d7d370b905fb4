//! What a build tells its caller: the report of a build that succeeded, the
//! diagnostics of one that failed, the time and memory of each stage.

use crate::diagnostics::Diagnostic;
use crate::render::plan::{Entry, Output};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What a successful build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Pages rendered, by kind (`article`, `home`, `taxonomy`, `term`).
    pub pages: BTreeMap<std::borrow::Cow<'static, str>, usize>,
    /// Files copied or written besides pages (static, content and theme files).
    pub files: usize,
    /// Article bodies rendered from Markdown.
    pub bodies: usize,
    /// Article cards rendered (the others were the last build's or the session's).
    pub cards: usize,
    /// Article files read and parsed (the others were as the last build read them).
    pub articles_read: usize,
    /// Images resized, found in the cache, and their variants.
    pub images: super::images::ImageCounts,
    /// Output files written, new or changed.
    pub written: usize,
    /// Output files left as they were, their bytes unchanged.
    pub unchanged: usize,
    /// Output files removed, no longer built.
    pub removed: usize,
    /// Until when the build's *now* changes nothing it wrote: the next time an
    /// article falls due or expires, or enters or leaves the news sitemap.
    pub valid_until: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Nothing changed since the last build, which this report repeats (see
    /// [`super::cache`]).
    pub cached: bool,
    /// Where the site was written, when it was.
    pub output: Option<PathBuf>,
    /// The output manifest's stamp as this build's commit left it.
    pub manifest: Option<crate::output::manifest::Stamp>,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Time per stage, for `--verbose`, with the process's peak memory (resident
    /// set, KiB) at its end where the system says it.
    pub stages: Vec<(&'static str, Duration, Option<u64>)>,
    /// Non-fatal problems.
    pub warnings: Vec<Diagnostic>,
    /// What the build left out, and when the next scheduled article falls due.
    pub left_out: LeftOut,
    /// The site's time zone, to say times in.
    pub zone: Option<chrono_tz::Tz>,
    /// The editions whose message (`edition.eml`) this build wrote for the first time
    /// or with other bytes: what a scheduled job sends. In the plan's order, newest
    /// day first.
    pub editions: Vec<EditionChange>,
}

/// An edition's message that is new or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionChange {
    /// Its day, `2017-07-07`.
    pub day: String,
    /// Whether the output had no message for that day before.
    pub new: bool,
    /// How many articles it carries.
    pub articles: usize,
    /// The message's file: the output folder joined with its path.
    pub path: PathBuf,
}

/// Whether `bytes`, about to be written at `rel` in `output_dir`, are an edition's
/// message new or changed there.
pub(super) fn edition_change(
    site: &crate::model::site::Site,
    kind: crate::render::plan::PageKind,
    output_dir: &std::path::Path,
    rel: &str,
    bytes: &[u8],
) -> Option<EditionChange> {
    use crate::render::plan::{EditionFile, PageKind};
    let PageKind::Edition(d, EditionFile::Message) = kind else {
        return None;
    };
    let path = output_dir.join(rel);
    let new = match std::fs::read(&path) {
        Ok(old) if old == bytes => return None,
        Ok(_) => false,
        Err(_) => true,
    };
    let edition = &site.editions[d];
    Some(EditionChange {
        day: edition.day.to_string(),
        new,
        articles: edition.articles.len(),
        path,
    })
}

/// The articles a build left out, by why.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LeftOut {
    /// Drafts (no `--drafts`).
    pub drafts: usize,
    /// Dated after *now* (no `--future`).
    pub scheduled: usize,
    /// Expired (no `--expired`).
    pub expired: usize,
    /// Withdrawn: each page is a notice.
    pub withdrawn: usize,
    /// Scheduled articles the build included (`--future`; `check` always).
    pub scheduled_included: usize,
    /// When the first scheduled article left out falls due, and how many fall due
    /// then.
    pub next_due: Option<(chrono::DateTime<chrono::FixedOffset>, usize)>,
}

impl LeftOut {
    /// Counts `a`, left out.
    pub(crate) fn count(&mut self, a: &crate::model::article::Article) {
        use crate::model::article::Status;
        match a.status {
            Status::Draft => self.drafts += 1,
            Status::Scheduled => {
                self.scheduled += 1;
                let at = a.front.date.at;
                self.next_due = match self.next_due {
                    Some((due, n)) if due == at => Some((due, n + 1)),
                    Some((due, n)) if due < at => Some((due, n)),
                    _ => Some((at, 1)),
                };
            }
            Status::Expired => self.expired += 1,
            Status::Withdrawn => self.withdrawn += 1,
            Status::Published => {}
        }
    }
}

impl BuildReport {
    /// Counts one output file as written.
    pub(crate) fn count(&mut self, entry: &Entry) {
        match entry.output {
            Output::Page(kind) => {
                *self
                    .pages
                    .entry(std::borrow::Cow::Borrowed(kind.name()))
                    .or_insert(0) += 1
            }
            _ => self.files += 1,
        }
    }
}

/// A build that failed: every error found, and the warnings, in the order found.
#[derive(Debug)]
pub struct BuildFailure {
    /// Errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildFailure {
    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Time per stage, for `--verbose`.
pub(crate) struct Laps {
    last: Instant,
    /// Each stage's name, time and the peak memory at its end.
    pub(crate) laps: Vec<(&'static str, std::time::Duration, Option<u64>)>,
}

/// The process's peak resident memory so far, in KiB (`VmHWM`; Linux only).
pub fn peak_memory() -> Option<u64> {
    crate::watchdog::status_kib("VmHWM:")
}

impl Laps {
    /// Starts timing.
    pub(crate) fn new() -> Laps {
        Laps {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    /// Ends a stage.
    pub(crate) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last, peak_memory()));
        self.last = now;
    }
}

/// Collapses identical template errors (the same message on many pages) into one.
pub fn dedupe(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let rest = |d: &Diagnostic| {
        d.message
            .split_once(": ")
            .map_or(d.message.clone(), |(_, rest)| rest.to_string())
    };
    let mut out: Vec<(Diagnostic, usize)> = Vec::new();
    let mut index: BTreeMap<(Option<PathBuf>, String), usize> = BTreeMap::new();
    for d in diagnostics {
        let key = (d.file.clone(), rest(&d));
        match index.get(&key) {
            Some(&i) => out[i].1 += 1,
            None => {
                index.insert(key, out.len());
                out.push((d, 1));
            }
        }
    }
    out.into_iter()
        .map(|(mut d, n)| {
            if n > 1 {
                let more = n - 1;
                let s = if more == 1 { "" } else { "s" };
                d.message
                    .push_str(&format!(" (and on {more} more page{s})"));
            }
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_template_error_on_many_pages_is_reported_once_with_the_count() {
        let on = |page: &str, message: &str| {
            Diagnostic::error("templates/page.html", format!("{page}: {message}"))
        };
        let deduped = dedupe(vec![
            on("/a/", "unknown variable `x`"),
            on("/b/", "unknown variable `x`"),
            on("/c/", "unknown variable `x`"),
            on("/d/", "unknown filter `y`"),
        ]);
        let messages: Vec<&str> = deduped.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "/a/: unknown variable `x` (and on 2 more pages)",
                "/d/: unknown filter `y`"
            ]
        );
    }

    #[test]
    fn the_same_message_in_two_files_stays_two() {
        let a = Diagnostic::error("content/a.md", "x: bad");
        let b = Diagnostic::error("content/b.md", "x: bad");
        assert_eq!(dedupe(vec![a.clone(), b.clone()]), vec![a, b]);
    }
}
