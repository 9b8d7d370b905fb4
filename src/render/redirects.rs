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
use crate::model::site::Site;
use crate::render::plan::REDIRECTS;

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
