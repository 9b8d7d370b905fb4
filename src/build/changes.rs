//! What a batch of changed paths asks a session to do: the rebuild classification of
//! `watch` and `serve`.
//!
//! Each path is sorted by where it is (`site.toml`, `templates/`, `static/`,
//! `content/`) and, under `content/`, by whether it is an article the session
//! already read: a known article is read again on its own; anything else there (a
//! new, deleted or renamed file, a folder, an asset) makes the session walk
//! `content/` again. Hidden and scratch files, and everything else, change nothing.

use crate::content::walk;
use crate::output;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What changed paths ask a session to do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// `site.toml` changed.
    pub config: bool,
    /// Something under `templates/` changed.
    pub templates: bool,
    /// A file appeared, went or is unknown under `content/`: walk it again.
    pub walk_content: bool,
    /// Something under `static/` changed: walk it again.
    pub walk_static: bool,
    /// Something under `data/` changed: read the data files again.
    pub data: bool,
    /// Known articles to read again, by path under `content/`.
    pub articles: BTreeSet<String>,
}

impl Changes {
    /// True when nothing a build reads changed.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// Sorts changed paths (absolute, or relative to the working folder) into what must
/// be read again, for the site at `root`. `is_known` says whether a path under
/// `content/` (`/`-separated) is an article file read before, loaded or not.
pub fn classify(root: &Path, paths: &[PathBuf], is_known: impl Fn(&str) -> bool) -> Changes {
    let root = output::resolve(root);
    let mut changes = Changes::default();
    for path in paths {
        let full = output::resolve(path);
        let Ok(rel) = full.strip_prefix(&root) else {
            continue;
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let Some((top, rest)) = parts.split_first() else {
            continue;
        };
        match top.as_str() {
            "site.toml" if rest.is_empty() => changes.config = true,
            "templates" if !rest.iter().any(|p| walk::is_ignored_name(p)) => {
                changes.templates = true
            }
            "static" if !rest.iter().any(|p| walk::is_scratch_name(p)) => {
                changes.walk_static = true
            }
            "data" if !rest.iter().any(|p| walk::is_ignored_name(p)) => changes.data = true,
            "content" if !rest.iter().any(|p| walk::is_ignored_name(p)) => {
                let rel = rest.join("/");
                if is_known(&rel) && full.is_file() {
                    changes.articles.insert(rel);
                } else {
                    // Created, deleted, renamed, a folder, or an asset: the walk
                    // finds out which.
                    changes.walk_content = true;
                }
            }
            _ => {}
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site folder with one article, `content/a.md`, and an image beside it.
    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "site.toml",
            "content/a.md",
            "content/b/pic.jpg",
            "static/x.css",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        dir
    }

    fn sorted(root: &Path, paths: &[&str]) -> Changes {
        let paths: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        classify(root, &paths, |rel| rel == "a.md")
    }

    #[test]
    fn a_known_article_is_read_again_on_its_own() {
        let dir = site();
        let changes = sorted(dir.path(), &["content/a.md"]);
        assert_eq!(changes.articles, BTreeSet::from(["a.md".to_string()]));
        assert!(!changes.walk_content && !changes.config && !changes.templates);
    }

    #[test]
    fn new_deleted_and_asset_files_walk_content_again() {
        let dir = site();
        for path in [
            "content/new.md",
            "content/gone.md",
            "content/b/pic.jpg",
            "content/b",
        ] {
            let changes = sorted(dir.path(), &[path]);
            assert!(changes.walk_content, "{path}");
            assert!(changes.articles.is_empty(), "{path}");
        }
        // A known article that no longer exists is a deletion: the walk finds out.
        std::fs::remove_file(dir.path().join("content/a.md")).unwrap();
        assert!(sorted(dir.path(), &["content/a.md"]).walk_content);
    }

    #[test]
    fn config_templates_and_static_are_told_apart() {
        let dir = site();
        let changes = sorted(
            dir.path(),
            &["site.toml", "templates/page.html", "static/x.css"],
        );
        assert!(changes.config && changes.templates && changes.walk_static);
        assert!(sorted(dir.path(), &["data/table.csv"]).data);
        assert!(sorted(dir.path(), &["data/.table.csv.swp"]).is_empty());
        assert!(!changes.walk_content && changes.articles.is_empty());
    }

    #[test]
    fn scratch_hidden_and_outside_paths_change_nothing() {
        let dir = site();
        let changes = sorted(
            dir.path(),
            &[
                "content/.a.md.swp",
                "content/a.md~",
                "content/.hidden.md",
                "templates/.#page.html",
                "static/.DS_Store",
                "public/index.html",
                "notes.txt",
                "content/sub/4913",
            ],
        );
        assert!(changes.is_empty(), "{changes:?}");
        let outside = tempfile::tempdir().unwrap();
        assert!(classify(dir.path(), &[outside.path().join("site.toml")], |_| true).is_empty());
    }

    #[test]
    fn dotfiles_of_static_are_published_so_they_count() {
        let dir = site();
        assert!(sorted(dir.path(), &["static/.nojekyll"]).walk_static);
        assert!(sorted(dir.path(), &["static/.well-known/security.txt"]).walk_static);
    }

    #[test]
    fn site_toml_only_at_the_root() {
        let dir = site();
        assert!(!sorted(dir.path(), &["content/site.toml"]).config);
        assert!(sorted(dir.path(), &["content/site.toml"]).walk_content);
    }
}
