//! Every internal link of a built site resolves: each relative `href` and `src` names a
//! file of the output (a folder means its `index.html`), and each `#fragment` an `id`
//! in the page it points to. A root-absolute link (the not-found page's) must start
//! with the path of the fixtures' `base_url`, `/briefings/`.

use crate::support::{build, fixture, tree};
use std::collections::BTreeMap;
use std::path::Path;

fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

fn resolve(from: &str, link: &str) -> String {
    match briefing::paths::resolve(from, link) {
        Some(resolved) => resolved.file(),
        None => panic!("{link} from {from} leaves the site"),
    }
}

/// Checks every link of every page of `files`; `base_path` (`/briefings/`) is where
/// the site is served, which root-absolute links must start with. Returns the links
/// checked and the broken ones.
pub fn broken_links(files: &BTreeMap<String, Vec<u8>>, base_path: &str) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut broken = Vec::new();
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for link in attribute_values(&html, "href")
            .into_iter()
            .chain(attribute_values(&html, "src"))
        {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let link = link.replace("&amp;", "&");
            let (target, fragment) = link
                .split_once('#')
                .map_or((link.as_str(), None), |(t, f)| (t, Some(f)));
            let target_path = if target.is_empty() {
                path.clone()
            } else if let Some(absolute) = target.strip_prefix('/') {
                match absolute.strip_prefix(base_path.trim_start_matches('/')) {
                    Some(rest) => resolve("index.html", rest),
                    None => {
                        broken.push(format!("{path}: {link} is outside the site's path"));
                        continue;
                    }
                }
            } else {
                resolve(path, target)
            };
            checked += 1;
            match files.get(&target_path) {
                None => broken.push(format!("{path}: {link} → {target_path} does not exist")),
                Some(target_bytes) => {
                    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                        let target_html = String::from_utf8_lossy(target_bytes);
                        if !target_html.contains(&format!(" id=\"{f}\"")) {
                            broken.push(format!("{path}: {link} → no id {f:?} in {target_path}"));
                        }
                    }
                }
            }
        }
    }
    (checked, broken)
}

fn assert_links_resolve(root: &Path, extra: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(root, out.path(), extra);
    assert_eq!(code, 0, "{stderr}");
    let (checked, broken) = broken_links(&tree(out.path()), "/briefings/");
    assert!(checked > 50, "only {checked} links checked");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn every_internal_link_of_the_basic_fixture_resolves() {
    assert_links_resolve(&fixture("basic"), &["--drafts"]);
}

#[test]
fn every_internal_link_of_the_example_site_resolves() {
    assert_links_resolve(Path::new(env!("CARGO_MANIFEST_DIR")), &[]);
}

#[test]
fn the_checker_catches_a_broken_link() {
    let mut files = BTreeMap::new();
    files.insert(
        "a/index.html".to_string(),
        b"<a href=\"../b/\">b</a> <a href=\"#x\">x</a>".to_vec(),
    );
    let (_, broken) = broken_links(&files, "/briefings/");
    assert_eq!(
        broken,
        vec![
            "a/index.html: ../b/ → b/index.html does not exist",
            "a/index.html: #x → no id \"x\" in a/index.html"
        ]
    );
}

/// A deploy under another path: `--base-url` moves every permalink and the
/// not-found page's root-absolute links, and every link still resolves when the
/// site is served from `/news/briefings/`.
#[test]
fn a_site_built_for_another_path_links_within_it() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(
        &fixture("basic"),
        out.path(),
        &["--base-url", "https://cdn.example.net/news/briefings/"],
    );
    assert_eq!(code, 0, "{stderr}");
    let files = tree(out.path());
    let (checked, broken) = broken_links(&files, "/news/briefings/");
    assert!(checked > 50, "only {checked} links checked");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("example.org/briefings"),
            "{path} still names the base_url of site.toml"
        );
    }
    let article = String::from_utf8_lossy(&files["articles/first/index.html"]).into_owned();
    assert!(
        article.contains(r#"<link rel="canonical" href="https://cdn.example.net/news/briefings/articles/first/">"#),
        "{article}"
    );
    let not_found = String::from_utf8_lossy(&files["404.html"]).into_owned();
    assert!(
        not_found.contains(r#"<a href="/news/briefings/">Go to the latest briefings</a>"#),
        "{not_found}"
    );
    let sitemap = String::from_utf8_lossy(&files["sitemap.xml"]).into_owned();
    assert!(sitemap.contains("<loc>https://cdn.example.net/news/briefings/archive/</loc>"));
}

/// Split into pages of two, the example site has second pages of terms whose
/// profiles link to other actors: those links must work from `…/page/2/` too.
#[test]
fn every_internal_link_of_the_example_site_resolves_when_paginated() {
    let site = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["content", "data"] {
        for (rel, bytes) in tree(&root.join(folder)) {
            let to = site.path().join(folder).join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(to, bytes).unwrap();
        }
    }
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("paginate_by = 2\n{config}"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(site.path(), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let files = tree(out.path());
    assert!(files.contains_key("actors/vladimir-putin/page/2/index.html"));
    let (checked, broken) = broken_links(&files, "/briefings/");
    assert!(checked > 1000, "only {checked} links checked");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
