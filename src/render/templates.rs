//! Templates: the default theme compiled into the binary, overridden by file name from
//! the site's `templates/`, loaded into one Tera instance.
//!
//! A template that does not parse is reported with its file, line and column; a site
//! template may extend or include theme templates and the other way round, so a site
//! can override one block or one partial without copying the theme.

use crate::diagnostics::{display_path, Diagnostic};
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
];

/// The default theme's static files, written at the output root unless `static/`
/// has a file of the same name.
pub const THEME_STATIC: &[(&str, &[u8])] =
    &[("style.css", include_bytes!("../../theme/static/style.css"))];

/// The loaded templates, and which file each came from.
pub struct Templates {
    /// The Tera instance, ready to render.
    pub tera: Tera,
    /// Each template's file and text, to point render errors at a line.
    origins: BTreeMap<String, (PathBuf, String)>,
}

impl Templates {
    /// Loads the theme, then every `*.html` under `<root>/templates/`, reporting every
    /// template that does not parse.
    pub fn load(root: &Path) -> Result<Templates, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, (PathBuf, String)> = THEME
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    (
                        PathBuf::from(format!("(default theme) {name}")),
                        text.to_string(),
                    ),
                )
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
                    || !name.ends_with(".html")
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
            match between(&message, "`", "`").and_then(|var| text.find(var)) {
                Some(offset) => d.at_offset(offset, text),
                None => d,
            }
        })
    }
}

/// Escapes text for HTML content and quoted attributes. Tera's default also escapes
/// `/`, which turns every URL into `&#x2F;` soup; that is not needed for safety.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
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
