//! Diagnostics: the problems a user sees, printed like a compiler's.
//!
//! Every stage of the pipeline reports problems as [`Diagnostic`] values instead of
//! failing on the first one, so a build can list every bad file in one run. A
//! diagnostic knows the file, the 1-based line and column, and the offending source
//! line, and may know how long the offending token is, a short label for it, causes
//! and `help:` lines. Its `Display` prints `error: path:line:col: message`, then the
//! line with the token underlined (aligned by display width, so wide characters and
//! tabs do not shift it), then the causes and help:
//!
//! ```text
//! error: content/a.md:4:9: date: expected YYYY-MM-DD or RFC 3339, found "July 6"
//!   |
//! 4 | date:   July 6
//!   |         ^^^^^^
//!   |
//!   = help: write a date as 2017-07-06, or with a time as 2017-07-06T09:30:00+02:00
//! ```
//!
//! The snippet is drawn by `annotate-snippets`, the crate rustc and cargo use.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::renderer::{AnsiColor, DecorStyle, Effects, Style};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How bad a problem is: errors fail the build, warnings do not, and notes only say
/// something worth knowing.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// The site cannot be built as written.
    Error,
    /// Worth fixing, but the build goes on.
    Warning,
    /// Worth knowing; `--strict` leaves it a note.
    Note,
}

/// One problem in the site, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// Error, warning or note.
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub file: Option<PathBuf>,
    /// 1-based line and column (in characters), when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong and what was expected.
    pub message: String,
    /// The text of the offending line, shown under the message with a caret.
    pub source_line: Option<String>,
    /// Underlying causes, printed as `= caused by:` lines.
    pub causes: Vec<String>,
    /// How many characters from the column the underline covers: 0 (the default)
    /// is a single caret at the column. Cut at the end of the line.
    pub span_len: usize,
    /// The short "what" printed after the underline (shown only with a snippet).
    pub label: Option<String>,
    /// How to fix it, printed as `= help:` lines after the causes.
    pub helps: Vec<String>,
    /// Why it is what it is, printed as `= note:` lines last.
    pub notes: Vec<String>,
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

    /// A note about `file`.
    pub fn note(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, Some(file.into()), message.into())
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
            span_len: 0,
            label: None,
            helps: Vec::new(),
            notes: Vec::new(),
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

    /// [`at`](Self::at), underlining `len` characters from the column: the whole
    /// offending token.
    pub fn at_span(self, line: usize, column: usize, len: usize, text: &str) -> Self {
        self.at(line, column, text).span(len)
    }

    /// [`at`](Self::at) the start of a YAML or TOML value, underlining it to the end
    /// of its line, before a ` #` comment and trailing spaces.
    pub fn at_value(self, line: usize, column: usize, text: &str) -> Self {
        let d = self.at(line, column, text);
        let rest: String = d
            .source_line
            .as_deref()
            .unwrap_or_default()
            .chars()
            .skip(column.max(1) - 1)
            .collect();
        let value = rest.find(" #").map_or(&rest[..], |i| &rest[..i]).trim_end();
        let len = value.chars().count();
        d.span(len)
    }

    /// Points the diagnostic at the 0-based byte range `range` of `text` (a parser's
    /// span, say) and underlines it, up to the end of its first line.
    pub fn at_range(self, range: Range<usize>, text: &str) -> Self {
        let start = floor_char_boundary(text, range.start);
        let end = floor_char_boundary(text, range.end.max(start));
        let line_end = text[start..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| start + i);
        let len = text[start..end.min(line_end)].chars().count();
        self.at_offset(start, text).span(len)
    }

    /// Underlines `len` characters from the column set by [`at`](Self::at) (0 is a
    /// single caret); an underline past the end of the line stops there.
    pub fn span(mut self, len: usize) -> Self {
        self.span_len = len;
        self
    }

    /// Puts a short label after the underline: what the token is, or what was
    /// expected there ("not a date"). Shown only with the source line.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a `help:` line: how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.helps.push(help.into());
        self
    }

    /// Adds a `help:` line when there is one.
    pub fn with_help(self, help: Option<String>) -> Self {
        match help {
            Some(help) => self.help(help),
            None => self,
        }
    }

    /// Adds an underlying cause.
    pub fn caused_by(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(cause.into());
        self
    }

    /// A warning made an error, saying by what (`--strict`); an error stays as it is.
    pub fn strict(mut self, by: &str) -> Self {
        if self.severity == Severity::Warning {
            self.severity = Severity::Error;
            self.notes.push(format!("a warning, made an error by {by}"));
        }
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// `offset`, at most `text.len()`, moved back to the start of its character.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A path shown relative to `root` when it lies inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

impl Diagnostic {
    /// The diagnostic as [`Display`](fmt::Display) prints it, in colour (ANSI) when
    /// `color`: the level red or yellow, the header bold, the gutter blue, the
    /// underline and label in the level's colour, `help` cyan.
    pub fn styled(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let mut group = Group::with_title(level.primary_title(self.header()));
        if let (Some((line, column)), Some(source)) = (self.position, &self.source_line) {
            let source = visible(source);
            let start = char_to_byte(&source, column - 1);
            let end = char_to_byte(&source, (column - 1).saturating_add(self.span_len));
            let mut underline = AnnotationKind::Primary.span(start..end);
            if let Some(label) = &self.label {
                underline = underline.label(label.as_str());
            }
            group = group.element(
                Snippet::source(source)
                    .line_start(line)
                    .annotation(underline),
            );
        }
        let caused_by = Level::NOTE.with_name("caused by");
        for cause in &self.causes {
            let cause = annotate_snippets::normalize_untrusted_str(cause);
            group = group.element(caused_by.clone().message(cause));
        }
        for help in &self.helps {
            let help = annotate_snippets::normalize_untrusted_str(help);
            group = group.element(Level::HELP.message(help));
        }
        for note in &self.notes {
            group = group.element(Level::NOTE.message(note.as_str()));
        }
        renderer(color).render(&[group])
    }

    /// `path:line:col: message`, `path: message` or `message`: the grep-able part of
    /// the first line.
    fn header(&self) -> String {
        match (&self.file, self.position) {
            (Some(file), Some((line, column))) => {
                format!("{}:{line}:{column}: {}", file.display(), self.message)
            }
            (Some(file), None) => format!("{}: {}", file.display(), self.message),
            (None, _) => self.message.clone(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.styled(false))
    }
}

/// The renderer for [`Diagnostic::styled`]: ASCII decor, rows cut to [`WIDTH`]
/// columns around the underline, and today's colours (red errors, yellow warnings,
/// a blue gutter) when `color`.
fn renderer(color: bool) -> Renderer {
    let renderer = if color {
        let bold = |c: AnsiColor| c.on_default().effects(Effects::BOLD);
        Renderer::styled()
            .error(bold(AnsiColor::Red))
            .warning(bold(AnsiColor::Yellow))
            .line_num(bold(AnsiColor::Blue))
            .emphasis(Style::new().effects(Effects::BOLD))
    } else {
        Renderer::plain()
    };
    renderer.decor_style(DecorStyle::Ascii).term_width(WIDTH)
}

/// The widest row of a snippet, gutter included: longer source lines are cut around
/// the underline, with `...` where cut.
const WIDTH: usize = 100;

/// `line` with each control character the renderer would print raw (C1 controls such
/// as U+0092, which terminals show as nothing) replaced by `�`, one character for
/// one so columns still count the same. The renderer shows C0 controls as symbols
/// (`␁`) and tabs as four spaces itself.
fn visible(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() && c > '\u{7f}' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// The byte offset of the 0-based character `n` of `s`, or its length when shorter.
fn char_to_byte(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

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

impl Diagnostic {
    /// For an unknown `key` (at the column set by [`at`](Self::at)): the key
    /// underlined, labelled with the closest of `known` when one is close, else a
    /// `help:` line listing them all.
    pub fn unknown_key(self, key: &str, known: &[&str]) -> Self {
        let d = self.span(key.chars().count());
        match did_you_mean(key, known) {
            Some(s) => d.label(format!("did you mean `{s}`?")),
            None if known.is_empty() => d.label("not a key of this file"),
            None => d
                .label("not a key of this file")
                .help(format!("the keys here are: {}", known.join(", "))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of `d` as `Display` prints them.
    fn rows(d: &Diagnostic) -> Vec<String> {
        d.to_string().lines().map(str::to_string).collect()
    }

    /// The display column (0-based) and width of the run of `^` in `row`.
    fn underline(row: &str) -> (usize, usize) {
        let start = row.find('^').unwrap();
        let width = row[start..].chars().take_while(|&c| c == '^').count();
        (row[..start].chars().count(), width)
    }

    /// The display column (0-based) where `needle` starts in `row`, wide characters
    /// counting two.
    fn column_of(row: &str, needle: &str) -> usize {
        let at = row.find(needle).unwrap();
        row[..at]
            .chars()
            .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
            .sum()
    }

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
    fn a_span_underlines_the_whole_token_with_its_label_and_help() {
        let text = "---\ntitle: x\ndate:   July 6\n";
        let d = Diagnostic::error("content/a.md", "date: expected YYYY-MM-DD")
            .at_span(3, 9, 6, text)
            .label("not a date")
            .help("write it as 2017-07-06")
            .help("or as 2017-07-06T09:00:00Z");
        assert_eq!(
            d.to_string(),
            "error: content/a.md:3:9: date: expected YYYY-MM-DD
  |
3 | date:   July 6
  |         ^^^^^^ not a date
  |
  = help: write it as 2017-07-06
  = help: or as 2017-07-06T09:00:00Z"
        );
    }

    #[test]
    fn the_underline_lines_up_under_wide_characters() {
        // CJK and emoji take two columns each: counting characters would put the
        // underline left of `bad` by one column per wide character.
        for line in [
            "title: 北京欢迎你 bad",
            "title: 🎉🎉 bad",
            "title: مرحبا bad",
            "t: 会谈 🎉 👨\u{200d}👩\u{200d}👧 x bad",
        ] {
            let column = line[..line.find("bad").unwrap()].chars().count() + 1;
            let d = Diagnostic::error("a.md", "here").at_span(1, column, 3, line);
            let rows = rows(&d);
            assert_eq!(
                underline(&rows[3]),
                (column_of(&rows[2], "bad"), 3),
                "{line}"
            );
        }
        // A wide character underlined is two columns wide.
        let d = Diagnostic::error("a.md", "here").at_span(1, 8, 2, "title: 北京 x");
        let rows = rows(&d);
        assert_eq!(underline(&rows[3]), (column_of(&rows[2], "北"), 4));
    }

    #[test]
    fn a_tab_before_the_column_is_shown_as_spaces_and_counted() {
        let d = Diagnostic::error("a.md", "here").at_span(1, 5, 3, "a\tb\tbad: x");
        let rows = rows(&d);
        assert_eq!(rows[2], "1 | a    b    bad: x");
        assert_eq!(underline(&rows[3]), (column_of(&rows[2], "bad"), 3));
    }

    #[test]
    fn a_span_past_the_end_of_the_line_stops_there() {
        let text = "title = \"T\nnext = 1\n";
        let d = Diagnostic::error("site.toml", "unclosed").at_span(1, 9, 40, text);
        assert_eq!(rows(&d)[3], "  |         ^^");
        // A column past the end points just after the line's last character.
        let d = Diagnostic::error("site.toml", "unclosed")
            .at(1, 99, text)
            .label("expected `\"`");
        assert_eq!(rows(&d)[3], "  |           ^ expected `\"`");
    }

    #[test]
    fn a_byte_range_sets_the_position_and_the_span() {
        let text = "---\ntitle: 北京\ndate: July 6\nx: 1\n";
        let start = text.find("July").unwrap();
        let d = Diagnostic::error("a.md", "bad date").at_range(start..start + 6, text);
        assert_eq!((d.position, d.span_len), (Some((3, 7)), 6));
        // A range over several lines is cut at the end of its first.
        let d = Diagnostic::error("a.md", "x").at_range(start..text.len(), text);
        assert_eq!((d.position, d.span_len), (Some((3, 7)), 6));
        // Characters, not bytes: 北京 is six bytes.
        let start = text.find('北').unwrap();
        let d = Diagnostic::error("a.md", "x").at_range(start..start + 6, text);
        assert_eq!((d.position, d.span_len), (Some((2, 8)), 2));
    }

    #[test]
    fn colour_marks_the_level_header_gutter_and_underline() {
        let d = Diagnostic::warning("a.md", "odd")
            .at_span(1, 2, 1, "ab")
            .label("this")
            .help("fix it");
        let coloured = d.styled(true);
        assert!(
            coloured.starts_with("\x1b[1m\x1b[33mwarning\x1b[0m\x1b[1m: a.md:1:2: odd\x1b[0m\n"),
            "{coloured:?}"
        );
        assert!(
            coloured.contains("\x1b[1m\x1b[34m1\x1b[0m \x1b[1m\x1b[34m|"),
            "{coloured:?}"
        );
        assert!(coloured.contains("\x1b[1m\x1b[33m^\x1b[0m"), "{coloured:?}");
        assert!(
            coloured.contains("\x1b[1m\x1b[33mthis\x1b[0m"),
            "{coloured:?}"
        );
        assert!(coloured.contains("help\x1b[0m: fix it"), "{coloured:?}");
        let error = Diagnostic::error("a.md", "bad").styled(true);
        assert!(
            error.starts_with("\x1b[1m\x1b[31merror\x1b[0m"),
            "{error:?}"
        );
        // Without colour, not one escape: the same text as `Display`.
        assert!(!d.styled(false).contains('\x1b'));
        assert_eq!(d.styled(false), d.to_string());
    }

    #[test]
    fn without_a_place_only_the_header_and_notes_are_printed() {
        assert_eq!(
            Diagnostic::general("--base-url: bad").to_string(),
            "error: --base-url: bad"
        );
        assert_eq!(
            Diagnostic::warning("content/b.md", "odd").to_string(),
            "warning: content/b.md: odd"
        );
        let d = Diagnostic::error("content/b.md", "cannot read")
            .label("dropped: no line to put it under")
            .caused_by("permission denied")
            .help("check the file's permissions");
        assert_eq!(
            d.to_string(),
            "error: content/b.md: cannot read\n |\n = caused by: permission denied\n = help: check the file's permissions"
        );
        // A line past the end of the text: the place, but no snippet.
        let d = Diagnostic::error("a.md", "x").at(9, 1, "one line");
        assert_eq!(d.to_string(), "error: a.md:9:1: x");
    }

    #[test]
    fn causes_come_after_the_snippet_before_help() {
        let d = Diagnostic::error("a.md", "cannot render")
            .at(1, 1, "x")
            .help("h")
            .caused_by("c");
        assert_eq!(
            rows(&d)[4..],
            ["  |", "  = caused by: c", "  = help: h"].map(String::from)
        );
    }

    #[test]
    fn control_characters_are_shown_and_keep_their_column() {
        let d = Diagnostic::error("a.md", "x").at(1, 3, "ab\u{1}c");
        assert_eq!(rows(&d)[2..], ["1 | ab␁c", "  |   ^"].map(String::from));
        let d = Diagnostic::error("a.md", "x").at(1, 3, "ab\u{92}c");
        assert_eq!(
            rows(&d)[2..],
            ["1 | ab\u{fffd}c", "  |   ^"].map(String::from)
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let text = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let d = Diagnostic::error("a.md", "here").at(1, 501, &text);
        let rows = rows(&d);
        assert_eq!(rows[2].chars().count(), WIDTH);
        assert!(rows[2].starts_with("1 | ...") && rows[2].ends_with("..."));
        let (column, _) = underline(&rows[3]);
        assert_eq!(rows[2].chars().nth(column), Some('X'));
        // At the start and the end, only the other side is cut.
        let d = Diagnostic::error("a.md", "here").at(1, 1, &text);
        assert!(rows_of(&d)[2].starts_with("1 | aaa"));
        let d = Diagnostic::error("a.md", "here").at(1, 1001, &text);
        let rows = rows_of(&d);
        assert!(rows[2].ends_with("bbb"));
        assert_eq!(rows[2].chars().nth(underline(&rows[3]).0), Some('b'));
    }

    fn rows_of(d: &Diagnostic) -> Vec<String> {
        rows(d)
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        assert_eq!(line_col("é\nab", 4), (2, 2));
        assert_eq!(line_col("aé", 3), (1, 3));
        assert_eq!(line_col("aé", 2), (1, 2));
        assert_eq!(line_col("ab", 99), (1, 3));
    }

    #[test]
    fn suggests_the_closest_key() {
        assert_eq!(did_you_mean("actor", &["actors", "tags"]), Some("actors"));
        assert_eq!(did_you_mean("zzz", &["actors", "tags"]), None);
    }

    #[test]
    fn an_unknown_key_is_underlined_with_the_closest_and_the_known_ones() {
        let text = "title = \"T\"\npaginate = 10\n";
        let d = Diagnostic::warning("site.toml", "unknown key `paginate`")
            .at(2, 1, text)
            .unknown_key("paginate", &["paginate_by", "title"]);
        assert_eq!(
            d.to_string(),
            "warning: site.toml:2:1: unknown key `paginate`
  |
2 | paginate = 10
  | ^^^^^^^^ did you mean `paginate_by`?"
        );
        let d = Diagnostic::warning("a.md", "x")
            .at(1, 1, "zzz: 1")
            .unknown_key("zzz", &["title"]);
        assert_eq!(d.label.as_deref(), Some("not a key of this file"));
        assert_eq!(d.helps, ["the keys here are: title"]);
    }

    #[test]
    fn a_value_is_underlined_to_its_comment() {
        let text = "date:   July 6   # when\n";
        let d = Diagnostic::error("a.md", "date").at_value(1, 9, text);
        assert_eq!(d.span_len, "July 6".len());
        let d = Diagnostic::error("a.md", "date").at_value(1, 9, "date:   \"北京\"");
        assert_eq!(d.span_len, 4);
    }
}
