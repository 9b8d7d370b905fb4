//! Rendering: the site model → the bytes of every output file, through Tera.
//!
//! [`plan`] lists the files; [`context`] builds what each page's template sees;
//! [`templates`] holds the theme and the site's overrides. [`render_page`] renders one
//! page from those alone, which is what lets a rebuild redo a single page.

pub mod context;
pub mod filters;
pub mod jsonld;
pub mod links;
pub mod plan;
pub mod templates;

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
    let Some(template) = kind.template() else {
        return Ok(views.search_index(site));
    };
    let context = views.context(site, kind);
    let page = templates.render(template, &context, &format!("/{}", kind.url(site)))?;
    Ok(views.splice_cards(page, &context::root(site, kind)))
}
