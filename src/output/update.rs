//! Writing a build's output: only the files whose bytes changed, all at once.
//!
//! An [`Update`] holds the output's lock. Every file the build offers it is hashed and
//! compared with what the output holds (by the [manifest](super::manifest) when the
//! file's stamp is as recorded, else by reading it): an unchanged file keeps its
//! inode and modification time, so `rsync` and `aws s3 sync` send only what changed.
//! A new or changed file is written into a staging folder beside the output. Nothing
//! in the output changes until [`Update::commit`], which writes the
//! [journal](super::journal), moves the staged files into place and removes the files
//! no longer built. Dropped uncommitted (an error, a full disk), it removes the
//! staging folder and the output is as it was.
//!
//! The first build into a missing or empty folder stages every file and renames the
//! staging folder into place: one rename, no journal.

use super::journal::{self, Journal};
use super::manifest::{self, Manifest, Record, Stamp};
use super::{fault_point, remove_tree, WriteLock, LOCK_WAIT, MARKER, MARKER_TEXT};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a commit did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Files written, new or changed.
    pub written: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files removed, no longer built.
    pub removed: usize,
    /// The manifest's own stamp as this commit left it, taken under the lock: what
    /// tells a later build that the output is still as this one left it.
    pub manifest: Option<Stamp>,
}

/// An output being updated; see the module's documentation.
pub struct Update {
    target: PathBuf,
    /// The output folder, open, to stamp its files.
    folder: manifest::Folder,
    staging: PathBuf,
    /// The output is missing or empty: the staging folder becomes it whole.
    fresh: bool,
    /// The last build's manifest, read when first needed (or the caller's own, see
    /// [`Update::trust`]).
    old: std::sync::OnceLock<Manifest>,
    /// The manifest is as the caller's own last commit left it ([`Update::trust`]):
    /// its records are taken without a look at the files, and kept files get no
    /// record of their own.
    trusted: bool,
    /// With `trusted`: the files of the last output the build no longer plans.
    unplanned: Vec<String>,
    /// Free the files a commit replaces in a thread of their own ([`Update::trust`]).
    free_later: bool,
    /// The record of every file offered, staged or not.
    records: Mutex<Vec<(String, Record)>>,
    /// Files written into the staging folder.
    staged: Mutex<Vec<String>>,
    committed: bool,
    /// Removed by the watchdog if it stops the build before the commit.
    scratch: Option<crate::watchdog::Scratch>,
    _lock: WriteLock,
}

impl Update {
    /// Takes the output's lock (waiting for another build, see [`WriteLock::take`]),
    /// finishes an interrupted build's commit (see [`journal::recover`]), and creates
    /// an empty staging folder beside the output. Returns how many files the recovery
    /// moved, if there was one.
    pub fn begin(target: &Path, waiting: &dyn Fn(&str)) -> io::Result<(Update, Option<usize>)> {
        let target = super::resolve(target);
        let lock = WriteLock::take(&target, LOCK_WAIT, waiting)?;
        let recovered = journal::recover(&target)?;
        let (parent, name) = super::parent_and_name(&target)?;
        // Under the lock, folders left beside the output are a killed build's, from
        // before its commit: only clutter.
        // This process's own old files are being freed by a thread of its own (see
        // `Journal::finish`): not waited for.
        let stale = [format!(".{name}.staging-"), format!(".{name}.old-")];
        let freeing = format!(".{name}.old-{}-", std::process::id());
        for entry in std::fs::read_dir(parent)?.flatten() {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            if stale.iter().any(|p| file_name.starts_with(p.as_str()))
                && !file_name.starts_with(&freeing)
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        // One name a commit: a session's last commit may still be freeing its old
        // files (see `Journal::trash`, named after it).
        static COMMITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COMMITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let staging = parent.join(format!(".{name}.staging-{}-{n}", std::process::id()));
        std::fs::create_dir(&staging)?;
        let scratch = Some(crate::watchdog::Scratch::new(&staging));
        let fresh = match std::fs::read_dir(&target) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => true,
            Err(e) => return Err(e),
        };
        Ok((
            Update {
                folder: manifest::Folder::open(&target),
                target,
                staging,
                fresh,
                old: std::sync::OnceLock::new(),
                trusted: false,
                unplanned: Vec::new(),
                free_later: false,
                records: Mutex::default(),
                staged: Mutex::default(),
                committed: false,
                scratch,
                _lock: lock,
            },
            recovered,
        ))
    }

    /// Takes the records of `last`, the manifest the caller's own last commit
    /// saved, as true without reading the manifest or looking at the files it
    /// describes, if the manifest is still as that commit left it: no other build has
    /// written the output since. `planned` is every file the build plans: those of
    /// the last output it does not are removed. For `serve`, which commits every
    /// save: at 10,000 articles, a look at every file cost a save 30 ms, and reading,
    /// sorting and saving the records of the files kept 20 more. A file removed from
    /// the output by hand meanwhile comes back when its page changes, or at the next
    /// `build`, which looks at every file.
    pub fn trust<'a>(&mut self, last: Option<Committed>, planned: impl Iterator<Item = &'a str>) {
        // A session lives on: the files its commit replaces are freed in the
        // background, so that a save's page is on screen sooner.
        self.free_later = last.is_some();
        let Some(last) = last else { return };
        let now = std::fs::metadata(manifest::path_of(&self.target))
            .ok()
            .map(|m| Stamp::of(&m));
        if self.fresh || now != Some(last.stamp) || self.old.get().is_some() {
            return;
        }
        let planned: rustc_hash::FxHashSet<&str> = planned.collect();
        self.unplanned = last
            .manifest
            .files
            .keys()
            .filter(|rel| !planned.contains(rel.as_str()))
            .cloned()
            .collect();
        self.unplanned.sort_unstable();
        self.trusted = self.old.set(last.manifest).is_ok();
    }

    /// The last build's manifest (empty for a fresh output).
    fn old(&self) -> &Manifest {
        self.old.get_or_init(|| {
            if self.fresh {
                Manifest::default()
            } else {
                Manifest::load(&self.target)
            }
        })
    }

    /// Offers one file's bytes; true if they are new or changed (and so staged).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        self.offer(
            rel,
            manifest::hash_bytes(bytes),
            bytes.len() as u64,
            |out| out.write_all(bytes),
        )
    }

    /// Offers one file written by `write`, which is called once to hash the bytes
    /// and, if they are new or changed, again to stage them: a list of 100,000 cards
    /// is never whole in memory. Into a fresh output, where every file is new, it is
    /// called once, the bytes hashed as they are written.
    pub fn write_with(
        &self,
        rel: &str,
        write: impl Fn(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<bool> {
        if self.fresh {
            self.stage(rel, write)?;
            return Ok(true);
        }
        // Buffered: a list's page comes in thousands of pieces of a card each, and
        // the hash takes each far faster in blocks.
        let mut hasher = io::BufWriter::with_capacity(64 * 1024, manifest::Hasher::default());
        write(&mut hasher)?;
        let hasher = hasher.into_inner().map_err(|e| e.into_error())?;
        self.offer(rel, hasher.digest(), hasher.len, write)
    }

    /// Offers a copy of the file at `src`.
    pub fn copy(&self, rel: &str, src: &Path) -> io::Result<bool> {
        let hash = manifest::hash_file(src)?;
        let len = std::fs::metadata(src)?.len();
        self.offer(rel, hash, len, |out| {
            io::copy(&mut std::fs::File::open(src)?, out).map(|_| ())
        })
    }

    /// Keeps a file the build did not render again (its inputs did not change), if
    /// it is still as the manifest records it; false if it is not (missing, or
    /// changed by someone), and the caller must offer it.
    pub fn keep(&self, rel: &str) -> bool {
        if self.fresh {
            return false;
        }
        if self.trusted {
            return self.old().files.contains_key(rel);
        }
        let Some(stamp) = self.folder.stamp(rel) else {
            return false;
        };
        match self.old().trusted(rel, &stamp) {
            Some(record) => {
                self.record(rel, *record);
                true
            }
            _ => false,
        }
    }

    fn record(&self, rel: &str, record: Record) {
        lock(&self.records).push((rel.to_string(), record));
    }

    /// Stages a file unless the output holds these bytes already.
    fn offer(
        &self,
        rel: &str,
        hash: u128,
        len: u64,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<bool> {
        if let Some(record) = self.unchanged(rel, hash, len) {
            self.record(rel, record);
            return Ok(false);
        }
        self.stage(rel, write)?;
        Ok(true)
    }

    /// Makes `dir` and the folders above it that are missing, below the staging
    /// folder: one that is gone (the watchdog removed it) is not made again, and the
    /// file fails. Another thread may make the same folder at the same time.
    fn make_dir(&self, dir: &Path) -> io::Result<()> {
        match std::fs::create_dir(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound && dir != self.staging => {
                match dir.parent().filter(|p| p.starts_with(&self.staging)) {
                    Some(parent) if parent != self.staging => {
                        self.make_dir(parent)?;
                        self.make_dir(dir)
                    }
                    _ => Err(e),
                }
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            other => other,
        }
    }

    /// Writes one file into the staging folder, hashing its bytes on the way. Its
    /// folder is made when the file cannot be created without it: at 100,000
    /// articles, making every folder first, both threads in `articles/` at once,
    /// spent 4 s of CPU (half of it waiting on the folder's lock) in 2.7 s; made as
    /// each page is written, the making is spread among the pages.
    fn stage(
        &self,
        rel: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        fault_point();
        let path = self.staging.join(rel);
        let file = match std::fs::File::create(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    self.make_dir(parent)?;
                }
                std::fs::File::create(&path)?
            }
            other => other?,
        };
        // The buffer before the hash, so that both the hash and the file take the
        // thousands of small pieces of a list's page in blocks.
        let mut out = io::BufWriter::with_capacity(
            64 * 1024,
            Tee {
                out: file,
                hasher: manifest::Hasher::default(),
            },
        );
        write(&mut out)?;
        let tee = out.into_inner().map_err(|e| e.into_error())?;
        let file = tee.out;
        // The stamp the file keeps once moved into place: a rename changes neither.
        let stamp = Stamp::of(&file.metadata()?);
        let hash = tee.hasher.digest();
        self.record(rel, Record { stamp, hash });
        lock(&self.staged).push(rel.to_string());
        Ok(())
    }

    /// The record of the output's file at `rel` if it holds the bytes hashed `hash`.
    fn unchanged(&self, rel: &str, hash: u128, len: u64) -> Option<Record> {
        if self.fresh {
            return None;
        }
        self.old()
            .verify(&self.folder, rel, len)
            .filter(|record| record.hash == hash)
    }

    /// Makes the output hold exactly the files offered (or kept): moves the staged
    /// ones into place and removes the others, then records the manifest.
    pub fn commit(self) -> io::Result<Written> {
        self.commit_keeping(false).map(|(written, _)| written)
    }

    /// [`Update::commit`]; with `keep`, returns the manifest it saved too, for the
    /// caller's next update to [trust](Update::trust).
    pub fn commit_keeping(mut self, keep: bool) -> io::Result<(Written, Option<Committed>)> {
        let mut records = std::mem::take(&mut *lock(&self.records));
        let staged = std::mem::take(&mut *lock(&self.staged));
        let removed = if self.fresh {
            Vec::new()
        } else if self.trusted {
            std::mem::take(&mut self.unplanned)
        } else {
            rayon::slice::ParallelSliceMut::par_sort_unstable_by(&mut records[..], |a, b| {
                a.0.cmp(&b.0)
            });
            self.removed(&records)?
        };
        // Trusted, the kept files have no records: the last manifest's are theirs.
        if self.trusted {
            let mut files = self.old.take().unwrap_or_default().files;
            for rel in &removed {
                files.remove(rel);
            }
            files.extend(records);
            records = files.into_iter().collect();
        }
        let written = Written {
            written: staged.len(),
            unchanged: records.len() - staged.len(),
            removed: removed.len(),
            manifest: None,
        };
        if self.fresh {
            std::fs::write(self.staging.join(MARKER), MARKER_TEXT)?;
            fault_point();
            // An empty folder in the way (a fresh output may be one).
            if self.target.exists() {
                std::fs::remove_dir(&self.target)?;
            }
            std::fs::rename(&self.staging, &self.target)?;
            self.committed = true;
            self.scratch = None;
        } else if staged.is_empty() && removed.is_empty() {
            if !self.target.join(MARKER).is_file() {
                std::fs::write(self.target.join(MARKER), MARKER_TEXT)?;
            }
        } else {
            let journal = Journal {
                staging: self
                    .staging
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                put: staged,
                remove: removed,
            };
            // From here on the staging folder is the journal's: the watchdog must
            // not remove it, and neither must a drop.
            self.scratch = None;
            journal.write(&self.target)?;
            self.committed = true;
            fault_point();
            // The old records no longer hold once files move.
            Manifest::forget(&self.target)?;
            journal.apply(&self.target)?;
            fault_point();
            let manifest = save_manifest(&records, &self.target)?;
            journal.finish(&self.target, self.free_later)?;
            return Ok(kept(written, manifest, records, keep));
        }
        let manifest = save_manifest(&records, &self.target)?;
        Ok(kept(written, manifest, records, keep))
    }

    /// The output's files that are not among `records`: the manifest's, or with no
    /// manifest, every file found in the output (but its marker).
    fn removed(&self, records: &[(String, Record)]) -> io::Result<Vec<String>> {
        let kept: rustc_hash::FxHashSet<&str> = records.iter().map(|(r, _)| r.as_str()).collect();
        let mut removed: Vec<String> = if self.old().files.is_empty() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(&self.target).min_depth(1) {
                let entry = entry.map_err(io::Error::other)?;
                if entry.file_type().is_dir() {
                    continue;
                }
                let rel = entry
                    .path()
                    .strip_prefix(&self.target)
                    .unwrap_or(entry.path());
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel != MARKER {
                    found.push(rel);
                }
            }
            found
        } else {
            self.old()
                .files
                .keys()
                .filter(|r| !kept.contains(r.as_str()))
                .cloned()
                .collect()
        };
        removed.retain(|r| !kept.contains(r.as_str()));
        removed.sort_unstable();
        Ok(removed)
    }
}

/// What a session keeps of its last commit: the manifest it saved, and that file's
/// stamp then (see [`Update::trust`]).
#[derive(Debug)]
pub struct Committed {
    stamp: Stamp,
    manifest: Manifest,
}

/// `written` with the manifest's stamp, and with `keep` the manifest of `records`.
fn kept(
    mut written: Written,
    stamp: Option<Stamp>,
    records: Vec<(String, Record)>,
    keep: bool,
) -> (Written, Option<Committed>) {
    written.manifest = stamp;
    let committed = stamp.filter(|_| keep).map(|stamp| Committed {
        stamp,
        manifest: Manifest::of(records.into_iter().collect(), stamp.mtime),
    });
    (written, committed)
}

/// Saves the manifest of `records`, and returns its stamp.
fn save_manifest(records: &[(String, Record)], target: &Path) -> io::Result<Option<Stamp>> {
    let files: Vec<(&str, Record)> = records.iter().map(|(r, rec)| (r.as_str(), *rec)).collect();
    Manifest::save(&files, target)?;
    Ok(std::fs::metadata(manifest::path_of(target))
        .ok()
        .map(|m| Stamp::of(&m)))
}

impl Drop for Update {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_tree(&self.staging);
        }
    }
}

/// A writer that hashes what it passes on.
struct Tee<W> {
    out: W,
    hasher: manifest::Hasher,
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.write_all(&buf[..n])?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A lock of ours, taken even if a thread panicked holding it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inode(path: &Path) -> u64 {
        Stamp::of(&std::fs::metadata(path).unwrap()).inode
    }

    fn build(target: &Path, files: &[(&str, &str)]) -> Written {
        let (update, _) = Update::begin(target, &|_| {}).unwrap();
        for (rel, text) in files {
            update.write(rel, text.as_bytes()).unwrap();
        }
        update.commit().unwrap()
    }

    #[test]
    fn folders_are_made_below_the_staging_folder_and_never_make_it_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let (update, _) = Update::begin(&out, &|_| {}).unwrap();
        update.write("x/y/z/index.html", b"deep").unwrap();
        update.write("x/y/other.html", b"beside").unwrap();
        let staged = |rel: &str| std::fs::read_to_string(update.staging.join(rel)).unwrap();
        assert_eq!(staged("x/y/z/index.html"), "deep");
        assert_eq!(staged("x/y/other.html"), "beside");
        // The watchdog removed the staging folder: a file still being written fails.
        std::fs::remove_dir_all(&update.staging).unwrap();
        let err = update.write("a/b/index.html", b"late").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(!update.staging.exists());
    }

    #[test]
    fn only_changed_files_are_written_and_the_others_keep_their_inode() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = build(
            &out,
            &[("a/index.html", "a"), ("b/index.html", "b"), ("c.xml", "c")],
        );
        assert_eq!((first.written, first.unchanged, first.removed), (3, 0, 0));
        assert!(out.join(MARKER).is_file());
        let a = inode(&out.join("a/index.html"));
        let b = inode(&out.join("b/index.html"));
        let second = build(
            &out,
            &[
                ("a/index.html", "a"),
                ("b/index.html", "B"),
                ("d/e/f.html", "f"),
            ],
        );
        assert_eq!(
            (second.written, second.unchanged, second.removed),
            (2, 1, 1)
        );
        assert_eq!(inode(&out.join("a/index.html")), a, "unchanged file kept");
        assert_ne!(inode(&out.join("b/index.html")), b, "changed file replaced");
        assert_eq!(
            std::fs::read_to_string(out.join("b/index.html")).unwrap(),
            "B"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("d/e/f.html")).unwrap(),
            "f"
        );
        assert!(!out.join("c.xml").exists());
        // Without the manifest, files are compared by content, and strays removed.
        Manifest::forget(&out).unwrap();
        std::fs::write(out.join("stray.txt"), "mine").unwrap();
        let third = build(
            &out,
            &[
                ("a/index.html", "a"),
                ("b/index.html", "B"),
                ("d/e/f.html", "f"),
            ],
        );
        assert_eq!((third.written, third.unchanged, third.removed), (0, 3, 1));
        assert_eq!(inode(&out.join("a/index.html")), a);
        assert!(!out.join("stray.txt").exists());
        // Nothing beside the output but the lock and the manifest.
        let mut beside: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        beside.sort();
        assert_eq!(beside, [".public.lock", ".public.manifest", "public"]);
    }

    #[test]
    fn a_file_changed_by_hand_with_the_same_size_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", "aaaa")]);
        std::fs::write(out.join("index.html"), "bbbb").unwrap();
        let again = build(&out, &[("index.html", "aaaa")]);
        assert_eq!(again.written, 1);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "aaaa"
        );
    }

    #[test]
    fn an_update_dropped_uncommitted_leaves_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", "old")]);
        let (update, _) = Update::begin(&out, &|_| {}).unwrap();
        update.write("index.html", b"new").unwrap();
        update.write("more/index.html", b"more").unwrap();
        drop(update);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
        assert!(!out.join("more").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }

    #[test]
    fn kept_files_are_checked_against_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.html", "a"), ("b.html", "b")]);
        // The manifest's own time must be past the files' for them not to be racy.
        let manifest = manifest::path_of(&out);
        let later = std::fs::metadata(&manifest).unwrap().modified().unwrap()
            + std::time::Duration::from_secs(2);
        std::fs::File::options()
            .write(true)
            .open(&manifest)
            .unwrap()
            .set_modified(later)
            .unwrap();
        std::fs::remove_file(out.join("b.html")).unwrap();
        let (update, _) = Update::begin(&out, &|_| {}).unwrap();
        assert!(update.keep("a.html"));
        assert!(!update.keep("b.html"), "missing: must be offered");
        update.write("b.html", b"b").unwrap();
        let done = update.commit().unwrap();
        assert_eq!((done.written, done.unchanged, done.removed), (1, 1, 0));
    }

    #[test]
    fn a_trusted_manifest_is_taken_without_a_look_at_the_files_and_only_as_its_commit_left_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let commit = |files: &[(&str, &str)], last: Option<Committed>, planned: &[&str]| {
            let (mut update, _) = Update::begin(&out, &|_| {}).unwrap();
            update.trust(last, planned.iter().copied());
            let kept: Vec<bool> = planned.iter().map(|rel| update.keep(rel)).collect();
            for (rel, text) in files {
                update.write(rel, text.as_bytes()).unwrap();
            }
            let (written, committed) = update.commit_keeping(true).unwrap();
            (kept, written, committed.unwrap())
        };
        let (_, _, first) = commit(
            &[("a.html", "a"), ("b.html", "b"), ("c.html", "c")],
            None,
            &[],
        );
        // Racy (written in this very tick) and yet kept: the caller's own commit.
        std::fs::remove_file(out.join("b.html")).unwrap();
        let first_stamp = first.stamp;
        let (kept, done, second) = commit(
            &[("d.html", "d")],
            Some(first),
            &["a.html", "b.html", "d.html"],
        );
        assert_eq!(
            kept,
            [true, true, false],
            "trusted: the files are not looked at"
        );
        assert_eq!((done.written, done.unchanged, done.removed), (1, 2, 1));
        assert!(!out.join("c.html").exists(), "no longer planned: removed");
        assert_eq!(
            Manifest::load(&out)
                .files
                .keys()
                .collect::<std::collections::BTreeSet<_>>(),
            ["a.html", "b.html", "d.html"]
                .iter()
                .map(|s| s.to_string())
                .collect::<std::collections::BTreeSet<_>>()
                .iter()
                .collect(),
            "the manifest saved holds the kept files' records too"
        );
        // Another commit since: the manifest is read and the files looked at.
        let stale = Committed {
            stamp: first_stamp,
            manifest: second.manifest,
        };
        let (kept, _, _) = commit(&[], Some(stale), &["a.html", "b.html", "d.html"]);
        assert!(!kept[1], "missing, and the manifest not trusted");
    }
}
