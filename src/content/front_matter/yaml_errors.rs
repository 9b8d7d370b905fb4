//! yaml_serde's errors as diagnostics at the right place in the file.
//!
//! yaml_serde gives a structured location but only a message for what went wrong,
//! so this is the one module that reads another crate's error text: the field that
//! serde's derive found missing or twice (`missing field `title``), and the line
//! numbers inside a message, which count from the YAML, not the file. The tests
//! below pin that text to yaml_serde 0.10.

use super::mistakes::Lines;
use super::{KeyIndex, Split};
use crate::diagnostics::{between, Diagnostic};
use std::path::Path;

/// A yaml_serde error's message without the ` at line N column M` it ends with,
/// which counts from the YAML and would contradict the diagnostic's own place.
pub(crate) fn without_location(e: &serde_yaml::Error) -> String {
    let message = e.to_string();
    match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// Turns a yaml_serde error into a diagnostic at the right place in the file.
pub(crate) fn yaml_error(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    index: &KeyIndex,
    e: &serde_yaml::Error,
) -> Diagnostic {
    let mut message = e.to_string();
    let location = e.location().map(|l| (l.line(), l.column()));
    if let Some((line, col)) = location {
        let suffix = format!(" at line {line} column {col}");
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_string();
        }
    }
    let fence = (split.yaml_line - 1, 1);
    let (position, message) = if let Some(field) = between(&message, "missing field `", "`") {
        // Nested: `source: missing field `name``, at the `source:` line.
        match message.split_once(": missing field") {
            Some((parent, _)) => {
                let pos = index.key(parent, 0).unwrap_or(fence);
                (pos, format!("{parent}: missing required key `{field}`"))
            }
            None => (fence, format!("missing required key `{field}`")),
        }
    } else if let Some(field) = between(&message, "duplicate field `", "`") {
        // Nested: `source: duplicate field `name``.
        let key = match message.split_once(": duplicate field") {
            Some((parent, _)) => format!("{parent}.{field}"),
            None => field.to_string(),
        };
        let pos = index.key(&key, 1).unwrap_or(fence);
        (pos, format!("`{key}` is given twice"))
    } else if message.contains("expected struct Raw") {
        let found = message
            .strip_prefix("invalid type: ")
            .and_then(|m| m.split(", expected").next())
            .map_or("something else", |f| {
                if f == "unit value" {
                    "nothing"
                } else {
                    f
                }
            });
        (fence, format!("expected front matter to be a mapping of keys to values (`title: ...`), found {found}"))
    } else {
        let mut pos = location.map_or(fence, |(line, col)| (split.yaml_line + line - 1, col));
        // The scanner's own position, repeated inside its message.
        let message = match (message.find(" at line "), message.find(", while")) {
            (Some(a), Some(b)) if a < b => format!("{}{}", &message[..a], &message[b..]),
            _ => message,
        };
        let message = if message.contains("repetition limit exceeded") {
            // No position comes with it: the first alias is where to look.
            let alias = [": *", "[*", ",*", "- *"]
                .iter()
                .filter_map(|p| split.yaml.find(p).map(|at| at + p.len() - 1))
                .min();
            if let Some(alias) = alias {
                let before = &split.yaml[..alias];
                let line = before.matches('\n').count();
                let col = alias - before.rfind('\n').map_or(0, |n| n + 1) + 1;
                pos = (split.yaml_line + line, col);
            }
            "YAML anchors and aliases expand to too much data (repetition limit exceeded)"
                .to_string()
        } else if message.contains("recursion limit exceeded") {
            "YAML is nested too deeply (recursion limit exceeded)".to_string()
        } else {
            // A mistake editors make, said as they would, at the line they made it.
            let lines = Lines::new(path, text, split.yaml, split.yaml_line, index);
            if let Some(d) = lines.syntax(location, &message) {
                return d;
            }
            message
        };
        let message = shift_line_numbers(
            &message.replace("invalid type: unit value", "found nothing"),
            split.yaml_line - 1,
        );
        (pos, message)
    };
    Diagnostic::error(path, message).at(position.0, position.1, text)
}

/// yaml_serde's messages count lines from the start of the YAML; users count from
/// the start of the file.
/// Only yaml_serde's own `at line N column M` is shifted: quoted user text is left alone.
fn shift_line_numbers(message: &str, by: usize) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("at line ") {
        out.push_str(&rest[..i + 8]);
        rest = &rest[i + 8..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match rest[..digits].parse::<usize>() {
            Ok(n) if rest[digits..].starts_with(" column ") => out.push_str(&(n + by).to_string()),
            _ => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(yaml: &str) -> serde_yaml::Error {
        serde_yaml::from_str::<std::collections::BTreeMap<String, String>>(yaml).unwrap_err()
    }

    /// yaml_serde 0.10's text, which `yaml_error` reads: should an upgrade change
    /// it, this fails rather than the messages quietly losing their place.
    #[test]
    fn the_error_text_read_is_yaml_serde_s() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Needs {
            title: String,
        }
        let missing = serde_yaml::from_str::<Needs>("other: 1\n").unwrap_err();
        assert_eq!(
            between(&missing.to_string(), "missing field `", "`"),
            Some("title")
        );
        let twice = serde_yaml::from_str::<Needs>("title: a\ntitle: b\n").unwrap_err();
        assert_eq!(
            between(&twice.to_string(), "duplicate field `", "`"),
            Some("title")
        );
        let typed = serde_yaml::from_str::<Needs>("title: [a]\n").unwrap_err();
        assert_eq!(
            without_location(&typed),
            "title: invalid type: sequence, expected a string"
        );
        let syntax = error_of("a: [1,\n");
        let location = syntax.location().expect("syntax errors have a place");
        assert!(
            syntax.to_string().ends_with(&format!(
                " at line {} column {}",
                location.line(),
                location.column()
            )),
            "{syntax}"
        );
    }

    /// The start of each yaml_serde message that `mistakes` reads a shape for.
    #[test]
    fn the_problems_mistakes_reads_are_yaml_serde_s() {
        for (yaml, problem) in [
            ("title: a: b\n", "mapping values are not allowed"),
            ("title: \"a \"b\"\"\n", "did not find expected key"),
            ("a:\n  b: 1\n c: 2\n", "did not find expected key"),
            ("title: x\ndate 2017\n", "could not find expected ':'"),
        ] {
            let e = serde_yaml::from_str::<serde_yaml::Value>(yaml)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(problem), "{yaml:?}: {e}");
        }
        let two = serde_yaml::from_str::<serde_yaml::Value>(" a: 1\nb: 2\n").unwrap_err();
        assert!(two.to_string().contains("more than one document"), "{two}");
    }

    #[test]
    fn line_numbers_inside_a_message_count_from_the_file() {
        assert_eq!(
            shift_line_numbers("found a tab at line 3 column 1, expected x", 1),
            "found a tab at line 4 column 1, expected x"
        );
    }
}
