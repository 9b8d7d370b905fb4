//! The life of an article (issue 22): schedules, expiry, the build's *now* and the
//! site's time zone.

use crate::support::{run_in, tree};
use std::path::Path;

/// A site of `articles` (file stem, whole text), with `settings` added to site.toml.
fn site(settings: &str, articles: &[(&str, &str)]) -> tempfile::TempDir {
    crate::support::site_of_articles("https://example.org/", settings, articles)
}

const PUBLISHED: (&str, &str) = (
    "2017-07-06-talks",
    "---\ntitle: Talks in Hamburg\ndate: 2017-07-06T16:30:00+02:00\nsource: Reuters\ntags: [syria]\n---\nTalks.\n",
);
const SCHEDULED: (&str, &str) = (
    "2017-07-08-embargoed",
    "---\ntitle: Embargoed ceasefire\ndate: 2017-07-08T06:00:00Z\nsource: TASS\nactors: [Sergey Lavrov]\ntags: [embargo-only]\n---\nEmbargoed text.\n",
);
const SCHEDULED_TOO: (&str, &str) = (
    "2017-07-08-also",
    "---\ntitle: Also at six\ndate: 2017-07-08T08:00:00+02:00\nsource: TASS\n---\nAlso.\n",
);
const LATER: (&str, &str) = (
    "2017-07-09-later",
    "---\ntitle: Later still\ndate: 2017-07-09\nsource: TASS\n---\nLater.\n",
);
const EXPIRED: (&str, &str) = (
    "2017-07-01-stale",
    "---\ntitle: Stale offer\ndate: 2017-07-01\nexpires: 2017-07-07T00:00:00Z\nsource: AP\nactors: [Stale Actor]\n---\nStale text.\n",
);

/// The JSON-LD of an HTML page, parsed.
fn json_ld(page: &str) -> serde_json::Value {
    let text = page
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .expect("a page with JSON-LD");
    serde_json::from_str(text).expect("JSON-LD parses")
}

/// Every file of `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    tree(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn scheduled_and_expired_articles_are_in_no_output_file() {
    let site = site("", &[PUBLISHED, SCHEDULED, SCHEDULED_TOO, LATER, EXPIRED]);
    let root = site.path();
    let (code, stdout, stderr) = run_in(root, &["build", "--now", "2017-07-07T12:00:00Z"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "now: 2017-07-07T12:00:00Z (from --now)");
    assert!(
        lines[1].starts_with("built ") && lines[1].contains(" (1 article, "),
        "{stdout}"
    );
    assert!(
        lines[1].ends_with(" ms; left out: 3 scheduled (--future), 1 expired (--expired)"),
        "{stdout}"
    );
    // Two fall due at the same instant (06:00 UTC, written two ways).
    assert_eq!(
        lines[2],
        "next: 2017-07-08 06:00 UTC, 2 articles fall due (build again then to publish them)"
    );
    assert_eq!(lines.len(), 3);
    let out = root.join("public");
    for needle in [
        "Embargoed",
        "embargoed",
        "Also at six",
        "also/",
        "Later still",
        "Stale",
        "stale",
        "Lavrov",
        "lavrov",
        "embargo-only",
    ] {
        assert_eq!(
            files_containing(&out, needle),
            Vec::<String>::new(),
            "{needle}"
        );
    }
    // No page exists only because of them.
    assert!(!out.join("actors/sergey-lavrov").exists());
    assert!(!out.join("tags/embargo-only").exists());
    assert!(!out.join("sources/tass").exists());
    assert!(!out.join("2017/07/08").exists() && !out.join("archive/2017/07/08").exists());

    // --future and --expired include them.
    let (code, stdout, _) = run_in(
        root,
        &[
            "build",
            "--now",
            "2017-07-07T12:00:00Z",
            "--future",
            "--expired",
        ],
    );
    assert_eq!(code, 0);
    assert!(stdout.contains(" (5 articles, "), "{stdout}");
    assert!(
        !stdout.contains("left out") && !stdout.contains("next:"),
        "{stdout}"
    );
    let page = std::fs::read_to_string(out.join("articles/embargoed/index.html")).unwrap();
    assert!(page.contains(
        "<p class=\"status-banner\" role=\"note\"><strong>Scheduled.</strong> Not published yet: \
         <code>briefing build</code> leaves this article out until <time \
         datetime=\"2017-07-08T06:00:00+00:00\">8 July 2017, 06:00</time>.</p>"
    ), "{page}");
    let page = std::fs::read_to_string(out.join("articles/stale/index.html")).unwrap();
    assert!(
        page.contains(
            "<strong>Expired.</strong> No longer published: <code>briefing build</code> has left \
         this article out since <time datetime=\"2017-07-07T00:00:00+00:00\">7 July 2017, \
         00:00</time>.</p>"
        ),
        "{page}"
    );
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("Embargoed ceasefire</a> <span class=\"badge\">Scheduled</span>"));
    assert!(home.contains("Stale offer</a> <span class=\"badge\">Expired</span>"));

    // A day later, all but one are published and the stale one stays out.
    let (code, stdout, _) = run_in(root, &["build", "--now", "2017-07-08T06:00:00Z"]);
    assert_eq!(code, 0);
    assert!(stdout.contains(" (3 articles, "), "{stdout}");
    assert!(stdout.contains("left out: 1 scheduled (--future), 1 expired (--expired)\n"));
    assert!(stdout.ends_with(
        "next: 2017-07-09 00:00 UTC, 1 article falls due (build again then to publish it)\n"
    ));
}

#[test]
fn check_checks_scheduled_articles_without_publishing_them() {
    let broken = (
        "2017-07-08-broken",
        "---\ntitle: Broken embargo\ndate: 2017-07-08\nsource: TASS\n---\nSee [the talks](missing.md).\n",
    );
    let site = site("", &[PUBLISHED, SCHEDULED, broken]);
    let (code, stdout, stderr) = run_in(
        site.path(),
        &["check", "--strict", "--now", "2017-07-07T12:00:00Z"],
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stderr.starts_with("error: content/2017-07-08-broken.md:6:5: "),
        "the embargoed piece fails tonight's check: {stderr}"
    );
    let (code, stdout, stderr) = run_in(site.path(), &["check", "--now", "2017-07-07T12:00:00Z"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with(" ms; 2 scheduled articles checked, not published yet\n"),
        "{stdout}"
    );
}

#[test]
fn now_comes_from_the_flag_then_the_environment_and_a_bad_one_is_a_usage_error() {
    let site = site("", &[PUBLISHED, SCHEDULED]);
    let run = |args: &[&str], env: Option<&str>| {
        let mut cmd = assert_cmd::Command::cargo_bin("briefing").unwrap();
        cmd.current_dir(site.path()).args(args).env("NO_COLOR", "1");
        match env {
            Some(v) => cmd.env("BRIEFING_NOW", v),
            None => cmd.env_remove("BRIEFING_NOW"),
        };
        let o = cmd.output().unwrap();
        (
            o.status.code().unwrap(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, stdout, _) = run(&["build"], Some("2017-07-09T00:00:00+02:00"));
    assert_eq!(code, 0);
    assert!(stdout.starts_with("now: 2017-07-09T00:00:00+02:00 (from BRIEFING_NOW)\n"));
    assert!(stdout.contains(" (2 articles, "), "{stdout}");
    let (_, stdout, _) = run(
        &["build", "--now", "2017-07-07T00:00:00Z"],
        Some("2017-07-09T00:00:00+02:00"),
    );
    assert!(
        stdout.starts_with("now: 2017-07-07T00:00:00Z (from --now)\n"),
        "{stdout}"
    );
    // The clock is said only under -v, and SOURCE_DATE_EPOCH is not a clock.
    let mut cmd = assert_cmd::Command::cargo_bin("briefing").unwrap();
    let o = cmd
        .current_dir(site.path())
        .args(["build"])
        .env_remove("BRIEFING_NOW")
        .env("SOURCE_DATE_EPOCH", "1499000000")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with("built ") && stdout.contains(" (2 articles, "),
        "{stdout}"
    );
    let (_, stdout, _) = run(&["-v", "build"], None);
    assert!(
        stdout.starts_with("now: 20") && stdout.contains(" (from the clock)\n"),
        "{stdout}"
    );

    let (code, stdout, stderr) = run(&["build"], Some("tomorrow"));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "error: BRIEFING_NOW=\"tomorrow\": expected a day, 2017-07-08, or an RFC 3339 time with \
         its offset, such as 2017-07-08T06:00:00Z or 2017-07-08T08:00:00+02:00\n"
    );
    let (code, _, stderr) = run(&["build", "--now", "July 7"], None);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("invalid value 'July 7' for '--now <RFC3339>': expected a day"),
        "{stderr}"
    );
    // A bare day is its midnight UTC, as in front matter.
    let (code, stdout, _) = run(&["build", "--now", "2017-07-08"], None);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("now: 2017-07-08T00:00:00Z (from --now)\n"),
        "{stdout}"
    );
}

#[test]
fn expires_not_after_the_date_is_an_error_at_its_line() {
    let site = site(
        "",
        &[(
            "2017-07-06-a",
            "---\ntitle: A\ndate: 2017-07-06\nexpires: 2017-07-06\nsource: AP\n---\nA.\n",
        )],
    );
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        concat!(
            "error: content/2017-07-06-a.md:4:10: expires: 2017-07-06 is not after the ",
            "article's date, 2017-07-06: it would never be published\n",
            "  |\n",
            "4 | expires: 2017-07-06\n",
            "  |          ^^^^^^^^^^\n",
            "  |\n",
            "  = help: give a later date, or remove the line\n",
            "error: check failed with 1 error\n",
        )
    );
}

#[test]
fn a_site_time_zone_reads_times_there_and_decides_the_day() {
    let late = (
        "2017-07-06-late",
        "---\ntitle: Late in Washington\ndate: 2017-07-06T23:30:00-05:00\nsource: AP\n---\nLate.\n",
    );
    let local = (
        "2017-07-06-local",
        "---\ntitle: Local time\ndate: 2017-07-06T10:00:00\nsource: AP\n---\nLocal.\n",
    );
    let site = site("timezone = \"Europe/Berlin\"\n", &[late, local]);
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let page =
        std::fs::read_to_string(site.path().join("public/articles/late/index.html")).unwrap();
    assert!(
        page.contains("<time datetime=\"2017-07-07T06:30:00+02:00\">Friday 7 July 2017</time>"),
        "{page}"
    );
    let page =
        std::fs::read_to_string(site.path().join("public/articles/local/index.html")).unwrap();
    assert!(
        page.contains("<time datetime=\"2017-07-06T10:00:00+02:00\">"),
        "{page}"
    );

    // Without a zone, a time needs its offset, and the help says where to set one.
    std::fs::write(
        site.path().join("site.toml"),
        "title = \"Desk\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(
            "error: content/2017-07-06-local.md:3:7: date: expected YYYY-MM-DD or RFC 3339, \
             found \"2017-07-06T10:00:00\" (a time needs an offset, such as Z or +02:00, or a \
             `timezone` in site.toml)\n"
        ),
        "{stderr}"
    );

    std::fs::write(
        site.path().join("site.toml"),
        "title = \"Desk\"\nbase_url = \"https://example.org/\"\ntimezone = \"Europe/Berln\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(concat!(
            "error: site.toml:3:12: timezone: expected an IANA time zone such as ",
            "\"Europe/Berlin\" or \"UTC\", found \"Europe/Berln\" (did you mean ",
            "\"Europe/Berlin\"?)\n",
            "  |\n",
            "3 | timezone = \"Europe/Berln\"\n",
            "  |            ^^^^^^^^^^^^^^\n",
            "error: check failed with 1 error\n",
        )),
        "a misspelt zone is one error, not one more for each time without an offset: {stderr}"
    );

    // A time the clocks skipped is said as such, with the time they showed.
    std::fs::write(
        site.path().join("site.toml"),
        "title = \"Desk\"\nbase_url = \"https://example.org/\"\ntimezone = \"Europe/Berlin\"\n",
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/2017-07-06-local.md"),
        "---\ntitle: Local time\ndate: 2017-03-26T02:30:00\nsource: AP\n---\nLocal.\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        r#"error: content/2017-07-06-local.md:3:7: date: there was no 02:30 on 26 March 2017 in Europe/Berlin: the clocks went forward then
  |
3 | date: 2017-03-26T02:30:00
  |       ^^^^^^^^^^^^^^^^^^^
  |
  = help: write the time the clocks showed at that moment: `date: 2017-03-26T03:30:00`
error: check failed with 1 error
"#
    );
}

/// One run shows every problem of a file: a value of the wrong type does not hide
/// what is wrong with the others (an editor's review, issue 22).
#[test]
fn a_type_error_does_not_hide_the_other_errors_of_its_file() {
    let text = "---\ntitle: Talks\ndate: 2017-07-06\nsource: AP\nauthors: Jane Doe, John Roe\nweight: 1.5\nupdated: 2017-07-01\naliases: [\"https://example.org/old/\"]\n---\nTalks.\n";
    let site = site("", &[("2017-07-06-talks", text)]);
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1);
    let headers: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning"))
        .collect();
    assert_eq!(
        headers,
        [
            "error: content/2017-07-06-talks.md:5:10: authors: expected a list, found text",
            "error: content/2017-07-06-talks.md:6:9: weight: expected a whole number, found `1.5`",
            "error: content/2017-07-06-talks.md:7:10: updated: 2017-07-01 is before the article's date, 2017-07-06",
            "error: content/2017-07-06-talks.md:8:11: aliases: \"https://example.org/old/\": an alias is a path on this site, not a full URL",
            "error: check failed with 4 errors",
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "  = help: aliases are addresses below base_url (https://example.org/): write `old/`\n"
        ),
        "{stderr}"
    );
}

#[test]
fn an_update_shows_on_the_page_the_card_the_json_ld_the_feeds_and_the_sitemap() {
    let updated = (
        "2017-07-06-talks",
        "---\ntitle: Talks\ndate: 2017-07-06\nupdated: 2017-07-07T09:30:00+02:00\nsource: Reuters\ntags: [talks]\n---\nTalks.\n",
    );
    let older = (
        "2017-07-05-older",
        "---\ntitle: Older\ndate: 2017-07-05\nsource: AP\ntags: [older]\n---\nOlder.\n",
    );
    let site = site("", &[updated, older]);
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let out = site.path().join("public");
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();

    let page = read("articles/talks/index.html");
    assert!(
        page.contains(
            "<time datetime=\"2017-07-06\">Thursday 6 July 2017</time> · Updated <time \
         datetime=\"2017-07-07T09:30:00+02:00\">7 July 2017, 09:30 UTC+02:00</time>"
        ),
        "{page}"
    );
    let data = json_ld(&page);
    assert_eq!(data["datePublished"], "2017-07-06");
    assert_eq!(data["dateModified"], "2017-07-07T09:30:00+02:00");
    let never = json_ld(&read("articles/older/index.html"));
    assert_eq!(never["dateModified"], "2017-07-05");

    let home = read("index.html");
    assert!(
        home.contains("· Updated <time datetime=\"2017-07-07T09:30:00+02:00\">7 July 2017</time>")
    );
    assert_eq!(
        home.matches("· Updated").count(),
        1,
        "only the updated card says so"
    );

    // The feed: the entry's updated and published, and the feed's updated.
    let atom = read("atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let child = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    let feed = doc.root_element();
    assert_eq!(
        child(feed, "updated").as_deref(),
        Some("2017-07-07T09:30:00+02:00")
    );
    let entry = feed
        .children()
        .find(|e| e.tag_name().name() == "entry" && child(*e, "title").as_deref() == Some("Talks"))
        .unwrap();
    assert_eq!(
        child(entry, "updated").as_deref(),
        Some("2017-07-07T09:30:00+02:00")
    );
    assert_eq!(
        child(entry, "published").as_deref(),
        Some("2017-07-06T00:00:00Z")
    );

    // The sitemap: each page's newest change among what it shows.
    let sitemap = read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let lastmod = |path: &str| {
        doc.root_element()
            .children()
            .find(|u| child(*u, "loc").as_deref() == Some(&format!("https://example.org/{path}")))
            .and_then(|u| child(u, "lastmod"))
    };
    assert_eq!(
        lastmod("articles/talks/").as_deref(),
        Some("2017-07-07T09:30:00+02:00")
    );
    assert_eq!(lastmod("articles/older/").as_deref(), Some("2017-07-05"));
    assert_eq!(lastmod("").as_deref(), Some("2017-07-07T09:30:00+02:00"));
    assert_eq!(lastmod("tags/older/").as_deref(), Some("2017-07-05"));
    assert_eq!(
        lastmod("tags/talks/").as_deref(),
        Some("2017-07-07T09:30:00+02:00")
    );

    // An update before the article is an error at its line.
    std::fs::write(
        site.path().join("content/2017-07-05-older.md"),
        "---\ntitle: Older\ndate: 2017-07-05\nupdated: 2017-07-04\nsource: AP\n---\nOlder.\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        concat!(
            "error: content/2017-07-05-older.md:4:10: updated: 2017-07-04 is before the ",
            "article's date, 2017-07-05\n",
            "  |\n",
            "4 | updated: 2017-07-04\n",
            "  |          ^^^^^^^^^^\n",
            "  |\n",
            "  = help: an update comes after the article: give its date and time, such as ",
            "`updated: 2017-07-07T09:30:00+02:00`\n",
            "error: check failed with 1 error\n",
        )
    );
}

#[test]
fn weight_orders_a_day_on_the_home_page_and_no_other_list() {
    let article = |stem: &str, title: &str, date: &str, weight: &str| {
        (
            stem.to_string(),
            format!(
                "---\ntitle: {title}\ndate: {date}\nsource: AP\ntags: [day]\n{weight}---\n{title}.\n"
            ),
        )
    };
    let articles = [
        article("late", "Latest unweighted", "2017-07-06T18:00:00Z", ""),
        article(
            "second",
            "Weighted two",
            "2017-07-06T09:00:00Z",
            "weight: 2\n",
        ),
        article(
            "first",
            "Weighted one",
            "2017-07-06T08:00:00Z",
            "weight: 1\n",
        ),
        article("early", "Early unweighted", "2017-07-06T07:00:00Z", ""),
        article(
            "yesterday",
            "Yesterday weighted",
            "2017-07-05T07:00:00Z",
            "weight: 1\n",
        ),
        article(
            "yesterday-late",
            "Yesterday late",
            "2017-07-05T20:00:00Z",
            "",
        ),
    ];
    let refs: Vec<(&str, &str)> = articles
        .iter()
        .map(|(s, t)| (s.as_str(), t.as_str()))
        .collect();
    let site = site("", &refs);
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let order = |rel: &str| -> Vec<String> {
        let page = std::fs::read_to_string(site.path().join("public").join(rel)).unwrap();
        page.split("<h3><a href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        order("index.html"),
        [
            "./articles/first/",
            "./articles/second/",
            "./articles/late/",
            "./articles/early/",
            "./articles/yesterday/",
            "./articles/yesterday-late/",
        ]
    );
    assert_eq!(
        order("tags/day/index.html"),
        [
            "../../articles/late/",
            "../../articles/second/",
            "../../articles/first/",
            "../../articles/early/",
            "../../articles/yesterday-late/",
            "../../articles/yesterday/",
        ]
    );

    std::fs::write(
        site.path().join("content/late.md"),
        "---\ntitle: L\ndate: 2017-07-06\nsource: AP\nweight: first\n---\nL.\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(
            "error: content/late.md:5:9: weight: expected a whole number, found `first`\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "  = help: write a whole number, such as `weight: 1` (smaller comes first)\n"
        ),
        "{stderr}"
    );
}

#[test]
fn corrections_show_on_the_page_in_json_ld_and_in_the_log_and_its_feed() {
    let corrected = (
        "2017-07-06-talks",
        "---\ntitle: Talks\ndate: 2017-07-06\nsource: Reuters\ncorrections:\n  - date: 2017-07-07\n    text: \"An earlier version said the talks lasted *one* hour. They lasted two.\"\n  - date: 2017-07-09T10:00:00Z\n    text: The second correction.\n---\nTalks.\n",
    );
    let other = (
        "2017-07-08-other",
        "---\ntitle: Other\ndate: 2017-07-08\nsource: AP\ncorrections: [{date: 2017-07-08, text: Spelling of a name.}]\n---\nOther.\n",
    );
    let site = site("", &[corrected, other]);
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let out = site.path().join("public");
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();

    let page = read("articles/talks/index.html");
    assert!(page.contains(concat!(
        "<aside class=\"article-corrections\" aria-label=\"Corrections\">\n",
        "    <p id=\"correction-1\"><strong>Correction, <time datetime=\"2017-07-07\">7 July 2017</time>:</strong> ",
        "An earlier version said the talks lasted <em>one</em> hour. They lasted two.</p>\n",
        "    <p id=\"correction-2\"><strong>Correction, <time datetime=\"2017-07-09T10:00:00+00:00\">9 July 2017</time>:</strong> ",
        "The second correction.</p>\n",
        "  </aside>",
    )), "{page}");
    // A correction counts as an update.
    assert!(page.contains(
        "· Updated <time datetime=\"2017-07-09T10:00:00+00:00\">9 July 2017, 10:00 UTC</time>"
    ));
    let data = json_ld(&page);
    assert_eq!(data["dateModified"], "2017-07-09T10:00:00+00:00");
    assert_eq!(
        data["correction"],
        serde_json::json!([
            {"@type": "CorrectionComment", "text": "An earlier version said the talks lasted one hour. They lasted two.", "datePublished": "2017-07-07"},
            {"@type": "CorrectionComment", "text": "The second correction.", "datePublished": "2017-07-09T10:00:00+00:00"},
        ])
    );

    // The log, newest first, each linking to its correction.
    let log = read("corrections/index.html");
    let links: Vec<&str> = log
        .split("<p class=\"item-meta\">")
        .skip(1)
        .map(|s| s.split("</p>").next().unwrap())
        .collect();
    assert_eq!(
        links,
        [
            "<time datetime=\"2017-07-09T10:00:00+00:00\">9 July 2017</time> · <a href=\"../articles/talks/#correction-2\">Talks</a>",
            "<time datetime=\"2017-07-08\">8 July 2017</time> · <a href=\"../articles/other/#correction-1\">Other</a>",
            "<time datetime=\"2017-07-07\">7 July 2017</time> · <a href=\"../articles/talks/#correction-1\">Talks</a>",
        ]
    );
    assert!(read("index.html").contains("<a href=\"./corrections/\">Corrections</a>"));

    // Its feed: one entry per correction, newest first.
    let atom = read("corrections/atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let text = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        text(doc.root_element(), "updated"),
        "2017-07-09T10:00:00+00:00"
    );
    let entries: Vec<(String, String, String)> = doc
        .root_element()
        .children()
        .filter(|e| e.tag_name().name() == "entry")
        .map(|e| (text(e, "title"), text(e, "id"), text(e, "updated")))
        .collect();
    assert_eq!(
        entries,
        [
            (
                "Correction: Talks".into(),
                "https://example.org/articles/talks/#correction-2".into(),
                "2017-07-09T10:00:00+00:00".into()
            ),
            (
                "Correction: Other".into(),
                "https://example.org/articles/other/#correction-1".into(),
                "2017-07-08T00:00:00Z".into()
            ),
            (
                "Correction: Talks".into(),
                "https://example.org/articles/talks/#correction-1".into(),
                "2017-07-07T00:00:00Z".into()
            ),
        ]
    );
    let sitemap = read("sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://example.org/corrections/</loc><lastmod>2017-07-09T10:00:00+00:00</lastmod>"
        ),
        "{sitemap}"
    );
}

#[test]
fn a_bad_correction_is_an_error_at_its_line() {
    let text = "---\ntitle: Talks\ndate: 2017-07-06\nsource: Reuters\ncorrections:\n  - date: 2017-07-05\n    text: Too early.\n  - date: 2017-07-07\n  - date: 2017-07-08\n    text: \"One.\\n\\nTwo.\"\n  - dat: 2017-07-08\n    text: Misspelt key.\n---\nTalks.\n";
    let site = site("", &[("2017-07-06-talks", text)]);
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    let headers: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("warning:"))
        .collect();
    assert_eq!(
        headers,
        [
            "error: content/2017-07-06-talks.md:6:11: correction 1, date: 2017-07-05 is before the article's date, 2017-07-06",
            "error: content/2017-07-06-talks.md:8:5: correction 2: missing its `text`, what was wrong and what is right",
            "error: content/2017-07-06-talks.md:10:11: correction 3, text: expected one paragraph, found more than one paragraph",
            "warning: content/2017-07-06-talks.md:11:5: unknown correction key `dat`",
            "error: content/2017-07-06-talks.md:12:5: correction 4: missing its `date`",
            "error: check failed with 4 errors",
        ],
        "{stderr}"
    );
}

#[test]
fn aliases_get_redirect_pages_and_rules_under_the_base_path() {
    let moved = (
        "2017-07-06-no-fly",
        "---\ntitle: No-fly zones\ndate: 2017-07-06\nsource: AP\naliases: [articles/no-fly-zones/, /2017/07/06/no-fly.html, old-name]\n---\nBody.\n",
    );
    let site = site("", &[moved]);
    std::fs::write(
        site.path().join("site.toml"),
        "title = \"Desk\"\nbase_url = \"https://example.org/briefings/\"\n",
    )
    .unwrap();
    std::fs::create_dir(site.path().join("static")).unwrap();
    std::fs::write(
        site.path().join("static/_redirects"),
        "/briefings/feed /briefings/atom.xml 301",
    )
    .unwrap();
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let out = site.path().join("public");
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    assert_eq!(
        read("_redirects"),
        concat!(
            "/briefings/feed /briefings/atom.xml 301\n",
            "/briefings/articles/no-fly-zones/ /briefings/articles/no-fly/ 301\n",
            "/briefings/2017/07/06/no-fly.html /briefings/articles/no-fly/ 301\n",
            "/briefings/old-name/ /briefings/articles/no-fly/ 301\n",
        )
    );
    let to = "https://example.org/briefings/articles/no-fly/";
    for page in [
        "articles/no-fly-zones/index.html",
        "2017/07/06/no-fly.html",
        "old-name/index.html",
    ] {
        let html = read(page);
        for part in [
            "<meta name=\"robots\" content=\"noindex\">".to_string(),
            format!("<link rel=\"canonical\" href=\"{to}\">"),
            format!("<meta http-equiv=\"refresh\" content=\"0; url={to}\">"),
            format!("<a href=\"{to}\">No-fly zones</a>"),
        ] {
            assert!(html.contains(&part), "{page}: {part}\n{html}");
        }
    }
    // Redirect pages are not pages to index.
    assert!(!read("sitemap.xml").contains("no-fly-zones"));

    // force_redirects writes Netlify's forced rules.
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}force_redirects = true\n")).unwrap();
    let (code, _, _) = run_in(site.path(), &["build"]);
    assert_eq!(code, 0);
    assert!(read("_redirects").ends_with("/briefings/old-name/ /briefings/articles/no-fly/ 301!\n"));

    // Each bad alias is an error at the alias itself, with advice for its mistake;
    // one that repeats base_url's path, or is the article's own URL, a warning.
    std::fs::write(
        site.path().join("content/2017-07-07-other.md"),
        "---\ntitle: Other\ndate: 2017-07-07\nsource: AP\naliases:\n  - \"https://example.org/briefings/old/\"\n  - /briefings/older/\n  - articles/other/\n  - old page/\n---\nOther.\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        r#"error: content/2017-07-07-other.md:6:5: aliases: "https://example.org/briefings/old/": an alias is a path on this site, not a full URL
  |
6 |   - "https://example.org/briefings/old/"
  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  |
  = help: aliases are addresses below base_url (https://example.org/briefings/): write `old/`
warning: content/2017-07-07-other.md:7:5: aliases: "/briefings/older/" starts with `/briefings/`, base_url's path: it would be served at /briefings/briefings/older/
  |
7 |   - /briefings/older/
  |     ^^^^^^^^^^^^^^^^^
  |
  = help: aliases are addresses below base_url (https://example.org/briefings/): write `older/`
error: content/2017-07-07-other.md:9:5: aliases: "old page/": an alias cannot hold spaces or backslashes
  |
9 |   - old page/
  |     ^^^^^^^^^
  |
  = help: write it as a browser shows it: `old%20page/`
error: build failed with 2 errors
"#
    );
    std::fs::write(
        site.path().join("content/2017-07-07-other.md"),
        "---\ntitle: Other\ndate: 2017-07-07\nsource: AP\naliases: [articles/other/, old-name/]\n---\nOther.\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        r#"warning: content/2017-07-07-other.md:5:11: aliases: articles/other/ is this article's own address: there is nothing to redirect
  |
5 | aliases: [articles/other/, old-name/]
  |           ^^^^^^^^^^^^^^^
  |
  = help: remove it (an alias is an address the article had before)
error: content/2017-07-07-other.md:5:28: aliases: old-name/ is also an alias of content/2017-07-06-no-fly.md
  |
5 | aliases: [articles/other/, old-name/]
  |                            ^^^^^^^^^
  |
  = help: an old address can lead to one article only: keep it in one of the two files
error: build failed with 1 error
"#
    );

    // An alias that is another page's URL is an error at it, naming the other file.
    std::fs::write(
        site.path().join("content/2017-07-07-other.md"),
        "---\ntitle: Other\ndate: 2017-07-07\nsource: AP\naliases:\n  - /articles/no-fly/\n  - tags/\n---\nOther.\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        r#"error: content/2017-07-07-other.md:6:5: aliases: articles/no-fly/ is the address of content/2017-07-06-no-fly.md
  |
6 |   - /articles/no-fly/
  |     ^^^^^^^^^^^^^^^^^
  |
  = help: remove it: that article is there now, and an alias would replace it
error: content/2017-07-07-other.md:7:5: aliases: tags/ is the address of the tags list
  |
7 |   - tags/
  |     ^^^^^
  |
  = help: remove it: that page is there now, and an alias would replace it
error: build failed with 2 errors
"#
    );
}

#[test]
fn published_urls_are_recorded_and_a_dropped_one_warns_with_the_alias_to_add() {
    let talks = "---\ntitle: Talks in Hamburg\ndate: 2017-07-06\nsource: Reuters\n---\nTalks.\n";
    let other = "---\ntitle: Other\ndate: 2017-07-05\nsource: AP\n---\nOther.\n";
    let site = site(
        "",
        &[
            ("2017-07-06-talks-in-hamburg", talks),
            ("2017-07-05-other", other),
        ],
    );
    let root = site.path();
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let record = std::fs::read_to_string(root.join("published.txt")).unwrap();
    assert_eq!(
        record,
        concat!(
            "# The article URLs this site has published, kept by `briefing build`: commit it.\n",
            "# A build warns when one of them has no article any more (see the README).\n",
            "articles/other/\n",
            "articles/talks-in-hamburg/\n",
        )
    );

    // Renamed: the old URL warns, naming the alias line and the likely file.
    std::fs::rename(
        root.join("content/2017-07-06-talks-in-hamburg.md"),
        root.join("content/2017-07-06-hamburg-talks.md"),
    )
    .unwrap();
    let (code, _, stderr) = run_in(root, &["check"]);
    assert_eq!(code, 0);
    assert_eq!(
        stderr,
        concat!(
            "warning: published.txt:4:1: articles/talks-in-hamburg/ was published, and no ",
            "article has that URL now: links to it break\n",
            "  |\n",
            "4 | articles/talks-in-hamburg/\n",
            "  | ^\n",
            "  |\n",
            "  = help: if the article was renamed, add `aliases: [articles/talks-in-hamburg/]` to ",
            "content/2017-07-06-hamburg-talks.md; if it was taken down on purpose, delete this ",
            "line (or keep the article with `withdrawn:`)\n",
        )
    );
    let (code, _, stderr) = run_in(root, &["build", "--strict"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with("error: published.txt:4:1: articles/talks-in-hamburg/ was published")
    );
    // A plain build warns, publishes, and keeps the old URL in the record.
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!(code, 0);
    assert!(
        stderr.starts_with("warning: published.txt:4:1: "),
        "{stderr}"
    );
    let record = std::fs::read_to_string(root.join("published.txt")).unwrap();
    assert!(
        record.ends_with("articles/hamburg-talks/\narticles/other/\narticles/talks-in-hamburg/\n"),
        "{record}"
    );

    // The alias keeps the URL: no warning.
    std::fs::write(
        root.join("content/2017-07-06-hamburg-talks.md"),
        talks.replace(
            "source: Reuters\n",
            "source: Reuters\naliases: [articles/talks-in-hamburg/]\n",
        ),
    )
    .unwrap();
    let (code, _, stderr) = run_in(root, &["build", "--strict"]);
    assert_eq!((code, stderr.as_str()), (0, ""));

    // A draft keeps its URL too; an article that fails to load is not said to be gone.
    std::fs::write(
        root.join("content/2017-07-05-other.md"),
        other.replace("---\nOther", "draft: true\n---\nOther"),
    )
    .unwrap();
    let (code, _, stderr) = run_in(root, &["check", "--strict"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    std::fs::write(
        root.join("content/2017-07-05-other.md"),
        "---\ntitle: Other\ndate: soon\nsource: AP\n---\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(root, &["check"]);
    assert_eq!(code, 1);
    assert!(!stderr.contains("published.txt"), "{stderr}");
}

#[test]
fn a_withdrawn_article_leaves_every_list_and_its_page_becomes_a_notice() {
    let gone = "---\ntitle: Gone story\ndate: 2017-07-06\nsource: Unique Wire\nactors: [Only Here]\ntags: [gone-tag]\nwithdrawn:\n  date: 2017-07-09\n  reason: \"Removed at the request of a court in *Hamburg*.\"\n---\nSecret body text.\n";
    let site = site("", &[PUBLISHED]);
    let root = site.path();
    std::fs::create_dir(root.join("content/2017-07-06-gone")).unwrap();
    std::fs::write(root.join("content/2017-07-06-gone/index.md"), gone).unwrap();
    std::fs::write(
        root.join("content/2017-07-06-gone/map.csv"),
        "secret,data\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(stdout.contains(" (1 article, "), "{stdout}");
    assert!(
        stdout
            .trim_end()
            .ends_with("; left out: 1 withdrawn (a notice at each URL)"),
        "{stdout}"
    );
    let out = root.join("public");
    let notice = std::fs::read_to_string(out.join("articles/gone/index.html")).unwrap();
    assert!(notice.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(notice.contains(
        "<h1 class=\"briefing-title\">Gone story</h1>\n  <p class=\"status-banner\" id=\"withdrawn\" role=\"note\"><strong>Withdrawn on <time datetime=\"2017-07-09\">9 July 2017</time>.</strong> Removed at the request of a court in <em>Hamburg</em>.</p>"
    ), "{notice}");
    assert!(!notice.contains("Secret"));
    for needle in [
        "Gone story",
        "Secret body",
        "only-here",
        "Only Here",
        "gone-tag",
        "unique-wire",
        "secret,data",
    ] {
        assert_eq!(
            files_containing(&out, needle),
            if needle == "Gone story" {
                // The notice, and the withdrawal in the corrections log and its feed.
                vec![
                    "articles/gone/index.html".to_string(),
                    "corrections/atom.xml".to_string(),
                    "corrections/feed.json".to_string(),
                    "corrections/index.html".to_string(),
                    "corrections/rss.xml".to_string(),
                ]
            } else {
                Vec::new()
            },
            "{needle}"
        );
    }
    assert!(!out.join("articles/gone/map.csv").exists());
    let log = std::fs::read_to_string(out.join("corrections/index.html")).unwrap();
    assert!(log.contains("<time datetime=\"2017-07-09\">9 July 2017</time> · <a href=\"../articles/gone/#withdrawn\">Gone story</a></p>\n    <p><strong>Withdrawn.</strong> Removed at the request of a court in <em>Hamburg</em>.</p>"), "{log}");
    assert!(notice.contains("<p class=\"status-banner\" id=\"withdrawn\""));
    // Its URL stays in the record: a notice is there.
    let (code, _, stderr) = run_in(root, &["check", "--strict"]);
    assert_eq!((code, stderr.as_str()), (0, ""));

    std::fs::write(
        root.join("content/2017-07-06-gone/index.md"),
        gone.replace(
            "  reason: \"Removed at the request of a court in *Hamburg*.\"\n",
            "",
        ),
    )
    .unwrap();
    let (code, _, stderr) = run_in(root, &["check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(
            "error: content/2017-07-06-gone/index.md:7:1: withdrawn: missing its `reason`, which readers of its page are shown\n"
        ),
        "{stderr}"
    );
}

/// Regressions from an editor's review (issue 22): a correction or withdrawal written
/// as the article's own day was refused; a withdrawn article's old URLs went 404; a
/// zone named by its city alone was not suggested.
#[test]
fn same_day_corrections_withdrawn_aliases_and_a_city_for_a_zone() {
    let text = "---\ntitle: Convoy\ndate: 2017-07-06T10:00:00Z\nsource: AP\naliases: [articles/aid-convoy/]\ncorrections:\n  - date: 2017-07-06\n    text: Same day.\nwithdrawn:\n  date: 2017-07-06\n  reason: Legal.\n---\nBody.\n";
    let site = site("", &[("2017-07-06-convoy", text), PUBLISHED]);
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let out = site.path().join("public");
    let old = std::fs::read_to_string(out.join("articles/aid-convoy/index.html")).unwrap();
    assert!(
        old.contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=https://example.org/articles/convoy/\">"
        ),
        "{old}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("_redirects")).unwrap(),
        "/articles/aid-convoy/ /articles/convoy/ 301\n"
    );
    let notice = std::fs::read_to_string(out.join("articles/convoy/index.html")).unwrap();
    assert!(notice.contains("<title>Withdrawn: Convoy"), "{notice}");
    // Its correction stays in the log, and on the notice, where the log links.
    assert!(notice.contains("<p id=\"correction-1\"><strong>Correction, <time datetime=\"2017-07-06\">6 July 2017</time>:</strong> Same day.</p>"), "{notice}");
    let log = std::fs::read_to_string(out.join("corrections/index.html")).unwrap();
    assert!(
        log.contains("<a href=\"../articles/convoy/#correction-1\">Convoy</a>"),
        "{log}"
    );
    let feed = std::fs::read_to_string(out.join("corrections/atom.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| {
            n.tag_name().name() == "id"
                && n.parent().is_some_and(|p| p.tag_name().name() == "entry")
        })
        .filter_map(|n| n.text())
        .collect();
    // The withdrawal is logged too, first of its day.
    assert_eq!(
        ids,
        [
            "https://example.org/articles/convoy/#withdrawn",
            "https://example.org/articles/convoy/#correction-1"
        ]
    );
    let (code, _, stderr) = run_in(site.path(), &["check", "--strict"]);
    assert_eq!(
        (code, stderr.as_str()),
        (0, ""),
        "the alias keeps its URL in the record"
    );

    std::fs::write(
        site.path().join("site.toml"),
        "title = \"Desk\"\nbase_url = \"https://example.org/\"\ntimezone = \"Berlin\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("found \"Berlin\" (did you mean \"Europe/Berlin\"?)"),
        "{stderr}"
    );
}
