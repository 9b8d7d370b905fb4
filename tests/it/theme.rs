//! The default theme's pages as a reader meets them (issue 21): the not-found page,
//! the favicon, cards that do not repeat what their list already says, headlines
//! typeset as their bodies are, and an actor's role said once.

use crate::support::{build, built, read, tree};
use std::path::Path;

/// A site of `articles` (file stem, front matter lines), built; returns its folder
/// (the output is `public/` inside it).
fn site_of(articles: &[(&str, &str)]) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        "title = \"Desk\"\nbase_url = \"https://example.org/briefings/\"\n",
    )
    .unwrap();
    std::fs::create_dir(site.path().join("content")).unwrap();
    for (stem, front) in articles {
        let text = format!("---\n{front}\nsource: Wire\n---\nRussia's \"offer\".\n");
        std::fs::write(site.path().join(format!("content/{stem}.md")), text).unwrap();
    }
    let (code, _, stderr) = build(site.path(), &site.path().join("public"), &[]);
    assert_eq!(code, 0, "{stderr}");
    site
}

/// The cards of a list page: one a line in each `<ol class="article-list">`.
fn cards(page: &str) -> Vec<&str> {
    page.split("<ol class=\"article-list\">")
        .skip(1)
        .flat_map(|list| list[..list.find("</ol>").expect("a list ends")].lines())
        .filter(|card| !card.is_empty())
        .collect()
}

/// Regression (issue 21): the not-found page marked "Latest" as the current page and
/// named the home page as its canonical URL.
#[test]
fn the_not_found_page_has_no_canonical_url_and_no_current_section() {
    let out = built("basic", &[]);
    let not_found = read(out.path(), "404.html");
    assert!(!not_found.contains("rel=\"canonical\""), "{not_found}");
    assert!(!not_found.contains("aria-current"), "{not_found}");
    assert!(not_found.contains("<meta name=\"robots\" content=\"noindex\">"));
    // The pages of "Latest" are still marked.
    let home = read(out.path(), "index.html");
    assert!(
        home.contains("<a href=\"./\" aria-current=\"page\">Latest</a>"),
        "{home}"
    );
    assert!(home.contains("<link rel=\"canonical\" href=\"https://example.org/briefings/\">"));
    let tags = read(out.path(), "tags/index.html");
    assert!(tags.contains("<a href=\"../\">Latest</a>"), "{tags}");
    assert!(tags.contains("<a href=\"../tags/\" aria-current=\"page\">Tags</a>"));
}

/// Regression (issue 21): every page made the browser ask for a `/favicon.ico` the
/// site did not have.
#[test]
fn every_page_links_the_theme_s_favicon() {
    let out = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(build(example, out.path(), &[]).0, 0);
    let files = tree(out.path());
    let icon = String::from_utf8(files["favicon.svg"].clone()).unwrap();
    assert!(
        icon.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{icon}"
    );
    // An email links no file of the site but its pages.
    let pages: Vec<&String> = files
        .keys()
        .filter(|f| f.ends_with(".html") && !f.ends_with("/email.html"))
        .collect();
    assert!(pages.len() > 40, "{pages:?}");
    for page in pages {
        let html = String::from_utf8_lossy(&files[page]);
        // A redirect page at an old URL (`aliases:`) sends the reader on at once.
        if html.contains("<meta http-equiv=\"refresh\"") {
            continue;
        }
        let root = match page.as_str() {
            "404.html" => "/briefings/".to_string(),
            _ => match page.matches('/').count() {
                0 => "./".to_string(),
                depth => "../".repeat(depth),
            },
        };
        let link = format!("<link rel=\"icon\" href=\"{root}favicon.svg\" type=\"image/svg+xml\">");
        assert!(html.contains(&link), "{page} lacks {link}");
    }
}

/// Regression (issue 21): every card on an actor's page showed that actor's chip.
#[test]
fn a_term_page_leaves_its_own_chip_out_of_every_card() {
    let site = site_of(&[
        (
            "two",
            "title: Two\ndate: 2017-07-06\nactors: [Ann Alpha, Bo Beta]",
        ),
        ("one", "title: One\ndate: 2017-07-07\nactors: [Ann Alpha]"),
    ]);
    let out = site.path().join("public");
    let alpha = read(&out, "actors/ann-alpha/index.html");
    let alpha_cards = cards(&alpha);
    assert_eq!(alpha_cards.len(), 2, "{alpha}");
    for card in &alpha_cards {
        assert!(!card.contains("actors/ann-alpha/"), "{card}");
    }
    // The card of two actors keeps the other's chip; that of one has no list left.
    assert!(alpha_cards[1].contains(
        "<ul class=\"chips\" aria-label=\"Actors\"><li><a href=\"../../actors/bo-beta/\">Bo Beta</a></li></ul>"
    ));
    assert!(!alpha_cards[0].contains("<ul"), "{}", alpha_cards[0]);
    let beta = read(&out, "actors/bo-beta/index.html");
    assert!(cards(&beta)[0].contains("href=\"../../actors/ann-alpha/\">Ann Alpha</a>"));
    assert!(!cards(&beta)[0].contains("actors/bo-beta/"));
    // Every other list shows every chip.
    for (page, root) in [
        ("index.html", "./"),
        ("archive/2017/07/index.html", "../../../"),
    ] {
        let list = read(&out, page);
        let both = cards(&list)[1];
        for actor in ["ann-alpha", "bo-beta"] {
            assert!(
                both.contains(&format!("href=\"{root}actors/{actor}/\"")),
                "{both}"
            );
        }
    }
    // No mark of a part is left on any page.
    for (file, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(briefing::text::is_noncharacter),
            "{file} has a renderer's mark"
        );
    }
}

/// Regression (issue 21): each card on the home page repeated the date of the day
/// heading it sits under.
#[test]
fn home_page_cards_leave_out_the_date_of_their_day() {
    let site = site_of(&[
        ("a", "title: A\ndate: 2017-07-06"),
        ("b", "title: B\ndate: 2017-07-07T10:00:00+02:00"),
    ]);
    let out = site.path().join("public");
    let home = read(&out, "index.html");
    for card in cards(&home) {
        assert!(!card.contains("<time"), "{card}");
        assert!(
            card.contains("</h3><p><a href=\"./sources/wire/\">Wire</a></p>"),
            "{card}"
        );
    }
    let wire = read(&out, "sources/wire/index.html");
    assert!(cards(&wire)[0].contains(
        "</h3><p><time datetime=\"2017-07-07T10:00:00+02:00\">7 July 2017</time> · <a href=\"../../sources/wire/\">Wire</a></p>"
    ));
}

/// A card is written into every list that holds its article (about ten lists an
/// article at 10,000 articles without pagination: its tags', actors' and source's
/// pages, its year and month, the home page), so its markup is pinned here, whole:
/// no class, wrapper or whitespace the stylesheet can do without (issue 25). A
/// change to it is a change to every list page and should be made on purpose.
#[test]
fn a_card_is_its_content_with_no_markup_to_spare() {
    let site = crate::support::site_of_articles(
        "https://example.org/briefings/",
        "",
        &[(
            "talks",
            "---\ntitle: Talks\ndate: 2017-07-06\nupdated: 2017-07-08\nsource: Wire\n\
             authors: [Jane Doe]\nactors: [Ann Alpha, Bo Beta]\ntags: [syria]\n---\n\
             They met.[^context-a]\n\n[^context-a]: In Hamburg.\n",
        )],
    );
    let out = site.path().join("public");
    let (code, _, stderr) = build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let tag = read(&out, "tags/syria/index.html");
    let cards = cards(&tag);
    assert_eq!(cards.len(), 1, "{tag}");
    let card = cards[0];
    // What is neither the reader's text nor a link's address: tags that say what each
    // part is (title, meta line, summary, actors), the dates a machine reads, the
    // actors' label: 238 bytes. 300 leaves room for a small addition, not for a class
    // on every part again (this card had 430 before issue 25).
    let addresses: usize = card
        .split("href=\"")
        .skip(1)
        .map(|rest| rest.find('"').unwrap())
        .sum();
    let text: usize = card
        .split('<')
        .map(|part| part.split_once('>').map_or(part, |(_, text)| text).len())
        .sum();
    let markup = card.len() - text - addresses;
    assert!(markup <= 300, "{markup} bytes of markup in a card: {card}");
    assert_eq!(
        card,
        concat!(
            r#"<li><h3><a href="../../articles/talks/">Talks</a></h3>"#,
            r#"<p><time datetime="2017-07-06">6 July 2017</time> · <a href="../../sources/wire/">Wire</a>"#,
            r#" · By <a href="../../authors/jane-doe/">Jane Doe</a>"#,
            r#" · Updated <time datetime="2017-07-08">8 July 2017</time> · 1 context note</p>"#,
            r#"<p>They met.</p>"#,
            r#"<ul class="chips" aria-label="Actors"><li><a href="../../actors/ann-alpha/">Ann Alpha</a></li>"#,
            r#"<li><a href="../../actors/bo-beta/">Bo Beta</a></li></ul></li>"#,
        )
    );
}

/// Regression (issue 21): headlines kept straight quotes while their bodies got
/// curly ones. The headline is typeset once, so pages, feeds, JSON-LD and search
/// show the same one.
#[test]
fn headlines_get_the_smart_punctuation_of_bodies() {
    let site = site_of(&[(
        "quotes",
        "title: \"Russia's 'red line' -- and \\\"no\\\"...\"\ndate: 2017-07-06\nsummary: Lavrov's word.\nkey_points: [\"It's on\"]",
    )]);
    let out = site.path().join("public");
    let typeset = "Russia’s ‘red line’ – and “no”…";
    let article = read(&out, "articles/quotes/index.html");
    assert!(article.contains("<p>Russia’s “offer”.</p>"), "{article}");
    assert!(article.contains(&format!("<h1 class=\"briefing-title\">{typeset}</h1>")));
    assert!(article.contains(&format!("<title>{typeset} · Desk</title>")));
    assert!(article.contains(&format!("\"headline\":\"{typeset}\"")));
    assert!(article.contains("<meta name=\"description\" content=\"Lavrov’s word.\">"));
    assert!(article.contains("<li>It’s on</li>"));
    assert!(read(&out, "index.html").contains(&format!(">{typeset}</a></h3>")));
    assert!(read(&out, "atom.xml").contains(&format!("<title>{typeset}</title>")));
    let (docs, _) = crate::search::Index::read(&out).docs();
    assert_eq!(docs[0][0], typeset);
}

/// Regression (issue 21): an actor's page said "President of Russia, Russia".
#[test]
fn an_actor_s_country_is_not_repeated_after_a_role_that_names_it() {
    let out = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(build(example, out.path(), &[]).0, 0);
    let putin = read(out.path(), "actors/vladimir-putin/index.html");
    assert!(
        putin.contains("<p class=\"profile-lede\">President of Russia</p>"),
        "{putin}"
    );
    let tillerson = read(out.path(), "actors/rex-tillerson/index.html");
    assert!(
        tillerson.contains("<p class=\"profile-lede\">US Secretary of State, United States</p>")
    );
}
