//! Rendering: the site model → the bytes of every output file, through Tera.
//!
//! [`plan`] lists the files; [`context`] builds what each page's template sees;
//! [`templates`] holds the theme and the site's overrides. [`render_page`] renders one
//! page from those alone, which is what lets a rebuild redo a single page.

pub mod context;
pub mod filters;
pub mod jsonld;
pub mod links;
pub mod news;
pub mod plan;
pub mod redirects;
pub mod sitemap;
mod template_checks;
pub mod templates;
mod tera1;
mod tera_errors;
pub mod theme;

use crate::diagnostics::Diagnostic;
use crate::model::site::Site;
use context::Views;
use plan::PageKind;
use templates::Templates;

/// Renders one page (HTML, a feed, the search index).
pub fn render_page(
    site: &Site,
    views: &Views,
    templates: &Templates,
    kind: PageKind,
) -> Result<String, Diagnostic> {
    let page = render_unspliced(site, views, templates, kind)?;
    Ok(views.splice_cards(page, &context::root(site, kind)))
}

/// Renders one page with the places of its cards still marked: what
/// [`Views::write_spliced`] writes out, cards and all.
pub fn render_unspliced(
    site: &Site,
    views: &Views,
    templates: &Templates,
    kind: PageKind,
) -> Result<String, Diagnostic> {
    let Some(template) = kind.template() else {
        return match kind {
            PageKind::Redirects => redirects::file(site),
            _ => Ok(views.search_index(site)),
        };
    };
    let context = views.context(site, kind);
    templates.render(template, &context, &format!("/{}", kind.url(site)))
}
