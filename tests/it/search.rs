//! The search index: `search.json` and the files it names, read here as search.js
//! reads them (an implementation of its own, so a change on one side shows): which
//! file a query word leads to, the three forms of a set, the ranking.

use crate::incremental::Desk;
use crate::support::{built, read, site_of};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A built site's search index, read from its files.
pub struct Index {
    out: PathBuf,
    manifest: Value,
    /// Every file read so far, by path: what a query fetched.
    pub fetched: std::cell::RefCell<Vec<String>>,
}

/// A key as search.js names its file.
fn file_name(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        format!("w{key}")
    } else {
        let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
        format!("x{hex}")
    }
}

/// The ids of a set in any of its three forms.
fn decode(text: &str, n: u32) -> Vec<u32> {
    const DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let value = |c: char| DIGITS.find(c).unwrap_or_else(|| panic!("{c} in {text}")) as u32;
    let list = |digits: &str| {
        let (mut ids, mut next, mut gap, mut shift) = (Vec::new(), 0, 0, 0);
        for c in digits.chars() {
            let v = value(c);
            gap += (v & 31) << shift;
            if v < 32 {
                ids.push(next + gap);
                next += gap + 1;
                (gap, shift) = (0, 0);
            } else {
                shift += 5;
            }
        }
        assert_eq!(shift, 0, "{text} ends inside a number");
        ids
    };
    if let Some(bitmap) = text.strip_prefix('!') {
        let mut ids = Vec::new();
        for (k, c) in bitmap.chars().enumerate() {
            let v = value(c);
            ids.extend(
                (0..6)
                    .filter(|j| v & (1 << j) != 0)
                    .map(|j| k as u32 * 6 + j),
            );
        }
        ids
    } else if let Some(rest) = text.strip_prefix('~') {
        let out = list(rest);
        (0..n).filter(|id| !out.contains(id)).collect()
    } else {
        list(text)
    }
}

/// Folds a query as search.js does (for the ASCII and Latin text of these tests).
fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl Index {
    pub fn read(out: &Path) -> Index {
        let manifest: Value = serde_json::from_str(&read(out, "search.json")).unwrap();
        assert_eq!(manifest["version"], 2);
        Index {
            out: out.to_path_buf(),
            manifest,
            fetched: Default::default(),
        }
    }

    fn json(&self, path: &str) -> Value {
        self.fetched.borrow_mut().push(path.to_string());
        serde_json::from_str(&read(&self.out, path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn keys(&self, list: &str) -> Vec<String> {
        self.manifest[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    }

    pub fn articles(&self) -> u32 {
        self.manifest["articles"].as_u64().unwrap() as u32
    }

    /// The file search.js fetches for a query word: the split key's prefix file,
    /// or the leaf with the longest key that begins the word.
    pub fn file_for(&self, word: &str) -> Option<String> {
        let dir = |k: &str| self.manifest[k].as_str().unwrap().to_string();
        if self.keys("split").iter().any(|k| k == word) {
            return Some(format!("{}{}.json", dir("prefixes"), file_name(word)));
        }
        self.keys("leaves")
            .into_iter()
            .filter(|k| word.starts_with(k.as_str()))
            .max_by_key(String::len)
            .map(|k| format!("{}{}.json", dir("terms"), file_name(&k)))
    }

    /// Each article (by id) with a word starting with `word`, and in which fields
    /// (bit 0 title, 1 names, 2 text).
    pub fn matches(&self, word: &str) -> BTreeMap<u32, u8> {
        let mut masks = BTreeMap::new();
        let Some(path) = self.file_for(word) else {
            return masks;
        };
        let mut add = |sets: &Value| {
            for f in 0..3 {
                for id in decode(sets[f].as_str().unwrap(), self.articles()) {
                    *masks.entry(id).or_insert(0) |= 1 << f;
                }
            }
        };
        let file = self.json(&path);
        if path.starts_with(self.manifest["prefixes"].as_str().unwrap()) {
            add(&file);
        } else {
            for (term, sets) in file.as_object().unwrap() {
                if term.starts_with(word) {
                    add(sets);
                }
            }
        }
        masks
    }

    /// The ids matching every word of `query`, best first: title 4, names 3, text 1,
    /// then the newest (highest id).
    pub fn search(&self, query: &str) -> Vec<u32> {
        let all: Vec<BTreeMap<u32, u8>> = words(query).iter().map(|w| self.matches(w)).collect();
        let score = |m: u8| {
            [4, 3, 1]
                .iter()
                .enumerate()
                .filter(|(f, _)| m & (1 << f) != 0)
                .map(|(_, s)| s)
                .sum::<u32>()
        };
        let mut hits: Vec<(u32, u32)> = (0..self.articles())
            .filter_map(|id| {
                all.iter()
                    .map(|m| m.get(&id).map(|&m| score(m)))
                    .sum::<Option<u32>>()
                    .map(|s| (s, id))
            })
            .collect();
        if all.is_empty() {
            hits.clear();
        }
        hits.sort_by(|a, b| b.cmp(a));
        hits.into_iter().map(|(_, id)| id).collect()
    }

    /// What a result shows of article `id`.
    pub fn doc(&self, id: u32) -> Value {
        let per = self.manifest["docs_per_file"].as_u64().unwrap() as u32;
        let dir = self.manifest["docs"].as_str().unwrap();
        self.json(&format!("{dir}{}.json", id / per))[(id % per) as usize].clone()
    }

    /// What results show of every article, by id, and the text of the files read.
    pub fn docs(&self) -> (Vec<Value>, String) {
        let per = self.manifest["docs_per_file"].as_u64().unwrap() as u32;
        let dir = self.manifest["docs"].as_str().unwrap();
        let (mut docs, mut text) = (Vec::new(), String::new());
        for n in 0..self.articles().div_ceil(per) {
            let path = format!("{dir}{n}.json");
            text.push_str(&read(&self.out, &path));
            docs.extend(self.json(&path).as_array().unwrap().iter().cloned());
        }
        assert_eq!(docs.len(), self.articles() as usize);
        (docs, text)
    }

    /// The titles of the results of `query`, best first.
    pub fn titles(&self, query: &str) -> Vec<String> {
        self.search(query)
            .into_iter()
            .map(|id| self.doc(id)[0].as_str().unwrap().to_string())
            .collect()
    }
}

fn article(title: &str, date: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\nsource: Wire\nactors: [Anna Haddad]\ntags: [talks]\n---\n{body}\n")
}

/// A site of `articles`, each (file, text).
fn site(articles: &[(&str, String)]) -> tempfile::TempDir {
    let files: Vec<(String, &str)> = articles
        .iter()
        .map(|(f, t)| (format!("content/{f}"), t.as_str()))
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(f, t)| (f.as_str(), *t)).collect();
    site_of(
        "title = \"S\"\nbase_url = \"https://example.org/\"\n",
        &files,
    )
}

fn build(site: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = crate::support::build(site, out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    out
}

#[test]
fn a_word_only_in_a_body_and_one_only_in_a_note_are_found_and_titles_rank_first() {
    let site = site(&[
        (
            "a.md",
            article(
                "Talks resume",
                "2017-07-03",
                "The zygomorphic proposal was tabled.",
            ),
        ),
        (
            "b.md",
            article(
                "Talks stall",
                "2017-07-04",
                "Nothing moved.[^context-1]\n\n[^context-1]: A quixotry of envoys, said one aide.",
            ),
        ),
        (
            "c.md",
            article("Zygomorphic flowers", "2017-07-01", "An older briefing."),
        ),
        (
            "d.md",
            article(
                "Weather",
                "2017-07-05",
                "Zürich was warm; São Paulo was not.",
            ),
        ),
    ]);
    let out = build(site.path());
    let index = Index::read(out.path());
    assert_eq!(
        index.titles("zygomorphic"),
        ["Zygomorphic flowers", "Talks resume"]
    );
    assert_eq!(index.titles("quixotry"), ["Talks stall"]);
    // A prefix, as it is being typed, and more than one word.
    assert_eq!(index.titles("quix"), ["Talks stall"]);
    assert_eq!(index.titles("envoys aide"), ["Talks stall"]);
    assert_eq!(index.titles("envoys zygomorphic"), Vec::<String>::new());
    // Accents folded; the names and the source are searched.
    assert_eq!(index.titles("zurich sao"), ["Weather"]);
    assert_eq!(index.search("haddad").len(), 4);
    assert_eq!(index.search("wire").len(), 4);
    // The furniture of a note (its kind's label, its number) is not text.
    assert!(index.titles("context").is_empty());
    let talks = index.doc(index.search("tabled")[0]);
    assert_eq!(
        talks,
        serde_json::json!([
            "Talks resume",
            "articles/a/",
            "2017-07-03",
            "The zygomorphic proposal was tabled.",
            ["Anna Haddad"],
            "Wire"
        ])
    );
}

/// A site whose index is split over many files, some keys split: 300 articles, each
/// with 100 made-up words of its own, a third of them Cyrillic, besides common ones.
fn big_site() -> tempfile::TempDir {
    let latin = ["ka", "lo", "mi", "nu", "pe", "ri", "so", "tu", "va", "ze"];
    let cyrillic = ["ка", "ло", "ми", "ну", "пе", "ри", "со", "ту", "ва", "зе"];
    let made_up = |syllables: [&str; 10], n: usize| -> String {
        let mut w = String::new();
        let mut k = n;
        for _ in 0..5 {
            w.push_str(syllables[k % 10]);
            k /= 10;
        }
        w
    };
    let word = |n: usize| match n % 3 {
        0 => made_up(cyrillic, n),
        _ => made_up(latin, n),
    };
    let articles: Vec<(String, String)> = (0..300)
        .map(|i| {
            let own: Vec<String> = (0..100).map(|k| word(i * 100 + k)).collect();
            let body = format!(
                "The talks went on.\n\n{} Путин сказал слово{i}. Plain words {}.",
                own.join(" "),
                i % 7
            );
            (
                format!("a{i}.md"),
                article(
                    &format!("Briefing {i}"),
                    &format!("2017-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                    &body,
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, String)> = articles
        .iter()
        .map(|(f, t)| (f.as_str(), t.clone()))
        .collect();
    site(&refs)
}

#[test]
fn each_term_is_in_the_file_search_js_computes_for_it_and_for_its_every_prefix() {
    let site = big_site();
    let out = build(site.path());
    let index = Index::read(out.path());
    let leaves = index.keys("leaves");
    let split = index.keys("split");
    assert!(
        leaves.len() > 5 && !split.is_empty(),
        "{leaves:?} {split:?}"
    );
    assert!(
        leaves.iter().any(|k| k.starts_with('п')),
        "a Cyrillic key: {leaves:?}"
    );
    let dir = index.manifest["terms"].as_str().unwrap().to_string();
    let mut terms = 0;
    for key in &leaves {
        let path = format!("{dir}{}.json", file_name(key));
        let leaf = index.json(&path);
        for term in leaf.as_object().unwrap().keys() {
            terms += 1;
            assert!(
                term.starts_with(key.as_str()),
                "{term} in the leaf of {key}"
            );
            // Every word that begins the term leads to this leaf, or to a prefix file.
            for end in term
                .char_indices()
                .map(|(i, _)| i)
                .skip(1)
                .chain([term.len()])
            {
                let w = &term[..end];
                let file = index.file_for(w).unwrap();
                assert!(
                    file == path || split.contains(&w.to_string()),
                    "{w} (of {term}) leads to {file}, not {path}"
                );
            }
        }
    }
    assert!(terms > 25_000, "{terms} terms");
    // A made-up word is found in its article alone; a common word's prefix in all.
    let titles = index.titles("kaloka");
    assert!(!titles.is_empty() && titles.iter().all(|t| t.starts_with("Briefing")));
    assert_eq!(index.titles("слово299"), ["Briefing 299"]);
    // Every word is a prefix: слово17 and слово170 to слово179.
    assert_eq!(index.search("слово17").len(), 11);
    assert_eq!(index.search("пут").len(), 300);
    assert_eq!(index.search("t").len(), 300);
}

#[test]
fn an_edit_of_one_body_rewrites_only_the_search_files_it_changes() {
    let mut desk = Desk::of(big_site());
    let p = desk.edit("content/a17.md", "Plain words", "Plain words quokka");
    let r = desk.step("a new word in one body", &[p]);
    // The leaf the new word goes to, and no more: the word is under no split key,
    // and the results' fields (title, summary) did not change.
    assert_eq!(r.pages.get("search_index"), Some(&1), "{r:?}");
    assert!(quick(&r), "{r:?}");
    // A term no other article has goes, and the article leaves the prefix files
    // above it; the same term in another article comes back under them.
    let p = desk.edit("content/a17.md", "сказал слово17.", "сказал.");
    let r = desk.step("a term of one article alone removed", &[p]);
    assert!(quick(&r), "{r:?}");
    let p = desk.edit("content/a18.md", "Plain words", "Plain слово17 words");
    let r = desk.step("that term in another article", &[p]);
    assert!(quick(&r), "{r:?}");
    let p = desk.edit("content/a17.md", "quokka", "");
    let q = desk.edit(
        "content/a19.md",
        "The talks went on.",
        "The talks went on. Quokka!",
    );
    let r = desk.step("a word moved from one article to another", &[p, q]);
    assert!(quick(&r), "{r:?}");
    let p = desk.edit(
        "content/a17.md",
        "title: Briefing 17",
        "title: Briefing seventeen",
    );
    let r = desk.step("a title edit", &[p]);
    assert!(quick(&r), "{r:?}");
    // The leaves of the old and new title words, and the file of its fields.
    let written = r.pages["search_index"];
    assert!((2..=6).contains(&written), "{written}: {r:?}");
    // A title word under a split key: the article joins its prefix file's titles.
    let split = Index::read(&desk.output()).keys("split");
    assert!(split.iter().any(|k| k == "ka"), "{split:?}");
    let p = desk.edit(
        "content/a17.md",
        "title: Briefing seventeen",
        "title: Briefing kalomi",
    );
    let r = desk.step("a title word under a split key", &[p]);
    assert!(quick(&r), "{r:?}");
    let p = desk.edit(
        "content/a17.md",
        "title: Briefing kalomi",
        "title: Briefing 17",
    );
    desk.step("and back", &[p]);
}

/// Whether a session's update took the quick path: no new model, no new plan.
fn quick(report: &briefing::BuildReport) -> bool {
    !report.stages.iter().any(|(stage, ..)| *stage == "model")
}

#[test]
fn the_search_page_loads_the_index_from_the_site_and_lists_a_button_for_more() {
    let out = built("basic", &[]);
    let page = read(out.path(), "search/index.html");
    assert!(page.contains(
        r#"<script src="../search.js" data-index="../search.json" data-root="../"></script>"#
    ));
    assert!(page.contains(r#"<button type="button" id="search-more" hidden>"#));
    let index = Index::read(out.path());
    assert!(index.articles() > 0);
    assert!(!index.search("putin").is_empty());
}
