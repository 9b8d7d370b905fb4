//! Parts of the site model kept between builds: `.briefing-cache/build/model/`
//! under the site (safe to delete, never published), so that a build after an edit
//! does not make again, from every article, what the edit did not change. At
//! 100,000 articles they took 0.7 s of the 3.8 s of a build after a one-line edit.
//!
//! - `related`: every article's related briefings, under a hash of every article's
//!   actors and tags in order (all they are chosen from). Taken whole when that hash
//!   is the same; else made again, and kept.
//! - `search`: the search index, with a hash of what each article gave it (its
//!   title, names, summary and body terms), by id. A build compares those hashes
//!   with its own articles': none changed, and the index is taken as it is; a few,
//!   and it is mended for them (what each had is read back from the index's sets);
//!   more, or another number of articles, and it is made anew. See
//!   [`crate::model::search::SearchIndex::mended`].
//!
//! Each is one file: [`MAGIC`]-like bytes naming its kind, a salt naming this binary,
//! the value (postcard), and an XXH3 hash of all that. A file of another kind or
//! binary, cut short or changed, is not read: the value is made again and the file
//! written anew, through a temporary file renamed over it (two builds of one site
//! may save at once: the last rename wins, whole). A file that cannot be written
//! costs the next build the time to make the value again, nothing else.

use crate::model::search::SearchIndex;
use crate::model::site::KeptModel;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The folder of the files, under the site root.
const DIR: &str = ".briefing-cache/build/model";
/// The related briefings' file and its first bytes.
const RELATED: (&str, &[u8; 16]) = ("related", b"briefing related");
/// The search index's file and its first bytes.
const SEARCH: (&str, &[u8; 16]) = ("search", b"briefing search1");

/// The model's parts kept by the last build.
pub struct ModelCache {
    dir: PathBuf,
    salt: u128,
}

#[derive(Serialize, Deserialize)]
struct KeptRelated {
    key: u128,
    related: Vec<Vec<usize>>,
}

#[derive(Serialize, Deserialize)]
struct KeptSearch {
    sources: Vec<u128>,
    index: SearchIndex,
}

impl ModelCache {
    /// The parts kept under `root` by a build of this binary (`identity`, as the
    /// build cache names it).
    pub fn open(root: &Path, identity: &str) -> ModelCache {
        ModelCache {
            dir: root.join(DIR),
            salt: xxhash_rust::xxh3::xxh3_128(format!("model\n{identity}").as_bytes()),
        }
    }

    /// The value kept in `file`, if it is whole and of this kind and binary.
    fn read<T: DeserializeOwned>(&self, (file, magic): (&str, &[u8; 16])) -> Option<T> {
        let bytes = std::fs::read(self.dir.join(file)).ok()?;
        let (sealed, hash) = bytes.split_last_chunk::<8>()?;
        if xxhash_rust::xxh3::xxh3_64(sealed) != u64::from_le_bytes(*hash) {
            return None;
        }
        let rest = sealed.strip_prefix(magic.as_slice())?;
        let (salt, value) = rest.split_first_chunk::<16>()?;
        if u128::from_le_bytes(*salt) != self.salt {
            return None;
        }
        postcard::from_bytes(value).ok()
    }

    /// Keeps `value` in `file`, replacing what was there whole.
    fn write<T: Serialize>(&self, (file, magic): (&str, &[u8; 16]), value: &T) {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&self.salt.to_le_bytes());
        let Ok(mut bytes) = postcard::to_extend(value, bytes) else {
            return;
        };
        let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
        bytes.extend_from_slice(&hash.to_le_bytes());
        // A cache: one that cannot be written is made again by the next build.
        let _ = (|| -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            let mut temp = tempfile::NamedTempFile::new_in(&self.dir)?;
            std::io::Write::write_all(&mut temp, &bytes)?;
            temp.persist(self.dir.join(file)).map_err(|e| e.error)?;
            Ok(())
        })();
    }
}

impl KeptModel for ModelCache {
    fn related(&self, key: u128) -> Option<Vec<Vec<usize>>> {
        let kept: KeptRelated = self.read(RELATED)?;
        (kept.key == key).then_some(kept.related)
    }

    fn keep_related(&self, key: u128, related: &[Vec<usize>]) {
        let kept = KeptRelated {
            key,
            related: related.to_vec(),
        };
        self.write(RELATED, &kept);
    }

    fn search(&self) -> Option<(SearchIndex, Vec<u128>)> {
        let kept: KeptSearch = self.read(SEARCH)?;
        Some((kept.index, kept.sources))
    }

    fn keep_search(&self, index: &SearchIndex, sources: &[u128]) {
        // Written as `KeptSearch` is read, without copying the index.
        #[derive(Serialize)]
        struct Keeping<'a> {
            sources: &'a [u128],
            index: &'a SearchIndex,
        }
        self.write(SEARCH, &Keeping { sources, index });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_part_reads_back_only_whole_and_of_its_binary() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ModelCache::open(dir.path(), "one");
        assert_eq!(cache.related(7), None, "nothing kept yet");
        cache.keep_related(7, &[vec![1, 2], vec![]]);
        assert_eq!(cache.related(7), Some(vec![vec![1, 2], vec![]]));
        assert_eq!(cache.related(8), None, "another key");
        assert_eq!(ModelCache::open(dir.path(), "two").related(7), None);
        let path = dir.path().join(DIR).join(RELATED.0);
        let bytes = std::fs::read(&path).unwrap();
        for cut in 0..bytes.len() {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert_eq!(cache.related(7), None, "cut at {cut}");
        }
        let mut changed = bytes.clone();
        changed[bytes.len() / 2] ^= 1;
        std::fs::write(&path, &changed).unwrap();
        assert_eq!(cache.related(7), None, "a changed byte");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(cache.related(7), Some(vec![vec![1, 2], vec![]]));
        let names: Vec<_> = std::fs::read_dir(dir.path().join(DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["related"], "no temporary file left");
    }
}
