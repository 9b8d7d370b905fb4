//! Shortcodes in bodies, Zola's convention: `{{ figure(src="map.png", alt="…") }}`
//! inline, and `{% quote(actor="…") %}Markdown{% end %}` with a body. Each is a Tera 2
//! component of `templates/shortcodes/<name>.html`; the theme has `figure`, `quote`
//! and `embed`.
//!
//! The pass, around the Markdown parser:
//! 1. [`prepare`] finds the calls outside code ([`syntax::scan`]), checks each
//!    against its component's arguments, renders it, and replaces it in the text
//!    with a marker the parser leaves alone: a block shortcode with an HTML comment
//!    on its own line (an HTML block, so never inside a `<p>`), an inline one with
//!    private-use characters in the text. A body stays Markdown between the markers
//!    of its opening and its `{% end %}`, so notes, links and autolinks work in it.
//! 2. The parser reads the marked text; [`Spliced::original`] maps its positions back
//!    to the body's, so every diagnostic points at what the editor wrote.
//! 3. [`Prepared::expand`] puts each call's HTML where its marker came out.
//!
//! Arguments with these names are checked for every shortcode: `actor` names an
//! actor the site knows (the component gets `actor_url`); `src` a file of the site
//! (given to the component as its address from the page); `url` an `http(s)`
//! address (the component gets `url_host`); `date` a day, `2017-07-07`; `data` a
//! data file that is a table (the component gets it as `table`: `headers` and
//! `records`).

mod args;
mod expand;
mod syntax;

use super::{Event, Located, Origin};
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::article::Quote;
use crate::model::links::Links;
use args::check_arg;
use serde_json::{Map, Value};
use std::ops::Range;
pub use syntax::{alone_on_line, scan, Arg, Call};

/// The shortcodes a site has: the theme's and its own.
pub trait Shortcodes: Sync {
    /// The shortcode called `name`.
    fn definition(&self, name: &str) -> Option<&Definition>;
    /// Every name, sorted.
    fn names(&self) -> Vec<&str>;
    /// Renders `name` with `args`, the values the pass gives (`implicits`) and a body.
    fn render(
        &self,
        name: &str,
        args: &Map<String, Value>,
        implicits: &Map<String, Value>,
        body: Option<&str>,
    ) -> Result<String, String>;
}

/// A shortcode's component, as a call is checked against it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Definition {
    /// Its parameters, in order.
    pub params: Vec<Param>,
    /// Whether it takes any other argument (`...rest`).
    pub rest: bool,
    /// Whether it makes a block (`{"block": true}` in its metadata): it must stand
    /// alone on its line.
    pub block: bool,
    /// Arguments that take one of a few values (`{"choices": {"kind": [...]}}`).
    pub choices: Vec<(String, Vec<String>)>,
    /// Arguments whose absence is a warning, with why (`{"recommend": {...}}`).
    pub recommend: Vec<(String, String)>,
    /// The template file it is defined in, as diagnostics show it.
    pub file: String,
}

/// One parameter of a shortcode's component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Its type, as Tera names it (`string`, `integer`, …), when it has one.
    pub kind: Option<&'static str>,
    /// Whether a call must give it.
    pub required: bool,
    /// Whether the pass gives it (`@actor_url`), not the call.
    pub implicit: bool,
}

/// Where a body's files are found (`src`), and the site's data files (`data`).
pub struct Place<'a> {
    /// The site's root folder.
    pub root: &'a std::path::Path,
    /// The article's bundle folder (relative to `content/`) and slug, if it has one.
    pub bundle: Option<(&'a str, &'a str)>,
    /// The site's data files, by name (`data/<name>.csv`).
    pub data: Option<&'a Value>,
}

/// The body's text with each call replaced by its marker, and how to map a
/// position back.
pub struct Spliced {
    /// The marked text.
    pub text: String,
    /// Each replacement: where it starts in `text`, its length there, and the
    /// range it replaced in the body.
    shifts: Vec<(usize, usize, Range<usize>)>,
}

impl Spliced {
    /// The position in the body of position `at` of the marked text.
    pub fn original(&self, at: usize) -> usize {
        let k = self.shifts.partition_point(|(start, ..)| *start <= at);
        match k.checked_sub(1).map(|k| &self.shifts[k]) {
            None => at,
            Some((start, len, replaced)) if at < start + len => match at == *start {
                true => replaced.start,
                false => replaced.end,
            },
            Some((start, len, replaced)) => replaced.end + (at - start - len),
        }
    }
}

/// A call checked and rendered.
struct Rendered {
    /// Its HTML; a call with a body, the part before the body.
    open: String,
    /// The part after the body.
    close: String,
    /// Whether a marker of it came out of the parser.
    expanded: bool,
    /// Where it is in the body.
    at: Range<usize>,
    /// The id it gives its component.
    id: String,
    /// A quote to list on its actor's page (its `html` set at expansion).
    quote: Option<Quote>,
}

/// The calls [`prepare`] rendered, to put in place once the marked text is parsed.
pub struct Expander {
    calls: Vec<Option<Rendered>>,
}

/// Private-use characters: never in an editor's text, kept as they are by the
/// parser and by HTML escaping.
const MARK: char = '\u{E000}';
const MARK_END: char = '\u{E001}';
/// What a block component is given as its body, then split at.
const BODY: &str = "\u{E002}body\u{E002}";

/// Finds, checks and renders every shortcode of `body`; `None` when it has none
/// (no `{{` or `{%` outside code).
pub fn prepare(
    body: &str,
    origin: &Origin<'_>,
    shortcodes: &dyn Shortcodes,
    links: &dyn Links,
    place: Option<&Place<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Spliced, Expander)> {
    if memchr::memmem::find(body.as_bytes(), b"{{").is_none()
        && memchr::memmem::find(body.as_bytes(), b"{%").is_none()
    {
        return None;
    }
    let found = scan(body, &code_ranges(body));
    if found.calls.is_empty() && found.escapes.is_empty() && found.errors.is_empty() {
        return None;
    }
    for e in &found.errors {
        diagnostics.push(error(origin, e.at.clone(), e.message.clone()).help(e.help.clone()));
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut calls = Vec::with_capacity(found.calls.len());
    let mut replacements: Vec<(Range<usize>, String)> = found
        .escapes
        .iter()
        .map(|r| (r.clone(), String::new()))
        .collect();
    for (i, call) in found.calls.iter().enumerate() {
        let n = match counts.iter_mut().find(|(name, _)| *name == call.name) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                counts.push((call.name.clone(), 1));
                1
            }
        };
        let id = format!("{}-{n}", call.name);
        let rendered = render_call(
            call,
            body,
            &id,
            origin,
            shortcodes,
            links,
            place,
            diagnostics,
        );
        let block = rendered.as_ref().is_some_and(|r| r.1);
        match block {
            true => {
                replacements.push((call.at.clone(), format!("<!--{MARK}{i}-->")));
                if let Some(end) = &call.end {
                    replacements.push((end.clone(), format!("<!--{MARK}{i}/-->")));
                }
            }
            false => replacements.push((call.at.clone(), format!("{MARK}{i}{MARK_END}"))),
        }
        calls.push(rendered.map(|(r, _)| r));
    }
    replacements.sort_by_key(|(r, _)| r.start);
    Some((splice(body, replacements), Expander { calls }))
}

/// Checks `call` and renders it: its HTML, and whether it is a block.
#[allow(clippy::too_many_arguments)]
fn render_call(
    call: &Call,
    body: &str,
    id: &str,
    origin: &Origin<'_>,
    shortcodes: &dyn Shortcodes,
    links: &dyn Links,
    place: Option<&Place<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Rendered, bool)> {
    let name = call.name.as_str();
    let Some(def) = shortcodes.definition(name) else {
        let names = shortcodes.names();
        let help = match did_you_mean(name, &names) {
            Some(n) => format!("did you mean `{n}`?"),
            None => format!(
                "the shortcodes are the templates in templates/shortcodes/ and the theme's: {}",
                names.join(", ")
            ),
        };
        diagnostics.push(
            error(
                origin,
                call.name_at.clone(),
                format!("unknown shortcode `{name}`"),
            )
            .help(help),
        );
        return None;
    };
    let block = def.block || call.end.is_some();
    let mut ok = true;
    if block {
        for at in std::iter::once(&call.at).chain(&call.end) {
            if !alone_on_line(body, at) {
                let what = match at == &call.at {
                    true => format!("shortcode `{name}` makes a block"),
                    false => format!("the `{{% end %}}` of shortcode `{name}`"),
                };
                diagnostics.push(
                    error(origin, at.clone(), format!("{what}: it must stand alone on its line"))
                        .help("put it on a line of its own, with a blank line before and after: a block inside a paragraph is not valid HTML"),
                );
                ok = false;
            }
        }
    }
    let (mut args, mut implicits) = (Map::new(), Map::new());
    implicits.insert("id".into(), Value::from(id));
    implicits.insert("root".into(), Value::from("../../"));
    for arg in &call.args {
        match check_arg(name, def, arg, links, place, &mut implicits) {
            Ok(value) => {
                args.insert(arg.key.clone(), value);
            }
            Err((message, help)) => {
                diagnostics.push(error(origin, arg.at.clone(), message).help(help));
                ok = false;
            }
        }
    }
    for p in &def.params {
        if p.required && !call.args.iter().any(|a| a.key == p.name) {
            let help = match p.name.as_str() {
                "alt" => "describe the image for readers who cannot see it, or write alt=\"\" when it only decorates".to_string(),
                other => format!("add {other}=\"…\""),
            };
            diagnostics.push(
                error(
                    origin,
                    call.at.clone(),
                    format!("shortcode `{name}` needs `{}`", p.name),
                )
                .help(help),
            );
            ok = false;
        }
    }
    for (key, why) in &def.recommend {
        if args.get(key).is_none_or(|v| v.as_str() == Some("")) {
            diagnostics.push(
                Diagnostic::warning(origin.path, format!("shortcode `{name}` has no `{key}`"))
                    .at_range(shift(origin, call.at.clone()), origin.text)
                    .help(why.clone()),
            );
        }
    }
    if !ok {
        return None;
    }
    let rendered = shortcodes.render(name, &args, &implicits, call.end.as_ref().map(|_| BODY));
    let html = match rendered {
        Ok(html) => html,
        // Its template shows a body, and the call gave none.
        Err(message)
            if call.end.is_none() && message.contains("Variable `body` is not defined") =>
        {
            diagnostics.push(
                error(origin, call.at.clone(), format!("shortcode `{name}` takes a body"))
                    .help(format!("write it as {{% {name}(…) %}} on a line, the body below it, then {{% end %}} on a line of its own")),
            );
            return None;
        }
        Err(message) => {
            diagnostics.push(
                error(
                    origin,
                    call.name_at.clone(),
                    format!("shortcode `{name}` could not be rendered: {message}"),
                )
                .help(format!("the template is {}", def.file)),
            );
            return None;
        }
    };
    let (open, close) = match call.end {
        None => (html, String::new()),
        Some(_) => {
            let mut parts = html.split(BODY);
            match (parts.next(), parts.next(), parts.next()) {
                (Some(open), Some(close), None) => (open.to_string(), close.to_string()),
                // Its template shows no body: the call should not give one.
                (Some(_), None, None) => {
                    diagnostics.push(
                        error(origin, call.at.clone(), format!("shortcode `{name}` takes no body"))
                            .help(format!("write it as {{{{ {name}(…) }}}}, without {{% end %}} (or, to give it one, show `{{{{ body }}}}` in {})", def.file)),
                    );
                    return None;
                }
                _ => {
                    diagnostics.push(
                        error(
                            origin,
                            call.name_at.clone(),
                            format!("shortcode `{name}` must show its body exactly once"),
                        )
                        .help(format!("write `{{{{ body }}}}` once in {}", def.file)),
                    );
                    return None;
                }
            }
        }
    };
    // A block's HTML ends its line, as the parser's own blocks do.
    let (open, close) = match block {
        true => (with_newline(open), with_newline(close)),
        false => (open, close),
    };
    let quote = (name == "quote" && call.end.is_some())
        .then(|| {
            let text = |k: &str| args.get(k).and_then(Value::as_str).map(str::to_string);
            let actor = implicits.get("actor_slug")?.as_str()?.to_string();
            Some(Quote {
                actor,
                id: id.to_string(),
                html: String::new(),
                text: String::new(),
                source: text("source").filter(|s| !s.is_empty()),
                date: text("date").filter(|s| !s.is_empty()),
                url: text("url").filter(|s| !s.is_empty()),
            })
        })
        .flatten();
    Some((
        Rendered {
            open,
            close,
            expanded: false,
            at: call.at.clone(),
            id: id.to_string(),
            quote,
        },
        block,
    ))
}

fn with_newline(mut html: String) -> String {
    if !html.is_empty() && !html.ends_with('\n') {
        html.push('\n');
    }
    html
}

/// Byte ranges of code spans and code blocks: never searched for shortcodes.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let parser = pulldown_cmark::Parser::new_ext(body, super::options()).into_offset_iter();
    let mut depth = 0usize;
    for (event, range) in parser {
        match event {
            Event::Start(pulldown_cmark::Tag::CodeBlock(_)) => {
                if depth == 0 {
                    ranges.push(range);
                }
                depth += 1;
            }
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => depth = depth.saturating_sub(1),
            Event::Code(_) if depth == 0 => ranges.push(range),
            _ => {}
        }
    }
    ranges.sort_by_key(|r| r.start);
    // An HTML comment is left alone too: commenting a figure out turns it off.
    let mut comments = Vec::new();
    let mut from = 0;
    while let Some(start) = body[from..].find("<!--").map(|k| from + k) {
        let end = body[start + 4..]
            .find("-->")
            .map_or(body.len(), |k| start + 4 + k + 3);
        if !ranges.iter().any(|r| r.contains(&start)) {
            comments.push(start..end);
        }
        from = end.max(start + 4);
    }
    if !comments.is_empty() {
        ranges.extend(comments);
        ranges.sort_by_key(|r| r.start);
        // Disjoint, as the scan needs: a comment may hold a code span's text.
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        ranges = merged;
    }
    ranges
}

/// `body` with each of `replacements` (sorted, disjoint) made.
fn splice(body: &str, replacements: Vec<(Range<usize>, String)>) -> Spliced {
    let mut text = String::with_capacity(body.len());
    let mut shifts = Vec::with_capacity(replacements.len());
    let mut last = 0;
    for (range, with) in replacements {
        if range.start < last {
            continue;
        }
        text.push_str(&body[last..range.start]);
        shifts.push((text.len(), with.len(), range.clone()));
        text.push_str(&with);
        last = range.end;
    }
    text.push_str(&body[last..]);
    Spliced { text, shifts }
}

/// An error at `at` in the body.
fn error(origin: &Origin<'_>, at: Range<usize>, message: String) -> Diagnostic {
    Diagnostic::error(origin.path, message).at_range(shift(origin, at), origin.text)
}

fn shift(origin: &Origin<'_>, at: Range<usize>) -> Range<usize> {
    at.start + origin.body_offset..at.end + origin.body_offset
}

/// Maps the ranges of events parsed from the marked text back to the body.
pub fn located<'a>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)> + 'a,
    spliced: &'a Spliced,
) -> impl Iterator<Item = Located<'a>> + 'a {
    events.map(move |(e, r)| (e, spliced.original(r.start)..spliced.original(r.end)))
}
