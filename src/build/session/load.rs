//! What a session reads: `site.toml`, the templates, the folders walked, and the
//! articles (a one-off build's from the last build's where their files are as they
//! were, see [`super::super::article_cache`]).

use super::Session;
use crate::config;
use crate::content::{article, profile, walk};
use crate::diagnostics::Diagnostic;
use crate::model::asset::Asset;
use crate::render::templates::Templates;

impl Session {
    pub(super) fn load_config(&mut self) {
        self.config_diagnostics.clear();
        match config::load(&self.options.root) {
            Ok(loaded) => {
                self.config_diagnostics = loaded.warnings;
                self.config = Some(loaded.config);
            }
            Err(errors) => {
                self.config_diagnostics = errors;
                self.config = None;
            }
        }
        self.reading = article::Reading::of(self.config.as_ref());
        if self.config.is_none() {
            self.reading.zone = config::zone_despite_errors(&self.options.root);
        }
        if let (Some(config), Some(base_url)) = (&mut self.config, &self.options.base_url) {
            match url::Url::parse(base_url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {
                    config.base_url = base_url.trim_end_matches('/').to_string()
                }
                _ => self.config_diagnostics.push(Diagnostic::general(format!(
                    "--base-url: expected an absolute http or https URL such as https://example.org/briefings, found {base_url:?}"
                ))),
            }
        }
    }

    pub(super) fn load_templates(&mut self) {
        self.set_templates(Templates::load(&self.options.root));
    }

    fn set_templates(&mut self, loaded: Result<Templates, Vec<Diagnostic>>) {
        match loaded {
            Ok(t) => {
                self.template_diagnostics = t.warnings.clone();
                self.templates = Some(t);
            }
            Err(errors) => {
                self.templates = None;
                self.template_diagnostics = errors;
            }
        }
    }

    pub(super) fn walk_content(&mut self) {
        (self.content, self.profiles, self.profile_diagnostics) =
            content_of(&self.options.root, self.stamps.as_deref());
    }

    pub(super) fn walk_static(&mut self) {
        let root = &self.options.root;
        self.statics = walk::walk(root, &root.join("static"), walk::Mode::Static);
    }

    /// The templates, `static/`, `data/` and `content/` (with its profiles), read
    /// for a session's first build: the templates and `content/` side by side, each
    /// on a thread.
    pub(super) fn load_all_but_articles(&mut self) {
        let root = &self.options.root;
        let stamps = self.stamps.as_deref();
        let ((templates, statics, data), content) = rayon::join(
            || {
                (
                    Templates::load(root),
                    walk::walk(root, &root.join("static"), walk::Mode::Static),
                    crate::content::data::load(root),
                )
            },
            || content_of(root, stamps),
        );
        self.set_templates(templates);
        self.statics = statics;
        self.data = data;
        (self.content, self.profiles, self.profile_diagnostics) = content;
    }

    pub(super) fn load_articles(&mut self, files: &[Asset]) {
        // A one-off build takes the articles the last one read, where their files
        // are as they were (a session keeps every source, to render again).
        let root = &self.options.root;
        let kept = (self.options.write && !self.incremental).then(|| {
            let reading = format!("{:?}", self.reading);
            let salt =
                super::super::article_cache::salt(&super::super::cache::identity(), root, &reading);
            super::super::article_cache::ArticleCache::open(root, salt, self.stamps.clone())
        });
        let loaded = article::load_all(
            root,
            files,
            self.incremental,
            &self.reading,
            kept.as_ref().map(|k| k as &dyn article::KeptArticles),
        );
        self.articles_read = files.len() - kept.map_or(0, |k| k.save());
        // A one-off build reads every article once, into a list: filing 100,000 by
        // path took 30 ms on one thread, for a map that only a session looks in.
        if !self.incremental && self.articles.is_empty() && self.failed.is_empty() {
            self.loaded.reserve(loaded.len());
            for (md, result) in files.iter().zip(loaded) {
                match result {
                    Ok(a) => self.loaded.push(a),
                    Err(d) => {
                        self.failed.insert(md.rel.clone(), d);
                    }
                }
            }
            return;
        }
        self.articles.reserve(loaded.len());
        for (md, result) in files.iter().zip(loaded) {
            match result {
                Ok(a) => {
                    self.failed.remove(&md.rel);
                    self.articles.insert(md.rel.clone(), a);
                }
                Err(d) => {
                    self.articles.remove(&md.rel);
                    self.failed.insert(md.rel.clone(), d);
                }
            }
        }
    }
}

/// `content/` under `root` and its profiles read. A one-off build has just stamped
/// every file under it (`stamps`): listed from those, not walked again.
fn content_of(
    root: &std::path::Path,
    stamps: Option<&crate::build::cache::Stamps>,
) -> (
    walk::Found,
    Vec<crate::model::profile::Profile>,
    Vec<Diagnostic>,
) {
    let dir = root.join("content");
    let listed = stamps
        .and_then(|stamps| walk::content_listed(&dir, stamps.files.keys().map(String::as_str)));
    let content = listed.unwrap_or_else(|| walk::walk(root, &dir, walk::Mode::Content));
    let (profiles, diagnostics) = profile::load_all(root, &content.profiles);
    (content, profiles, diagnostics)
}
