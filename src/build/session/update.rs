//! A session's update after a save: what changed is read again, then the site is
//! built incrementally (see the parent module).

use super::super::changes::{self, Changes};
use super::super::report::{peak_memory, BuildFailure, BuildReport};
use super::Session;
use crate::model::asset::Asset;
use crate::output;
use rustc_hash::FxHashSet as HashSet;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

impl Session {
    /// Sorts changed paths (absolute, or relative to the working folder) into what
    /// must be read again. Paths no build reads (hidden and scratch files, anything
    /// outside `content/`, `templates/`, `static/` and `site.toml`) are dropped.
    pub fn classify(&self, paths: &[PathBuf]) -> Changes {
        changes::classify(&self.options.root, paths, |rel| self.is_known(rel))
    }

    /// Reads again what `changes` names, then builds: incrementally after a good
    /// build whose output is still there, else in full.
    pub fn update(&mut self, changes: &Changes) -> Result<BuildReport, BuildFailure> {
        let start = Instant::now();
        if let Some(result) = self.quick(changes) {
            return result.map(|mut report| {
                report.elapsed = start.elapsed();
                report
            });
        }
        self.disassemble();
        let mut reload: BTreeSet<String> = changes.articles.clone();
        if changes.config {
            let annotations = self
                .config
                .as_ref()
                .map(|c| format!("{:?}{:?}", c.annotations, c.images));
            let reading = self.reading.clone();
            self.load_config();
            // Dates are read in the site's time zone, and an article without
            // `authors` takes the default: every article is read again.
            if self.reading != reading {
                reload.extend(self.content.markdown.iter().map(|m| m.rel.clone()));
                self.articles.clear();
                self.failed.clear();
            }
            // Bodies are rendered with the annotation and image settings.
            if self
                .config
                .as_ref()
                .map(|c| format!("{:?}{:?}", c.annotations, c.images))
                != annotations
            {
                for a in self.articles.values_mut() {
                    a.rendered = false;
                }
            }
        }
        if changes.templates {
            self.load_templates();
            for p in &mut self.profiles {
                p.rendered = false;
            }
        }
        if changes.walk_static {
            self.walk_static();
        }
        // A body's shortcodes are rendered by the templates, and may show a data file
        // (`table`) or name a file of static/ or of the article's folder (`src`).
        if changes.templates || changes.data || changes.walk_static || changes.walk_content {
            for a in self.articles.values_mut().filter(|a| a.shortcodes) {
                a.rendered = false;
            }
        }
        if changes.data {
            self.data = crate::content::data::load(&self.options.root);
        }
        if changes.walk_content {
            self.walk_content();
            let now: HashSet<&str> = self
                .content
                .markdown
                .iter()
                .map(|m| m.rel.as_str())
                .collect();
            self.articles.retain(|rel, _| now.contains(rel.as_str()));
            self.failed.retain(|rel, _| now.contains(rel.as_str()));
            for md in &self.content.markdown {
                if !self.articles.contains_key(&md.rel) && !self.failed.contains_key(&md.rel) {
                    reload.insert(md.rel.clone());
                }
            }
        }
        // An image replaced on disk: the articles showing it are read again (their
        // lead image measured, their bodies' images named anew).
        if changes.walk_content || changes.walk_static {
            reload.extend(
                self.articles
                    .values()
                    .filter(|a| a.image_replaced())
                    .map(|a| a.content_path.clone()),
            );
        }
        if !reload.is_empty() {
            let files: Vec<Asset> = self
                .content
                .markdown
                .iter()
                .filter(|m| reload.contains(&m.rel))
                .cloned()
                .collect();
            self.load_articles(&files);
        }
        let in_place = self.built.is_some()
            && self.options.write
            && self.output_dir().join(output::MARKER).is_file();
        let read = start.elapsed();
        self.run(in_place).map(|mut report| {
            report.stages.insert(0, ("read", read, peak_memory()));
            report.elapsed += read;
            report
        })
    }

    /// Whether `rel` (under `content/`) is an article file read before, loaded or not.
    fn is_known(&self, rel: &str) -> bool {
        self.articles.contains_key(rel)
            || self.failed.contains_key(rel)
            || self.kept.as_ref().is_some_and(|k| {
                k.site.index_of_path(rel).is_some()
                    || k.site.duplicates.iter().any(|a| a.content_path == rel)
                    || k.site.withdrawn.iter().any(|a| a.content_path == rel)
                    || k.aside.iter().any(|a| a.content_path == rel)
            })
    }
}
