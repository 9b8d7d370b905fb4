//! The build cache: a build after nothing changed repeats the last build's report and
//! writes nothing; any change to what a build reads, to its options, to its output,
//! or a cache it cannot trust, builds in full.

use crate::support::{build, site_of_articles, tree};
use std::path::Path;
use std::time::{Duration, SystemTime};

const REPLAYED: &str = "nothing changed since the last build";

/// Sets every file a build reads under the site `dir` an hour back, so none is racy
/// (modified in the seconds before a build's stamps).
fn age(dir: &Path) {
    let past = SystemTime::now() - Duration::from_secs(3600);
    let read = |e: &walkdir::DirEntry| {
        e.depth() != 1
            || ["content", "static", "templates", "data"]
                .iter()
                .any(|d| e.file_name() == *d)
    };
    for e in walkdir::WalkDir::new(dir).into_iter().filter_entry(read) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            std::fs::File::options()
                .write(true)
                .open(e.path())
                .unwrap()
                .set_modified(past)
                .unwrap();
        }
    }
}

fn site() -> tempfile::TempDir {
    let site = site_of_articles(
        "https://example.org/",
        "",
        &[
            (
                "a",
                "---\ntitle: A\ndate: 2017-07-05\nsources: [AP, AP]\n---\nOne.\n",
            ),
            (
                "b",
                "---\ntitle: B\ndate: 2017-07-06\nsource: AP\n---\nTwo.\n",
            ),
        ],
    );
    age(site.path());
    site
}

/// Builds and returns (stdout, stderr), asserting success.
fn ok(root: &Path, out: &Path, extra: &[&str]) -> (String, String) {
    let (code, stdout, stderr) = build(root, out, extra);
    assert_eq!(code, 0, "{stderr}");
    (stdout, stderr)
}

#[test]
fn a_build_after_nothing_changed_repeats_the_report_and_writes_nothing() {
    let site = site();
    let out = site.path().join("public");
    let (first, first_err) = ok(site.path(), &out, &[]);
    assert!(!first.contains(REPLAYED), "{first}");
    let before = tree(&out);
    let (again, again_err) = ok(site.path(), &out, &[]);
    assert!(again.contains(REPLAYED), "{again}");
    // The same line but for what was written and the time.
    let line = |s: &str| {
        let s = s.lines().last().unwrap().to_string();
        s[..s.find(" into ").unwrap()].to_string()
    };
    assert_eq!(line(&first), line(&again));
    // Every warning again, word for word.
    assert!(first_err.contains("\"AP\" is named twice"), "{first_err}");
    assert_eq!(first_err, again_err);
    assert_eq!(tree(&out), before);
}

#[test]
fn any_change_to_what_a_build_reads_or_writes_builds_in_full() {
    let site = site();
    let root = site.path();
    let out = root.join("public");
    let full = |why: &str, extra: &[&str]| {
        age(root);
        let (stdout, _) = ok(root, &out, extra);
        assert!(!stdout.contains(REPLAYED), "{why}: {stdout}");
        let (stdout, _) = ok(root, &out, extra);
        assert!(stdout.contains(REPLAYED), "{why}, then nothing: {stdout}");
    };
    full("the first build", &[]);
    std::fs::write(
        root.join("content/b.md"),
        "---\ntitle: B2\ndate: 2017-07-06\nsource: AP\n---\nTwo.\n",
    )
    .unwrap();
    full("an article edited", &[]);
    assert!(std::fs::read_to_string(out.join("index.html"))
        .unwrap()
        .contains("B2"));
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/x.txt"), "x").unwrap();
    full("a static file added", &[]);
    assert!(out.join("x.txt").is_file());
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/robots.txt"), "User-agent: *\n").unwrap();
    full("a template added", &[]);
    std::fs::remove_file(out.join("x.txt")).unwrap();
    full("a file of the output removed", &[]);
    assert!(out.join("x.txt").is_file());
    full("another option", &["--drafts"]);
    full("back to the first options", &[]);
    // A file saved in the seconds before the last build's stamps may have changed
    // unseen: read again, though its stamp is the same.
    let b = root.join("content/b.md");
    std::fs::File::options()
        .write(true)
        .open(&b)
        .unwrap()
        .set_modified(SystemTime::now())
        .unwrap();
    let (stdout, _) = ok(root, &out, &[]);
    assert!(!stdout.contains(REPLAYED), "a racy file: {stdout}");
    let (stdout, _) = ok(root, &out, &[]);
    assert!(!stdout.contains(REPLAYED), "still racy: {stdout}");
}

#[test]
fn a_cache_from_another_version_or_unreadable_is_ignored_with_a_note() {
    let site = site();
    let root = site.path();
    let out = root.join("public");
    ok(root, &out, &[]);
    let cache = root.join(".briefing-cache/build/last.json");
    let text = std::fs::read_to_string(&cache).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["identity"] = "briefing 0.0.1 (abc 2020-01-01) 1 1".into();
    std::fs::write(&cache, json.to_string()).unwrap();
    let (stdout, stderr) = ok(root, &out, &[]);
    assert!(!stdout.contains(REPLAYED), "{stdout}");
    assert!(
        stderr.contains("note: .briefing-cache/build/last.json: the build cache was written by another version of briefing: ignored, and written again by this build"),
        "{stderr}"
    );
    // `--quiet` prints warnings and errors, not notes.
    std::fs::write(&cache, json.to_string()).unwrap();
    let (_, stderr) = ok(root, &out, &["-q"]);
    assert!(!stderr.contains("note:"), "{stderr}");
    assert!(stderr.contains("warning: content/a.md:4:10"), "{stderr}");
    std::fs::write(&cache, "{ not json").unwrap();
    let (stdout, stderr) = ok(root, &out, &[]);
    assert!(!stdout.contains(REPLAYED), "{stdout}");
    assert!(
        stderr.contains("the build cache cannot be read"),
        "{stderr}"
    );
    // Written again: the next build trusts it.
    let (stdout, stderr) = ok(root, &out, &[]);
    assert!(stdout.contains(REPLAYED), "{stdout}");
    assert!(!stderr.contains("build cache"), "{stderr}");
    // The stamps beside it, changed by a byte or gone: a build in full, which
    // writes them again.
    let inputs = root.join(".briefing-cache/build/inputs");
    let mut bytes = std::fs::read(&inputs).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&inputs, &bytes).unwrap();
    let (stdout, _) = ok(root, &out, &[]);
    assert!(!stdout.contains(REPLAYED), "a changed byte: {stdout}");
    let (stdout, _) = ok(root, &out, &[]);
    assert!(stdout.contains(REPLAYED), "{stdout}");
    std::fs::remove_file(&inputs).unwrap();
    let (stdout, _) = ok(root, &out, &[]);
    assert!(!stdout.contains(REPLAYED), "gone: {stdout}");
    let (stdout, _) = ok(root, &out, &[]);
    assert!(stdout.contains(REPLAYED), "{stdout}");
}

#[test]
fn the_cache_holds_until_the_clock_changes_what_a_build_publishes() {
    let site = site();
    let root = site.path();
    // An article scheduled an hour from now.
    let due = chrono::Utc::now() + chrono::Duration::hours(1);
    let date = due.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    std::fs::write(
        root.join("content/c.md"),
        format!("---\ntitle: C\ndate: {date}\nsource: AP\n---\nLater.\n"),
    )
    .unwrap();
    age(root);
    let out = root.join("public");
    ok(root, &out, &[]);
    let cache = root.join(".briefing-cache/build/last.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    let until =
        chrono::DateTime::parse_from_rfc3339(json["valid_until"].as_str().unwrap()).unwrap();
    assert_eq!(
        until.timestamp(),
        due.timestamp(),
        "the scheduled article's time"
    );
    let (stdout, _) = ok(root, &out, &[]);
    assert!(stdout.contains(REPLAYED), "{stdout}");
    // Once that time has passed, the build is a full one.
    let mut json = json;
    json["valid_until"] = "2000-01-01T00:00:00Z".into();
    std::fs::write(&cache, json.to_string()).unwrap();
    let (stdout, _) = ok(root, &out, &[]);
    assert!(!stdout.contains(REPLAYED), "{stdout}");
}

/// Builds `root` into `out` through the library; returns how many files it rendered
/// or copied (its progress's total) and its report.
fn build_counting(root: &Path, out: &Path, drafts: bool) -> (usize, briefing::BuildReport) {
    let progress = std::sync::Arc::new(briefing::Progress::default());
    let options = briefing::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        write: true,
        drafts,
        progress: Some(progress.clone()),
        ..Default::default()
    };
    let report = briefing::build(&options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let total = progress.total.load(std::sync::atomic::Ordering::Relaxed);
    (total, report)
}

/// What a build from nothing of `root` as it is gives: built from a copy of its
/// sources (so that its own cache is left alone).
fn full_build(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().unwrap();
    for (rel, bytes) in tree(root) {
        if rel.starts_with(".briefing-cache") || rel.starts_with("public") {
            continue;
        }
        let to = copy.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    build_counting(copy.path(), &out.path().join("site"), false);
    tree(&out.path().join("site"))
}

/// Asserts the output `out` holds what a build from nothing of `root` gives.
fn assert_as_full(what: &str, root: &Path, out: &Path) {
    let (got, want) = (tree(out), full_build(root));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{what}: other files"
    );
    for (path, bytes) in &want {
        assert!(
            got[path] == *bytes,
            "{what}: {path} differs from a full build"
        );
    }
}

/// Replaces the first `from` in the site's file `rel` with `to`.
fn replace_in(root: &Path, rel: &str, from: &str, to: &str) {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_build_after_an_edit_renders_only_the_files_whose_fingerprint_changed() {
    let site = crate::support::copy_fixture("basic");
    let root = site.path();
    let out = root.join("public");
    let edit = |rel: &str, from: &str, to: &str| replace_in(root, rel, from, to);
    let (all, first) = build_counting(root, &out, false);
    let files = first.written;
    assert!(all > 40 && all == files, "{all} rendered, {files} written");

    // A sentence in one body: its page, and the files that show its text or its
    // word count (its terms' pages and feeds, the site's feeds, its edition).
    let article = "content/2017-07-06-first.md";
    edit(article, "## Background", "A new sentence.\n\n## Background");
    let (rendered, report) = build_counting(root, &out, false);
    assert!(rendered > 0 && rendered * 2 < all, "{rendered} of {all}");
    assert!(
        report.written > 0 && report.written <= rendered,
        "{report:?}"
    );
    assert_eq!(
        report.pages.values().sum::<usize>() + report.files,
        all,
        "the build line counts the whole site"
    );
    assert_as_full("a body edit", root, &out);

    // A title: the lists and feeds that show it too.
    edit(article, "First <b>briefing</b>", "First retitled");
    let (rendered, _) = build_counting(root, &out, false);
    assert!(rendered > 0 && rendered < all, "{rendered} of {all}");
    assert_as_full("a title edit", root, &out);

    // A page edited by hand in the output is rendered again.
    std::fs::write(out.join("index.html"), "edited by hand").unwrap();
    build_counting(root, &out, false);
    assert_as_full("a hand edit in the output", root, &out);

    // Another build into the same output (other options) spoils the fingerprints:
    // the next build renders every file.
    build_counting(root, &out, true);
    let (rendered, _) = build_counting(root, &out, false);
    assert_eq!(rendered, all);
    assert_as_full("after a build with drafts", root, &out);

    // An article removed.
    std::fs::remove_file(root.join(article)).unwrap();
    let (rendered, _) = build_counting(root, &out, false);
    assert!(rendered < all, "{rendered} of {all}");
    assert_as_full("an article removed", root, &out);
}

#[test]
fn a_build_takes_the_bodies_the_last_one_kept_unless_their_file_settings_or_links_changed() {
    let site = crate::support::copy_fixture("basic");
    let root = site.path();
    let out = root.join("public");
    let edit = |rel: &str, from: &str, to: &str| replace_in(root, rel, from, to);
    let (_, first) = build_counting(root, &out, false);
    let all = first.bodies;
    assert!(all >= 4, "{all} bodies rendered");
    assert!(root.join(".briefing-cache/build/bodies").is_dir());

    // One body edited: it is rendered, and the kept ones are taken (but those that
    // show images or reported a problem, which are never kept).
    edit(
        "content/2017-07-06-first.md",
        "## Background",
        "A new sentence.\n\n## Background",
    );
    let (_, report) = build_counting(root, &out, false);
    let unkept = report.bodies - 1;
    assert!(report.bodies < all, "{} of {all} rendered", report.bodies);
    assert_as_full("a body edit", root, &out);

    // The first article moves: the second links to it, so its kept body, whose
    // link would now be answered differently, is rendered again too.
    edit(
        "content/2017-07-06-first.md",
        "title:",
        "slug: first-moved\ntitle:",
    );
    let (_, report) = build_counting(root, &out, false);
    assert_eq!(
        report.bodies,
        unkept + 2,
        "the moved article and the one linking to it"
    );
    assert_as_full("a linked article moved", root, &out);
    let (_, second) = tree(&out)
        .into_iter()
        .find(|(p, b)| {
            p.ends_with("index.html") && String::from_utf8_lossy(b).contains("Body of the second")
        })
        .expect("the second article's page");
    let second = String::from_utf8(second).unwrap();
    assert!(
        second.contains("first-moved/"),
        "the link follows the article"
    );

    // A shard cut short (a full disk) is not read: its bodies are rendered again.
    let shards: Vec<_> = std::fs::read_dir(root.join(".briefing-cache/build/bodies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for shard in &shards {
        let bytes = std::fs::read(shard).unwrap();
        std::fs::write(shard, &bytes[..bytes.len() / 2]).unwrap();
    }
    edit(
        "content/2017-07-06-first.md",
        "A new sentence.",
        "Another sentence.",
    );
    let (_, report) = build_counting(root, &out, false);
    assert_eq!(report.bodies, all, "every body rendered again");
    assert_as_full("the kept bodies cut short", root, &out);

    // Other settings: every body is rendered again.
    edit("site.toml", "Test Desk", "Test Desk, retitled");
    let (_, report) = build_counting(root, &out, false);
    assert_eq!(report.bodies, all);
    assert_as_full("site.toml changed", root, &out);
}

/// A one-off build frees its articles rather than keeping them for another: a second
/// build of the same session reads them again.
#[test]
fn a_one_off_session_built_twice_reads_its_articles_again() {
    let site = crate::support::copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let mut session = briefing::build::Session::open(
        briefing::BuildOptions {
            root: site.path().to_path_buf(),
            output: Some(out.path().join("site")),
            write: true,
            ..Default::default()
        },
        false,
    );
    let first = session
        .build()
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let second = session
        .build()
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    assert!(
        first.pages.get("article").copied().unwrap_or(0) >= 4,
        "{:?}",
        first.pages
    );
    assert_eq!(first.pages, second.pages);
}

#[test]
fn a_build_takes_the_cards_the_last_one_kept_unless_their_item_or_templates_changed() {
    let site = crate::support::copy_fixture("basic");
    let root = site.path();
    let out = root.join("public");
    let (_, first) = build_counting(root, &out, false);
    let all = first.cards;
    assert!(all >= 4, "{all} cards rendered");
    assert!(root.join(".briefing-cache/build/cards").is_dir());

    // What every card sees changed (the site's title): every card is rendered again.
    replace_in(root, "site.toml", "Test Desk", "Test Desk, retitled");
    let (_, report) = build_counting(root, &out, false);
    assert_eq!(report.cards, all, "the site's view is in every card's key");
    assert_as_full("site.toml changed", root, &out);

    // One body edited: its word count is in its card's item.
    replace_in(
        root,
        "content/2017-07-06-first.md",
        "## Background",
        "A new sentence, and more words.\n\n## Background",
    );
    let (_, report) = build_counting(root, &out, false);
    assert_eq!(report.cards, 1, "only the edited article's card");
    assert_as_full("a body edit", root, &out);

    // The card's template, overridden by the site: every card is rendered again.
    let theme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/templates/partials/article_item.html"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("templates/partials")).unwrap();
    std::fs::write(
        root.join("templates/partials/article_item.html"),
        format!("<!-- the site's card -->\n{theme}"),
    )
    .unwrap();
    let (_, report) = build_counting(root, &out, false);
    assert_eq!(report.cards, all);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("<!-- the site's card -->"), "{home}");
    assert_as_full("the card's template changed", root, &out);

    // Shards that cannot be read are not: their cards are rendered again.
    for shard in std::fs::read_dir(root.join(".briefing-cache/build/cards")).unwrap() {
        std::fs::write(shard.unwrap().path(), b"briefing cards 1 cut").unwrap();
    }
    replace_in(
        root,
        "content/2017-07-06-first.md",
        "A new sentence",
        "A newer sentence",
    );
    let (_, report) = build_counting(root, &out, false);
    assert_eq!(report.cards, all, "every card rendered again");
    assert_as_full("the kept cards unreadable", root, &out);
}

/// Changes, in place, the first byte after the header of each shard in `dir`: the
/// first byte of an entry's tail (a body's or a card's HTML).
fn change_first_tails(dir: &Path) {
    use std::os::unix::fs::FileExt;
    for shard in std::fs::read_dir(dir).unwrap() {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(shard.unwrap().path())
            .unwrap();
        let mut byte = [0];
        file.read_exact_at(&mut byte, 32).unwrap();
        file.write_all_at(&[byte[0] ^ 0x20], 32).unwrap();
    }
}

/// A kept card is read only when a list shows it, and checked then: one changed on
/// disk behind the build's back is noted, and the build made again without the kept
/// cards, as a build from nothing.
#[test]
fn a_kept_card_changed_on_disk_is_noted_and_the_build_made_again_without_the_kept_cards() {
    let site = crate::support::copy_fixture("basic");
    let root = site.path();
    let out = root.join("public");
    let (_, first) = build_counting(root, &out, false);
    change_first_tails(&root.join(".briefing-cache/build/cards"));
    // A title changed: the lists that show it are rendered again, with the other
    // articles' kept cards.
    replace_in(
        root,
        "content/2017-07-06-first.md",
        "title:",
        "title: Retitled,",
    );
    let (_, report) = build_counting(root, &out, false);
    let notes: Vec<String> = report.warnings.iter().map(|d| d.to_string()).collect();
    assert!(
        notes.iter().any(|n| n.contains(
            "a card kept by the last build could not be read: the kept cards are ignored"
        )),
        "{notes:?}"
    );
    assert_eq!(report.cards, first.cards, "every card rendered again");
    assert_as_full("a kept card changed on disk", root, &out);
}

/// A kept body is read only when a page shows it, and checked then: one changed on
/// disk behind the build's back fails nothing, and publishes nothing of it.
/// A one-off build reads each body it keeps back from the kept file for its page;
/// one whose bodies cannot be kept (the folder is a file) holds them, and writes the
/// same site.
#[test]
fn a_build_whose_bodies_cannot_be_kept_writes_the_same_pages() {
    let site = crate::support::copy_fixture("basic");
    let root = site.path();
    let out = root.join("public");
    std::fs::create_dir_all(root.join(".briefing-cache/build")).unwrap();
    std::fs::write(root.join(".briefing-cache/build/bodies"), "not a folder").unwrap();
    build_counting(root, &out, false);
    assert_eq!(
        std::fs::read_to_string(root.join(".briefing-cache/build/bodies")).unwrap(),
        "not a folder"
    );
    assert_as_full("bodies not kept", root, &out);
    let page = tree(&out).into_iter().find(|(p, b)| {
        p.ends_with("index.html") && String::from_utf8_lossy(b).contains("Body of the second")
    });
    assert!(page.is_some(), "the second article's page shows its body");
}

#[test]
fn a_kept_body_changed_on_disk_is_noted_and_the_build_made_again_without_the_kept_bodies() {
    let site = crate::support::copy_fixture("basic");
    let root = site.path();
    let out = root.join("public");
    let (_, first) = build_counting(root, &out, false);
    change_first_tails(&root.join(".briefing-cache/build/bodies"));
    // Every article page is rendered again (its template changed), and reads its body.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/article.html"),
        "{% extends \"theme/article.html\" %}\n",
    )
    .unwrap();
    let (_, report) = build_counting(root, &out, false);
    let notes: Vec<String> = report.warnings.iter().map(|d| d.to_string()).collect();
    assert!(
        notes.iter().any(|n| n.contains(
            "a body kept by the last build could not be read: the kept bodies are ignored"
        )),
        "{notes:?}"
    );
    assert_eq!(report.bodies, first.bodies, "every body rendered again");
    assert_as_full("a kept body changed on disk", root, &out);
}

#[test]
fn a_build_takes_the_articles_the_last_one_read_while_their_files_are_as_they_were() {
    let site = crate::support::copy_fixture("basic");
    let root = site.path();
    let out = root.join("public");
    age(root);
    let (_, first) = build_counting(root, &out, false);
    let all = first.articles_read;
    assert!(all >= 4, "{all} articles read");
    assert!(root.join(".briefing-cache/build/articles").is_dir());

    // One file edited: it alone is read.
    replace_in(
        root,
        "content/2017-07-06-first.md",
        "title: ",
        "title: Now ",
    );
    let (_, report) = build_counting(root, &out, false);
    assert_eq!(report.articles_read, 1);
    assert_as_full("a title edited", root, &out);

    // Settings reading does not depend on: every article is taken but the one
    // edited in the seconds before the last build read it (racy: read again).
    replace_in(root, "site.toml", "Test Desk", "Test Desk, retitled");
    let (_, report) = build_counting(root, &out, false);
    assert_eq!(report.articles_read, 1);
    assert_as_full("the site's title changed", root, &out);

    // The zone dates are read in: every article is read again.
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        format!("timezone = \"Europe/Berlin\"\n{toml}"),
    )
    .unwrap();
    let (_, report) = build_counting(root, &out, false);
    assert_eq!(report.articles_read, all);
    assert_as_full("the site's zone changed", root, &out);
}

/// git's rule for racy timestamps: a file changed within a clock tick of the build
/// that read it keeps its time, and is read again and compared by content.
#[test]
fn an_article_changed_in_the_tick_it_was_read_is_read_again() {
    let site = crate::support::copy_fixture("basic");
    let root = site.path();
    let out = root.join("public");
    let file = root.join("content/2017-07-06-first.md");
    build_counting(root, &out, false);
    // The same size, the same inode, the same time: only the bytes differ.
    let before = std::fs::metadata(&file).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let changed = text
        .replacen("title: ", "title: X", 1)
        .replacen("## ", "##", 1);
    assert_eq!(changed.len(), text.len());
    std::fs::write(&file, changed).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    let (_, report) = build_counting(root, &out, false);
    assert!(report.articles_read >= 1);
    assert_as_full("a file changed in the tick it was read", root, &out);
}

/// A symbolic link among the inputs, at the top of a folder or deeper: its target's
/// time is not its own, so a build with one never repeats the last.
#[test]
fn a_symbolic_link_among_the_inputs_is_never_taken_as_unchanged() {
    for at in ["static/linked.txt", "content/deeper/linked.txt"] {
        let site = site();
        let root = site.path();
        let out = root.join("public");
        let to = root.join(at);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(root.join("site.toml"), &to).unwrap();
        age(root);
        ok(root, &out, &[]);
        let (again, _) = ok(root, &out, &[]);
        assert!(!again.contains(REPLAYED), "{at}: {again}");
        std::fs::remove_file(&to).unwrap();
        ok(root, &out, &[]);
        age(root);
        ok(root, &out, &[]);
        let (again, _) = ok(root, &out, &[]);
        assert!(again.contains(REPLAYED), "{at} removed: {again}");
    }
}

/// `build -v` ends with what the build did anew; the rest the last build kept.
#[test]
fn a_verbose_build_says_what_it_read_and_rendered_anew() {
    let site = site();
    let root = site.path();
    let out = root.join("public");
    age(root);
    let (first, _) = ok(root, &out, &["-v"]);
    assert!(
        first.ends_with(
            "  anew: 2 articles read, 2 bodies and 2 cards rendered (the others kept by the last build)\n"
        ),
        "{first}"
    );
    std::fs::write(
        root.join("content/b.md"),
        "---\ntitle: B2\ndate: 2017-07-06\nsource: AP\n---\nTwo.\n",
    )
    .unwrap();
    let (second, _) = ok(root, &out, &["-v"]);
    assert!(
        second.ends_with(
            "  anew: 1 article read, 1 body and 1 card rendered (the others kept by the last build)\n"
        ),
        "{second}"
    );
    // Nothing changed since: the last build's report, and no line of work.
    age(root);
    ok(root, &out, &[]);
    let (third, _) = ok(root, &out, &["-v"]);
    assert!(
        third.contains(REPLAYED) && !third.contains("anew:"),
        "{third}"
    );
}

/// The inode of the site's kept part of the model `name`.
fn kept_model(root: &Path, name: &str) -> u64 {
    let path = root.join(".briefing-cache/build/model").join(name);
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

/// Whether any file of the output's search index holds `word`.
fn searchable(out: &Path, word: &str) -> bool {
    tree(&out.join("search"))
        .iter()
        .any(|(rel, bytes)| !rel.starts_with("d/") && String::from_utf8_lossy(bytes).contains(word))
}

#[test]
fn a_build_mends_the_search_index_and_takes_the_related_briefings_the_last_one_kept() {
    let site = crate::support::copy_fixture("basic");
    let root = site.path();
    let out = root.join("public");
    let article = "content/2017-07-06-first.md";
    build_counting(root, &out, false);
    let (related, search) = (kept_model(root, "related"), kept_model(root, "search"));

    // A new word in one body: the index kept is mended with it, and saved again;
    // the related briefings are taken as they were (the actors and tags are the
    // same), and their file is left alone.
    replace_in(
        root,
        article,
        "## Background",
        "Zanzibarite ore.\n\n## Background",
    );
    build_counting(root, &out, false);
    assert!(searchable(&out, "zanzibarite"));
    assert_as_full("a new word", root, &out);
    assert_eq!(
        kept_model(root, "related"),
        related,
        "related kept as it was"
    );
    assert_ne!(kept_model(root, "search"), search, "the mended index saved");

    // The word gone again.
    replace_in(root, article, "Zanzibarite ore.", "Plain ore.");
    build_counting(root, &out, false);
    assert!(!searchable(&out, "zanzibarite"));
    assert_as_full("the word gone", root, &out);

    // A tag added: the related briefings are chosen again, and kept.
    replace_in(root, article, "tags: [", "tags: [mining, ");
    build_counting(root, &out, false);
    assert_as_full("a tag added", root, &out);
    assert_ne!(kept_model(root, "related"), related, "related chosen again");

    // Kept parts that cannot be read are made again.
    for name in ["related", "search"] {
        std::fs::write(root.join(".briefing-cache/build/model").join(name), "junk").unwrap();
    }
    replace_in(root, article, "Plain ore.", "Plain zinc.");
    build_counting(root, &out, false);
    assert!(searchable(&out, "zinc"));
    assert_as_full("unreadable kept parts", root, &out);
}

/// Words of their own, `stem` then each number of `range`.
fn words(stem: &str, range: std::ops::Range<usize>) -> String {
    range.map(|i| format!("{stem}{i:05} ")).collect()
}

#[test]
fn a_mended_search_index_lays_its_files_out_again_as_a_build_from_nothing_would() {
    let site = site();
    let root = site.path();
    let out = root.join("public");
    let (a, b) = ("content/a.md", "content/b.md");
    replace_in(root, b, "Two.", &format!("Two. {}", words("qa", 0..2000)));
    build_counting(root, &out, false);
    let files = |out: &Path| tree(&out.join("search")).len();
    let before = files(&out);
    // Thousands of new words under one key, in two articles: its leaf splits into
    // new files, each new split key with a prefix file made from its terms' sets.
    replace_in(root, a, "One.", &format!("One. {}", words("qb", 0..1500)));
    replace_in(
        root,
        b,
        "Two.",
        &format!("Two. {}", words("qb", 1500..3000)),
    );
    build_counting(root, &out, false);
    assert!(
        files(&out) > before,
        "{} files, {before} before",
        files(&out)
    );
    assert!(searchable(&out, "qb02999"));
    assert_as_full("a key split", root, &out);
    // And gone again: the keys are joined.
    replace_in(root, a, &words("qb", 0..1500), "");
    replace_in(root, b, &words("qb", 1500..3000), "");
    build_counting(root, &out, false);
    assert_eq!(files(&out), before);
    assert_as_full("the key joined again", root, &out);
}

/// A file whose name holds a backslash is read from its own path: the build cache
/// writes it as `/` in its stamps, so such a site is walked rather than listed
/// from them.
#[test]
fn an_article_whose_name_holds_a_backslash_is_read_from_its_own_path() {
    let site = crate::support::copy_fixture("basic");
    let root = site.path();
    let text = "---\ntitle: Back\ndate: 2017-07-05\nsource: AP\n---\nThe backslashed body.\n";
    std::fs::write(root.join("content/2017-07-05-back\\slash.md"), text).unwrap();
    let out = root.join("public");
    let (_, report) = build_counting(root, &out, false);
    assert!(report
        .warnings
        .iter()
        .all(|d| !d.message.contains("cannot read")));
    let page = tree(&out).into_iter().find(|(p, b)| {
        p.ends_with("index.html") && String::from_utf8_lossy(b).contains("The backslashed body.")
    });
    assert!(page.is_some(), "the article's page");
    assert_as_full("a backslash in a name", root, &out);
}

/// Regression (found in review): stamping kept every folder of `content/` open until
/// the walk ended, so a site of a folder an article ran out of file handles under the
/// usual limit (1,024 on Linux) and silently lost its cache: no build was replayed.
#[cfg(unix)]
#[test]
fn a_site_of_more_article_folders_than_file_handles_is_still_stamped_and_replayed() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    std::fs::write(
        root.join("site.toml"),
        "title = \"Desk\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    for i in 0..1100 {
        let dir = root.join(format!("content/2017-07-05-bundle-{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.md"),
            format!("---\ntitle: Bundle {i}\ndate: 2017-07-05\nsource: AP\n---\nText.\n"),
        )
        .unwrap();
    }
    age(root);
    let build = || build_under(root, "ulimit -n 1024", "build");
    let first = build();
    assert!(first.contains("1100 articles"), "{first}");
    let again = build();
    assert!(again.contains(REPLAYED), "{again}");
}

/// macOS starts a shell with a soft limit of 256 open files, under which a build
/// from nothing at 10,000 articles ran out of them while it kept its cards: it left
/// 291 empty shard files behind, and a build after an edit rendered the cards of two
/// shards again. The binary raises its soft limit to the hard one. Here a site of
/// 1,500 articles is built under `ulimit -Sn 256`, then again after a sentence is added
/// to one article: without the raise the second build rendered 39 to 42 cards.
#[cfg(unix)]
#[test]
fn under_a_low_soft_limit_of_open_files_a_build_keeps_its_whole_cache() {
    // The hard limit must leave room to raise the soft one (a build holds a few
    // hundred files at once); CI machines and desktops allow far more.
    let hard = std::process::Command::new("sh")
        .args(["-c", "ulimit -Hn"])
        .output()
        .unwrap();
    let hard = String::from_utf8_lossy(&hard.stdout).trim().to_string();
    if hard != "unlimited" && hard.parse::<u64>().is_ok_and(|h| h < 1024) {
        eprintln!("skipped: a hard limit of {hard} open files");
        return;
    }
    let text = |i: usize, more: &str| {
        format!("---\ntitle: Report {i}\ndate: 2017-07-05\nsource: AP\n---\nText {i}.{more}\n")
    };
    let articles: Vec<(String, String)> = (0..1500)
        .map(|i| (format!("report-{i}"), text(i, "")))
        .collect();
    let articles: Vec<(&str, &str)> = articles
        .iter()
        .map(|(stem, text)| (stem.as_str(), text.as_str()))
        .collect();
    let site = site_of_articles("https://example.org/", "", &articles);
    let root = site.path();
    age(root);
    let build = || build_under(root, "ulimit -Sn 256", "build -v");
    build();
    let edited = root.join("content/report-700.md");
    std::fs::write(&edited, text(700, " One more.")).unwrap();
    let again = build();
    let left: Vec<String> = walkdir::WalkDir::new(root.join(".briefing-cache"))
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        again.contains("anew: 1 article read, 1 body and 1 card rendered"),
        "{again}"
    );
    let partial: Vec<&String> = left.iter().filter(|n| n.contains("partial")).collect();
    assert!(partial.is_empty(), "{partial:?}");
}

/// `briefing <args>` in `root` after `ulimit` (a shell's line, such as
/// `ulimit -n 1024`): its standard output; it must succeed.
#[cfg(unix)]
fn build_under(root: &Path, ulimit: &str, args: &str) -> String {
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{ulimit} && exec \"$0\" {args}"))
        .arg(assert_cmd::cargo::cargo_bin("briefing"))
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout
}
