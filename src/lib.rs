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
//! Problems at every stage are [`diagnostics::Diagnostic`]s, collected so that one run
//! reports them all. The library never prints.

// Diagnostics are the error type of every stage; they are built only on the cold
// path and carry what a user needs to see, so their size does not matter.
#![allow(clippy::result_large_err)]
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod model;
pub mod output;
pub mod render;

use content::walk;
use diagnostics::Diagnostic;
use model::site::Site;
use rayon::prelude::*;
use render::context::Views;
use render::plan::{Output, Plan};
use render::templates::Templates;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

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
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Pages rendered, by kind (`article`, `home`, `taxonomy`, `term`).
    pub pages: BTreeMap<&'static str, usize>,
    /// Files copied (static, content and theme files).
    pub files: usize,
    /// Where the site was written, when it was.
    pub output: Option<PathBuf>,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Time per stage, for `--verbose`.
    pub stages: Vec<(&'static str, Duration)>,
    /// Non-fatal problems.
    pub warnings: Vec<Diagnostic>,
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

/// The loaded, checked site, ready to render.
pub struct Loaded {
    /// The model.
    pub site: Site,
    /// The templates.
    pub templates: Templates,
}

/// Runs stages 1–3 and loads the templates: everything short of rendering. Returns
/// whatever could be loaded, and every problem found.
pub fn load(options: &BuildOptions) -> (Option<Loaded>, Vec<Diagnostic>) {
    let root = &options.root;
    let mut diagnostics = Vec::new();
    // A broken site.toml still lets every article and template be checked, so one run
    // reports everything; nothing is rendered without a real configuration.
    let mut config_ok = true;
    let mut config = match config::load(root) {
        Ok(loaded) => {
            diagnostics.extend(loaded.warnings);
            loaded.config
        }
        Err(errors) => {
            diagnostics.extend(errors);
            config_ok = false;
            config::Config::placeholder()
        }
    };
    if let Some(base_url) = &options.base_url {
        match url::Url::parse(base_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => config.base_url = base_url.trim_end_matches('/').to_string(),
            _ => diagnostics.push(Diagnostic::general(format!(
                "--base-url: expected an absolute http or https URL such as https://example.org/briefings, found {base_url:?}"
            ))),
        }
    }
    let content_dir = root.join("content");
    let found = walk::walk(root, &content_dir, walk::Mode::Content);
    let statics = walk::walk(root, &root.join("static"), walk::Mode::Static);
    diagnostics.extend(found.diagnostics);
    diagnostics.extend(statics.diagnostics);

    let (mut articles, article_diagnostics) = content::article::load_all(root, &found.markdown);
    diagnostics.extend(article_diagnostics);
    let mut draft_bundles = Vec::new();
    if !options.drafts {
        articles.retain(|a| {
            if a.front.draft {
                draft_bundles.extend(a.bundle.as_ref().map(|b| format!("{b}/")));
            }
            !a.front.draft
        });
    }
    let mut assets = found.assets;
    assets.retain(|f| !draft_bundles.iter().any(|b| f.rel.starts_with(b.as_str())));

    let (mut site, site_diagnostics) = Site::new(config, articles, assets, statics.assets);
    diagnostics.extend(site_diagnostics);
    diagnostics.extend(site.render_bodies());
    let templates = match Templates::load(root) {
        Ok(t) => Some(t),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
    (
        templates
            .filter(|_| config_ok)
            .map(|templates| Loaded { site, templates }),
        diagnostics,
    )
}

/// Builds the site: loads, renders every page, and (unless `write` is off) swaps the
/// result into the output folder. Any error leaves the previous output untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let start = Instant::now();
    let mut stages = Vec::new();
    let (loaded, mut diagnostics) = load(options);
    stages.push(("load", start.elapsed()));
    let fail = |diagnostics: Vec<Diagnostic>| Err(BuildFailure { diagnostics });
    let Some(Loaded { site, templates }) = loaded else {
        return fail(diagnostics);
    };
    let output_dir = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join(&site.config.output_dir));
    if options.write {
        if let Err(d) = output::check_output_dir(&options.root, &output_dir) {
            diagnostics.push(d);
        }
    }
    let (plan, plan_diagnostics) = render::plan::plan(&site);
    diagnostics.extend(plan_diagnostics);
    let has_errors = |d: &[Diagnostic]| d.iter().any(Diagnostic::is_error);

    let t = Instant::now();
    let views = Views::new(&site);
    // With errors already found, still render every page (without writing) to find
    // template errors too, so one run reports everything.
    let staging = if options.write && !has_errors(&diagnostics) {
        match output::Staging::create(&output_dir).and_then(|s| {
            s.create_dirs(plan.entries.iter().map(|e| e.path.as_str()))
                .map(|()| s)
        }) {
            Ok(s) => Some(s),
            Err(e) => {
                diagnostics.push(Diagnostic::general(format!(
                    "cannot write beside {}: {e}",
                    output_dir.display()
                )));
                None
            }
        }
    } else {
        None
    };
    diagnostics.extend(render_all(
        &site,
        &views,
        &templates,
        &plan,
        staging.as_ref(),
    ));
    stages.push(("render and write", t.elapsed()));

    if has_errors(&diagnostics) {
        return fail(diagnostics);
    }
    let output = match staging {
        Some(s) => match s.commit() {
            Ok(_) => Some(output_dir),
            Err(e) => {
                diagnostics.push(Diagnostic::general(format!(
                    "cannot replace {}: {e}",
                    output_dir.display()
                )));
                return fail(diagnostics);
            }
        },
        None => None,
    };
    let mut pages = BTreeMap::new();
    for (_, kind) in plan.pages() {
        *pages.entry(kind.name()).or_insert(0) += 1;
    }
    let files = plan.entries.len() - plan.pages().count();
    Ok(BuildReport {
        pages,
        files,
        output,
        elapsed: start.elapsed(),
        stages,
        warnings: diagnostics,
    })
}

/// Renders (and writes, given a staging folder) every entry of the plan in parallel.
/// Template errors repeated on many pages are reported once, with the count.
fn render_all(
    site: &Site,
    views: &Views,
    templates: &Templates,
    plan: &Plan,
    staging: Option<&output::Staging>,
) -> Vec<Diagnostic> {
    let results: Vec<Diagnostic> = plan
        .entries
        .par_iter()
        .filter_map(|entry| {
            let io = |r: std::io::Result<()>| {
                r.err()
                    .map(|e| Diagnostic::general(format!("cannot write {}: {e}", entry.path)))
            };
            match &entry.output {
                Output::Page(kind) => match render::render_page(site, views, templates, *kind) {
                    Ok(html) => staging.and_then(|s| io(s.write(&entry.path, html.as_bytes()))),
                    Err(d) => Some(d),
                },
                Output::Copy(src) => staging.and_then(|s| io(s.copy(&entry.path, src))),
                Output::Theme(bytes) => staging.and_then(|s| io(s.write(&entry.path, bytes))),
            }
        })
        .collect();
    dedupe(results)
}

/// Collapses identical template errors (the same message on many pages) into one.
fn dedupe(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<(Diagnostic, usize)> = Vec::new();
    for d in diagnostics {
        let key = d
            .message
            .split_once(": ")
            .map_or(d.message.as_str(), |(_, rest)| rest)
            .to_string();
        match out.iter_mut().find(|(o, _)| {
            o.file == d.file
                && o.message
                    .split_once(": ")
                    .map_or(o.message.as_str(), |(_, r)| r)
                    == key
        }) {
            Some((_, n)) => *n += 1,
            None => out.push((d, 1)),
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
