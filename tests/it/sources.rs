//! Several sources (issue 24, part 4): `sources:` as a list, the first primary; every
//! source's page lists the article, the article shows them all, and its JSON-LD
//! `isBasedOn` names each.

use crate::authors::json_ld;
use crate::incremental::Desk;
use crate::support::{run_in, site_of};
use scraper::{Html, Selector};
use std::path::Path;

const SITE: &str = "title = \"Desk\"\nbase_url = \"https://example.org/\"\n";

const TWO: (&str, &str) = (
    "content/2017-07-06-talks.md",
    "---\ntitle: Talks in Hamburg\ndate: 2017-07-06\nsources:\n  - RFE/RL\n  - { name: Reuters, url: https://reuters.example/talks, author: Ann Lee }\n---\nTalks.\n",
);
const ONE: (&str, &str) = (
    "content/2017-07-05-earlier.md",
    "---\ntitle: Earlier talks\ndate: 2017-07-05\nsource: Reuters\n---\nEarlier.\n",
);

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join("public").join(rel))
        .unwrap_or_else(|e| panic!("public/{rel}: {e}"))
}

/// The text of every element `css` selects in `html`, whitespace collapsed.
fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&Selector::parse(css).unwrap())
        .map(|e| e.text().collect::<String>())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn every_source_lists_the_article_and_the_article_names_each() {
    let site = site_of(SITE, &[TWO, ONE]);
    let root = site.path();
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));

    for (source, titles) in [
        ("rfe-rl", vec!["Talks in Hamburg"]),
        ("reuters", vec!["Talks in Hamburg", "Earlier talks"]),
    ] {
        let page = read(root, &format!("sources/{source}/index.html"));
        assert_eq!(texts(&page, ".article-list h3"), titles, "{source}");
        let atom = read(root, &format!("sources/{source}/atom.xml"));
        let doc = roxmltree::Document::parse(&atom).unwrap();
        let entries = doc
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .count();
        assert_eq!(entries, titles.len(), "{source}'s feed");
    }
    let sources = read(root, "sources/index.html");
    assert_eq!(
        texts(&sources, ".term-list li"),
        ["Reuters 2 briefings", "RFE/RL 1 briefing"]
    );

    let page = read(root, "articles/talks/index.html");
    assert_eq!(
        texts(&page, ".attribution"),
        ["Based on RFE/RL; Reuters, by Ann Lee · Sources: RFE/RL, Reuters · 1 min read"]
    );
    let doc = Html::parse_document(&page);
    let links: Vec<&str> = doc
        .select(&Selector::parse(".attribution a").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        links,
        [
            "https://reuters.example/talks",
            "../../sources/rfe-rl/",
            "../../sources/reuters/"
        ]
    );
    assert_eq!(
        json_ld(&page)["isBasedOn"],
        serde_json::json!([
            { "@type": "CreativeWork", "publisher": { "@type": "Organization", "name": "RFE/RL" } },
            {
                "@type": "CreativeWork",
                "url": "https://reuters.example/talks",
                "publisher": { "@type": "Organization", "name": "Reuters" },
                "author": { "@type": "Person", "name": "Ann Lee" },
            },
        ])
    );
    // One source: an object, as before.
    let earlier = read(root, "articles/earlier/index.html");
    assert_eq!(
        json_ld(&earlier)["isBasedOn"]["publisher"]["name"],
        "Reuters"
    );
    // The card shows the primary source.
    let home = read(root, "index.html");
    assert!(
        home.contains("<a href=\"./sources/rfe-rl/\">RFE/RL</a></p>"),
        "{home}"
    );
    // RSS names both.
    let rss = read(root, "rss.xml");
    assert!(
        rss.contains(
            "<p>Sources: RFE/RL, <a href=\"https://reuters.example/talks\">Reuters</a></p>"
        ),
        "{rss}"
    );
}

#[test]
fn source_and_sources_together_are_an_error_at_the_second() {
    let site = site_of(
        SITE,
        &[(
            "content/a.md",
            "---\ntitle: A\ndate: 2017-07-06\nsource: AP\nsources: [Reuters]\n---\nA.\n",
        )],
    );
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        "error: content/a.md:5:1: sources: `source:` and `sources:` cannot both be given; keep one
  |
5 | sources: [Reuters]
  | ^
  |
  = help: move the outlet of `source:` into the `sources:` list (the first is the primary source) and remove the `source:` line
error: build failed with 1 error
"
    );
}

#[test]
fn an_empty_list_of_sources_is_an_error_and_a_source_named_twice_a_warning() {
    let site = site_of(
        SITE,
        &[
            (
                "content/a.md",
                "---\ntitle: A\ndate: 2017-07-06\nsources: []\n---\nA.\n",
            ),
            (
                "content/b.md",
                "---\ntitle: B\ndate: 2017-07-06\nsources: [AP, Reuters, A.P.]\n---\nB.\n",
            ),
        ],
    );
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error: content/a.md:4:10: sources: expected at least one source, found an empty list\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "help: name the outlet, such as `sources: [Reuters]`, or write `source: Reuters`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "warning: content/b.md:4:10: sources: \"A.P.\" is named twice; it counts once\n"
        ),
        "{stderr}"
    );
}

#[test]
fn adding_and_removing_a_second_source_updates_as_a_full_build_does() {
    let mut desk = Desk::of(site_of(SITE, &[ONE, TWO]));
    let p = desk.edit(
        "content/2017-07-05-earlier.md",
        "source: Reuters",
        "sources: [Reuters, TASS]",
    );
    desk.step("a second source added", &[p]);
    let p = desk.edit("content/2017-07-06-talks.md", "  - RFE/RL\n", "");
    desk.step("a source removed", &[p]);
    let p = desk.edit(
        "content/2017-07-05-earlier.md",
        "sources: [Reuters, TASS]",
        "sources: [TASS, Reuters]",
    );
    desk.step("the primary source changed", &[p]);
}
