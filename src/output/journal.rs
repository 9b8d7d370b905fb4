//! The journal of a commit: which staged files replace which, and which files go.
//!
//! A build writes every new or changed file into a staging folder beside the output,
//! then writes the journal beside the output too (`.public.journal`, by a rename, so
//! it is whole or absent): from that moment the new site is decided. It then moves
//! the files into place and removes the journal. A build killed before the journal
//! exists left the output as it was (its staging folder is clutter, removed by the
//! next build); one killed after is rolled forward by the next command that takes the
//! output's lock ([`recover`]), since everything the journal names is in the staging
//! folder or already in place.

use super::{beside, fault_point, MARKER, MARKER_TEXT};
use rayon::prelude::*;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

const HEADER: &str = "briefing output journal 1";

/// What a commit does to the output.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Journal {
    /// The staging folder's name, beside the output.
    pub staging: String,
    /// Files to move from the staging folder into place (relative, `/`-separated).
    pub put: Vec<String>,
    /// Files to remove from the output.
    pub remove: Vec<String>,
}

fn path_of(target: &Path) -> PathBuf {
    beside(target, "journal")
}

impl Journal {
    /// Writes the journal of `target`: once this returns, the commit is decided.
    pub fn write(&self, target: &Path) -> io::Result<()> {
        let temp = beside(target, "journal.partial");
        {
            let file = std::fs::File::create(&temp)?;
            let mut out = io::BufWriter::new(&file);
            writeln!(out, "{HEADER}")?;
            writeln!(out, "staging {}", self.staging)?;
            for rel in &self.put {
                writeln!(out, "put {rel}")?;
            }
            for rel in &self.remove {
                writeln!(out, "remove {rel}")?;
            }
            out.flush()?;
            drop(out);
            file.sync_all()?;
        }
        std::fs::rename(&temp, path_of(target))
    }

    /// The journal left beside `target`, if any. One that cannot be read whole is an
    /// error: the output may be part old, part new, and only the journal says which.
    pub fn read(target: &Path) -> io::Result<Option<Journal>> {
        let path = path_of(target);
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let bad = |what: &str| {
            io::Error::other(format!(
                "the journal of an interrupted build, {}, is not one briefing reads ({what}): \
                 the output may be part old, part new; remove the journal and the output, then build again",
                path.display()
            ))
        };
        let mut lines = io::BufReader::new(file).lines();
        if !matches!(lines.next(), Some(Ok(ref h)) if h == HEADER) {
            return Err(bad("unknown first line"));
        }
        let mut journal = Journal::default();
        for line in lines {
            let line = line?;
            match line.split_once(' ') {
                Some(("staging", name)) if !name.contains('/') => journal.staging = name.into(),
                Some(("put", rel)) => journal.put.push(rel.into()),
                Some(("remove", rel)) => journal.remove.push(rel.into()),
                _ => return Err(bad(&format!("line {line:?}"))),
            }
        }
        if journal.staging.is_empty() {
            return Err(bad("no staging folder"));
        }
        Ok(Some(journal))
    }

    /// Removes the files to remove and moves every staged file still in the staging
    /// folder into place; what was done already is skipped, so this may run again after
    /// being interrupted.
    pub fn apply(&self, target: &Path) -> io::Result<()> {
        let staging = target.with_file_name(&self.staging);
        let marker = target.join(MARKER);
        if !marker.is_file() {
            std::fs::create_dir_all(target)?;
            std::fs::write(&marker, MARKER_TEXT)?;
        }
        // The files replaced or removed are moved aside, and freed once the commit
        // is done (see `Journal::trash`); where that fails, freed here.
        let trash = self.trash(target);
        let _ = std::fs::create_dir(&trash);
        // Removals first: a file that becomes a folder (or the reverse) finds its
        // place free, and a reader who sees a new page no longer sees the page it
        // replaces.
        self.remove
            .par_iter()
            .enumerate()
            .try_for_each(|(k, rel)| {
                fault_point();
                remove_file(target, rel, Some(&trash.join(format!("r{k}"))))
            })?;
        self.put.par_iter().enumerate().try_for_each(|(k, rel)| {
            fault_point();
            let from = staging.join(rel);
            let to = target.join(rel);
            // Fails, harmlessly, where there is no file yet or it is linked already
            // (a run this one recovers).
            let _ = std::fs::hard_link(&to, trash.join(format!("p{k}")));
            match std::fs::rename(&from, &to) {
                Ok(()) => Ok(()),
                // Moved already, by the run this one recovers.
                Err(_) if !from.exists() && to.exists() => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    if let Some(parent) = to.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    std::fs::rename(&from, &to)
                }
                // A folder where a file now goes (an article's `page.html` became
                // `page/index.html` and back): the folder is the old site's.
                Err(_) if to.is_dir() => {
                    std::fs::remove_dir_all(&to)?;
                    std::fs::rename(&from, &to)
                }
                Err(e) => Err(e),
            }
        })?;
        Ok(())
    }

    /// Removes the journal (the last step of a commit) and the staging folder, then
    /// frees the files the commit replaced or removed: at once, or with `later` in
    /// a thread of their own (see `Journal::trash`).
    pub fn finish(&self, target: &Path, later: bool) -> io::Result<()> {
        let staging = target.with_file_name(&self.staging);
        if staging.exists() {
            super::remove_tree(&staging)?;
        }
        fault_point();
        std::fs::remove_file(path_of(target))?;
        // The commit is done: the files aside are no one's, and a folder of them
        // left behind is removed by the next build (see `Update::begin`).
        let trash = self.trash(target);
        if later {
            std::thread::spawn(move || super::remove_tree(&trash));
        } else if trash.exists() {
            let _ = super::remove_tree(&trash);
        }
        Ok(())
    }

    /// The folder beside the output (`.public.old-…`, named as the staging folder
    /// is) that a commit moves the files it replaces or removes into, by a hard link
    /// or a rename. Freeing a file takes time: a rename over a 7.7 MB home page, which
    /// frees the old one, took 4–5 ms on an ext4 disk mounted with `discard`; with
    /// the old page linked aside, 0.4 ms. So the files are freed after the commit,
    /// and `serve` does not wait for it.
    fn trash(&self, target: &Path) -> PathBuf {
        let name = match self.staging.rfind(".staging-") {
            Some(at) => format!("{}.old-{}", &self.staging[..at], &self.staging[at + 9..]),
            None => format!("{}.old", self.staging),
        };
        target.with_file_name(name)
    }
}

/// Removes one file of the output, and each folder above it that it leaves empty;
/// given `aside`, by moving it there (see `Journal::trash`), else by removing it.
pub fn remove_file(target: &Path, rel: &str, aside: Option<&Path>) -> io::Result<()> {
    let path = target.join(rel);
    let moved = aside.is_some_and(|to| std::fs::rename(&path, to).is_ok());
    match if moved {
        Ok(())
    } else {
        std::fs::remove_file(&path)
    } {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut dir = rel;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        // Fails, harmlessly, while the folder still holds something.
        if std::fs::remove_dir(target.join(parent)).is_err() {
            break;
        }
        dir = parent;
    }
    Ok(())
}

/// Finishes the commit of a build that was interrupted after its journal was
/// written; with no journal there is nothing to finish (a staging folder left
/// beside the output is removed by the next build). Call it holding the output's
/// lock. Returns how many files were moved into place, if there was a journal.
pub fn recover(target: &Path) -> io::Result<Option<usize>> {
    let Some(journal) = Journal::read(target)? else {
        return Ok(None);
    };
    // The manifest is the old site's: the files moved in are compared by content next.
    super::manifest::Manifest::forget(target)?;
    journal.apply(target)?;
    journal.finish(target, false)?;
    Ok(Some(journal.put.len() + journal.remove.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_reads_back_and_applies_twice_without_harm() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir_all(target.join("old")).unwrap();
        std::fs::write(target.join("old/index.html"), "old").unwrap();
        std::fs::write(target.join("kept.html"), "kept").unwrap();
        let staging = dir.path().join(".public.staging-1");
        std::fs::create_dir_all(staging.join("new/deep")).unwrap();
        std::fs::write(staging.join("new/deep/index.html"), "new").unwrap();
        std::fs::write(staging.join("kept.html"), "changed").unwrap();
        let journal = Journal {
            staging: ".public.staging-1".into(),
            put: vec!["new/deep/index.html".into(), "kept.html".into()],
            remove: vec!["old/index.html".into()],
        };
        journal.write(&target).unwrap();
        assert_eq!(Journal::read(&target).unwrap().as_ref(), Some(&journal));
        journal.apply(&target).unwrap();
        journal.apply(&target).unwrap();
        assert_eq!(recover(&target).unwrap(), Some(3));
        assert_eq!(Journal::read(&target).unwrap(), None);
        assert!(!staging.exists());
        assert!(!target.join("old").exists(), "emptied folder removed");
        assert_eq!(
            std::fs::read_to_string(target.join("new/deep/index.html")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(target.join("kept.html")).unwrap(),
            "changed"
        );
    }

    #[test]
    fn an_unreadable_journal_is_an_error_that_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::write(dir.path().join(".public.journal"), "something else\n").unwrap();
        let e = recover(&target).unwrap_err().to_string();
        assert!(e.contains("remove the journal and the output"), "{e}");
    }
}
