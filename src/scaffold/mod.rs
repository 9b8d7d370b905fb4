//! New sites, new articles and ejected theme files: `briefing init`, `briefing new`
//! and `briefing theme eject` ([`eject`]).
//!
//! None ever overwrites a file. `init` refuses a folder that holds anything unless
//! forced, and even then writes only the files that are not there; `new` creates its
//! file with `create_new`, so a file that appears meanwhile is not replaced either.

pub mod eject;

use crate::content::article::{PLACEHOLDER_SOURCE, STARTER_BODY};
use crate::model::date::Date;
use crate::model::slug::slugify;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The starter site's files: path, text. `{{DATE}}` is replaced by today's date.
const STARTER: &[(&str, &str)] = &[
    ("site.toml", include_str!("starter/site.toml")),
    ("README.md", include_str!("starter/README.md")),
    (
        "content/welcome-to-your-briefing.md",
        include_str!("starter/welcome.md"),
    ),
    (
        "content/actors/jane-doe.md",
        include_str!("starter/jane-doe.md"),
    ),
    // The output and what a build leaves beside it stay out of git.
    (".gitignore", include_str!("starter/gitignore")),
    // Git keeps no empty folder; briefing never publishes a `.gitkeep`.
    ("templates/.gitkeep", ""),
    ("static/.gitkeep", ""),
];

/// The starter site's empty folders.
const FOLDERS: &[&str] = &["templates", "static"];

/// The longest slug `new` makes from a headline, cut at a word's end: a URL an editor
/// can read (a whole 300-character headline made a file name the build refused).
pub const NEW_SLUG_MAX: usize = 80;

/// What `init` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Initialised {
    /// Files written, relative to the new site's folder.
    pub written: Vec<String>,
    /// Files left as they were because they were already there (`--force`).
    pub kept: Vec<String>,
}

/// Why `init` or `new` did nothing.
#[derive(Debug)]
pub enum ScaffoldError {
    /// The folder holds files and `--force` was not given.
    NotEmpty(PathBuf),
    /// The article's file is already there.
    Exists(PathBuf),
    /// There is no `site.toml` in the site root.
    NoSite(PathBuf),
    /// The title has no letter or digit to make a file name from.
    NoSlug(String),
    /// `--date` is not a date.
    BadDate(String),
    /// Reading or writing failed.
    Io(PathBuf, io::Error),
    /// `init` was given a file.
    NotAFolder(PathBuf),
    /// `theme eject` was given names the theme has no file of: why, for each.
    NotInTheme(Vec<String>),
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScaffoldError::NotEmpty(dir) => write!(
                f,
                "{} is not empty; choose an empty or new folder, or pass --force to add the missing files (none is overwritten)",
                dir.display()
            ),
            ScaffoldError::Exists(path) => write!(
                f,
                "{} already exists and was left as it is; give another title or --date",
                path.display()
            ),
            ScaffoldError::NoSite(root) => write!(
                f,
                "no site.toml in {}; run this in a site's folder, pass --root DIR, or start one with `briefing init DIR`",
                root.display()
            ),
            ScaffoldError::NoSlug(title) => write!(
                f,
                "the title {title:?} has no letter or digit to name the file after"
            ),
            ScaffoldError::BadDate(found) => write!(
                f,
                "--date: expected YYYY-MM-DD or RFC 3339, found {found:?}"
            ),
            ScaffoldError::Io(path, e) => write!(f, "cannot write {}: {e}", path.display()),
            ScaffoldError::NotAFolder(path) => write!(
                f,
                "{} is a file; a site needs a folder of its own",
                path.display()
            ),
            ScaffoldError::NotInTheme(problems) => f.write_str(&problems.join("\nerror: ")),
        }
    }
}

impl std::error::Error for ScaffoldError {}

/// Creates a new site in `dir` (made if missing), dated `today` (`YYYY-MM-DD`), in
/// the time zone `zone` (the machine's, an IANA name) when known.
pub fn init(
    dir: &Path,
    force: bool,
    today: &str,
    zone: Option<&str>,
) -> Result<Initialised, ScaffoldError> {
    let timezone = match zone {
        Some(zone) => format!(
            "timezone = \"{zone}\"    # dates without an offset are read here, and days are its days"
        ),
        None => "# timezone = \"Europe/Berlin\"    # IANA: dates without an offset are read here".into(),
    };
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e| ScaffoldError::Io(path, e)
    };
    if dir.exists() && !dir.is_dir() {
        return Err(ScaffoldError::NotAFolder(dir.to_path_buf()));
    }
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(ScaffoldError::Io(dir.to_path_buf(), e)),
    }
    let mut done = Initialised::default();
    for folder in FOLDERS {
        let path = dir.join(folder);
        fs::create_dir_all(&path).map_err(io(&path))?;
    }
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(io(&path))?;
        let text = text
            .replace("{{DATE}}", today)
            .replace("{{TIMEZONE}}", &timezone);
        match write_new(&path, text) {
            Ok(()) => done.written.push((*rel).to_string()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                done.kept.push((*rel).to_string())
            }
            Err(e) => return Err(ScaffoldError::Io(path, e)),
        }
    }
    Ok(done)
}

/// What `briefing new` writes.
#[derive(Debug, Default, Clone)]
pub struct NewArticle {
    /// The headline.
    pub title: String,
    /// The outlet, if given.
    pub source: Option<String>,
    /// Actors named.
    pub actors: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// `YYYY-MM-DD` or RFC 3339; today when `None`.
    pub date: Option<String>,
}

/// Writes a draft article into `root`'s `content/`, named after its date and title;
/// returns its path relative to `root`.
pub fn new_article(
    root: &Path,
    article: &NewArticle,
    today: &str,
) -> Result<PathBuf, ScaffoldError> {
    if !root.join("site.toml").is_file() {
        return Err(ScaffoldError::NoSite(root.to_path_buf()));
    }
    let date_text = article.date.clone().unwrap_or_else(|| today.to_string());
    let date = Date::parse(&date_text).map_err(|_| ScaffoldError::BadDate(date_text.clone()))?;
    let slug = shorten_slug(&slugify(&article.title), NEW_SLUG_MAX);
    if slug.is_empty() {
        return Err(ScaffoldError::NoSlug(article.title.clone()));
    }
    let rel = PathBuf::from("content").join(format!("{}-{slug}.md", date.day()));
    let path = root.join(&rel);
    let content = root.join("content");
    fs::create_dir_all(&content).map_err(|e| ScaffoldError::Io(content, e))?;
    match write_new(&path, front_matter(article, &date_text)) {
        Ok(()) => Ok(rel),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(ScaffoldError::Exists(rel)),
        Err(e) => Err(ScaffoldError::Io(rel, e)),
    }
}

/// `slug` cut to at most `max` bytes at the end of a word (a `-`), or mid-word when
/// its first word alone is longer.
fn shorten_slug(slug: &str, max: usize) -> String {
    if slug.len() <= max {
        return slug.to_string();
    }
    // Slugs are ASCII: any byte index is a character boundary.
    match slug[..=max].rfind('-') {
        Some(end) if end > 0 => slug[..end].to_string(),
        _ => slug[..max].trim_end_matches('-').to_string(),
    }
}

/// The new article's text: front matter with every value quoted, and a body to
/// replace.
fn front_matter(article: &NewArticle, date: &str) -> String {
    let list = |names: &[String]| {
        let quoted: Vec<String> = names.iter().map(|n| quote(n)).collect();
        format!("[{}]", quoted.join(", "))
    };
    let source = match &article.source {
        Some(name) => quote(name),
        // A draft is checked like any article: the placeholder is a valid name.
        None => format!("{PLACEHOLDER_SOURCE}  # the outlet this briefing is based on"),
    };
    format!(
        "---\ntitle: {}\ndate: {date}\nsource: {source}\nactors: {}\ntags: {}\ndraft: true\n---\n{STARTER_BODY}",
        quote(&article.title),
        list(&article.actors),
        list(&article.tags),
    )
}

/// A YAML double-quoted string (JSON's escapes are YAML's).
fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// Writes `text` to a file that must not exist yet. A file that cannot be written
/// whole (a full disk) is removed, not left half-written.
pub(crate) fn write_new(path: &Path, text: impl AsRef<[u8]>) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let written = file.write_all(text.as_ref()).and_then(|()| file.sync_all());
    if written.is_err() {
        drop(file);
        let _ = fs::remove_file(path);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_writes_the_machines_time_zone_or_says_where_one_goes() {
        let dir = tempfile::tempdir().unwrap();
        init(
            &dir.path().join("a"),
            false,
            "2017-07-06",
            Some("Europe/Berlin"),
        )
        .unwrap();
        let toml = fs::read_to_string(dir.path().join("a/site.toml")).unwrap();
        assert!(toml.contains(
            "\ntimezone = \"Europe/Berlin\"    # dates without an offset are read here, and days are its days\n"
        ), "{toml}");
        let config = crate::config::parse(&toml).unwrap().config;
        assert_eq!(config.timezone.map(|z| z.name()), Some("Europe/Berlin"));
        init(&dir.path().join("b"), false, "2017-07-06", None).unwrap();
        let toml = fs::read_to_string(dir.path().join("b/site.toml")).unwrap();
        assert!(toml.contains(
            "\n# timezone = \"Europe/Berlin\"    # IANA: dates without an offset are read here\n"
        ), "{toml}");
        assert_eq!(crate::config::parse(&toml).unwrap().config.timezone, None);
    }

    #[test]
    fn a_long_headline_makes_a_slug_cut_at_a_word() {
        assert_eq!(shorten_slug("us-offers-russia", 80), "us-offers-russia");
        assert_eq!(shorten_slug("us-offers-russia", 10), "us-offers");
        assert_eq!(shorten_slug("us-offers-russia", 9), "us-offers");
        assert_eq!(shorten_slug("us-offers-russia", 8), "us");
        assert_eq!(shorten_slug("antidisestablishment-x", 5), "antid");
        let long = "word-".repeat(100);
        let short = shorten_slug(&slugify(&long), NEW_SLUG_MAX);
        assert!(
            short.len() <= NEW_SLUG_MAX && short.ends_with("word"),
            "{short}"
        );
    }

    #[test]
    fn front_matter_quotes_what_yaml_would_misread() {
        let text = front_matter(
            &NewArticle {
                title: "Yes: \"no\" # not a comment".into(),
                source: Some("On".into()),
                actors: vec!["O'Brien".into(), "[x]".into()],
                tags: vec![],
                date: None,
            },
            "2024-03-01",
        );
        let yaml = text.split("---\n").nth(1).unwrap();
        let value: serde_json::Value = serde_yaml::from_str(yaml).unwrap();
        assert_eq!(value["title"], "Yes: \"no\" # not a comment");
        assert_eq!(value["source"], "On");
        assert_eq!(value["actors"][1], "[x]");
        assert_eq!(value["draft"], true);
    }
}
