//! Tera's errors, made into diagnostics.
//!
//! Tera 2 gives a syntax or render error as a structured report: the message, the
//! template's name and the span (line, column, byte range), so most of this module
//! only maps a template's name to its file. One error is still only text: the
//! checks Tera runs after parsing (unknown filters, tests, functions, components,
//! templates; blocks missing from the parent) come as one message joining rustc-style
//! reports. That text is read in [`validation_reports`], the one place in `render/`
//! that reads another crate's error text; the tests below pin it to tera 2.4.

use crate::diagnostics::{did_you_mean, Diagnostic};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tera::ErrorKind;

/// Template name → (file, text).
type Sources = BTreeMap<String, (PathBuf, String)>;

/// The filters, tests and functions templates can use, for "did you mean".
const KNOWN: &[&str] = &[
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
    "date",
    "cdata",
    "rfc822",
    "json_encode",
    "absolute_links",
    "string",
    "number",
    "map",
    "bool",
    "array",
    "integer",
    "none",
    "iterable",
    "defined",
    "undefined",
    "odd",
    "even",
    "divisible_by",
    "starting_with",
    "ending_with",
    "containing",
    "range",
    "throw",
];

/// Every problem a failed load holds, each with the template it is in. A syntax
/// error stops Tera at the first template that has one, so `parse_alone` parses
/// each template on its own to find them all.
pub(super) fn load_failure(
    e: &tera::Error,
    sources: &Sources,
    parse_alone: impl Fn(&str) -> Option<tera::Error> + Sync,
) -> Vec<(Option<String>, Diagnostic)> {
    let in_file = |name: &str, message: String| match sources.get(name) {
        Some((file, _)) => Diagnostic::error(file, message),
        None => Diagnostic::general(format!("templates: {message}")),
    };
    match e.kind() {
        ErrorKind::SyntaxError(_) => every_syntax_error(sources, parse_alone),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            vec![(Some(tpl.clone()), in_file(tpl, e.to_string()))]
        }
        ErrorKind::MissingParent { current, parent } => {
            let message = format!(
                "extends \"{parent}\", which is neither a template of the site nor of the theme"
            );
            let mut d = in_file(current, message);
            if let Some((_, text)) = sources.get(current) {
                if let Some(at) = text.find(parent.as_str()) {
                    d = d.at_range(at..at + parent.len(), text).label("not found");
                }
            }
            vec![(Some(current.clone()), d)]
        }
        ErrorKind::Msg(text) if text.starts_with("error: ") => validation_reports(text)
            .into_iter()
            .map(|r| {
                let mut d = in_file(&r.template, r.message.clone());
                if let Some((_, source)) = sources.get(&r.template) {
                    d = d.at(r.line, r.column, source).span(r.width);
                }
                if let Some(name) = unknown_name(&r.message) {
                    d = d.with_help(
                        did_you_mean(name, KNOWN).map(|n| format!("did you mean `{n}`?")),
                    );
                }
                (Some(r.template), d)
            })
            .collect(),
        // `Component `x` is defined in both `a.html` and `b.html``: at the second.
        ErrorKind::Msg(text) if text.starts_with("Component `") => {
            let names: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
            let [component, first, second] = names[..] else {
                return vec![(None, Diagnostic::general(format!("templates: {e}")))];
            };
            let first_file = sources
                .get(first)
                .map_or(first.into(), |(f, _)| f.display().to_string());
            let mut d = in_file(
                second,
                format!("component `{component}` is also defined in {first_file}"),
            );
            if let Some((_, text)) = sources.get(second) {
                if let Some(at) = text.find(&format!("component {component}")) {
                    d = d.at_offset(at, text);
                }
            }
            vec![(
                Some(second.to_string()),
                d.help("a component is global: define it once, or rename one of them"),
            )]
        }
        _ => vec![(None, Diagnostic::general(format!("templates: {e}")))],
    }
}

/// Every template of `sources` that does not parse, each parsed on its own by
/// `parse_alone`, in parallel.
pub(super) fn every_syntax_error(
    sources: &Sources,
    parse_alone: impl Fn(&str) -> Option<tera::Error> + Sync,
) -> Vec<(Option<String>, Diagnostic)> {
    let names: Vec<&String> = sources.keys().collect();
    names
        .par_iter()
        .filter_map(|name| {
            let e = parse_alone(name)?;
            let ErrorKind::SyntaxError(report) = e.kind() else {
                return None;
            };
            let (file, text) = &sources[name.as_str()];
            let message = format!("template syntax: {}", report.message());
            let d = at_span(Diagnostic::error(file, message), report.span(), text);
            // Tera names the tag it stopped at, not the one left open.
            let unclosed = match report.message() {
                "Unknown tag" => text
                    .get(report.span().range.clone())
                    .is_some_and(|tag| tag.starts_with("end")),
                "Unexpected end of input" => true,
                _ => false,
            };
            let d = d.with_help(unclosed.then(|| {
                "a tag before this one is not closed: check that every `{% if %}`, `{% for %}`, `{% block %}` and `{% component %}` has its end tag".to_string()
            }));
            Some((Some(name.to_string()), d))
        })
        .collect()
}

/// A failed render as a diagnostic naming the failing template (which may be a
/// parent or an include of `name`), the page, and where Tera stopped.
pub(super) fn render_failure(
    e: &tera::Error,
    name: &str,
    page: &str,
    sources: &Sources,
) -> Diagnostic {
    match e.kind() {
        ErrorKind::RenderingError(report) => {
            // `Field `x` is not defined. Available fields: a, b, c` (or variables): the
            // list as a help line, the closest name first.
            let message = report.message();
            let (what, fields, kind) = [
                ("fields", ". Available fields: "),
                ("variables", ". Available variables: "),
            ]
            .into_iter()
            .find_map(|(kind, sep)| message.split_once(sep).map(|(w, f)| (w, Some(f), kind)))
            .unwrap_or((message, None, ""));
            let message = format!("cannot render {page}: {what}");
            let d = match sources.get(report.filename()) {
                Some((file, text)) => {
                    at_span(Diagnostic::error(file, message), report.span(), text)
                }
                None => return Diagnostic::general(format!("{name}: {message}")),
            };
            let Some(fields) = fields else { return d };
            let known: Vec<&str> = fields.split(", ").collect();
            let missing = what.split('`').nth(1).unwrap_or("");
            let closest = did_you_mean(missing, &known).map(|f| format!("did you mean `{f}`? "));
            d.help(format!(
                "{}the {kind} here are {}",
                closest.unwrap_or_default(),
                known.join(", ")
            ))
        }
        _ => match sources.get(name) {
            Some((file, _)) => Diagnostic::error(file, format!("cannot render {page}: {e}")),
            None => Diagnostic::general(format!("cannot render {page} with {name}: {e}")),
        },
    }
}

/// Points `d` at a Tera span of `text`, underlining it.
fn at_span(d: Diagnostic, span: &tera::Span, text: &str) -> Diagnostic {
    let range = span.range.start.min(text.len())..span.range.end.min(text.len());
    if text.is_char_boundary(range.start) && text.is_char_boundary(range.end) && !range.is_empty() {
        d.at_range(range, text)
    } else {
        d.at(span.start_line, span.start_col + 1, text)
    }
}

/// One report of Tera's checks after parsing.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Report {
    pub message: String,
    pub template: String,
    /// 1-based line and column (in characters).
    pub line: usize,
    pub column: usize,
    /// How many characters Tera underlines.
    pub width: usize,
}

/// Reads the reports Tera 2 joins into one message when its checks after parsing
/// fail: each `error: <message>`, ` --> <template>:<line>:<column>`, the line, and
/// a row of `^` under the offending name.
pub(super) fn validation_reports(text: &str) -> Vec<Report> {
    text.split("\n\nerror: ")
        .filter_map(|block| {
            let block = block.strip_prefix("error: ").unwrap_or(block);
            let mut lines = block.lines();
            let message = lines.next()?.to_string();
            let locus = lines.next()?.trim_start().strip_prefix("--> ")?;
            let mut parts = locus.rsplitn(3, ':');
            let column = parts.next()?.parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            let template = parts.next()?.to_string();
            let width = lines.last().map_or(1, |l| l.matches('^').count().max(1));
            Some(Report {
                message,
                template,
                line,
                column,
                width,
            })
        })
        .collect()
}

/// The name in ``Unknown filter `x` `` and its kin.
fn unknown_name(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("Unknown ")?;
    let start = rest.find('`')? + 1;
    let len = rest[start..].find('`')?;
    Some(&rest[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tera_2_4_joins_its_checks_as_reports_we_can_read() {
        let mut tera = tera::Tera::new();
        let e = tera
            .add_raw_templates([
                ("a.html", "<p>\n  {{ x | no_such }}</p>"),
                ("b.html", "{{ nope(a=1) }}"),
            ])
            .unwrap_err();
        let ErrorKind::Msg(text) = e.kind() else {
            panic!("{e:?}")
        };
        assert_eq!(
            validation_reports(text),
            [
                Report {
                    message: "Unknown filter `no_such`".into(),
                    template: "a.html".into(),
                    line: 2,
                    column: 10,
                    width: 7
                },
                Report {
                    message: "Unknown function `nope`".into(),
                    template: "b.html".into(),
                    line: 1,
                    column: 4,
                    width: 9
                },
            ]
        );
        assert_eq!(unknown_name("Unknown filter `no_such`"), Some("no_such"));
    }
}
