//! Publishing outputs: Atom feeds, the sitemap, robots.txt and the not-found page,
//! checked as XML with a strict parser and against their required elements.

use crate::support::{build, copy_fixture, fixture, read, tree};

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn child<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|c| c.has_tag_name((ATOM, name)))
}

/// Asserts RFC 4287's required elements, and a whole body in each entry only in a
/// feed of full text (the site's and the corrections'); returns the entries' ids,
/// in order.
fn check_feed(path: &str, xml: &str) -> Vec<String> {
    let full_text = !path.contains('/') || path.starts_with("corrections/");
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{path}: {e}"));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "{path}");
    for name in ["id", "title", "updated", "author"] {
        assert!(child(feed, name).is_some(), "{path}: feed has no {name}");
    }
    let links: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "link")))
        .collect();
    assert!(
        links.iter().any(|l| l.attribute("rel") == Some("self")
            && l.attribute("href").is_some_and(|h| h.ends_with(path))),
        "{path}: no self link"
    );
    let updated = child(feed, "updated").unwrap().text().unwrap();
    chrono::DateTime::parse_from_rfc3339(updated)
        .unwrap_or_else(|e| panic!("{path}: {updated}: {e}"));
    feed.children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|entry| {
            for name in ["id", "title", "updated", "published", "summary"] {
                assert!(
                    child(entry, name).is_some(),
                    "{path}: an entry has no {name}"
                );
            }
            let date = child(entry, "updated").unwrap().text().unwrap();
            chrono::DateTime::parse_from_rfc3339(date)
                .unwrap_or_else(|e| panic!("{path}: {date}: {e}"));
            let alternate = entry
                .children()
                .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("alternate"))
                .unwrap_or_else(|| panic!("{path}: an entry has no alternate link"));
            let id = child(entry, "id").unwrap().text().unwrap().to_string();
            assert_eq!(alternate.attribute("href"), Some(id.as_str()));
            let Some(content) = child(entry, "content") else {
                assert!(!full_text, "{path}: an entry has no content");
                return id;
            };
            assert!(full_text, "{path}: a term's feed carries summaries only");
            assert_eq!(content.attribute("type"), Some("html"));
            assert_eq!(
                content.attribute(("http://www.w3.org/XML/1998/namespace", "base")),
                Some(id.as_str())
            );
            id
        })
        .collect()
}

#[test]
fn every_feed_is_valid_atom_and_lists_the_newest_articles() {
    let site = copy_fixture("annotations");
    let config = site.path().join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("[annotations]", "feed_limit = 2\n\n[annotations]"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(site.path(), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let files = tree(out.path());
    let feeds: Vec<&String> = files.keys().filter(|p| p.ends_with("atom.xml")).collect();
    // The site's, the corrections', and one per tag (2), actor (3) and source (2).
    assert_eq!(feeds.len(), 9, "{feeds:?}");
    for path in &feeds {
        check_feed(path, &String::from_utf8_lossy(&files[*path]));
    }
    let site_feed = check_feed("atom.xml", &read(out.path(), "atom.xml"));
    assert_eq!(
        site_feed,
        vec![
            "https://example.org/desk/articles/later/",
            "https://example.org/desk/articles/meeting/"
        ],
        "newest first, feed_limit of them"
    );
    let putin = check_feed(
        "actors/vladimir-putin/atom.xml",
        &read(out.path(), "actors/vladimir-putin/atom.xml"),
    );
    assert_eq!(
        putin,
        vec![
            "https://example.org/desk/articles/meeting/",
            "https://example.org/desk/articles/offer/"
        ]
    );
    let offer_feed = read(out.path(), "tags/syria/atom.xml");
    assert!(
        offer_feed.contains(
            r#"<link rel="related" href="https://www.rferl.org/a/offer.html" title="RFE/RL"/>"#
        ),
        "{offer_feed}"
    );
    // Every page says where its feeds are (an email is no page: it links nothing but
    // pages).
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.ends_with(".html") && !p.ends_with("/email.html"))
    {
        let html = String::from_utf8_lossy(bytes);
        assert!(
            html.contains(r#"<link rel="alternate" type="application/atom+xml""#),
            "{path}"
        );
    }
    let term = read(out.path(), "actors/vladimir-putin/index.html");
    assert!(
        term.contains(r#"href="../../actors/vladimir-putin/atom.xml""#),
        "{term}"
    );
}

#[test]
fn the_sitemap_lists_every_page_and_robots_points_at_it() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(&fixture("annotations"), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let xml = read(out.path(), "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert!(doc.root_element().has_tag_name((ns, "urlset")));
    let mut listed: Vec<String> = Vec::new();
    for url in doc.root_element().children().filter(|c| c.is_element()) {
        assert!(url.has_tag_name((ns, "url")));
        let loc = url
            .children()
            .find(|c| c.has_tag_name((ns, "loc")))
            .unwrap()
            .text()
            .unwrap();
        let lastmod = url
            .children()
            .find(|c| c.has_tag_name((ns, "lastmod")))
            .expect("lastmod");
        assert_eq!(lastmod.text().unwrap().len(), 10, "{loc}");
        listed.push(
            loc.strip_prefix("https://example.org/desk/")
                .expect(loc)
                .to_string(),
        );
    }
    // Every page to index: the search page says noindex, and is left out.
    let noindex = b"<meta name=\"robots\" content=\"noindex\">";
    let mut pages: Vec<String> = tree(out.path())
        .into_iter()
        .filter(|(_, bytes)| !bytes.windows(noindex.len()).any(|w| w == noindex))
        .filter_map(|(p, _)| p.strip_suffix("index.html").map(str::to_string))
        .collect();
    pages.sort();
    listed.sort();
    assert_eq!(listed, pages, "every page, and nothing else");
    assert!(!listed.contains(&"search/".to_string()));
    assert_eq!(
        read(out.path(), "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/desk/sitemap.xml\nSitemap: https://example.org/desk/news-sitemap.xml\n"
    );
}

#[test]
fn the_not_found_page_links_from_the_sites_path() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(&fixture("annotations"), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let page = read(out.path(), "404.html");
    assert!(
        page.contains(r#"<link rel="stylesheet" href="/desk/style.css">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<a href="/desk/">Go to the latest briefings</a>"#),
        "{page}"
    );
    assert!(!page.contains("../"), "{page}");
}

#[test]
fn the_search_index_has_every_article_and_the_search_page_loads_it_from_the_site() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(&fixture("annotations"), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let files = tree(out.path());
    let (articles, _) = crate::search::Index::read(out.path()).docs();
    let pages = files
        .keys()
        .filter(|p| p.starts_with("articles/") && p.ends_with("/index.html"))
        .count();
    assert_eq!(articles.len(), pages);
    for a in &articles {
        // Title, URL, day, summary, actors, source.
        assert_eq!(a.as_array().unwrap().len(), 6, "{a}");
        let url = a[1].as_str().unwrap();
        assert!(files.contains_key(&format!("{url}index.html")), "{url}");
    }
    let meeting = articles
        .iter()
        .find(|a| a[1] == "articles/meeting/")
        .unwrap();
    // Names as their pages show them: the alias `Putin` is Vladimir Putin.
    assert_eq!(meeting[4][0], "Vladimir Putin", "{meeting}");
    assert_eq!(meeting[5], "Reuters", "{meeting}");
    assert_eq!(meeting[2], "2017-07-07", "{meeting}");

    // Markup in a title is escaped in the file, and reads back as written.
    let basic = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(&fixture("basic"), basic.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let (docs, text) = crate::search::Index::read(basic.path()).docs();
    assert!(
        !text.contains('<') && text.contains(r"First \u003cb\u003ebriefing"),
        "{text}"
    );
    assert!(docs.iter().any(|a| a[0] == "First <b>briefing</b>"));

    let page = read(out.path(), "search/index.html");
    assert!(
        page.contains(
            r#"<script src="../search.js" data-index="../search.json" data-root="../"></script>"#
        ),
        "{page}"
    );
    assert!(page.contains("<noscript>"), "{page}");
    assert!(page.contains("needs JavaScript, which is off."), "{page}");
    assert!(files.contains_key("search.js"));
    // Nothing is loaded from another host, on any page.
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for needle in [" src=\"http", " src=\"//", "stylesheet\" href=\"http"] {
            assert!(!html.contains(needle), "{path} loads from another host");
        }
    }
}

/// A one-off build frees each body once its article page is written, unless a feed
/// shows it: with one entry per feed, some articles are in no feed, and their pages
/// and every feed must still be what a build keeping every body writes.
#[test]
fn bodies_freed_after_their_page_leave_pages_and_feeds_whole() {
    let build_with = |limit: usize| {
        let site = copy_fixture("annotations");
        let config = site.path().join("site.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(
            &config,
            text.replace(
                "[annotations]",
                &format!("feed_limit = {limit}\n\n[annotations]"),
            ),
        )
        .unwrap();
        // Older than `later`, and named only where `later` is: with one entry per
        // feed, in none.
        std::fs::write(
            site.path().join("content/2017-07-01-earlier.md"),
            "---\ntitle: Earlier\ndate: 2017-07-01\nsource: Reuters\nactors: [Donald Trump]\ntags: [ceasefire]\n---\nTrump spoke earlier, at length.\n",
        )
        .unwrap();
        let out = tempfile::tempdir().unwrap();
        let (code, _, stderr) = build(site.path(), out.path(), &[]);
        assert_eq!(code, 0, "{stderr}");
        tree(out.path())
    };
    let (one, all) = (build_with(1), build_with(1000));
    let pages: Vec<&String> = one.keys().filter(|p| p.starts_with("articles/")).collect();
    let in_feeds = |files: &std::collections::BTreeMap<String, Vec<u8>>, page: &str| {
        let url = format!(
            "https://example.org/desk/{}",
            page.trim_end_matches("index.html")
        );
        files
            .iter()
            .filter(|(p, _)| p.ends_with("atom.xml"))
            .any(|(_, xml)| String::from_utf8_lossy(xml).contains(&format!("<id>{url}</id>")))
    };
    assert!(
        pages.iter().any(|p| !in_feeds(&one, p)),
        "some article is in no feed: {pages:?}"
    );
    for page in pages {
        assert_eq!(one[page], all[page], "{page}");
        assert!(
            String::from_utf8_lossy(&one[page]).contains("<p>"),
            "{page} has its body"
        );
    }
    // Every entry of the one-entry feeds is the same entry the full feeds start with.
    for (path, xml) in one.iter().filter(|(p, _)| p.ends_with("atom.xml")) {
        let entry = |xml: &[u8]| {
            let xml = String::from_utf8_lossy(xml).into_owned();
            xml.split_once("<entry>")
                .and_then(|(_, rest)| rest.split_once("</entry>"))
                .map(|(entry, _)| entry.to_string())
        };
        assert_eq!(entry(xml), entry(&all[path]), "{path}");
    }
}
