//! The quick path of a session's update, for the commonest saves: articles whose
//! body, title or summary changed, and nothing else of their front matter. Their
//! bodies are rendered into the kept model, the search index mended, their items and
//! cards made again, and the pages whose fingerprint changed rendered: no re-sorting,
//! re-indexing or re-planning.

use super::report::{dedupe, BuildFailure, BuildReport, Laps};
use super::session::Session;
use super::Changes;
use crate::content::{article, bodies};
use crate::model::article::FrontMatter;
use crate::model::asset::Asset;
use crate::output;

impl Session {
    /// The quick path, for the commonest saves: articles whose front matter changed
    /// in their title or summary at most ([`same_model`]). Their bodies are rendered into the kept model, their items and cards
    /// made again, and the pages whose fingerprint changed rendered: no re-sorting,
    /// re-indexing or re-planning. `None` when the changes need more than that.
    pub(super) fn quick(&mut self, changes: &Changes) -> Option<Result<BuildReport, BuildFailure>> {
        let only_bodies = !changes.config
            && !changes.templates
            && !changes.walk_content
            && !changes.walk_static
            && !changes.articles.is_empty();
        if !only_bodies
            || self.built.is_none()
            || self.templates.is_none()
            || !self.output_dir().join(output::MARKER).is_file()
        {
            return None;
        }
        let mut laps = Laps::new();
        let kept = self.kept.as_ref()?;
        // Past a schedule or an expiry, an article's status has changed.
        if kept.next_change.is_some_and(|at| self.now() >= at) {
            return None;
        }
        let files: Vec<Asset> = self
            .content
            .markdown
            .iter()
            .filter(|m| changes.articles.contains(&m.rel))
            .cloned()
            .collect();
        let mut swaps = Vec::new();
        for (md, loaded) in files.iter().zip(article::load_all(
            &self.options.root,
            &files,
            true,
            &self.reading,
            None,
        )) {
            let new = *loaded.ok()?;
            let i = kept.site.index_of_path(&md.rel)?;
            let old = &kept.site.articles[i];
            if !same_model(&old.front, &new.front) || old.slug != new.slug {
                return None;
            }
            let mut new = new;
            new.status = old.status;
            swaps.push((i, new));
        }
        if swaps.len() != changes.articles.len() {
            return None;
        }
        laps.lap("read");
        let mut kept = self.kept.take()?;
        let indexes: Vec<usize> = swaps.iter().map(|(i, _)| *i).collect();
        let images = |site: &crate::model::site::Site| -> Vec<Vec<String>> {
            indexes
                .iter()
                .map(|&i| {
                    site.articles[i]
                        .body_images
                        .iter()
                        .map(|u| u.set.key.clone())
                        .collect()
                })
                .collect()
        };
        let before = images(&kept.site);
        let search_layout = kept.site.search.layout_hash();
        let replaced: Vec<(usize, crate::model::search::Fields)> = swaps
            .into_iter()
            .map(|(i, new)| (i, kept.site.replace_article(i, new)))
            .collect();
        let shortcodes = self
            .templates
            .as_ref()
            .map(|t| t as &dyn crate::content::markdown::shortcodes::Shortcodes);
        // The quick path moved no slug, status or actor: no other body links differently.
        let rendered = bodies::render(
            &kept.site,
            shortcodes,
            &self.options.root,
            true,
            false,
            None,
        );
        let bodies = rendered.len();
        kept.site.attach_again(rendered, &replaced);
        // A body that shows other images needs their copies planned: the full path.
        if images(&kept.site) != before {
            self.kept = Some(kept);
            return None;
        }
        // A search index whose files moved (a leaf split or merged) is planned again:
        // nothing else in the plan changed, and planning is cheap next to the model.
        if kept.site.search.layout_hash() != search_layout {
            let (plan, problems) = crate::render::plan::plan(&kept.site);
            if !problems.is_empty() {
                self.kept = Some(kept);
                return None;
            }
            kept.plan = plan;
        }
        laps.lap("bodies");
        let card_errors = match &self.templates {
            Some(templates) => kept
                .views
                .refresh(&kept.site, templates, &mut self.cards, &indexes),
            None => Vec::new(),
        };
        laps.lap("views");
        // A kept model built cleanly: its site has nothing to say.
        let (mut diagnostics, _) = self.diagnostics(&kept.site, &kept.aside, Vec::new());
        diagnostics.extend(dedupe(card_errors));
        let result = self.write_out(
            &kept.site,
            &kept.views,
            &kept.plan,
            diagnostics,
            true,
            &mut laps,
        );
        self.kept = Some(kept);
        if result.is_err() {
            self.disassemble();
        }
        Some(result.map(|mut report| {
            report.bodies = bodies;
            report.stages = laps.laps;
            report
        }))
    }
}

/// Whether two readings of an article's front matter make the same model: they differ
/// at most in the title and the summary, which the model is not built from (only
/// pages, cards and the search index show them). Its date, terms, slug, status and
/// aliases place it, list it and plan its files.
fn same_model(old: &FrontMatter, new: &FrontMatter) -> bool {
    old == new
        || *old
            == FrontMatter {
                title: old.title.clone(),
                summary: old.summary.clone(),
                ..new.clone()
            }
}
