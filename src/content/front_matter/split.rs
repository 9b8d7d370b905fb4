//! A file cut at its front matter fences, and where each `key:` of the YAML sits:
//! what maps every problem back to a line and column in the file.

use crate::diagnostics::Diagnostic;
use std::path::Path;

/// A file cut at its front matter fences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// The 1-based line of the file where `yaml` starts.
    pub yaml_line: usize,
    /// Everything after the closing fence.
    pub body: &'a str,
    /// The 1-based line of the file where `body` starts.
    pub body_line: usize,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Cuts `text` (already [`crate::text::normalize`]d) into front matter and body.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !is_fence(first) {
        let message = if text.trim().is_empty() {
            "empty file: expected front matter, starting with a `---` line"
        } else if first.trim_end() == "+++" {
            "expected YAML front matter between `---` lines; TOML front matter (`+++`) is not supported"
        } else {
            "expected front matter: the file must start with a `---` line, then YAML, then `---`"
        };
        return Err(Diagnostic::error(path, message).at(1, 1, text));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (line_no, line) in (2..).zip(lines) {
        if is_fence(line) {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_offset..],
                body_line: line_no + 1,
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        path,
        "front matter is never closed: expected a `---` line after the YAML",
    )
    .at(1, 1, text))
}

/// Where each `key:` of a YAML block sits, by dotted path (`source.name`).
///
/// Not a YAML parser: it reads the block-style mappings editors write, which is
/// enough to point a message at the right line.
#[derive(Debug, Default)]
pub struct KeyIndex {
    entries: Vec<KeyEntry>,
}

#[derive(Debug)]
struct KeyEntry {
    path: String,
    /// 1-based line in the file.
    line: usize,
    /// 1-based column of the key.
    key_col: usize,
    /// 1-based column of the value on the same line, if any.
    value_col: Option<usize>,
    /// 1-based column of a `#` right after the key, which makes the value a comment.
    comment_col: Option<usize>,
}

/// Whether `text` starts with a plain key and its colon (`date:`), as an item of a
/// list of mappings does after its `- `; not a quoted string that holds a colon.
fn starts_with_key(text: &str) -> bool {
    let key_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    key_len > 0
        && text[key_len..].starts_with(':')
        && text[key_len + 1..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
}

impl KeyIndex {
    /// Indexes `yaml`, whose first line is line `first_line` of the file.
    pub fn new(yaml: &str, first_line: usize) -> KeyIndex {
        let mut entries = Vec::new();
        let mut parents: Vec<(usize, String)> = Vec::new();
        // How many items of a list of mappings each key has had.
        let mut items: std::collections::HashMap<String, usize> = Default::default();
        for (i, line) in yaml.split('\n').enumerate() {
            let mut indent = line.len() - line.trim_start_matches(' ').len();
            let mut rest = &line[indent..];
            // `- key: value` starts an item of a list of mappings (`corrections:`):
            // its keys are `list.N.key`, N counted from 0.
            if let Some(item) = rest.strip_prefix("- ").filter(|r| starts_with_key(r)) {
                while parents.last().is_some_and(|(d, _)| *d >= indent) {
                    parents.pop();
                }
                if let Some((_, list)) = parents.last() {
                    let n = items.entry(list.clone()).or_insert(0);
                    let path = format!("{list}.{n}");
                    *n += 1;
                    parents.push((indent, path));
                }
                indent += 2;
                rest = item;
            }
            // `- Reuters`, an item that is no mapping, still counts: in `sources:`, the
            // mapping after it is item 1.
            if rest == "-" || rest.starts_with("- ") {
                while parents.last().is_some_and(|(d, _)| *d >= indent) {
                    parents.pop();
                }
                if let Some((_, list)) = parents.last() {
                    *items.entry(list.clone()).or_insert(0) += 1;
                }
                continue;
            }
            if rest.is_empty() || rest.starts_with('#') || rest.starts_with('-') {
                continue;
            }
            let Some(colon) = rest.find(':') else {
                continue;
            };
            let key = rest[..colon].trim().trim_matches(|c| c == '"' || c == '\'');
            let after = &rest[colon + 1..];
            if key.is_empty() || !(after.is_empty() || after.starts_with(char::is_whitespace)) {
                continue;
            }
            while parents.last().is_some_and(|(d, _)| *d >= indent) {
                parents.pop();
            }
            let path = match parents.last() {
                Some((_, parent)) => format!("{parent}.{key}"),
                None => key.to_string(),
            };
            let value = after.trim_start();
            let value_at = line[..indent + colon + 1 + (after.len() - value.len())]
                .chars()
                .count()
                + 1;
            let value_col = (!value.is_empty() && !value.starts_with('#')).then_some(value_at);
            let comment_col = value.starts_with('#').then_some(value_at);
            entries.push(KeyEntry {
                path: path.clone(),
                line: first_line + i,
                key_col: line[..indent].chars().count() + 1,
                value_col,
                comment_col,
            });
            parents.push((indent, path));
        }
        KeyIndex { entries }
    }

    /// The line and column of the value of `path` (or of its key, for block values).
    pub fn value(&self, path: &str) -> Option<(usize, usize)> {
        self.entries
            .iter()
            .find(|e| e.path == path)
            .map(|e| (e.line, e.value_col.unwrap_or(e.key_col)))
    }

    /// The line and column of the `#` that makes the value of `path` a comment
    /// (`title: #1 priority`), when it does.
    pub fn comment(&self, path: &str) -> Option<(usize, usize)> {
        let e = self.entries.iter().find(|e| e.path == path)?;
        e.comment_col.map(|col| (e.line, col))
    }

    /// The dotted path of the key written on `line` of the file, if one is.
    pub fn path_at(&self, line: usize) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.line == line)
            .map(|e| e.path.as_str())
    }

    /// The line and column of the `nth` (0-based) occurrence of the key `path`.
    pub fn key(&self, path: &str, nth: usize) -> Option<(usize, usize)> {
        self.entries
            .iter()
            .filter(|e| e.path == path)
            .nth(nth)
            .map(|e| (e.line, e.key_col))
    }
}
