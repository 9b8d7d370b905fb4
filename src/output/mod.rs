//! Output: a build writes only the files whose bytes changed, each into a staging
//! folder beside the output, and moves them into place only once every page has
//! rendered and every file is written ([`update`]), through a [`journal`] that the
//! next command finishes if the build is killed midway. A failed build leaves the
//! previous output exactly as it was.
//!
//! Also refuses output folders that would destroy what an editor wrote: the site root
//! or a folder above it, `content/`, `templates/`, `static/`, or a non-empty folder
//! that was not written by a previous build (see [`MARKER`]).

pub mod journal;
pub mod manifest;
pub mod update;

pub use update::{Committed, Update, Written};

use crate::diagnostics::Diagnostic;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file every build writes at the top of its output. Only a folder holding it (or
/// an empty one) is ever replaced: anything else may be someone's work.
pub const MARKER: &str = ".briefing-output";

/// What the marker says to whoever finds it.
pub const MARKER_TEXT: &str =
    "This folder is written by briefing; each build replaces what it holds.\n";

/// The file kept beside `target` (`.public.lock`, `.public.journal`): in the same
/// folder, so on the same file system, and never published.
pub fn beside(target: &Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{what}"))
}

/// Finishes, under the output's lock, the commit of a build interrupted after its
/// journal was written (see [`journal::recover`]): what every command that writes
/// the output does first. A note says so if there was one.
pub fn recover(target: &Path, waiting: &dyn Fn(&str)) -> Result<Option<Diagnostic>, Diagnostic> {
    let cannot =
        |e: io::Error| Diagnostic::general(format!("cannot write {}: {e}", target.display()));
    let journal = beside(&resolve(target), "journal");
    if !journal.exists() {
        return Ok(None);
    }
    let _lock = WriteLock::take(&resolve(target), LOCK_WAIT, waiting).map_err(cannot)?;
    let done = journal::recover(&resolve(target)).map_err(cannot)?;
    Ok(done.map(|n| recovered(target, n)))
}

/// The note that an interrupted build's commit was finished, `files` moved or removed.
pub fn recovered(target: &Path, files: usize) -> Diagnostic {
    Diagnostic::note(
        beside(target, "journal"),
        format!(
            "a build writing {} was interrupted after deciding its new site; its {files} remaining file{} moved into place or removed before this build",
            target.display(),
            if files == 1 { " was" } else { "s were" }
        ),
    )
}

/// A test hook, in debug builds only: with `BRIEFING_FAULT_AT=n` in the environment,
/// the process stops at the n-th point (counted from 1) where writing the output can
/// be interrupted, as a kill would stop it (no destructor runs), so that tests can
/// check what the next command recovers.
pub(crate) fn fault_point() {
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicU64, Ordering};
        static AT: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let at = AT.get_or_init(|| std::env::var("BRIEFING_FAULT_AT").ok()?.parse().ok());
        if let Some(at) = *at {
            if COUNT.fetch_add(1, Ordering::SeqCst) + 1 == at {
                std::process::abort();
            }
        }
    }
}

/// `path` made absolute with `.`/`..` resolved and symlinks of its existing part followed.
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    // Lexically resolve anything left (a `..` after a part that does not exist yet).
    let mut clean = PathBuf::new();
    for c in out.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    clean
}

/// Refuses an output folder whose replacement would lose someone's work.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let root = resolve(root);
    let out = resolve(output);
    let shown = output.display();
    if root.starts_with(&out) {
        return Err(Diagnostic::general(format!(
            "output directory {shown} is the site root or contains it: building there would replace the site itself"
        )));
    }
    for protected in ["content", "templates", "static"] {
        if out.starts_with(root.join(protected)) {
            return Err(Diagnostic::general(format!(
                "output directory {shown} is inside {protected}/: choose a folder that holds only built pages, such as public"
            )));
        }
    }
    if out.is_file() {
        return Err(Diagnostic::general(format!(
            "output directory {shown} is a file: remove it or choose another --output"
        )));
    }
    if out.is_dir() && !out.join(MARKER).is_file() {
        let mut entries = std::fs::read_dir(&out).map_err(|e| {
            Diagnostic::general(format!("cannot read output directory {shown}: {e}"))
        })?;
        if entries.next().is_some() {
            return Err(Diagnostic::general(format!(
                "output directory {shown} is not empty and was not written by briefing (it has no {MARKER} file): \
                 a build replaces its output directory as a whole; empty it, or choose another --output"
            )));
        }
    }
    Ok(())
}

/// The folder `path` is in (created if missing) and its name.
fn parent_and_name(path: &Path) -> io::Result<(&Path, String)> {
    let parent = path
        .parent()
        .ok_or_else(|| io::Error::other(format!("{} has no parent folder", path.display())))?;
    std::fs::create_dir_all(parent)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((parent, name))
}

/// How long a build waits for another one writing the same output.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// An advisory lock on writing an output folder, held on a file beside it (not inside:
/// the folder is swapped) for as long as this value lives. The file names the holder's
/// pid. The system drops the lock when its holder exits, however it exits. The file
/// stays, as cargo's lock files do: removing it while another build waits on it would
/// let a third take a new one.
pub struct WriteLock {
    _file: std::fs::File,
}

impl WriteLock {
    /// Takes the lock on writing `target`, waiting at most `wait` for another process
    /// holding it (telling `waiting` once what it waits for); past that, an error
    /// naming the target and the holder's pid.
    pub fn take(
        target: &Path,
        wait: std::time::Duration,
        waiting: &dyn Fn(&str),
    ) -> io::Result<WriteLock> {
        let (parent, name) = parent_and_name(target)?;
        let path = parent.join(format!(".{name}.lock"));
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)?;
        let deadline = std::time::Instant::now() + wait;
        let holder = || {
            let pid = std::fs::read_to_string(&path).unwrap_or_default();
            format!(
                "another build is writing {} (pid {})",
                target.display(),
                pid.trim()
            )
        };
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    if !std::mem::replace(&mut told, true) {
                        waiting(&format!(
                            "{}; waiting up to {} s for it to finish",
                            holder(),
                            wait.as_secs()
                        ));
                    }
                    // The holder is another process; its end is not an event here.
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(io::Error::new(
                        io::ErrorKind::WouldBlock,
                        format!("{}; waited {} s", holder(), wait.as_secs()),
                    ));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
            }
        }
        use std::io::{Seek, Write};
        file.set_len(0)?;
        file.seek(io::SeekFrom::Start(0))?;
        write!(file, "{}", std::process::id())?;
        Ok(WriteLock { _file: file })
    }
}

/// The lines `line` writes for each of `items`, formatted in parallel, in chunks in
/// the items' order: for the record files of large sites (the manifest, the build
/// cache's page fingerprints), a line per output file.
pub fn lines_in_parallel<T: Sync>(
    items: &[T],
    line: impl Fn(&mut Vec<u8>, &T) -> io::Result<()> + Sync,
) -> Vec<Vec<u8>> {
    use rayon::prelude::*;
    items
        .par_chunks(4096)
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.len() * 96);
            for item in chunk {
                // Writing into a Vec cannot fail.
                let _ = line(&mut out, item);
            }
            out
        })
        .collect()
}

/// The records of `lines` by path, each line parsed in parallel by `parse` into its
/// path and value, then filed: the reading side of [`lines_in_parallel`]. `None` if
/// any line does not parse (the whole file is then not trusted).
pub fn records_in_parallel<'a, V: Send>(
    lines: impl Iterator<Item = &'a str>,
    parse: impl Fn(&'a str) -> Option<(&'a str, V)> + Sync,
) -> Option<rustc_hash::FxHashMap<String, V>> {
    use rayon::prelude::*;
    let lines: Vec<&str> = lines.collect();
    let parsed: Vec<(&str, V)> = lines
        .par_iter()
        .map(|line| parse(line))
        .collect::<Option<_>>()?;
    let mut records =
        rustc_hash::FxHashMap::with_capacity_and_hasher(parsed.len(), Default::default());
    records.extend(parsed.into_iter().map(|(rel, v)| (rel.to_string(), v)));
    Some(records)
}

/// Whether process `pid` is running. Only "no such process" is taken as gone: one
/// that is not ours to signal (another user's) is running.
fn process_running(pid: i32) -> bool {
    match rustix::process::Pid::from_raw(pid) {
        Some(pid) => rustix::process::test_kill_process(pid).err() != Some(rustix::io::Errno::SRCH),
        None => true,
    }
}

/// Removes what processes no longer running left in `dir`: each entry (a file, or a
/// folder and all in it) whose name gives, by `pid_of`, the id of a process that is
/// not running. Those of a running process are its own, in use.
pub fn remove_left_by_ended(dir: &Path, pid_of: impl Fn(&str) -> Option<i32>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let pid = entry.file_name().to_str().and_then(&pid_of);
        if pid.is_some_and(|pid| !process_running(pid)) {
            let path = entry.path();
            let _ = match entry.file_type() {
                Ok(t) if t.is_dir() => remove_tree(&path),
                _ => std::fs::remove_file(&path),
            };
        }
    }
}

/// Removes a folder and everything in it, its subfolders in parallel: a previous
/// output of 10,000 articles is 10,000 folders.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            std::fs::remove_file(entry.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_folders_that_hold_the_editors_work() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir(root.join("content")).unwrap();
        for bad in [
            root.to_path_buf(),
            root.join(".."),
            root.join("content"),
            root.join("static/x"),
            root.join("public/../templates"),
        ] {
            assert!(check_output_dir(root, &bad).is_err(), "{}", bad.display());
        }
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }

    #[test]
    fn refuses_a_non_empty_folder_that_is_not_a_build() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("docs");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let e = check_output_dir(site.path(), &out).unwrap_err();
        assert!(
            e.message.contains("was not written by briefing"),
            "{}",
            e.message
        );
        // An index.html is no proof: it may be anyone's.
        std::fs::write(out.join("index.html"), "").unwrap();
        assert!(check_output_dir(site.path(), &out).is_err());
        std::fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        assert!(check_output_dir(site.path(), &out).is_ok());
    }

    #[test]
    fn a_second_writer_waits_for_the_lock_then_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let held = WriteLock::take(&target, LOCK_WAIT, &|_| {}).unwrap();
        // A second open file of the same lock conflicts, as another process's would.
        let e = WriteLock::take(&target, std::time::Duration::ZERO, &|_| {})
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            format!(
                "another build is writing {} (pid {}); waited 0 s",
                target.display(),
                std::process::id()
            )
        );
        drop(held);
        assert!(WriteLock::take(&target, std::time::Duration::ZERO, &|_| {}).is_ok());
    }
}
