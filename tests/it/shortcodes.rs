//! Shortcodes in bodies (issue 24): the theme's `figure`, `quote` and `embed` as an
//! editor uses them in a whole build, `--strict` on a figure without a credit, and
//! every quote listed on its actor's page and in its structured data.

use crate::support::run_in;
use std::path::Path;

const SETTINGS: &str = "title = \"Desk\"\nbase_url = \"https://example.org/news/\"\n";

const HAMBURG: &str = "---\ntitle: Leaders meet in Hamburg\ndate: 2017-07-07\nsource: Reuters\nactors: [Rex Tillerson, Sergei Lavrov]\n---\nThey met.\n\n{% quote(actor=\"Rex Tillerson\", source=\"RFE/RL\", date=\"2017-07-07\", url=\"https://www.rferl.org/a/1.html\") %}\nA first indication of working together.\n{% end %}\n\n{% quote(actor=\"Lavrov\", source=\"TASS\") %}\nWe agreed.\n{% end %}\n\n{{ embed(url=\"https://www.youtube.com/watch?v=abc\", title=\"The press conference\", kind=\"video\") }}\n";
const LATER: &str = "---\ntitle: Ceasefire holds\ndate: 2017-07-10\nsource: AP\nactors: [Rex Tillerson]\n---\n{% quote(actor=\"Rex Tillerson\", source=\"AP\") %}\nIt is holding.\n{% end %}\n\n{{ figure(src=\"/map.png\", alt=\"The zone\", caption=\"Three provinces\", credit=\"Map: Desk\") }}\n";
const LAVROV: &str = "---\nname: Sergei Lavrov\naliases: [Lavrov]\n---\n";

/// A PNG of 600 × 400.
fn map() -> Vec<u8> {
    let img = image::RgbImage::from_fn(600, 400, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn site(later: &str) -> tempfile::TempDir {
    crate::support::site_of(
        SETTINGS,
        &[
            ("content/2017-07-07-hamburg.md", HAMBURG.as_bytes().to_vec()),
            ("content/2017-07-10-later.md", later.as_bytes().to_vec()),
            (
                "content/actors/sergei-lavrov.md",
                LAVROV.as_bytes().to_vec(),
            ),
            ("static/map.png", map()),
        ],
    )
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn texts(page: &str, selector: &str) -> Vec<String> {
    let html = scraper::Html::parse_document(page);
    let selector = scraper::Selector::parse(selector).unwrap();
    html.select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn quotes_are_listed_on_their_actors_pages_newest_first() {
    let site = site(LATER);
    let (code, _, err) = run_in(site.path(), &["build", "-q"]);
    assert_eq!(code, 0, "{err}");
    let page = read(site.path(), "actors/rex-tillerson/index.html");
    assert_eq!(
        texts(&page, ".quotes figure"),
        [
            "It is holding. According to AP. In Ceasefire holds",
            "A first indication of working together. 7 July 2017, according to RFE/RL. In Leaders meet in Hamburg",
        ]
    );
    let links: Vec<String> = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse(".quotes figcaption a:last-child").unwrap())
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        links,
        [
            "../../articles/later/#quote-1",
            "../../articles/hamburg/#quote-1"
        ]
    );
    // The same quotes, as schema.org Quotations of the actor's page.
    let json = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse("script[type=\"application/ld+json\"]").unwrap())
        .map(|s| s.text().collect::<String>())
        .next()
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(&json).unwrap();
    let parts = data["hasPart"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[1]["@type"], "Quotation");
    assert_eq!(parts[1]["text"], "A first indication of working together.");
    assert_eq!(parts[1]["spokenByCharacter"]["name"], "Rex Tillerson");
    assert_eq!(parts[1]["citation"], "RFE/RL");
    assert_eq!(parts[1]["isBasedOn"], "https://www.rferl.org/a/1.html");
    assert_eq!(
        parts[1]["url"],
        "https://example.org/news/articles/hamburg/#quote-1"
    );
    // A quote by an alias is its actor's; the second quote of a page is `quote-2`.
    let lavrov = read(site.path(), "actors/sergei-lavrov/index.html");
    assert_eq!(texts(&lavrov, ".quotes blockquote"), ["We agreed."]);
    let article = read(site.path(), "articles/hamburg/index.html");
    assert_eq!(
        texts(&article, "figure.pull-quote[id=\"quote-2\"] blockquote"),
        ["We agreed."]
    );
    // The embed is a card: a link, and nothing loaded from another host.
    assert_eq!(
        texts(&article, "aside.embed"),
        ["Video · youtube.com The press conference"]
    );
    assert!(!article.contains("<iframe") && !article.contains("youtube.com/embed"));
    // A figure's image under static/ is addressed from the page, with its resized
    // copies beside it.
    let later = read(site.path(), "articles/later/index.html");
    let html = scraper::Html::parse_document(&later);
    let img = html
        .select(&scraper::Selector::parse("figure.figure img").unwrap())
        .next()
        .unwrap();
    assert_eq!(img.value().attr("src"), Some("../../map.png"));
    assert_eq!(img.value().attr("width"), Some("600"));
    let srcset = img.value().attr("srcset").unwrap();
    assert!(srcset.starts_with("../../map-480."), "{srcset}");
    let first = srcset
        .split(' ')
        .next()
        .unwrap()
        .trim_start_matches("../../");
    assert!(site.path().join("public").join(first).is_file(), "{first}");
}

#[test]
fn a_figure_without_credit_fails_a_strict_build() {
    let later = LATER.replace(", credit=\"Map: Desk\"", "");
    let site = site(&later);
    let (code, _, err) = run_in(site.path(), &["build", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "warning: content/2017-07-10-later.md:11:1: shortcode `figure` has no `credit`"
        ),
        "{err}"
    );
    let (code, _, err) = run_in(site.path(), &["build", "-q", "--strict"]);
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains("content/2017-07-10-later.md:11:1: shortcode `figure` has no `credit`"),
        "{err}"
    );
}

#[test]
fn a_quote_of_an_unknown_actor_fails_the_build_with_every_other_problem() {
    let later = LATER
        .replace(
            "actor=\"Rex Tillerson\", source=\"AP\"",
            "actor=\"Tilerson\", source=\"AP\"",
        )
        .replace("src=\"/map.png\"", "src=\"/gone.png\"");
    let site = site(&later);
    let (code, _, err) = run_in(site.path(), &["build", "-q"]);
    assert_ne!(code, 0);
    assert!(
        err.contains(
            "error: content/2017-07-10-later.md:7:10: `Tilerson` is not an actor of this site"
        ),
        "{err}"
    );
    assert!(
        err.contains("error: content/2017-07-10-later.md:11:11: `src`: no file \"/gone.png\""),
        "{err}"
    );
    assert!(!site.path().join("public").exists(), "nothing is written");
}
