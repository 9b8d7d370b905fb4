//! Content: reading what editors wrote (`content/`, `static/`) into the site model,
//! and rendering its Markdown once the model is built.
//!
//! [`walk`] finds the files; [`article`] and [`profile`] read each (front matter
//! through [`front_matter`]) into model values, in parallel; [`bodies`] renders every
//! body ([`markdown`], [`notes`]) against the built model.

pub mod article;
pub mod bodies;
pub mod front_matter;
pub mod markdown;
pub mod notes;
pub mod profile;
pub mod walk;

/// A file's bytes as the text every stage reads: UTF-8, normalised
/// ([`crate::text::normalize`]), or the error saying where it is not UTF-8.
pub(crate) fn text_of(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    String::from_utf8(bytes).map(crate::text::normalize)
}
