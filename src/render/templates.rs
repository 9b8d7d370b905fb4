//! Templates: the default theme compiled into the binary, overridden by file name from
//! the site's `templates/`, loaded into one Tera instance.
//!
//! A template that does not parse is reported with its file, line and column; a site
//! template may extend or include theme templates and the other way round, so a site
//! can override one block or one partial without copying the theme.

use crate::diagnostics::{between, display_path, Diagnostic};
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
        // Parse each on its own first, so every syntax error is reported with its file.
        for (name, (file, text)) in &sources {
            if let Err(e) = tera::Template::new(name, None, text) {
                errors.push(parse_error(file, text, &e));
            }
        }
        // Tera follows includes without a depth limit: a loop would overflow the stack.
        errors.extend(include_loops(&sources));
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        super::filters::register(&mut tera);
        let all = sources
            .iter()
            .map(|(name, (_, text))| (name.as_str(), text.as_str()));
        if let Err(e) = tera.add_raw_templates(all) {
            return Err(vec![Diagnostic::general(format!(
                "templates: {}",
                chain(&e).join(": ")
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
        self.tera.render(name, context).map_err(|e| {
            let mut causes = chain(&e);
            let message = causes.pop().unwrap_or_else(|| e.to_string());
            // The innermost message names the template that failed, which may be a
            // parent or an include of `name`: `… while rendering 'base.html'`.
            let failing = between(&message, "rendering '", "'").unwrap_or(name);
            let Some((file, text)) = self.origins.get(failing).or_else(|| self.origins.get(name))
            else {
                return Diagnostic::general(format!("cannot render {page} with {name}: {message}"));
            };
            let d = Diagnostic::error(file, format!("cannot render {page}: {message}"));
            // Tera 1 gives no position for render errors; the first use of the
            // variable it names is where to look.
            match between(&message, "`", "`").and_then(|var| find_in_tags(text, var)) {
                Some(offset) => d.at_offset(offset, text),
                None => d,
            }
        })
    }
}

/// Escapes text for HTML content and quoted attributes. Tera's default also escapes
/// `/`, which turns every URL into `&#x2F;` soup; that is not needed for safety.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 16 + 8);
    let mut start = 0;
    // Copies the runs between special bytes whole: they are all ASCII, so a byte
    // index is always a char boundary.
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&input[start..]);
    out
}

/// The `{% include "x" %}` tags of a template: (byte offset of the tag, included name).
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
    let graph: BTreeMap<&str, Vec<(usize, &str)>> = sources
        .iter()
        .map(|(n, (_, t))| (n.as_str(), includes(t)))
        .collect();
    let mut reported = std::collections::BTreeSet::new();
    let mut errors = Vec::new();
    // Depth-first from each template; `path` is the chain of includes being followed.
    fn visit<'a>(
        name: &'a str,
        graph: &BTreeMap<&'a str, Vec<(usize, &'a str)>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
        found: &mut Vec<(Vec<&'a str>, usize)>,
    ) {
        if done.contains(name) {
            return;
        }
        path.push(name);
        for &(offset, next) in graph.get(name).into_iter().flatten() {
            if let Some(i) = path.iter().position(|p| *p == next) {
                let mut cycle = path[i..].to_vec();
                cycle.push(next);
                found.push((cycle, offset));
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
        visit(name, &graph, &mut Vec::new(), &mut done, &mut found);
    }
    for (cycle, offset) in found {
        let closer = cycle[cycle.len() - 2];
        let mut key: Vec<&str> = cycle[..cycle.len() - 1].to_vec();
        key.sort();
        if !reported.insert(key) {
            continue;
        }
        let (file, text) = &sources[closer];
        let message = format!("template include loop: {}; a template cannot include itself, directly or through others", cycle.join(" → "));
        errors.push(Diagnostic::error(file, message).at_offset(offset, text));
    }
    errors
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

/// The messages of an error and its sources, outermost first.
fn chain(e: &tera::Error) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

/// A Tera syntax error, at the line and column pest reports (`--> 3:5`).
fn parse_error(file: &Path, text: &str, e: &tera::Error) -> Diagnostic {
    let detail = chain(e).pop().unwrap_or_default();
    let position = detail.lines().find_map(|l| {
        let (line, col) = l.trim().strip_prefix("--> ")?.split_once(':')?;
        Some((
            line.trim().parse::<usize>().ok()?,
            col.trim().parse::<usize>().ok()?,
        ))
    });
    let expected = detail
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .unwrap_or(detail.lines().last().unwrap_or("syntax error"))
        .to_string();
    let d = Diagnostic::error(file, format!("template syntax: {expected}"));
    match position {
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
}
