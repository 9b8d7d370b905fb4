//! Images that fit: resized copies of the images articles show, `srcset` and
//! `sizes`, the cache, and the errors of images that cannot be read.

use crate::support::{build, read, site_of, tree};
use std::path::Path;

/// A photo-like PNG or JPEG of `width` × `height` (gradients and a pattern).
fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x % 251) as u8,
            (y % 241) as u8,
            ((x * 7 + y * 13) % 256) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn png(w: u32, h: u32) -> Vec<u8> {
    picture(w, h, image::ImageFormat::Png)
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    picture(w, h, image::ImageFormat::Jpeg)
}

const TOML: &str = "title = \"Desk\"\nbase_url = \"https://example.org/\"\n";

const BODY: &str = "---\ntitle: Ceasefire holds\ndate: 2017-07-09\nsource: AP\n---\n\
Text.\n\n![A map](map.png)\n\n<img src=\"/img/raw.png\" alt=\"Raw\">\n\n\
![Wide](/img/wide.jpg)\n\n![Logo](/img/logo.svg)\n\n![Away](https://example.net/a.png)\n";

/// A site with a bundle article showing a PNG of 1200 px in its folder, a raw
/// `<img>` of 300 px and a JPEG of 2000 px from `static/`, an SVG and an external
/// image.
fn site() -> tempfile::TempDir {
    site_of(
        TOML,
        &[
            ("content/2017-07-09-x/index.md", BODY.as_bytes().to_vec()),
            ("content/2017-07-09-x/map.png", png(1200, 600)),
            ("static/img/raw.png", png(300, 200)),
            ("static/img/wide.jpg", jpeg(2000, 1000)),
            (
                "static/img/logo.svg",
                b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            ),
        ],
    )
}

/// Each `<img>` of the page: its attributes, and the `srcset` of the WebP
/// `<source>` before it in a `<picture>`, if any.
/// An `<img>`'s attributes and its WebP `<source>`'s `srcset`.
type Shown = (Vec<(String, String)>, Option<String>);

fn images(page: &str) -> Vec<Shown> {
    let html = scraper::Html::parse_document(page);
    let img = scraper::Selector::parse("main img").unwrap();
    html.select(&img)
        .map(|el| {
            let attrs = el
                .value()
                .attrs()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let webp = el
                .parent()
                .and_then(scraper::ElementRef::wrap)
                .filter(|p| p.value().name() == "picture")
                .and_then(|p| {
                    p.select(&scraper::Selector::parse("source[type=\"image/webp\"]").unwrap())
                        .next()
                        .and_then(|s| s.value().attr("srcset").map(str::to_string))
                });
            (attrs, webp)
        })
        .collect()
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The widths of a `srcset`, and its URLs.
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').unwrap();
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

/// Decodes the file the page at `articles/x/` links as `url`: its size and format.
fn decoded(out: &Path, url: &str) -> (u32, u32, image::ImageFormat) {
    let rel = match url.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("articles/x/{url}"),
    };
    let bytes = std::fs::read(out.join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let format = image::guess_format(&bytes).unwrap();
    let img = image::load_from_memory(&bytes).unwrap();
    (img.width(), img.height(), format)
}

#[test]
fn variants_are_written_at_each_width_never_upscaled_with_srcset_sizes_and_size() {
    let site = site();
    let out = site.path().join("public");
    let (code, stdout, stderr) = build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("; images: 3 processed, 0 from cache, 12 variants"),
        "{stdout}"
    );
    let page = read(&out, "articles/x/index.html");
    let found = images(&page);
    assert_eq!(found.len(), 5, "{page}");
    use image::ImageFormat::{Jpeg, Png, WebP};
    // The map: 480 and 960 below its 1200 px, the original last; WebP up to 1200.
    let (map, webp) = &found[0];
    assert_eq!(attr(map, "src"), Some("map.png"));
    assert_eq!(
        (attr(map, "width"), attr(map, "height")),
        (Some("1200"), Some("600"))
    );
    assert_eq!(attr(map, "sizes"), Some("(min-width: 672px) 672px, 100vw"));
    // The first image of a page without a lead image is loaded at once.
    assert_eq!(attr(map, "loading"), None);
    let own = candidates(attr(map, "srcset").unwrap());
    assert_eq!(
        own.iter().map(|c| c.1).collect::<Vec<_>>(),
        [480, 960, 1200]
    );
    assert_eq!(own[2].0, "map.png");
    for (url, w) in &own {
        assert_eq!(decoded(&out, url), (*w, w / 2, Png), "{url}");
    }
    let webp = candidates(webp.as_deref().unwrap());
    assert_eq!(
        webp.iter().map(|c| c.1).collect::<Vec<_>>(),
        [480, 960, 1200]
    );
    for (url, w) in &webp {
        assert!(url.ends_with(".webp"), "{url}");
        assert_eq!(decoded(&out, url), (*w, w / 2, WebP), "{url}");
    }
    // The raw `<img>`, narrower than every width: its original alone, and a WebP.
    let (raw, webp) = &found[1];
    assert_eq!(attr(raw, "srcset"), Some("/img/raw.png 300w"));
    assert_eq!(
        (
            attr(raw, "width"),
            attr(raw, "height"),
            attr(raw, "loading"),
            attr(raw, "decoding")
        ),
        (Some("300"), Some("200"), Some("lazy"), Some("async"))
    );
    let webp = candidates(webp.as_deref().unwrap());
    assert_eq!(webp.len(), 1);
    assert_eq!(decoded(&out, &webp[0].0), (300, 200, WebP));
    // The wide JPEG: WebP stops at the widest width, JPEG ends with the original.
    let (wide, webp) = &found[2];
    let own = candidates(attr(wide, "srcset").unwrap());
    assert_eq!(
        own.iter().map(|c| c.1).collect::<Vec<_>>(),
        [480, 960, 1600, 2000]
    );
    for (url, w) in &own[..3] {
        assert_eq!(decoded(&out, url), (*w, w / 2, Jpeg), "{url}");
    }
    let webp = candidates(webp.as_deref().unwrap());
    assert_eq!(
        webp.iter().map(|c| c.1).collect::<Vec<_>>(),
        [480, 960, 1600]
    );
    // The SVG and the external image are left as they were.
    for (attrs, webp) in &found[3..] {
        assert_eq!((attr(attrs, "srcset"), webp), (None, &None), "{attrs:?}");
        assert_eq!(attr(attrs, "width"), None);
    }
    // The cache is the site's, never the output's.
    assert!(!tree(&out).keys().any(|p| p.contains("briefing-cache")));
    assert!(site.path().join(".briefing-cache/images").is_dir());
}

#[test]
fn a_second_build_of_an_unchanged_site_processes_no_image() {
    let site = site();
    let out = site.path().join("public");
    let (code, first, stderr) = build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        first.contains("images: 3 processed, 0 from cache"),
        "{first}"
    );
    let before = tree(&out);
    let (code, second, stderr) = build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        second.contains("; images: 0 processed, 3 from cache, 12 variants"),
        "{second}"
    );
    assert_eq!(tree(&out), before);
    // A replaced image is processed again, under new names.
    std::fs::write(site.path().join("static/img/raw.png"), png(320, 200)).unwrap();
    let (code, third, stderr) = build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        third.contains("images: 1 processed, 2 from cache"),
        "{third}"
    );
    assert!(read(&out, "articles/x/index.html").contains("/img/raw.png 320w"));
}

#[test]
fn the_lead_image_has_the_same_srcset_in_the_article_and_its_card() {
    let article =
        "---\ntitle: Lead\ndate: 2017-07-09\nsource: AP\nimage: map.png\nimage_alt: A map\n---\n\
Text.\n\n![Second](map.png)\n";
    let site = site_of(
        TOML,
        &[
            ("content/2017-07-09-x/index.md", article.as_bytes().to_vec()),
            ("content/2017-07-09-x/map.png", png(1000, 500)),
        ],
    );
    let out = site.path().join("public");
    let (code, stdout, stderr) = build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("images: 1 processed"), "{stdout}");
    let page = read(&out, "articles/x/index.html");
    let found = images(&page);
    let (lead, webp) = &found[0];
    assert_eq!(
        candidates(attr(lead, "srcset").unwrap()),
        [
            (format!("../../articles/x/map-480.{}.png", key(webp)), 480),
            (format!("../../articles/x/map-960.{}.png", key(webp)), 960),
            ("../../articles/x/map.png".to_string(), 1000),
        ]
    );
    assert_eq!(attr(lead, "loading"), None);
    // Below the lead image, the body's first image is lazy.
    assert_eq!(attr(&found[1].0, "loading"), Some("lazy"));
    let home = read(&out, "index.html");
    let html = scraper::Html::parse_document(&home);
    let card = html
        .select(&scraper::Selector::parse(".article-list img").unwrap())
        .next()
        .unwrap();
    assert_eq!(card.value().attr("sizes"), Some("6rem"));
    let srcset = card.value().attr("srcset").unwrap();
    assert!(srcset.starts_with("./articles/x/map-480."), "{srcset}");
    // The email takes the original, a PNG no wider than 1,200 px.
    let email = read(&out, "editions/2017-07-09/email.html");
    assert!(email.contains("src=\"https://example.org/articles/x/map.png\""));
}

/// The key in the first WebP name of `webp`.
fn key(webp: &Option<String>) -> String {
    let first = webp.as_deref().unwrap().split(' ').next().unwrap();
    first.rsplit('.').nth(1).unwrap().to_string()
}

#[test]
fn broken_images_are_errors_naming_the_file_and_the_place_all_in_one_run() {
    let mut truncated = png(400, 300);
    truncated.truncate(120);
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bomb.extend(30_000u32.to_be_bytes());
    bomb.extend(30_000u32.to_be_bytes());
    bomb.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    let mut cut_jpeg = jpeg(400, 300);
    cut_jpeg.truncate(cut_jpeg.len() * 2 / 3);
    let body = "---\ntitle: X\ndate: 2017-07-09\nsource: AP\nimage: bomb.png\nimage_alt: x\n---\n\
![Cut](cut.png)\n\n![Text](/not.jpg)\n\n![Cut too](cut.jpg)\n";
    let site = site_of(
        TOML,
        &[
            ("content/2017-07-09-x/index.md", body.as_bytes().to_vec()),
            ("content/2017-07-09-x/cut.png", truncated),
            ("content/2017-07-09-x/bomb.png", bomb),
            ("static/not.jpg", b"this is not a JPEG".to_vec()),
            ("content/2017-07-09-x/cut.jpg", cut_jpeg),
        ],
    );
    let (code, _, stderr) = build(site.path(), &site.path().join("public"), &[]);
    assert_eq!(code, 1);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(
        errors,
        [
            "error: content/2017-07-09-x/index.md:5:8: content/2017-07-09-x/bomb.png is 30000 × 30000 pixels, more than the 100 megapixels briefing decodes",
            "error: content/2017-07-09-x/index.md:8:8: cannot decode content/2017-07-09-x/cut.png: the file is damaged, or not the image it seems",
            "error: content/2017-07-09-x/index.md:12:12: cannot decode content/2017-07-09-x/cut.jpg: the file is damaged, or not the image it seems",
            "error: content/2017-07-09-x/index.md:10:9: image \"/not.jpg\": static/not.jpg is not an image briefing can read (an SVG, or not an image)",
            "error: build failed with 4 errors",
        ],
        "{stderr}"
    );
}

#[test]
fn widths_that_are_not_a_list_of_positive_whole_numbers_are_errors_at_their_line() {
    for (widths, found) in [
        (
            "\"big\"",
            "expected a list of widths in pixels, found \"big\"",
        ),
        (
            "[480, 0]",
            "expected widths from 1 to 10000 pixels, found 0",
        ),
        (
            "[480, \"960\"]",
            "expected whole numbers of pixels, found \"960\"",
        ),
        ("[]", "expected at least one width, found an empty list"),
    ] {
        let site = site_of(
            &format!("{TOML}\n[images]\nwidths = {widths}\n"),
            &[] as &[(&str, &[u8])],
        );
        let (code, _, stderr) = build(site.path(), &site.path().join("public"), &[]);
        assert_eq!(code, 1);
        let first = stderr.lines().next().unwrap();
        assert_eq!(
            first,
            format!("error: site.toml:5:10: images.widths: {found}"),
            "{stderr}"
        );
    }
}

/// A JPEG of `width` × `height` whose EXIF says to show it turned a quarter
/// clockwise (orientation 6), as a phone held upright writes it.
fn turned_jpeg(width: u32, height: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let img = image::RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 256) as u8, 90, 40]));
    // A TIFF header (big-endian) and one IFD entry: tag 0x0112, SHORT, 1, value 6.
    let exif = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0".to_vec();
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    encoder.set_exif_metadata(exif).unwrap();
    encoder
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

#[test]
fn a_photo_turned_by_its_exif_is_measured_and_resized_as_it_is_shown() {
    let body = "---\ntitle: Upright\ndate: 2017-07-09\nsource: AP\n---\n![A portrait](photo.jpg)\n";
    let site = site_of(
        TOML,
        &[
            ("content/2017-07-09-p/index.md", body.as_bytes().to_vec()),
            ("content/2017-07-09-p/photo.jpg", turned_jpeg(1200, 800)),
        ],
    );
    let out = site.path().join("public");
    let (code, _, err) = build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let page = read(&out, "articles/p/index.html");
    let shown = images(&page);
    let (attrs, _) = &shown[0];
    assert_eq!(
        (attr(attrs, "width"), attr(attrs, "height")),
        (Some("800"), Some("1200"))
    );
    let srcset = candidates(attr(attrs, "srcset").unwrap());
    assert_eq!(srcset[0].1, 480);
    let (w, h, _) = decoded(&out, &format!("/articles/p/{}", srcset[0].0));
    assert_eq!(
        (w, h),
        (480, 720),
        "the copy stands upright, as the original is shown"
    );
}
