//! A one-off build's article bodies, taken from the site by the views so that each
//! is freed once its page is written. At 100,000 articles they are 650 MB, the
//! largest part of a build's memory. A body kept on disk (`build::body_cache`: one
//! an earlier build kept, or one this build rendered and kept) stays there until a
//! page shows it: a build after an edit reads the few its pages need, and a build
//! from nothing holds only the bodies it could not keep.

use super::feeds::{feed_ids, full_text_scopes};
use crate::diagnostics::Diagnostic;
use crate::model::article::KeptHtml;
use crate::model::site::Site;
use std::sync::Mutex;

/// How the problem of a kept body that cannot be read begins: a one-off build that
/// meets it builds again without the kept bodies (`build::build`).
pub const KEPT_BODY_UNREADABLE: &str = "cannot read this article's body as the last build kept it";

/// The bodies, in article order; empty when the site keeps its own (`serve`).
#[derive(Default)]
pub(super) struct Adopted {
    bodies: Vec<Mutex<String>>,
    /// Where each body an earlier build kept is.
    kept: Vec<Option<KeptHtml>>,
    /// Which bodies a feed shows whole, and so must outlive the article's page.
    in_feeds: Vec<bool>,
    /// Kept bodies that could not be read: the build fails with them.
    problems: Mutex<Vec<Diagnostic>>,
}

impl Adopted {
    /// Takes `bodies` (each article's, in order: its HTML, or where it was kept).
    pub(super) fn new(site: &Site, bodies: Vec<(String, Option<KeptHtml>)>) -> Adopted {
        let mut in_feeds = vec![false; bodies.len()];
        for scope in full_text_scopes(site) {
            for i in feed_ids(site, scope) {
                in_feeds[i] = true;
            }
        }
        // Editions in full text show every body after its page is written.
        if site.config.editions.full_text {
            in_feeds.fill(true);
        }
        let (bodies, kept) = bodies
            .into_iter()
            .map(|(html, kept)| (Mutex::new(html), kept))
            .unzip();
        Adopted {
            bodies,
            kept,
            in_feeds,
            problems: Mutex::default(),
        }
    }

    /// Article `i`'s body, from the site or from the adopted bodies, as a Tera
    /// value (one copy).
    pub(super) fn body(&self, site: &Site, i: usize) -> tera::Value {
        if let Some(Some(kept)) = self.kept.get(i) {
            return tera::Value::from(self.read(site, i, kept));
        }
        match self.bodies.get(i) {
            Some(body) => tera::Value::from(lock(body).as_str()),
            None => tera::Value::from(site.articles[i].html.as_str()),
        }
    }

    /// Article `i`'s body for its own page. An adopted body no feed shows is taken
    /// rather than copied: a one-off build renders each article's page once, and
    /// nothing else needs the body after it.
    pub(super) fn page_body(&self, site: &Site, i: usize) -> tera::Value {
        match (self.bodies.get(i), self.in_feeds.get(i)) {
            (Some(body), Some(false)) if self.kept[i].is_none() => {
                tera::Value::from(std::mem::take(&mut *lock(body)))
            }
            _ => self.body(site, i),
        }
    }

    /// Frees article `i`'s body once its page is written, unless a feed shows it.
    pub(super) fn release(&self, i: usize) {
        if let (Some(body), Some(false)) = (self.bodies.get(i), self.in_feeds.get(i)) {
            *lock(body) = String::new();
        }
    }

    /// Reads a kept body; one that cannot be read is a problem of the build (its
    /// page would be wrong) that says how to mend it.
    fn read(&self, site: &Site, i: usize, kept: &KeptHtml) -> String {
        kept.0().unwrap_or_else(|e| {
            lock(&self.problems).push(
                Diagnostic::error(
                    &site.articles[i].file,
                    format!("{KEPT_BODY_UNREADABLE}: {e}"),
                )
                .help("remove the folder .briefing-cache/build/bodies and build again"),
            );
            String::new()
        })
    }

    /// Notes something an earlier build kept that could not be read (a card).
    pub(super) fn problem(&self, problem: Diagnostic) {
        lock(&self.problems).push(problem);
    }

    /// The kept bodies that could not be read so far.
    pub(super) fn problems(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *lock(&self.problems))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
