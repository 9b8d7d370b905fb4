//! A fixture site built end to end: the files written and what they contain.

use crate::support::{build, built, fixture, read, tree};
use briefing::BuildOptions;

#[test]
fn builds_every_page_of_the_basic_fixture() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("site");
    let (code, stdout, stderr) = build(&fixture("basic"), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with(
            "built 70 pages (4 articles, 1 home page, 3 term lists, 8 term pages, 3 archive pages, 30 feeds, 5 edition pages, 8 email files, 3 search index files, 5 site files) and 10 files into "
        ),
        "{stdout}"
    );
    let files: Vec<String> = tree(&out).into_keys().collect();
    let mut expected = vec![
        ".briefing-output",
        ".nojekyll",
        ".well-known/security.txt",
        "notes.md",
        "articles/upper/index.html",
        "sources/x/index.html",
        "index.html",
        "style.css",
        "search.js",
        "favicon.svg",
        "robots.txt",
        "images/logo.png",
        "articles/first/index.html",
        "articles/second/index.html",
        "articles/the-bundle/index.html",
        "articles/the-bundle/map.svg",
        "articles/the-bundle/data/table.csv",
        "tags/index.html",
        "tags/syria/index.html",
        "tags/ceasefire/index.html",
        "actors/index.html",
        "actors/us/index.html",
        "actors/vladimir-putin/index.html",
        "sources/index.html",
        "sources/rfe-rl/index.html",
        "sources/reuters/index.html",
    ];
    let empty_tag = files
        .iter()
        .find(|f| f.starts_with("tags/term-") && f.ends_with("/index.html"))
        .expect("a page for the tag whose slug is empty");
    expected.push(empty_tag);
    // `static/robots.txt` replaces the generated one.
    expected.extend([
        "404.html",
        "atom.xml",
        "rss.xml",
        "feed.json",
        "sitemap.xml",
        "news-sitemap.xml",
        "corrections/atom.xml",
        "corrections/rss.xml",
        "corrections/feed.json",
        "corrections/index.html",
    ]);
    expected.extend(["search/index.html", "search.json"]);
    expected.extend([
        "archive/index.html",
        "archive/2017/index.html",
        "archive/2017/07/index.html",
    ]);
    let mut expected: Vec<String> = expected.into_iter().map(String::from).collect();
    // Every term page has its feeds beside it, one per format.
    let feeds: Vec<String> = expected
        .iter()
        .filter(|f| f.matches('/').count() == 2)
        .filter(|f| !f.starts_with("articles/") && !f.starts_with("archive/"))
        .flat_map(|f| ["atom.xml", "rss.xml", "feed.json"].map(|x| f.replace("index.html", x)))
        .collect();
    expected.extend(feeds);
    // A site this small has its whole search index in one leaf (key "") and one file
    // of articles' fields.
    expected.extend(["search/t/w.json".into(), "search/d/0.json".into()]);
    // Each day's edition, its two emails (no `[editions]`: no message) and the index.
    expected.push("editions/index.html".into());
    for day in ["2017-07-09", "2017-07-07", "2017-07-06", "2017-07-01"] {
        for file in ["index.html", "email.html", "email.txt"] {
            expected.push(format!("editions/{day}/{file}"));
        }
    }
    expected.sort();
    assert_eq!(files, expected);
}

#[test]
fn names_that_slug_the_same_share_one_page_with_the_most_used_spelling() {
    let out = built("basic", &[]);
    let us = read(out.path(), "actors/us/index.html");
    assert!(us.contains("<h1 class=\"page-title\">US</h1>"), "{us}");
    assert!(us.contains("3 briefings"));
    // Newest first.
    let (bundle, second, first) = (
        us.find("The Bundle").or(us.find("Bundle")).unwrap(),
        us.find(">Second<").unwrap(),
        us.find("First &lt;b&gt;").unwrap(),
    );
    assert!(bundle < second && second < first, "{us}");
    // Cyrillic spelling transliterated and merged with the Latin one.
    let putin = read(out.path(), "actors/vladimir-putin/index.html");
    assert!(putin.contains("2 briefings"), "{putin}");
    let tags = read(out.path(), "tags/index.html");
    assert!(
        tags.contains(
            r#"<a href="../tags/syria/">Syria</a> <span class="count">2 briefings</span>"#
        ),
        "{tags}"
    );
}

#[test]
fn article_pages_escape_front_matter_and_resolve_links() {
    let out = built("basic", &[]);
    let first = read(out.path(), "articles/first/index.html");
    assert!(
        first.contains("<h1 class=\"briefing-title\">First &lt;b&gt;briefing&lt;/b&gt;</h1>"),
        "{first}"
    );
    assert!(first.contains(r#"<a href="../../actors/vladimir-putin/">Putin</a>"#));
    assert!(first.contains(r#"<a href="../../articles/the-bundle/#map">link</a>"#));
    assert!(first.contains(r#"<h2 id="background">Background</h2>"#));
    assert!(first.contains(
        r#"<link rel="canonical" href="https://example.org/briefings/articles/first/">"#
    ));
    assert!(first.contains(r#"<link rel="stylesheet" href="../../style.css">"#));
    let second = read(out.path(), "articles/second/index.html");
    assert!(
        second.contains(r#"<a href="../../articles/first/">the first</a>"#),
        "{second}"
    );
    assert!(second.contains("<li>One point</li>"));
    assert!(second.contains(r#"<time datetime="2017-07-07T10:00:00+02:00">"#));
    let bundle = read(out.path(), "articles/the-bundle/index.html");
    assert!(
        bundle.contains(r#"<img src="map.svg" alt="Map" />"#),
        "{bundle}"
    );
}

#[test]
fn home_groups_articles_by_day_and_summaries_fall_back_to_the_first_paragraph() {
    let out = built("basic", &[]);
    let home = read(out.path(), "index.html");
    assert_eq!(
        edition_days(&home),
        vec!["2017-07-09", "2017-07-07", "2017-07-06", "2017-07-01"]
    );
    assert!(home.contains("<p>An explicit summary.</p>"));
    assert!(
        home.contains("<p>The first paragraph, with a Putin wikilink and a link.</p>"),
        "{home}"
    );
    assert!(!home.contains("Draft"));
}

#[test]
fn drafts_are_built_only_when_asked() {
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, _) = build(&fixture("basic"), out.path(), &["--drafts"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("(5 articles"), "{stdout}");
    assert!(read(out.path(), "articles/draft/index.html")
        .contains("<span class=\"badge\">Draft</span>"));
}

#[test]
fn static_files_override_the_theme_and_hidden_files_are_skipped() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, _) = build(&fixture("basic"), out.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(read(out.path(), "style.css"), ".x{}\n");
    assert!(!out.path().join("articles/hidden").exists());
}

#[test]
fn base_url_override_changes_permalinks_only() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, _) = build(
        &fixture("basic"),
        out.path(),
        &["--base-url", "https://news.example.com/"],
    );
    assert_eq!(code, 0);
    let first = read(out.path(), "articles/first/index.html");
    assert!(
        first.contains(r#"href="https://news.example.com/articles/first/""#),
        "{first}"
    );
    assert!(first.contains(r#"href="../../style.css""#));
}

#[test]
fn the_library_builds_the_same_site_as_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let (lib_out, bin_out) = (dir.path().join("lib"), dir.path().join("bin"));
    let report = briefing::build(&BuildOptions {
        root: fixture("basic"),
        output: Some(lib_out.clone()),
        write: true,
        ..Default::default()
    })
    .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    assert_eq!(report.pages.values().sum::<usize>(), 70);
    assert_eq!(build(&fixture("basic"), &bin_out, &[]).0, 0);
    assert_eq!(tree(&lib_out), tree(&bin_out));
}

#[test]
fn the_example_site_builds_without_warnings() {
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = build(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        out.path(),
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    // Other tests build the example too, and a build cache from another binary (a
    // developer's build) is a note: neither is a warning about the site.
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("note: .briefing-cache/build/last.json: "))
        .collect();
    assert!(said.is_empty(), "{stderr}");
    assert!(stdout.contains("articles"), "{stdout}");
}

#[test]
fn editions_group_by_the_day_as_written_whatever_the_offset() {
    // Regression: an evening in UTC-5 is the next day in UTC, and sorting by instant
    // alone split 6 July into two editions around 7 July.
    let site = crate::support::copy_fixture("basic");
    let write = |name: &str, date: &str| {
        let text = format!("---\ntitle: {name}\ndate: {date}\nsource: X\n---\nBody.\n");
        std::fs::write(site.path().join("content").join(format!("{name}.md")), text).unwrap();
    };
    write("late-evening", "2017-07-06T21:00:00-05:00");
    write("next-morning", "2017-07-07T01:00:00+00:00");
    let out = site.path().join("public");
    assert_eq!(build(site.path(), &out, &[]).0, 0);
    let home = read(&out, "index.html");
    assert_eq!(
        edition_days(&home),
        vec!["2017-07-09", "2017-07-07", "2017-07-06", "2017-07-01"]
    );
    let six = &home[home.find("datetime=\"2017-07-06\"").unwrap()..];
    assert!(six.contains("late-evening"));
}

/// The dates of the home page's editions, in page order.
fn edition_days(home: &str) -> Vec<&str> {
    let marker = "<h2 class=\"edition-title\"><a href=\"./editions/";
    home.match_indices(marker)
        .map(|(i, _)| &home[i + marker.len()..i + marker.len() + 10])
        .collect()
}

#[test]
fn a_site_overrides_one_block_of_the_article_and_keeps_the_rest() {
    let site = crate::support::copy_fixture("basic");
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("article.html"),
        "{% extends \"theme/article.html\" %}{% block article_header %}<h1 class=\"mine\">{{ article.title }}</h1>{% endblock article_header %}",
    )
    .unwrap();
    std::fs::write(
        templates.join("base.html"),
        "{% extends \"theme/base.html\" %}{% block nav %}<nav aria-label=\"Desk\">Desk</nav>{% endblock nav %}",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(site.path(), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let page = read(out.path(), "articles/first/index.html");
    assert!(
        page.contains("<h1 class=\"mine\">First &lt;b&gt;briefing&lt;/b&gt;</h1>"),
        "{page}"
    );
    assert!(!page.contains("class=\"briefing-header\""), "{page}");
    assert!(page.contains("class=\"briefing-body\""), "the rest stays");
    assert!(
        page.contains("<nav aria-label=\"Desk\">Desk</nav>"),
        "{page}"
    );
    assert!(page.contains("class=\"site-title\""), "the masthead stays");
}

/// A template cannot print the environment (a CI secret) into the public site: Tera 2
/// has no `get_env`, and a template asking for it fails to load with what to use
/// instead; the previous output stays as it was.
#[test]
fn templates_cannot_read_the_environment() {
    let site = crate::support::copy_fixture("basic");
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let (code, _, stderr) = build(site.path(), &public, &[]);
    assert_eq!(code, 0, "{stderr}");
    let before = tree(&public);
    std::fs::write(
        site.path().join("templates/article.html"),
        "{% extends \"theme/article.html\" %}\n{% block key_points %}{{ get_env(name=\"DEPLOY_TOKEN\") }}{% endblock key_points %}\n",
    )
    .unwrap();
    let o = assert_cmd::Command::cargo_bin("briefing")
        .unwrap()
        .args(["--root", site.path().to_str().unwrap(), "build", "-o"])
        .arg(&public)
        .env("NO_COLOR", "1")
        .env("DEPLOY_TOKEN", "s3cr3t-t0ken")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.lines().next().unwrap(),
        "error: templates/article.html:2:26: templates here cannot call `get_env`"
    );
    assert!(!stderr.contains("s3cr3t"), "{stderr}");
    assert_eq!(tree(&public), before, "a failed build changed the output");
}

/// Regression (hardening issue): a first paragraph of megabytes became a page's
/// description, its card, its feed summary and its search entry whole. An automatic
/// summary is cut at a word's end within 300 characters; a written one is kept.
#[test]
fn an_automatic_summary_is_cut_at_a_word_end() {
    let site = crate::support::copy_fixture("basic");
    let long = "word ".repeat(20_000);
    std::fs::write(
        site.path().join("content/2017-07-08-long.md"),
        format!("---\ntitle: Long\ndate: 2017-07-08\nsource: TASS\n---\n{long}\n"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(site.path(), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let page = read(out.path(), "articles/long/index.html");
    let description = page
        .split("<meta name=\"description\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    assert_eq!(description, format!("{}…", "word ".repeat(60).trim_end()));
    let home = read(out.path(), "index.html");
    assert!(home.len() < 20_000, "the card carries the whole paragraph");
}

/// Regression (hardening issue): a FIFO where a file was expected blocked the build
/// forever. Only regular files are read: a special file in `content/`, `templates/` or
/// `static/` is skipped with a warning; one at `site.toml` is an error.
#[cfg(unix)]
#[test]
fn special_files_are_skipped_or_refused_never_waited_on() {
    let site = crate::support::copy_fixture("basic");
    let fifo = |rel: &str| {
        let path = site.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "{rel}");
    };
    fifo("content/pipe.md");
    fifo("templates/pipe.html");
    fifo("static/pipe.txt");
    let out = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let o = assert_cmd::Command::cargo_bin("briefing")
            .unwrap()
            .arg("--root")
            .arg(site.path())
            .args(args)
            .arg(out.path().join("public"))
            .env("NO_COLOR", "1")
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&["build", "-o"]);
    assert_eq!(code, Some(0), "{stderr}");
    for rel in ["content/pipe.md", "static/pipe.txt", "templates/pipe.html"] {
        let line =
            format!("warning: {rel}: not a regular file (a FIFO, device or socket); skipped");
        assert!(stderr.lines().any(|l| l == line), "{rel}: {stderr}");
    }
    std::fs::remove_file(site.path().join("site.toml")).unwrap();
    fifo("site.toml");
    let (code, stderr) = run(&["build", "-o"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr.lines().next().unwrap(),
        "error: site.toml: not a regular file (a folder, FIFO, device or socket); expected the site's settings in a text file"
    );
}

/// Regression (hardening issue): a missing `content/` (or one that is a symbolic link
/// loop) built "0 articles" and replaced the published site with an empty one.
#[cfg(unix)]
#[test]
fn a_missing_or_looping_content_folder_fails_and_keeps_the_output() {
    let site = crate::support::copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let (code, _, stderr) = build(site.path(), &public, &[]);
    assert_eq!(code, 0, "{stderr}");
    let before = tree(&public);
    let content = site.path().join("content");
    std::fs::rename(&content, site.path().join("moved")).unwrap();
    let (code, _, stderr) = build(site.path(), &public, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr.lines().next().unwrap(),
        "error: content: no such folder: the articles go in content/ (a site with no articles yet has an empty one)"
    );
    assert_eq!(tree(&public), before);
    std::os::unix::fs::symlink("content", &content).unwrap();
    let (code, _, stderr) = build(site.path(), &public, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with("error: content: cannot read the folder: "),
        "{stderr}"
    );
    assert_eq!(tree(&public), before);
}
