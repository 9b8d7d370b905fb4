//! Data files: `data/*.{csv,json,yaml,yml,toml}`, read once per build and given to
//! every template as `data.<name>`, the file's name without its extension (a
//! casualty table in `data/casualties.csv` is `data.casualties`).
//!
//! JSON, YAML and TOML become their values. A CSV file becomes `headers` (its first
//! row) and `records` (every other row, each a list of strings), as Zola's
//! `load_data` gives one, so a template can print a table whatever its columns. A
//! file that does not parse is an error at its line and column; two files of one
//! name, or a file of another kind, are errors too, so a table never silently goes
//! missing.

use crate::diagnostics::{display_path, Diagnostic};
use serde_json::{Map, Value};
use std::path::Path;

/// The largest data file read: more than any table a page shows.
pub const MOST_BYTES: u64 = 16 * 1024 * 1024;

/// The folder data files are read from, in the site's root.
pub const DATA_DIR: &str = "data";

/// Every data file of the site at `root`, by name, and the problems found.
pub fn load(root: &Path) -> (Value, Vec<Diagnostic>) {
    let dir = root.join(DATA_DIR);
    let mut data = Map::new();
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (Value::Object(data), problems);
    };
    let mut files: Vec<std::path::PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files {
        let shown = display_path(root, &path);
        let file_name = path.file_name().unwrap_or_default().to_string_lossy();
        if crate::content::walk::is_ignored_name(&file_name) {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            problems.push(
                Diagnostic::warning(
                    &shown,
                    "not a data file (a folder, FIFO, device or socket); skipped",
                )
                .help("data files are read from data/ itself, one table or list per file"),
            );
            continue;
        }
        let (stem, extension) = match file_name.rsplit_once('.') {
            Some((stem, ext)) => (stem.to_string(), ext.to_ascii_lowercase()),
            None => (file_name.to_string(), String::new()),
        };
        if !matches!(extension.as_str(), "csv" | "json" | "yaml" | "yml" | "toml") {
            problems.push(
                Diagnostic::error(
                    &shown,
                    format!("expected a .csv, .json, .yaml or .toml file, found {file_name:?}"),
                )
                .help(
                    "data/ holds the tables and lists templates read; put other files in static/",
                ),
            );
            continue;
        }
        if meta.len() > MOST_BYTES {
            problems.push(Diagnostic::error(
                &shown,
                format!(
                    "{} bytes, more than a data file may hold ({MOST_BYTES})",
                    meta.len()
                ),
            ));
            continue;
        }
        if data.contains_key(&stem) {
            problems.push(
                Diagnostic::error(
                    &shown,
                    format!("a second data file named {stem:?}: both would be data.{stem}"),
                )
                .help("rename one of them"),
            );
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(Diagnostic::error(&shown, format!("cannot read: {e}")));
                continue;
            }
        };
        match parse(&extension, &text) {
            Ok(value) => {
                data.insert(stem, value);
            }
            Err((message, offset)) => {
                let d = Diagnostic::error(&shown, message).with_help(
                    (extension == "csv").then(|| {
                        "give every row as many fields as the header row; quote a field that holds a comma: \"Quneitra, south\"".to_string()
                    }),
                );
                problems.push(match offset {
                    Some(offset) => d.at_offset(offset.min(text.len()), &text),
                    None => d,
                });
            }
        }
    }
    (Value::Object(data), problems)
}

/// The value of a data file's `text`, or what is wrong and the byte offset where.
fn parse(extension: &str, text: &str) -> Result<Value, (String, Option<usize>)> {
    match extension {
        "json" => serde_json::from_str(text).map_err(|e| {
            let offset = offset_of(text, e.line(), e.column());
            (format!("not valid JSON: {e}"), offset)
        }),
        "yaml" | "yml" => {
            let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
                let offset = e.location().map(|l| l.index());
                (
                    format!("not valid YAML: {}", without_position(&e.to_string())),
                    offset,
                )
            })?;
            serde_json::to_value(value)
                .map_err(|e| (format!("cannot be given to templates: {e}"), None))
        }
        "toml" => {
            let value: toml::Table = text.parse().map_err(|e: toml::de::Error| {
                let offset = e.span().map(|s| s.start);
                (format!("not valid TOML: {}", e.message()), offset)
            })?;
            serde_json::to_value(value)
                .map_err(|e| (format!("cannot be given to templates: {e}"), None))
        }
        _ => csv_table(text),
    }
}

/// A CSV file as `headers` and `records`: every row must have as many fields as the
/// first.
fn csv_table(text: &str) -> Result<Value, (String, Option<usize>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let error = |e: csv::Error| {
        let offset = e.position().map(|p| p.byte() as usize);
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "a row of {len} field{}, where the header row has {expected_len}",
                if *len == 1 { "" } else { "s" }
            ),
            csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_string(),
            _ => format!("not valid CSV: {e}"),
        };
        (message, offset)
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(error)?
        .iter()
        .map(str::to_string)
        .collect();
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(error)?;
        records.push(Value::from(
            record
                .iter()
                .map(|f| Value::from(f.to_string()))
                .collect::<Vec<_>>(),
        ));
    }
    Ok(serde_json::json!({ "headers": headers, "records": records }))
}

/// The byte offset of a 1-based line and column (serde_json's), if in `text`.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    Some(start + column.saturating_sub(1))
}

/// A YAML error's message without the ` at line L column C` it ends with (the
/// diagnostic says where).
fn without_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(DATA_DIR)).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(DATA_DIR).join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn every_kind_of_file_is_its_value_by_name() {
        let dir = site(&[
            (
                "casualties.csv",
                "province,killed\nDaraa,12\n\"Quneitra, south\",3\n",
            ),
            ("zones.json", "[\"south\", \"north\"]"),
            ("monitors.yaml", "- name: Jordan\n  posts: 3\n"),
            ("talks.toml", "round = 5\nvenue = \"Astana\"\n"),
            ("notes.md", "x"),
        ]);
        let (data, problems) = load(dir.path());
        assert_eq!(
            data["casualties"],
            serde_json::json!({
                "headers": ["province", "killed"],
                "records": [["Daraa", "12"], ["Quneitra, south", "3"]],
            })
        );
        assert_eq!(data["zones"][1], "north");
        assert_eq!(data["monitors"][0]["posts"], 3);
        assert_eq!(data["talks"]["venue"], "Astana");
        let messages: Vec<String> = problems
            .iter()
            .map(|d| d.to_string().lines().next().unwrap().to_string())
            .collect();
        assert_eq!(
            messages,
            ["error: data/notes.md: expected a .csv, .json, .yaml or .toml file, found \"notes.md\""]
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error_at_its_place() {
        let dir = site(&[
            ("a.csv", "x,y\n1,2\n3\n"),
            ("b.json", "{\n  \"a\": 1,\n  \"b\": \n}\n"),
            ("c.yaml", "a: [1, 2\n"),
            ("d.toml", "a = \n"),
            ("e.json", "1"),
            ("e.yaml", "2"),
        ]);
        let (_, problems) = load(dir.path());
        let firsts: Vec<String> = problems
            .iter()
            .map(|d| d.to_string().lines().next().unwrap().to_string())
            .collect();
        assert_eq!(
            firsts[0],
            "error: data/a.csv:3:1: a row of 1 field, where the header row has 2"
        );
        assert!(
            firsts[1].starts_with("error: data/b.json:4:1: not valid JSON: expected value"),
            "{}",
            firsts[1]
        );
        assert!(
            firsts[2].starts_with("error: data/c.yaml:"),
            "{}",
            firsts[2]
        );
        assert!(
            firsts[3].starts_with("error: data/d.toml:1:5: not valid TOML"),
            "{}",
            firsts[3]
        );
        assert_eq!(
            firsts[4],
            "error: data/e.yaml: a second data file named \"e\": both would be data.e"
        );
        assert_eq!(firsts.len(), 5);
    }

    #[test]
    fn no_data_folder_is_no_data() {
        let dir = tempfile::tempdir().unwrap();
        let (data, problems) = load(dir.path());
        assert_eq!(data, serde_json::json!({}));
        assert!(problems.is_empty());
    }
}
