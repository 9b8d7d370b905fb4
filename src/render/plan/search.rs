//! The files of the search index, each its own entry of the plan (see
//! `model::search` for what they hold and how search.js reads them).

use crate::model::search::file_name;
use crate::model::site::Site;

/// One file of the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchFile {
    /// `search.json`: the article count and the keys of the other files.
    Manifest,
    /// [`TERMS_DIR`]`<name>.json`: leaf `n` of the index, every term under its key.
    Terms(u32),
    /// [`PREFIXES_DIR`]`<name>.json`: split key `n`, the union of its terms' sets.
    Prefix(u32),
    /// [`DOCS_DIR`]`<n>.json`: what results show of articles numbered
    /// `n × DOCS_PER_FILE` onwards.
    Docs(u32),
}

/// Where the leaves are, from the site's root.
pub const TERMS_DIR: &str = "search/t/";
/// Where the prefix files are.
pub const PREFIXES_DIR: &str = "search/p/";
/// Where the files of articles' fields are.
pub const DOCS_DIR: &str = "search/d/";

impl SearchFile {
    /// The file's path in the output.
    pub fn path(self, site: &Site) -> String {
        let index = &site.search;
        match self {
            SearchFile::Manifest => "search.json".into(),
            SearchFile::Terms(n) => {
                format!(
                    "{TERMS_DIR}{}.json",
                    file_name(&index.leaves[n as usize].key)
                )
            }
            SearchFile::Prefix(n) => format!(
                "{PREFIXES_DIR}{}.json",
                file_name(&index.prefixes[n as usize].key)
            ),
            SearchFile::Docs(n) => format!("{DOCS_DIR}{n}.json"),
        }
    }
}

/// Every file of the site's search index. A site with its own `search.json` (another
/// search) gets none of the files that would go with ours.
pub(super) fn files(site: &Site) -> impl Iterator<Item = SearchFile> + '_ {
    let own = site
        .static_files
        .iter()
        .chain(&site.content_assets)
        .any(|f| f.rel == "search.json");
    let index = &site.search;
    let (leaves, prefixes, docs) = match own {
        true => (0, 0, 0),
        false => (index.leaves.len(), index.prefixes.len(), index.doc_files()),
    };
    std::iter::once(SearchFile::Manifest)
        .chain((0..leaves as u32).map(SearchFile::Terms))
        .chain((0..prefixes as u32).map(SearchFile::Prefix))
        .chain((0..docs as u32).map(SearchFile::Docs))
}
