//! A file of the site that is copied, not rendered: an image beside an article, a
//! file of `static/`.

use std::path::PathBuf;

/// A file copied to the output as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Where it is on disk.
    pub src: PathBuf,
    /// Its path relative to the folder walked, with `/` separators.
    pub rel: String,
}
