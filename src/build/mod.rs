//! The build: the pipeline run once (`build`, `check`), or kept by a [`Session`] that
//! redoes only what a change touches (`watch`, `serve`).
//!
//! - [`session`]: what a site's build holds, and the order of the stages;
//! - [`changes`]: which changed paths need what work;
//! - [`write`]: rendering the planned pages and writing them, staged or in place;
//! - [`report`]: what a build tells its caller.

mod article_cache;
mod body_cache;
pub mod cache;
mod card_cache;
pub mod changes;
pub mod images;
mod model_cache;
mod partition;
mod problems;
pub mod published;
mod quick;
pub mod report;
pub mod session;
mod shards;
mod write;

pub use changes::Changes;
pub use report::{BuildFailure, BuildReport, EditionChange};
pub use session::Session;

use crate::diagnostics::Diagnostic;
use std::path::PathBuf;

/// What to build, and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root (holds `site.toml`).
    pub root: PathBuf,
    /// Overrides `output_dir`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url`, for a deploy elsewhere.
    pub base_url: Option<String>,
    /// Build drafts too.
    pub drafts: bool,
    /// Build articles dated after *now* too (`--future`).
    pub future: bool,
    /// Build articles whose `expires` has passed too (`--expired`).
    pub expired: bool,
    /// The build's *now*, which decides what is scheduled and what has expired;
    /// `None` is the clock when each build starts.
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// `false` checks everything and writes nothing (`briefing check`).
    pub write: bool,
    /// What `briefing check` does besides a build: check every internal link and
    /// anchor of the rendered pages, and note files ejected from the theme that the
    /// theme has changed since.
    pub check: bool,
    /// Every warning is an error (`--strict`); `strict = true` in site.toml does the
    /// same for a build that is not a session's (`build`, `check`).
    pub strict: bool,
    /// Where the build says how far it is, for a progress bar.
    pub progress: Option<std::sync::Arc<Progress>>,
    /// Told once, with what it waits for, when the build must wait for another
    /// process writing the same output.
    pub waiting: Option<fn(&str)>,
}

/// How far a build is: shared with whatever shows it. `total` is 0 until the pages
/// are planned (reading and Markdown come first), then the number of output files;
/// `done` counts those rendered.
#[derive(Debug, Default)]
pub struct Progress {
    /// Output files rendered or copied so far.
    pub done: std::sync::atomic::AtomicUsize,
    /// Output files to render or copy, once known.
    pub total: std::sync::atomic::AtomicUsize,
}

impl Progress {
    pub(crate) fn start(&self, total: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        self.done.store(0, Relaxed);
        self.total.store(total, Relaxed);
    }

    pub(crate) fn tick(&self) {
        self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Builds the site once: loads everything, renders every page, and (unless `write`
/// is off) swaps the result into the output folder. Any error leaves the previous
/// output untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let start = std::time::Instant::now();
    let taken = cache::take(&options.root);
    let (replayed, note) = cache::replay(options, &taken);
    if let Some(mut report) = replayed {
        report.elapsed = start.elapsed();
        report.stages = vec![("cache", report.elapsed, report::peak_memory())];
        return Ok(report);
    }
    // Each article file is stamped once: the kept articles take the stamps just taken.
    let stamps = taken.content_stamps().map(std::sync::Arc::new);
    let stamped = (start.elapsed(), report::peak_memory());
    let once = || {
        let mut session = Session::open_stamped(options.clone(), stamps.clone());
        // The last build's page fingerprints: pages whose fingerprint is unchanged
        // are kept, not rendered.
        session.remember(cache::fingerprints(options, &session.output_dir()));
        let result = session.build();
        let fingerprints = session.forget();
        drop_later(session);
        (result, fingerprints)
    };
    let (mut result, mut fingerprints) = once();
    // A body or card kept by the last build that a page could not read (its file
    // changed behind the build's back): nothing was written, and the build is made
    // again without the kept bodies or cards.
    let mut notes: Vec<Diagnostic> = note.into_iter().collect();
    let failed_on = |result: &Result<BuildReport, BuildFailure>, what: &str| {
        result
            .as_ref()
            .is_err_and(|f| f.diagnostics.iter().any(|d| d.message.starts_with(what)))
    };
    let bodies = failed_on(
        &result,
        crate::render::context::adopted::KEPT_BODY_UNREADABLE,
    );
    let cards = failed_on(&result, crate::render::context::KEPT_CARD_UNREADABLE);
    if bodies {
        notes.push(body_cache::forget(&options.root));
    }
    if cards {
        notes.push(card_cache::forget(&options.root));
    }
    if bodies || cards {
        (result, fingerprints) = once();
    }
    if let Ok(report) = &mut result {
        let saving = std::time::Instant::now();
        let unsaved = cache::save(options, taken, report, fingerprints.as_ref());
        report.warnings.extend(notes.into_iter().chain(unsaved));
        // The whole build: its inputs stamped (and the last build's report not
        // replayable) before the session's stages, the cache saved after them.
        report.stages.insert(0, ("stamps", stamped.0, stamped.1));
        report
            .stages
            .push(("cache saved", saving.elapsed(), report::peak_memory()));
        report.elapsed = start.elapsed();
    }
    result
}

/// Frees `value` on a thread of its own. Freeing every card and list of a large site
/// one allocation at a time takes tens of milliseconds that a build's caller need not
/// wait for (a one-off build prints its summary and exits meanwhile).
pub fn drop_later<T: Send + 'static>(value: T) {
    // With no thread to be had, the closure and `value` are freed here after all.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}
