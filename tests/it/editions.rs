//! Daily editions and the edition as email (issue 23, parts 1 and 2).

use crate::support::{read, run_in};
use mail_parser::{MessageParser, MimeHeaders};
use std::path::Path;

const EDITIONS: &str = r#"timezone = "Europe/Berlin"
[editions]
from = "Syria Desk <desk@example.org>"
to = "Syria Desk readers <readers@lists.example.org>"
send_at = "06:00"
list_unsubscribe = "mailto:leave@example.org"
"#;

/// A site with `settings` added to site.toml and `articles` (file stem, whole text).
fn site(settings: &str, articles: &[(&str, &str)]) -> tempfile::TempDir {
    crate::support::site_of_articles("https://example.org/briefings/", settings, articles)
}

const TALKS: (&str, &str) = (
    "2017-07-07-talks",
    "---\ntitle: Talks in Hamburg\ndate: 2017-07-07T16:30:00+02:00\nsource: Reuters\nauthors: [Jane Doe]\nkey_points: [The presidents met for two hours., A ceasefire was agreed.]\nsummary: The two presidents met on the sidelines of the G20.\n---\nTalks.\n",
);
const FIRST: (&str, &str) = (
    "2017-07-07-first",
    "---\ntitle: Weighted first\ndate: 2017-07-07T09:00:00+02:00\nsource: AP\nweight: 1\n---\nFirst of the day.\n",
);
const EARLIER: (&str, &str) = (
    "2017-07-06-earlier",
    "---\ntitle: The day before\ndate: 2017-07-06\nsource: TASS\n---\nEarlier.\n",
);
const DRAFT: (&str, &str) = (
    "2017-07-07-draft",
    "---\ntitle: Unfinished draft\ndate: 2017-07-07\nsource: AP\ndraft: true\n---\nDraft.\n",
);
const SCHEDULED: (&str, &str) = (
    "2017-07-08-embargoed",
    "---\ntitle: Embargoed ceasefire\ndate: 2017-07-08T06:00:00Z\nsource: TASS\n---\nEmbargoed.\n",
);
const HOSTILE: (&str, &str) = (
    "2017-07-07-hostile",
    "---\ntitle: A body with markup\ndate: 2017-07-07T08:00:00+02:00\nsource: AP\n---\nText with a note.[^context-1]\n\n<script>alert(1)</script>\n\n<iframe src=\"https://evil.example/\"></iframe>\n\n<p onclick=\"steal()\">Click</p>\n\n<form action=\"https://evil.example/\"><input name=\"q\"></form>\n\n![Map](map.webp)\n\n[^context-1]: Held in Amman.\n",
);

const NOW: &[&str] = &["--now", "2017-07-07T20:00:00Z"];

fn build(root: &Path) -> String {
    let mut args = vec!["build"];
    args.extend_from_slice(NOW);
    let (code, stdout, stderr) = run_in(root, &args);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn each_day_has_an_edition_of_what_the_build_publishes_in_home_order() {
    let site = site(EDITIONS, &[TALKS, FIRST, EARLIER, DRAFT, SCHEDULED]);
    build(site.path());
    let out = site.path().join("public");
    let day = read(&out, "editions/2017-07-07/index.html");
    let (first, talks) = (
        day.find("Weighted first").unwrap(),
        day.find("Talks in Hamburg").unwrap(),
    );
    assert!(first < talks, "weight first, as on the home page");
    for shown in [
        "A ceasefire was agreed.",
        "The two presidents met on the sidelines of the G20.",
        "Jane Doe",
        "href=\"../../articles/talks/\"",
        "href=\"../../editions/2017-07-06/\" rel=\"prev\"",
        "href=\"../../editions/2017-07-07/email.html\"",
    ] {
        assert!(day.contains(shown), "{shown} in {day}");
    }
    assert!(!day.contains("rel=\"next\""), "no newer edition");
    assert!(!day.contains("Unfinished draft") && !day.contains("Embargoed"));
    assert!(
        !out.join("editions/2017-07-08").exists(),
        "a scheduled day has no edition"
    );
    let before = read(&out, "editions/2017-07-06/index.html");
    assert!(before.contains("href=\"../../editions/2017-07-07/\" rel=\"next\""));
    let index = read(&out, "editions/index.html");
    assert!(index.contains("July 2017"));
    assert!(
        index.find("editions/2017-07-07/").unwrap() < index.find("editions/2017-07-06/").unwrap()
    );
    let home = read(&out, "index.html");
    assert!(home.contains("<a href=\"./editions/2017-07-07/\"><time datetime=\"2017-07-07\">"));
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("https://example.org/briefings/editions/2017-07-07/</loc>"));
    assert!(!sitemap.contains("email.html") && !sitemap.contains("edition.eml"));
    // Regression (found in review): an edition's lastmod was the site's newest article's.
    assert!(sitemap.contains(
        "<loc>https://example.org/briefings/editions/2017-07-06/</loc><lastmod>2017-07-06</lastmod>"
    ));
}

#[test]
fn the_message_parses_as_two_alternatives_each_with_every_article_and_no_script() {
    let settings = format!("{EDITIONS}full_text = true\n");
    let site = site(&settings, &[TALKS, FIRST, HOSTILE, EARLIER]);
    build(site.path());
    let out = site.path().join("public");
    let eml = std::fs::read(out.join("editions/2017-07-07/edition.eml")).unwrap();
    let message = MessageParser::default().parse(&eml).expect("a message");
    assert_eq!(message.subject(), Some("Desk: Friday 7 July 2017"));
    let from = message.from().and_then(|a| a.first()).unwrap();
    assert_eq!(
        (from.name(), from.address()),
        (Some("Syria Desk"), Some("desk@example.org"))
    );
    let to = message.to().and_then(|a| a.first()).unwrap();
    assert_eq!(to.address(), Some("readers@lists.example.org"));
    // 06:00 in Berlin, summer time.
    assert_eq!(
        message.date().unwrap().to_rfc3339(),
        "2017-07-07T06:00:00+02:00"
    );
    assert!(message.message_id().unwrap().ends_with("@example.org"));
    assert_eq!(
        message.header_raw("List-Unsubscribe").map(str::trim),
        Some("<mailto:leave@example.org>")
    );
    let root = message.content_type().unwrap();
    assert_eq!(
        (root.ctype(), root.subtype()),
        ("multipart", Some("alternative"))
    );
    assert_eq!(
        (message.text_body_count(), message.html_body_count()),
        (1, 1)
    );
    let text = message.body_text(0).unwrap();
    let html = message.body_html(0).unwrap();
    for title in ["Talks in Hamburg", "Weighted first", "A body with markup"] {
        assert!(text.contains(title), "{title} in the text");
        assert!(html.contains(title), "{title} in the HTML");
    }
    assert!(!html.contains("The day before"), "another day's article");
    let lower = html.to_lowercase();
    for banned in [
        "<script", "<iframe", "<form", "<input", "onclick", "steal(", ".webp", "srcset", "<link",
    ] {
        assert!(!lower.contains(banned), "{banned} in the email");
    }
    // Every link absolute, the note an end note, the page a link away.
    assert!(!lower.contains("href=\"../") && !lower.contains("href=\"#"));
    assert!(html.contains("Held in Amman."));
    assert!(html.contains("href=\"https://example.org/briefings/editions/2017-07-07/\""));
    assert!(html.contains(">Open in the browser</a>"));
    // Styles inline, only the dark-mode query left in a style block.
    assert!(html.contains("style=\""));
    assert!(html.contains("@media (prefers-color-scheme: dark)"));
    assert!(html.contains("max-width:600px"));
    // The part is the file, but for the line ends a message has.
    assert_eq!(
        html.replace("\r\n", "\n"),
        read(&out, "editions/2017-07-07/email.html")
    );
}

#[test]
fn the_message_is_the_same_until_its_content_changes_and_build_says_which_changed() {
    let site = site(EDITIONS, &[TALKS, EARLIER]);
    let out = site.path().join("public");
    let eml = |day: &str| read(&out, &format!("editions/{day}/edition.eml"));
    let id = |text: &str| {
        MessageParser::default()
            .parse(text.as_bytes())
            .unwrap()
            .message_id()
            .unwrap()
            .to_string()
    };
    let first = build(site.path());
    assert!(
        first.contains("edition 2017-07-07: new (1 article) → "),
        "{first}"
    );
    assert!(
        first.contains("edition 2017-07-06: new (1 article) → "),
        "{first}"
    );
    let (day, before) = (eml("2017-07-07"), eml("2017-07-06"));
    let edition_lines = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .filter(|l| l.starts_with("edition "))
            .map(String::from)
            .collect()
    };
    let again = build(site.path());
    assert_eq!(
        edition_lines(&again),
        Vec::<String>::new(),
        "nothing changed"
    );
    assert_eq!(eml("2017-07-07"), day, "the same bytes from build to build");
    let talks = site.path().join("content/2017-07-07-talks.md");
    let text = std::fs::read_to_string(&talks).unwrap();
    std::fs::write(&talks, text.replace("two hours", "three hours")).unwrap();
    let changed = build(site.path());
    let lines: Vec<&str> = changed
        .lines()
        .filter(|l| l.starts_with("edition "))
        .collect();
    assert_eq!(lines.len(), 1, "{changed}");
    assert!(lines[0].starts_with("edition 2017-07-07: changed (1 article) → "));
    assert!(lines[0].ends_with("editions/2017-07-07/edition.eml"));
    assert_ne!(
        id(&eml("2017-07-07")),
        id(&day),
        "an updated edition is a new message"
    );
    assert_eq!(eml("2017-07-06"), before);
    // -q prints only problems.
    let (code, stdout, _) = run_in(
        site.path(),
        &["-q", "build", "--now", "2017-07-09T00:00:00Z"],
    );
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn the_text_email_fits_72_columns_and_lists_its_links() {
    let long = "A long sentence about the talks that goes on and on. ".repeat(8);
    let article = format!(
        "---\ntitle: Long\ndate: 2017-07-07\nsource: AP\nkey_points: [\"{long}\"]\nsummary: \"{long}\"\n---\nBody.\n"
    );
    let site = site(EDITIONS, &[("2017-07-07-long", &article)]);
    build(site.path());
    let text = read(&site.path().join("public"), "editions/2017-07-07/email.txt");
    for line in text.lines() {
        assert!(line.chars().count() <= 72, "{line:?}");
    }
    assert!(text.contains("Long [2]"));
    assert!(text.contains("[1] https://example.org/briefings/editions/2017-07-07/\n"));
    assert!(text.contains("[2] https://example.org/briefings/articles/long/\n"));
}

#[test]
fn without_a_sender_the_emails_are_written_but_no_message_and_a_note_says_so() {
    let site = site("[editions]\nsend_at = \"07:30\"\n", &[TALKS]);
    let (code, stdout, stderr) = run_in(site.path(), &["build", "--now", "2017-07-08T00:00:00Z"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.starts_with(
        "note: site.toml:3:1: [editions] has no `from` and `to`, so no edition.eml is written (email.html and email.txt are)"
    ), "{stderr}");
    let out = site.path().join("public");
    assert!(out.join("editions/2017-07-07/email.html").exists());
    assert!(out.join("editions/2017-07-07/email.txt").exists());
    assert!(!out.join("editions/2017-07-07/edition.eml").exists());
    assert!(
        !stdout.lines().any(|l| l.starts_with("edition ")),
        "{stdout}"
    );
}

#[test]
fn bad_editions_values_are_errors_at_their_place_with_help() {
    let site = site(
        "[editions]\nsubject = \"{{ site.title \"\nfrom = \"Syria Desk\"\nto = \"readers@localhost\"\nsend_at = \"6am\"\nlist_unsubscribe = \"leave@example.org\"\n",
        &[TALKS],
    );
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1);
    let firsts: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(
        firsts,
        [
            "error: site.toml:4:11: editions.subject: is not a Tera string that renders: unexpected end of input",
            "error: site.toml:5:8: editions.from: expected an address such as \"Syria Desk <desk@example.org>\": \"Syria Desk\" has no `@`",
            "error: site.toml:6:6: editions.to: expected an address such as \"Syria Desk <desk@example.org>\": \"localhost\" is not a mail domain such as example.org",
            "error: site.toml:7:11: editions.send_at: expected a time of day as HH:MM, found \"6am\"",
            "error: site.toml:8:20: editions.list_unsubscribe: expected a mailto: or https: URL, found \"leave@example.org\"",
            "error: check failed with 5 errors",
        ],
        "{stderr}"
    );
    assert!(stderr.contains(
        "= help: write the time on a 24-hour clock, such as `send_at = \"06:00\"` or `send_at = \"17:30\"`"
    ), "{stderr}");
    assert!(stderr.contains("= help: write a name and an address in angle brackets"));
}

#[test]
fn a_site_s_email_templates_replace_the_theme_s_in_the_files_and_the_message() {
    let site = site(EDITIONS, &[TALKS]);
    let templates = site.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("email.txt"),
        "Our own {{ edition.label }}: {% for a in edition.articles %}{{ a.title }}{% endfor %}\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("email.html"),
        "<!DOCTYPE html><html><head><title>x</title><style>p { color: #123456; }</style></head><body><p>{{ edition.label }}</p></body></html>\n",
    )
    .unwrap();
    build(site.path());
    let out = site.path().join("public");
    let text = read(&out, "editions/2017-07-07/email.txt");
    assert_eq!(text, "Our own Friday 7 July 2017: Talks in Hamburg\n");
    let html = read(&out, "editions/2017-07-07/email.html");
    assert!(
        html.contains("<p style=\"color:#123456\">Friday 7 July 2017</p>"),
        "inlined: {html}"
    );
    let eml = std::fs::read(out.join("editions/2017-07-07/edition.eml")).unwrap();
    let message = MessageParser::default().parse(&eml).unwrap();
    assert_eq!(message.body_text(0).unwrap().replace("\r\n", "\n"), text);
}
