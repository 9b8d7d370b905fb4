//! A build session: the one pipeline behind `build`, `check`, `watch` and `serve`.
//!
//! A session holds what it loaded (the configuration, the templates, every article,
//! the files walked) and, once a build succeeded, the fingerprint of every file in the
//! output. [`Session::update`] takes the paths that changed and does the least work
//! that gives what a full build would:
//!
//! - it re-reads only those paths: one article, the templates, `site.toml`; a file
//!   that appeared or went makes it walk `content/` or `static/` again;
//! - it rebuilds the site model from the articles in memory (sorting and indexing are
//!   cheap next to reading and rendering);
//! - it renders again only the bodies whose text changed or whose links would now
//!   resolve differently ([`crate::model::links::LinkUse`]);
//! - it renders only the pages whose fingerprint changed
//!   ([`crate::render::context::Views::fingerprint`] hashes every value a page's
//!   template sees), copies only the files whose size or time changed, and removes the
//!   files no longer planned.
//!
//! A build with errors changes nothing on disk: the last good site stays.

mod load;
mod update;

use super::report::{dedupe, peak_memory, BuildFailure, BuildReport, Laps};
use super::write::{self, Pages, Target};
use super::{drop_later, BuildOptions};
use crate::config::Config;
use crate::content::walk::Found;
use crate::content::{article, bodies};
use crate::diagnostics::Diagnostic;
use crate::model::article::Article;
use crate::model::asset::Asset;
use crate::model::profile::Profile;
use crate::model::site::{KeptModel, Site};
use crate::output;
use crate::render::context::{ViewCache, Views};
use crate::render::plan::{self, Plan};
use crate::render::templates::Templates;
use chrono::{DateTime, FixedOffset};
use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;
use std::time::Instant;

/// Everything loaded for a site, and what its output holds.
pub struct Session {
    pub(super) options: BuildOptions,
    /// Keep article sources and output fingerprints for [`Session::update`].
    pub(super) incremental: bool,
    pub(super) config: Option<Config>,
    pub(super) config_diagnostics: Vec<Diagnostic>,
    /// What of site.toml reading articles depends on (with errors in it, what can
    /// be made out).
    pub(super) reading: article::Reading,
    pub(super) templates: Option<Templates>,
    pub(super) template_diagnostics: Vec<Diagnostic>,
    pub(super) content: Found,
    pub(super) statics: Found,
    /// `data/`, as templates get it (`data.<name>`), and its problems.
    pub(super) data: (serde_json::Value, Vec<Diagnostic>),
    /// Profiles of actors, sources and authors, read whenever `content/` is walked.
    pub(super) profiles: Vec<Profile>,
    /// What reading the profiles found.
    pub(super) profile_diagnostics: Vec<Diagnostic>,
    /// Loaded articles (drafts too) by path under `content/`.
    pub(super) articles: HashMap<String, Box<Article>>,
    /// Or, for a one-off build, as they were read (see `load_articles`), boxed as
    /// the partition and the site's sort take them.
    #[allow(clippy::vec_box)]
    pub(super) loaded: Vec<Box<Article>>,
    /// Files that did not load, with why, by path under `content/`.
    pub(super) failed: HashMap<String, Vec<Diagnostic>>,
    /// After a good build: the fingerprint of every file the output holds.
    pub(super) built: Option<HashMap<String, u64>>,
    /// What this session's last commit left in the output, for the next to trust.
    pub(super) committed: Option<output::Committed>,
    /// Article items and cards of the last build.
    pub(super) cards: ViewCache,
    /// The model of the last build that got as far as rendering, kept whole so that
    /// a save that changes only an article's body is applied to it in place.
    pub(super) kept: Option<Kept>,
    /// Article files the last loading read (the others were kept by a build).
    pub(super) articles_read: usize,
    /// How long [`Session::open`] took to read the site, until the first build
    /// reports it.
    pub(super) opening: Option<(std::time::Duration, Option<u64>)>,
    /// The stamps of `content/`'s files the build cache took before this one-off
    /// build read anything, for the kept articles.
    pub(super) stamps: Option<std::sync::Arc<super::cache::Stamps>>,
}

/// A built site model with its views and plan.
pub(super) struct Kept {
    pub(super) site: Site,
    /// Articles left out of it (drafts, scheduled, expired).
    pub(super) aside: Vec<Article>,
    /// When the next article falls due or expires: past it, a status has changed
    /// and the quick path may not keep the model.
    pub(super) next_change: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub(super) views: Views,
    pub(super) plan: Plan,
}

impl Session {
    /// Loads the whole site. With `incremental`, the session keeps what
    /// [`Session::update`] needs (article sources, output fingerprints).
    pub fn open(options: BuildOptions, incremental: bool) -> Session {
        Session::load(options, incremental, None)
    }

    /// A one-off build's session ([`Session::open`] without `incremental`), given
    /// the stamps of `content/`'s files taken before anything was read, so that
    /// each is stamped once.
    pub(super) fn open_stamped(
        options: BuildOptions,
        stamps: Option<std::sync::Arc<super::cache::Stamps>>,
    ) -> Session {
        Session::load(options, false, stamps)
    }

    fn load(
        options: BuildOptions,
        incremental: bool,
        stamps: Option<std::sync::Arc<super::cache::Stamps>>,
    ) -> Session {
        let mut session = Session {
            options,
            incremental,
            config: None,
            config_diagnostics: Vec::new(),
            reading: article::Reading::default(),
            templates: None,
            template_diagnostics: Vec::new(),
            content: Found::default(),
            statics: Found::default(),
            data: (serde_json::Value::Null, Vec::new()),
            profiles: Vec::new(),
            profile_diagnostics: Vec::new(),
            articles: HashMap::default(),
            loaded: Vec::new(),
            failed: HashMap::default(),
            built: None,
            committed: None,
            cards: ViewCache::default(),
            kept: None,
            articles_read: 0,
            opening: None,
            stamps,
        };
        let start = Instant::now();
        session.load_config();
        session.load_all_but_articles();
        let all = session.content.markdown.clone();
        session.load_articles(&all);
        session.opening = Some((start.elapsed(), peak_memory()));
        session
    }

    /// The build's *now*: `--now` (or `BRIEFING_NOW`, which the binary reads into
    /// it), else the clock.
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.options
            .now
            .unwrap_or_else(|| chrono::Utc::now().fixed_offset())
    }

    /// The folder the site is written to.
    pub fn output_dir(&self) -> PathBuf {
        let configured = self
            .config
            .as_ref()
            .map_or_else(|| PathBuf::from("public"), |c| c.output_dir.clone());
        self.options
            .output
            .clone()
            .unwrap_or_else(|| self.options.root.join(configured))
    }

    /// Renders every page and writes the whole site through a staging folder (or, for
    /// `check`, writes nothing); with fingerprints remembered from the last build
    /// ([`Session::remember`]) and its output still there, only the pages whose
    /// fingerprint changed.
    pub fn build(&mut self) -> Result<BuildReport, BuildFailure> {
        // A one-off session's last build freed its articles (see `run`).
        if !self.incremental
            && self.articles.is_empty()
            && self.loaded.is_empty()
            && self.kept.is_none()
        {
            let all = self.content.markdown.clone();
            self.load_articles(&all);
        }
        let read = self.opening.take();
        let in_place = self.built.is_some()
            && self.options.write
            && self.output_dir().join(output::MARKER).is_file();
        self.run(in_place).map(|mut report| {
            report.articles_read = self.articles_read;
            if let Some((read, peak)) = read {
                report.stages.insert(0, ("read", read, peak));
                report.elapsed += read;
            }
            report
        })
    }

    /// Takes the fingerprint of every file a build of the same output wrote, by its
    /// path in the output (see [`super::cache`]), for [`Session::build`].
    pub fn remember(&mut self, built: Option<HashMap<String, u64>>) {
        self.built = built;
    }

    /// The fingerprint of every file of the last good build, to remember.
    pub fn forget(&mut self) -> Option<HashMap<String, u64>> {
        self.built.take()
    }

    /// Whether pages are fingerprinted: for a session's updates, and for a build
    /// that writes (the next one renders only what changed).
    fn fingerprinting(&self) -> bool {
        self.incremental || (self.options.write && !self.options.check)
    }

    /// Whether this build takes what the last one kept on disk (bodies, cards):
    /// every one-off build, and a session's first (it keeps its own in memory after
    /// that).
    fn first_build(&self) -> bool {
        !self.incremental || self.built.is_none() && self.committed.is_none()
    }

    /// Puts the articles of the kept model back with the others, for a full rebuild
    /// of the model.
    pub(super) fn disassemble(&mut self) {
        if let Some(kept) = self.kept.take() {
            for a in kept.site.into_articles().chain(kept.aside) {
                self.articles.insert(a.content_path.clone(), Box::new(a));
            }
        }
    }

    /// Builds the site model from the loaded articles, renders, writes, and takes the
    /// model apart again so the next update can reuse the articles.
    fn run(&mut self, in_place: bool) -> Result<BuildReport, BuildFailure> {
        let start = Instant::now();
        let mut laps = Laps::new();
        self.disassemble();
        // Before anything else, an interrupted build's commit is finished.
        let recovered = if self.options.write {
            let waiting = self.options.waiting;
            let tell = move |what: &str| waiting.into_iter().for_each(|t| t(what));
            output::recover(&self.output_dir(), &tell).unwrap_or_else(Some)
        } else {
            None
        };

        // Drafts, scheduled, expired and withdrawn articles stay out (with their
        // bundles' files) unless asked for.
        let now = self.now();
        let super::partition::Partition {
            included,
            aside,
            withdrawn,
            left_out,
            next_change,
            hidden_bundles: draft_bundles,
        } = super::partition::partition(
            self.articles
                .drain()
                .map(|(_, a)| a)
                .chain(std::mem::take(&mut self.loaded)),
            &self.options,
            now,
        );
        // Empty now, but still the size of every article (800 bytes each): freed.
        self.articles.shrink_to_fit();
        let assets: Vec<Asset> = self
            .content
            .assets
            .iter()
            .filter(|f| !draft_bundles.iter().any(|b| f.rel.starts_with(b.as_str())))
            .cloned()
            .collect();
        let config = self.config.clone().unwrap_or_else(Config::placeholder);
        // A build takes what the last one kept of the model (the related briefings,
        // the search index) where what it was made from is as it was, as it takes
        // bodies and cards (see below).
        let kept_model = (self.options.write && self.first_build()).then(|| {
            super::model_cache::ModelCache::open(&self.options.root, &super::cache::identity())
        });
        let kept_model = kept_model.as_ref().map(|k| k as &dyn KeptModel);
        let (mut site, site_diagnostics) = Site::new_kept(
            config,
            included,
            self.profiles.clone(),
            assets,
            self.statics.assets.clone(),
            kept_model,
        );
        site.set_withdrawn(withdrawn);
        site.now = Some(now);
        let valid_until = next_change
            .into_iter()
            .chain(crate::render::sitemap::news_changes_at(&site, now))
            .min();
        site.data = self.data.0.clone();
        laps.lap("model");
        let shortcodes = self
            .templates
            .as_ref()
            .map(|t| t as &dyn crate::content::markdown::shortcodes::Shortcodes);
        // A build takes the bodies the last one kept, where their files and the
        // settings are as they were; a session, only for its first build (it keeps
        // its own in memory after that).
        let kept = (self.options.write && self.first_build()).then(|| {
            let root = &self.options.root;
            let config = format!("{:?}", self.config);
            super::body_cache::BodyCache::open(
                root,
                super::body_cache::salt(&super::cache::identity(), root, &config),
            )
        });
        let render = |kept: Option<&dyn bodies::Kept>| {
            bodies::render(
                &site,
                shortcodes,
                &self.options.root,
                self.incremental,
                true,
                kept,
            )
        };
        let mut rendered = render(kept.as_ref().map(|k| k as &dyn bodies::Kept));
        // A one-off build reads the bodies it kept back for their pages: if they did
        // not all reach the disk (a full one), they are rendered again and held.
        if kept.is_some_and(|kept| !kept.save()) && !self.incremental {
            rendered = render(None);
        }
        let bodies = rendered.len();
        laps.lap("bodies");
        site.attach_kept(rendered, kept_model);
        laps.lap("search index");
        let (image_problems, images) = super::images::make(&self.options.root, &mut site);
        laps.lap("images");
        let mut site_diagnostics = site_diagnostics;
        site_diagnostics.extend(recovered);
        site_diagnostics.extend(image_problems);
        // Gathering the problems (among them the published URLs compared) and planning
        // the output read the site alone, each on one thread: side by side.
        let ((diagnostics, unrecorded), planned) = rayon::join(
            || self.diagnostics(&site, &aside, site_diagnostics),
            || plan::plan(&site),
        );
        // A one-off build hands the bodies to the views, which free each as soon as
        // its page is written; a session keeps them for the next update.
        let adopted: Option<Vec<_>> = (!self.incremental).then(|| site.take_bodies());

        let result = match self.prepare(&site, diagnostics, planned, in_place, adopted, &mut laps) {
            Ok((views, plan, diagnostics)) => {
                let mut result =
                    self.write_out(&site, &views, &plan, diagnostics, in_place, &mut laps);
                // `build` adds what it published to the record.
                if let Ok(report) = &mut result {
                    if !self.incremental && self.options.write {
                        // Read again for the few builds that add to it: it may have
                        // changed (a checkout) while the pages were made.
                        let root = &self.options.root;
                        let added = match unrecorded {
                            Some(urls) if !urls.is_empty() => super::published::read(root)
                                .and_then(|record| super::published::add(root, &record, &urls)),
                            _ => Ok(()),
                        };
                        // The site is written: a record that cannot be is said, not fatal.
                        if let Err(e) = added {
                            report.warnings.push(Diagnostic::warning(
                                super::published::RECORD,
                                format!("{}; the site was built", e.message),
                            ));
                        }
                    }
                }
                // Only a model that built cleanly is kept: the quick path does not
                // check again what it does not change (slugs, the plan).
                if self.incremental && result.is_ok() {
                    self.kept = Some(Kept {
                        site,
                        aside,
                        next_change,
                        views,
                        plan,
                    });
                } else if self.incremental {
                    for a in site.into_articles().chain(aside) {
                        self.articles.insert(a.content_path.clone(), Box::new(a));
                    }
                    drop_later((views, plan));
                } else {
                    // A one-off build is done with its articles: they are freed with
                    // the rest, not put back into a map that would grow again to hold
                    // them all (at 10,000 articles, 45 MiB above the build's peak).
                    // Another build of this session reads them again.
                    drop_later((site, aside, views, plan));
                }
                result
            }
            Err(failure) => {
                for a in site.into_articles().chain(aside) {
                    self.articles.insert(a.content_path.clone(), Box::new(a));
                }
                Err(failure)
            }
        };
        result.map(|mut report| {
            report.bodies = bodies;
            report.images = images;
            report.left_out = left_out;
            report.valid_until = valid_until;
            report.zone = self.config.as_ref().and_then(|c| c.timezone);
            report.stages = laps.laps;
            report.elapsed = start.elapsed();
            report
        })
    }

    /// Plans the output and makes the views: everything short of rendering pages.
    fn prepare(
        &mut self,
        site: &Site,
        mut diagnostics: Vec<Diagnostic>,
        planned: (Plan, Vec<Diagnostic>),
        in_place: bool,
        adopted: Option<Vec<(String, Option<crate::model::article::KeptHtml>)>>,
        laps: &mut Laps,
    ) -> Result<(Views, Plan, Vec<Diagnostic>), BuildFailure> {
        let (Some(templates), true) = (&self.templates, self.config.is_some()) else {
            return Err(BuildFailure { diagnostics });
        };
        let output_dir = self.output_dir();
        if self.options.write && !in_place {
            if let Err(d) = output::check_output_dir(&self.options.root, &output_dir) {
                diagnostics.push(d);
            }
        }
        let (plan, plan_diagnostics) = planned;
        diagnostics.extend(plan_diagnostics);

        laps.lap("plan");
        // Cards are taken from the last build's as bodies are (see `run`).
        let kept = (self.options.write && self.first_build()).then(|| {
            super::card_cache::CardCache::open(&self.options.root, &super::cache::identity())
        });
        let (mut views, cards, card_errors) = Views::new(
            site,
            templates,
            self.incremental.then_some(&self.cards),
            kept.as_ref()
                .map(|k| k as &dyn crate::render::context::KeptCards),
            self.fingerprinting(),
        );
        if let Some(kept) = kept {
            kept.save();
        }
        if let Some(bodies) = adopted {
            views.adopt_bodies(site, bodies);
        }
        diagnostics.extend(dedupe(card_errors));
        if self.incremental {
            self.cards = cards;
        }
        laps.lap("views");
        Ok((views, plan, diagnostics))
    }

    /// Renders the pages whose fingerprint changed (every page, unless `in_place`)
    /// and writes them; after a good build, keeps every file's fingerprint for the
    /// next update.
    pub(super) fn write_out(
        &mut self,
        site: &Site,
        views: &Views,
        plan: &Plan,
        diagnostics: Vec<Diagnostic>,
        in_place: bool,
        laps: &mut Laps,
    ) -> Result<BuildReport, BuildFailure> {
        let Some(templates) = &self.templates else {
            return Err(BuildFailure { diagnostics });
        };
        let target = Target {
            options: &self.options,
            templates,
            output_dir: self.output_dir(),
            strict: self.strictness(),
            session: self.incremental,
        };
        // The plan's and the cards' warnings too.
        let diagnostics = self.strict_about(diagnostics);
        let pages = Pages { site, views, plan };
        let fingerprints = if self.fingerprinting() {
            write::fingerprints(&pages)
        } else {
            Vec::new()
        };
        laps.lap("fingerprints");
        let mut report = BuildReport {
            cards: views.cards_rendered,
            ..BuildReport::default()
        };
        let written = match (in_place, &self.built) {
            (true, Some(built)) => write::in_place(
                &target,
                &pages,
                (built, &fingerprints),
                // A session's own last output is taken as it left it; a one-off
                // build looks at every file its cache says it may keep.
                &mut self.committed,
                diagnostics,
                &mut report,
                laps,
            ),
            _ => write::staged(
                &target,
                &pages,
                &mut self.committed,
                diagnostics,
                &mut report,
                laps,
            )
            .map_err(|diagnostics| (diagnostics, false)),
        };
        let diagnostics = match written {
            Ok(diagnostics) => diagnostics,
            Err((diagnostics, mixed)) => {
                if mixed {
                    // The output is now part old, part new: the next update writes
                    // it all.
                    self.built = None;
                }
                self.committed = None;
                return Err(BuildFailure { diagnostics });
            }
        };
        laps.lap(if in_place {
            "write"
        } else {
            "render and write"
        });
        // A one-off build counts every file of the site, rendered or kept.
        if in_place && !self.incremental {
            report.pages.clear();
            report.files = 0;
            for entry in &plan.entries {
                report.count(entry);
            }
        }
        if self.fingerprinting() && self.options.write {
            // The same files as last time (a save on the quick path): their new
            // fingerprints go in place, with no path copied.
            // Looked up in parallel (110,000 paths at 100,000 articles); the few
            // that changed are set after.
            let same_files = self.built.as_mut().is_some_and(|built| {
                use rayon::prelude::*;
                let changed: Option<Vec<usize>> = (built.len() == plan.entries.len())
                    .then(|| {
                        (0..fingerprints.len())
                            .into_par_iter()
                            .filter_map(|i| match built.get(&plan.entries[i].path) {
                                Some(f) if *f == fingerprints[i] => None,
                                Some(_) => Some(Some(i)),
                                None => Some(None),
                            })
                            .collect()
                    })
                    .flatten();
                changed.is_some_and(|changed| {
                    for i in changed {
                        built.insert(plan.entries[i].path.clone(), fingerprints[i]);
                    }
                    true
                })
            });
            if !same_files {
                self.built = Some(
                    plan.entries
                        .iter()
                        .zip(fingerprints)
                        .map(|(e, f)| (e.path.clone(), f))
                        .collect(),
                );
            }
        }
        report.warnings = diagnostics;
        Ok(report)
    }
}
