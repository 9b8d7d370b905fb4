//! `aliases:`, the old URLs of an article: what each is made into, what an editor is
//! told about one that cannot be, and where in the file each is written, so that a
//! message about one alias (a clash found when the site is planned, say) points at it.

use super::{advice, split, KeyIndex};
use std::ops::Range;

/// Why a written alias is not an address on this site, and the line to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAnAlias {
    /// What is wrong, in an editor's words.
    pub why: &'static str,
    /// What to write instead.
    pub help: String,
}

/// An alias as written (`/articles/old-slug`, `2017/07/06/old.html`) made the
/// site-relative URL it is served at: no leading `/`, and a folder's with its
/// trailing one (`articles/old-slug/`; a last segment without a `.` is a folder).
pub fn alias_path(written: &str) -> Result<String, NotAnAlias> {
    let url = written.trim();
    let not = |why, help: String| Err(NotAnAlias { why, help });
    if url.contains("://") || url.starts_with("//") {
        let path = url::Url::parse(url)
            .or_else(|_| url::Url::parse(&format!("https:{url}")))
            .map(|u| u.path().to_string());
        return not(
            "an alias is a path on this site, not a full URL",
            match path {
                Ok(p) if p != "/" => format!(
                    "if it was this site's address, write only its path: `{p}` (a host cannot redirect addresses of another)"
                ),
                _ => "remove it: a redirect can only be made on this site".into(),
            },
        );
    }
    if let Some(at) = url.find(['?', '#']) {
        return not(
            "an alias cannot have a query (`?`) or a fragment (`#`)",
            format!("hosts redirect by the path alone: write `{}`", &url[..at]),
        );
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c == '\\' || c.is_control())
    {
        let fixed: String = url
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .map(|c| match c {
                '\\' => "/".to_string(),
                c if c.is_whitespace() => "%20".to_string(),
                c => c.to_string(),
            })
            .collect();
        return not(
            "an alias cannot hold spaces or backslashes",
            format!("write it as a browser shows it: `{fixed}`"),
        );
    }
    let path = url.trim_start_matches('/');
    if path.is_empty() {
        return not(
            "the home page cannot be an alias",
            "remove it: the home page's address never changes".into(),
        );
    }
    if path.split('/').any(|s| s == ".." || s == ".") || path.contains("//") {
        return not(
            "an alias cannot have empty, `.` or `..` parts",
            "write the address as a browser's address bar shows it, such as `articles/old-slug/`"
                .into(),
        );
    }
    let last = path.rsplit('/').next().unwrap_or_default();
    Ok(if path.ends_with('/') || last.contains('.') {
        path.to_string()
    } else {
        format!("{path}/")
    })
}

/// The items of `aliases:` as written in the file `text` (quotes included), each
/// with the URL it makes, when it makes one.
fn items(text: &str, index: &KeyIndex) -> Vec<(Range<usize>, Option<String>)> {
    advice::list_items(text, index, "aliases")
        .into_iter()
        .map(|range| {
            let written = text[range.clone()].trim_matches(|c| c == '"' || c == '\'');
            let path = alias_path(written).ok();
            (range, path)
        })
        .collect()
}

/// Where item `n` of `aliases:` is written in `text` (bytes), if found.
pub(super) fn item(text: &str, index: &KeyIndex, n: usize) -> Option<Range<usize>> {
    advice::list_items(text, index, "aliases")
        .into_iter()
        .nth(n)
}

/// Where the alias that makes the URL `alias` is written in the article `text`: the
/// bytes of the item in its `aliases:` list, if it is found there.
pub fn written_at(text: &str, alias: &str) -> Option<Range<usize>> {
    let split = split(std::path::Path::new(""), text).ok()?;
    let index = KeyIndex::new(split.yaml, split.yaml_line);
    items(text, &index)
        .into_iter()
        .find(|(_, path)| path.as_deref() == Some(alias))
        .map(|(range, _)| range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_made_paths_of_this_site() {
        assert_eq!(alias_path("/articles/old").unwrap(), "articles/old/");
        assert_eq!(
            alias_path("2017/07/06/x.html").unwrap(),
            "2017/07/06/x.html"
        );
        assert_eq!(alias_path(" articles/a/ ").unwrap(), "articles/a/");
    }

    #[test]
    fn each_mistake_gets_its_own_advice() {
        let help = |w: &str| alias_path(w).unwrap_err().help;
        assert_eq!(
            help("https://example.org/articles/old/"),
            "if it was this site's address, write only its path: `/articles/old/` (a host cannot redirect addresses of another)"
        );
        assert_eq!(
            help("articles/old/?id=3"),
            "hosts redirect by the path alone: write `articles/old/`"
        );
        assert_eq!(
            help("articles/old slug/"),
            "write it as a browser shows it: `articles/old%20slug/`"
        );
        assert_eq!(
            help("/"),
            "remove it: the home page's address never changes"
        );
        assert_eq!(
            help("https://example.org/"),
            "remove it: a redirect can only be made on this site"
        );
    }

    #[test]
    fn an_alias_is_found_where_it_is_written() {
        let text = "---\ntitle: A\naliases:\n  - \"/articles/old\" # was\n  - x.html\n---\n";
        let at = written_at(text, "articles/old/").unwrap();
        assert_eq!(&text[at], "\"/articles/old\"");
        let at = written_at(text, "x.html").unwrap();
        assert_eq!(&text[at], "x.html");
        let text = "---\naliases: [a/, 'b']\n---\n";
        assert_eq!(&text[written_at(text, "b/").unwrap()], "'b'");
        assert!(written_at(text, "c/").is_none());
    }
}
