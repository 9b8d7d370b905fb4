//! Rendering the planned pages and writing them: every page (a full build), or only
//! the pages whose fingerprint changed (an update), each offered to an
//! [`output::Update`], which writes only the files whose bytes changed and moves them
//! into place at the end.
//!
//! Nothing is written while errors are known: a build with errors still renders
//! every page (to report template errors too) and leaves the output as it was.

use super::report::{dedupe, BuildReport, Laps};
use super::{BuildOptions, Progress};
use crate::diagnostics::Diagnostic;
use crate::model::fingerprint;
use crate::model::site::Site;
use crate::output::{self, Update};
use crate::render::context::Views;
use crate::render::links::{self, PageLinks};
use crate::render::plan::{Entry, Output, PageKind, Plan};
use crate::render::templates::Templates;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What writing needs: the build's options, the templates, where the site goes.
pub(super) struct Target<'a> {
    pub options: &'a BuildOptions,
    pub templates: &'a Templates,
    pub output_dir: PathBuf,
    /// What makes warnings errors, if anything (see `Session::strictness`).
    pub strict: Option<&'static str>,
    /// A session's build: its commit is kept for its next update to trust
    /// ([`Update::trust`]).
    pub session: bool,
}

/// The model, views and plan of one build: what its pages are rendered from.
pub(super) struct Pages<'a> {
    pub site: &'a Site,
    pub views: &'a Views,
    pub plan: &'a Plan,
}

/// What tells the build's caller it waits for another build's lock.
fn waiting(options: &BuildOptions) -> impl Fn(&str) + '_ {
    move |what: &str| {
        if let Some(tell) = options.waiting {
            tell(what);
        }
    }
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Every planned file's fingerprint, in plan order.
pub(super) fn fingerprints(pages: &Pages<'_>) -> Vec<u64> {
    pages
        .plan
        .entries
        .par_iter()
        .map(|e| entry_fingerprint(pages.site, pages.views, e))
        .collect()
}

/// Writes over the last good output only the files whose fingerprint (`fingerprints`,
/// in plan order) differs from `built`'s (by path), and removes the files no longer
/// planned. With `trust`, what the caller's last commit left, kept files are taken
/// as it left them (see [`Update::trust`]); for a session, what this commit leaves
/// goes back into it. `Err` carries every problem, and whether the output is now
/// part old, part new (an I/O error midway).
pub(super) fn in_place(
    target: &Target<'_>,
    pages: &Pages<'_>,
    (built, fingerprints): (&HashMap<String, u64>, &[u64]),
    trust: &mut Option<output::Committed>,
    mut diagnostics: Vec<Diagnostic>,
    report: &mut BuildReport,
    laps: &mut Laps,
) -> Result<Vec<Diagnostic>, (Vec<Diagnostic>, bool)> {
    let plan = pages.plan;
    // Under the output's lock from here: never beside another build's commit.
    let update = match Update::begin(&target.output_dir, &waiting(target.options)) {
        Ok((mut update, recovered)) => {
            diagnostics.extend(recovered.map(|n| output::recovered(&target.output_dir, n)));
            update.trust(trust.take(), plan.entries.iter().map(|e| e.path.as_str()));
            update
        }
        Err(e) => {
            diagnostics.push(Diagnostic::general(format!(
                "cannot write {}: {e}",
                target.output_dir.display()
            )));
            return Err((diagnostics, false));
        }
    };
    // A file whose fingerprint is unchanged is kept if the output still holds what
    // was written (someone may have removed it).
    let todo: Vec<usize> = (0..plan.entries.len())
        .into_par_iter()
        .filter(|&i| {
            let path = &plan.entries[i].path;
            built.get(path) != Some(&fingerprints[i]) || !update.keep(path)
        })
        .collect();
    // A one-off build frees at once the bodies of the article pages it keeps: no
    // page it renders needs them but the feeds, which keep theirs (see
    // `Views::release_body`; a session has no bodies of its own to free).
    for (k, entry) in plan.entries.iter().enumerate() {
        if let Output::Page(PageKind::Article(i)) = entry.output {
            if todo.binary_search(&k).is_err() {
                pages.views.release_body(i);
            }
        }
    }
    if let Some(p) = &target.options.progress {
        p.start(todo.len());
    }
    // Each page is staged as soon as it is rendered, in parallel: the output does
    // not change before the commit, which a problem anywhere prevents. With errors
    // already known, pages are only rendered, for their own errors.
    let staging = (!has_errors(&diagnostics)).then_some(&update);
    let done = render_entries(
        pages,
        target.templates,
        &todo,
        target.options.progress.as_deref(),
        |i, body| stage(pages, target, staging, &plan.entries[i], body),
    );
    laps.lap("render");
    let mut io_errors = Vec::new();
    let mut render_errors = Vec::new();
    for (i, outcome) in done {
        match outcome {
            Staged::Rendered(edition) => report.editions.extend(edition),
            Staged::Failed(d) => render_errors.push(d),
            Staged::Unwritten(e) => io_errors.push(Diagnostic::general(format!(
                "cannot write {}: {e}",
                plan.entries[i].path
            ))),
        }
        report.count(&plan.entries[i]);
    }
    diagnostics.extend(dedupe(render_errors));
    diagnostics.extend(dedupe(pages.views.body_problems()));
    diagnostics.extend(io_errors);
    if has_errors(&diagnostics) {
        return Err((diagnostics, false));
    }
    match commit(update, target, report) {
        Ok(committed) => *trust = committed,
        Err(d) => {
            diagnostics.push(d);
            return Err((diagnostics, true));
        }
    }
    Ok(diagnostics)
}

/// Commits `update`, saying in the report what it wrote; for a session, returns
/// what its next update may trust.
fn commit(
    update: Update,
    target: &Target<'_>,
    report: &mut BuildReport,
) -> Result<Option<output::Committed>, Diagnostic> {
    match update.commit_keeping(target.session) {
        Ok((written, committed)) => {
            report.written = written.written;
            report.unchanged = written.unchanged;
            report.removed = written.removed;
            report.manifest = written.manifest;
            report.output = Some(target.output_dir.clone());
            Ok(committed)
        }
        Err(e) => Err(Diagnostic::general(format!(
            "cannot finish writing {}: {e}; the next build (or serve) finishes it from the journal beside it, {}",
            target.output_dir.display(),
            output::beside(&target.output_dir, "journal").display()
        ))),
    }
}

/// Renders every planned file and writes those whose bytes changed; with errors, or
/// for `check`, renders everything and writes nothing. A session's commit goes into
/// `last`.
pub(super) fn staged(
    target: &Target<'_>,
    pages: &Pages<'_>,
    last: &mut Option<output::Committed>,
    mut diagnostics: Vec<Diagnostic>,
    report: &mut BuildReport,
    laps: &mut Laps,
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let (options, plan, output_dir) = (target.options, pages.plan, &target.output_dir);
    // With errors already found, still render every page (writing nothing) to find
    // template errors too, so one run reports everything.
    let update = if options.write && !has_errors(&diagnostics) {
        let begun = Update::begin(output_dir, &waiting(options));
        match begun {
            Ok((u, recovered)) => {
                diagnostics.extend(recovered.map(|n| output::recovered(output_dir, n)));
                Some(u)
            }
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
    if let Some(p) = &options.progress {
        p.start(plan.entries.len());
    }
    let (problems, scanned, editions) = render_all(pages, target, update.as_ref());
    diagnostics.extend(problems);
    diagnostics.extend(dedupe(pages.views.body_problems()));
    if options.check {
        let files: HashSet<&str> = plan.entries.iter().map(|e| e.path.as_str()).collect();
        let base_path = pages.site.config.base_path();
        let source = |file: &Path| std::fs::read_to_string(options.root.join(file)).ok();
        let found = dedupe(links::check(&scanned, &files, &base_path, source));
        diagnostics.extend(found.into_iter().map(|d| match target.strict {
            Some(by) => d.strict(by),
            None => d,
        }));
        laps.lap("links");
    }
    if has_errors(&diagnostics) {
        return Err(diagnostics);
    }
    if let Some(update) = update {
        report.editions = editions;
        match commit(update, target, report) {
            Ok(committed) => *last = committed,
            Err(d) => {
                diagnostics.push(d);
                return Err(diagnostics);
            }
        }
    }
    for entry in &plan.entries {
        report.count(entry);
    }
    Ok(diagnostics)
}

/// What one output file is made from, hashed: a page's values, a copied file's size
/// and modification time, a theme file's bytes.
fn entry_fingerprint(site: &Site, views: &Views, entry: &Entry) -> u64 {
    match &entry.output {
        Output::Page(kind) => views.fingerprint(site, *kind),
        Output::Copy(src) => {
            let mut h = fingerprint::hasher();
            src.hash(&mut h);
            match std::fs::metadata(src) {
                Ok(m) => {
                    m.len().hash(&mut h);
                    m.modified().ok().hash(&mut h);
                }
                // Unreadable now: always copied again, which reports why.
                Err(_) => Instant::now().hash(&mut h),
            }
            h.finish()
        }
        Output::Theme(bytes) => fingerprint::of(bytes),
    }
}

/// What became of one file an update rendered again.
enum Staged {
    /// Rendered, and staged unless its bytes were unchanged or errors were known;
    /// whether it is an edition's message new or changed.
    Rendered(Option<super::report::EditionChange>),
    /// Its template failed.
    Failed(Diagnostic),
    /// It could not be staged.
    Unwritten(std::io::Error),
}

/// Offers one rendered file to `update` (if given): a page's bytes, a copied file,
/// a theme file.
fn stage(
    pages: &Pages<'_>,
    target: &Target<'_>,
    update: Option<&Update>,
    entry: &Entry,
    body: Result<Option<Vec<u8>>, Diagnostic>,
) -> Staged {
    let body = match body {
        Ok(body) => body,
        Err(d) => return Staged::Failed(d),
    };
    let Some(update) = update else {
        return Staged::Rendered(None);
    };
    let mut edition = None;
    let written = match (&entry.output, body) {
        (Output::Page(kind), Some(bytes)) => {
            edition = super::report::edition_change(
                pages.site,
                *kind,
                &target.output_dir,
                &entry.path,
                &bytes,
            );
            update.write(&entry.path, &bytes)
        }
        (_, Some(bytes)) => update.write(&entry.path, &bytes),
        (Output::Copy(src), _) => update.copy(&entry.path, src),
        (Output::Theme(bytes), _) => update.write(&entry.path, bytes),
        (Output::Page(_), None) => Ok(false),
    };
    match written {
        Ok(_) => Staged::Rendered(edition),
        Err(e) => Staged::Unwritten(e),
    }
}

/// Renders the pages among `todo` in parallel, each handed to `then` as soon as it
/// is (files to copy as `Ok(None)`).
fn render_entries<T: Send>(
    pages: &Pages<'_>,
    templates: &Templates,
    todo: &[usize],
    progress: Option<&Progress>,
    then: impl Fn(usize, Result<Option<Vec<u8>>, Diagnostic>) -> T + Sync,
) -> Vec<(usize, T)> {
    let Pages { site, views, plan } = *pages;
    todo.par_iter()
        .map(|&i| {
            if let Some(p) = progress {
                p.tick();
            }
            let result = match plan.entries[i].output {
                Output::Page(kind) => crate::render::render_page(site, views, templates, kind)
                    .map(|html| Some(html.into_bytes())),
                _ => Ok(None),
            };
            (i, then(i, result))
        })
        .collect()
}

/// What writing one entry of the plan found: a problem, with `check` the page's
/// links and ids, and whether it is an edition's message new or changed.
type Outcome = (
    Option<Diagnostic>,
    Option<PageLinks>,
    Option<super::report::EditionChange>,
);

/// Renders (and writes, given a staging folder) every entry of the plan in parallel.
/// Template errors repeated on many pages are reported once, with the count. With
/// `check`, each HTML page's links and ids come back too.
fn render_all(
    pages: &Pages<'_>,
    target: &Target<'_>,
    update: Option<&Update>,
) -> (
    Vec<Diagnostic>,
    Vec<PageLinks>,
    Vec<super::report::EditionChange>,
) {
    let Pages { site, views, plan } = *pages;
    let (templates, options) = (target.templates, target.options);
    let one = |entry: &Entry| -> Outcome {
        if let Some(p) = &options.progress {
            p.tick();
        }
        let io = |r: std::io::Result<bool>| {
            r.err()
                .map(|e| Diagnostic::general(format!("cannot write {}: {e}", entry.path)))
        };
        match &entry.output {
            Output::Page(kind) => {
                match crate::render::render_unspliced(site, views, templates, *kind) {
                    Ok(page) => {
                        let root = crate::render::context::root(site, *kind);
                        // `check` reads the links of the finished page; a build writes
                        // the page as its cards are spliced in, so a list's cards are
                        // never all in memory.
                        let scanned = (options.check && entry.path.ends_with(".html")).then(|| {
                            let html = views.splice_cards(page.clone(), &root);
                            let origin = matches!(kind, PageKind::Article(_))
                                .then(|| PathBuf::from(&entry.origin));
                            links::scan(&entry.path, origin, &html)
                        });
                        // Compared before the commit, while the last output is there.
                        let change = update.and_then(|_| {
                            super::report::edition_change(
                                site,
                                *kind,
                                &target.output_dir,
                                &entry.path,
                                page.as_bytes(),
                            )
                        });
                        let written = update.and_then(|u| {
                            io(u.write_with(&entry.path, |mut out| {
                                views.write_spliced(&page, &root, &mut out)
                            }))
                        });
                        if let PageKind::Article(i) = kind {
                            views.release_body(*i);
                        }
                        (written, scanned, change)
                    }
                    Err(d) => (Some(d), None, None),
                }
            }
            Output::Copy(src) => (
                update.and_then(|u| io(u.copy(&entry.path, src))),
                None,
                None,
            ),
            Output::Theme(bytes) => (
                update.and_then(|u| io(u.write(&entry.path, bytes))),
                None,
                None,
            ),
        }
    };
    // Article pages first: each frees its body once written, so the lists rendered
    // after them (a home page of 100,000 entries) reuse that memory rather than
    // adding to the peak. Problems are still reported in the plan's order.
    let (articles, rest): (Vec<usize>, Vec<usize>) = (0..plan.entries.len())
        .partition(|&i| matches!(plan.entries[i].output, Output::Page(PageKind::Article(_))));
    let mut results: Vec<(usize, Outcome)> = articles
        .into_par_iter()
        .map(|i| (i, one(&plan.entries[i])))
        .collect();
    results.par_extend(rest.into_par_iter().map(|i| (i, one(&plan.entries[i]))));
    results.sort_unstable_by_key(|(i, _)| *i);
    let mut problems = Vec::new();
    let mut scanned = Vec::new();
    let mut editions = Vec::new();
    for (_, (problem, links, change)) in results {
        problems.extend(problem);
        scanned.extend(links);
        editions.extend(change);
    }
    (dedupe(problems), scanned, editions)
}
