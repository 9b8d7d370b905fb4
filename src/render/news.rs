//! Google News readiness: with `[news] google = true` in site.toml, a warning for
//! each article that lacks what Google's article documentation recommends of a
//! news page (its structured data's `image` and `author`). Google requires neither,
//! so without the setting nothing is said, and `--strict` stays usable.

use crate::diagnostics::Diagnostic;
use crate::model::site::Site;
use crate::model::taxonomy::TaxonomyKind;

/// A warning for each article Google News would find lacking, when the site asks.
pub fn google_recommends(site: &Site) -> Vec<Diagnostic> {
    if !site.config.news.google {
        return Vec::new();
    }
    let default_image = site.config.previews.default_image.is_some();
    let mut warnings = Vec::new();
    for a in &site.articles {
        if a.image.is_none() && !default_image {
            warnings.push(
                Diagnostic::warning(&a.file, "Google News recommends an image, and this article has none")
                    .help("add `image:` (with `image_alt:`), or a `default_image` in site.toml for every article without one"),
            );
        }
        if a.names(TaxonomyKind::Authors).is_empty() {
            warnings.push(
                Diagnostic::warning(
                    &a.file,
                    "Google News recommends an author, and this article names none",
                )
                .help("add `authors: [Name]`, or a `default_author` in site.toml"),
            );
        }
    }
    warnings
}
