//! Content: reading what editors wrote (`content/`, `static/`) into model values.

pub mod article;
pub mod front_matter;
pub mod markdown;
pub mod notes;
pub mod profile;
pub mod walk;
