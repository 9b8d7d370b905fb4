//! Mending an index for the articles whose terms changed, rather than making it
//! again: a session's update after a save ([`SearchIndex::update`]), and a build
//! taking the index an earlier build kept ([`SearchIndex::mended`]).

use super::{
    fields_of, lay_out, names_of, sets, union, Article, Fields, Postings, Prefix, SearchIndex,
    Site, Term, FIELDS, NAMED,
};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

/// A hash of what article `a` gives the index: its title, the names of its actors,
/// tags and sources, its summary and its body's terms, as they are before folding.
/// Two articles with one hash give the same [`Fields`].
pub fn source_hash(site: &Site, a: &Article) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    // 0xff and 0xfe never occur in UTF-8: they end each text and each field.
    for text in [&a.front.title, &a.summary, &a.search_terms] {
        h.update(text.as_bytes());
        h.update(&[0xff]);
    }
    for kind in NAMED {
        for name in names_of(site, a, kind) {
            h.update(name.as_bytes());
            h.update(&[0xff]);
        }
        h.update(&[0xfe]);
    }
    h.digest128()
}

/// The [`source_hash`] of each of `site`'s articles, by id (oldest first).
pub fn source_hashes(site: &Site) -> Vec<u128> {
    let n = site.articles.len();
    (0..n)
        .into_par_iter()
        .map(|id| source_hash(site, &site.articles[n - 1 - id]))
        .collect()
}

/// The most articles whose terms changed for which an index kept by an earlier
/// build is mended ([`SearchIndex::mended`]) rather than made anew: each costs a
/// pass over every term's sets.
const MEND_AT_MOST: usize = 64;

impl SearchIndex {
    /// The index of `site`, from `kept`: the index an earlier build made, whose
    /// articles had the [`source_hashes`] `before` (by id), where `now` are those of
    /// `site`'s. With the same number of articles and at most [`MEND_AT_MOST`] of
    /// them changed (by hash), what each changed one had is read back from `kept`'s
    /// sets and the index is mended as a session's update mends it; otherwise, or
    /// if `kept` is not a whole index, it is made anew. Either way the result equals
    /// [`SearchIndex::build`]'s.
    pub fn mended(site: &Site, kept: SearchIndex, before: &[u128], now: &[u128]) -> SearchIndex {
        let n = site.articles.len();
        if kept.articles != n || before.len() != n || now.len() != n || !kept.is_whole() {
            return SearchIndex::build(site);
        }
        let changed: Vec<u32> = (0..n as u32)
            .filter(|&id| before[id as usize] != now[id as usize])
            .collect();
        if changed.len() > MEND_AT_MOST {
            return SearchIndex::build(site);
        }
        if changed.is_empty() {
            return kept;
        }
        let had = kept.fields_of_ids(&changed);
        let changed: Vec<(usize, Fields)> = changed
            .iter()
            .zip(had)
            .map(|(&id, fields)| (kept.article(id as usize), fields))
            .collect();
        let mut index = kept;
        index.update(site, &changed);
        index
    }

    /// Whether every leaf's runs are runs of its terms, and the terms are sorted
    /// and once: what the pages read from an index taken as it was kept.
    fn is_whole(&self) -> bool {
        self.terms.windows(2).all(|w| w[0].term < w[1].term)
            && self.leaves.iter().all(|leaf| {
                leaf.runs
                    .iter()
                    .all(|r| r.start <= r.end && r.end <= self.terms.len())
            })
    }

    /// The [`Fields`] each of the articles numbered `ids` (ascending) has in this
    /// index, read from the terms' sets: one pass over each set, however many ids.
    fn fields_of_ids(&self, ids: &[u32]) -> Vec<Fields> {
        let n = self.articles as u32;
        let found: Vec<Vec<(usize, usize, usize)>> = self
            .terms
            .par_iter()
            .enumerate()
            .fold(Vec::new, |mut found, (t, term)| {
                for (field, set) in term.sets.iter().enumerate() {
                    sets::held(set, n, ids, |k| found.push((k, field, t)));
                }
                found
            })
            .collect();
        let mut fields = vec![Fields::default(); ids.len()];
        for (k, field, t) in found.into_iter().flatten() {
            fields[k][field].push(self.terms[t].term.to_string());
        }
        for terms in fields.iter_mut().flatten() {
            terms.sort_unstable();
        }
        fields
    }

    /// The index after articles were replaced in place (a session's quick update:
    /// the same articles in the same order, some with other text): `changed` holds
    /// each one's place in `site.articles` and its [`Fields`] before. Only the sets
    /// of the terms that came or went are made again, and the prefix files above
    /// them; the files are laid out again, and a key split anew has its prefix file
    /// made from its terms' sets. Only a set that cannot be read makes the index
    /// again whole. Either way the result equals [`SearchIndex::build`]'s.
    pub fn update(&mut self, site: &Site, changed: &[(usize, Fields)]) {
        if !self.try_update(site, changed) {
            *self = SearchIndex::build(site);
        }
    }

    /// [`SearchIndex::update`] in place; `false` when the index must be made whole.
    fn try_update(&mut self, site: &Site, changed: &[(usize, Fields)]) -> bool {
        if site.articles.len() != self.articles || changed.iter().any(|(i, _)| *i >= self.articles)
        {
            return false;
        }
        let n = self.articles as u32;
        // Every (field, id, added) of each term that came or went, by term.
        let mut edits: BTreeMap<String, Vec<(usize, u32, bool)>> = BTreeMap::new();
        let mut now: Vec<(u32, Fields)> = Vec::with_capacity(changed.len());
        for (i, before) in changed {
            let id = self.article(*i) as u32;
            let after = fields_of(site, &site.articles[*i]);
            for (field, (old, new)) in before.iter().zip(&after).enumerate() {
                for t in old.iter().filter(|t| new.binary_search(t).is_err()) {
                    edits.entry(t.clone()).or_default().push((field, id, false));
                }
                for t in new.iter().filter(|t| old.binary_search(t).is_err()) {
                    edits.entry(t.clone()).or_default().push((field, id, true));
                }
            }
            now.push((id, after));
        }
        if edits.is_empty() {
            return true;
        }
        let mut added: Vec<Term> = Vec::new();
        for (term, ops) in &edits {
            let sets = match self.terms.binary_search_by(|t| (*t.term).cmp(term)) {
                Ok(k) => &mut self.terms[k].sets,
                Err(_) => {
                    added.push(Term {
                        term: term.as_str().into(),
                        sets: Default::default(),
                    });
                    &mut added.last_mut().expect("just pushed").sets
                }
            };
            for &(field, id, add) in ops {
                let Some(mut ids) = sets::decode(&sets[field], n) else {
                    return false;
                };
                match (ids.binary_search(&id), add) {
                    (Err(at), true) => ids.insert(at, id),
                    (Ok(at), false) => {
                        ids.remove(at);
                    }
                    _ => continue,
                }
                sets[field] = sets::encode(&ids, n);
            }
        }
        // A term no article has any more goes; new ones join in order (two sorted
        // runs: the stable sort merges them in one pass).
        self.terms.retain(|t| t.sets.iter().any(|s| !s.is_empty()));
        if !added.is_empty() {
            added.retain(|t| t.sets.iter().any(|s| !s.is_empty()));
            self.terms.append(&mut added);
            self.terms.sort_by(|a, b| a.term.cmp(&b.term));
        }
        // The files are laid out again: a term that came or went may move a leaf's
        // bounds or split a key. A split key of the old layout keeps its prefix
        // file, mended; one new to it has its file made from its terms' sets.
        let (leaves, splits) = lay_out(&self.terms);
        self.leaves = leaves;
        let mut old: HashMap<String, Prefix> = std::mem::take(&mut self.prefixes)
            .into_iter()
            .map(|p| (p.key.clone(), p))
            .collect();
        let mut prefixes = Vec::with_capacity(splits.len());
        for (key, range) in splits {
            let prefix = match old.remove(&key) {
                Some(mut prefix) => {
                    if !mend_prefix(&mut prefix, &edits, &now, n) {
                        return false;
                    }
                    prefix
                }
                None => {
                    let Some(sets) = self.union_of(range) else {
                        return false;
                    };
                    let hash = crate::model::fingerprint::of(&(&key, &sets));
                    Prefix { key, sets, hash }
                }
            };
            prefixes.push(prefix);
        }
        self.prefixes = prefixes;
        true
    }

    /// The union of the sets of `self.terms[range]`, by field, encoded: a prefix
    /// file's sets. `None` if a set cannot be read.
    fn union_of(&self, range: Range<usize>) -> Option<[String; FIELDS]> {
        let n = self.articles as u32;
        if range.len() == 1 {
            return Some(self.terms[range.start].sets.clone());
        }
        let mut postings = Vec::with_capacity(range.len());
        for term in &self.terms[range] {
            let mut sets = Postings::default();
            for (field, set) in term.sets.iter().enumerate() {
                sets[field] = sets::decode(set, n)?;
            }
            postings.push((Cow::Borrowed(""), sets));
        }
        Some(union(&postings, self.articles))
    }
}

/// Mends the prefix file `prefix` for articles whose terms changed (`edits`, by
/// term; `now`, each one's id and terms now): it holds, by field, the articles with
/// a term that begins its key, so only those can come or go. `false` if a set
/// cannot be read.
fn mend_prefix(
    prefix: &mut Prefix,
    edits: &BTreeMap<String, Vec<(usize, u32, bool)>>,
    now: &[(u32, Fields)],
    n: u32,
) -> bool {
    let key = prefix.key.as_str();
    let touched = edits
        .range::<str, _>((std::ops::Bound::Included(key), std::ops::Bound::Unbounded))
        .next()
        .is_some_and(|(t, _)| t.starts_with(key));
    if !touched {
        return true;
    }
    for field in 0..FIELDS {
        let Some(mut ids) = sets::decode(&prefix.sets[field], n) else {
            return false;
        };
        let mut moved = false;
        for (id, fields) in now {
            let terms = &fields[field];
            let first = terms.partition_point(|t| t.as_str() < key);
            let member = terms.get(first).is_some_and(|t| t.starts_with(key));
            match (ids.binary_search(id), member) {
                (Err(at), true) => ids.insert(at, *id),
                (Ok(at), false) => {
                    ids.remove(at);
                }
                _ => continue,
            }
            moved = true;
        }
        if moved {
            prefix.sets[field] = sets::encode(&ids, n);
        }
    }
    prefix.hash = crate::model::fingerprint::of(&(&prefix.key, &prefix.sets));
    true
}
