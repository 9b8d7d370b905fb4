//! `_redirects`: a rule for each alias, for the hosts that read the file (Netlify,
//! Cloudflare Pages), after the lines of the site's own `static/_redirects`.
//!
//! Each rule is `<old path> <article path> 301`, both with `base_url`'s path, since
//! a host reads the file only at its root. The status is `301`, not Netlify's forced
//! `301!`: Cloudflare Pages refuses the `!` ("Valid status codes are 200, 301, …")
//! and applies every rule before its files anyway, while Netlify, which lets a file
//! at the old path win unless forced, then serves the redirect page written there,
//! which sends the reader on at once. `force_redirects = true` in site.toml writes
//! `301!` for a site on Netlify alone.

use crate::diagnostics::Diagnostic;
use crate::model::article::Article;
use crate::model::site::Site;
use crate::render::plan::{Entry, Output, PageKind, REDIRECTS};

/// The most static rules Cloudflare Pages reads from `_redirects`.
pub const CLOUDFLARE_MOST: usize = 2_000;

/// The text of `_redirects`.
pub fn file(site: &Site) -> Result<String, Diagnostic> {
    let mut out = String::new();
    if let Some(own) = site.static_files.iter().find(|f| f.rel == REDIRECTS) {
        let text = std::fs::read_to_string(&own.src).map_err(|e| {
            Diagnostic::error(format!("static/{REDIRECTS}"), format!("cannot read: {e}"))
        })?;
        out.push_str(&text);
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    }
    let base = site.config.base_path();
    let status = if site.config.force_redirects {
        "301!"
    } else {
        "301"
    };
    for a in site.articles.iter().chain(&site.withdrawn) {
        for alias in &a.front.aliases {
            out.push_str(&format!(
                "{base}{alias} {base}articles/{}/ {status}\n",
                a.slug
            ));
        }
    }
    Ok(out)
}

/// A warning when the aliases make more rules than Cloudflare Pages reads.
pub fn too_many(site: &Site) -> Option<Diagnostic> {
    let rules: usize = site
        .articles
        .iter()
        .chain(&site.withdrawn)
        .map(|a| a.front.aliases.len())
        .sum();
    (rules > CLOUDFLARE_MOST).then(|| {
        Diagnostic::general_warning(format!(
            "{rules} aliases make {rules} rules in _redirects; Cloudflare Pages reads the first \
             {CLOUDFLARE_MOST} (Netlify reads them all, and every alias also has its redirect page)"
        ))
    })
}

/// The article and the alias a page at an old URL is for.
fn alias_of<'s>(site: &'s Site, entry: &Entry) -> Option<(&'s Article, String)> {
    let (a, n) = match entry.output {
        Output::Page(PageKind::Alias(i, n)) => (&site.articles[i], n),
        Output::Page(PageKind::WithdrawnAlias(i, n)) => (&site.withdrawn[i], n),
        _ => return None,
    };
    Some((a, a.front.aliases[n].clone()))
}

/// When one of two entries that want the same path is an alias, the error about it:
/// at the alias, in its file, naming what else wants its address. `None` when
/// neither is an alias.
pub fn clash(site: &Site, existing: &Entry, entry: &Entry) -> Option<Diagnostic> {
    let (ours, other) = match (alias_of(site, entry), alias_of(site, existing)) {
        // Two aliases: said at the newer article's, the likelier mistake.
        (Some(new), Some(old)) if old.0.front.date.at > new.0.front.date.at => (old, entry),
        (Some(alias), _) => (alias, existing),
        (None, Some(alias)) => (alias, entry),
        (None, None) => return None,
    };
    let (article, alias) = ours;
    let (message, help) = match alias_of(site, other) {
        Some((them, _)) => (
            format!(
                "aliases: {alias} is also an alias of {}",
                them.file.display()
            ),
            "an old address can lead to one article only: keep it in one of the two files"
                .to_string(),
        ),
        None => (
            format!("aliases: {alias} is the address of {}", other.origin),
            format!(
                "remove it: {} is there now, and an alias would replace it",
                match other.output {
                    Output::Page(PageKind::Article(_)) => "that article",
                    _ => "that page",
                }
            ),
        ),
    };
    let d = Diagnostic::error(&article.file, message);
    // Read again, for the line: clashes are rare, and the text is not kept.
    let text = std::fs::read_to_string(&article.src).unwrap_or_default();
    let d = match crate::content::front_matter::aliases::written_at(&text, &alias) {
        Some(range) => d.at_range(range, &text),
        None => d,
    };
    Some(d.help(help))
}
