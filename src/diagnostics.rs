//! Diagnostics: the problems a user sees, printed like a compiler's.
//!
//! Every stage of the pipeline reports problems as [`Diagnostic`] values instead of
//! failing on the first one, so a build can list every bad file in one run. A
//! diagnostic knows the file, the 1-based line and column, and the offending source
//! line; its `Display` prints `error: path:line:col: message`, the line and a caret.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The site cannot be built as written.
    Error,
    /// Worth fixing, but the build goes on.
    Warning,
}

/// One problem in the site, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub file: Option<PathBuf>,
    /// 1-based line and column (in characters), when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong and what was expected.
    pub message: String,
    /// The text of the offending line, shown under the message with a caret.
    pub source_line: Option<String>,
    /// Underlying causes, printed as `caused by:` lines.
    pub causes: Vec<String>,
}

impl Diagnostic {
    /// An error about `file` as a whole.
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, Some(file.into()), message.into())
    }

    /// A warning about `file` as a whole.
    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, Some(file.into()), message.into())
    }

    /// An error that belongs to no single file (a bad option, say).
    pub fn general(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, None, message.into())
    }

    /// A warning about no one file.
    pub fn general_warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, None, message.into())
    }

    fn new(severity: Severity, file: Option<PathBuf>, message: String) -> Self {
        Diagnostic {
            severity,
            file,
            position: None,
            message,
            source_line: None,
            causes: Vec::new(),
        }
    }

    /// Points the diagnostic at `line`:`column` (1-based) of `text`, the file's content,
    /// and keeps that line to show under the message.
    pub fn at(mut self, line: usize, column: usize, text: &str) -> Self {
        let line = line.max(1);
        self.position = Some((line, column.max(1)));
        self.source_line = text
            .split('\n')
            .nth(line - 1)
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    /// Points the diagnostic at a 0-based byte offset into `text`.
    pub fn at_offset(self, offset: usize, text: &str) -> Self {
        let (line, column) = line_col(text, offset);
        self.at(line, column, text)
    }

    /// Adds an underlying cause.
    pub fn caused_by(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(cause.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A path shown relative to `root` when it lies inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

impl Diagnostic {
    /// The diagnostic as [`Display`](fmt::Display) prints it, in colour (ANSI) when
    /// `color`: the label red or yellow, the place bold, the gutter blue, the caret in
    /// the label's colour.
    pub fn styled(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color {
                format!("\x1b[{code}m{text}\x1b[0m")
            } else {
                text.to_string()
            }
        };
        let (label, tint) = match self.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let mut out = format!("{}: ", paint(tint, label));
        if let Some(file) = &self.file {
            let mut place = file.display().to_string();
            if let Some((line, column)) = self.position {
                place.push_str(&format!(":{line}:{column}"));
            }
            out.push_str(&paint("1", &place));
            out.push_str(": ");
        }
        out.push_str(&self.message);
        if let (Some((line, column)), Some(source)) = (self.position, &self.source_line) {
            let number = line.to_string();
            let gutter = " ".repeat(number.len());
            let (source, column) = window(source, column);
            // Keep tabs so the caret lines up under the same character.
            let pad: String = source
                .chars()
                .take(column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let bar = paint("1;34", "|");
            out.push_str(&format!(
                "\n{gutter} {bar}\n{} {source}\n{gutter} {bar} {pad}{}",
                paint("1;34", &format!("{number} |")),
                paint(tint, "^")
            ));
        }
        for cause in &self.causes {
            out.push_str(&format!("\n  caused by: {cause}"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.styled(false))
    }
}

/// At most [`WINDOW`] characters of a long line, around `column`, with `…` where cut,
/// and the column within what is kept.
fn window(line: &str, column: usize) -> (String, usize) {
    let count = line.chars().count();
    if count <= WINDOW {
        return (line.to_string(), column);
    }
    let start = column.saturating_sub(WINDOW / 2).min(count - WINDOW);
    let mut out: String = line.chars().skip(start).take(WINDOW).collect();
    let mut column = column - start;
    if start > 0 {
        out.insert(0, '…');
        column += 1;
    }
    if start + WINDOW < count {
        out.push('…');
    }
    (out, column)
}

/// The widest source line shown under a diagnostic.
const WINDOW: usize = 100;

/// The text between the first `start` and the next `end`: how the messages of other
/// crates' errors are read (`missing field `title``).
pub(crate) fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// "Did you mean" for an unknown key: the closest of `known`, if close enough.
pub fn did_you_mean<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// The message for an unknown key, with a suggestion when one is close.
pub fn unknown_key_message(what: &str, key: &str, known: &[&str]) -> String {
    match did_you_mean(key, known) {
        Some(s) => format!("unknown {what} `{key}` (did you mean `{s}`?)"),
        None => format!(
            "unknown {what} `{key}` (expected one of: {})",
            known.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_a_compiler_with_a_caret() {
        let text = "---\ntitle: x\ndate: July 6\n";
        let d = Diagnostic::error("content/a.md", "date: expected YYYY-MM-DD").at(3, 7, text);
        assert_eq!(
            d.to_string(),
            "error: content/a.md:3:7: date: expected YYYY-MM-DD\n  |\n3 | date: July 6\n  |       ^"
        );
    }

    #[test]
    fn colour_marks_the_label_place_gutter_and_caret() {
        let d = Diagnostic::warning("a.md", "odd").at(1, 2, "ab");
        assert_eq!(
            d.styled(true),
            "\x1b[1;33mwarning\x1b[0m: \x1b[1ma.md:1:2\x1b[0m: odd\n  \x1b[1;34m|\x1b[0m\n\x1b[1;34m1 |\x1b[0m ab\n  \x1b[1;34m|\x1b[0m  \x1b[1;33m^\x1b[0m"
        );
        assert_eq!(d.styled(false), d.to_string());
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let text = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let d = Diagnostic::error("a.md", "here").at(1, 501, &text);
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[2].chars().count(), "1 | ".len() + 102);
        let caret = lines[3].chars().position(|c| c == '^').unwrap();
        assert_eq!(lines[2].chars().nth(caret), Some('X'));
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        assert_eq!(line_col("é\nab", 4), (2, 2));
        assert_eq!(line_col("aé", 3), (1, 3));
    }

    #[test]
    fn suggests_the_closest_key() {
        assert_eq!(did_you_mean("actor", &["actors", "tags"]), Some("actors"));
        assert_eq!(did_you_mean("zzz", &["actors", "tags"]), None);
    }
}
