//! `briefing theme eject`: theme files copied into a site to be edited, each stamped
//! with where it came from (see [`crate::render::theme`]), never over a file already
//! there.

use super::{write_new, ScaffoldError};
use crate::render::theme::{self, ThemeFile};
use std::io;
use std::path::Path;

/// What `eject` did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ejected {
    /// Written, at this path relative to the root.
    Written(&'static str),
    /// Already there, and left as it was.
    Kept(&'static str),
}

/// Copies the theme files `names` (every template and the CSS when empty) into the
/// site at `root`. Nothing is written when a name is not the theme's: every unknown
/// name is reported.
pub fn eject(root: &Path, names: &[String]) -> Result<Vec<Ejected>, ScaffoldError> {
    if !root.join("site.toml").is_file() {
        return Err(ScaffoldError::NoSite(root.to_path_buf()));
    }
    let files: Vec<ThemeFile> = if names.is_empty() {
        theme::files()
            .into_iter()
            .filter(theme::ejected_by_default)
            .collect()
    } else {
        let (found, unknown): (Vec<_>, Vec<_>) = names
            .iter()
            .map(|n| theme::find(n))
            .partition(Result::is_ok);
        if !unknown.is_empty() {
            return Err(ScaffoldError::NotInTheme(
                unknown.into_iter().filter_map(Result::err).collect(),
            ));
        }
        let mut files: Vec<ThemeFile> = found.into_iter().filter_map(Result::ok).collect();
        let mut seen = std::collections::HashSet::new();
        files.retain(|f| seen.insert(f.path));
        files
    };
    let mut done = Vec::with_capacity(files.len());
    for file in files {
        let path = root.join(file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ScaffoldError::Io(parent.to_path_buf(), e))?;
        }
        match write_new(&path, theme::stamped(&file)) {
            Ok(()) => done.push(Ejected::Written(file.path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                done.push(Ejected::Kept(file.path));
            }
            Err(e) => return Err(ScaffoldError::Io(file.path.into(), e)),
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), "title = \"T\"\n").unwrap();
        dir
    }

    #[test]
    fn eject_writes_stamped_copies_and_never_overwrites() {
        let dir = site();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/article.html"), "mine").unwrap();
        let done = eject(dir.path(), &[]).unwrap();
        assert!(done.contains(&Ejected::Kept("templates/article.html")));
        assert!(done.contains(&Ejected::Written("templates/partials/article_item.html")));
        assert!(done.contains(&Ejected::Written("static/style.css")));
        assert!(!done
            .iter()
            .any(|d| matches!(d, Ejected::Written(p) if p.ends_with(".js"))));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("templates/article.html")).unwrap(),
            "mine"
        );
        let css = std::fs::read(dir.path().join("static/style.css")).unwrap();
        assert_eq!(css, theme::stamped(&theme::find("style.css").unwrap()));
    }

    #[test]
    fn unknown_names_are_all_reported_and_nothing_is_written() {
        let dir = site();
        let names = [
            "base.html".to_string(),
            "nope.html".into(),
            "styles.css".into(),
        ];
        match eject(dir.path(), &names) {
            Err(ScaffoldError::NotInTheme(problems)) => assert_eq!(
                problems,
                [
                    "the theme has no file `nope.html` (did you mean `home.html`?); \
                     `briefing theme list` lists its files",
                    "the theme has no file `styles.css` (did you mean `style.css`?); \
                     `briefing theme list` lists its files",
                ]
            ),
            other => panic!("{other:?}"),
        }
        assert!(!dir.path().join("templates").exists());
    }

    #[test]
    fn a_folder_without_site_toml_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            eject(dir.path(), &[]),
            Err(ScaffoldError::NoSite(_))
        ));
    }
}
