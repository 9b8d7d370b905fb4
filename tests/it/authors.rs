//! Bylines (issue 22): `authors:` in front matter, the site's `default_author`, author
//! pages and profiles, and the author in feeds and structured data.

use crate::support::run_in;
use std::path::Path;

/// A site of `files` (path under the site root, whole text), with `settings` added to
/// site.toml.
fn site(settings: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    crate::support::site_of(
        &format!("title = \"Desk\"\nbase_url = \"https://example.org/news/\"\n{settings}"),
        files,
    )
}

const TWO_AUTHORS: (&str, &str) = (
    "content/2017-07-06-talks.md",
    "---\ntitle: Talks in Hamburg\ndate: 2017-07-06\nsource: Reuters\nauthors: [Jane Doe, John Roe]\n---\nTalks.\n",
);
const ONE_AUTHOR: (&str, &str) = (
    "content/2017-07-05-earlier.md",
    "---\ntitle: Earlier talks\ndate: 2017-07-05\nsource: TASS\nauthors: [jane doe]\n---\nEarlier.\n",
);
const NO_AUTHORS: (&str, &str) = (
    "content/2017-07-04-unsigned.md",
    "---\ntitle: Unsigned\ndate: 2017-07-04\nsource: AP\n---\nUnsigned.\n",
);
const EMPTY_AUTHORS: (&str, &str) = (
    "content/2017-07-03-nobody.md",
    "---\ntitle: Nobody's\ndate: 2017-07-03\nsource: AP\nauthors: []\n---\nNobody.\n",
);
const JANE: (&str, &str) = (
    "content/authors/jane-doe.md",
    "---\nname: Jane Doe\nrole: Moscow correspondent\nurl: https://jane.example.org/\nemail: jane@example.org\nlinks: [https://social.example/@jane]\n---\nJane covers [Russia](https://example.org/russia).\n",
);

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join("public").join(rel))
        .unwrap_or_else(|e| panic!("public/{rel}: {e}"))
}

/// The children of `n` named `name`.
fn named<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children()
        .filter(|c| c.tag_name().name() == name)
        .collect()
}

/// The JSON-LD of a page.
pub fn json_ld(page: &str) -> serde_json::Value {
    let text = page
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .expect("the page has JSON-LD");
    serde_json::from_str(text).expect("the JSON-LD parses")
}

#[test]
fn bylines_give_author_pages_feeds_and_structured_data() {
    let site = site(
        "default_author = \"The Desk\"\npaginate_by = 1\n",
        &[TWO_AUTHORS, ONE_AUTHOR, NO_AUTHORS, EMPTY_AUTHORS, JANE],
    );
    let root = site.path();
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));

    // The list, each author's pages (paginated) and feed.
    for rel in [
        "authors/index.html",
        "authors/jane-doe/index.html",
        "authors/jane-doe/page/2/index.html",
        "authors/jane-doe/atom.xml",
        "authors/john-roe/index.html",
        "authors/john-roe/atom.xml",
        "authors/the-desk/index.html",
    ] {
        assert!(root.join("public").join(rel).is_file(), "{rel}");
    }
    let list = read(root, "authors/index.html");
    assert!(
        list.contains("<li><a href=\"../authors/jane-doe/\">Jane Doe</a> <span class=\"count\">2 briefings</span></li>"),
        "{list}"
    );
    assert!(list.contains("<a href=\"../authors/the-desk/\">The Desk</a>"));

    // The byline on the article, each name linking to its author's page.
    let talks = read(root, "articles/talks/index.html");
    assert!(
        talks.contains("<p class=\"byline\">By <a href=\"../../authors/jane-doe/\">Jane Doe</a> and <a href=\"../../authors/john-roe/\">John Roe</a></p>"),
        "{talks}"
    );
    assert!(
        talks.contains("<li><a href=\"../../authors/\" aria-current=\"true\">Authors</a></li>")
            || talks.contains("<li><a href=\"../../authors/\">Authors</a></li>"),
        "the navigation lists the authors: {talks}"
    );
    // The default author, and no one for `authors: []`.
    let unsigned = read(root, "articles/unsigned/index.html");
    assert!(unsigned
        .contains("<p class=\"byline\">By <a href=\"../../authors/the-desk/\">The Desk</a></p>"));
    let nobody = read(root, "articles/nobody/index.html");
    assert!(!nobody.contains("class=\"byline\""), "{nobody}");

    // Cards: the byline in the meta line; an author's own page leaves out a byline
    // naming only them, and keeps one naming others too.
    let home = read(root, "index.html");
    assert!(
        home.contains("<a href=\"./sources/reuters/\">Reuters</a> · By <a href=\"./authors/jane-doe/\">Jane Doe</a> and <a href=\"./authors/john-roe/\">John Roe</a>"),
        "{home}"
    );
    let jane_first = read(root, "authors/jane-doe/index.html");
    assert!(jane_first.contains("Talks in Hamburg"), "{jane_first}");
    assert!(jane_first.contains(" · By <a href=\"../../authors/jane-doe/\">Jane Doe</a> and"));
    let jane_second = read(root, "authors/jane-doe/page/2/index.html");
    assert!(jane_second.contains("Earlier talks"), "{jane_second}");
    assert!(!jane_second.contains(" · By "), "{jane_second}");

    // The profile: role, bio, website, email and other links.
    assert!(
        jane_first.contains("<p class=\"profile-lede\">Moscow correspondent</p>"),
        "{jane_first}"
    );
    assert!(jane_first.contains("Jane covers <a href=\"https://example.org/russia\">Russia</a>."));
    assert!(jane_first.contains(
        "<dt>Email</dt><dd><a href=\"mailto:jane@example.org\">jane@example.org</a></dd>"
    ));
    assert!(jane_first.contains(
        "<dt>Elsewhere</dt><dd><a href=\"https://social.example/@jane\">https://social.example/@jane</a></dd>"
    ));
    let page_ld = json_ld(&jane_first);
    assert_eq!(page_ld["about"]["@type"], "Person");
    assert_eq!(
        page_ld["about"]["sameAs"],
        serde_json::json!(["https://jane.example.org/", "https://social.example/@jane"])
    );

    // JSON-LD: each author a Person with their page; the publisher is the site.
    let ld = json_ld(&talks);
    assert_eq!(
        ld["author"],
        serde_json::json!([
            {
                "@type": "Person",
                "name": "Jane Doe",
                "url": "https://example.org/news/authors/jane-doe/",
                "description": "Moscow correspondent",
                "sameAs": ["https://jane.example.org/", "https://social.example/@jane"],
            },
            {
                "@type": "Person",
                "name": "John Roe",
                "url": "https://example.org/news/authors/john-roe/",
            },
        ])
    );
    let organization = serde_json::json!({
        "@type": "Organization",
        "name": "Desk",
        "url": "https://example.org/news/",
    });
    assert_eq!(ld["publisher"], organization);
    assert_eq!(
        json_ld(&unsigned)["author"],
        serde_json::json!([{ "@type": "Person", "name": "The Desk", "url": "https://example.org/news/authors/the-desk/" }])
    );
    assert_eq!(json_ld(&nobody)["author"], organization);

    // Atom: one author element per author in each entry; the feed's is the site.
    let atom = read(root, "atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let text = |n: roxmltree::Node, name: &str| {
        named(n, name)
            .first()
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    let feed = doc.root_element();
    let feed_authors: Vec<_> = named(feed, "author")
        .into_iter()
        .map(|a| (text(a, "name"), text(a, "uri")))
        .collect();
    assert_eq!(feed_authors, [(Some("Desk".to_string()), None)]);
    let entry_authors = |title: &str| -> Vec<(String, String)> {
        let entry = named(feed, "entry")
            .into_iter()
            .find(|e| text(*e, "title").as_deref() == Some(title))
            .unwrap();
        named(entry, "author")
            .into_iter()
            .map(|a| (text(a, "name").unwrap(), text(a, "uri").unwrap()))
            .collect()
    };
    assert_eq!(
        entry_authors("Talks in Hamburg"),
        [
            (
                "Jane Doe".to_string(),
                "https://example.org/news/authors/jane-doe/".to_string()
            ),
            (
                "John Roe".to_string(),
                "https://example.org/news/authors/john-roe/".to_string()
            ),
        ]
    );
    assert_eq!(
        entry_authors("Unsigned"),
        [(
            "The Desk".to_string(),
            "https://example.org/news/authors/the-desk/".to_string()
        )]
    );
    assert!(entry_authors("Nobody’s").is_empty());
    // An author's own feed lists their briefings.
    let own = read(root, "authors/jane-doe/atom.xml");
    let doc = roxmltree::Document::parse(&own).unwrap();
    let titles: Vec<String> = named(doc.root_element(), "entry")
        .into_iter()
        .filter_map(|e| text(e, "title"))
        .collect();
    assert_eq!(titles, ["Talks in Hamburg", "Earlier talks"]);
}

#[test]
fn a_site_without_authors_has_no_authors_page_and_the_site_as_author() {
    let site = site("", &[NO_AUTHORS]);
    let root = site.path();
    let (code, _, stderr) = run_in(root, &["check"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(!root.join("public/authors").exists());
    let page = read(root, "articles/unsigned/index.html");
    assert!(!page.contains("authors/"), "{page}");
    assert!(!page.contains("class=\"byline\""));
    assert_eq!(
        json_ld(&page)["author"],
        serde_json::json!({ "@type": "Organization", "name": "Desk", "url": "https://example.org/news/" })
    );
    let atom = read(root, "atom.xml");
    assert_eq!(atom.matches("<author>").count(), 1, "{atom}");
}

#[test]
fn an_article_filed_under_content_authors_is_an_error() {
    let site = site(
        "",
        &[
            NO_AUTHORS,
            (
                "content/authors/2017-07-01-old.md",
                "---\ntitle: Filed in the wrong place\ndate: 2017-07-01\nsource: AP\n---\nText.\n",
            ),
            (
                "content/actors/2017-07-02-also.md",
                "---\nname: Not an actor\nsource: AP\n---\nText.\n",
            ),
        ],
    );
    let (code, _, stderr) = run_in(site.path(), &["build", "--color", "never"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "\
error: content/actors/2017-07-02-also.md:3:1: content/actors/ holds actor profiles, not articles, and this file has an article's keys (`source`)
  |
3 | source: AP
  | ^^^^^^
  |
  = help: move the article out of content/actors/ (any other folder of content/ will do); a profile has `name:` and no `title:`, `date:` or `source:`
error: content/authors/2017-07-01-old.md:2:1: content/authors/ holds author profiles, not articles, and this file has an article's keys (`title`, `date`, `source`)
  |
2 | title: Filed in the wrong place
  | ^^^^^
  |
  = help: move the article out of content/authors/ (any other folder of content/ will do); a profile has `name:` and no `title:`, `date:` or `source:`
error: build failed with 2 errors
"
    );
}

#[test]
fn author_names_in_front_matter_are_checked_like_actors() {
    let many: Vec<String> = (0..101).map(|n| format!("A{n}")).collect();
    let site = site(
        "",
        &[
            (
                "content/2017-07-06-a.md",
                "---\ntitle: A\ndate: 2017-07-06\nsource: AP\nauthors: [Jane Doe, ~, '']\n---\nA.\n",
            ),
            (
                "content/2017-07-06-b.md",
                "---\ntitle: B\ndate: 2017-07-06\nsource: AP\nauthors: Jane Doe, John Roe\n---\nB.\n",
            ),
            (
                "content/2017-07-06-c.md",
                &format!(
                    "---\ntitle: C\ndate: 2017-07-06\nsource: AP\nauthors: [{}]\n---\nC.\n",
                    many.join(", ")
                ),
            ),
            (
                "content/2017-07-06-d.md",
                "---\ntitle: D\ndate: 2017-07-06\nsource: AP\nauthor: [Jane Doe]\n---\nD.\n",
            ),
        ],
    );
    let (code, _, stderr) = run_in(site.path(), &["check", "--color", "never"]);
    assert_eq!(code, 1);
    let firsts: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning") || l.contains("help:"))
        .collect();
    assert_eq!(
        firsts,
        [
            "error: content/2017-07-06-a.md:5:21: authors: `~` means no value, so this author is empty",
            "  = help: remove it: `authors: [Jane Doe]`",
            "error: content/2017-07-06-a.md:5:24: authors: this author is empty",
            "  = help: remove it: `authors: [Jane Doe]`",
            "error: content/2017-07-06-b.md:5:10: authors: expected a list, found text",
            "  = help: write it in brackets, `authors: [Jane Doe, John Roe]`, or one `- name` per line",
            "error: content/2017-07-06-c.md:5:10: authors: 101 authors named; an article may name at most 100",
            "warning: content/2017-07-06-d.md:5:1: unknown front matter key `author`",
            "error: check failed with 4 errors",
        ],
        "{stderr}"
    );
}

#[test]
fn author_profiles_check_their_email_and_links() {
    let site = site(
        "",
        &[
            TWO_AUTHORS,
            (
                "content/authors/jane-doe.md",
                "---\nname: Jane Doe\nemail: jane at example\nurl: ftp://jane.example.org/\nlinks:\n  - https://ok.example/\n  - javascript:alert(1)\n---\nBio.\n",
            ),
            (
                "content/actors/putin.md",
                "---\nname: Putin\nemail: kremlin@example.org\n---\n",
            ),
        ],
    );
    let (code, _, stderr) = run_in(site.path(), &["check", "--color", "never"]);
    assert_eq!(code, 1);
    let firsts: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning"))
        .collect();
    // Each says how to write it.
    for help in [
        "  = help: write one address, such as `email: maria.keller@example.org` (its page links it)\n",
        "  = help: only web addresses (http or https) are linked, such as `url: https://example.org/maria-keller`\n",
        "  = help: only web addresses (http or https) are linked, such as `- https://example.org/maria-keller`\n",
    ] {
        assert!(stderr.contains(help), "{help}\n{stderr}");
    }
    assert_eq!(
        firsts,
        [
            "warning: content/actors/putin.md:3:1: `email` is a key of author profiles only; it is not used here",
            "error: content/authors/jane-doe.md:3:8: email: expected an email address such as desk@example.org, found \"jane at example\"",
            "error: content/authors/jane-doe.md:4:6: url: expected an http or https URL, found \"ftp://jane.example.org/\"",
            "error: content/authors/jane-doe.md:7:5: links: expected an http or https URL, found \"javascript:alert(1)\"",
            "warning: content/actors/putin.md:2:7: no article names \"Putin\", so this profile has no page",
            "error: check failed with 3 errors",
        ],
        "{stderr}"
    );
}
