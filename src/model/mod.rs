//! The site model: every article and the indexes over them, immutable once built.

pub mod archive;
pub mod date;
pub mod fingerprint;
pub mod site;
pub mod slug;
pub mod taxonomy;
