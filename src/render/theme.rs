//! The default theme as files a site can hold: what `briefing theme` lists, shows and
//! ejects, and the stamp an ejected file carries.
//!
//! The stamp is the file's first line (a comment its reader ignores: Tera's `{#- … -#}`,
//! which also trims the line break after it, so a stamped template renders exactly
//! what the theme's does; CSS's `/* … */`; SVG's `<!-- … -->`). It names the theme
//! file, the version of briefing it came from and the file's revision, a hash of its
//! text. `check` compares that revision with the theme's: a file the theme has changed
//! since it was ejected gets a note, so a site that ejected does not silently miss
//! what later versions add. A file the theme has not changed gets none, whatever the
//! version.

use crate::diagnostics::Diagnostic;
use crate::render::templates::{THEME, THEME_STATIC};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// The version of briefing whose theme this binary holds.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The words every stamp starts with.
const MARK: &str = "briefing theme eject: ";

/// One file of the default theme, by its path in a site: `templates/article.html`,
/// `static/style.css`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThemeFile {
    /// Its path in a site, relative to the root.
    pub path: &'static str,
    /// Its name under `templates/` or `static/`.
    pub name: &'static str,
    /// Its text as the theme has it.
    pub bytes: &'static [u8],
}

/// Every file of the theme: the templates, then the static files.
pub fn files() -> Vec<ThemeFile> {
    let templates = THEME.iter().map(|(name, text)| ThemeFile {
        path: leak_path("templates", name),
        name,
        bytes: text.as_bytes(),
    });
    let statics = THEME_STATIC.iter().map(|(name, bytes)| ThemeFile {
        path: leak_path("static", name),
        name,
        bytes,
    });
    templates.chain(statics).collect()
}

/// `folder/name`, for the life of the process. The theme is a fixed list of about
/// twenty files, and `files` is called once or twice per command.
fn leak_path(folder: &str, name: &str) -> &'static str {
    Box::leak(format!("{folder}/{name}").into_boxed_str())
}

/// What `briefing theme eject` copies when given no file: the templates and the CSS.
/// The script and the icon are ejected only when named.
pub fn ejected_by_default(file: &ThemeFile) -> bool {
    file.path.starts_with("templates/") || file.name.ends_with(".css")
}

/// The theme file `name` means: its path in a site (`templates/article.html`), its
/// name in the theme (`article.html`, `theme/article.html`, `partials/paginator.html`,
/// or `paginator.html` alone) or under `static/` (`style.css`). `Err` says which names there are, with the closest first.
pub fn find(name: &str) -> Result<ThemeFile, String> {
    let name = name.trim_start_matches("./");
    let bare = name.strip_prefix("theme/").unwrap_or(name);
    let all = files();
    if let Some(f) = all.iter().find(|f| f.path == name || f.name == bare) {
        return Ok(*f);
    }
    // A partial by its file name alone (`paginator.html`), when only one has it.
    let by_file_name: Vec<&ThemeFile> = all
        .iter()
        .filter(|f| f.name.rsplit('/').next() == Some(bare))
        .collect();
    if let [f] = by_file_name[..] {
        return Ok(*f);
    }
    let closest = all
        .iter()
        .map(|f| {
            (
                strsim::levenshtein(bare, f.name).min(strsim::levenshtein(name, f.path)),
                f,
            )
        })
        .min_by_key(|(d, _)| *d)
        .filter(|(d, _)| *d <= 3)
        .map(|(_, f)| format!(" (did you mean `{}`?)", f.name))
        .unwrap_or_default();
    Err(format!(
        "the theme has no file `{name}`{closest}; `briefing theme list` lists its files"
    ))
}

/// A short, stable hash of a theme file's text: 12 hex digits of its SHA-256.
pub fn revision(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The file's text with its stamp as the first line (after the XML declaration of a
/// static file, which must come first). A static file of a kind that has no comment gets none.
pub fn stamped(file: &ThemeFile) -> Vec<u8> {
    let words = format!(
        "{MARK}{} from briefing {VERSION}, revision {}. Keep this line: `briefing check` notes \
         when the theme changes this file.",
        file.path,
        revision(file.bytes)
    );
    let line = if file.path.starts_with("templates/") {
        format!("{{#- {words} -#}}\n")
    } else if file.name.ends_with(".css") || file.name.ends_with(".js") {
        format!("/* {words} */\n")
    } else if file.name.ends_with(".svg") {
        format!("<!-- {words} -->\n")
    } else {
        return file.bytes.to_vec();
    };
    let mut out = Vec::with_capacity(line.len() + file.bytes.len());
    // A template's stamp goes first even before `<?xml`: it renders to nothing, and
    // `-#}` trims the line break after it.
    let split = if !file.path.starts_with("templates/") && file.bytes.starts_with(b"<?xml") {
        memchr::memchr(b'\n', file.bytes).map_or(file.bytes.len(), |i| i + 1)
    } else {
        0
    };
    out.extend_from_slice(&file.bytes[..split]);
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(&file.bytes[split..]);
    out
}

/// What a stamp says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The theme file it was ejected from (`templates/article.html`).
    pub path: String,
    /// The version of briefing it came from.
    pub version: String,
    /// The revision of the theme file then.
    pub revision: String,
    /// The 1-based line it is on.
    pub line: usize,
}

/// The stamp in the first two lines of `text`, if there is one.
pub fn read_stamp(text: &str) -> Option<Stamp> {
    text.lines().take(2).enumerate().find_map(|(i, line)| {
        let rest = &line[line.find(MARK)? + MARK.len()..];
        let (path, rest) = rest.split_once(" from briefing ")?;
        let (version, rest) = rest.split_once(", revision ")?;
        let revision: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
        (!revision.is_empty()).then(|| Stamp {
            path: path.to_string(),
            version: version.to_string(),
            revision,
            line: i + 1,
        })
    })
}

/// How a theme file stands in the site at `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// The site has no file of that path: the theme's is used.
    Theme,
    /// Ejected, and the theme has not changed it since.
    Current(Stamp),
    /// Ejected, and the theme has changed it since.
    Changed(Stamp),
    /// The site has a file of that path with no stamp: its own.
    Own,
}

/// How `file` stands in the site at `root`. Only the first 1 KiB is read: the stamp
/// is on the first line or the second.
pub fn standing(root: &Path, file: &ThemeFile) -> Standing {
    let Ok(f) = std::fs::File::open(root.join(file.path)) else {
        return Standing::Theme;
    };
    let mut head = Vec::with_capacity(1024);
    if f.take(1024).read_to_end(&mut head).is_err() {
        return Standing::Own;
    }
    match read_stamp(&String::from_utf8_lossy(&head)) {
        Some(stamp) if stamp.path == file.path && stamp.revision == revision(file.bytes) => {
            Standing::Current(stamp)
        }
        Some(stamp) if stamp.path == file.path => Standing::Changed(stamp),
        _ => Standing::Own,
    }
}

/// A note for each file of the site ejected from a theme that has changed it since.
pub fn changed_since_ejected(root: &Path) -> Vec<Diagnostic> {
    files()
        .iter()
        .filter_map(|file| match standing(root, file) {
            Standing::Changed(stamp) => Some(changed_note(root, file, &stamp)),
            _ => None,
        })
        .collect()
}

fn changed_note(root: &Path, file: &ThemeFile, stamp: &Stamp) -> Diagnostic {
    let text = std::fs::read_to_string(root.join(file.path)).unwrap_or_default();
    // The underline goes under the old revision, the part of the line that differs.
    let column = text
        .lines()
        .nth(stamp.line - 1)
        .and_then(|l| l.find(&format!(", revision {}", stamp.revision)))
        .map_or(1, |i| {
            l_chars(&text, stamp.line, i) + ", revision ".len() + 1
        });
    Diagnostic::note(
        file.path,
        format!(
            "ejected from the theme of briefing {}, which has changed this file since \
             (revision {} then, {} in briefing {VERSION})",
            stamp.version,
            stamp.revision,
            revision(file.bytes)
        ),
    )
    .at_span(stamp.line, column, stamp.revision.len(), &text)
    .help(format!(
        "see what changed: `briefing theme show {name} | diff {path} -`; take what you \
         want, then write revision {now} on this line",
        name = file.name,
        path = file.path,
        now = revision(file.bytes),
    ))
}

/// How many characters come before byte `i` of line `line` (1-based) of `text`.
fn l_chars(text: &str, line: usize, i: usize) -> usize {
    text.lines()
        .nth(line - 1)
        .map_or(0, |l| l.get(..i).map_or(0, |s| s.chars().count()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(name: &str) -> ThemeFile {
        find(name).unwrap()
    }

    #[test]
    fn names_find_their_file_and_a_typo_is_told_the_closest() {
        assert_eq!(theme("article.html").path, "templates/article.html");
        assert_eq!(theme("templates/article.html").name, "article.html");
        assert_eq!(
            theme("theme/partials/article_item.html").path,
            "templates/partials/article_item.html"
        );
        assert_eq!(
            theme("paginator.html").path,
            "templates/partials/paginator.html"
        );
        assert_eq!(theme("style.css").path, "static/style.css");
        assert_eq!(theme("static/style.css").path, "static/style.css");
        assert_eq!(
            find("artcle.html").unwrap_err(),
            "the theme has no file `artcle.html` (did you mean `article.html`?); \
             `briefing theme list` lists its files"
        );
        assert_eq!(
            find("nothing-like-it.scss").unwrap_err(),
            "the theme has no file `nothing-like-it.scss`; `briefing theme list` lists its files"
        );
    }

    #[test]
    fn a_stamp_reads_back_from_every_kind_of_file() {
        for file in files() {
            let stamped = stamped(&file);
            let text = String::from_utf8(stamped).unwrap();
            let stamp = read_stamp(&text).unwrap_or_else(|| panic!("{}", file.path));
            assert_eq!(stamp.path, file.path);
            assert_eq!(stamp.version, VERSION);
            assert_eq!(stamp.revision, revision(file.bytes));
            assert_eq!(stamp.revision.len(), 12);
            // Without its stamp line, the file is the theme's, byte for byte.
            let without: String = text
                .split_inclusive('\n')
                .enumerate()
                .filter(|(i, _)| *i != stamp.line - 1)
                .map(|(_, l)| l)
                .collect();
            assert_eq!(without.as_bytes(), file.bytes, "{}", file.path);
        }
    }

    #[test]
    fn a_file_without_a_stamp_or_with_a_foreign_one_has_none() {
        assert_eq!(read_stamp("{% extends \"base.html\" %}\n"), None);
        assert_eq!(
            read_stamp("/* briefing theme eject: x from briefing 1, revision */\n"),
            None
        );
        assert_eq!(
            read_stamp("a\nb\n/* briefing theme eject: x from briefing 1, revision ab */"),
            None
        );
    }
}
