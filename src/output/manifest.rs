//! The output's manifest: for every file the last build left in the output, the hash
//! of its bytes and how it looked on disk once written (size, modification time,
//! inode). It lets a build tell that a file still holds what it would write without
//! reading it.
//!
//! It is kept beside the output (`.public.manifest`, as the lock is), never in it, so
//! it is never published. It only ever saves work: a file whose stamp differs from
//! its record, or a missing or unreadable manifest, is compared by content.
//!
//! Git's rule for racy timestamps applies: a file modified in the same clock tick as
//! the manifest was written could have changed without its stamp changing, so a
//! record whose modification time is not older than the manifest's own is not
//! trusted.

use rustc_hash::FxHashMap as HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The first line of a manifest; another one is ignored.
const HEADER: &str = "briefing output manifest 1";

/// How a file looked on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, in nanoseconds since the epoch.
    pub mtime: i128,
    /// Inode number (0 where the system has none).
    pub inode: u64,
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            mtime: nanos(meta.modified().ok()),
            inode: inode(meta),
        }
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

fn nanos(time: Option<SystemTime>) -> i128 {
    match time.map(|t| t.duration_since(SystemTime::UNIX_EPOCH)) {
        Some(Ok(d)) => d.as_nanos() as i128,
        Some(Err(e)) => -(e.duration().as_nanos() as i128),
        None => 0,
    }
}

/// A folder whose files are stamped, open: each file is looked up from it rather
/// than by its whole path. At 100,000 articles a build after an edit stamps every
/// file of the output (110,000), and walking each whole path again was 60% of the
/// stamping's time.
pub struct Folder {
    path: PathBuf,
    /// The folder, open (none where it could not be opened: each whole path is then
    /// looked up).
    #[cfg(unix)]
    open: Option<std::fs::File>,
}

impl Folder {
    /// `path`, opened if it can be.
    pub fn open(path: &Path) -> Folder {
        Folder {
            path: path.to_path_buf(),
            #[cfg(unix)]
            open: std::fs::File::open(path).ok(),
        }
    }

    /// The stamp of the file at `rel` (`/`-separated) under the folder, if it is a
    /// regular file (a symbolic link is not followed).
    pub fn stamp(&self, rel: &str) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some(open) = &self.open {
            use rustix::fs::{statat, AtFlags, FileType};
            let stat = statat(open, rel, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
                return None;
            }
            return Some(Stamp {
                len: u64::try_from(stat.st_size).ok()?,
                // As `Stamp::of` reads it: seconds and nanoseconds of the same time.
                mtime: i128::from(stat.st_mtime) * 1_000_000_000 + i128::from(stat.st_mtime_nsec),
                inode: stat.st_ino,
            });
        }
        let meta = std::fs::symlink_metadata(self.path.join(rel)).ok()?;
        meta.is_file().then(|| Stamp::of(&meta))
    }
}

/// One file's record: its stamp once written, and the hash of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// How the file looked once written.
    pub stamp: Stamp,
    /// The hash of its bytes ([`hash_bytes`]).
    pub hash: u128,
}

/// The records of an output's files, by path (relative, `/`-separated).
#[derive(Debug, Default)]
pub struct Manifest {
    /// Each file's record.
    pub files: HashMap<String, Record>,
    /// When the manifest was written: records not older than this are racy.
    written: Option<i128>,
}

/// Where the manifest of `target` lives: beside it.
pub fn path_of(target: &Path) -> PathBuf {
    super::beside(target, "manifest")
}

impl Manifest {
    /// Reads the manifest of `target`; a missing, unreadable or foreign one is empty
    /// (every file is then compared by content).
    pub fn load(target: &Path) -> Manifest {
        let Ok(mut file) = std::fs::File::open(path_of(target)) else {
            return Manifest::default();
        };
        let written = file.metadata().ok().and_then(|m| m.modified().ok());
        let mut text = String::new();
        if io::Read::read_to_string(&mut file, &mut text).is_err() {
            return Manifest::default();
        }
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Manifest::default();
        }
        // A line per output file: 110,000 at 100,000 articles.
        let Some(files) = super::records_in_parallel(lines, parse_line) else {
            return Manifest::default();
        };
        Manifest {
            files,
            written: Some(nanos(written)),
        }
    }

    /// The manifest of `files`, written at `written` (nanoseconds since the epoch):
    /// one just saved.
    pub fn of(files: HashMap<String, Record>, written: i128) -> Manifest {
        Manifest {
            files,
            written: Some(written),
        }
    }

    /// The record of `rel`, if the file on disk (`stamp`) is still as recorded and
    /// the record is not racy.
    pub fn trusted(&self, rel: &str, stamp: &Stamp) -> Option<&Record> {
        let written = self.written?;
        self.files
            .get(rel)
            .filter(|r| r.stamp == *stamp && r.stamp.mtime < written)
    }

    /// The file at `rel` under `root` as it is now, if it is a regular file of `len`
    /// bytes: its record from the manifest when that can be trusted, else its
    /// bytes read and hashed (a racy or restamped file).
    pub fn verify(&self, root: &Folder, rel: &str, len: u64) -> Option<Record> {
        let stamp = root.stamp(rel)?;
        if stamp.len != len {
            return None;
        }
        if let Some(record) = self.trusted(rel, &stamp) {
            return Some(*record);
        }
        Some(Record {
            stamp,
            hash: hash_file(&root.path.join(rel)).ok()?,
        })
    }

    /// Writes the manifest of `target`, replacing the last one whole.
    pub fn save(files: &[(&str, Record)], target: &Path) -> io::Result<()> {
        let path = path_of(target);
        let temp = super::beside(target, "manifest.partial");
        let chunks = super::lines_in_parallel(files, |out, (rel, r)| {
            writeln!(
                out,
                "{:032x} {} {} {} {rel}",
                r.hash, r.stamp.len, r.stamp.mtime, r.stamp.inode
            )
        });
        {
            let mut out = io::BufWriter::with_capacity(256 * 1024, std::fs::File::create(&temp)?);
            writeln!(out, "{HEADER}")?;
            for chunk in &chunks {
                out.write_all(chunk)?;
            }
            out.flush()?;
        }
        std::fs::rename(&temp, &path)
    }

    /// Removes the manifest of `target` (its records may no longer hold).
    pub fn forget(target: &Path) -> io::Result<()> {
        match std::fs::remove_file(path_of(target)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// `hash len mtime inode path`; the path last, since it may hold spaces.
fn parse_line(line: &str) -> Option<(&str, Record)> {
    let mut parts = line.splitn(5, ' ');
    let hash = u128::from_str_radix(parts.next()?, 16).ok()?;
    let len = parts.next()?.parse().ok()?;
    let mtime = parts.next()?.parse().ok()?;
    let inode = parts.next()?.parse().ok()?;
    let rel = parts.next().filter(|r| !r.is_empty())?;
    Some((
        rel,
        Record {
            stamp: Stamp { len, mtime, inode },
            hash,
        },
    ))
}

/// The hash of a file's bytes, as [`hash_bytes`] gives for the same bytes.
pub fn hash_file(path: &Path) -> io::Result<u128> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Hasher::default();
    io::copy(&mut file, &mut hasher)?;
    Ok(hasher.digest())
}

/// The hash of some bytes: 128 bits of XXH3, so that two different pages of one
/// site sharing a hash is not a case to plan for.
pub fn hash_bytes(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A sink that hashes what is written to it, and counts it.
#[derive(Default)]
pub struct Hasher {
    state: xxhash_rust::xxh3::Xxh3Default,
    /// Bytes written so far.
    pub len: u64,
}

impl Hasher {
    /// The hash of what was written.
    pub fn digest(&self) -> u128 {
        self.state.digest128()
    }
}

impl Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.state.update(buf);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_stamps_a_regular_file_as_its_metadata_does_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("articles/a")).unwrap();
        std::fs::write(root.join("articles/a/index.html"), "<p>A</p>").unwrap();
        // A time before the epoch, with nanoseconds: both parts must be read alike.
        let file = std::fs::File::options()
            .write(true)
            .open(root.join("articles/a/index.html"))
            .unwrap();
        let before = std::time::UNIX_EPOCH - std::time::Duration::new(86_400, 250_000_001);
        file.set_modified(before).unwrap();
        drop(file);
        let folder = Folder::open(root);
        let meta = std::fs::symlink_metadata(root.join("articles/a/index.html")).unwrap();
        let want = Stamp::of(&meta);
        assert_eq!(want.mtime, -86_400_250_000_001);
        assert_eq!(folder.stamp("articles/a/index.html"), Some(want));
        // Unopened, the whole path is looked up, to the same stamp.
        #[cfg(unix)]
        {
            let unopened = Folder {
                path: root.to_path_buf(),
                open: None,
            };
            assert_eq!(unopened.stamp("articles/a/index.html"), Some(want));
            assert_eq!(unopened.stamp("articles/a"), None);
        }
        let missing = Folder::open(&root.join("not-yet"));
        assert_eq!(missing.stamp("articles/a/index.html"), None);
        // A folder, a missing file and a link are no regular file's stamp.
        assert_eq!(folder.stamp("articles/a"), None);
        assert_eq!(folder.stamp("articles/b/index.html"), None);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("a/index.html", root.join("articles/link.html")).unwrap();
            assert_eq!(folder.stamp("articles/link.html"), None);
        }
    }

    #[test]
    fn streamed_and_whole_hashes_agree() {
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let mut h = Hasher::default();
        for chunk in bytes.chunks(7_000) {
            h.write_all(chunk).unwrap();
        }
        assert_eq!(h.digest(), hash_bytes(&bytes));
        assert_eq!(h.len, bytes.len() as u64);
    }

    #[test]
    fn a_manifest_reads_back_and_a_racy_or_restamped_record_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let stamp = Stamp {
            len: 5,
            mtime: 1_000,
            inode: 7,
        };
        let record = Record { stamp, hash: 42 };
        let racy = Record {
            stamp: Stamp {
                mtime: i128::MAX / 2,
                ..stamp
            },
            hash: 43,
        };
        Manifest::save(&[("a b/index.html", record), ("late.html", racy)], &target).unwrap();
        let m = Manifest::load(&target);
        assert_eq!(m.files.len(), 2);
        assert_eq!(m.trusted("a b/index.html", &stamp), Some(&record));
        assert_eq!(
            m.trusted("a b/index.html", &Stamp { len: 6, ..stamp }),
            None
        );
        assert_eq!(m.trusted("late.html", &racy.stamp), None, "racy");
        std::fs::write(path_of(&target), "briefing output manifest 0\n").unwrap();
        assert!(Manifest::load(&target).files.is_empty(), "foreign version");
        std::fs::write(path_of(&target), format!("{HEADER}\nnot a record\n")).unwrap();
        assert!(Manifest::load(&target).files.is_empty(), "corrupt");
    }
}
