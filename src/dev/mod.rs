//! The dev loop: `watch` and `serve` on top of the pipeline, calling into it only.
//!
//! As in mdBook, serving is watching plus a hook after each build: [`run`] builds,
//! then waits for the [`watch`]er's batches of changed paths, asks the session which
//! work they need ([`crate::build::changes`]) and rebuilds; after every build it calls
//! the caller's [`Hook`], which prints the outcome and, for `serve`, tells the open
//! pages through the [`server`] ([`live_reload`]). A failed build never ends the loop:
//! it is reported and the last good site stays.

pub mod server;
pub mod watch;

use crate::build::{BuildFailure, BuildReport, Session};
use server::Server;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use watch::{Event, Watcher};

/// How the name of `serve`'s output folder begins; the process's id and a random
/// part follow: `briefing-serve-4242-aB3xYz`.
pub const PREVIEW_PREFIX: &str = "briefing-serve-";

/// The prefix of this process's preview folder: [`PREVIEW_PREFIX`], its id, a dash.
pub fn preview_prefix() -> String {
    format!("{PREVIEW_PREFIX}{}-", std::process::id())
}

/// Removes from `parent` the preview folders of `serve`s no longer running. One
/// stopped by Ctrl-C or `kill` removes its own; one killed outright (`kill -9`, the
/// out-of-memory killer) cannot, and in `/dev/shm` its folder holds memory (300 MB
/// at 10,000 articles) until the machine restarts. Folders of a running `serve`,
/// and those named otherwise (an older version's), are left.
pub fn remove_abandoned_previews(parent: &Path) {
    crate::output::remove_left_by_ended(parent, |name| {
        let (pid, _) = name.strip_prefix(PREVIEW_PREFIX)?.split_once('-')?;
        pid.parse().ok()
    });
}

/// What the dev loop's caller hears of, as it happens.
pub trait Hook {
    /// After every build: the first (`first`), then one per batch of changes.
    fn built(&mut self, result: &Result<BuildReport, BuildFailure>, first: bool);
    /// Once, after the first build: the loop now waits for changes.
    fn watching(&mut self) {}
    /// A batch of changed paths, before they are classified.
    fn changed(&mut self, _paths: &[PathBuf]) {}
    /// A problem of the watcher that does not stop it.
    fn watch_problem(&mut self, message: &str);
}

/// Builds, then rebuilds on every batch of changes under `root` until
/// [`Event::Stop`] comes through `events` (the sender is shared with whatever stops
/// the loop, such as a Ctrl-C handler). `Err` when the watcher cannot start.
pub fn run(
    session: &mut Session,
    root: &Path,
    events: (Sender<Event>, Receiver<Event>),
    hook: &mut dyn Hook,
) -> Result<(), String> {
    let (tx, rx) = events;
    // Watch before the first build, so a save during it is not missed.
    let mut watcher = Watcher::start(root, tx)?;
    let first = session.build();
    hook.built(&first, true);
    hook.watching();
    loop {
        let mut paths = Vec::new();
        let mut stopping = false;
        let Ok(event) = rx.recv() else { break };
        for event in std::iter::once(event).chain(rx.try_iter()) {
            match event {
                Event::Changed(p) => paths.extend(p),
                Event::Failed(e) => hook.watch_problem(&format!("watching files: {e}")),
                Event::Stop => stopping = true,
            }
        }
        if stopping {
            break;
        }
        if let Err(e) = watcher.refresh() {
            hook.watch_problem(&e);
        }
        hook.changed(&paths);
        let changes = session.classify(&paths);
        if changes.is_empty() {
            continue;
        }
        let result = session.update(&changes);
        hook.built(&result, false);
    }
    Ok(())
}

/// The live-reload hook: tells the pages `server` shows about a build. A build that
/// changed files, or that fixed the problem pages show, reloads them; a failed one
/// shows them `problem`, the text the terminal got.
pub fn live_reload(server: &Server, result: &Result<BuildReport, BuildFailure>, problem: String) {
    match result {
        Ok(report) => {
            let changed = report.pages.values().sum::<usize>() + report.files + report.removed;
            if changed > 0 || server.has_problem() {
                server.reload();
            }
        }
        Err(_) => server.problem(problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_previews_of_serves_no_longer_running_are_removed() {
        let parent = tempfile::tempdir().unwrap();
        // A process that has ended (waited for, so its id is free).
        let mut ended = std::process::Command::new("true").spawn().unwrap();
        let gone = ended.id();
        ended.wait().unwrap();
        let names = [
            format!("{PREVIEW_PREFIX}{gone}-aB3xYz"),
            preview_prefix() + "running",
            format!("{PREVIEW_PREFIX}m3mTug"),
            format!("{PREVIEW_PREFIX}{gone}"),
            format!("notes-{gone}-x"),
        ];
        for name in &names {
            let site = parent.path().join(name).join("site");
            std::fs::create_dir_all(&site).unwrap();
            std::fs::write(site.join("index.html"), "<p>preview</p>").unwrap();
        }
        remove_abandoned_previews(parent.path());
        let mut left: Vec<String> = std::fs::read_dir(parent.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        let mut expected = names[1..].to_vec();
        expected.sort();
        assert_eq!(left, expected);
    }
}
