//! What site.toml says about how the site is shown elsewhere: the image of a page
//! without its own (`default_image`, `default_image_alt`), the publisher's `logo`
//! (in structured data), and `[news]`. The images are found and measured when the
//! configuration is loaded, each error at its line.

use super::{scan_keys, CONFIG_FILE};
use crate::diagnostics::Diagnostic;
use crate::images::{Image, LeadImage};
use serde::Deserialize;
use std::path::Path;

/// The keys of `[news]`.
pub const NEWS_KEYS: &[&str] = &["google"];

/// `[news]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct News {
    /// `check` warns about what Google News recommends that an article lacks.
    pub google: bool,
}

/// The images site.toml names, found.
#[derive(Debug, Clone, Default)]
pub struct Previews {
    /// The image of a page without its own, for link previews and feeds.
    pub default_image: Option<LeadImage>,
    /// The publisher's logo, in structured data.
    pub logo: Option<Image>,
}

/// Finds the images of `default_image` and `logo`, written in `text`, under `root`'s
/// `static/`. Every problem is an error at its key.
pub fn find(
    root: &Path,
    text: &str,
    default_image: Option<&str>,
    default_image_alt: Option<&str>,
    logo: Option<&str>,
) -> Result<Previews, Vec<Diagnostic>> {
    let keys = scan_keys(text);
    let mut errors = Vec::new();
    let mut found = |key: &str, written: Option<&str>| {
        let written = written?.trim();
        match crate::images::find(root, None, written) {
            Ok(image) => Some(image),
            Err(e) => {
                let (line, col) = keys.get(key).map_or((1, 1), |k| (k.0, k.2));
                errors.push(
                    Diagnostic::error(CONFIG_FILE, format!("{key}: {}", e.message))
                        .at_value(line, col, text)
                        .help(e.help),
                );
                None
            }
        }
    };
    let image = found("default_image", default_image);
    let logo = found("logo", logo);
    let mut previews = Previews {
        default_image: None,
        logo,
    };
    match (image, default_image_alt) {
        (Some(image), Some(alt)) => {
            previews.default_image = Some(LeadImage {
                image,
                alt: alt.trim().to_string(),
                caption: None,
                credit: None,
            })
        }
        (Some(_), None) => {
            let (line, col) = keys.get("default_image").map_or((1, 1), |k| (k.0, k.1));
            errors.push(
                Diagnostic::error(CONFIG_FILE, "default_image: an image needs its `default_image_alt`, what it shows for readers who cannot see it")
                    .at(line, col, text)
                    .help("add `default_image_alt = \"The desk's logo on a dark background\"` (or `\"\"` for an image that only decorates)"),
            );
        }
        (None, _) => {}
    }
    match errors.is_empty() {
        true => Ok(previews),
        false => Err(errors),
    }
}
