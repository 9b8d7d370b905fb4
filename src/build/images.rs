//! The images stage, after the bodies: the variants of every image the articles
//! show (their lead images and the images of their bodies) made, or found in the
//! cache, and planned as files of the output beside their originals.
//!
//! An image that cannot be made is an error at each place that shows it.

use crate::diagnostics::Diagnostic;
use crate::images::process::{self, CACHE_DIR};
use crate::images::variants::{self, Set};
use crate::images::Image;
use crate::model::site::Site;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::path::Path;

/// What the stage did, for the build's report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageCounts {
    /// Images decoded and resized.
    pub processed: usize,
    /// Images whose variants were all in the cache.
    pub cached: usize,
    /// Variant files written to the output.
    pub variants: usize,
}

/// Makes the variants of the images `site`'s articles show, under the site at
/// `root`, and plans them into `site.image_files`. Returns the problems found.
pub(super) fn make(root: &Path, site: &mut Site) -> (Vec<Diagnostic>, ImageCounts) {
    let widths = &site.config.images.widths;
    let leads: Vec<(usize, Set)> = site
        .articles
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let lead = a.image.as_ref()?;
            variants::of(&lead.image, widths).map(|s| (i, s))
        })
        .collect();
    // Each image's uses: where it is shown, to say where a problem is.
    let mut uses: Vec<(&Image, &Set, Diagnostic)> = Vec::new();
    for (i, set) in &leads {
        let a = &site.articles[*i];
        let at = a
            .image_at
            .as_deref()
            .cloned()
            .unwrap_or_else(|| Diagnostic::error(&a.file, String::new()));
        if let Some(lead) = &a.image {
            uses.push((&lead.image, set, at));
        }
    }
    for a in &site.articles {
        for u in &a.body_images {
            uses.push((&u.image, &u.set, u.at.clone()));
        }
    }
    let mut jobs: HashMap<&str, (&Image, &Set)> = HashMap::default();
    let mut files: BTreeMap<String, (std::path::PathBuf, String)> = BTreeMap::new();
    let cache = root.join(CACHE_DIR);
    for (image, set, _) in &uses {
        jobs.entry(set.key.as_str()).or_insert((image, set));
        let folder = process::folder(&cache, set);
        for v in &set.made {
            files.entry(v.url.clone()).or_insert_with(|| {
                (
                    folder.join(v.cache_name()),
                    format!("a resized copy of {}", image.url),
                )
            });
        }
    }
    let mut jobs: Vec<(&Image, &Set)> = jobs.into_values().collect();
    jobs.sort_by(|a, b| a.1.key.cmp(&b.1.key));
    let outcome = process::run(root, &cache, &jobs);
    let mut diagnostics = Vec::new();
    for (key, message, cause) in &outcome.failures {
        let mut said = std::collections::HashSet::new();
        for (_, _, at) in uses.iter().filter(|(_, s, _)| &s.key == key) {
            if !said.insert((at.file.clone(), at.position)) {
                continue;
            }
            let mut d = at.clone();
            d.message = message.clone();
            if let Some(cause) = cause {
                d = d.caused_by(cause.clone());
            }
            diagnostics.push(d.help(
                "export the image again as JPEG, PNG or WebP (at most 100 megapixels), or remove it",
            ));
        }
    }
    // By file and place, as an editor reads them (the images were made in any order).
    diagnostics.sort_by(|a, b| (&a.file, a.position).cmp(&(&b.file, b.position)));
    let counts = ImageCounts {
        processed: outcome.processed,
        cached: outcome.cached,
        variants: files.len(),
    };
    site.image_files = files
        .into_iter()
        .map(|(path, (src, origin))| (path, src, origin))
        .collect();
    (diagnostics, counts)
}
