//! Templates written for Tera 1: each construct Tera 2 no longer accepts is an
//! error at its place that says what to write instead, and each that Tera 2
//! accepts but renders differently is a warning.
//!
//! Tera 2's own message for these is a syntax error (`Unknown tag`) or an unknown
//! name, true but no help to someone porting a theme. The table follows Tera's
//! MIGRATION.md for 2.4 and the README's table for template authors.

use super::template_checks::tags;
use crate::diagnostics::Diagnostic;
use std::path::Path;

/// A name Tera 1 had and Tera 2 has not, and what to write instead.
struct Gone {
    name: &'static str,
    instead: &'static str,
}

/// Filters of Tera 1 that are renamed or gone.
const FILTERS: &[Gone] = &[
    Gone {
        name: "as_str",
        instead: "`str`",
    },
    Gone {
        name: "linebreaksbr",
        instead: "`newlines_to_br`",
    },
    Gone {
        name: "trim_start_matches",
        instead: "`trim_start(pat=\"…\")`",
    },
    Gone {
        name: "trim_end_matches",
        instead: "`trim_end(pat=\"…\")`",
    },
    Gone {
        name: "addslashes",
        instead: "nothing: it is gone; escape for the place the value goes",
    },
    Gone {
        name: "spaceless",
        instead: "nothing: it is gone; use whitespace control (`{%-`, `-%}`)",
    },
    Gone {
        name: "concat",
        instead: "`[...list, item]` or `[...list, ...other]`",
    },
    Gone {
        name: "slice",
        instead: "slicing: `list[1:3]`",
    },
    Gone {
        name: "filter",
        instead: "a list comprehension: `[x for x in list if x.key == value]`",
    },
    Gone {
        name: "map",
        instead: "a list comprehension: `[x.key for x in list]`",
    },
    Gone {
        name: "urlencode",
        instead: "nothing: it is not available in briefing's templates",
    },
    Gone {
        name: "urlencode_strict",
        instead: "nothing: it is not available in briefing's templates",
    },
    Gone {
        name: "slugify",
        instead: "the `slug` every term and article already has",
    },
    Gone {
        name: "filesizeformat",
        instead: "nothing: it is not available in briefing's templates",
    },
];

/// Tests of Tera 1 that are renamed.
const TESTS: &[Gone] = &[
    Gone {
        name: "divisibleby",
        instead: "`divisible_by(divisor=…)`",
    },
    Gone {
        name: "object",
        instead: "`map`",
    },
];

/// Functions of Tera 1 (and of its `builtins`) that templates here cannot call.
const FUNCTIONS: &[Gone] = &[
    Gone { name: "get_env", instead: "a value in site.toml's `[extra]` (`site.extra.name`): templates cannot read the environment" },
    Gone { name: "now", instead: "`site.latest`, the newest article's date: templates cannot read the clock" },
    Gone { name: "get_random", instead: "nothing: a build writes the same bytes every time" },
    Gone { name: "load_data", instead: "front matter `extra` or site.toml `[extra]`: templates cannot read files" },
];

/// How many findings one template gets: a template written for Tera 1 shows what to
/// change with a few, and a hostile one of megabytes cannot make thousands.
const MOST_FINDINGS: usize = 20;

/// How far after a name its arguments are looked for, in bytes.
const ARGS_WINDOW: usize = 256;

/// Every Tera 1 construct in `text`, the template `file` (at most [`MOST_FINDINGS`]).
pub fn check(file: &Path, text: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut error = |at: usize, len: usize, message: String, help: String| {
        if found.len() >= MOST_FINDINGS {
            return;
        }
        found.push(
            Diagnostic::error(file, message)
                .at_range(at..at + len, text)
                .help(help),
        );
    };
    let mut warnings = Vec::new();
    for (tag_at, body) in tags(text) {
        // Where `body` starts in `text`.
        let base = tag_at + text[tag_at..].find(body).unwrap_or(0);
        let code = blank_strings(body);
        let first = code.split_whitespace().next().unwrap_or("");
        match first {
            "macro" => error(
                base,
                5,
                "Tera 2 has no macros".into(),
                "define a component: `{% component name(arg: string) %}…{% endcomponent name %}`, and call it as `{{<name arg=\"…\" />}}`".into(),
            ),
            "import" => error(
                base,
                6,
                "Tera 2 has no `import`".into(),
                "remove this line: components are global, and called as `{{<name arg=\"…\" />}}` from any template".into(),
            ),
            "endmacro" => continue,
            _ => {}
        }
        for (at, name) in words(&code) {
            let after = code[at + name.len()..].trim_start();
            let before = code[..at].trim_end();
            if after.starts_with("::") {
                error(
                    base + at,
                    name.len() + 2,
                    format!("`{name}::` calls a macro, and Tera 2 has no macros"),
                    "call a component instead: `{{<name arg=\"…\" />}}`".into(),
                );
            } else if before.ends_with('|') {
                if let Some(g) = FILTERS.iter().find(|g| g.name == name) {
                    error(
                        base + at,
                        name.len(),
                        format!("Tera 2 has no filter `{name}`"),
                        format!("write {}", g.instead),
                    );
                } else if name == "truncate" && !args(after).contains("length") {
                    error(
                        base + at,
                        name.len(),
                        "`truncate` needs a `length` in Tera 2 (Tera 1 cut at 255)".into(),
                        "write `truncate(length=255)`".into(),
                    );
                } else if matches!(name, "first" | "last" | "nth") && warnings.len() < MOST_FINDINGS
                {
                    warnings.push(
                        Diagnostic::warning(file, format!("`{name}` of an empty list gives none in Tera 2 (Tera 1 gave an empty string)"))
                            .at_range(base + at..base + at + name.len(), text)
                            .help("check for an empty list first, or write `| default(value=\"\", boolean=true)` after it"),
                    );
                }
            } else if before.ends_with(" is") || before.ends_with(" is not") {
                if let Some(g) = TESTS.iter().find(|g| g.name == name) {
                    error(
                        base + at,
                        name.len(),
                        format!("Tera 2 has no test `{name}`"),
                        format!("write {}", g.instead),
                    );
                } else if after.starts_with('(')
                    && !args(after).is_empty()
                    && !args(after).contains('=')
                {
                    let key = if name == "divisible_by" {
                        "divisor"
                    } else {
                        "pat"
                    };
                    error(
                        base + at,
                        name.len(),
                        format!("tests take named arguments in Tera 2: `{name}({key}=…)`"),
                        format!(
                            "write `{name}({key}={})`",
                            args(body[at + name.len()..].trim_start()).trim()
                        ),
                    );
                }
            } else if after.starts_with('(')
                && !before.ends_with('<')
                && !before.ends_with("component")
            {
                if let Some(g) = FUNCTIONS.iter().find(|g| g.name == name) {
                    error(
                        base + at,
                        name.len(),
                        format!("templates here cannot call `{name}`"),
                        format!("use {}", g.instead),
                    );
                }
            }
        }
        // `list.0`: an index written as a field.
        for (i, _) in code.match_indices('.') {
            let prev = code[..i].chars().last();
            let digits: String = code[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if !digits.is_empty() && prev.is_some_and(|c| c.is_alphabetic() || c == '_' || c == ']')
            {
                error(
                    base + i,
                    digits.len() + 1,
                    format!("`.{digits}` is an index, written `[{digits}]` in Tera 2"),
                    format!("write `[{digits}]`"),
                );
            }
        }
        // `{{ a or b }}` printed true or false in Tera 1, and prints a value in 2.
        // A ternary (`true if a or b else false`) already says what it prints.
        let has = |word: &str| words(&code).iter().any(|&(_, w)| w == word);
        let or = text[tag_at..].starts_with("{{") && has("or") && !has("if");
        if or && warnings.len() < MOST_FINDINGS {
            warnings.push(
                Diagnostic::warning(file, "`or` gives the first true value in Tera 2, not `true` or `false` as in Tera 1")
                    .at_range(base..base + body.len(), text)
                    .help("to print a value or a fallback, this is now right; to print `true` or `false`, write `{{ true if a or b else false }}`"),
            );
        }
    }
    found.extend(warnings);
    found
}

/// `body` with the inside of every string literal blanked out (same length), so that
/// words in strings are not read as code.
fn blank_strings(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut quote = None;
    let mut escaped = false;
    for c in body.chars() {
        match quote {
            Some(_) if escaped || c == '\\' => {
                escaped = !escaped;
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => out.extend(std::iter::repeat_n(' ', c.len_utf8())),
            None => {
                if matches!(c, '"' | '\'' | '`') {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// The identifiers of `code`, with their offsets (not those after a `.`: a field).
fn words(code: &str) -> Vec<(usize, &str)> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut found = Vec::new();
    let mut start = None;
    for (i, c) in code
        .char_indices()
        .chain(std::iter::once((code.len(), ' ')))
    {
        match (start, ident(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let word = &code[s..i];
                let field = code[..s].ends_with('.');
                if !field && !word.starts_with(|c: char| c.is_ascii_digit()) {
                    found.push((s, word));
                }
                start = None;
            }
            _ => {}
        }
    }
    found
}

/// The arguments between the parentheses `after` starts with (blanked strings kept
/// blank), or "".
fn args(after: &str) -> &str {
    let Some(rest) = after.strip_prefix('(') else {
        return "";
    };
    let mut window = rest.len().min(ARGS_WINDOW);
    while !rest.is_char_boundary(window) {
        window -= 1;
    }
    rest[..window].find(')').map_or("", |end| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        check(Path::new("t.html"), text)
            .iter()
            .map(|d| {
                let s = d.to_string();
                let first = s.lines().next().unwrap().to_string();
                let help = s
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("= help: "))
                    .unwrap_or("");
                format!("{first} | {help}")
            })
            .collect()
    }

    #[test]
    fn macros_and_imports_say_what_replaces_them() {
        assert_eq!(
            lines("{% import \"m.html\" as m %}\n{% macro x(a) %}{{ m::y(a=a) }}{% endmacro x %}"),
            [
                "error: t.html:1:4: Tera 2 has no `import` | remove this line: components are global, and called as `{{<name arg=\"…\" />}}` from any template",
                "error: t.html:2:4: Tera 2 has no macros | define a component: `{% component name(arg: string) %}…{% endcomponent name %}`, and call it as `{{<name arg=\"…\" />}}`",
                "error: t.html:2:20: `m::` calls a macro, and Tera 2 has no macros | call a component instead: `{{<name arg=\"…\" />}}`",
            ]
        );
    }

    #[test]
    fn renamed_filters_tests_and_indexes_are_errors() {
        assert_eq!(
            lines("{{ x | as_str }}{% if n is divisibleby(3) %}{% endif %}{% if u is starting_with(\"a\") %}{% endif %}{{ list.0.name }}{{ get_env(name=\"TOKEN\") }}{{ t | truncate }}"),
            [
                "error: t.html:1:8: Tera 2 has no filter `as_str` | write `str`",
                "error: t.html:1:28: Tera 2 has no test `divisibleby` | write `divisible_by(divisor=…)`",
                "error: t.html:1:67: tests take named arguments in Tera 2: `starting_with(pat=…)` | write `starting_with(pat=\"a\")`",
                "error: t.html:1:106: `.0` is an index, written `[0]` in Tera 2 | write `[0]`",
                "error: t.html:1:119: templates here cannot call `get_env` | use a value in site.toml's `[extra]` (`site.extra.name`): templates cannot read the environment",
                "error: t.html:1:150: `truncate` needs a `length` in Tera 2 (Tera 1 cut at 255) | write `truncate(length=255)`",
            ]
        );
    }

    #[test]
    fn changed_behaviour_is_a_warning_and_strings_are_not_code() {
        assert_eq!(
            lines("{{ a or b }}{% if a or b %}{% endif %}{{ xs | last }}{{ \"x | as_str, m::y\" }}"),
            [
                "warning: t.html:1:4: `or` gives the first true value in Tera 2, not `true` or `false` as in Tera 1 | to print a value or a fallback, this is now right; to print `true` or `false`, write `{{ true if a or b else false }}`",
                "warning: t.html:1:47: `last` of an empty list gives none in Tera 2 (Tera 1 gave an empty string) | check for an empty list first, or write `| default(value=\"\", boolean=true)` after it",
            ]
        );
        assert!(check(
            Path::new("t.html"),
            "{{ xs[0] }}{% if u is starting_with(pat=\"a\") %}{% endif %}"
        )
        .is_empty());
        // Escaped quotes stay inside the string; a component may be called `now`.
        assert!(check(
            Path::new("t.html"),
            r#"{{ "He said \"now()\"" }}{% component now() %}x{% endcomponent now %}{{<now />}}"#
        )
        .is_empty());
    }

    /// Regression (found in review): a megabyte of `| truncate(` took minutes, each
    /// finding placed from the start of the file.
    #[test]
    fn a_template_gets_a_bounded_number_of_findings() {
        let text = format!("{{{{ a {} }}}}", "| truncate(".repeat(50_000));
        assert_eq!(check(Path::new("t.html"), &text).len(), MOST_FINDINGS);
    }
}
