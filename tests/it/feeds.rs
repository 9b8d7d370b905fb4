//! Every feed format (issue 23): beside each `atom.xml`, an RSS 2.0 `rss.xml` and a
//! JSON Feed 1.1 `feed.json` with the same entries, read back with a strict XML
//! parser and serde_json; `[feeds] formats` and `full_text_terms`.

use crate::support::{build, generated_site, read, tree};
use chrono::{DateTime, FixedOffset};
use roxmltree::Node;
use serde_json::Value;
use std::path::Path;

const ATOM: &str = "http://www.w3.org/2005/Atom";
const DC: &str = "http://purl.org/dc/elements/1.1/";

/// What a feed says of one entry, in any format: compared across formats.
#[derive(Debug, PartialEq)]
struct Entry {
    id: String,
    title: String,
    published: DateTime<FixedOffset>,
    /// `None` where the format has no such date (RSS).
    updated: Option<DateTime<FixedOffset>>,
    categories: Vec<String>,
    authors: Vec<String>,
    /// The original story, where the entry links it.
    source: Option<String>,
    /// The whole body (as HTML), in a feed of full text.
    content: Option<String>,
}

/// What a feed says of itself and its entries.
#[derive(Debug)]
struct Feed {
    title: String,
    home: String,
    updated: DateTime<FixedOffset>,
    entries: Vec<Entry>,
}

fn rfc3339(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn text_of(node: Node, ns: Option<&str>, name: &str) -> Option<String> {
    node.children()
        .find(|c| match ns {
            Some(ns) => c.has_tag_name((ns, name)),
            None => {
                c.is_element() && c.tag_name().name() == name && c.tag_name().namespace().is_none()
            }
        })
        .map(|c| c.text().unwrap_or_default().to_string())
}

fn all_of(node: Node, ns: Option<&str>, name: &str) -> Vec<String> {
    node.children()
        .filter(|c| match ns {
            Some(ns) => c.has_tag_name((ns, name)),
            None => c.is_element() && c.tag_name().name() == name,
        })
        .map(|c| c.text().unwrap_or_default().to_string())
        .collect()
}

fn atom(path: &str, xml: &str) -> Feed {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{path}: {e}"));
    let feed = doc.root_element();
    let alternate = |n: Node| {
        n.children()
            .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("alternate"))
            .and_then(|l| l.attribute("href"))
            .map(str::to_string)
    };
    let entries = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|e| Entry {
            id: text_of(e, Some(ATOM), "id").unwrap(),
            title: text_of(e, Some(ATOM), "title").unwrap(),
            published: rfc3339(&text_of(e, Some(ATOM), "published").unwrap()),
            updated: Some(rfc3339(&text_of(e, Some(ATOM), "updated").unwrap())),
            categories: e
                .children()
                .filter(|c| c.has_tag_name((ATOM, "category")))
                .map(|c| c.attribute("label").unwrap().to_string())
                .collect(),
            authors: e
                .children()
                .filter(|c| c.has_tag_name((ATOM, "author")))
                .map(|a| text_of(a, Some(ATOM), "name").unwrap())
                .collect(),
            source: e
                .children()
                .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("related"))
                .map(|l| l.attribute("href").unwrap().to_string()),
            content: text_of(e, Some(ATOM), "content"),
        })
        .collect();
    Feed {
        title: text_of(feed, Some(ATOM), "title").unwrap(),
        home: alternate(feed).unwrap(),
        updated: rfc3339(&text_of(feed, Some(ATOM), "updated").unwrap()),
        entries,
    }
}

/// An RSS 2.0 feed, with the channel's and every item's required elements checked
/// (RSS 2.0 specification: title, link, description; an item's title or description).
fn rss(path: &str, xml: &str, permalink: &str) -> Feed {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{path}: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "rss", "{path}");
    assert_eq!(root.attribute("version"), Some("2.0"), "{path}");
    let channels: Vec<Node> = root.children().filter(|c| c.is_element()).collect();
    assert_eq!(channels.len(), 1, "{path}: one channel");
    let channel = channels[0];
    assert_eq!(channel.tag_name().name(), "channel");
    for name in ["title", "link", "description", "language", "lastBuildDate"] {
        let value = text_of(channel, None, name);
        assert!(
            value.is_some_and(|v| !v.is_empty()),
            "{path}: channel has no {name}"
        );
    }
    let own = channel
        .children()
        .find(|c| c.has_tag_name((ATOM, "link")))
        .unwrap_or_else(|| panic!("{path}: no atom:link"));
    assert_eq!(own.attribute("rel"), Some("self"));
    assert_eq!(own.attribute("href"), Some(permalink), "{path}");
    assert_eq!(own.attribute("type"), Some("application/rss+xml"));
    let date = |text: String| {
        DateTime::parse_from_rfc2822(&text).unwrap_or_else(|e| panic!("{path}: {text}: {e}"))
    };
    let entries = channel
        .children()
        .filter(|c| c.has_tag_name("item"))
        .map(|item| {
            let guid = item.children().find(|c| c.has_tag_name("guid")).unwrap();
            // A permalink: RSS's default, so the attribute is left out.
            assert_eq!(guid.attribute("isPermaLink"), None, "{path}");
            let id = guid.text().unwrap().to_string();
            assert_eq!(text_of(item, None, "link").as_deref(), Some(id.as_str()));
            let raw = text_of(item, None, "description").unwrap();
            // The original story is the description's last paragraph, "Source: …" (or
            // "Sources: …", the primary first).
            let source = raw
                .rsplit_once("<p>Source")
                .and_then(|(_, rest)| rest.split_once("<a href=\""))
                .map(|(_, rest)| unescape_links(rest.split('"').next().unwrap()));
            let description = unescape_links(&raw);
            let body = description
                .rsplit_once("<p>Source")
                .map_or(description.as_str(), |(body, _)| body);
            assert!(
                !body.contains("href=\"../")
                    && !body.contains("href=\"#")
                    && !body.contains("src=\"../")
                    && body
                        .match_indices("srcset=\"")
                        .all(|(i, _)| body[i + 8..].starts_with("https://")),
                "{path}: a relative link no RSS reader can resolve: {body}"
            );
            Entry {
                id,
                title: text_of(item, None, "title").unwrap(),
                published: date(text_of(item, None, "pubDate").unwrap()),
                updated: None,
                categories: all_of(item, None, "category"),
                authors: all_of(item, Some(DC), "creator"),
                source,
                content: Some(body.to_string()),
            }
        })
        .collect();
    Feed {
        title: text_of(channel, None, "title").unwrap(),
        home: text_of(channel, None, "link").unwrap(),
        updated: date(text_of(channel, None, "lastBuildDate").unwrap()),
        entries,
    }
}

/// A JSON Feed 1.1, with its required fields and the ones briefing promises
/// checked; each item's summary as well as its content, for comparison.
fn json_feed(path: &str, text: &str, permalink: &str) -> (Feed, Vec<String>) {
    let feed: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(
        feed["version"], "https://jsonfeed.org/version/1.1",
        "{path}"
    );
    assert_eq!(feed["feed_url"], permalink, "{path}");
    assert_eq!(feed["language"], "en", "{path}");
    assert!(feed["authors"][0]["name"].is_string(), "{path}");
    assert!(feed["authors"][0]["url"].is_string(), "{path}");
    let items = feed["items"].as_array().unwrap();
    let mut summaries = Vec::new();
    let entries = items
        .iter()
        .map(|item| {
            let s = |key: &str| item[key].as_str().map(str::to_string);
            let id = s("id").unwrap_or_else(|| panic!("{path}: an item has no id"));
            assert_eq!(s("url").as_deref(), Some(id.as_str()));
            let (html, text) = (s("content_html"), s("content_text"));
            assert!(
                html.is_some() != text.is_some(),
                "{path}: an item needs one of content_html and content_text"
            );
            if let Some(html) = &html {
                assert!(
                    !html.contains("href=\"../") && !html.contains("href=\"#"),
                    "{path}: {html}"
                );
            }
            // A summary feed's content is the summary, said once (content_text).
            match (s("summary"), text) {
                (Some(summary), None) => summaries.push(summary),
                (None, Some(text)) => summaries.push(text),
                (summary, text) => panic!("{path}: summary {summary:?}, content_text {text:?}"),
            }
            let names = |key: &str, field: Option<&str>| -> Vec<String> {
                // Left out when empty: JSON Feed's `authors` must hold one or more.
                assert_ne!(item[key], serde_json::json!([]), "{path}: an empty {key}");
                item[key]
                    .as_array()
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(|v| field.map_or(v, |f| &v[f]).as_str().unwrap().to_string())
                    .collect()
            };
            for author in item["authors"].as_array().map_or(&[][..], Vec::as_slice) {
                assert!(
                    author["url"].as_str().unwrap().starts_with("https://"),
                    "{path}"
                );
            }
            Entry {
                title: s("title").unwrap(),
                published: rfc3339(&s("date_published").unwrap()),
                updated: Some(rfc3339(&s("date_modified").unwrap())),
                categories: names("tags", None),
                authors: names("authors", Some("name")),
                source: s("external_url"),
                content: html,
                id,
            }
        })
        .collect();
    let updated = items
        .iter()
        .filter_map(|i| i["date_modified"].as_str().map(rfc3339))
        .max()
        .unwrap_or_else(|| rfc3339("1970-01-01T00:00:00Z"));
    let feed = Feed {
        title: feed["title"].as_str().unwrap().to_string(),
        home: feed["home_page_url"].as_str().unwrap().to_string(),
        updated,
        entries,
    };
    (feed, summaries)
}

/// Asserts that the RSS and JSON feeds in `dir` (`""`, `tags/x/`) list what its
/// Atom feed lists, entry for entry; returns whether they carry whole bodies.
fn same_in_every_format(out: &Path, base: &str, dir: &str) -> bool {
    let atom_path = format!("{dir}atom.xml");
    let a = atom(&atom_path, &read(out, &atom_path));
    let rss_path = format!("{dir}rss.xml");
    let r = rss(
        &rss_path,
        &read(out, &rss_path),
        &format!("{base}{rss_path}"),
    );
    let json_path = format!("{dir}feed.json");
    let (j, summaries) = json_feed(
        &json_path,
        &read(out, &json_path),
        &format!("{base}{json_path}"),
    );
    let full_text = a.entries.iter().any(|e| e.content.is_some());
    for (f, format) in [(&r, "rss"), (&j, "json")] {
        assert_eq!(f.title, a.title, "{dir}: {format}");
        assert_eq!(f.home, a.home, "{dir}: {format}");
        assert_eq!(f.entries.len(), a.entries.len(), "{dir}: {format}");
    }
    assert_eq!(r.updated, a.updated, "{dir}: lastBuildDate");
    if !a.entries.is_empty() {
        assert_eq!(j.updated, a.updated, "{dir}: the newest date_modified");
    }
    let atom_doc = roxmltree::Document::parse(&read(out, &atom_path))
        .unwrap()
        .input_text()
        .to_string();
    for (n, ((ae, re), je)) in a.entries.iter().zip(&r.entries).zip(&j.entries).enumerate() {
        let at = format!("{dir}, entry {n}");
        // Bodies differ only in their links: absolute in RSS and JSON, relative
        // under xml:base in Atom.
        let mut json_like = clone_entry(ae);
        json_like.content = je.content.clone();
        assert_eq!(je, &json_like, "{at}: JSON Feed");
        assert_eq!(
            je.content.is_some(),
            ae.content.is_some(),
            "{at}: JSON Feed"
        );
        // RSS has one date, and a description: the body, or the summary.
        let mut rss_like = clone_entry(ae);
        rss_like.updated = None;
        rss_like.content = re.content.clone();
        assert_eq!(re, &rss_like, "{at}: RSS");
        match &ae.content {
            Some(body) => assert!(
                re.content.as_ref().unwrap().len() >= body.len(),
                "{at}: RSS has the whole body"
            ),
            None => {
                let summary = format!("<p>{}</p>", summaries[n]);
                assert_eq!(re.content.as_deref(), Some(summary.as_str()), "{at}");
                assert!(atom_doc.contains("<summary>"), "{at}");
            }
        }
    }
    full_text
}

/// Text as HTML escapes it, read back (what a reader shows of an RSS description).
fn unescape_links(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn clone_entry(e: &Entry) -> Entry {
    Entry {
        id: e.id.clone(),
        title: e.title.clone(),
        published: e.published,
        updated: e.updated,
        categories: e.categories.clone(),
        authors: e.authors.clone(),
        source: e.source.clone(),
        content: e.content.clone(),
    }
}

/// The example site of this repository: bylines, sources with links, an updated
/// and corrected article, actors with profiles.
#[test]
fn every_feed_has_an_rss_and_a_json_twin_listing_the_same_entries() {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, _, stderr) = build(root, out.path(), &["--now", "2026-12-06T00:00:00Z"]);
    assert_eq!(code, 0, "{stderr}");
    let files = tree(out.path());
    let atoms: Vec<&String> = files.keys().filter(|p| p.ends_with("atom.xml")).collect();
    let others = files
        .keys()
        .filter(|p| p.ends_with("rss.xml") || p.ends_with("feed.json"))
        .count();
    assert_eq!(
        others,
        2 * atoms.len(),
        "an RSS and a JSON feed beside each Atom feed"
    );
    let base = "https://example.org/briefings/";
    let mut whole = Vec::new();
    for path in &atoms {
        let dir = path.trim_end_matches("atom.xml");
        if same_in_every_format(out.path(), base, dir) {
            whole.push(dir.to_string());
        }
    }
    // Whole bodies in the site's feed and the corrections'; summaries on terms.
    assert_eq!(whole, ["", "corrections/"]);
    let site = atom("atom.xml", &read(out.path(), "atom.xml"));
    assert!(
        site.entries.iter().any(|e| !e.authors.is_empty()),
        "bylines"
    );
    assert!(site.entries.iter().any(|e| e.source.is_some()), "sources");
    assert!(
        site.entries.iter().any(|e| Some(e.published) != e.updated),
        "an update"
    );
    // Every page links the site's feeds, in every format; a term's page its own too.
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with("index.html")) {
        let html = String::from_utf8_lossy(bytes);
        if html.contains(r#"http-equiv="refresh""#) {
            continue; // an old URL's page, sending readers on
        }
        for (kind, file) in [
            ("application/atom+xml", "atom.xml"),
            ("application/rss+xml", "rss.xml"),
            ("application/feed+json", "feed.json"),
        ] {
            assert!(
                html.contains(&format!(r#"<link rel="alternate" type="{kind}""#))
                    && html.contains(&format!(r#"{file}">"#)),
                "{path}: {kind}"
            );
        }
    }
    let term = read(out.path(), "tags/ceasefire/index.html");
    assert!(
        term.contains(r#"<link rel="alternate" type="application/feed+json" title="Syria Desk: ceasefire (JSON Feed)" href="../../tags/ceasefire/feed.json">"#),
        "{term}"
    );
    // The sitemap lists pages, never feeds.
    let sitemap = read(out.path(), "sitemap.xml");
    assert!(
        !sitemap.contains(".xml<") && !sitemap.contains(".json<"),
        "{sitemap}"
    );
}

#[test]
fn full_text_terms_puts_whole_bodies_in_every_feed() {
    let site = generated_site(
        "[feeds]\nfull_text_terms = true\n",
        &["2017-07-05", "2017-07-06"],
    );
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(site.path(), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let base = "https://example.org/briefings/";
    for dir in ["", "tags/t/", "actors/a/", "sources/wire/"] {
        assert!(same_in_every_format(out.path(), base, dir), "{dir}");
    }
    let json = read(out.path(), "tags/t/feed.json");
    assert!(
        json.contains(r#""content_html":"\u003cp\u003eBody 2.\u003c/p\u003e\n""#),
        "{json}"
    );
}

#[test]
fn formats_choose_the_files_written_and_the_links_in_every_head() {
    let build_with = |formats: &str| {
        let site = generated_site(&format!("[feeds]\nformats = {formats}\n"), &["2017-07-06"]);
        let out = tempfile::tempdir().unwrap();
        let (code, stdout, stderr) = build(site.path(), out.path(), &[]);
        assert_eq!(code, 0, "{stderr}");
        (out, stdout)
    };
    let feeds = |out: &Path| -> Vec<String> {
        tree(out)
            .into_keys()
            .filter(|p| p.ends_with(".xml") && !p.contains("sitemap") || p.ends_with("feed.json"))
            .collect()
    };
    let (out, _) = build_with(r#"["rss"]"#);
    assert_eq!(
        feeds(out.path()),
        [
            "actors/a/rss.xml",
            "corrections/rss.xml",
            "rss.xml",
            "sources/wire/rss.xml",
            "tags/t/rss.xml"
        ]
    );
    let home = read(out.path(), "index.html");
    assert!(home.contains(r#"<link rel="alternate" type="application/rss+xml" title="Generated (RSS)" href="./rss.xml">"#), "{home}");
    assert_eq!(home.matches(r#"rel="alternate""#).count(), 1, "{home}");
    let term = read(out.path(), "actors/a/index.html");
    assert!(term.contains(r#"href="../../actors/a/rss.xml""#), "{term}");
    assert!(
        !term.contains("atom.xml") && !term.contains("feed.json"),
        "{term}"
    );

    // No format: no feed, and no page links one.
    let (out, stdout) = build_with("[]");
    assert_eq!(feeds(out.path()), Vec::<String>::new());
    assert!(stdout.contains(" 0 feeds, "), "{stdout}");
    for (path, bytes) in tree(out.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(r#"rel="alternate""#), "{path}");
    }
}

/// Quotes, backslashes, markup and line breaks in every field a feed shows: each
/// format must still parse, and say the same text.
#[test]
fn any_text_survives_every_format() {
    let site = generated_site("", &[]);
    std::fs::write(
        site.path().join("content/odd.md"),
        "---\ntitle: 'A \"quoted\" \\ back\\slash </script> & <b>bold</b>'\ndate: 2017-07-06T16:30:00+02:00\nsource: { name: 'Wire \"&\" Co', url: 'https://wire.example/a?b=1&c=\"2\"' }\nactors: ['O''Brien']\ntags: ['a \"tag\" </x>', 'ü']\nauthors: ['Ann \"Q\" Lee']\nsummary: \"Line one\\u2028and </script>\\\\ more\"\n---\nText with <em>markup</em>, a [link](../other/) and \"quotes\".\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(site.path(), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let base = "https://example.org/briefings/";
    let atoms: Vec<String> = tree(out.path())
        .into_keys()
        .filter(|p| p.ends_with("atom.xml"))
        .collect();
    assert_eq!(atoms.len(), 7, "{atoms:?}");
    for path in atoms {
        same_in_every_format(out.path(), base, path.trim_end_matches("atom.xml"));
    }
    let rss = read(out.path(), "rss.xml");
    assert!(
        rss.contains("<pubDate>Thu, 06 Jul 2017 16:30:00 +0200</pubDate>"),
        "{rss}"
    );
    let json: Value = serde_json::from_str(&read(out.path(), "feed.json")).unwrap();
    let item = &json["items"][0];
    assert_eq!(item["external_url"], "https://wire.example/a?b=1&c=\"2\"");
    assert!(item["tags"][0].as_str().unwrap().contains("</x>"), "{item}");
    assert_eq!(item["date_published"], "2017-07-06T16:30:00+02:00");
    assert!(
        item["content_html"]
            .as_str()
            .unwrap()
            .contains(r#"<a href="https://example.org/briefings/articles/other/">link</a>"#),
        "{item}"
    );
}
