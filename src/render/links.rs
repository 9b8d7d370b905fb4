//! Internal link checking, for `briefing check`: every `href` and `src` of every
//! rendered page must name a file of the output (a folder meaning its `index.html`),
//! and every `#fragment` an `id` in the page it points to.
//!
//! Pages are scanned as they are rendered, keeping only their links and ids, so a
//! check of a large site never holds its HTML.

use crate::diagnostics::Diagnostic;
use crate::paths;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::PathBuf;

/// What one page links to, and the ids it has.
#[derive(Debug, Default)]
pub struct PageLinks {
    /// The page's path in the output (`articles/x/index.html`).
    pub path: String,
    /// The file it comes from, for messages (an article's Markdown file).
    pub origin: Option<PathBuf>,
    /// Each internal link as written (`../../actors/x/#top`), once.
    pub links: Vec<String>,
    /// Its element ids.
    pub ids: HashSet<String>,
}

/// Scans one rendered page.
pub fn scan(path: &str, origin: Option<PathBuf>, html: &str) -> PageLinks {
    let mut links: Vec<String> = Vec::new();
    let mut seen = HashSet::default();
    for value in attribute_values(html, "href").chain(attribute_values(html, "src")) {
        if is_internal(value) && seen.insert(value) {
            links.push(unescape(value));
        }
    }
    let ids = attribute_values(html, "id").map(unescape).collect();
    PageLinks {
        path: path.to_string(),
        origin,
        links,
        ids,
    }
}

/// Checks every page's links against the output's files (`files`, paths relative to
/// the output) and the scanned pages' ids. `base_path` (`/briefings/`) is where the
/// site is served: root-absolute links must start with it. `source` gives the text of
/// a page's origin, to point at the link's line where it can be found there.
pub fn check(
    pages: &[PageLinks],
    files: &HashSet<&str>,
    base_path: &str,
    source: impl Fn(&std::path::Path) -> Option<String>,
) -> Vec<Diagnostic> {
    let by_path: HashMap<&str, &PageLinks> = pages.iter().map(|p| (p.path.as_str(), p)).collect();
    let mut diagnostics = Vec::new();
    for page in pages {
        for link in &page.links {
            if page.origin.is_some() && is_markdown_file(link) {
                continue;
            }
            let problem = match resolve(&page.path, link, base_path) {
                Err(why) => Some(why),
                Ok((target, fragment)) => {
                    if !files.contains(target.as_str()) {
                        Some(format!("{target} is not in the site"))
                    } else {
                        match (fragment, by_path.get(target.as_str())) {
                            (Some(f), Some(p)) if !p.ids.contains(&f) => {
                                Some(format!("{target} has no id {f:?}"))
                            }
                            _ => None,
                        }
                    }
                }
            };
            if let Some(why) = problem {
                diagnostics.push(match &page.origin {
                    Some(file) => {
                        let d = Diagnostic::error(file, format!("broken link {link:?}: {why}"));
                        match source(file).and_then(|text| find(&text, link).map(|at| (at, text))) {
                            Some((at, text)) => d.at_offset(at, &text),
                            None => d,
                        }
                    }
                    None => {
                        Diagnostic::general(format!("{}: broken link {link:?}: {why}", page.path))
                    }
                });
            }
        }
    }
    diagnostics
}

/// Whether `link` is relative and names a `.md` file. An article's Markdown links
/// to `.md` files are resolved to article pages by the Markdown stage, which warns
/// about each that leads to no article (a warning, as the README lists it): one left
/// as written in the page is such a link, and reporting it again would say it twice.
fn is_markdown_file(link: &str) -> bool {
    let file = link.split(['#', '?']).next().unwrap_or_default();
    !link.starts_with('/') && file.ends_with(".md")
}

/// Where a link of a rendered page is written in its Markdown: as the target of a
/// Markdown link, or else (a `.md` link, rewritten) by its fragment.
fn find(text: &str, link: &str) -> Option<usize> {
    if let Some(at) = text.find(&format!("]({link}")) {
        return Some(at + 2);
    }
    let fragment = link.split_once('#').map(|(_, f)| format!("#{f})"))?;
    let end = text.find(&fragment)?;
    Some(text[..end].rfind("](").map_or(end, |at| at + 2))
}

/// The values of attribute `name` in `html`, quoted either way.
fn attribute_values<'a>(html: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let bytes = html.as_bytes();
    html.match_indices(name).filter_map(move |(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if !matches!(before, Some(b' ' | b'\n' | b'\t' | b'\r')) {
            return None;
        }
        let rest = html[at + name.len()..].strip_prefix('=')?;
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value = &rest[1..];
        value.find(quote).map(|end| &value[..end])
    })
}

/// Whether a link points into the site: not to another scheme or host.
fn is_internal(link: &str) -> bool {
    if link.starts_with("//") {
        return false;
    }
    // A scheme is letters before the first `:`, with no `/`, `?` or `#` before it.
    let head = link.split(['/', '?', '#']).next().unwrap_or("");
    !head.contains(':')
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The output file a link from page `from` leads to, and its fragment. `Err` says why
/// it cannot lead anywhere in the site.
fn resolve(from: &str, link: &str, base_path: &str) -> Result<(String, Option<String>), String> {
    // An absolute path is the site's own only under its base path; it is then
    // resolved from the root like any other link.
    let (from, link) = match link.strip_prefix('/') {
        Some(absolute) => match absolute.strip_prefix(base_path.trim_start_matches('/')) {
            Some(inside) => ("", inside),
            None if base_path == "/" => ("", absolute),
            None => return Err(format!("it is outside the site's path {base_path}")),
        },
        None => (from, link),
    };
    match paths::resolve(from, link) {
        Some(r) => Ok((r.file(), r.fragment)),
        None => Err("it leads above the site's root".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, html: &str) -> PageLinks {
        scan(path, None, html)
    }

    #[test]
    fn scans_internal_links_and_ids_only() {
        let p = page(
            "a/index.html",
            r#"<a href="../b/">b</a> <a href='https://x.org/'>x</a> <img src="m.svg" alt="">
               <p id="top" data-href="no"></p><a href="mailto:a@b.org">m</a><a href="//cdn.org/x">c</a>
               <a href="?q=1&amp;r=2">q</a>"#,
        );
        assert_eq!(p.links, ["../b/", "?q=1&r=2", "m.svg"]);
        assert!(p.ids.contains("top"));
    }

    #[test]
    fn resolves_like_a_browser_from_a_folder_page() {
        let r = |link| resolve("articles/x/index.html", link, "/briefings/");
        assert_eq!(
            r("../../actors/y/"),
            Ok(("actors/y/index.html".into(), None))
        );
        assert_eq!(
            r("map%20one.svg"),
            Ok(("articles/x/map one.svg".into(), None))
        );
        assert_eq!(
            r("#n-1"),
            Ok(("articles/x/index.html".into(), Some("n-1".into())))
        );
        assert_eq!(r("/briefings/tags/"), Ok(("tags/index.html".into(), None)));
        assert_eq!(r("../../"), Ok(("index.html".into(), None)));
        assert!(r("../../../x/").is_err());
        assert!(r("/elsewhere/").is_err());
    }

    #[test]
    fn links_an_article_s_markdown_stage_reported_are_not_reported_again() {
        let pages = vec![scan(
            "a/index.html",
            Some(PathBuf::from("content/a.md")),
            r#"<a href="gone.md">g</a><a href="../x/gone.md#top">t</a><a href="gone.html">h</a>"#,
        )];
        let files: HashSet<&str> = ["a/index.html"].into_iter().collect();
        let found: Vec<String> = check(&pages, &files, "/", |_| None)
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(
            found,
            ["broken link \"gone.html\": a/gone.html is not in the site"]
        );
    }

    #[test]
    fn reports_missing_pages_and_missing_ids() {
        let pages = vec![
            page(
                "index.html",
                r#"<a href="a/">a</a><a href="a/#there">t</a><a href="a/#gone">g</a><a href="b/">b</a>"#,
            ),
            page("a/index.html", r#"<h2 id="there">x</h2>"#),
        ];
        let files: HashSet<&str> = ["index.html", "a/index.html"].into_iter().collect();
        let found: Vec<String> = check(&pages, &files, "/", |_| None)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "error: index.html: broken link \"a/#gone\": a/index.html has no id \"gone\"",
                "error: index.html: broken link \"b/\": b/index.html is not in the site",
            ]
        );
    }
}
