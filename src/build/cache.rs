//! What the last build read and said, remembered so that a build after nothing
//! changed does no work: `.briefing-cache/build/last.json` under the site (safe to
//! delete, never published; the folder also holds the image cache).
//!
//! It records the size, modification time and inode of every file under
//! `content/`, `static/`, `templates/` and `data/`, and the bytes of `site.toml` and
//! `published.txt`, stamped before the build read anything (in `inputs` beside it,
//! by the hash of its bytes); the options; the version of briefing; the
//! stamp of the output's manifest once written; until when the build's *now* changes
//! nothing (the next scheduled or expiring article, an article entering or leaving
//! the news sitemap's 48 hours); and the build's report and warnings.
//!
//! A build whose inputs, options, version and output all match, before that time,
//! says what the last build said and writes nothing. Anything else builds in full:
//! a file whose modification time is not older than the stamps of the last build
//! (git's rule for racy timestamps: it may have changed in the same tick), a
//! symbolic link among the inputs (its target's time is not its own), an output
//! file not as the manifest records it. A cache from another version of briefing,
//! or one that cannot be read, is ignored with a note and replaced.
//!
//! Beside it, `pages` holds the fingerprint of every file the last build wrote
//! (what [`crate::render::context::Views::fingerprint`] hashes: every value a page's
//! template sees), sealed with the binary, the options, the output's path and the
//! stamp its manifest had when that build committed. A build after an edit renders
//! only the files whose fingerprint changed, or that the output no longer holds as
//! its manifest records; the others are kept as they are. A seal that does not match
//! (another binary or options, an output that `serve` or another build wrote since)
//! and the build renders every page.

use super::report::{BuildReport, LeftOut};
use super::BuildOptions;
use crate::diagnostics::Diagnostic;
use crate::output::manifest::{Manifest, Stamp};
use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The cache's folder under the site root.
pub const DIR: &str = ".briefing-cache/build";
const FILE: &str = "last.json";
/// The page fingerprints of the last build, beside [`FILE`].
const PAGES: &str = "pages";
/// The stamps of the last build's inputs, beside [`FILE`] (postcard): at 100,000
/// articles they were 10 MB of JSON, 0.1 s to write and read again.
const INPUTS: &str = "inputs";
/// Changes whenever what is saved does.
const FORMAT: u32 = 4;
/// How much older than the stamps a file's time must be to be trusted: more than
/// any file system's clock tick.
const RACY: Duration = Duration::from_secs(2);

/// The inputs of a build, stamped before it reads them.
pub struct Taken {
    at: i128,
    /// `None` when they cannot be trusted by their stamps (a symbolic link, a folder
    /// that cannot be read).
    inputs: Option<Vec<Input>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Input {
    path: String,
    len: u64,
    mtime: i128,
    inode: u64,
    /// The hash of the bytes, for [`ROOT_FILES`]: `published.txt` is written by
    /// the build itself, so its time is always as new as the cache.
    hash: Option<String>,
}

/// The files at the site's root a build reads, known by their bytes.
const ROOT_FILES: [&str; 2] = ["site.toml", "published.txt"];

/// A file of [`ROOT_FILES`], by its bytes; one absent is recorded as such (its
/// appearing is a change too); `None` for one that is not a plain file.
fn small(root: &Path, file: &str) -> Option<Input> {
    let path = root.join(file);
    let hash = match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => format!("{:032x}", crate::output::manifest::hash_file(&path).ok()?),
        Ok(_) => return None,
        Err(_) => "absent".into(),
    };
    Some(Input {
        path: file.into(),
        len: 0,
        mtime: 0,
        inode: 0,
        hash: Some(hash),
    })
}

#[derive(Serialize, Deserialize)]
struct Saved {
    format: u32,
    identity: String,
    key: String,
    taken_at: i128,
    /// The XXH3-128 of [`INPUTS`]'s bytes, in hexadecimal: the two files are of
    /// one build.
    inputs: String,
    output: PathBuf,
    manifest: (u64, i128, u64),
    valid_until: Option<DateTime<FixedOffset>>,
    report: SavedReport,
}

#[derive(Serialize, Deserialize)]
struct SavedReport {
    pages: BTreeMap<String, usize>,
    files: usize,
    files_in_output: usize,
    images: super::images::ImageCounts,
    warnings: Vec<Diagnostic>,
    left_out: LeftOut,
    zone: Option<String>,
}

/// This binary: its version, commit, and the size and time of its file, so that a
/// cache written by any other build of briefing is never trusted.
pub(super) fn identity() -> String {
    // Asked by every store a build opens: the binary's file is stamped once.
    static IDENTITY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IDENTITY.get_or_init(stamp_identity).clone()
}

fn stamp_identity() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let s = Stamp::of(&m);
            format!("{} {}", s.len, s.mtime)
        })
        .unwrap_or_default();
    format!(
        "briefing {} ({}) {exe}",
        env!("CARGO_PKG_VERSION"),
        env!("BRIEFING_COMMIT")
    )
}

/// What of the options decides the output.
fn key(options: &BuildOptions) -> String {
    format!(
        "root={} output={:?} base_url={:?} drafts={} future={} expired={} strict={} now={:?}",
        crate::output::resolve(&options.root).display(),
        options.output.as_deref().map(crate::output::resolve),
        options.base_url,
        options.drafts,
        options.future,
        options.expired,
        options.strict,
        options.now,
    )
}

/// `t` in nanoseconds since the epoch (negative before it).
pub(super) fn nanos(t: SystemTime) -> i128 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

impl Taken {
    /// The stamps of the files under `content/`, by path under it, for the kept
    /// articles (see [`super::article_cache`]): each file is stamped once a build.
    /// `None` when the inputs could not be stamped.
    pub fn content_stamps(&self) -> Option<Stamps> {
        let inputs = self.inputs.as_ref()?;
        let files = inputs
            .iter()
            .filter_map(|i| {
                let rel = i.path.strip_prefix("content/")?;
                let stamp = Stamp {
                    len: i.len,
                    mtime: i.mtime,
                    inode: i.inode,
                };
                Some((rel.to_string(), stamp))
            })
            .collect();
        Some(Stamps { at: self.at, files })
    }
}

/// Files stamped by [`take`], and when.
#[derive(Debug, Clone, Default)]
pub struct Stamps {
    /// When the stamps were taken, in nanoseconds since the epoch: before any file
    /// was read.
    pub at: i128,
    /// Each file's stamp, by path under its folder.
    pub files: HashMap<String, Stamp>,
}

/// Stamps every input of the site at `root`.
pub fn take(root: &Path) -> Taken {
    let at = nanos(SystemTime::now());
    let mut inputs = Vec::new();
    for file in ROOT_FILES {
        match small(root, file) {
            Some(input) => inputs.push(input),
            None => return Taken { at, inputs: None },
        }
    }
    let walked: Option<Vec<Vec<Input>>> = ["content", "static", "templates", "data"]
        .par_iter()
        .map(|dir| walk(root, dir))
        .collect();
    let inputs = walked.map(|w| {
        inputs.extend(w.into_iter().flatten());
        inputs.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
        inputs
    });
    Taken { at, inputs }
}

/// Every file under `root/dir`; `None` on a symbolic link, an unreadable folder, or a
/// file that is not a regular one (a FIFO, a socket): a build takes its list of
/// `content/` from this one (`content::walk::content_listed`), and such files are
/// for the walk to warn of.
///
/// The folders at the top are walked in parallel, and each folder's files are
/// stamped in parallel once it is listed: `content/` is often a folder a year, and
/// three years on two threads left one idle for a third of the walk (at 100,000
/// articles it took 0.3 s on one thread). A folder is open only while its own files
/// are stamped: a site of a folder an article must not run out of file handles.
fn walk(root: &Path, dir: &str) -> Option<Vec<Input>> {
    let top = root.join(dir);
    if !top.exists() {
        return Some(Vec::new());
    }
    if std::fs::symlink_metadata(&top)
        .ok()?
        .file_type()
        .is_symlink()
    {
        return None;
    }
    let mut found = Vec::new();
    let mut folders = Vec::new();
    stamp_folder(root, &top, &mut found, &mut folders)?;
    let nested: Option<Vec<Vec<Input>>> = folders
        .par_iter()
        .map(|f| {
            let mut found = Vec::new();
            let mut folders = vec![f.clone()];
            while let Some(folder) = folders.pop() {
                stamp_folder(root, &folder, &mut found, &mut folders)?;
            }
            Some(found)
        })
        .collect();
    found.extend(nested?.into_iter().flatten());
    Some(found)
}

/// Stamps the files of `folder` into `found` (in parallel) and puts its folders into
/// `folders`; `None` on an unreadable folder, a symbolic link, a file that is not a
/// regular one, or a name holding a backslash.
///
/// Listed with `read_dir` rather than walkdir: a `std` entry's metadata is read
/// relative to its open folder, where walkdir's looks the whole path up again (at
/// 100,000 articles, a quarter of the walk's time went to looking paths up).
fn stamp_folder(
    root: &Path,
    folder: &Path,
    found: &mut Vec<Input>,
    folders: &mut Vec<PathBuf>,
) -> Option<()> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).ok()? {
        let entry = entry.ok()?;
        let kind = entry.file_type().ok()?;
        if backslashed(&entry) {
            return None;
        }
        if kind.is_dir() {
            folders.push(entry.path());
        } else if kind.is_file() {
            files.push(entry);
        } else {
            return None;
        }
    }
    let stamped: Option<Vec<Input>> = files
        .par_iter()
        .map(|entry| input(root, &entry.path(), &entry.metadata().ok()?))
        .collect();
    found.extend(stamped?);
    Some(())
}

/// Whether an entry's name holds a backslash: an input's path writes it as `/` (as on
/// Windows), and the listing of `content/` taken from these stamps would then name
/// another file. Such a site is walked (and never replayed).
fn backslashed(entry: &std::fs::DirEntry) -> bool {
    entry.file_name().as_encoded_bytes().contains(&b'\\')
}

/// The file `path` under `root` as an input.
fn input(root: &Path, path: &Path, meta: &std::fs::Metadata) -> Option<Input> {
    let rel = path.strip_prefix(root).ok()?;
    let stamp = Stamp::of(meta);
    Some(Input {
        path: rel.to_string_lossy().replace('\\', "/"),
        len: stamp.len,
        mtime: stamp.mtime,
        inode: stamp.inode,
        hash: None,
    })
}

/// The inputs' bytes as the cache keeps them ([`INPUTS`]): each input's postcard
/// bytes, one after the other, made in parallel (at 100,000 articles, 60 ms on one
/// thread, twice a build). They are only ever compared, never read back.
fn encoded(inputs: &[Input]) -> Option<Vec<u8>> {
    let chunks: Option<Vec<Vec<u8>>> = inputs
        .par_chunks(4096)
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.len() * 64);
            for input in chunk {
                out = postcard::to_extend(input, out).ok()?;
            }
            Some(out)
        })
        .collect();
    Some(chunks?.concat())
}

/// The XXH3-128 of `bytes`, in hexadecimal.
fn hash_hex(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

fn path_of(root: &Path) -> PathBuf {
    root.join(DIR).join(FILE)
}

fn manifest_stamp(output: &Path) -> Option<(u64, i128, u64)> {
    let m = std::fs::metadata(crate::output::manifest::path_of(&crate::output::resolve(
        output,
    )))
    .ok()?;
    let s = Stamp::of(&m);
    Some((s.len, s.mtime, s.inode))
}

/// The last build's report, if nothing it read, nothing of its output and nothing
/// the clock decides has changed since; else `None`, with a note when the cache was
/// there but not one this binary can trust.
pub fn replay(options: &BuildOptions, taken: &Taken) -> (Option<BuildReport>, Option<Diagnostic>) {
    if !options.write || options.check {
        return (None, None);
    }
    let path = path_of(&options.root);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return (None, None);
    };
    let note = |why: &str| {
        Some(Diagnostic::note(
            Path::new(DIR).join(FILE),
            format!("the build cache {why}: ignored, and written again by this build"),
        ))
    };
    let saved: Saved = match serde_json::from_str(&text) {
        Ok(s) => s,
        Err(_) => return (None, note("cannot be read")),
    };
    if saved.format != FORMAT || saved.identity != identity() {
        return (None, note("was written by another version of briefing"));
    }
    // The inputs as stamped now, in the bytes the last build saved them as.
    let inputs = std::fs::read(path.with_file_name(INPUTS)).ok();
    let same_inputs = match (&taken.inputs, inputs) {
        (Some(now), Some(bytes)) => {
            hash_hex(&bytes) == saved.inputs
                && encoded(now).is_some_and(|b| b == bytes)
                && now
                    .iter()
                    .all(|i| i.mtime < saved.taken_at - RACY.as_nanos() as i128)
        }
        _ => false,
    };
    let fresh = saved.key == key(options)
        && same_inputs
        && saved.valid_until.is_none_or(|until| {
            options
                .now
                .unwrap_or_else(|| chrono::Utc::now().fixed_offset())
                < until
        })
        && manifest_stamp(&saved.output) == Some(saved.manifest)
        && output_intact(&saved.output);
    if !fresh {
        return (None, None);
    }
    let r = saved.report;
    let report = BuildReport {
        pages: r
            .pages
            .into_iter()
            .map(|(k, v)| (Cow::Owned(k), v))
            .collect(),
        files: r.files,
        images: super::images::ImageCounts {
            processed: 0,
            cached: r.images.processed + r.images.cached,
            variants: r.images.variants,
        },
        unchanged: r.files_in_output,
        output: Some(saved.output),
        warnings: r.warnings,
        left_out: r.left_out,
        zone: r.zone.and_then(|z| z.parse().ok()),
        cached: true,
        ..BuildReport::default()
    };
    (Some(report), None)
}

/// Whether every file of the output at `output` is as its manifest records it.
fn output_intact(output: &Path) -> bool {
    let output = crate::output::resolve(output);
    if !output.join(crate::output::MARKER).is_file() {
        return false;
    }
    let manifest = Manifest::load(&output);
    let folder = crate::output::manifest::Folder::open(&output);
    !manifest.files.is_empty()
        && manifest.files.par_iter().all(|(rel, record)| {
            manifest
                .verify(&folder, rel, record.stamp.len)
                .is_some_and(|now| now.hash == record.hash)
        })
}

/// Remembers a build that wrote its output; a cache that cannot be written is a
/// note (the next build is a full one).
pub fn save(
    options: &BuildOptions,
    taken: Taken,
    report: &BuildReport,
    fingerprints: Option<&HashMap<String, u64>>,
) -> Option<Diagnostic> {
    let (Some(mut inputs), Some(output), true, false) =
        (taken.inputs, &report.output, options.write, options.check)
    else {
        return None;
    };
    // `published.txt` as the build left it.
    for input in inputs.iter_mut().filter(|i| i.path == "published.txt") {
        *input = small(&options.root, "published.txt")?;
    }
    let manifest = report.manifest.map(|s| (s.len, s.mtime, s.inode))?;
    let path = path_of(&options.root);
    let dir = path.parent().unwrap_or(Path::new("."));
    let inputs = encoded(&inputs)?;
    let saved = Saved {
        format: FORMAT,
        identity: identity(),
        key: key(options),
        taken_at: taken.at,
        inputs: hash_hex(&inputs),
        output: output.clone(),
        manifest,
        valid_until: report.valid_until,
        report: SavedReport {
            pages: report
                .pages
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            files: report.files,
            files_in_output: report.written + report.unchanged,
            images: report.images,
            warnings: report.warnings.clone(),
            left_out: report.left_out.clone(),
            zone: report.zone.map(|z| z.name().to_string()),
        },
    };
    let inputs_written = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut temp, &inputs)?;
        temp.persist(path.with_file_name(INPUTS))
            .map_err(|e| e.error)?;
        // A temporary file of its own: two builds of one site (into two outputs) may
        // save at once; the last rename wins, whole.
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        let mut out = std::io::BufWriter::new(&mut temp);
        serde_json::to_writer(&mut out, &saved).map_err(std::io::Error::other)?;
        std::io::Write::flush(&mut out)?;
        drop(out);
        temp.persist(&path).map(|_| ()).map_err(|e| e.error)
    };
    // The two files side by side (at 100,000 articles each is 5 MB made on one
    // thread); the pages' file is read only with the other's seal.
    let (written, pages) = rayon::join(inputs_written, || match fingerprints {
        Some(pages) => {
            std::fs::create_dir_all(dir)?;
            save_pages(options, output, manifest, pages)
        }
        None => Ok(()),
    });
    written.and(pages).err().map(|e| {
        Diagnostic::note(
            Path::new(DIR).join(FILE),
            format!("cannot write the build cache ({e}): the next build reads everything again"),
        )
    })
}

/// What a build's page fingerprints hold for: this binary, these options, this
/// output, and its manifest as that build's commit left it (`manifest`, its stamp).
fn seal(options: &BuildOptions, output: &Path, manifest: (u64, i128, u64)) -> String {
    let of = crate::model::fingerprint::of(&(
        FORMAT,
        identity(),
        key(options),
        crate::output::resolve(output),
        manifest,
    ));
    format!("briefing pages {of:016x}")
}

/// Writes `pages` (each output file's fingerprint, by its path in the output),
/// sealed for the output whose manifest had the stamp `manifest`.
fn save_pages(
    options: &BuildOptions,
    output: &Path,
    manifest: (u64, i128, u64),
    pages: &HashMap<String, u64>,
) -> std::io::Result<()> {
    use std::io::Write;
    let path = options.root.join(DIR).join(PAGES);
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    let pages: Vec<(&String, &u64)> = pages.iter().collect();
    let chunks = crate::output::lines_in_parallel(&pages, |out, (rel, fingerprint)| {
        writeln!(out, "{fingerprint:016x} {rel}")
    });
    {
        let mut out = std::io::BufWriter::with_capacity(256 * 1024, &mut temp);
        writeln!(out, "{}", seal(options, output, manifest))?;
        for chunk in &chunks {
            out.write_all(chunk)?;
        }
        out.flush()?;
    }
    temp.persist(&path).map(|_| ()).map_err(|e| e.error)
}

/// The fingerprint of every file the last build wrote into `output`, if that build
/// was made by this binary with these options and the output is as it left it (its
/// manifest's stamp): else `None`, and the build renders every page.
pub fn fingerprints(options: &BuildOptions, output: &Path) -> Option<HashMap<String, u64>> {
    if !options.write || options.check {
        return None;
    }
    let manifest = manifest_stamp(output)?;
    let text = std::fs::read_to_string(options.root.join(DIR).join(PAGES)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != seal(options, output, manifest) {
        return None;
    }
    // A line that does not read (a file name with a line break in it) spoils them
    // all: the build renders every page.
    crate::output::records_in_parallel(lines, |line| {
        let (fingerprint, rel) = line.split_once(' ')?;
        Some((rel, u64::from_str_radix(fingerprint, 16).ok()?))
    })
}
