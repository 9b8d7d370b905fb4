//! The search index: every article's terms (its title; the names of its actors, tags
//! and sources; the words of its summary, body and notes) inverted into sets of
//! article ids, and laid out as files a browser fetches one by one.
//!
//! Articles are numbered oldest first (id 0 is the oldest; [`SearchIndex::article`]
//! maps back), so publishing the newest article adds an id rather than renumbering.
//! A term has three sets, one per field, as search.js weighs them: title (4), names
//! (3), text (1). Each set is written in the cheapest of three forms ([`sets`]),
//! never more than a bitmap of every article, so no word, however common, costs
//! more than about `3 × articles / 6` bytes: no stop words, no capped lists.
//!
//! The terms are laid out as a trie of keys (prefixes of terms):
//!
//! - a *leaf* holds every term under its key (`search/t/<name>.json`): a key whose
//!   terms fit in [`LEAF_BYTES`] is a leaf;
//! - a larger key is *split*: its *prefix file* (`search/p/<name>.json`) holds the
//!   union of the sets of every term it begins, which is what a query word equal to
//!   the key needs (every word of a query matches the start of words); its terms go
//!   to its children, one key a character longer, the smallest of them packed
//!   together into a leaf with the split key's own name, up to [`LEAF_BYTES`].
//!
//! The rule search.js follows, given a query word `w`: if `w` is a split key, fetch
//! its prefix file; else fetch the leaf whose key is the longest that begins `w`, and
//! take every term there that begins with `w` (if no leaf's key begins `w`, nothing
//! matches). Every term beginning with `w` is in that one file. File names: see
//! [`file_name`]. Article fields for the results shown are in files of
//! [`DOCS_PER_FILE`] articles each (`search/d/<n>.json`), by id.
//!
//! The index is made when the bodies are attached to the site (`Site::attach`), from
//! the terms each article kept of its body ([`fold`]): in parallel, and from nothing
//! but the site. Each file's content hash is its fingerprint, so an edit rewrites only
//! the files whose sets it changed.

pub mod fold;
mod mend;
pub mod sets;

pub use mend::{source_hash, source_hashes};

use super::article::Article;
use super::site::Site;
use super::taxonomy::TaxonomyKind;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::ops::Range;

/// The most bytes a leaf holds, unless one term alone is more.
pub const LEAF_BYTES: usize = 32 * 1024;

/// How many articles' fields one file of `search/d/` holds.
pub const DOCS_PER_FILE: usize = 32;

/// The fields of a term's sets, in order: title, names, text.
pub const FIELDS: usize = 3;

/// One term and its sets, each encoded ([`sets::encode`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// The term, folded ([`fold::each_term`]).
    pub term: Box<str>,
    /// The ids of the articles with it in their title, names and text.
    pub sets: [String; crate::model::search::FIELDS],
}

/// A file of terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaf {
    /// Its key: every term it holds begins with it.
    pub key: String,
    /// Its terms, as runs of [`SearchIndex::terms`].
    pub runs: Vec<Range<usize>>,
    /// A hash of its content.
    pub hash: u64,
}

/// The file of a split key: the union of its terms' sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefix {
    /// The key.
    pub key: String,
    /// The union of the sets of the terms it begins, by field, encoded.
    pub sets: [String; crate::model::search::FIELDS],
    /// A hash of its content.
    pub hash: u64,
}

/// The search index of a site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchIndex {
    /// How many articles it numbers.
    pub articles: usize,
    /// Every term, sorted.
    pub terms: Vec<Term>,
    /// The leaves, sorted by key.
    pub leaves: Vec<Leaf>,
    /// The split keys, sorted.
    pub prefixes: Vec<Prefix>,
}

/// A key as a file name (without `.json`), the same in search.js: `w` then the key
/// when it is only `a`–`z` and `0`–`9`, else `x` then its UTF-8 bytes in lowercase
/// hex. ASCII, one case, never a name Windows reserves (`con`), and never empty.
pub fn file_name(key: &str) -> String {
    if key
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        format!("w{key}")
    } else {
        let mut name = String::with_capacity(1 + 2 * key.len());
        name.push('x');
        for b in key.bytes() {
            name.push_str(&format!("{b:02x}"));
        }
        name
    }
}

/// The sets of one term, by field: article ids, ascending.
type Postings = [Vec<u32>; FIELDS];

/// A term of an article, as [`each_article_term`] finds it: folded here (and gone
/// when the call returns), or kept on the article (its body's terms).
enum Word<'t, 'a> {
    Folded(&'t str),
    Kept(&'a str),
}

/// The kinds of terms whose names an article is found by.
const NAMED: [TaxonomyKind; 3] = [
    TaxonomyKind::Actors,
    TaxonomyKind::Tags,
    TaxonomyKind::Sources,
];

/// The names of article `a`'s terms of `kind`.
fn names_of<'a>(
    site: &'a Site,
    a: &'a Article,
    kind: TaxonomyKind,
) -> impl Iterator<Item = &'a str> {
    let taxonomy = site.taxonomy(kind);
    a.term_slugs
        .of(kind)
        .filter_map(move |slug| taxonomy.index_of_slug(slug))
        .map(move |i| taxonomy.terms[i].name.as_str())
}

/// Calls `f` with each of article `a`'s terms and its field: its title's (field 0),
/// the names of its actors, tags and sources (1), and its summary's and body's (2).
/// Repeats included.
fn each_article_term<'a>(site: &Site, a: &'a Article, mut f: impl FnMut(Word<'_, 'a>, usize)) {
    fold::each_term(&a.front.title, |t| f(Word::Folded(t), 0));
    for kind in NAMED {
        for name in names_of(site, a, kind) {
            fold::each_term(name, |t| f(Word::Folded(t), 1));
        }
    }
    fold::each_term(&a.summary, |t| f(Word::Folded(t), 2));
    for t in a.search_terms.split(' ').filter(|t| !t.is_empty()) {
        f(Word::Kept(t), 2);
    }
}

/// An article's terms by field (title, names, text), each sorted and once: what it
/// gives the index, and what [`SearchIndex::update`] compares.
pub type Fields = [Vec<String>; FIELDS];

/// Article `a`'s [`Fields`].
pub fn fields_of(site: &Site, a: &Article) -> Fields {
    let mut fields = Fields::default();
    each_article_term(site, a, |word, field| {
        let (Word::Folded(t) | Word::Kept(t)) = word;
        fields[field].push(t.to_string());
    });
    for terms in &mut fields {
        terms.sort_unstable();
        terms.dedup();
    }
    fields
}

/// Adds article `id`'s terms to `map`. A body's terms are borrowed from the article;
/// the others are kept only when new.
fn add_article<'a>(
    map: &mut HashMap<Cow<'a, str>, Postings>,
    site: &Site,
    id: u32,
    a: &'a Article,
) {
    fn push(sets: &mut Postings, field: usize, id: u32) {
        // Articles come in order: a term twice in one field is its last id again.
        if sets[field].last() != Some(&id) {
            sets[field].push(id);
        }
    }
    each_article_term(site, a, |word, field| match word {
        Word::Folded(t) => {
            if !map.contains_key(t) {
                map.insert(Cow::Owned(t.to_string()), Postings::default());
            }
            push(map.get_mut(t).expect("just added"), field, id);
        }
        Word::Kept(t) => push(map.entry(Cow::Borrowed(t)).or_default(), field, id),
    });
}

/// The bytes a term takes in its leaf: `"term":["…","…","…"],`.
fn entry_size(t: &Term) -> usize {
    t.term.len() + 14 + t.sets.iter().map(String::len).sum::<usize>()
}

impl SearchIndex {
    /// The index of `site`'s articles, made in parallel.
    pub fn build(site: &Site) -> SearchIndex {
        let n = site.articles.len();
        // Each worker inverts a run of ids in order, one article at a time; the runs
        // are joined in order, so every set is ascending.
        let inverted: HashMap<Cow<'_, str>, Postings> = (0..n)
            .into_par_iter()
            .fold(HashMap::default, |mut map, id| {
                add_article(&mut map, site, id as u32, &site.articles[n - 1 - id]);
                map
            })
            .reduce(HashMap::default, |mut left, right| {
                for (term, sets) in right {
                    let mine = left.entry(term).or_default();
                    for (m, s) in mine.iter_mut().zip(sets) {
                        m.extend(s);
                    }
                }
                left
            });
        let mut postings: Vec<(Cow<'_, str>, Postings)> = inverted.into_iter().collect();
        postings.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let count = n as u32;
        let terms: Vec<Term> = postings
            .par_iter_mut()
            .map(|(term, sets)| {
                for set in sets.iter_mut() {
                    // Joined in order already; kept true whatever rayon does.
                    if !set.is_sorted() {
                        set.sort_unstable();
                    }
                }
                Term {
                    term: term.as_ref().into(),
                    sets: sets.each_ref().map(|s| sets::encode(s, count)),
                }
            })
            .collect();
        let (leaves, splits) = lay_out(&terms);
        // Splits come sorted, and stay so.
        let prefixes: Vec<Prefix> = splits
            .into_par_iter()
            .map(|(key, range)| {
                let sets = match range.len() {
                    1 => terms[range.start].sets.clone(),
                    _ => union(&postings[range], n),
                };
                let hash = super::fingerprint::of(&(&key, &sets));
                Prefix { key, sets, hash }
            })
            .collect();
        SearchIndex {
            articles: n,
            terms,
            leaves,
            prefixes,
        }
    }

    /// The index into `Site::articles` of the article numbered `id`.
    pub fn article(&self, id: usize) -> usize {
        self.articles - 1 - id
    }

    /// How many files of `search/d/` it has.
    pub fn doc_files(&self) -> usize {
        self.articles.div_ceil(DOCS_PER_FILE)
    }

    /// The ids of the articles in file `n` of `search/d/`.
    pub fn doc_ids(&self, n: usize) -> Range<usize> {
        n * DOCS_PER_FILE..((n + 1) * DOCS_PER_FILE).min(self.articles)
    }

    /// A hash of which files it has: a session's quick update, which keeps the plan,
    /// must take the full path when it changes.
    pub fn layout_hash(&self) -> u64 {
        let mut h = super::fingerprint::hasher();
        self.doc_files().hash(&mut h);
        for leaf in &self.leaves {
            leaf.key.hash(&mut h);
        }
        for prefix in &self.prefixes {
            prefix.key.hash(&mut h);
        }
        h.finish()
    }
}

/// The leaves of `terms` (sorted by key, hashed) and its split keys (sorted, the
/// root left out: a query word is never empty, so it needs no file).
fn lay_out(terms: &[Term]) -> (Vec<Leaf>, Vec<(String, Range<usize>)>) {
    let mut layout = Layout::new(terms);
    layout.node("", 0..terms.len());
    let Layout {
        leaves, mut splits, ..
    } = layout;
    let mut leaves: Vec<Leaf> = leaves
        .into_par_iter()
        .map(|(key, runs)| {
            let mut h = super::fingerprint::hasher();
            key.hash(&mut h);
            for t in runs.iter().flat_map(|r| &terms[r.clone()]) {
                (&t.term, &t.sets).hash(&mut h);
            }
            Leaf {
                key,
                runs,
                hash: h.finish(),
            }
        })
        .collect();
    leaves.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    splits.retain(|(key, _)| !key.is_empty());
    splits.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    (leaves, splits)
}

/// The union of `postings`' sets, by field, encoded.
fn union(postings: &[(Cow<'_, str>, Postings)], n: usize) -> [String; FIELDS] {
    std::array::from_fn(|f| {
        let mut bits = vec![0u64; n.div_ceil(64)];
        for (_, sets) in postings {
            for &id in &sets[f] {
                bits[id as usize / 64] |= 1 << (id % 64);
            }
        }
        let ids: Vec<u32> = (0..n as u32)
            .filter(|&id| bits[id as usize / 64] & (1 << (id % 64)) != 0)
            .collect();
        sets::encode(&ids, n as u32)
    })
}

/// The trie of keys, made top down over the sorted terms.
struct Layout<'a> {
    terms: &'a [Term],
    /// The bytes of the terms before each index: a run's size is a subtraction.
    before: Vec<usize>,
    leaves: Vec<(String, Vec<Range<usize>>)>,
    splits: Vec<(String, Range<usize>)>,
}

impl<'a> Layout<'a> {
    /// A layout of `terms` (sorted), not yet made: [`Layout::node`] makes it.
    fn new(terms: &'a [Term]) -> Layout<'a> {
        Layout {
            terms,
            before: std::iter::once(0)
                .chain(terms.iter().scan(0, |sum, t| {
                    *sum += entry_size(t);
                    Some(*sum)
                }))
                .collect(),
            leaves: Vec::new(),
            splits: Vec::new(),
        }
    }

    fn size(&self, r: &Range<usize>) -> usize {
        self.before[r.end] - self.before[r.start]
    }

    /// Lays out the terms `range`, which all begin with `key`.
    fn node(&mut self, key: &str, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        // One term is never split: its sets are in one file whatever their size.
        if self.size(&range) <= LEAF_BYTES || range.len() == 1 {
            self.leaves.push((key.to_string(), vec![range]));
            return;
        }
        self.splits.push((key.to_string(), range.clone()));
        let own = usize::from(&*self.terms[range.start].term == key);
        // The term equal to the key is in the prefix file alone: a query word that
        // ends there reads that. Its children, by their next character:
        let mut children: Vec<(char, Range<usize>)> = Vec::new();
        let mut i = range.start + own;
        while i < range.end {
            let next = self.terms[i].term[key.len()..].chars().next();
            let c = next.expect("longer than the key");
            let mut j = i + 1;
            while j < range.end && self.terms[j].term[key.len()..].starts_with(c) {
                j += 1;
            }
            children.push((c, i..j));
            i = j;
        }
        // The smallest children share one leaf, named after this key, while they fit.
        let mut by_size: Vec<usize> = (0..children.len()).collect();
        by_size.sort_by_key(|&k| (self.size(&children[k].1), k));
        let (mut packed, mut bytes) = (Vec::new(), 0);
        for &k in &by_size {
            let size = self.size(&children[k].1);
            if bytes + size > LEAF_BYTES {
                break;
            }
            bytes += size;
            packed.push(k);
        }
        if packed.len() < 2 {
            packed.clear();
        }
        packed.sort_unstable();
        if !packed.is_empty() {
            let runs = packed.iter().map(|&k| children[k].1.clone()).collect();
            self.leaves.push((key.to_string(), runs));
        }
        for (k, (c, r)) in children.into_iter().enumerate() {
            if packed.binary_search(&k).is_err() {
                self.node(&format!("{key}{c}"), r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_ascii_of_one_case_and_never_reserved() {
        assert_eq!(file_name("con"), "wcon");
        assert_eq!(file_name(""), "w");
        assert_eq!(file_name("пу"), "xd0bfd183");
        assert_eq!(file_name("é"), "xc3a9");
    }

    fn term(term: &str, bytes: usize) -> Term {
        Term {
            term: term.into(),
            sets: ["x".repeat(bytes), String::new(), String::new()],
        }
    }

    /// Which leaf search.js reads for `w`, by the rule in the module's doc.
    fn leaf_for<'a>(layout: &'a Layout<'_>, w: &str) -> Option<&'a (String, Vec<Range<usize>>)> {
        layout
            .leaves
            .iter()
            .filter(|(k, _)| w.starts_with(k.as_str()))
            .max_by_key(|(k, _)| k.len())
    }

    #[test]
    fn every_term_is_in_the_leaf_its_words_lead_to_or_under_a_split_key() {
        let mut terms: Vec<Term> = [
            "a", "ab", "abc", "abd", "b", "ba", "bb", "bc", "the", "then", "there", "zz",
        ]
        .iter()
        .map(|t| term(t, if t.starts_with("th") { 20_000 } else { 9_000 }))
        .collect();
        terms.sort_by(|a, b| a.term.cmp(&b.term));
        let mut layout = Layout::new(&terms);
        layout.node("", 0..terms.len());
        let split = |w: &str| layout.splits.iter().any(|(k, _)| k == w);
        for (i, t) in terms.iter().enumerate() {
            let t = &*t.term;
            // Each prefix of the term leads to a file holding the term, or to the
            // split key's prefix file, which holds it in its union.
            for end in 1..=t.len() {
                let w = &t[..end];
                if split(w) {
                    continue;
                }
                let (_, runs) = leaf_for(&layout, w).unwrap_or_else(|| panic!("no leaf for {w}"));
                assert!(
                    runs.iter().any(|r| r.contains(&i)),
                    "{t} not in the leaf for {w}"
                );
            }
        }
        for (key, runs) in &layout.leaves {
            let size: usize = runs.iter().map(|r| layout.size(r)).sum();
            assert!(
                size <= LEAF_BYTES || runs.iter().map(|r| r.len()).sum::<usize>() == 1,
                "{key}: {size}"
            );
        }
    }
}
