//! Every problem a build knows of, gathered in the order a full build finds them, and
//! made errors when the build is strict.

use super::session::Session;
use crate::diagnostics::Diagnostic;
use crate::model::article::Article;
use crate::model::site::Site;

/// The URLs the site publishes that the record of published URLs lacks.
pub(super) type Unrecorded = Vec<String>;

impl Session {
    /// Every problem known for the site as it is now, in the order a full build finds
    /// them: configuration, walks, each file's loading, `site` (the model's own),
    /// each body's rendering, templates. With them, for a one-off build, the URLs
    /// the site publishes that the record of published URLs lacks (see
    /// [`super::published::unrecorded`]).
    pub(super) fn diagnostics(
        &self,
        site: &Site,
        aside: &[Article],
        site_diagnostics: Vec<Diagnostic>,
    ) -> (Vec<Diagnostic>, Option<Unrecorded>) {
        let mut diagnostics = self.config_diagnostics.clone();
        diagnostics.extend(self.content.diagnostics.iter().cloned());
        diagnostics.extend(self.statics.diagnostics.iter().cloned());
        diagnostics.extend(self.data.1.iter().cloned());
        diagnostics.extend(self.profile_diagnostics.iter().cloned());
        let find = |rel: &str| {
            site.article_by_path(rel).or_else(|| {
                site.duplicates
                    .iter()
                    .chain(&site.withdrawn)
                    .chain(aside)
                    .find(|a| a.content_path == rel)
            })
        };
        let left_out = |a: &Article| a.front.draft && !self.options.drafts;
        for md in &self.content.markdown {
            match (find(&md.rel), self.failed.get(&md.rel)) {
                // A draft left out is still being written: its placeholders are
                // expected until it is published.
                (Some(a), _) if left_out(a) => diagnostics.extend(
                    a.load_diagnostics
                        .iter()
                        .filter(|d| !crate::content::article::is_placeholder_warning(d))
                        .cloned(),
                ),
                (Some(a), _) => diagnostics.extend(a.load_diagnostics.iter().cloned()),
                (None, Some(d)) => diagnostics.extend(d.iter().cloned()),
                (None, None) => {}
            }
        }
        diagnostics.extend(site_diagnostics);
        diagnostics.extend(crate::render::news::google_recommends(site));
        for md in &self.content.markdown {
            if let Some(a) = site.article_by_path(&md.rel) {
                diagnostics.extend(a.render_diagnostics.iter().cloned());
            }
        }
        for p in &site.profiles {
            diagnostics.extend(p.render_diagnostics.iter().cloned());
        }
        diagnostics.extend(self.template_diagnostics.iter().cloned());
        // `build` and `check` compare the site with the URLs it has published; a
        // preview does not.
        // Not while an article fails to load: its URL is unknown, not gone.
        let mut unrecorded = None;
        if !self.incremental && self.failed.is_empty() {
            match super::published::read(&self.options.root) {
                Ok(record) => {
                    diagnostics.extend(super::published::dropped(&record, site, aside));
                    unrecorded = Some(super::published::unrecorded(&record, site));
                }
                Err(e) => diagnostics.push(e),
            }
        }
        if self.options.check {
            diagnostics.extend(crate::render::theme::changed_since_ejected(
                &self.options.root,
            ));
        }
        (self.strict_about(diagnostics), unrecorded)
    }

    /// What makes warnings errors in this build, if anything: `--strict`, or
    /// `strict = true` in site.toml for a one-off build (a preview shows the site
    /// while it is being fixed).
    pub(super) fn strictness(&self) -> Option<&'static str> {
        match (&self.options.strict, &self.config) {
            (true, _) => Some("--strict"),
            (false, Some(c)) if c.strict && !self.incremental => {
                Some("`strict = true` in site.toml")
            }
            _ => None,
        }
    }

    /// `diagnostics`, every warning made an error if the build is strict.
    pub(super) fn strict_about(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        match self.strictness() {
            Some(by) => diagnostics.into_iter().map(|d| d.strict(by)).collect(),
            None => diagnostics,
        }
    }
}
