//! Front matter that parses but says nothing, or not what it should (`title:` left
//! empty, `title: #1 priority`, `actors: Putin, Tillerson`, `tags: [~]`, a date
//! written `July 6, 2017`): the error at the line, with a `help:` that shows the line
//! written right. Also the reading of single lines and the writing of YAML values
//! that these helps and [`super::mistakes`] share.
//!
//! The helps are built from the line as written (its key, its indentation, its
//! words), so the corrected line is the editor's own.

use super::KeyIndex;
use crate::diagnostics::{line_col, Diagnostic};
use crate::model::date::DateError;
use chrono::{Datelike, NaiveDate};
use std::path::Path;

/// One line of front matter taken apart as editors write it: `key: value` or
/// `- value`, indented by spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape<'a> {
    /// How many spaces indent it.
    pub(super) indent: usize,
    /// The byte offset of the colon after the key, on a `key:` line.
    pub(super) colon: Option<usize>,
    /// The byte offset where the value starts (after `key: ` or `- `).
    pub(super) value_at: usize,
    /// The value, to the end of the line.
    pub(super) value: &'a str,
}

/// `line` as a key or list item line; `None` for a blank line, a comment, or a line
/// that goes on a value begun above.
pub(super) fn shape(line: &str) -> Option<Shape<'_>> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    if rest.trim().is_empty() || rest.starts_with('#') {
        return None;
    }
    fn value_of(line: &str, from: usize) -> (usize, &str) {
        let value = line[from..].trim_start_matches([' ', '\t']);
        (line.len() - value.len(), value)
    }
    if rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t") {
        let (value_at, value) = value_of(line, indent + 1);
        return Some(Shape {
            indent,
            colon: None,
            value_at,
            value,
        });
    }
    if rest.starts_with(['"', '\'', '[', '{']) {
        return None;
    }
    let colon = rest
        .char_indices()
        .find(|&(i, c)| c == ':' && rest[i + 1..].chars().next().is_none_or(char::is_whitespace))
        .map(|(i, _)| indent + i)?;
    let (value_at, value) = value_of(line, colon + 1);
    Some(Shape {
        indent,
        colon: Some(colon),
        value_at,
        value,
    })
}

/// A plain value and the ` # comment` after it, if any.
pub(super) fn without_comment(value: &str) -> (&str, &str) {
    let value = value.trim_end();
    match value.find(" #").or_else(|| value.find("\t#")) {
        Some(at) => (
            value[..at].trim_end(),
            &value[value[..at].trim_end().len()..],
        ),
        None => (value, ""),
    }
}

/// `text` as a quoted YAML value: in double quotes, or single quotes when it has
/// double quotes (or a backslash) and no single ones, or else escaped.
pub(super) fn quoted(text: &str) -> String {
    if !text.contains(['"', '\\']) {
        format!("\"{text}\"")
    } else if !text.contains('\'') {
        format!("'{text}'")
    } else {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The words of a help showing `text` [`quoted`].
pub(super) fn put_in_quotes(text: &str) -> &'static str {
    if quoted(text).starts_with('\'') {
        "put it in single quotes"
    } else {
        "put it in double quotes"
    }
}

/// `items` as a YAML list on one line, each quoted where it must be.
pub(super) fn flow_list(items: &[&str]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|item| {
            let plain = !item.is_empty()
                && !item.contains(['[', ']', '{', '}', ',', '#', '"', '\''])
                && !item.contains(": ")
                && !item.ends_with(':')
                && !item.starts_with(['&', '*', '!', '|', '>', '%', '@', '`', '?', '-', ' '])
                && !matches!(*item, "~" | "null" | "Null" | "NULL");
            if plain {
                item.to_string()
            } else {
                quoted(item)
            }
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// Where each item of the list under `key` is written: its byte range in `text`.
/// Lists in brackets (`[a, b]`, over one line or several) and one `- item` per line
/// are read; anything else gives no items.
pub(super) fn list_items(text: &str, index: &KeyIndex, key: &str) -> Vec<std::ops::Range<usize>> {
    let Some((line, col)) = index.value(key) else {
        return Vec::new();
    };
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let written = text[line_start..].split('\n').next().unwrap_or_default();
    let at = line_start
        + written
            .char_indices()
            .nth(col - 1)
            .map_or(written.len(), |(i, _)| i);
    if text[at..].starts_with('[') {
        return flow_items(text, at);
    }
    if index.key(key, 0) != Some((line, col)) {
        return Vec::new();
    }
    // `key:` alone: `- item` lines follow, at its indentation or deeper.
    let indent = written.len() - written.trim_start_matches(' ').len();
    let mut items = Vec::new();
    let mut offset = line_start + written.len() + 1;
    for item_line in text.get(offset..).unwrap_or_default().split('\n') {
        let start = offset;
        offset += item_line.len() + 1;
        match shape(item_line) {
            Some(s) if s.colon.is_none() && s.indent >= indent => {
                let (value, _) = without_comment(s.value);
                items.push(start + s.value_at..start + s.value_at + value.len());
            }
            None if item_line.trim().is_empty() || item_line.trim_start().starts_with('#') => {}
            _ => break,
        }
    }
    items
}

/// The items of the list in brackets whose `[` is at byte `at` of `text`.
fn flow_items(text: &str, at: usize) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut items = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<u8>, at + 1);
    let mut k = at;
    while k < b.len() {
        let c = b[k];
        match quote {
            Some(b'"') if c == b'\\' => k += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' if text[start..k].trim().is_empty() => quote = Some(c),
                b'[' | b'{' => depth += 1,
                b',' | b']' | b'}' if depth == 1 => {
                    let item = &text[start..k];
                    let trimmed = item.trim_start();
                    let from = start + item.len() - trimmed.len();
                    // `[]` and the trailing comma of `[a, b, ]` end the list.
                    if !(c == b']' && trimmed.trim().is_empty()) {
                        items.push(from..from + trimmed.trim_end().len());
                    }
                    if c != b',' {
                        break;
                    }
                    start = k + 1;
                }
                b']' | b'}' => depth -= 1,
                _ => {}
            },
        }
        k += 1;
    }
    items
}

/// The `help:` for a date that is not one: both forms, with the day the editor
/// meant when the text says it plainly (`July 6, 2017`, `2017/07/06`, `6.7.2017`).
pub(super) fn date_help(key: &str, written: &str, error: &DateError) -> String {
    let leaf = key.rsplit('.').next().unwrap_or(key);
    if let Some(shown) = &error.skipped_to {
        return format!("write the time the clocks showed at that moment: `{leaf}: {shown}`");
    }
    match guess_day(written) {
        Some(day) => format!(
            "write it as `{leaf}: {day}`, or with a time as `{leaf}: {day}T16:30:00+02:00`"
        ),
        None => format!(
            "write a date such as `{leaf}: 2017-07-06`, or with a time as `{leaf}: 2017-07-06T16:30:00+02:00`"
        ),
    }
}

/// The day `written` names, when it names one and only one: year first with any
/// separator, a month by name, day first with dots, or numbers that can only be
/// read one way (`25/12/2017`; not `6/7/2017`, which is June or July).
fn guess_day(written: &str) -> Option<NaiveDate> {
    // `July 6th, 2017` → `July 6 2017`.
    let written = written.replace(',', " ");
    let mut words = Vec::new();
    for word in written.split_whitespace() {
        let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let ordinal = ["st", "nd", "rd", "th"].contains(&&word[digits.len()..]);
        words.push(
            if ordinal && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                digits
            } else {
                word.trim_end_matches('.')
            },
        );
    }
    let s = words.join(" ");
    // Four-digit years only: `6/7/17` is not the year 17.
    let parse = |format: &str| {
        NaiveDate::parse_from_str(&s, format)
            .ok()
            .filter(|d| d.year() >= 1000)
    };
    let one_way = [
        "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d", "%Y %m %d", "%B %d %Y", "%d %B %Y", "%d.%m.%Y",
    ];
    if let Some(day) = one_way.into_iter().find_map(parse) {
        return Some(day);
    }
    let days: Vec<NaiveDate> = ["%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y"]
        .into_iter()
        .filter_map(parse)
        .collect();
    match days.as_slice() {
        [day, rest @ ..] if rest.iter().all(|d| d == day) => Some(*day),
        _ => None,
    }
}

/// The file's line `line` (1-based) as written.
pub(super) fn line_of(text: &str, line: usize) -> &str {
    text.split('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or_default()
}

/// What a required key names, and what it expects, for messages.
fn what(key: &str) -> (&'static str, &'static str) {
    match key {
        "title" => ("the title", "a headline"),
        "date" => ("the date", "a date"),
        k if k.ends_with(".name") => ("the source's name", "the outlet's name"),
        _ => ("the source", "the outlet's name"),
    }
}

/// A required key written with nothing after it, or only a comment (`title: #1
/// priority`, where `#` starts a comment): one error at the key, whose help shows the
/// line written out. `None` when the key is not written at all.
pub(super) fn nothing_written(
    path: &Path,
    text: &str,
    index: &KeyIndex,
    key: &str,
) -> Option<Diagnostic> {
    let (line, key_col) = index.key(key, 0)?;
    let written = line_of(text, line);
    let (noun, expected) = what(key);
    if let Some((_, col)) = index.comment(key) {
        let at = written.char_indices().nth(col - 1)?.0;
        let comment = written[at..].trim_end();
        return Some(
            Diagnostic::error(
                path,
                format!("{key}: `#` starts a comment, so {noun} is empty"),
            )
            .at_span(line, col, comment.chars().count(), text)
            .help(format!(
                "{}: `{}{}`",
                put_in_quotes(comment),
                &written[..at],
                quoted(comment)
            )),
        );
    }
    // Nothing, or `~` or `null`, which mean nothing.
    let (_, col) = index.value(key).unwrap_or((line, key_col));
    let head = if col == key_col {
        format!("{} ", written.trim_end())
    } else {
        written[..written.char_indices().nth(col - 1)?.0].to_string()
    };
    let example = super::example(key);
    let value = example.split_once(": ").map_or(example, |(_, v)| v);
    Some(
        Diagnostic::error(path, format!("{key}: expected {expected}, found nothing"))
            .at_value(line, col, text)
            .help(format!("write it after the colon: `{head}{value}`")),
    )
}

/// A list of names written as one line of text (`actors: Putin, Tillerson`), or a
/// number or `true`: the error at its value, with the list in brackets.
pub(super) fn not_a_list(
    path: &Path,
    text: &str,
    index: &KeyIndex,
    key: &str,
    value: &serde_yaml::Value,
) -> Option<Diagnostic> {
    use serde_yaml::Value;
    let (found, written) = match value {
        Value::String(s) => ("text", s.clone()),
        Value::Number(n) => ("a number", n.to_string()),
        Value::Bool(b) => ("`true` or `false`", b.to_string()),
        _ => return None,
    };
    let (line, col) = index.value(key)?;
    let line_text = line_of(text, line);
    let head = &line_text[..line_text.char_indices().nth(col - 1)?.0];
    // Names are split at commas; a key point may have commas of its own.
    let items: Vec<&str> = if key == "key_points" {
        vec![written.trim()]
    } else {
        written
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    };
    let item = match key {
        "actors" | "authors" => "name",
        "sources" => "outlet",
        "tags" => "tag",
        _ => "point",
    };
    Some(
        Diagnostic::error(path, format!("{key}: expected a list, found {found}"))
            .at_value(line, col, text)
            .help(format!(
                "write it in brackets, `{head}{}`, or one `- {item}` per line",
                flow_list(&items)
            )),
    )
}

/// The empty items of the list under `key` (`~`, `null`, `""`), which made pages
/// titled "~" and "null": an error at each, with the list written without them.
/// `empty` says which items the list has and which are empty.
pub(super) fn empty_items(
    path: &Path,
    text: &str,
    index: &KeyIndex,
    key: &str,
    empty: &[bool],
) -> Vec<Diagnostic> {
    let noun = match key {
        "actors" => "actor",
        "authors" => "author",
        "tags" => "tag",
        "aliases" => "alias",
        _ => "key point",
    };
    let items = list_items(text, index, key);
    if items.len() != empty.len() {
        // Written in a way not read here (anchors, say): one error at the key.
        let (line, col) = index.value(key).unwrap_or((1, 1));
        return vec![
            Diagnostic::error(path, format!("{key}: a {noun} in the list is empty"))
                .at_value(line, col, text)
                .help("remove it"),
        ];
    }
    let key_line = index.value(key).map(|(line, _)| line);
    let on_key_line = items
        .iter()
        .all(|r| Some(line_col(text, r.end).0) == key_line);
    let help = |item: &std::ops::Range<usize>| match key_line {
        Some(line) if on_key_line => {
            let written = line_of(text, line);
            let bracket = written.find('[').unwrap_or(written.len());
            let kept: Vec<&str> = items
                .iter()
                .zip(empty)
                .filter(|(_, e)| !**e)
                .map(|(r, _)| &text[r.clone()])
                .collect();
            format!("remove it: `{}[{}]`", &written[..bracket], kept.join(", "))
        }
        _ => match line_of(text, line_col(text, item.start).0).trim_start() {
            item_line if item_line.starts_with('-') => format!("delete the line `{item_line}`"),
            _ => "remove it from the list".into(),
        },
    };
    items
        .iter()
        .zip(empty)
        .filter(|(_, e)| **e)
        .map(|(r, _)| {
            let written = &text[r.clone()];
            let message = if matches!(written, "~" | "null" | "Null" | "NULL") {
                format!("{key}: `{written}` means no value, so this {noun} is empty")
            } else {
                format!("{key}: this {noun} is empty")
            };
            Diagnostic::error(path, message)
                .at_range(r.clone(), text)
                .help(help(r))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_lines() {
        let s = shape("  name: Reuters: World").unwrap();
        assert_eq!(
            (s.indent, s.colon, s.value_at, s.value),
            (2, Some(6), 8, "Reuters: World")
        );
        let s = shape("- \"Putin\"").unwrap();
        assert_eq!((s.colon, s.value), (None, "\"Putin\""));
        assert_eq!(shape("url: https://x.org").unwrap().value, "https://x.org");
        assert!(shape("  # note").is_none());
        assert!(shape("\"quoted\": x").is_none());
        assert!(shape("a:b").is_none());
    }

    #[test]
    fn lists_and_quotes_are_written_back_as_yaml() {
        assert_eq!(flow_list(&["Putin", "Tillerson"]), "[Putin, Tillerson]");
        assert_eq!(
            flow_list(&["a: b", "#1", "null", "O'Brien"]),
            "[\"a: b\", \"#1\", \"null\", \"O'Brien\"]"
        );
        assert_eq!(quoted("#1 priority"), "\"#1 priority\"");
        assert_eq!(quoted("say \"no\""), "'say \"no\"'");
        assert_eq!(quoted("it's \"no\""), "\"it's \\\"no\\\"\"");
    }

    #[test]
    fn list_items_are_found_in_brackets_and_on_lines() {
        let text =
            "---\ntags: [null, \"a, b\" , ~]\nactors:\n  - ~\n  # x\n  - Putin # y\ndate: x\n---\n";
        let index = KeyIndex::new(&text[4..text.len() - 4], 2);
        let items = |key| -> Vec<&str> {
            list_items(text, &index, key)
                .into_iter()
                .map(|r| &text[r])
                .collect()
        };
        assert_eq!(items("tags"), ["null", "\"a, b\"", "~"]);
        assert_eq!(items("actors"), ["~", "Putin"]);
        assert!(items("date").is_empty());
        let text = "---\ntags: []\n---\n";
        let index = KeyIndex::new("tags: []\n", 2);
        assert!(list_items(text, &index, "tags").is_empty());
    }

    #[test]
    fn dates_written_plainly_are_read_back() {
        let day = |s| guess_day(s).map(|d| d.to_string());
        for s in [
            "July 6, 2017",
            "6 July 2017",
            "Jul 6th 2017",
            "2017/07/06",
            "2017-7-6",
            "6.7.2017",
            "25/12/2017",
            "12/25/2017",
        ] {
            assert!(day(s).is_some(), "{s}");
        }
        assert_eq!(day("July 6, 2017").as_deref(), Some("2017-07-06"));
        assert_eq!(day("6.7.2017").as_deref(), Some("2017-07-06"));
        assert_eq!(day("12/25/2017").as_deref(), Some("2017-12-25"));
        for s in ["6/7/2017", "July 6", "yesterday", "2017-02-30"] {
            assert_eq!(day(s), None, "{s}");
        }
        let no_date = |s: &str| crate::model::date::Date::parse(s).unwrap_err();
        assert_eq!(
            date_help("date", "July 6, 2017", &no_date("July 6, 2017")),
            "write it as `date: 2017-07-06`, or with a time as `date: 2017-07-06T16:30:00+02:00`"
        );
        assert_eq!(
            date_help("source.published", "soon", &no_date("soon")),
            "write a date such as `published: 2017-07-06`, or with a time as `published: 2017-07-06T16:30:00+02:00`"
        );
    }
}
