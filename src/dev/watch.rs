//! Watching a site for changes: `content/`, `templates/`, `static/` and `site.toml`.
//!
//! Events come through notify's full debouncer, which folds an editor's save (write,
//! rename, chmod, often a backup file and a swap file) into one batch of paths. The
//! session decides what a path means ([`crate::build::changes::classify`]); this
//! module only reports which paths changed. Folders created after the watch started
//! (a site without `static/` that gets one) are watched as soon as they appear.

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// How long the paths must stay quiet before a batch is reported. Short, because the
/// preview should follow a save at once; an editor's save is one burst well within it.
pub const QUIET: Duration = Duration::from_millis(10);

/// The folders under the site root that are watched, recursively.
pub const WATCHED_DIRS: [&str; 4] = ["content", "templates", "static", "data"];

/// What the watcher reports.
#[derive(Debug)]
pub enum Event {
    /// Paths that changed (absolute).
    Changed(Vec<PathBuf>),
    /// The watcher failed; the message says why.
    Failed(String),
    /// Stop watching (sent by the Ctrl-C handler).
    Stop,
}

/// A running watch; dropping it stops it.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root` (its `site.toml`, and the site folders that exist),
    /// sending every batch of changed paths to `events`.
    pub fn start(root: &Path, events: Sender<Event>) -> Result<Watcher, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let handler = move |result: DebounceEventResult| {
            let event = match result {
                Ok(events) => {
                    // Reading a file is an event too (the build's own reads among
                    // them); only writes, creations, removals and renames matter.
                    let paths: BTreeSet<PathBuf> = events
                        .into_iter()
                        .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                        .flat_map(|e| e.event.paths)
                        .collect();
                    if paths.is_empty() {
                        return;
                    }
                    Event::Changed(paths.into_iter().collect())
                }
                Err(errors) => Event::Failed(
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            };
            let _ = events.send(event);
        };
        let mut debouncer = new_debouncer(QUIET, Some(QUIET / 4), handler)
            .map_err(|e| format!("cannot start watching files: {e}"))?;
        // The root alone, not its subfolders: `public/`, `.git/` and the like are not
        // watched at all.
        debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let mut watcher = Watcher {
            root,
            debouncer,
            watched: BTreeSet::new(),
        };
        watcher.refresh()?;
        Ok(watcher)
    }

    /// Watches the site folders that appeared since the last call; forgets those that
    /// went. Call before building from a batch, so files created in a new folder
    /// are either seen by the build's walk or reported in a later batch.
    pub fn refresh(&mut self) -> Result<(), String> {
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            let exists = dir.is_dir();
            let watched = self.watched.contains(&dir);
            if exists && !watched {
                self.debouncer
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
                self.watched.insert(dir);
            } else if !exists && watched {
                let _ = self.debouncer.unwatch(&dir);
                self.watched.remove(&dir);
            }
        }
        Ok(())
    }
}
