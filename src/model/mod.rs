//! The site model: every article, profile and file, and the indexes over them.
//!
//! Built in two steps: [`site::Site::new`] sorts the articles and builds the indexes
//! (terms, archive, related briefings), then the bodies stage (`content::bodies`)
//! renders each body against those indexes and attaches it. After that, the indexes
//! do not change; only an article whose front matter is unchanged may be swapped in
//! (`Site::replace_article`, the preview's quick path), and the writer may take the
//! bodies out as their pages are written (`Site::take_bodies`). The
//! model imports only the leaf modules (`text`, `diagnostics`, `config`); the stages
//! that read files into it (`content`) and render it (`render`) come before and after.

pub mod archive;
pub mod article;
pub mod asset;
pub mod corrections;
pub mod date;
pub mod edition;
pub mod fingerprint;
pub mod links;
pub mod note_counts;
pub mod profile;
pub mod quotes;
pub mod search;
pub mod site;
pub mod slug;
pub mod taxonomy;
pub mod term_ids;
