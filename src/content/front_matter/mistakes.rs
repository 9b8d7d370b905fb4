//! YAML that does not parse: the commonest mistakes, recognised from the lines the
//! editor wrote, each said in the editor's words and ending with the corrected line.
//!
//! yaml_serde names what its parser expected ("mapping values are not allowed in
//! this context") where it gave up, which may be lines after the mistake: a quote
//! never closed is reported at the closing `---`. The lines themselves say what
//! happened: a colon inside a title, quotes inside quotes, a quote or `[` never
//! closed, a line indented one space off or with a tab, a key without its colon.
//! Like [`KeyIndex`], this reads the block-style YAML editors write and is not a YAML
//! parser: a mistake in none of these shapes keeps the parser's message. The starts
//! of yaml_serde's messages read here are pinned by a test in [`super::yaml_errors`].

use super::advice::{put_in_quotes, quoted, shape, without_comment, Shape};
use super::{KeyIndex, ARTICLE_KEYS, SOURCE_KEYS};
use crate::diagnostics::Diagnostic;
use std::path::Path;

/// A file's front matter line by line, for advice on a YAML syntax error.
pub(super) struct Lines<'a> {
    path: &'a Path,
    text: &'a str,
    /// The YAML's lines.
    lines: Vec<&'a str>,
    /// The file's line number of `lines[0]`.
    first: usize,
    index: &'a KeyIndex,
}

impl<'a> Lines<'a> {
    /// The front matter `yaml` of `text` (the file at `path`), whose first line is
    /// line `first` of the file.
    pub(super) fn new(
        path: &'a Path,
        text: &'a str,
        yaml: &'a str,
        first: usize,
        index: &'a KeyIndex,
    ) -> Lines<'a> {
        Lines {
            path,
            text,
            lines: yaml.split('\n').collect(),
            first,
            index,
        }
    }

    /// The diagnostic for a syntax error yaml_serde reported as `problem` at `at`
    /// (the YAML's 1-based line and column), when the lines show a mistake editors
    /// make.
    pub(super) fn syntax(&self, at: Option<(usize, usize)>, problem: &str) -> Option<Diagnostic> {
        let upto = at.map_or(self.lines.len(), |(line, _)| line.saturating_sub(1));
        if let Some(d) = self.unclosed(upto) {
            return Some(d);
        }
        if problem.contains("more than one document") {
            return self.indented_start();
        }
        if problem.contains("could not find expected ':'") {
            return self.missing_colon(upto);
        }
        let (line, col) = at?;
        let i = line.checked_sub(1)?;
        let written = self.lines.get(i)?;
        let byte = written.char_indices().nth(col.checked_sub(1)?)?.0;
        if written[byte..].starts_with('\t') {
            return Some(self.tab(i, byte));
        }
        let s = shape(written)?;
        if problem.starts_with("mapping values are not allowed") {
            match s.colon {
                Some(colon) if byte == colon => self.indentation(i),
                Some(_) if byte > s.value_at && !s.value.starts_with(['"', '\'', '[', '{']) => {
                    Some(self.colon_in_text(i, &s, byte))
                }
                _ => None,
            }
        } else if problem.starts_with("did not find expected key") && byte == s.indent {
            self.indentation(i)
        } else {
            None
        }
    }

    /// An error at byte `at` of line `i`, underlining `len` characters.
    fn error(&self, i: usize, at: usize, len: usize, message: String) -> Diagnostic {
        let col = self.lines[i][..at].chars().count() + 1;
        Diagnostic::error(self.path, message).at_span(self.first + i, col, len, self.text)
    }

    /// `key: ` for a message about line `i`: its own key, or the key of the list it
    /// is an item of.
    fn subject(&self, i: usize) -> String {
        let indent = shape(self.lines[i]).map_or(0, |s| s.indent);
        let own = self.index.path_at(self.first + i);
        let parent = || {
            (0..i).rev().find_map(|j| {
                let s = shape(self.lines[j])?;
                if s.indent < indent || (s.colon.is_some() && s.value.is_empty()) {
                    self.index.path_at(self.first + j)
                } else {
                    None
                }
            })
        };
        own.or_else(parent)
            .map_or(String::new(), |key| format!("{key}: "))
    }

    /// The first quoted or bracketed value, at or above line `upto`, that is not
    /// closed where it should be.
    fn unclosed(&self, upto: usize) -> Option<Diagnostic> {
        let mut i = 0;
        while i < self.lines.len() && i <= upto {
            let Some(s) = shape(self.lines[i]) else {
                // A line that starts with a quote (a quoted key) never closed.
                let rest = self.lines[i].trim_start_matches(' ');
                let at = self.lines[i].len() - rest.len();
                if rest.starts_with(['"', '\'']) && closing_quote(&self.lines, i, at).is_none() {
                    let s = Shape {
                        indent: at,
                        colon: None,
                        value_at: at,
                        value: rest,
                    };
                    return Some(self.unclosed_quote(i, &s));
                }
                i += 1;
                continue;
            };
            match s.value.as_bytes().first() {
                Some(b'"' | b'\'') => match closing_quote(&self.lines, i, s.value_at) {
                    None => return Some(self.unclosed_quote(i, &s)),
                    Some((j, after)) => {
                        let rest = &self.lines[j][after..];
                        let clean = rest.trim().is_empty()
                            || (rest.starts_with([' ', '\t'])
                                && rest.trim_start().starts_with('#'));
                        if clean {
                            i = j + 1;
                            continue;
                        }
                        // Text after the closing quote: on the same line, a quote
                        // inside the quotes; lines later, the quote ran on over the
                        // keys below.
                        return Some(if j == i {
                            self.quote_in_quotes(i, &s, after - 1)
                        } else {
                            self.unclosed_quote(i, &s)
                        });
                    }
                },
                Some(b'[' | b'{') => match closing_bracket(&self.lines, i, s.value_at, s.indent) {
                    Err(last) => return Some(self.unclosed_bracket(i, &s, last)),
                    Ok(j) => i = j + 1,
                },
                // A block of text (`|` or `>`): its lines are not keys.
                Some(b'|' | b'>') => {
                    i += 1;
                    while self.lines.get(i).is_some_and(|l| {
                        l.trim().is_empty() || l.len() - l.trim_start().len() > s.indent
                    }) {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        None
    }

    /// `title: "Talks resume`: the quote is never closed.
    fn unclosed_quote(&self, i: usize, s: &Shape<'_>) -> Diagnostic {
        let written = self.lines[i].trim_end();
        let quote = &s.value[..1];
        self.error(
            i,
            s.value_at,
            1,
            format!("{}the opening quote is never closed", self.subject(i)),
        )
        .help(format!(
            "close it at the end of the line: `{written}{quote}`"
        ))
    }

    /// `actors: [Putin, Tillerson`: the list opened on line `i`, whose last line is
    /// `last`, is never closed.
    fn unclosed_bracket(&self, i: usize, s: &Shape<'_>, last: usize) -> Diagnostic {
        let written = self.lines[last].trim_end().trim_end_matches(',');
        let (open, close) = if s.value.starts_with('[') {
            ("[", "]")
        } else {
            ("{", "}")
        };
        let place = if last == i {
            "at the end of the line"
        } else {
            "after the last item"
        };
        self.error(
            i,
            s.value_at,
            1,
            format!(
                "{}the `{open}` is never closed with a `{close}`",
                self.subject(i)
            ),
        )
        .help(format!("close it {place}: `{written}{close}`"))
    }

    /// `title: "Lavrov says "no deal""`: the quote before `no` ends the title.
    fn quote_in_quotes(&self, i: usize, s: &Shape<'_>, early: usize) -> Diagnostic {
        let head = &self.lines[i][..s.value_at];
        let value = s.value.trim_end();
        let quote = &value[..1];
        // `"a "b""` is `a "b"` in quotes; `"a "b"`, with an odd count of double
        // quotes, which come in pairs, lost the last. Apostrophes come alone.
        let inner = match value[1..].strip_suffix(quote) {
            Some(inner) if quote == "'" || value.matches(quote).count().is_multiple_of(2) => inner,
            _ => &value[1..],
        };
        let (other, same) = if quote == "\"" {
            (
                format!(
                    "use single quotes outside: `{head}'{}'`",
                    inner.replace('\'', "''")
                ),
                format!(
                    "or write each inner quote as \\\": `{head}\"{}\"`",
                    inner.replace('"', "\\\"")
                ),
            )
        } else {
            (
                format!(
                    "use double quotes outside: `{head}\"{}\"`",
                    inner.replace('"', "\\\"")
                ),
                format!(
                    "or write each inner ' as '': `{head}'{}'`",
                    inner.replace('\'', "''")
                ),
            )
        };
        self.error(
            i,
            early,
            1,
            format!("{}a quote inside the quotes ends it early", self.subject(i)),
        )
        .label("it ends here")
        .help(other)
        .help(same)
    }

    /// `title: Breaking: Ceasefire holds`: a colon and a space, inside text that is
    /// not quoted, start a new key.
    fn colon_in_text(&self, i: usize, s: &Shape<'_>, colon: usize) -> Diagnostic {
        let head = &self.lines[i][..s.value_at];
        let (value, comment) = without_comment(s.value);
        self.error(
            i,
            colon,
            1,
            format!("{}has a colon in it, so it needs quotes", self.subject(i)),
        )
        .help(format!(
            "{}: `{head}{}{comment}`",
            put_in_quotes(value),
            quoted(value)
        ))
    }

    /// A line indented to none of the levels open above it: `   url:` under
    /// `  name:`, say.
    fn indentation(&self, i: usize) -> Option<Diagnostic> {
        let s = shape(self.lines[i])?;
        // Each level of indentation open at line `i`, with the last line at it.
        let mut open: Vec<(usize, usize)> = Vec::new();
        for (j, line) in self.lines[..i].iter().enumerate() {
            let Some(t) = shape(line) else { continue };
            while open.last().is_some_and(|&(n, _)| n > t.indent) {
                open.pop();
            }
            match open.last_mut() {
                Some((n, last)) if *n == t.indent => *last = j,
                _ => open.push((t.indent, j)),
            }
        }
        if open.iter().any(|&(n, _)| n == s.indent) {
            return None;
        }
        // A key of the article itself goes at the top level; anything else lines up
        // with the nearest level, the deeper of two as near.
        let key = s.colon.map(|c| self.lines[i][s.indent..c].trim());
        let top = key.is_some_and(|k| ARTICLE_KEYS.contains(&k) && !SOURCE_KEYS.contains(&k));
        let &(n, j) = open
            .iter()
            .filter(|&&(n, _)| !top || n == 0)
            .min_by_key(|&&(n, _)| (n.abs_diff(s.indent), std::cmp::Reverse(n)))?;
        let fixed = format!("{}{}", " ".repeat(n), self.lines[i].trim_start());
        let (this, that) = (named(self.lines[i]), named(self.lines[j]));
        let theirs = match n {
            0 => format!("{that} above it is not indented"),
            n => format!("{that} above it by {n}"),
        };
        Some(
            self.error(
                i,
                0,
                s.indent.max(1),
                format!("{this} is indented by {}, but {theirs}", spaces(s.indent)),
            )
            .help(format!("line it up with {that}: `{}`", fixed.trim_end())),
        )
    }

    /// `date 2017-07-06`: a key of front matter without its colon, at or above line
    /// `upto`.
    fn missing_colon(&self, upto: usize) -> Option<Diagnostic> {
        let mut indent = 0;
        for (i, line) in self.lines.iter().enumerate().take(upto + 1) {
            if let Some(s) = shape(line) {
                indent = s.indent;
                continue;
            }
            let rest = line.trim_start();
            // Deeper than the key above, a line goes on its value.
            if rest.is_empty() || rest.starts_with('#') || line.len() - rest.len() > indent {
                continue;
            }
            let word = rest.split([' ', '\t']).next().unwrap_or_default();
            if !ARTICLE_KEYS.contains(&word) && !SOURCE_KEYS.contains(&word) {
                return None;
            }
            let at = line.len() - rest.len() + word.len();
            let value = rest[word.len()..].trim();
            let fixed = format!("{}: {value}", &line[..at]);
            return Some(
                self.error(i, at, 1, format!("`{word}` needs a colon after it"))
                    .help(format!("write it as `{}`", fixed.trim_end())),
            );
        }
        None
    }

    /// The first key indented, the ones below it not: YAML reads two documents.
    fn indented_start(&self) -> Option<Diagnostic> {
        let mut shaped = self
            .lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| shape(l).map(|s| (i, s)));
        let (i, first) = shaped.next()?;
        let (j, below) = shaped.find(|(_, s)| s.indent < first.indent)?;
        let (this, that) = (named(self.lines[i]), named(self.lines[j]));
        let theirs = match below.indent {
            0 => format!("{that} below it is not indented"),
            n => format!("{that} below it by {n}"),
        };
        let fixed = format!("{}{}", " ".repeat(below.indent), self.lines[i].trim());
        Some(
            self.error(
                i,
                0,
                first.indent,
                format!(
                    "{this} is indented by {}, but {theirs}",
                    spaces(first.indent)
                ),
            )
            .help(format!("line it up with {that}: `{fixed}`")),
        )
    }

    /// A tab at byte `at` of line `i`: indented with spaces, as the line above says.
    fn tab(&self, i: usize, at: usize) -> Diagnostic {
        let written = self.lines[i];
        let rest = written.trim_start_matches([' ', '\t']);
        let lead = written.len() - rest.len();
        if at >= lead {
            return self.error(
                i,
                at,
                1,
                "a tab here: front matter allows spaces only, outside quotes".into(),
            );
        }
        let indent = (0..i)
            .rev()
            .find_map(|j| shape(self.lines[j]))
            .map_or(0, |s| {
                if s.value.is_empty() {
                    s.indent + 2
                } else {
                    s.indent
                }
            });
        let fix = if indent == 0 {
            "take the tab out"
        } else {
            "indent it with spaces"
        };
        self.error(
            i,
            0,
            written[..lead].chars().count(),
            "a tab indents this line, but front matter is indented with spaces".into(),
        )
        .help(format!(
            "{fix}: `{}{}`",
            " ".repeat(indent),
            rest.trim_end()
        ))
    }
}

/// Where the quoted text opening at byte `at` of line `i` closes: the line and the
/// byte after its closing quote, or `None` when it never does. `\"` and `''` are
/// quotes inside it.
fn closing_quote(lines: &[&str], i: usize, at: usize) -> Option<(usize, usize)> {
    let quote = lines[i].as_bytes()[at];
    for (j, line) in lines.iter().enumerate().skip(i) {
        let b = line.as_bytes();
        let mut k = if j == i { at + 1 } else { 0 };
        while k < b.len() {
            if quote == b'"' && b[k] == b'\\' {
                k += 2;
                continue;
            }
            if b[k] == quote {
                if quote == b'\'' && b.get(k + 1) == Some(&b'\'') {
                    k += 2;
                    continue;
                }
                return Some((j, k + 1));
            }
            k += 1;
        }
    }
    None
}

/// The line where the `[` or `{` at byte `at` of line `i` is closed; or, when a key
/// at the indentation of its own key (`indent`) or the end comes first, `Err` with
/// the last line written before that.
fn closing_bracket(lines: &[&str], i: usize, at: usize, indent: usize) -> Result<usize, usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut last = 0u8;
    let mut written = i;
    for (j, line) in lines.iter().enumerate().skip(i) {
        if j > i
            && quote.is_none()
            && shape(line).is_some_and(|s| s.indent <= indent && s.colon.is_some())
        {
            return Err(written);
        }
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            written = j;
        }
        let b = line.as_bytes();
        let mut k = if j == i { at } else { 0 };
        while k < b.len() {
            let c = b[k];
            match quote {
                Some(b'"') if c == b'\\' => k += 1,
                Some(q) if c == q => {
                    if q == b'\'' && b.get(k + 1) == Some(&b'\'') {
                        k += 1;
                    } else {
                        quote = None;
                    }
                }
                Some(_) => {}
                None => match c {
                    // A quote opens quoted text only where an item starts.
                    b'"' | b'\'' if matches!(last, b'[' | b'{' | b',' | b':') => quote = Some(c),
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Ok(j);
                        }
                    }
                    b'#' if k == 0 || b[k - 1] == b' ' => break,
                    _ => {}
                },
            }
            if !c.is_ascii_whitespace() {
                last = c;
            }
            k += 1;
        }
    }
    Err(written)
}

/// How a message names a line: its key (`` `url:` ``) or its list item.
fn named(line: &str) -> String {
    let line = line.trim();
    match shape(line).and_then(|s| s.colon) {
        Some(colon) => format!("`{}`", &line[..=colon]),
        None => format!("`{line}`"),
    }
}

/// `1 space`, `3 spaces`.
fn spaces(n: usize) -> String {
    if n == 1 {
        "1 space".into()
    } else {
        format!("{n} spaces")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first line and the helps of the advice for `yaml` (a file's front
    /// matter) with a parser error `problem` at `at`.
    fn advice(yaml: &str, at: (usize, usize), problem: &str) -> Vec<String> {
        let text = format!("---\n{yaml}---\n");
        let index = KeyIndex::new(yaml, 2);
        let lines = Lines::new(Path::new("a.md"), &text, yaml, 2, &index);
        match lines.syntax(Some(at), problem) {
            Some(d) => {
                let mut out = vec![d.to_string().lines().next().unwrap().to_string()];
                out.extend(d.helps);
                out
            }
            None => Vec::new(),
        }
    }

    #[test]
    fn a_colon_in_a_title_asks_for_quotes() {
        assert_eq!(
            advice(
                "title: Breaking: Ceasefire holds\n",
                (1, 16),
                "mapping values are not allowed in this context"
            ),
            [
                "error: a.md:2:16: title: has a colon in it, so it needs quotes",
                "put it in double quotes: `title: \"Breaking: Ceasefire holds\"`",
            ]
        );
        // A comment stays outside the quotes; text with double quotes gets single ones.
        assert_eq!(
            advice(
                "source:\n  name: Le Monde: \"live\" # x\n",
                (2, 17),
                "mapping values are not allowed in this context"
            )[1],
            "put it in single quotes: `  name: 'Le Monde: \"live\"' # x`"
        );
    }

    #[test]
    fn quotes_inside_quotes_show_both_fixes() {
        assert_eq!(
            advice(
                "title: \"Lavrov says \"no deal\"\"\n",
                (1, 22),
                "did not find expected key"
            ),
            [
                "error: a.md:2:21: title: a quote inside the quotes ends it early",
                "use single quotes outside: `title: 'Lavrov says \"no deal\"'`",
                "or write each inner quote as \\\": `title: \"Lavrov says \\\"no deal\\\"\"`",
            ]
        );
        assert_eq!(
            advice(
                "title: \"Lavrov says \"no deal\"\n",
                (1, 22),
                "did not find expected key"
            )[1],
            "use single quotes outside: `title: 'Lavrov says \"no deal\"'`"
        );
        assert_eq!(
            advice(
                "title: 'Putin's offer'\n",
                (1, 15),
                "did not find expected key"
            ),
            [
                "error: a.md:2:14: title: a quote inside the quotes ends it early",
                "use double quotes outside: `title: \"Putin's offer\"`",
                "or write each inner ' as '': `title: 'Putin''s offer'`",
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        let eos = "found unexpected end of stream";
        assert_eq!(
            advice("title: \"Talks resume\ndate: 2017-07-06\n", (3, 1), eos),
            [
                "error: a.md:2:8: title: the opening quote is never closed",
                "close it at the end of the line: `title: \"Talks resume\"`",
            ]
        );
        // Run on to the next quote, three lines down.
        assert_eq!(
            advice(
                "title: \"Talks\ndate: 2017-07-06\nsource: \"Reuters\"\n",
                (3, 10),
                "did not find expected key"
            )[0],
            "error: a.md:2:8: title: the opening quote is never closed"
        );
        // Quoted text over two lines is fine: the mistake is below it.
        assert_eq!(
            advice("summary: \"one\n  two\"\nactors: [a, b\n", (4, 1), eos),
            [
                "error: a.md:4:9: actors: the `[` is never closed with a `]`",
                "close it at the end of the line: `actors: [a, b]`",
            ]
        );
        // A list over several lines, closed: nothing to say about it.
        assert!(
            advice(
                "actors: [a,\n  b]\ntitle: x: y\n",
                (3, 9),
                "mapping values are not allowed"
            )
            .len()
                == 2
        );
        assert_eq!(
            advice("\"title: x\ndate: 2017-07-06\n", (3, 1), eos),
            [
                "error: a.md:2:1: title: the opening quote is never closed",
                "close it at the end of the line: `\"title: x\"`",
            ]
        );
        assert_eq!(
            advice(
                "tags: ['it''s', \"a]\", b]\nactors:\n  - \"x\n",
                (4, 1),
                eos
            )[0],
            "error: a.md:4:5: actors: the opening quote is never closed"
        );
    }

    #[test]
    fn indentation_off_by_one_lines_up_with_the_line_above() {
        assert_eq!(
            advice(
                "source:\n  name: Reuters\n   url: https://x.org\n",
                (3, 7),
                "mapping values are not allowed in this context"
            ),
            [
                "error: a.md:4:1: `url:` is indented by 3 spaces, but `name:` above it by 2",
                "line it up with `name:`: `  url: https://x.org`",
            ]
        );
        assert_eq!(
            advice(
                "source:\n  name: Reuters\n url: https://x.org\n",
                (3, 2),
                "did not find expected key"
            )[1],
            "line it up with `name:`: `  url: https://x.org`"
        );
        // A key of the article goes back to the top.
        assert_eq!(
            advice("source:\n  name: Reuters\n date: 2017-07-06\n", (3, 2), "did not find expected key"),
            [
                "error: a.md:4:1: `date:` is indented by 1 space, but `source:` above it is not indented",
                "line it up with `source:`: `date: 2017-07-06`",
            ]
        );
        assert_eq!(
            advice(
                "actors:\n  - Putin\n - Tillerson\n",
                (3, 2),
                "did not find expected key"
            )[1],
            "line it up with `- Putin`: `  - Tillerson`"
        );
        // Lined up with a level: not an indentation mistake.
        assert!(advice("a:\n  b: 1\nc: x: y\n", (3, 1), "did not find expected key").is_empty());
    }

    #[test]
    fn a_key_without_its_colon_gets_one() {
        assert_eq!(
            advice(
                "title: x\ndate 2017-07-06\n",
                (3, 1),
                "could not find expected ':'"
            ),
            [
                "error: a.md:3:5: `date` needs a colon after it",
                "write it as `date: 2017-07-06`",
            ]
        );
        // Deeper than its key, a line goes on the value above it.
        assert!(advice(
            "summary: a\n  date b\nc\n",
            (4, 1),
            "could not find expected ':'"
        )
        .is_empty());
    }

    #[test]
    fn the_first_key_indented_alone() {
        assert_eq!(
            advice(" title: x\ndate: 2017-07-06\n", (1, 1), "deserializing from YAML containing more than one document is not supported"),
            [
                "error: a.md:2:1: `title:` is indented by 1 space, but `date:` below it is not indented",
                "line it up with `date:`: `title: x`",
            ]
        );
    }

    #[test]
    fn a_tab_gets_the_spaces_it_stands_for() {
        assert_eq!(
            advice("source:\n\tname: Reuters\n", (2, 1), "found a tab character"),
            [
                "error: a.md:3:1: a tab indents this line, but front matter is indented with spaces",
                "indent it with spaces: `  name: Reuters`",
            ]
        );
    }

    #[test]
    fn other_errors_keep_the_parser_s_message() {
        assert!(advice("title: x\n", (1, 3), "something else").is_empty());
        assert!(advice("title: \"a\" # \"b\n", (1, 3), "something else").is_empty());
    }
}
