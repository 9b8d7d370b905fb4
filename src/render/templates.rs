//! Templates: the default theme compiled into the binary, overridden by file name from
//! the site's `templates/`, loaded into one Tera instance.
//!
//! A template that does not parse is reported with its file, line and column; a site
//! template may extend or include theme templates and the other way round, so a site
//! can override one block or one partial without copying the theme.

use super::tera_errors;
use crate::diagnostics::{display_path, Diagnostic};
use crate::text::escape_html;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::Tera;

/// The default theme's templates, by name.
pub const THEME: &[(&str, &str)] = &[
    ("base.html", include_str!("../../theme/templates/base.html")),
    ("home.html", include_str!("../../theme/templates/home.html")),
    (
        "article.html",
        include_str!("../../theme/templates/article.html"),
    ),
    (
        "taxonomy.html",
        include_str!("../../theme/templates/taxonomy.html"),
    ),
    ("term.html", include_str!("../../theme/templates/term.html")),
    (
        "partials/article_item.html",
        include_str!("../../theme/templates/partials/article_item.html"),
    ),
    (
        "partials/article_list.html",
        include_str!("../../theme/templates/partials/article_list.html"),
    ),
    (
        "partials/paginator.html",
        include_str!("../../theme/templates/partials/paginator.html"),
    ),
    (
        "archive.html",
        include_str!("../../theme/templates/archive.html"),
    ),
    (
        "period.html",
        include_str!("../../theme/templates/period.html"),
    ),
    (
        "search.html",
        include_str!("../../theme/templates/search.html"),
    ),
    ("404.html", include_str!("../../theme/templates/404.html")),
    ("atom.xml", include_str!("../../theme/templates/atom.xml")),
    (
        "sitemap.xml",
        include_str!("../../theme/templates/sitemap.xml"),
    ),
    (
        "robots.txt",
        include_str!("../../theme/templates/robots.txt"),
    ),
];

/// The default theme's static files, written at the output root unless `static/`
/// has a file of the same name.
pub const THEME_STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../theme/static/style.css")),
    ("search.js", include_bytes!("../../theme/static/search.js")),
];

/// The loaded templates, and which file each came from.
pub struct Templates {
    /// The Tera instance, ready to render.
    pub tera: Tera,
    /// Each template's file and text, to point render errors at a line.
    origins: BTreeMap<String, (PathBuf, String)>,
    /// A hash of every template's name and text.
    pub fingerprint: u64,
}

impl Templates {
    /// Loads the theme, then every `*.html`, `*.xml` and `*.txt` under `<root>/templates/`, reporting every
    /// template that does not parse.
    pub fn load(root: &Path) -> Result<Templates, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, (PathBuf, String)> = THEME
            .iter()
            .flat_map(|(name, text)| {
                // Also as `theme/<name>`, so a site's `article.html` can extend the
                // theme's and override one block.
                let file = PathBuf::from(format!("(default theme) {name}"));
                [name.to_string(), format!("theme/{name}")]
                    .map(|n| (n, (file.clone(), text.to_string())))
            })
            .collect();
        let mut errors = Vec::new();
        let dir = root.join("templates");
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        errors.push(Diagnostic::error(
                            display_path(root, e.path().unwrap_or(&dir)),
                            format!("cannot read: {e}"),
                        ));
                        continue;
                    }
                };
                let path = entry.path();
                let name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file()
                    || ![".html", ".xml", ".txt"].iter().any(|e| name.ends_with(e))
                    || crate::content::walk::is_ignored_name(&name)
                {
                    continue;
                }
                let rel = path
                    .strip_prefix(&dir)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .replace('\\', "/");
                match std::fs::read_to_string(path) {
                    Ok(text) => {
                        sources.insert(rel, (display_path(root, path), text));
                    }
                    Err(e) => errors.push(Diagnostic::error(
                        display_path(root, path),
                        format!("cannot read template: {e}"),
                    )),
                }
            }
        }
        // Parse each on its own, so every syntax error is reported with its file; each
        // text once (the theme's are here twice, as `x` and `theme/x`), in parallel.
        // Tera is then given these trees (its `templates` map is public, though
        // undocumented), not the texts: `add_raw_templates` would parse them again.
        let texts: Vec<&str> = {
            let mut t: Vec<&str> = sources.values().map(|(_, text)| text.as_str()).collect();
            t.sort_unstable();
            t.dedup();
            t
        };
        let trees: HashMap<&str, tera::Result<tera::Template>> = texts
            .par_iter()
            .map(|text| (*text, tera::Template::new("", None, text)))
            .collect();
        let mut parsed = BTreeMap::new();
        for (name, (file, text)) in &sources {
            match &trees[text.as_str()] {
                Ok(t) => {
                    let mut t = t.clone();
                    t.name = name.clone();
                    parsed.insert(name.clone(), t);
                }
                Err(e) => errors.push(parse_error(file, text, e)),
            }
        }
        // Tera follows includes and macro calls without a depth limit: a loop would
        // overflow the stack.
        errors.extend(include_loops(&sources));
        errors.extend(macro_loops(&sources, &parsed));
        errors.extend(extend_loops(&sources, &parsed));
        for (file, text) in sources.values() {
            for at in divisions_by_zero(text) {
                errors.push(
                    Diagnostic::error(file, "division by zero: Tera would write `NaN` on the page")
                        .at_offset(at, text),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        super::filters::register(&mut tera);
        tera.templates.extend(parsed);
        if let Err(e) = tera
            .build_inheritance_chains()
            .and_then(|()| tera.check_macro_files())
        {
            return Err(vec![Diagnostic::general(format!(
                "templates: {}",
                tera_errors::chain(&e).join(": ")
            ))]);
        }
        Ok(Templates {
            tera,
            fingerprint: crate::model::fingerprint::of(&sources),
            origins: sources,
        })
    }

    /// Renders `name`; a failure becomes a diagnostic naming the template and `page`.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
        page: &str,
    ) -> Result<String, Diagnostic> {
        super::filters::reset_budget();
        self.tera.render(name, context).map_err(|e| {
            let failure = tera_errors::render_failure(&e);
            let failing = failure.template.as_deref().unwrap_or(name);
            let Some((file, text)) = self.origins.get(failing).or_else(|| self.origins.get(name))
            else {
                return Diagnostic::general(format!(
                    "cannot render {page} with {name}: {}",
                    failure.message
                ));
            };
            let d = Diagnostic::error(file, format!("cannot render {page}: {}", failure.message));
            // Tera 1 gives no position for render errors; the first use of the
            // name it gives is where to look.
            match failure
                .name
                .as_deref()
                .and_then(|n| find_in_tags(text, n).map(|at| (n, at)))
            {
                Some((name, at)) => d.at_range(at..at + name.len(), text).label("used here"),
                None => d,
            }
        })
    }
}

fn includes(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    for (start, _) in text.match_indices("{%") {
        let rest = &text[start + 2..];
        let Some(end) = rest.find("%}") else { break };
        let tag = rest[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if let Some(args) = tag.strip_prefix("include") {
            let args = args.trim_start();
            if let Some(quote) = args
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\'' | '`'))
            {
                if let Some(name) = args[1..].split(quote).next() {
                    found.push((start, name));
                }
            }
        }
    }
    found
}

/// Every include loop among `sources`, reported once, at the include that closes it.
fn include_loops(sources: &BTreeMap<String, (PathBuf, String)>) -> Vec<Diagnostic> {
    let graph: BTreeMap<String, Vec<(usize, String)>> = sources
        .iter()
        .map(|(n, (_, t))| {
            let edges = includes(t)
                .into_iter()
                .map(|(at, name)| (at, name.to_string()))
                .collect();
            (n.clone(), edges)
        })
        .collect();
    template_loops(sources, &graph, ("include", "include"))
}

/// Every template that extends itself, directly or through others, with the
/// `{% extends %}` that closes the loop.
fn extend_loops(
    sources: &BTreeMap<String, (PathBuf, String)>,
    parsed: &BTreeMap<String, tera::Template>,
) -> Vec<Diagnostic> {
    let graph: BTreeMap<String, Vec<(usize, String)>> = parsed
        .iter()
        .map(|(name, t)| {
            let at = find_tag(&sources[name].1, "extends").unwrap_or(0);
            (
                name.clone(),
                t.parent.iter().map(|p| (at, p.clone())).collect(),
            )
        })
        .collect();
    template_loops(sources, &graph, ("extends", "extend"))
}

/// Each loop of a graph of templates, reported at the tag that closes it: `tag` is
/// the tag's name and the verb for it (`extends`, `extend`).
fn template_loops(
    sources: &BTreeMap<String, (PathBuf, String)>,
    graph: &BTreeMap<String, Vec<(usize, String)>>,
    (tag, verb): (&str, &str),
) -> Vec<Diagnostic> {
    cycles(graph)
        .into_iter()
        .map(|(cycle, offset)| {
            let (file, text) = &sources[&cycle[cycle.len() - 2]];
            let message = format!("template {tag} loop: {}; a template cannot {verb} itself, directly or through others", cycle.join(" → "));
            Diagnostic::error(file, message).at_offset(offset, text)
        })
        .collect()
}

/// Every macro that calls itself, directly or through others, reported once at the
/// call that closes the loop. Tera has no limit on how deep macro calls go, so an
/// endless recursion would overflow the stack and abort the process; macros here
/// cannot recurse at all.
fn macro_loops(
    sources: &BTreeMap<String, (PathBuf, String)>,
    parsed: &BTreeMap<String, tera::Template>,
) -> Vec<Diagnostic> {
    let mut graph: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for (name, template) in parsed {
        let text = &sources[name].1;
        for (macro_name, definition) in &template.macros {
            let node = format!("{name}::{macro_name}");
            // Where the definition starts, so a call is found inside it.
            let from = find_tag(text, &format!("macro {macro_name}")).unwrap_or(0);
            let mut edges = Vec::new();
            for (namespace, called) in macro_calls(&definition.body) {
                let file = if namespace == "self" {
                    Some(name.as_str())
                } else {
                    template
                        .imported_macro_files
                        .iter()
                        .find(|(_, ns)| *ns == namespace)
                        .map(|(file, _)| file.as_str())
                };
                if let Some(file) = file {
                    let call = format!("{namespace}::{called}");
                    let at = text[from..].find(&call).map_or(from, |i| from + i);
                    edges.push((at, format!("{file}::{called}")));
                }
            }
            graph.insert(node, edges);
        }
    }
    cycles(&graph)
        .into_iter()
        .map(|(cycle, offset)| {
            let closer = &cycle[cycle.len() - 2];
            let template = closer.rsplit_once("::").map_or(closer.as_str(), |(t, _)| t);
            let (file, text) = &sources[template];
            let message = format!("macro recursion: {}; a macro cannot call itself, directly or through others (there is no limit on how deep it would go)", cycle.join(" → "));
            Diagnostic::error(file, message).at_offset(offset, text)
        })
        .collect()
}

/// The macros a macro's body calls: (namespace, name), read from the parsed
/// template's debug form, which spells out every `MacroCall` wherever it sits
/// (filters, conditions, loops, arguments).
fn macro_calls(body: &[tera::ast::Node]) -> Vec<(String, String)> {
    let text = format!("{body:?}");
    let field = |rest: &str, key: &str| -> Option<String> {
        let rest = rest.trim_start().strip_prefix(key)?.strip_prefix(": \"")?;
        Some(rest[..rest.find('"')?].to_string())
    };
    text.split("MacroCall { ")
        .skip(1)
        .filter_map(|rest| {
            let namespace = field(rest, "namespace")?;
            let after = &rest[rest.find(',')? + 1..];
            Some((namespace, field(after, "name")?))
        })
        .collect()
}

/// The offset of the first `{% <start>` tag in `text` (whitespace control allowed).
fn find_tag(text: &str, start: &str) -> Option<usize> {
    text.match_indices("{%").find_map(|(at, _)| {
        let rest = text[at + 2..].trim_start_matches('-').trim_start();
        rest.starts_with(start).then_some(at)
    })
}

/// Every cycle in a graph of named nodes whose edges carry a byte offset: each
/// cycle (the path, its first node repeated at the end) once, with the offset of
/// the edge that closes it.
fn cycles(graph: &BTreeMap<String, Vec<(usize, String)>>) -> Vec<(Vec<String>, usize)> {
    // Depth-first from each node; `path` is the chain being followed.
    fn visit<'a>(
        name: &'a str,
        graph: &'a BTreeMap<String, Vec<(usize, String)>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
        found: &mut Vec<(Vec<String>, usize)>,
    ) {
        if done.contains(name) {
            return;
        }
        path.push(name);
        for (offset, next) in graph.get(name).into_iter().flatten() {
            if let Some(i) = path.iter().position(|p| p == next) {
                let mut cycle: Vec<String> = path[i..].iter().map(|s| s.to_string()).collect();
                cycle.push(next.clone());
                found.push((cycle, *offset));
            } else {
                visit(next, graph, path, done, found);
            }
        }
        path.pop();
        done.insert(name);
    }
    let mut done = std::collections::BTreeSet::new();
    let mut found = Vec::new();
    for name in graph.keys() {
        visit(name, graph, &mut Vec::new(), &mut done, &mut found);
    }
    let mut reported = std::collections::BTreeSet::new();
    found
        .into_iter()
        .filter(|(cycle, _)| {
            let mut key: Vec<String> = cycle[..cycle.len() - 1].to_vec();
            key.sort();
            reported.insert(key)
        })
        .collect()
}

/// Each `/ 0` or `% 0` (a literal zero divisor) inside `{{ }}` or `{% %}`, outside
/// strings. A divisor that is a variable, and zero only when a page renders,
/// cannot be seen here: Tera writes `NaN` for it.
fn divisions_by_zero(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    for (open, close) in [("{{", "}}"), ("{%", "%}")] {
        for (start, _) in text.match_indices(open) {
            let body_start = start + 2;
            let Some(len) = text[body_start..].find(close) else {
                continue;
            };
            let body = &text[body_start..body_start + len];
            let mut quote: Option<char> = None;
            for (i, c) in body.char_indices() {
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'' | '`') => quote = Some(c),
                    (None, '/' | '%') => {
                        let rest = body[i + 1..].trim_start();
                        let digits = rest.trim_start_matches(['0', '.']);
                        let zero = rest.starts_with('0')
                            && !digits.starts_with(|c: char| c.is_ascii_digit());
                        if zero {
                            found.push(body_start + i);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    found.sort_unstable();
    found
}

/// The first use of the identifier `var` inside `{{ }}` or `{% %}` (not in a comment,
/// not as part of a longer name).
fn find_in_tags(text: &str, var: &str) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(var).map(|(i, _)| i).find(|&i| {
        let before = &text[..i];
        let after = &text[i + var.len()..];
        let whole = !before.ends_with(|c: char| ident(c) || c == '.') && !after.starts_with(ident);
        let opener = ["{{", "{%", "{#"]
            .iter()
            .filter_map(|o| before.rfind(o).map(|p| (p, *o)))
            .max();
        let in_tag = match opener {
            Some((p, "{{")) => !before[p..].contains("}}"),
            Some((p, "{%")) => !before[p..].contains("%}"),
            _ => false,
        };
        whole && in_tag
    })
}

/// A Tera syntax error, at the line and column it reports.
fn parse_error(file: &Path, text: &str, e: &tera::Error) -> Diagnostic {
    let syntax = tera_errors::syntax_failure(e);
    let d = Diagnostic::error(file, format!("template syntax: {}", syntax.expected));
    match syntax.position {
        Some((line, col)) => d.at(line, col, text),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_parses() {
        let dir = tempfile::tempdir().unwrap();
        let t = Templates::load(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(t.tera.get_template_names().any(|n| n == "article.html"));
    }

    #[test]
    fn a_site_template_can_extend_the_theme_template_it_replaces() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/taxonomy.html"),
            "{% extends \"theme/taxonomy.html\" %}{% block footer %}<p>Our footer</p>{% endblock footer %}",
        )
        .unwrap();
        let t = Templates::load(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        let ctx = tera::Context::from_value(serde_json::json!({
            "site": {"title": "T", "language": "en", "generator": "g"},
            "page": {"kind": "taxonomy", "url": "tags/", "permalink": "p", "title": "Tags"},
            "root": "../", "taxonomies": [], "taxonomy": {"title": "Tags", "kind": "tags"}, "terms": []
        }))
        .unwrap();
        let html = t.render("taxonomy.html", &ctx, "/tags/").unwrap();
        assert!(
            html.contains("<p>Our footer</p>")
                && html.contains("<h1 class=\"page-title\">Tags</h1>"),
            "{html}"
        );
    }

    #[test]
    fn render_errors_point_at_a_use_inside_a_tag() {
        assert_eq!(
            find_in_tags(
                "{# term.nmae #}\n{{ term.nmaex }}{{ term.nmae }}",
                "term.nmae"
            ),
            Some(35)
        );
    }

    #[test]
    fn include_loops_are_refused_with_their_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates/partials")).unwrap();
        std::fs::write(
            dir.path().join("templates/partials/article_item.html"),
            "<li>\n{% include \"partials/x.html\" %}</li>",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("templates/partials/x.html"),
            "{%- include 'partials/article_item.html' -%}",
        )
        .unwrap();
        let e = Templates::load(dir.path()).err().unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].to_string().lines().next().unwrap(),
            "error: templates/partials/x.html:1:1: template include loop: partials/article_item.html → partials/x.html → partials/article_item.html; a template cannot include itself, directly or through others"
        );
    }

    #[test]
    fn syntax_errors_name_the_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/article.html"),
            "<p>\n{{ article.title }\n",
        )
        .unwrap();
        let e = Templates::load(dir.path()).err().unwrap();
        let first = e[0].to_string();
        assert!(
            first.starts_with("error: templates/article.html:2:"),
            "{first}"
        );
        assert!(first.contains("template syntax: expected"), "{first}");
    }

    /// Loads a site's templates from `files` (name, text) and returns the first line
    /// of each error.
    fn load_errors(files: &[(&str, &str)]) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join("templates").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        match Templates::load(dir.path()) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .iter()
                .map(|d| d.to_string().lines().next().unwrap().to_string())
                .collect(),
        }
    }

    #[test]
    fn recursive_macros_are_refused_at_the_call() {
        let errors = load_errors(&[
            ("m.html", "{% macro f(n) %}\n  {{ self::g(n=n) }}{% endmacro f %}\n{% macro g(n) %}{% if n %}{{ self::f(n=n - 1) }}{% endif %}{% endmacro g %}"),
            ("ok.html", "{% import \"m.html\" as m %}{% macro h() %}{{ m::f(n=1) }}{% endmacro h %}"),
        ]);
        assert_eq!(
            errors,
            ["error: templates/m.html:3:30: macro recursion: m.html::f → m.html::g → m.html::f; a macro cannot call itself, directly or through others (there is no limit on how deep it would go)"]
        );
        // Through an import, and a macro that calls another without a loop is fine.
        let errors = load_errors(&[
            (
                "a.html",
                "{% import \"b.html\" as b %}{% macro x() %}{{ b::y() }}{% endmacro x %}",
            ),
            (
                "b.html",
                "{% import \"a.html\" as a %}{% macro y() %}{{ a::x() }}{% endmacro y %}",
            ),
        ]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("a.html::x → b.html::y → a.html::x"),
            "{errors:?}"
        );
        assert!(load_errors(&[(
            "m.html",
            "{% macro f() %}{{ self::g() }}{% endmacro f %}{% macro g() %}x{% endmacro g %}"
        )])
        .is_empty());
    }

    #[test]
    fn extends_loops_are_refused_at_the_extends() {
        assert_eq!(
            load_errors(&[("home.html", "{% extends \"article.html\" %}"), ("article.html", "\n{% extends \"home.html\" %}")]),
            ["error: templates/home.html:1:1: template extends loop: article.html → home.html → article.html; a template cannot extend itself, directly or through others"]
        );
    }

    #[test]
    fn literal_zero_divisors_are_refused() {
        assert_eq!(
            load_errors(&[("x.html", "{{ a / 2 }}{{ a / 0.5 }}{{ '1/0' }}\n{{ a / 0 }}{% set b = a % 0.0 %}")]),
            [
                "error: templates/x.html:2:6: division by zero: Tera would write `NaN` on the page",
                "error: templates/x.html:2:25: division by zero: Tera would write `NaN` on the page",
            ]
        );
    }

    #[test]
    fn ranges_share_a_budget_per_page() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        let loops =
            "{% for i in range(end=400) %}{% for j in range(end=400) %}{% endfor %}{% endfor %}";
        std::fs::write(
            dir.path().join("templates/x.html"),
            format!("{{{{ range(end=3) | join(sep=',') }}}}\n{loops}"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("templates/y.html"),
            "{{ range(start=2, end=9, step_by=3) | join(sep=',') }}",
        )
        .unwrap();
        let t = Templates::load(dir.path()).unwrap();
        let e = t
            .render("x.html", &tera::Context::new(), "/x/")
            .unwrap_err();
        assert_eq!(
            e.to_string().lines().next().unwrap(),
            "error: templates/x.html:1:4: cannot render /x/: range: 400 numbers asked for, but a page's ranges may make 100000 in all"
        );
        // Each page starts with the whole budget.
        assert_eq!(
            t.render("y.html", &tera::Context::new(), "/y/").unwrap(),
            "2,5,8"
        );
    }
}
