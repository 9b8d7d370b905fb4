//! Rendering: the site model → the bytes of every output file, through Tera.
//!
//! [`plan`] lists the files; [`context`] builds what each page's template sees;
//! [`templates`] holds the theme and the site's overrides. [`render_page`] renders one
//! page from those alone, which is what lets a rebuild redo a single page.

pub mod context;
pub mod email;
pub mod filters;
pub mod jsonld;
pub mod links;
pub mod news;
pub mod plan;
pub mod redirects;
pub mod shortcodes;
pub mod sitemap;
mod template_checks;
pub mod templates;
mod tera1;
mod tera_errors;
pub mod theme;

use crate::diagnostics::Diagnostic;
use crate::model::site::Site;
use context::Views;
use plan::{EditionFile, PageKind};
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
            PageKind::Edition(d, _) => edition_message(site, views, templates, d),
            PageKind::SearchIndex(file) => Ok(context::search::file(site, file)),
            other => Err(Diagnostic::general(format!(
                "{} has neither a template nor code to write it",
                other.name()
            ))),
        };
    };
    let context = views.context(site, kind);
    let page = format!("/{}", kind.url(site));
    let rendered = templates.render(template, &context, &page)?;
    match kind {
        PageKind::Edition(_, EditionFile::Html) => email::inline(&rendered).map_err(|e| {
            Diagnostic::general(format!("cannot inline the styles of {page}email.html: {e}"))
        }),
        PageKind::Edition(_, EditionFile::Text) => Ok(email::wrap(&rendered)),
        _ => Ok(rendered),
    }
}

/// `edition.eml` of edition `d`: its HTML and text emails rendered, its subject from
/// `[editions] subject`, made into one message. Bytes of the message are ASCII (its
/// parts are encoded), so it travels as a `String`.
fn edition_message(
    site: &Site,
    views: &Views,
    templates: &Templates,
    d: usize,
) -> Result<String, Diagnostic> {
    let html = render_unspliced(
        site,
        views,
        templates,
        PageKind::Edition(d, EditionFile::Html),
    )?;
    let text = render_unspliced(
        site,
        views,
        templates,
        PageKind::Edition(d, EditionFile::Text),
    )?;
    let context = views.context(site, PageKind::Edition(d, EditionFile::Message));
    let subject = templates
        .tera
        .render_str(&site.config.editions.subject, &context, false)
        .map_err(|e| {
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!(
                    "editions.subject: cannot render for the edition of {}: {e}",
                    site.editions[d].day
                ),
            )
            .help(
                "the subject sees `site` and `edition`, as `{{ site.title }}: {{ edition.label }}`",
            )
        })?;
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let message = email::Message {
        config: &site.config,
        edition: &site.editions[d],
        subject: &subject,
        html: &html,
        text: &text,
    };
    let bytes = message
        .build()
        .ok_or_else(|| Diagnostic::general("edition.eml: no sender or list to write it for"))?;
    String::from_utf8(bytes).map_err(|_| Diagnostic::general("edition.eml: not ASCII"))
}
