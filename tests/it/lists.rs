//! List pages: pagination of the home, term and archive lists, and the date archive.

use crate::links::broken_links;
use crate::support::{build, generated_site, read, tree};
use std::path::Path;

/// Builds a generated site; returns the output folder.
fn built_site(settings: &str, dates: &[&str]) -> tempfile::TempDir {
    let site = generated_site(settings, dates);
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(site.path(), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    out
}

/// The titles of the cards on a list page, in order.
fn titles(out: &Path, page: &str) -> Vec<String> {
    read(out, page)
        .split("<h3><a href=\"")
        .skip(1)
        .map(|rest| {
            let start = rest.find('>').unwrap() + 1;
            rest[start..rest.find("</a>").unwrap()].to_string()
        })
        .collect()
}

/// Every `page/` folder of the output.
fn paginated(out: &Path) -> Vec<String> {
    tree(out)
        .into_keys()
        .filter(|p| p.contains("page/"))
        .collect()
}

/// `n` dates, one a day from 2024-03-01, in the order written.
fn days(n: usize) -> Vec<String> {
    (1..=n).map(|d| format!("2024-03-{d:02}")).collect()
}

fn refs(dates: &[String]) -> Vec<&str> {
    dates.iter().map(String::as_str).collect()
}

#[test]
fn an_empty_site_has_one_page_of_each_list_and_no_paginator() {
    let out = built_site("paginate_by = 2", &[]);
    assert_eq!(paginated(out.path()), Vec::<String>::new());
    let home = read(out.path(), "index.html");
    assert!(home.contains("No briefings yet."), "{home}");
    assert!(!home.contains("class=\"paginator\""), "{home}");
    assert!(!home.contains("rel=\"next\""), "{home}");
    let archive = read(out.path(), "archive/index.html");
    assert!(archive.contains("<p>No briefings yet.</p>"), "{archive}");
    let index = crate::search::Index::read(out.path());
    assert_eq!((index.articles(), index.search("a").len()), (0, 0));
}

#[test]
fn a_list_of_exactly_paginate_by_articles_is_one_page() {
    let dates = days(3);
    let out = built_site("paginate_by = 3", &refs(&dates));
    assert_eq!(paginated(out.path()), Vec::<String>::new());
    assert_eq!(
        titles(out.path(), "index.html"),
        ["Article 3", "Article 2", "Article 1"]
    );
    assert_eq!(titles(out.path(), "tags/t/index.html").len(), 3);
    let home = read(out.path(), "index.html");
    assert!(!home.contains("class=\"paginator\""), "{home}");
    assert!(!home.contains("rel=\"next\""), "{home}");
}

#[test]
fn one_more_article_than_paginate_by_makes_a_second_page_of_every_list() {
    let dates = days(4);
    let out = built_site("paginate_by = 3", &refs(&dates));
    assert_eq!(
        paginated(out.path()),
        [
            "actors/a/page/2/index.html",
            "archive/2024/03/page/2/index.html",
            "archive/2024/page/2/index.html",
            "page/2/index.html",
            "sources/wire/page/2/index.html",
            "tags/t/page/2/index.html",
        ]
    );
    // Page 1 at the list's own URL; page 2 holds the one left over.
    assert_eq!(
        titles(out.path(), "index.html"),
        ["Article 4", "Article 3", "Article 2"]
    );
    assert_eq!(titles(out.path(), "page/2/index.html"), ["Article 1"]);
    assert_eq!(
        titles(out.path(), "tags/t/page/2/index.html"),
        ["Article 1"]
    );
    assert_eq!(
        titles(out.path(), "archive/2024/03/page/2/index.html"),
        ["Article 1"]
    );

    let first = read(out.path(), "tags/t/index.html");
    assert!(
        first.contains(r#"<link rel="next" href="../../tags/t/page/2/">"#),
        "{first}"
    );
    assert!(!first.contains("rel=\"prev\""), "{first}");
    let second = read(out.path(), "tags/t/page/2/index.html");
    assert!(
        second.contains(r#"<link rel="prev" href="../../../../tags/t/">"#),
        "{second}"
    );
    assert!(!second.contains("rel=\"next\""), "{second}");
    assert!(
        second.contains("<title>t, page 2 of 2 · Generated</title>"),
        "{second}"
    );
    assert!(
        second.contains(
            r#"<link rel="canonical" href="https://example.org/briefings/tags/t/page/2/">"#
        ),
        "{second}"
    );
    assert!(second.contains("<p class=\"paginator-status\">Page 2 of 2</p>"));
    // The term's count is the whole list's, not the page's.
    assert!(second.contains(">4 briefings</h2>"), "{second}");
    let home2 = read(out.path(), "page/2/index.html");
    assert!(
        home2.contains("<title>Generated, page 2 of 2</title>"),
        "{home2}"
    );
    // The sitemap lists the second pages too.
    let sitemap = read(out.path(), "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/briefings/tags/t/page/2/</loc>"));
}

#[test]
fn the_paginator_shows_the_first_last_and_nearby_pages() {
    let dates = days(25);
    let out = built_site("paginate_by = 2", &refs(&dates));
    let files = tree(out.path());
    assert!(files.contains_key("page/13/index.html"));
    assert!(!files.contains_key("page/14/index.html"));
    let page = read(out.path(), "page/7/index.html");
    let nav = &page[page.find("<nav class=\"paginator\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    let links: Vec<String> = nav
        .split("<a href=\"")
        .skip(1)
        .map(|rest| {
            let (href, rest) = rest.split_once('"').unwrap();
            let text = &rest[rest.find('>').unwrap() + 1..rest.find("</a>").unwrap()];
            format!("{href} {text}")
        })
        .collect();
    assert_eq!(
        links,
        [
            "../../page/6/ ← Newer",
            "../../ 1",
            "../../page/5/ 5",
            "../../page/6/ 6",
            "../../page/7/ 7",
            "../../page/8/ 8",
            "../../page/9/ 9",
            "../../page/13/ 13",
            "../../page/8/ Older →",
        ]
    );
    assert!(nav.contains(r#"<a href="../../page/7/" aria-current="page">7</a>"#));
    assert_eq!(nav.matches("<li aria-hidden=\"true\">…</li>").count(), 2);
    assert_eq!(
        titles(out.path(), "page/7/index.html"),
        ["Article 13", "Article 12"]
    );
    let (checked, broken) = broken_links(&files, "/briefings/");
    assert!(checked > 500, "{checked}");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn without_paginate_by_every_list_is_one_page() {
    let dates = days(25);
    let out = built_site("", &refs(&dates));
    assert_eq!(paginated(out.path()), Vec::<String>::new());
    assert_eq!(titles(out.path(), "tags/t/index.html").len(), 25);
}

#[test]
fn the_archive_counts_years_and_months_and_lists_each() {
    let out = built_site(
        "",
        &[
            "2023-12-31",
            "2024-01-15",
            "2024-01-02",
            "2024-03-01T23:30:00-05:00",
        ],
    );
    let index = read(out.path(), "archive/index.html");
    let main = &index[index.find("<main").unwrap()..index.find("</main>").unwrap()];
    let text: String = main
        .split('<')
        .filter_map(|tag| tag.split_once('>').map(|(_, t)| t.trim()))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    // The day as written: 23:30 on 1 March at -05:00 is in March, though it is
    // 2 March in UTC.
    assert_eq!(
        text,
        "Archive 2024 3 briefings March 1 January 2 2023 1 briefing December 1"
    );
    assert!(
        index.contains(r#"<a href="../archive/2024/03/">March</a>"#),
        "{index}"
    );
    assert_eq!(
        titles(out.path(), "archive/2024/index.html"),
        ["Article 4", "Article 2", "Article 3"]
    );
    assert_eq!(
        titles(out.path(), "archive/2024/01/index.html"),
        ["Article 2", "Article 3"]
    );
    assert_eq!(
        titles(out.path(), "archive/2023/12/index.html"),
        ["Article 1"]
    );
    let january = read(out.path(), "archive/2024/01/index.html");
    assert!(
        january.contains("<h1 class=\"page-title\">January 2024</h1>"),
        "{january}"
    );
    assert!(
        january.contains(r#"<li><a href="../../../archive/2024/03/">← March 2024</a></li>"#),
        "{january}"
    );
    assert!(
        january.contains(r#"<li><a href="../../../archive/2023/12/">December 2023 →</a></li>"#),
        "{january}"
    );
    let year = read(out.path(), "archive/2024/index.html");
    assert!(
        year.contains(
            r#"<li><a href="../../archive/2024/01/">January <span class="chip-count">2</span></a>"#
        ),
        "{year}"
    );
    let files = tree(out.path());
    let archive: Vec<&String> = files.keys().filter(|p| p.starts_with("archive/")).collect();
    assert_eq!(
        archive,
        [
            "archive/2023/12/index.html",
            "archive/2023/index.html",
            "archive/2024/01/index.html",
            "archive/2024/03/index.html",
            "archive/2024/index.html",
            "archive/index.html",
        ]
    );
}
