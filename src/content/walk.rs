//! Walking `content/` and `static/`: which files are articles, which are assets.
//!
//! Hidden files and editors' scratch files (`.swp`, `~`, `.#x`, `#x#`, `4913`) are
//! never content. A symbolic link to a file is followed only when the file is inside
//! the site; a link pointing outside it is reported and skipped, so a build never
//! reads or publishes a file the site does not own. Links to folders are not followed.

use crate::diagnostics::{display_path, Diagnostic};
pub use crate::model::asset::Asset;
use rayon::prelude::*;
use std::path::Path;
use walkdir::WalkDir;

/// Folders under `content/` whose Markdown files are profiles, not articles.
pub const PROFILE_DIRS: &[&str] = &["actors", "sources", "authors", "stories"];

/// What a walk found.
#[derive(Debug, Default)]
pub struct Found {
    /// Markdown files, by path relative to the folder walked.
    pub markdown: Vec<Asset>,
    /// Profiles: Markdown files under `actors/`, `sources/` and `authors/` of `content/`.
    pub profiles: Vec<Asset>,
    /// Every other file.
    pub assets: Vec<Asset>,
    /// Problems: unreadable folders, links out of the site.
    pub diagnostics: Vec<Diagnostic>,
}

/// True for hidden names and for names an editor or the OS leaves behind: never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.') || is_scratch_name(name)
}

/// True for what editors, version control and the OS leave behind, which even
/// `static/` (copied as is, dotfiles included) never publishes.
pub fn is_scratch_name(name: &str) -> bool {
    // `.gitkeep` only keeps an empty folder in git.
    matches!(
        name,
        ".git" | ".hg" | ".svn" | ".DS_Store" | "Thumbs.db" | ".gitkeep"
    ) || name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

/// How to walk a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `content/`: hidden files skipped, `.md` files are articles, profile folders skipped.
    Content,
    /// `static/`: every file copied as is, dotfiles too (`.nojekyll`, `.well-known/`).
    Static,
}

/// Walks `dir` (inside `root`).
pub fn walk(root: &Path, dir: &Path, mode: Mode) -> Found {
    let mut found = Found::default();
    if !dir.is_dir() {
        // `static/` is optional. `content/` is not: building a missing or unreadable one
        // would replace a published site with an empty one.
        if mode == Mode::Content {
            let message = match std::fs::metadata(dir) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && dir.symlink_metadata().is_err() => {
                    "no such folder: the articles go in content/ (a site with no articles yet has an empty one)".to_string()
                }
                Err(e) => format!("cannot read the folder: {e}"),
                Ok(_) => "not a folder: the articles go in a content/ folder".to_string(),
            };
            found
                .diagnostics
                .push(Diagnostic::error(display_path(root, dir), message));
        }
        return found;
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walking = Walking {
        root,
        dir,
        canonical_root: &canonical_root,
        mode,
    };
    // The folders at the top are walked in parallel (`content/` is often a folder
    // a year: at 100,000 articles one walk took 0.19 s of a build after an edit),
    // and what each found joined in the order of one walk sorted by name. The top
    // is listed here: walkdir reads every folder at its greatest depth too.
    let mut tops: Vec<std::fs::DirEntry> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| match e {
                Ok(e) => Some(e),
                Err(e) => {
                    found.diagnostics.push(Diagnostic::error(
                        display_path(root, dir),
                        format!("cannot read: {e}"),
                    ));
                    None
                }
            })
            .filter(|e| walking.wanted(&e.file_name().to_string_lossy()))
            .collect(),
        Err(e) => {
            found.diagnostics.push(Diagnostic::error(
                display_path(root, dir),
                format!("cannot read: {e}"),
            ));
            return found;
        }
    };
    tops.sort_by_key(std::fs::DirEntry::file_name);
    let parts: Vec<Found> = tops
        .into_par_iter()
        .map(|top| {
            let mut part = Found::default();
            // A folder's files and folders, or the entry itself as it is (a link at
            // the top is not followed, as deeper).
            let is_dir = top.file_type().is_ok_and(|t| t.is_dir());
            let walk = WalkDir::new(top.path()).follow_root_links(false);
            let walk = if is_dir { walk } else { walk.max_depth(0) };
            for entry in walking.walker(walk) {
                walking.visit(&mut part, entry);
            }
            part
        })
        .collect();
    for part in parts {
        found.markdown.extend(part.markdown);
        found.profiles.extend(part.profiles);
        found.assets.extend(part.assets);
        found.diagnostics.extend(part.diagnostics);
    }
    found
}

/// One walk of a folder under a site, and what it takes from it.
struct Walking<'a> {
    root: &'a Path,
    /// The folder walked: paths are given relative to it.
    dir: &'a Path,
    canonical_root: &'a Path,
    mode: Mode,
}

impl Walking<'_> {
    /// Whether a file or folder named `name` is walked: never the names that are
    /// never content.
    fn wanted(&self, name: &str) -> bool {
        match self.mode {
            Mode::Content => !is_ignored_name(name),
            Mode::Static => !is_scratch_name(name),
        }
    }

    /// The files and folders `walk` gives (its start first), by name, the names
    /// never content left out.
    fn walker(
        &self,
        walk: WalkDir,
    ) -> walkdir::FilterEntry<walkdir::IntoIter, impl FnMut(&walkdir::DirEntry) -> bool + '_> {
        walk.sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || self.wanted(&e.file_name().to_string_lossy()))
    }

    /// Takes one entry of the walk into `found`: an article, a profile, an asset,
    /// or a problem (folders themselves give nothing).
    fn visit(&self, found: &mut Found, entry: walkdir::Result<walkdir::DirEntry>) {
        let (root, dir, mode) = (self.root, self.dir, self.mode);
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                let cause = e
                    .io_error()
                    .map_or_else(|| e.to_string(), ToString::to_string);
                found.diagnostics.push(Diagnostic::error(
                    display_path(root, &path),
                    format!("cannot read: {cause}"),
                ));
                return;
            }
        };
        let path = entry.path();
        if entry.file_type().is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(self.canonical_root) && target.is_file() => {}
                Ok(target) if target.starts_with(self.canonical_root) => {
                    found.diagnostics.push(Diagnostic::warning(
                        display_path(root, path),
                        "symbolic link to a folder is not followed; link the files, or move the folder here",
                    ));
                    return;
                }
                Ok(target) => {
                    found.diagnostics.push(Diagnostic::warning(
                        display_path(root, path),
                        format!(
                            "symbolic link points outside the site (to {}); skipped",
                            target.display()
                        ),
                    ));
                    return;
                }
                Err(e) => {
                    found.diagnostics.push(Diagnostic::warning(
                        display_path(root, path),
                        format!("broken symbolic link: {e}; skipped"),
                    ));
                    return;
                }
            }
        } else if !entry.file_type().is_file() {
            // A FIFO, device or socket: reading one could wait forever.
            if !entry.file_type().is_dir() {
                found.diagnostics.push(Diagnostic::warning(
                    display_path(root, path),
                    "not a regular file (a FIFO, device or socket); skipped",
                ));
            }
            return;
        }
        let Ok(rel) = path.strip_prefix(dir) else {
            return;
        };
        let Some(rel) = rel.to_str() else {
            found.diagnostics.push(Diagnostic::warning(
                display_path(root, path),
                "file name is not valid UTF-8; skipped",
            ));
            return;
        };
        let asset = Asset {
            src: path.to_path_buf(),
            rel: rel.replace('\\', "/"),
        };
        take(found, asset, mode);
    }
}

/// Files an article, a profile or an asset.
fn take(found: &mut Found, asset: Asset, mode: Mode) {
    let markdown = asset
        .src
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"));
    let profile = asset
        .rel
        .split_once('/')
        .is_some_and(|(top, _)| PROFILE_DIRS.contains(&top));
    if mode == Mode::Content && markdown && profile {
        found.profiles.push(asset);
    } else if mode == Mode::Content && markdown {
        found.markdown.push(asset);
    } else {
        found.assets.push(asset);
    }
}

/// What [`walk`] of `content/` finds, from a listing of every file under it (their
/// paths under it, `/`-separated), when the caller has just listed them all and
/// found only regular files and folders (`build::cache::take` stamps every input
/// before a build reads anything: at 100,000 articles walking the folder again took
/// 0.18 s of CPU). The same files, in the same order. `None` when a listing cannot
/// stand for a walk: `content/` is not a folder (the walk says why), or a name was
/// not UTF-8 (the walk warns of it).
pub fn content_listed<'a>(dir: &Path, files: impl Iterator<Item = &'a str>) -> Option<Found> {
    if !dir.is_dir() {
        return None;
    }
    let mut listed: Vec<&str> = Vec::new();
    for rel in files {
        if rel.contains(char::REPLACEMENT_CHARACTER) {
            return None;
        }
        if rel.split('/').all(|name| !is_ignored_name(name)) {
            listed.push(rel);
        }
    }
    // The order of a walk sorted by name in each folder: component by component,
    // which is byte order with `/` below every byte a name can hold. Each key is
    // made once and compared whole (comparing mapped bytes one by one took 50 ms of
    // CPU at 100,000 articles).
    let mut keyed: Vec<(Vec<u8>, &str)> = listed
        .into_par_iter()
        .map(|rel| {
            let key = rel.bytes().map(|b| if b == b'/' { 0 } else { b });
            (key.collect(), rel)
        })
        .collect();
    keyed.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut found = Found::default();
    for (_, rel) in keyed {
        let asset = Asset {
            src: dir.join(rel),
            rel: rel.to_string(),
        };
        take(&mut found, asset, Mode::Content);
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_scratch_files_are_ignored() {
        for name in [
            ".a.md.swp",
            "a.md~",
            ".#a.md",
            "#a.md#",
            "4913",
            ".DS_Store",
            "x.swp",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("a.md"));
        assert!(is_scratch_name(".git") && is_scratch_name("a.md~"));
        assert!(!is_scratch_name(".nojekyll") && !is_scratch_name(".well-known"));
    }

    #[test]
    fn files_come_in_the_order_of_one_walk_by_name_whatever_folder_they_are_in() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("content");
        for rel in [
            "c.md",
            "a.md",
            "b/y.png",
            "b/x.md",
            "d/e/f.md",
            "d/a.md",
            ".hidden/z.md",
            "actors/p.md",
            "b~",
        ] {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        // Links at the top, as deeper: to a file of the site, taken; to a folder,
        // not followed.
        std::os::unix::fs::symlink(dir.join("a.md"), dir.join("ab.md")).unwrap();
        std::os::unix::fs::symlink(dir.join("d"), dir.join("dd")).unwrap();
        let found = walk(root.path(), &dir, Mode::Content);
        let rels = |assets: &[Asset]| assets.iter().map(|a| a.rel.clone()).collect::<Vec<_>>();
        assert_eq!(
            rels(&found.markdown),
            ["a.md", "ab.md", "b/x.md", "c.md", "d/a.md", "d/e/f.md"]
        );
        assert_eq!(rels(&found.assets), ["b/y.png"]);
        assert_eq!(rels(&found.profiles), ["actors/p.md"]);
        let problems: Vec<String> = found.diagnostics.iter().map(|d| format!("{d:?}")).collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("content/dd")
                && problems[0].contains("symbolic link to a folder is not followed"),
            "{problems:?}"
        );
    }

    /// A listing of `content/`'s files gives what a walk of it gives, in its order:
    /// a bundle's folder before a file whose name goes on from the folder's, hidden
    /// and scratch names left out at any depth, profiles apart.
    #[test]
    fn a_listing_of_the_files_gives_what_a_walk_gives() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("content");
        let files = [
            "c.md",
            "a.md",
            "b/y.png",
            "b/x.md",
            "b-2.md",
            "b.md",
            "2017-07-09-ceasefire/index.md",
            "2017-07-09-ceasefire/map.png",
            "2017-07-09-ceasefire-2.md",
            "d/e/f.md",
            "d/a.md",
            "d/.e/g.md",
            ".hidden/z.md",
            "actors/p.md",
            "actors/q.png",
            "sources/r.MD",
            "b~",
            "d/x.md.swp",
        ];
        for rel in files {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let walked = walk(root.path(), &dir, Mode::Content);
        // Listed in another order, as a map gives them.
        let listed = content_listed(&dir, files.iter().rev().copied()).unwrap();
        let rels = |assets: &[Asset]| assets.iter().map(|a| a.rel.clone()).collect::<Vec<_>>();
        let srcs = |assets: &[Asset]| assets.iter().map(|a| a.src.clone()).collect::<Vec<_>>();
        for (walked, listed) in [
            (&walked.markdown, &listed.markdown),
            (&walked.assets, &listed.assets),
            (&walked.profiles, &listed.profiles),
        ] {
            assert_eq!(rels(walked), rels(listed));
            assert_eq!(srcs(walked), srcs(listed));
        }
        assert_eq!(
            rels(&listed.markdown)[..3],
            [
                "2017-07-09-ceasefire/index.md",
                "2017-07-09-ceasefire-2.md",
                "a.md"
            ]
        );
        assert!(walked.diagnostics.is_empty() && listed.diagnostics.is_empty());
        // Not a folder, or a name that was not UTF-8: walked instead.
        assert!(content_listed(&dir.join("a.md"), std::iter::empty()).is_none());
        assert!(content_listed(&dir, ["a\u{FFFD}.md"].into_iter()).is_none());
    }
}
