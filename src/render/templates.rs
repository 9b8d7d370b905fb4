//! Templates: the default theme compiled into the binary, overridden by file name from
//! the site's `templates/`, loaded into one Tera 2 instance.
//!
//! The theme's templates are registered once, as `theme/<name>`, and `theme/` is
//! Tera's fallback prefix: a name finds the site's template first, then the theme's.
//! So a site template may extend or include theme templates and the other way round,
//! and a site can override one block or one partial without copying the theme.
//! Every problem is reported with its file, line and column.

use crate::diagnostics::{display_path, Diagnostic};
use crate::text::escape_html_to;
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
        "story.html",
        include_str!("../../theme/templates/story.html"),
    ),
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
    (
        "corrections.html",
        include_str!("../../theme/templates/corrections.html"),
    ),
    (
        "redirect.html",
        include_str!("../../theme/templates/redirect.html"),
    ),
    (
        "withdrawn.html",
        include_str!("../../theme/templates/withdrawn.html"),
    ),
    ("404.html", include_str!("../../theme/templates/404.html")),
    (
        "components.html",
        include_str!("../../theme/templates/components.html"),
    ),
    (
        "edition.html",
        include_str!("../../theme/templates/edition.html"),
    ),
    (
        "editions.html",
        include_str!("../../theme/templates/editions.html"),
    ),
    (
        "email.html",
        include_str!("../../theme/templates/email.html"),
    ),
    ("email.txt", include_str!("../../theme/templates/email.txt")),
    (
        "shortcodes/figure.html",
        include_str!("../../theme/templates/shortcodes/figure.html"),
    ),
    (
        "shortcodes/quote.html",
        include_str!("../../theme/templates/shortcodes/quote.html"),
    ),
    (
        "shortcodes/embed.html",
        include_str!("../../theme/templates/shortcodes/embed.html"),
    ),
    (
        "shortcodes/table.html",
        include_str!("../../theme/templates/shortcodes/table.html"),
    ),
    ("atom.xml", include_str!("../../theme/templates/atom.xml")),
    ("rss.xml", include_str!("../../theme/templates/rss.xml")),
    ("feed.json", include_str!("../../theme/templates/feed.json")),
    (
        "sitemap.xml",
        include_str!("../../theme/templates/sitemap.xml"),
    ),
    (
        "sitemap_index.xml",
        include_str!("../../theme/templates/sitemap_index.xml"),
    ),
    (
        "news_sitemap.xml",
        include_str!("../../theme/templates/news_sitemap.xml"),
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
    (
        "favicon.svg",
        include_bytes!("../../theme/static/favicon.svg"),
    ),
];

/// A warning when the site's own `article.html` would never show an article's
/// corrections: a correction must not silently disappear. It shows them when it
/// names `article.corrections`, or extends the theme's article page without
/// replacing its `corrections` block.
fn corrections_hidden(sources: &BTreeMap<String, (PathBuf, String)>) -> Option<Diagnostic> {
    let (file, text) = sources.get("article.html")?;
    let extends_theme = text.contains("extends \"theme/article.html\"")
        || text.contains("extends 'theme/article.html'");
    let shows = text.contains("article.corrections")
        || (extends_theme && !text.contains("block corrections"));
    (!shows).then(|| {
        Diagnostic::warning(
            file,
            "never shows `article.corrections`: an article's corrections would not appear on its page",
        )
        .help("show them as the theme does (`briefing theme show article.html`, its `corrections` block), or extend \"theme/article.html\"")
    })
}

/// The loaded templates, and which file each came from.
pub struct Templates {
    /// The Tera instance, ready to render.
    pub tera: Tera,
    /// Each template's file and text, to point errors at a line.
    origins: BTreeMap<String, (PathBuf, String)>,
    /// A hash of every template's name and text.
    pub fingerprint: u64,
    /// What loading found worth a warning: constructs of Tera 1 that Tera 2 renders
    /// differently.
    pub warnings: Vec<Diagnostic>,
    /// The most bytes one page may render to ([`MAX_PAGE_BYTES`]).
    pub max_page_bytes: usize,
    /// The shortcodes: the components of `shortcodes/<name>.html`, by name.
    pub shortcodes: BTreeMap<String, crate::content::markdown::shortcodes::Definition>,
}

/// The most bytes a template may write for one page, before its cards are spliced
/// in. Tera 2 counts no output: a loop printing a long value thousands of times would
/// fill the memory. The largest page of a 100,000-article site (its home page, cards
/// still marks) renders to a few MiB.
pub const MAX_PAGE_BYTES: usize = 64 << 20;

/// Where the default theme's templates live in the Tera instance: a site template
/// of the same name comes first, and `theme/<name>` always names the theme's.
pub const THEME_PREFIX: &str = "theme/";

impl Templates {
    /// Loads the theme, then every `*.html`, `*.xml`, `*.txt` and `*.json` under
    /// `<root>/templates/`, reporting every problem: unreadable files, constructs of
    /// Tera 1, syntax errors, loops and recursion, unknown names.
    pub fn load(root: &Path) -> Result<Templates, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, (PathBuf, String)> = THEME
            .iter()
            .map(|(name, text)| {
                let file = PathBuf::from(format!("(default theme) {name}"));
                (format!("{THEME_PREFIX}{name}"), (file, text.to_string()))
            })
            .collect();
        let mut problems = read_site_templates(root, &mut sources);
        // Constructs of Tera 1, in the site's templates: an error says what to write
        // instead, and Tera's own error for that template is not repeated.
        let mut migrated_away = std::collections::BTreeSet::new();
        for (name, (file, text)) in &sources {
            if name.starts_with(THEME_PREFIX) {
                continue;
            }
            for d in super::tera1::check(file, text) {
                if d.is_error() {
                    migrated_away.insert(name.clone());
                }
                problems.push(d);
            }
        }
        // Loops and recursion Tera 2 stops only at render time, or reports one at
        // a time without a position.
        let guarded = super::template_checks::check(&sources);
        // Tera follows includes and extends by recursion when it loads them: given a
        // loop or a chain thousands long, each template is only parsed, on its own.
        let parse = |name: &str| parse_alone(name, &sources[name].1);
        let (tera, found) = match guarded.is_empty() {
            true => match make_tera(&sources) {
                Ok(tera) => (Some(tera), Vec::new()),
                Err(e) => (None, super::tera_errors::load_failure(&e, &sources, parse)),
            },
            false => (
                None,
                super::tera_errors::every_syntax_error(&sources, parse),
            ),
        };
        problems.extend(guarded);
        problems.extend(
            found
                .into_iter()
                .filter(|(name, _)| !name.as_ref().is_some_and(|n| migrated_away.contains(n)))
                .map(|(_, d)| d),
        );
        let shortcodes = match &tera {
            Some(tera) => {
                let (found, wrong) = super::shortcodes::definitions(tera, &sources);
                problems.extend(wrong);
                found
            }
            None => BTreeMap::new(),
        };
        let (mut warnings, errors): (Vec<Diagnostic>, Vec<Diagnostic>) =
            problems.into_iter().partition(|d| !d.is_error());
        // Said of templates that load; one that does not has more to fix first.
        if errors.is_empty() {
            warnings.extend(corrections_hidden(&sources));
        }
        match tera {
            Some(tera) if errors.is_empty() => Ok(Templates {
                tera,
                fingerprint: crate::model::fingerprint::of(&sources),
                origins: sources,
                warnings,
                max_page_bytes: MAX_PAGE_BYTES,
                shortcodes,
            }),
            _ => {
                let mut all = errors;
                if all.is_empty() {
                    all.push(Diagnostic::general("templates: cannot load"));
                }
                all.extend(warnings);
                Err(all)
            }
        }
    }

    /// Renders `name`; a failure becomes a diagnostic naming the template and `page`,
    /// at the line and column Tera gives.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
        page: &str,
    ) -> Result<String, Diagnostic> {
        super::filters::reset_budget();
        // Rendered into a writer that refuses to grow past the cap: Tera stops at the
        // first write over it.
        let mut out = Capped {
            out: Vec::with_capacity(16 * 1024),
            left: self.max_page_bytes,
        };
        let rendering = crate::watchdog::rendering(|| self.file_of(name), page);
        let rendered = self.tera.render_to(name, context, &mut out);
        drop(rendering);
        match rendered {
            Ok(()) => String::from_utf8(out.out).map_err(|_| {
                Diagnostic::general(format!("cannot render {page} with {name}: not UTF-8"))
            }),
            Err(e)
                if matches!(
                    e.kind(),
                    tera::ErrorKind::Io(std::io::ErrorKind::FileTooLarge)
                ) =>
            {
                let message = format!(
                    "cannot render {page}: {name} wrote more than {} MiB for it",
                    self.max_page_bytes >> 20
                );
                let d = match self.origins.get(name) {
                    Some((file, _)) => Diagnostic::error(file, message),
                    None => Diagnostic::general(message),
                };
                Err(d.help("a loop is writing far more than a page holds: look for one over a long list, or printing a value that grows"))
            }
            Err(e) => Err(super::tera_errors::render_failure(
                &e,
                name,
                page,
                &self.origins,
            )),
        }
    }
}

impl Templates {
    /// Renders the component `name` for a shortcode of a body, with the same guards
    /// as a page: a failure is Tera's message.
    pub(super) fn render_component(
        &self,
        name: &str,
        args: &tera::Context,
        implicits: &tera::Context,
        body: Option<&str>,
        file: &str,
    ) -> Result<String, String> {
        super::filters::reset_budget();
        let mut out = Capped {
            out: Vec::with_capacity(1024),
            left: self.max_page_bytes,
        };
        let rendering = crate::watchdog::rendering(|| file.to_string(), name);
        let rendered = self
            .tera
            .render_component_with_implicits_to(name, args, implicits, body, true, &mut out);
        drop(rendering);
        match rendered {
            Ok(()) => String::from_utf8(out.out).map_err(|_| "not UTF-8".to_string()),
            Err(e) => {
                let mut message = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    message = format!("{message}: {s}");
                    source = s.source();
                }
                Err(message)
            }
        }
    }

    /// The file the template `name` comes from, as diagnostics show it.
    fn file_of(&self, name: &str) -> String {
        let theirs = format!("{THEME_PREFIX}{name}");
        match self.origins.get(name).or_else(|| self.origins.get(&theirs)) {
            Some((file, _)) => file.display().to_string(),
            None => name.to_string(),
        }
    }
}

/// A page's bytes, refusing to grow past `left` more.
struct Capped {
    out: Vec<u8>,
    left: usize,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() > self.left {
            return Err(std::io::ErrorKind::FileTooLarge.into());
        }
        self.left -= buf.len();
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A Tera instance set up as every build uses it: the theme behind the site,
/// autoescaping of HTML and XML with [`escape_html_to`], our filters.
fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.set_fallback_prefixes([THEME_PREFIX])
        .expect("set before any template is added");
    tera.autoescape_on([".html", ".xml"]);
    tera.set_escape_fn(escape_html_to);
    super::filters::register(&mut tera);
    tera
}

/// Every template of `sources` in one Tera instance.
fn make_tera(sources: &BTreeMap<String, (PathBuf, String)>) -> tera::TeraResult<Tera> {
    let mut tera = new_tera();
    tera.add_raw_templates(sources.iter().map(|(name, (_, text))| (name, text)))?;
    Ok(tera)
}

/// Parses one template on its own: its syntax error, if it has one. Tera stops at
/// the first template that does not parse; this finds every one.
fn parse_alone(name: &str, text: &str) -> Option<tera::Error> {
    match new_tera().add_raw_template(name, text) {
        Err(e) if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) => Some(e),
        _ => None,
    }
}

/// Reads every template file under `<root>/templates/` into `sources`, by its path
/// there; returns what could not be read.
fn read_site_templates(
    root: &Path,
    sources: &mut BTreeMap<String, (PathBuf, String)>,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let dir = root.join("templates");
    if !dir.is_dir() {
        return errors;
    }
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
        let kind = entry.file_type();
        if !kind.is_file() && !kind.is_dir() && !kind.is_symlink() {
            // A FIFO, device or socket: reading one could wait forever.
            errors.push(Diagnostic::warning(
                display_path(root, path),
                "not a regular file (a FIFO, device or socket); skipped",
            ));
            continue;
        }
        if !kind.is_file()
            || ![".html", ".xml", ".txt", ".json"]
                .iter()
                .any(|e| name.ends_with(e))
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
    errors
}

#[cfg(test)]
mod tests {
    use super::super::template_checks::MAX_INCLUDE_DEPTH;
    use super::*;

    #[test]
    fn the_theme_parses() {
        let dir = tempfile::tempdir().unwrap();
        let t = Templates::load(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(t
            .tera
            .get_template_names()
            .any(|n| n == "theme/article.html"));
        assert!(t.warnings.is_empty());
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
        let ctx = tera::Context::from_serialize(&serde_json::json!({
            "site": {"title": "T", "language": "en", "generator": "g", "feeds": []},
            "page": {"kind": "taxonomy", "url": "tags/", "permalink": "p", "title": "Tags",
                     "preview": {"type": "website", "locale": "en", "description": "", "image": null}},
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
        assert!(
            first.contains("template syntax: Found `}` but expected }}."),
            "{first}"
        );
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
    fn recursive_components_are_refused_at_the_call() {
        let errors = load_errors(&[
            ("c.html", "{% component f(n: integer) %}\n  {{<g n={n} />}}{% endcomponent f %}\n{% component g(n: integer) %}{% if n %}{{ <f n={n - 1}/> }}{% endif %}{% endcomponent g %}"),
            ("ok.html", "{% component h() %}{{<f n={1} />}}{% endcomponent h %}"),
        ]);
        assert_eq!(
            errors,
            ["error: templates/c.html:3:43: component recursion: f → g → f; a component cannot call itself, directly or through others"]
        );
        // A component that calls another without a loop, and one compared with `<`.
        assert!(load_errors(&[(
            "c.html",
            "{% component f(n: integer) %}{% if n < g %}{{<g/>}}{% endif %}{% endcomponent f %}{% component g() %}x{% endcomponent g %}"
        )])
        .is_empty());
    }

    #[test]
    fn a_site_component_replaces_the_theme_one_of_that_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates/parts")).unwrap();
        std::fs::write(
            dir.path().join("templates/parts/mine.html"),
            "{% component chips(terms: array, kind: string, root: string, label: string = \"\", omit: map = {}) %}<b>{{ terms | length }} {{ kind }}</b>{% endcomponent chips %}",
        )
        .unwrap();
        let t = Templates::load(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        let ctx = tera::Context::from_serialize(&serde_json::json!({
            "root": "../", "site": {}, "omit": {"open": "", "body": "", "close": ""},
            "article": {"url": "articles/a/", "title": "A", "draft": false, "datetime": "2017-07-06",
                        "date": "2017-07-06", "source": {"url": "sources/s/", "name": "S"},
                        "notes": {"count": 0}, "summary": "", "actors": [{"name": "X", "url": "actors/x/"}]}
        }))
        .unwrap();
        let card = t
            .render(super::super::context::CARD_TEMPLATE, &ctx, "/a/")
            .unwrap();
        assert!(card.contains("<b>1 actor</b>"), "{card}");
        // Two of the site's own templates defining one component is an error.
        let errors = load_errors(&[
            ("a.html", "{% component x() %}1{% endcomponent x %}"),
            ("b.html", "\n{% component x() %}2{% endcomponent x %}"),
        ]);
        assert_eq!(
            errors,
            ["error: templates/b.html:2:4: component `x` is also defined in templates/a.html"]
        );
    }

    /// A chain of `n` templates, each including the next.
    fn include_chain(n: usize) -> Vec<(String, String)> {
        (0..n)
            .map(|i| {
                let text = match i + 1 < n {
                    true => format!("{{% include \"c{}.html\" %}}", i + 1),
                    false => "end".to_string(),
                };
                (format!("c{i}.html"), text)
            })
            .collect()
    }

    #[test]
    fn include_chains_deeper_than_the_stack_allows_are_refused_at_the_first_include() {
        // 3,000 nested includes overflowed the stack when the page rendered (exit 134).
        let chain = include_chain(3000);
        let files: Vec<(&str, &str)> = chain
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            load_errors(&files),
            ["error: templates/c0.html:1:1: `include` chain 2999 deep from here (c0.html → c1.html → …); the most is 32"]
        );
        let chain = include_chain(MAX_INCLUDE_DEPTH + 1);
        let files: Vec<(&str, &str)> = chain
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        assert!(load_errors(&files).is_empty());
    }

    #[test]
    fn a_page_is_capped_at_what_its_template_may_write() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/x.html"),
            "{% for i in range(end=1000) %}0123456789{% endfor %}",
        )
        .unwrap();
        let mut t = Templates::load(dir.path()).unwrap();
        assert_eq!(
            t.render("x.html", &tera::Context::new(), "/x/")
                .unwrap()
                .len(),
            10_000
        );
        t.max_page_bytes = 9_999;
        let e = t
            .render("x.html", &tera::Context::new(), "/x/")
            .unwrap_err();
        assert_eq!(
            e.to_string().lines().next().unwrap(),
            "error: templates/x.html: cannot render /x/: x.html wrote more than 0 MiB for it"
        );
    }

    /// Under Tera 1, hundreds of nested blocks overflowed the stack (exit 134); Tera 2's
    /// parser refuses them when templates load.
    #[test]
    fn deep_nesting_is_refused_at_load() {
        let n = 200;
        let text = format!(
            "{}x{}",
            "{% for i in [1] %}".repeat(n),
            "{% endfor %}".repeat(n)
        );
        let errors = load_errors(&[("x.html", &text)]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("error: templates/x.html:1:")
                && errors[0].ends_with("template syntax: The template nesting is too deep"),
            "{errors:?}"
        );
    }

    #[test]
    fn extends_loops_are_refused_at_the_extends() {
        assert_eq!(
            load_errors(&[("home.html", "{% extends \"article.html\" %}"), ("article.html", "\n{% extends \"home.html\" %}")]),
            ["error: templates/home.html:1:1: template extends loop: article.html → home.html → article.html; a template cannot extend itself, directly or through others"]
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
            "error: templates/x.html:2:42: cannot render /x/: range: 400 numbers asked for, but a page's ranges may make 100000 in all"
        );
        // Each page starts with the whole budget.
        assert_eq!(
            t.render("y.html", &tera::Context::new(), "/y/").unwrap(),
            "2,5,8"
        );
    }
}
