//! Output: the whole site is written to a staging folder beside the output folder and
//! swapped into place only when every file was written, so a failed build leaves the
//! previous output exactly as it was.
//!
//! Also refuses output folders that would destroy what an editor wrote: the site root
//! or a folder above it, `content/`, `templates/`, `static/`, or a non-empty folder
//! that was not written by a previous build (see [`MARKER`]).

use crate::diagnostics::Diagnostic;
use std::collections::BTreeSet;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file every build writes at the top of its output. Only a folder holding it (or
/// an empty one) is ever replaced: anything else may be someone's work.
pub const MARKER: &str = ".briefing-output";

/// What the marker says to whoever finds it.
pub const MARKER_TEXT: &str =
    "This folder is written by briefing; each build replaces it as a whole.\n";

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

/// A folder being filled beside the output, swapped in by [`Staging::commit`] and
/// removed if dropped uncommitted. It holds the output's [`WriteLock`].
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
    /// Removed by the watchdog if it stops the build.
    _staged: crate::watchdog::Scratch,
    _lock: WriteLock,
}

impl Staging {
    /// Creates an empty staging folder beside `target` (same file system, so the swap
    /// is a rename), once it holds the output's lock (see [`WriteLock::take`]).
    pub fn create(target: &Path, waiting: &dyn Fn(&str)) -> io::Result<Staging> {
        let target = resolve(target);
        let lock = WriteLock::take(&target, LOCK_WAIT, waiting)?;
        let (parent, name) = parent_and_name(&target)?;
        // Under the lock, folders left beside the output are a crashed or killed
        // build's: only clutter.
        let stale = [format!(".{name}.staging-"), format!(".{name}.old-")];
        for entry in std::fs::read_dir(parent)?.flatten() {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            if stale.iter().any(|p| file_name.starts_with(p.as_str())) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        std::fs::create_dir(&dir)?;
        let staged = crate::watchdog::Scratch::new(&dir);
        std::fs::write(dir.join(MARKER), MARKER_TEXT)?;
        Ok(Staging {
            dir,
            target,
            committed: false,
            _staged: staged,
            _lock: lock,
        })
    }

    /// Creates every folder the files at `paths` (relative, `/`-separated) need.
    pub fn create_dirs<'a>(&self, paths: impl Iterator<Item = &'a str>) -> io::Result<()> {
        use rayon::prelude::*;
        let dirs: BTreeSet<&str> = paths
            .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
            .collect();
        // In parallel: `create_dir_all` takes a parent made by another thread as made.
        dirs.into_par_iter()
            .try_for_each(|dir| std::fs::create_dir_all(self.dir.join(dir)))
    }

    /// Writes one file; its folder must exist.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        std::fs::write(self.dir.join(rel), bytes)
    }

    /// Writes one file through `write` (buffered); its folder must exist.
    pub fn write_with(
        &self,
        rel: &str,
        write: impl FnOnce(&mut io::BufWriter<std::fs::File>) -> io::Result<()>,
    ) -> io::Result<()> {
        let file = std::fs::File::create(self.dir.join(rel))?;
        let mut out = io::BufWriter::with_capacity(64 * 1024, file);
        write(&mut out)?;
        io::Write::flush(&mut out)
    }

    /// Copies one file in; its folder must exist.
    pub fn copy(&self, rel: &str, src: &Path) -> io::Result<()> {
        std::fs::copy(src, self.dir.join(rel)).map(|_| ())
    }

    /// Swaps the staging folder into place of the target. If the second rename
    /// fails, the previous output is put back.
    pub fn commit(mut self) -> io::Result<Committed> {
        if self.target.exists() {
            let name = self
                .target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let old = self
                .target
                .with_file_name(format!(".{name}.old-{}", std::process::id()));
            if old.exists() {
                std::fs::remove_dir_all(&old)?;
            }
            std::fs::rename(&self.target, &old)?;
            if let Err(e) = std::fs::rename(&self.dir, &self.target) {
                std::fs::rename(&old, &self.target)?;
                return Err(e);
            }
            self.committed = true;
            // The new site is in place; the old copy goes (the next build tries again
            // if it cannot).
            let leftover = remove_tree(&old).err().map(|e| (old, e));
            Ok(Committed { leftover })
        } else {
            std::fs::rename(&self.dir, &self.target)?;
            self.committed = true;
            Ok(Committed { leftover: None })
        }
    }
}

/// What a commit left behind.
#[derive(Debug)]
pub struct Committed {
    /// The previous output, moved aside but not removed, and why.
    pub leftover: Option<(PathBuf, io::Error)>,
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

/// An output folder updated file by file, for watch and serve after the first build.
/// Each file is written beside its place and renamed over it, so a reader (the
/// preview server, a browser) sees the old file or the new one, never half of one.
pub struct InPlace<'a> {
    /// The output folder.
    pub dir: &'a Path,
}

impl InPlace<'_> {
    fn temp_beside(&self, rel: &str) -> io::Result<(PathBuf, PathBuf)> {
        let target = self.dir.join(rel);
        let (parent, name) = parent_and_name(&target)?;
        let temp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        Ok((temp, target))
    }

    /// Writes one file (relative, `/`-separated), creating its folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let (temp, target) = self.temp_beside(rel)?;
        std::fs::write(&temp, bytes)?;
        std::fs::rename(&temp, &target).inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
    }

    /// Copies one file in, creating its folders.
    pub fn copy(&self, rel: &str, src: &Path) -> io::Result<()> {
        let (temp, target) = self.temp_beside(rel)?;
        std::fs::copy(src, &temp)?;
        std::fs::rename(&temp, &target).inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
    }

    /// Removes one file, and each folder above it that it leaves empty.
    pub fn remove(&self, rel: &str) -> io::Result<()> {
        match std::fs::remove_file(self.dir.join(rel)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut dir = rel;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            // Fails, harmlessly, while the folder still holds something.
            if std::fs::remove_dir(self.dir.join(parent)).is_err() {
                break;
            }
            dir = parent;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
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

    #[test]
    fn commit_swaps_and_drop_cleans_up() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("old.html"), "old").unwrap();
        let abandoned = Staging::create(&out, &|_| {}).unwrap();
        abandoned.write("x.html", b"x").unwrap();
        drop(abandoned);
        // The output and the lock file beside it, which stays (see `WriteLock`).
        let mut left: Vec<String> = std::fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".public.lock", "public"],
            "staging folder left behind"
        );
        let s = Staging::create(&out, &|_| {}).unwrap();
        s.create_dirs(["a/b/index.html"].into_iter()).unwrap();
        s.write("a/b/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("old.html").exists());
        assert_eq!(std::fs::read_dir(site.path()).unwrap().count(), 2);
    }
}
