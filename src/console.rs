//! The binary's voice: what `briefing` prints. Diagnostics (in colour on a
//! terminal), the summary line of a build, stage timings for `--verbose`, a progress
//! bar on slow builds, and the dev loop's reports.

use crate::cli::{Cli, ColorChoice};
use briefing::build::report::LeftOut;
use briefing::dev::server::Server;
use briefing::diagnostics::Diagnostic;
use briefing::{BuildFailure, BuildReport, Progress};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Whether diagnostics on stderr are in colour.
pub fn color(cli: &Cli) -> bool {
    match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

/// A progress bar on stderr while a build that takes more than a moment runs; none
/// when stderr is not a terminal or with `--quiet`. Returns what stops it.
pub fn progress_bar(cli: &Cli, progress: &Arc<Progress>) -> Option<impl FnOnce()> {
    if cli.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let (stop, stopped) = mpsc::channel::<()>();
    let progress = Arc::clone(progress);
    let drawer = std::thread::spawn(move || {
        // Quick builds show nothing: the bar appears after half a second.
        if stopped.recv_timeout(Duration::from_millis(500)).is_ok() {
            return;
        }
        let bar = ProgressBar::new_spinner();
        loop {
            let total = progress.total.load(Ordering::Relaxed);
            if total == 0 {
                bar.set_message("reading the site");
                bar.tick();
            } else {
                if bar.length() != Some(total as u64) {
                    bar.set_length(total as u64);
                    bar.set_style(
                        ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                            .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                }
                bar.set_position(progress.done.load(Ordering::Relaxed) as u64);
            }
            if stopped.recv_timeout(Duration::from_millis(100)).is_ok() {
                break;
            }
        }
        bar.finish_and_clear();
    });
    Some(move || {
        let _ = stop.send(());
        let _ = drawer.join();
    })
}

/// The server of `serve` and what it was asked for.
pub struct Preview<'a> {
    /// The server.
    pub server: &'a Server,
    /// Its URL.
    pub url: &'a str,
    /// Open the URL in a browser once the first build is done.
    pub open: bool,
    /// Whether drafts are shown (all but `serve --no-drafts`).
    pub drafts: bool,
}

/// The dev loop's hook: prints each build's outcome, once per warning, and tells the
/// pages a server shows.
pub struct DevConsole<'a> {
    /// The command line.
    pub cli: &'a Cli,
    /// What `serve` shows, and where; `None` for `watch`.
    pub preview: Option<Preview<'a>>,
    /// Warnings printed by an earlier build of this session, not printed again.
    pub shown_warnings: HashSet<String>,
    /// Whether a build of this session succeeded: until one does, there is nothing
    /// good to serve.
    pub built_once: bool,
}

impl briefing::dev::Hook for DevConsole<'_> {
    fn built(&mut self, result: &Result<BuildReport, BuildFailure>, first: bool) {
        let verb = if first { "built" } else { "updated" };
        let problem = report(
            self.cli,
            result,
            verb,
            &mut self.shown_warnings,
            self.preview.is_some().then_some(self.built_once),
        );
        self.built_once |= result.is_ok();
        if let Some(preview) = &self.preview {
            briefing::dev::live_reload(preview.server, result, problem.unwrap_or_default());
        }
    }

    fn watching(&mut self) {
        match &self.preview {
            Some(preview) => {
                if !self.cli.quiet {
                    outln!("serving at {} (Ctrl-C to stop)", preview.url);
                    if preview.drafts {
                        outln!(
                            "drafts are shown, each with a banner; `briefing build` leaves them \
                             out (`serve --no-drafts` shows only what it publishes)"
                        );
                    }
                }
                if preview.open {
                    crate::open_browser(preview.url);
                }
            }
            None => {
                if !self.cli.quiet {
                    outln!("watching for changes (Ctrl-C to stop)");
                }
            }
        }
    }

    fn changed(&mut self, paths: &[PathBuf]) {
        if self.cli.verbose {
            for path in paths {
                outln!("changed: {}", path.display());
            }
        }
    }

    fn watch_problem(&mut self, message: &str) {
        errln!("warning: {message}");
    }
}

/// Prints a build's outcome; for a failed one, returns the text printed, for the
/// pages a server shows. `serving` is `Some(whether a build succeeded before)` for
/// `serve`. Warnings already printed by an earlier build of this session
/// are not printed again.
fn report(
    cli: &Cli,
    result: &Result<BuildReport, BuildFailure>,
    verb: &str,
    shown_warnings: &mut HashSet<String>,
    serving: Option<bool>,
) -> Option<String> {
    match result {
        Ok(report) => {
            let mut now = HashSet::new();
            for d in &report.warnings {
                let text = d.to_string();
                if !shown_warnings.contains(&text) {
                    errln!("{}", d.styled(color(cli)));
                }
                now.insert(text);
            }
            *shown_warnings = now;
            if !cli.quiet {
                outln!("{}", summary(verb, report));
                if let Some(next) = next_due(report) {
                    outln!("{next}");
                }
                for line in edition_lines(report) {
                    outln!("{line}");
                }
            }
            if cli.verbose {
                print_stages(report);
            }
            None
        }
        Err(failure) => {
            let mut tail = vec![failed(verb, failure)];
            match serving {
                // The first build, and every one since, failed: nothing good to show.
                Some(false) => tail.push(
                    "nothing to serve yet: every page shows this problem until a save fixes it"
                        .into(),
                ),
                Some(true) => tail.push("still serving the last good build".into()),
                None => {}
            }
            print_diagnostics(&failure.diagnostics, color(cli));
            errln!("{}", tail.join("\n"));
            let text: Vec<String> = failure
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .chain(tail)
                .collect();
            Some(text.join("\n"))
        }
    }
}

/// The last line of a failed build: `error: build failed with 2 errors`.
pub fn failed(verb: &str, failure: &BuildFailure) -> String {
    let n = failure.error_count();
    let what = match verb {
        "built" => "build failed",
        "updated" => "rebuild failed",
        _ => "check failed",
    };
    format!(
        "error: {what} with {n} error{}",
        if n == 1 { "" } else { "s" }
    )
}

/// Prints `error: message` and gives exit code 1.
pub fn fatal(message: &str) -> ExitCode {
    errln!("error: {message}");
    ExitCode::from(1)
}

/// Each stage's time and the peak memory at its end, for `--verbose`.
pub fn print_stages(report: &BuildReport) {
    for (stage, time, peak) in &report.stages {
        match peak {
            Some(kib) => outln!(
                "  {stage}: {} ms (peak memory {} MiB)",
                time.as_millis(),
                kib / 1024
            ),
            None => outln!("  {stage}: {} ms", time.as_millis()),
        }
    }
}

/// What a one-off build did anew and what it took from the last build's caches, for
/// `--verbose`: `  anew: 1 article read, 1 body and 1 card rendered (the others kept by
/// the last build)`. Nothing for a build that repeated the last one.
pub fn anew_line(report: &BuildReport) -> Option<String> {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    (!report.cached).then(|| {
        format!(
            "  anew: {} read, {} and {} rendered (the others kept by the last build)",
            plural(report.articles_read, "article", "articles"),
            plural(report.bodies, "body", "bodies"),
            plural(report.cards, "card", "cards"),
        )
    })
}

/// Every diagnostic, in the order found, on stderr.
pub fn print_diagnostics(diagnostics: &[Diagnostic], color: bool) {
    for d in diagnostics {
        errln!("{}", d.styled(color));
    }
}

/// One line per edition whose message the build wrote new or changed, for a
/// scheduled job to send: `edition 2017-07-07: new (3 articles) → public/editions/2017-07-07/edition.eml`.
pub fn edition_lines(report: &BuildReport) -> Vec<String> {
    report
        .editions
        .iter()
        .map(|e| {
            let path = e.path.strip_prefix(".").unwrap_or(&e.path);
            format!(
                "edition {}: {} ({} {}) → {}",
                e.day,
                if e.new { "new" } else { "changed" },
                e.articles,
                if e.articles == 1 {
                    "article"
                } else {
                    "articles"
                },
                path.display()
            )
        })
        .collect()
}

/// `built 85 pages (11 articles, 1 home page, 3 term lists, 30 term pages, 4 archive pages, 31 feeds, 5 site files) and 3 files into public in 29 ms`
pub fn summary(verb: &str, report: &BuildReport) -> String {
    let total: usize = report.pages.values().sum();
    let count = |names: &[&str]| -> Option<usize> {
        let present = names.iter().any(|n| report.pages.contains_key(*n));
        let n = names.iter().filter_map(|n| report.pages.get(*n)).sum();
        (verb != "updated" || present).then_some(n)
    };
    let groups: [(&[&str], &str, &str); 10] = [
        (&["article"], "article", "articles"),
        (&["home"], "home page", "home pages"),
        (&["taxonomy"], "term list", "term lists"),
        (&["term", "story"], "term page", "term pages"),
        (
            &["archive", "year", "month"],
            "archive page",
            "archive pages",
        ),
        (&["feed"], "feed", "feeds"),
        (&["edition", "editions"], "edition page", "edition pages"),
        (&["email"], "email file", "email files"),
        (&["search_index"], "search index file", "search index files"),
        (
            &[
                "search",
                "sitemap",
                "sitemap_index",
                "news_sitemap",
                "robots",
                "not_found",
                "corrections",
                "redirect",
                "redirects",
                "withdrawn",
            ],
            "site file",
            "site files",
        ),
    ];
    let kinds: Vec<String> = groups
        .iter()
        .filter_map(|(names, one, many)| {
            count(names).map(|n| format!("{n} {}", if n == 1 { one } else { many }))
        })
        .collect();
    let target = report
        .output
        .as_ref()
        .map(|p| {
            // What the deploy will send: only the files written.
            let mut what = vec![format!("{} written", report.written)];
            if report.unchanged > 0 {
                what.push(format!("{} unchanged", report.unchanged));
            }
            if report.removed > 0 {
                what.push(format!("{} removed", report.removed));
            }
            if report.cached {
                what.push("nothing changed since the last build".into());
            }
            format!(
                " into {} ({})",
                p.strip_prefix(".").unwrap_or(p).display(),
                what.join(", ")
            )
        })
        .unwrap_or_default();
    if verb == "updated" {
        if total + report.files + report.removed == 0 {
            return format!(
                "no change to the output ({} files kept) in {} ms",
                report.unchanged,
                report.elapsed.as_millis()
            );
        }
        let kinds = if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        };
        return format!(
            "updated {total} page{}{kinds}, {} file{}, removed {}, kept {} in {} ms{}",
            if total == 1 { "" } else { "s" },
            report.files,
            if report.files == 1 { "" } else { "s" },
            report.removed,
            report.unchanged,
            report.elapsed.as_millis(),
            images(&report.images),
        );
    }
    format!(
        "{verb} {total} pages ({}) and {} file{}{target} in {} ms{}{}",
        kinds.join(", "),
        report.files,
        if report.files == 1 { "" } else { "s" },
        report.elapsed.as_millis(),
        images(&report.images),
        left_out(verb, &report.left_out),
    )
}

/// What the images stage did, after a summary: `; images: 3 processed, 1 from
/// cache, 20 variants`; nothing for a site whose articles show no image resized.
fn images(counts: &briefing::build::images::ImageCounts) -> String {
    if counts.processed + counts.cached == 0 {
        return String::new();
    }
    format!(
        "; images: {} processed, {} from cache, {} variant{}",
        counts.processed,
        counts.cached,
        counts.variants,
        if counts.variants == 1 { "" } else { "s" }
    )
}

/// What a build left out, after its summary: `; left out: 1 draft (--drafts), 2
/// scheduled (--future)`; for `check`, the scheduled articles it checked too.
fn left_out(verb: &str, left: &LeftOut) -> String {
    let mut parts = Vec::new();
    for (n, one, many, flag) in [
        (left.drafts, "draft", "drafts", "--drafts"),
        (left.scheduled, "scheduled", "scheduled", "--future"),
        (left.expired, "expired", "expired", "--expired"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {} ({flag})", if n == 1 { one } else { many }));
        }
    }
    if left.withdrawn > 0 {
        parts.push(format!(
            "{} withdrawn (a notice at each URL)",
            left.withdrawn
        ));
    }
    let mut text = String::new();
    if verb == "checked" && left.scheduled_included > 0 {
        let n = left.scheduled_included;
        text.push_str(&format!(
            "; {n} scheduled article{} checked, not published yet",
            if n == 1 { "" } else { "s" }
        ));
    }
    if !parts.is_empty() {
        text.push_str("; left out: ");
        text.push_str(&parts.join(", "));
    }
    text
}

/// When the next scheduled article falls due, for a scheduled job: `next: 2017-07-08
/// 06:00 UTC, 2 articles fall due (build again then to publish them)`.
pub fn next_due(report: &BuildReport) -> Option<String> {
    let (at, n) = report.left_out.next_due?;
    let zone = report.zone;
    let utc = at.with_timezone(&chrono::Utc).format("%Y-%m-%d %H:%M UTC");
    let local = zone
        .map(|z| format!(" ({} {})", at.with_timezone(&z).format("%H:%M"), z.name()))
        .unwrap_or_default();
    Some(format!(
        "next: {utc}{local}, {n} article{} fall{} due (build again then to publish {})",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" },
        if n == 1 { "it" } else { "them" },
    ))
}
