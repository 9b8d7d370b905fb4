//! Rendering: the site model → the bytes of every output file, through Tera.
//!
//! [`plan`] lists the files; [`context`] builds what each page's template sees;
//! [`templates`] holds the theme and the site's overrides. [`render_page`] renders one
//! page from those alone, which is what lets a rebuild redo a single page.

pub mod context;
pub mod filters;
pub mod jsonld;
pub mod plan;
pub mod templates;

use crate::diagnostics::Diagnostic;
use crate::model::site::Site;
use context::Views;
use plan::PageKind;
use templates::Templates;

/// Renders one page to HTML.
pub fn render_page(
    site: &Site,
    views: &Views,
    templates: &Templates,
    kind: PageKind,
) -> Result<String, Diagnostic> {
    let context = views.context(site, kind);
    let url = kind.url(site);
    templates.render(kind.template(), &context, &format!("/{url}"))
}
