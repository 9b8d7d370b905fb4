//! Reaching readers (issue 23): lead images (`image:` and site.toml's
//! `default_image`), link previews (OpenGraph and Twitter card tags on every page),
//! structured data for Google, Google's news sitemap, and `[news] google`.

use crate::support::run_in;
use std::collections::BTreeMap;
use std::path::Path;

/// A site of `files` (path under the site root, bytes), with `settings` added to
/// site.toml.
fn site(settings: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    crate::support::site_of(
        &format!("title = \"Desk\"\nbase_url = \"https://example.org/news/\"\n{settings}"),
        files,
    )
}

/// A PNG of `width` × `height`, of one colour (images shown are resized: they must
/// decode).
fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(width, height, image::Rgba([40, 90, 160, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

const WITH_IMAGE: &str = "---\ntitle: Ceasefire holds\ndate: 2017-07-09T12:00:00+03:00\nsource: Reuters\nauthors: [Jane Doe]\ntags: [ceasefire]\nimage: map.png\nimage_alt: \"Map of the ceasefire area\"\nimage_caption: The area, schematic.\nimage_credit: Desk graphics\nsummary: \"A truce took effect at noon.\"\n---\nBody.\n";
const WITHOUT: &str = "---\ntitle: Talks stall\ndate: 2017-07-07\nsource: TASS\n---\nTalks.\n";

/// The `<meta>` tags of an HTML page, `property` or `name` → every `content`.
fn metas(page: &str) -> BTreeMap<String, Vec<String>> {
    let html = scraper::Html::parse_document(page);
    let selector = scraper::Selector::parse("head meta").unwrap();
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for meta in html.select(&selector) {
        let v = meta.value();
        if let (Some(key), Some(content)) =
            (v.attr("property").or(v.attr("name")), v.attr("content"))
        {
            found
                .entry(key.to_string())
                .or_default()
                .push(content.to_string());
        }
    }
    found
}

fn one<'a>(metas: &'a BTreeMap<String, Vec<String>>, key: &str) -> &'a str {
    match metas.get(key).map(Vec::as_slice) {
        Some([one]) => one,
        other => panic!("{key}: {other:?}"),
    }
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn every_page_has_link_preview_tags_and_an_article_its_image() {
    let map = png(1200, 630);
    let logo = png(60, 60);
    let site = site(
        "default_image = \"img/desk.png\"\ndefault_image_alt = \"The desk's masthead\"\nlogo = \"img/logo.png\"\n",
        &[
            ("content/2017-07-09-ceasefire/index.md", WITH_IMAGE.as_bytes()),
            ("content/2017-07-09-ceasefire/map.png", &map),
            ("content/2017-07-07-talks.md", WITHOUT.as_bytes()),
            ("static/img/desk.png", &png(800, 418)),
            ("static/img/logo.png", &logo),
        ],
    );
    let root = site.path();
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));

    let page = read(root, "articles/ceasefire/index.html");
    let m = metas(&page);
    assert_eq!(one(&m, "og:type"), "article");
    assert_eq!(one(&m, "og:title"), "Ceasefire holds");
    assert_eq!(one(&m, "og:site_name"), "Desk");
    assert_eq!(
        one(&m, "og:url"),
        "https://example.org/news/articles/ceasefire/"
    );
    assert_eq!(one(&m, "og:description"), "A truce took effect at noon.");
    assert_eq!(one(&m, "og:locale"), "en");
    assert_eq!(
        one(&m, "og:image"),
        "https://example.org/news/articles/ceasefire/map.png"
    );
    assert_eq!(one(&m, "og:image:width"), "1200");
    assert_eq!(one(&m, "og:image:height"), "630");
    assert_eq!(one(&m, "og:image:type"), "image/png");
    assert_eq!(one(&m, "og:image:alt"), "Map of the ceasefire area");
    assert_eq!(one(&m, "twitter:card"), "summary_large_image");
    assert_eq!(
        one(&m, "article:published_time"),
        "2017-07-09T12:00:00+03:00"
    );
    assert_eq!(
        one(&m, "article:modified_time"),
        "2017-07-09T12:00:00+03:00"
    );
    assert_eq!(
        one(&m, "article:author"),
        "https://example.org/news/authors/jane-doe/"
    );
    assert_eq!(one(&m, "article:tag"), "ceasefire");
    // The image on the page, with its size, caption and credit.
    assert!(page.contains("<img src=\"../../articles/ceasefire/map.png\" alt=\"Map of the ceasefire area\" srcset=\"../../articles/ceasefire/map-480."), "{page}");
    assert!(
        page.contains("sizes=\"(min-width: 672px) 672px, 100vw\" width=\"1200\" height=\"630\">")
    );
    assert!(page.contains("<figcaption>The area, schematic. <span class=\"credit\">Image: Desk graphics</span></figcaption>"));
    // Structured data: the image, and the publisher's logo.
    let data = crate::authors::json_ld(&page);
    assert_eq!(
        data["image"]["url"],
        "https://example.org/news/articles/ceasefire/map.png"
    );
    assert_eq!(data["image"]["width"], 1200);
    assert_eq!(data["image"]["creditText"], "Desk graphics");
    assert_eq!(
        data["publisher"]["logo"]["url"],
        "https://example.org/news/img/logo.png"
    );
    assert_eq!(
        data["author"][0]["url"],
        "https://example.org/news/authors/jane-doe/"
    );

    // An article without an image, and every other page, has the site's.
    for rel in [
        "articles/talks/index.html",
        "index.html",
        "tags/ceasefire/index.html",
        "archive/index.html",
        "corrections/index.html",
    ] {
        let m = metas(&read(root, rel));
        assert_eq!(
            one(&m, "og:image"),
            "https://example.org/news/img/desk.png",
            "{rel}"
        );
        assert_eq!(one(&m, "og:image:alt"), "The desk's masthead", "{rel}");
        assert_eq!(one(&m, "twitter:card"), "summary_large_image", "{rel}");
        let kind = if rel.starts_with("articles/") {
            "article"
        } else {
            "website"
        };
        assert_eq!(one(&m, "og:type"), kind, "{rel}");
        assert!(
            m.contains_key("og:title") && m.contains_key("og:url"),
            "{rel}"
        );
    }
    // The 404 page is the page of no URL.
    assert!(!metas(&read(root, "404.html")).contains_key("og:url"));

    // The feed carries the image as an enclosure.
    let feed = read(root, "atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let enclosures: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "link" && n.attribute("rel") == Some("enclosure"))
        .map(|n| {
            (
                n.attribute("href").unwrap(),
                n.attribute("type").unwrap(),
                n.attribute("length").unwrap(),
            )
        })
        .collect();
    let length = map.len().to_string();
    assert_eq!(
        enclosures,
        [(
            "https://example.org/news/articles/ceasefire/map.png",
            "image/png",
            length.as_str()
        )]
    );
    let rss = read(root, "rss.xml");
    let doc = roxmltree::Document::parse(&rss).unwrap();
    let enclosures: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "enclosure")
        .map(|n| {
            (
                n.attribute("url").unwrap(),
                n.attribute("type").unwrap(),
                n.attribute("length").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        enclosures,
        [(
            "https://example.org/news/articles/ceasefire/map.png",
            "image/png",
            length.as_str()
        )]
    );
    let json: serde_json::Value = serde_json::from_str(&read(root, "feed.json")).unwrap();
    let images: Vec<&serde_json::Value> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| &item["image"])
        .collect();
    assert_eq!(
        images,
        [
            &serde_json::json!("https://example.org/news/articles/ceasefire/map.png"),
            &serde_json::Value::Null
        ]
    );
}

#[test]
fn a_site_without_images_has_summary_cards() {
    let site = site("", &[("content/2017-07-07-talks.md", WITHOUT.as_bytes())]);
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let m = metas(&read(site.path(), "articles/talks/index.html"));
    assert_eq!(one(&m, "twitter:card"), "summary");
    assert!(!m.contains_key("og:image"));
    assert_eq!(
        one(&m, "og:description"),
        "Talks.",
        "the summary made of the body"
    );
    let home = metas(&read(site.path(), "index.html"));
    assert!(!home.contains_key("og:description"), "no site description");
}

#[test]
fn a_bad_image_is_an_error_at_its_line() {
    let site = site(
        "default_image = \"missing.png\"\n",
        &[
            (
                "content/2017-07-09-a.md",
                b"---\ntitle: A\ndate: 2017-07-09\nsource: AP\nimage: nowhere.png\nimage_alt: x\n---\nA.\n",
            ),
            (
                "content/2017-07-09-b.md",
                b"---\ntitle: B\ndate: 2017-07-09\nsource: AP\nimage: b.png\n---\nB.\n",
            ),
            (
                "content/2017-07-09-c.md",
                b"---\ntitle: C\ndate: 2017-07-09\nsource: AP\nimage_credit: Someone\n---\nC.\n",
            ),
            ("static/b.png", &png(10, 10)),
        ],
    );
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        r#"error: site.toml:3:17: default_image: no file static/missing.png
  |
3 | default_image = "missing.png"
  |                 ^^^^^^^^^^^^^
  |
  = help: check the file's name (case counts), or put the image there
error: content/2017-07-09-a.md:5:8: image: no file static/nowhere.png
  |
5 | image: nowhere.png
  |        ^^^^^^^^^^^
  |
  = help: check the file's name (case counts), or put the image there
error: content/2017-07-09-b.md:5:8: image: an image needs its `image_alt`, what it shows for readers who cannot see it
  |
5 | image: b.png
  |        ^^^^^
  |
  = help: add `image_alt: "Map of the ceasefire zone in southwest Syria"` (or `image_alt: ""` for an image that only decorates)
error: content/2017-07-09-c.md:5:15: image_credit: there is no `image:` for it to describe
  |
5 | image_credit: Someone
  |               ^^^^^^^
  |
  = help: add the image, `image: map.png` (in the article's folder or static/), or remove this line
error: check failed with 4 errors
"#
    );
}

#[test]
fn the_news_sitemap_lists_the_last_48_hours_and_robots_names_it() {
    let article = |title: &str, date: &str| {
        format!("---\ntitle: {title}\ndate: {date}\nsource: AP\n---\nBody.\n")
    };
    let old = article("Old", "2017-07-07T11:00:00Z");
    let recent = article("Recent & new", "2017-07-08T13:00:00Z");
    let latest = article("Latest", "2017-07-09T11:00:00Z");
    let future = article("Future", "2017-07-09T13:00:00Z");
    let site = site(
        "language = \"pt-BR\"\n",
        &[
            ("content/old.md", old.as_bytes()),
            ("content/recent.md", recent.as_bytes()),
            ("content/latest.md", latest.as_bytes()),
            ("content/future.md", future.as_bytes()),
        ],
    );
    let root = site.path();
    for args in [&["build"][..], &["build", "--future"]] {
        let (code, _, stderr) = run_in(root, &[args, &["--now", "2017-07-09T12:00:00Z"]].concat());
        assert_eq!((code, stderr.as_str()), (0, ""));
        let xml = read(root, "news-sitemap.xml");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        const NEWS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
        let text = |n: roxmltree::Node, name: &str| {
            n.descendants()
                .find(|d| d.tag_name().name() == name && d.tag_name().namespace() == Some(NEWS))
                .and_then(|d| d.text())
                .unwrap()
                .to_string()
        };
        let urls: Vec<(String, String, String, String)> = doc
            .root_element()
            .children()
            .filter(|n| n.is_element())
            .map(|u| {
                let loc = u.children().find(|c| c.tag_name().name() == "loc").unwrap();
                (
                    loc.text().unwrap().to_string(),
                    text(u, "title"),
                    text(u, "publication_date"),
                    text(u, "language"),
                )
            })
            .collect();
        // Not the scheduled one, even when `--future` publishes it: it is not news yet.
        assert_eq!(
            urls,
            [
                (
                    "https://example.org/news/articles/latest/".into(),
                    "Latest".into(),
                    "2017-07-09T11:00:00+00:00".into(),
                    "pt".into()
                ),
                (
                    "https://example.org/news/articles/recent/".into(),
                    "Recent & new".into(),
                    "2017-07-08T13:00:00+00:00".into(),
                    "pt".into()
                ),
            ],
            "{args:?}"
        );
    }
    assert_eq!(
        read(root, "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/news/sitemap.xml\nSitemap: https://example.org/news/news-sitemap.xml\n"
    );
    assert!(!read(root, "sitemap.xml").contains("news-sitemap"));
}

#[test]
fn google_news_recommendations_are_warned_only_when_asked() {
    let files: &[(&str, &[u8])] = &[("content/2017-07-07-talks.md", WITHOUT.as_bytes())];
    let quiet = site("", files);
    let (code, _, stderr) = run_in(quiet.path(), &["check", "--strict"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let asked = site("[news]\ngoogle = true\n", files);
    let (code, _, stderr) = run_in(asked.path(), &["check"]);
    assert_eq!(code, 0);
    assert_eq!(
        stderr,
        "warning: content/2017-07-07-talks.md: Google News recommends an image, and this article has none\n |\n = help: add `image:` (with `image_alt:`), or a `default_image` in site.toml for every article without one\nwarning: content/2017-07-07-talks.md: Google News recommends an author, and this article names none\n |\n = help: add `authors: [Name]`, or a `default_author` in site.toml\n"
    );
}

/// The lead image in the edition's email: a plain JPEG or PNG no wider than 1,200
/// pixels, absolute, shown at most 552 wide; any other is left out (mail clients show
/// no WebP, and a wider image waits for resized variants).
#[test]
fn the_email_shows_a_lead_image_mail_clients_can_show() {
    let webp = {
        let img = image::RgbImage::from_pixel(800, 576, image::Rgb([90, 90, 90]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::WebP).unwrap();
        out.into_inner()
    };
    let other = "---\ntitle: Other\ndate: 2017-07-09\nsource: AP\nimage: /photo.webp\nimage_alt: A photo\n---\nOther.\n";
    let site = site(
        "",
        &[
            (
                "content/2017-07-09-ceasefire/index.md",
                WITH_IMAGE.as_bytes(),
            ),
            ("content/2017-07-09-ceasefire/map.png", &png(1200, 630)),
            ("content/2017-07-09-other.md", other.as_bytes()),
            ("static/photo.webp", &webp),
        ],
    );
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let email = read(site.path(), "editions/2017-07-09/email.html");
    let html = scraper::Html::parse_document(&email);
    let images: Vec<(String, String, String, String)> = html
        .select(&scraper::Selector::parse("img").unwrap())
        .map(|img| {
            let v = img.value();
            let attr = |n: &str| v.attr(n).unwrap_or_default().to_string();
            (attr("src"), attr("width"), attr("height"), attr("alt"))
        })
        .collect();
    assert_eq!(
        images,
        [(
            "https://example.org/news/articles/ceasefire/map.png".to_string(),
            "552".to_string(),
            "289".to_string(),
            "Map of the ceasefire area".to_string()
        )]
    );
    assert!(email.contains("The area, schematic. Image: Desk graphics</p>"));
}

/// Every page a reader reaches, of every kind (the example site: articles, lists,
/// terms, archive, editions, search, corrections), has the preview tags, its
/// `og:url` its canonical URL; redirect pages and the not-found page have none.
#[test]
fn every_page_of_the_example_has_preview_tags() {
    let out = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, _, stderr) = crate::support::build(root, out.path(), &["-q"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let mut kinds = std::collections::BTreeSet::new();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(out.path()) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "html") || path.ends_with("email.html") {
            continue;
        }
        let page = std::fs::read_to_string(&path).unwrap();
        let rel = path.strip_prefix(out.path()).unwrap().display().to_string();
        let m = metas(&page);
        if page.contains("http-equiv=\"refresh\"") || rel == "404.html" {
            assert!(!m.contains_key("og:url"), "{rel}");
            continue;
        }
        let html = scraper::Html::parse_document(&page);
        let canonical = html
            .select(&scraper::Selector::parse("link[rel=canonical]").unwrap())
            .next()
            .and_then(|l| l.value().attr("href"))
            .unwrap_or_else(|| panic!("{rel}: no canonical"))
            .to_string();
        assert_eq!(one(&m, "og:url"), canonical, "{rel}");
        assert_eq!(one(&m, "og:site_name"), "Syria Desk", "{rel}");
        assert!(!one(&m, "og:title").is_empty(), "{rel}");
        assert!(
            ["summary", "summary_large_image"].contains(&one(&m, "twitter:card")),
            "{rel}"
        );
        kinds.insert(
            html.select(&scraper::Selector::parse("body").unwrap())
                .next()
                .and_then(|b| b.value().attr("class"))
                .unwrap_or_default()
                .to_string(),
        );
        pages += 1;
    }
    assert!(pages > 50, "{pages}");
    for kind in [
        "home",
        "article",
        "taxonomy",
        "term",
        "archive",
        "year",
        "month",
        "search",
        "corrections",
        "edition",
        "editions",
    ] {
        assert!(kinds.contains(kind), "no {kind} page among {kinds:?}");
    }
}
