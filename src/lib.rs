//! `briefing`: a static site generator for annotated news briefings.
//!
//! The pipeline, one way, one stage a module:
//!
//! 1. [`config`]: `site.toml` → [`config::Config`].
//! 2. [`content`]: walk `content/` and `static/`; read every article and check its
//!    front matter, in parallel.
//! 3. [`model`]: sort the articles and build the tag, actor and source indexes
//!    ([`model::site::Site`]); then render every body's Markdown, in parallel, with
//!    links resolved against those indexes.
//! 4. [`render`]: plan every output file ([`render::plan`]) and render the pages
//!    through Tera, in parallel.
//! 5. [`output`]: write into a staging folder and swap it in place of the output.
//!
//! [`session`] runs that pipeline once (`build`, `check`) or keeps what it loaded and
//! redoes only what a change touches ([`session::Session::update`]); [`watch`] reports
//! the changes and [`serve`] shows the result in a browser with live reload.
//!
//! Problems at every stage are [`diagnostics::Diagnostic`]s, collected so that one run
//! reports them all. The library never prints.

// Diagnostics are the error type of every stage; they are built only on the cold
// path and carry what a user needs to see, so their size does not matter.
#![allow(clippy::result_large_err)]
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod memory;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod session;
pub mod text;
pub mod watch;

use diagnostics::Diagnostic;
use render::plan::{Entry, Output};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

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
    /// `false` checks everything and writes nothing (`briefing check`).
    pub write: bool,
    /// Also check every internal link and anchor of the rendered pages (`briefing
    /// check`).
    pub check_links: bool,
    /// Where the build says how far it is, for a progress bar.
    pub progress: Option<std::sync::Arc<Progress>>,
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
    fn start(&self, total: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        self.done.store(0, Relaxed);
        self.total.store(total, Relaxed);
    }

    fn tick(&self) {
        self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// What a successful build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Pages rendered, by kind (`article`, `home`, `taxonomy`, `term`).
    pub pages: BTreeMap<&'static str, usize>,
    /// Files copied or written besides pages (static, content and theme files).
    pub files: usize,
    /// Article bodies rendered from Markdown.
    pub bodies: usize,
    /// Output files left as they were (an incremental build).
    pub unchanged: usize,
    /// Output files removed (an incremental build).
    pub removed: usize,
    /// Where the site was written, when it was.
    pub output: Option<PathBuf>,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Time per stage, for `--verbose`, with the process's peak memory (resident
    /// set, KiB) at its end where the system says it.
    pub stages: Vec<(&'static str, Duration, Option<u64>)>,
    /// Non-fatal problems.
    pub warnings: Vec<Diagnostic>,
}

impl BuildReport {
    /// Counts one output file as written.
    fn count(&mut self, entry: &Entry) {
        match entry.output {
            Output::Page(kind) => *self.pages.entry(kind.name()).or_insert(0) += 1,
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

/// Builds the site once: loads everything, renders every page, and (unless `write`
/// is off) swaps the result into the output folder. Any error leaves the previous
/// output untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let mut session = session::Session::open(options.clone(), false);
    let result = session.build();
    session::drop_later(session);
    result
}
