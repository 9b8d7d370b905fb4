//! The site model: every article, profile and file, and the indexes over them.
//!
//! Built in two steps and unchanged after: [`site::Site::new`] sorts the articles and
//! builds the indexes (terms, archive, related briefings), then the bodies stage
//! (`content::bodies`) renders each body against those indexes and attaches it. The
//! model imports only the leaf modules (`text`, `diagnostics`, `config`); the stages
//! that read files into it (`content`) and render it (`render`) come before and after.

pub mod archive;
pub mod article;
pub mod asset;
pub mod date;
pub mod fingerprint;
pub mod links;
pub mod profile;
pub mod site;
pub mod slug;
pub mod taxonomy;
