//! Paths inside the site: the one resolver of relative links, on the `url` crate.
//!
//! Markdown links between articles (`../2017/other.md` from `content/world/`), the
//! link checker (`../../actors/x/#top` from `articles/y/index.html`) and the tests
//! all ask one question: where does this link, written in that folder, lead, and
//! does it stay inside the site? [`resolve`] answers it as a browser would (the
//! WHATWG URL rules: `.` and `..` segments, a query and a fragment cut off,
//! percent-decoding, and a backslash read as a slash, as browsers read it in a web
//! page's links), against a base whose root stands for the site's, so a link that
//! climbs above that root is told apart from one that reaches it.

use percent_encoding::percent_decode_str;
use url::Url;

/// Where a resolved link leads, relative to the site's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The path, `/`-separated, percent-decoded, without a leading `/`: `actors/x/`
    /// (a folder ends with `/`; the root is `""`).
    pub path: String,
    /// The `#fragment`, percent-decoded, when there is a non-empty one.
    pub fragment: Option<String>,
}

impl Resolved {
    /// The file the path names: a folder's `index.html`.
    pub fn file(&self) -> String {
        if self.path.is_empty() || self.path.ends_with('/') {
            format!("{}index.html", self.path)
        } else {
            self.path.clone()
        }
    }
}

/// The site's root, under a segment no link names, so that a `..` too many shows.
const ROOT: &str = "http://site.invalid/.root/";

/// Resolves `link` (relative, such as `../b/#n`, or empty) written in the page or
/// folder `from` (site-relative: `articles/x/index.html`, or `world/` for a folder).
/// `None` when the link leads above the site's root, or is not a relative link.
pub fn resolve(from: &str, link: &str) -> Option<Resolved> {
    let root = Url::parse(ROOT).expect("the root is a URL");
    let base = root.join(from).ok()?;
    let url = base.join(link).ok()?;
    if url.host_str() != root.host_str() || url.scheme() != root.scheme() {
        return None;
    }
    let inside = url.path().strip_prefix(root.path())?;
    Some(Resolved {
        path: percent_decode_str(inside).decode_utf8_lossy().into_owned(),
        fragment: url
            .fragment()
            .filter(|f| !f.is_empty())
            .map(|f| percent_decode_str(f).decode_utf8_lossy().into_owned()),
    })
}

/// `html` with the value of every `href="…"` and `src="…"` attribute resolved
/// against `base`, an absolute URL (an article's permalink): for feeds whose
/// readers have no base to resolve a relative link against (RSS, JSON Feed).
/// A link that does not resolve is kept as it is. Reads HTML as briefing writes it:
/// each attribute after a space or a line break, its value in double quotes.
pub fn absolute_links(html: &str, base: &str) -> String {
    let Ok(base) = Url::parse(base) else {
        return html.to_string();
    };
    map_links(html, |link| base.join(link).ok().map(String::from))
}

/// `html` with each `href` and `src` value, and each URL of a `srcset`, that `f` maps
/// replaced by what it gives (the others kept). Reads HTML as briefing writes it: each
/// attribute after a space or a line break, its value in double quotes. Hand-written,
/// since a whole HTML rewriter would parse every body again for three attributes.
pub fn map_links(html: &str, mut f: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(at) = rest.find([' ', '\n']) {
        let (before, after) = rest.split_at(at + 1);
        out.push_str(before);
        rest = after;
        for attribute in ["href=\"", "src=\""] {
            let Some(value) = rest.strip_prefix(attribute) else {
                continue;
            };
            let Some(end) = value.find('"') else {
                continue;
            };
            out.push_str(attribute);
            match f(&value[..end]) {
                Some(mapped) => out.push_str(&mapped),
                None => out.push_str(&value[..end]),
            }
            rest = &value[end..];
        }
        // `srcset`: each candidate's URL, its width descriptor kept.
        if let Some(value) = rest.strip_prefix("srcset=\"") {
            if let Some(end) = value.find('"') {
                out.push_str("srcset=\"");
                for (n, candidate) in value[..end].split(',').enumerate() {
                    let candidate = candidate.trim();
                    let (url, descriptor) = candidate.split_once(' ').unwrap_or((candidate, ""));
                    if n > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&f(url).unwrap_or_else(|| url.to_string()));
                    if !descriptor.is_empty() {
                        out.push(' ');
                        out.push_str(descriptor.trim());
                    }
                }
                rest = &value[end..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(from: &str, link: &str) -> Option<String> {
        resolve(from, link).map(|r| r.path)
    }

    #[test]
    fn map_links_maps_each_candidate_of_a_srcset() {
        let html = r#"<picture><source type="image/webp" srcset="a-480.k.webp 480w, a-960.k.webp 960w" sizes="100vw"><img src="a.png" srcset="a-480.k.png 480w, a.png 1200w" alt=""></picture>"#;
        let mapped = map_links(html, |u| Some(format!("https://x.org/p/{u}")));
        assert_eq!(
            mapped,
            r#"<picture><source type="image/webp" srcset="https://x.org/p/a-480.k.webp 480w, https://x.org/p/a-960.k.webp 960w" sizes="100vw"><img src="https://x.org/p/a.png" srcset="https://x.org/p/a-480.k.png 480w, https://x.org/p/a.png 1200w" alt=""></picture>"#
        );
    }

    #[test]
    fn resolves_like_a_browser_from_a_page_in_a_folder() {
        let from = "articles/x/index.html";
        assert_eq!(path(from, "../../actors/y/").as_deref(), Some("actors/y/"));
        assert_eq!(
            path(from, "map%20one.svg").as_deref(),
            Some("articles/x/map one.svg")
        );
        assert_eq!(path(from, "").as_deref(), Some("articles/x/index.html"));
        assert_eq!(path(from, "?q=1").as_deref(), Some("articles/x/index.html"));
        assert_eq!(path(from, ".").as_deref(), Some("articles/x/"));
        assert_eq!(path(from, "..").as_deref(), Some("articles/"));
        assert_eq!(path(from, "../../").as_deref(), Some(""));
        let top = resolve(from, "#n-1").unwrap();
        assert_eq!(
            (top.file(), top.fragment.as_deref()),
            ("articles/x/index.html".into(), Some("n-1"))
        );
        assert_eq!(resolve(from, "#").unwrap().fragment, None);
        assert_eq!(
            path(from, "..\\y\\a.svg").as_deref(),
            Some("articles/y/a.svg")
        );
    }

    #[test]
    fn a_link_above_the_root_or_to_another_host_leads_nowhere() {
        assert_eq!(path("articles/x/index.html", "../../../x/"), None);
        assert_eq!(path("", ".."), None);
        assert_eq!(path("a/index.html", "//elsewhere.org/x"), None);
        assert_eq!(path("a/index.html", "https://elsewhere.org/"), None);
    }

    #[test]
    fn markdown_links_join_the_folder_they_are_written_in() {
        assert_eq!(
            path("world/", "other.md").as_deref(),
            Some("world/other.md")
        );
        assert_eq!(path("world/", "../2017/a.md").as_deref(), Some("2017/a.md"));
        assert_eq!(path("", "./a.md").as_deref(), Some("a.md"));
        assert_eq!(path("world/", "../../a.md"), None);
    }

    #[test]
    fn a_folder_names_its_index() {
        assert_eq!(resolve("", "tags/").unwrap().file(), "tags/index.html");
        assert_eq!(resolve("a/b.html", "").unwrap().file(), "a/b.html");
        assert_eq!(resolve("a/", "..").unwrap().file(), "index.html");
    }

    #[test]
    fn links_in_a_body_become_absolute_from_its_page() {
        let base = "https://example.org/briefings/articles/a/";
        let html = "<p><a href=\"../../actors/x/\">X</a> and <a href=\"#note-1\" role=\"doc-noteref\">1</a>\n<img src=\"map.png\" alt=\"\"> <a href=\"https://else.example/?a=1&amp;b=2\">e</a> <a href=\"mailto:x@example.org\">m</a></p>";
        assert_eq!(
            absolute_links(html, base),
            "<p><a href=\"https://example.org/briefings/actors/x/\">X</a> and <a href=\"https://example.org/briefings/articles/a/#note-1\" role=\"doc-noteref\">1</a>\n<img src=\"https://example.org/briefings/articles/a/map.png\" alt=\"\"> <a href=\"https://else.example/?a=1&amp;b=2\">e</a> <a href=\"mailto:x@example.org\">m</a></p>"
        );
        assert_eq!(absolute_links("no links", "not a url"), "no links");
    }
}
