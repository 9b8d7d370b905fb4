//! The default theme's pages as a reader meets them (issue 21): the not-found page,
//! the favicon, cards that do not repeat what their list already says, headlines
//! typeset as their bodies are, and an actor's role said once.

use crate::support::{build, built, read, tree};
use std::path::Path;

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
    let pages: Vec<&String> = files.keys().filter(|f| f.ends_with(".html")).collect();
    assert!(pages.len() > 40, "{pages:?}");
    for page in pages {
        let html = String::from_utf8_lossy(&files[page]);
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
