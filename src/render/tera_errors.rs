//! Tera's errors, read for what a diagnostic needs.
//!
//! Tera 1 gives a render error as a chain of messages and a syntax error as pest's
//! drawing of the line, with no structured template, name or position; so this is
//! the one module of `render/` that reads another crate's error text. The tests
//! below pin that text to tera 1.20: when the engine changes (the Tera 2 issue),
//! they say what to read instead.

use crate::diagnostics::between;

/// What a failed render says, read from its messages.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct RenderFailure {
    /// The innermost message: what went wrong.
    pub message: String,
    /// The template that failed, which may be a parent or an include of the one
    /// rendered (`error happened in 'base.html'`, `… while rendering 'p.html'`).
    pub template: Option<String>,
    /// The name to look for in that template's tags: the variable, filter or
    /// function the message names in backticks, or `range` for our `range`'s errors.
    pub name: Option<String>,
}

/// Reads a render error. Tera 1 says which template failed in the outermost
/// message (`Failed to render 'page.html' (error happened in 'base.html').`) and
/// what went wrong in the innermost; a variable is named in backticks, a filter,
/// test or function in single quotes.
pub(super) fn render_failure(e: &tera::Error) -> RenderFailure {
    let mut causes = chain(e);
    let outer = causes.first().cloned().unwrap_or_default();
    let mut message = causes.pop().unwrap_or_else(|| e.to_string());
    // Where it failed: a parent is named in the outer message ("error happened
    // in 'base.html'"); an include in the inner one ("… while rendering
    // 'p.html'"), which otherwise names the page's own template; failing both,
    // the template rendered.
    let rendering = between(&message, " while rendering '", "'").map(str::to_string);
    let template = between(&outer, "happened in '", "'")
        .map(str::to_string)
        .or(rendering)
        .or_else(|| between(&outer, "render '", "'").map(str::to_string));
    if let Some(at) = message.find(" while rendering '") {
        message.truncate(at);
    }
    let name = if message.starts_with("range:") {
        Some("range")
    } else if ["Filter '", "Test '", "Function '"]
        .iter()
        .any(|p| message.starts_with(p))
    {
        between(&message, "'", "'")
    } else {
        between(&message, "`", "`")
    };
    RenderFailure {
        name: name.map(str::to_string),
        template,
        message,
    }
}

/// What a syntax error says: where, and what was expected there.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct SyntaxFailure {
    /// The 1-based line and column pest points at (`--> 3:5`).
    pub position: Option<(usize, usize)>,
    /// pest's `= expected …` line, or the last line of the message.
    pub expected: String,
}

/// Reads a syntax error.
pub(super) fn syntax_failure(e: &tera::Error) -> SyntaxFailure {
    let detail = chain(e).pop().unwrap_or_default();
    let position = detail.lines().find_map(|l| {
        let (line, col) = l.trim().strip_prefix("--> ")?.split_once(':')?;
        Some((line.trim().parse().ok()?, col.trim().parse().ok()?))
    });
    let expected = detail
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .unwrap_or(detail.lines().last().unwrap_or("syntax error"))
        .to_string();
    SyntaxFailure { position, expected }
}

/// The messages of an error and its sources, outermost first.
pub(super) fn chain(e: &tera::Error) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_error(templates: &[(&str, &str)], name: &str) -> tera::Error {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(templates.to_vec()).unwrap();
        tera.render(name, &tera::Context::new()).unwrap_err()
    }

    #[test]
    fn a_render_error_names_the_failing_template_and_the_variable() {
        let e = render_error(
            &[
                ("base.html", "<p>{{ missing }}</p>"),
                ("page.html", "{% extends \"base.html\" %}"),
            ],
            "page.html",
        );
        let failure = render_failure(&e);
        assert_eq!(failure.template.as_deref(), Some("base.html"));
        assert_eq!(failure.name.as_deref(), Some("missing"));
        assert_eq!(failure.message, "Variable `missing` not found in context");
    }

    #[test]
    fn a_render_error_in_an_include_names_the_include() {
        let e = render_error(
            &[
                ("p.html", "<p>{{ missing }}</p>"),
                ("page.html", "a {% include \"p.html\" %}"),
            ],
            "page.html",
        );
        let failure = render_failure(&e);
        assert_eq!(failure.template.as_deref(), Some("p.html"));
        assert_eq!(failure.message, "Variable `missing` not found in context");
    }

    #[test]
    fn an_unknown_filter_is_named() {
        let e = render_error(&[("a.html", "{{ 1 | no_such }}")], "a.html");
        assert_eq!(render_failure(&e).name.as_deref(), Some("no_such"));
    }

    #[test]
    fn our_range_errors_point_at_range() {
        let e = tera::Error::msg("range: `end` is required");
        assert_eq!(render_failure(&e).name.as_deref(), Some("range"));
    }

    #[test]
    fn a_syntax_error_gives_its_line_column_and_what_was_expected() {
        let mut tera = tera::Tera::default();
        let e = tera
            .add_raw_template("a.html", "<p>\n{{ title | }}</p>")
            .unwrap_err();
        let syntax = syntax_failure(&e);
        assert_eq!(syntax.position, Some((2, 12)));
        assert!(syntax.expected.starts_with("expected"), "{syntax:?}");
    }
}
