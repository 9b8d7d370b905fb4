//! Incremental builds: after any sequence of edits, renames and deletions, the output
//! of a session's updates equals a clean full build, file for file.

use crate::support::{copy_fixture, tree};
use briefing::build::Session;
use briefing::{BuildOptions, BuildReport};
use std::path::{Path, PathBuf};

/// A site kept open by a session, whose every update is checked against a full build.
pub struct Desk {
    site: tempfile::TempDir,
    out: tempfile::TempDir,
    session: Session,
}

impl Desk {
    fn open() -> Desk {
        Desk::of(copy_fixture("basic"))
    }

    /// A session over `site`, built once.
    pub fn of(site: tempfile::TempDir) -> Desk {
        let out = tempfile::tempdir().unwrap();
        let mut session = Session::open(options(site.path(), &out.path().join("site")), true);
        session.build().expect("the fixture builds");
        Desk { site, out, session }
    }

    /// The folder the session writes.
    pub fn output(&self) -> PathBuf {
        self.out.path().join("site")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.site.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn edit(&self, rel: &str, from: &str, to: &str) -> PathBuf {
        let p = self.path(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
        p
    }

    fn update(&mut self, changed: &[PathBuf]) -> Result<BuildReport, String> {
        let changes = self.session.classify(changed);
        self.session.update(&changes).map_err(|f| {
            f.diagnostics
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    /// Updates, and asserts the output equals a full build of the site as it is now.
    pub fn step(&mut self, what: &str, changed: &[PathBuf]) -> BuildReport {
        let report = self
            .update(changed)
            .unwrap_or_else(|e| panic!("{what}: update failed:\n{e}"));
        let full = tempfile::tempdir().unwrap();
        briefing::build(&options(self.site.path(), full.path()))
            .unwrap_or_else(|_| panic!("{what}: the full build failed"));
        let (got, want) = (tree(&self.out.path().join("site")), tree(full.path()));
        let got_paths: Vec<&String> = got.keys().collect();
        let want_paths: Vec<&String> = want.keys().collect();
        assert_eq!(got_paths, want_paths, "{what}: different files");
        for (path, bytes) in &want {
            assert!(
                got[path] == *bytes,
                "{what}: {path} differs from a full build:\n--- incremental\n{}\n--- full\n{}",
                String::from_utf8_lossy(&got[path]),
                String::from_utf8_lossy(bytes)
            );
        }
        report
    }
}

fn options(root: &Path, out: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        write: true,
        ..Default::default()
    }
}

fn pages(report: &BuildReport) -> usize {
    report.pages.values().sum()
}

const NEW: &str = "---\ntitle: A new briefing\ndate: 2017-07-11\nsource: Reuters\nactors: [Bashar al-Assad, U.S.]\ntags: [syria]\n---\nIt links [[Vladimir Putin]] and [the first](2017-07-06-first.md#background).\n";

#[test]
fn every_edit_gives_what_a_full_build_gives() {
    let mut desk = Desk::open();

    let p = desk.edit(
        "content/2017-07-06-first.md",
        "Second paragraph.",
        "Second paragraph, edited.",
    );
    let r = desk.step("a body edit", &[p]);
    assert_eq!((r.bodies, r.pages.get("article")), (1, Some(&1)), "{r:?}");
    assert_eq!(r.files, 0, "{r:?}");
    let stages: Vec<&str> = r.stages.iter().map(|(s, ..)| *s).collect();
    assert!(
        !stages.contains(&"model"),
        "a body edit is applied to the kept model: {stages:?}"
    );

    let p = desk.edit(
        "content/2017-07-06-first.md",
        "First <b>briefing</b>",
        "First, retitled",
    );
    let r = desk.step("a title edit", &[p]);
    assert!(
        r.pages["term"] >= 4,
        "the article's term pages show its title: {r:?}"
    );

    let p = desk.write("content/2017-07-11-new.md", NEW);
    desk.step("a new article with links", &[p]);

    // The renamed file changes the first article's URL: both articles linking to it
    // (the bundle and the new one) must be rendered again.
    let (from, to) = (
        desk.path("content/2017-07-06-first.md"),
        desk.path("content/2017-07-06-renamed.md"),
    );
    std::fs::rename(&from, &to).unwrap();
    let r = desk.step("a rename", &[from, to]);
    assert_eq!(r.removed, 1, "the old page goes: {r:?}");

    // A wikilink to an actor nobody names yet resolves once an article names them.
    let p = desk.write(
        "content/deep/er/2017-07-07-second.md",
        "---\ntitle: Second\ndate: 2017-07-07\nsource: AP\n---\nAbout [[Recep Erdoğan]].\n",
    );
    desk.step("a wikilink to nobody", &[p]);
    let p = desk.edit("content/2017-07-11-new.md", "U.S.]", "U.S., Recep Erdoğan]");
    desk.step("the actor appears", &[p]);

    let svg = desk.path("content/2017-07-09-bundle/map.svg");
    std::fs::remove_file(&svg).unwrap();
    let css = desk.write("static/extra.css", "p { color: red }");
    let robots = desk.path("static/robots.txt");
    std::fs::remove_file(&robots).unwrap();
    desk.step("files added and removed", &[svg, css, robots]);

    let t = desk.write(
        "templates/article.html",
        "{% extends \"theme/article.html\" %}{% block title %}Briefing: {{ page.title }}{% endblock %}",
    );
    let r = desk.step("a template override", std::slice::from_ref(&t));
    assert_eq!(r.bodies, 0, "a template change renders no Markdown: {r:?}");
    std::fs::remove_file(&t).unwrap();
    desk.step("the override removed", &[t]);

    // A profile whose aliases take over a term: its page moves, and the bodies that
    // link it are rendered again.
    let profile = desk.write(
        "content/actors/united-states.md",
        "---\nname: United States\naliases: [U.S., US]\n---\nA profile.\n",
    );
    desk.step("a profile with aliases", std::slice::from_ref(&profile));
    desk.edit("content/actors/united-states.md", "A profile.", "Edited.");
    desk.step("a profile edited", std::slice::from_ref(&profile));
    std::fs::remove_file(&profile).unwrap();
    desk.step("a profile removed", &[profile]);

    // An actor's name changes spelling: the article that only mentions it (its
    // structured data names it) must follow. (Regression: its fingerprint missed it.)
    let named = desk.write(
        "content/2017-07-12-names.md",
        "---\ntitle: Names\ndate: 2017-07-12\nsource: AP\nactors: [Foo Bar]\n---\nText.\n",
    );
    let mentions = desk.write(
        "content/2017-07-12-mentions.md",
        "---\ntitle: Mentions\ndate: 2017-07-12\nsource: AP\n---\nAbout [[Foo Bar]].\n",
    );
    desk.step("an article mentioning an actor", &[named.clone(), mentions]);
    desk.edit("content/2017-07-12-names.md", "[Foo Bar]", "[FOO BAR]");
    desk.step("the actor respelled", &[named]);

    // Bylines: the first author gives the site its /authors/ pages and nav link; a
    // profile and a change of spelling reach every page that shows the author.
    let p = desk.edit(
        "content/2017-07-12-names.md",
        "actors: [FOO BAR]",
        "actors: [FOO BAR]\nauthors: [Jane Doe]",
    );
    desk.step("an author named", std::slice::from_ref(&p));
    let jane = desk.write(
        "content/authors/jane-doe.md",
        "---\nname: Jane Doe\nrole: Correspondent\nemail: jane@example.org\n---\nJane writes.\n",
    );
    desk.step("an author's profile", std::slice::from_ref(&jane));
    desk.edit(
        "content/2017-07-12-names.md",
        "[Jane Doe]",
        "[JANE DOE, John Roe]",
    );
    desk.step("a second author", &[p]);

    let p = desk.edit("site.toml", "Test Desk", "Night Desk");
    let r = desk.step("a config edit", &[p]);
    assert_eq!(r.bodies, 0, "{r:?}");

    // Every article without `authors` takes the site's default author.
    let p = desk.edit(
        "site.toml",
        "Night Desk\"",
        "Night Desk\"\ndefault_author = \"The Night Desk\"",
    );
    desk.step("a default author", &[p]);

    // The life of an article (issue 22): each field a preview must follow.
    let names = "content/2017-07-12-names.md";
    let p = desk.edit(
        names,
        "date: 2017-07-12\n",
        "date: 2017-07-12\nupdated: 2017-07-13T09:00:00Z\n",
    );
    desk.step("an update", std::slice::from_ref(&p));
    // The same instant at another offset: the preview's `modified_time` shows it.
    let p = desk.edit(names, "2017-07-13T09:00:00Z", "2017-07-13T11:00:00+02:00");
    desk.step("an update's offset", std::slice::from_ref(&p));
    let p = desk.edit(names, "2017-07-13T11:00:00+02:00", "2017-07-13T09:00:00Z");
    desk.step("and back", std::slice::from_ref(&p));
    // The same for the publication date, which many more pages show: at this offset
    // the same instant falls on the next day, so its edition and month change too.
    let p = desk.edit(names, "date: 2017-07-12\n", "date: 2017-07-12T23:30:00Z\n");
    desk.step("a time of publication", std::slice::from_ref(&p));
    let p = desk.edit(names, "2017-07-12T23:30:00Z", "2017-07-13T01:30:00+02:00");
    desk.step("its offset", std::slice::from_ref(&p));
    let p = desk.edit(
        names,
        "date: 2017-07-13T01:30:00+02:00\n",
        "date: 2017-07-12\n",
    );
    desk.step("a day again", std::slice::from_ref(&p));
    let p = desk.edit(
        names,
        "updated: 2017-07-13T09:00:00Z\n",
        "updated: 2017-07-13T09:00:00Z\ncorrections:\n  - date: 2017-07-14\n    text: It was wrong.\n",
    );
    desk.step("a correction", std::slice::from_ref(&p));
    let p = desk.edit(names, "It was wrong.", "It was *quite* wrong.");
    desk.step("a correction reworded", std::slice::from_ref(&p));
    let p = desk.edit(
        names,
        "corrections:",
        "aliases: [articles/old-names/]\ncorrections:",
    );
    desk.step("an alias", std::slice::from_ref(&p));
    let own = desk.write("static/_redirects", "/feed /atom.xml 301\n");
    desk.step("the site's own redirects", &[own]);
    let p = desk.edit(names, "articles/old-names/", "2017/07/12/names.html");
    desk.step("an alias changed", std::slice::from_ref(&p));
    let p = desk.edit(names, "aliases:", "weight: 1\naliases:");
    desk.step("a weight", std::slice::from_ref(&p));
    let p = desk.edit(
        names,
        "weight: 1\n",
        "weight: 1\nwithdrawn:\n  date: 2017-07-15\n  reason: Legal.\n",
    );
    let r = desk.step("withdrawn", std::slice::from_ref(&p));
    assert!(r.pages.contains_key("withdrawn"), "{r:?}");
    let p = desk.edit(
        names,
        "withdrawn:\n  date: 2017-07-15\n  reason: Legal.\n",
        "",
    );
    desk.step("restored", std::slice::from_ref(&p));
    let p = desk.edit(names, "weight: 1\n", "weight: 1\nexpires: 2017-07-20\n");
    desk.step("expired", std::slice::from_ref(&p));
    let p = desk.edit(names, "expires: 2017-07-20\n", "");
    desk.step("no longer expired", std::slice::from_ref(&p));
    let later = desk.write(
        "content/2099-01-01-later.md",
        "---\ntitle: Later\ndate: 2099-01-01\nsource: AP\ntags: [later-only]\n---\nLater.\n",
    );
    desk.step("a scheduled article", std::slice::from_ref(&later));
    std::fs::remove_file(&later).unwrap();
    desk.step("the scheduled article removed", &[later]);

    // Paginated lists: an edit reaches only the pages that show the article, and a
    // new or removed article moves every later one to another page.
    let p = desk.edit("site.toml", "Night Desk\"", "Night Desk\"\npaginate_by = 2");
    desk.step("pagination turned on", &[p]);
    let p = desk.edit(
        "content/2017-07-06-renamed.md",
        "First, retitled",
        "First, retitled again",
    );
    desk.step("a title edit on a later page", &[p]);
    let p = desk.write(
        "content/2017-07-12-top.md",
        "---\ntitle: Top\ndate: 2017-07-12\nsource: AP\ntags: [syria]\n---\nNewest.\n",
    );
    desk.step("a new article shifts the pages", std::slice::from_ref(&p));
    std::fs::remove_file(&p).unwrap();
    let r = desk.step("and its removal", &[p]);
    assert!(r.removed >= 1, "a page of a list goes: {r:?}");

    let p = desk.edit(
        "content/2017-07-11-new.md",
        "actors: [Bashar",
        "actors: [[Bashar",
    );
    let before = tree(&desk.out.path().join("site"));
    let e = desk.update(&[p]).expect_err("broken YAML fails");
    assert!(e.contains("content/2017-07-11-new.md:5:"), "{e}");
    assert_eq!(
        tree(&desk.out.path().join("site")),
        before,
        "a failed update writes nothing"
    );
    let p = desk.edit(
        "content/2017-07-11-new.md",
        "actors: [[Bashar",
        "actors: [Bashar",
    );
    desk.step("the fix", &[p]);

    let p = desk.edit(
        "content/2017-07-11-new.md",
        "tags: [syria]",
        "tags: [syria]\ndraft: true",
    );
    desk.step("made a draft", &[p]);

    let deep = desk.path("content/deep");
    std::fs::remove_dir_all(&deep).unwrap();
    desk.step("a folder deleted", &[deep]);

    // Editors' scratch files and hidden files change nothing.
    let swap = desk.write("content/.2017-07-09-x.md.swp", "junk");
    let backup = desk.write("content/2017-07-06-renamed.md~", "junk");
    let changes = desk
        .session
        .classify(&[swap, backup, desk.path("public/index.html")]);
    assert!(changes.is_empty(), "{changes:?}");
    let r = desk.step("nothing", &[]);
    assert_eq!((pages(&r), r.files, r.removed), (0, 0, 0), "{r:?}");
}

#[test]
fn a_site_that_starts_broken_builds_in_full_once_fixed() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    let bad = site.path().join("content/2017-07-06-first.md");
    let good = std::fs::read_to_string(&bad).unwrap();
    std::fs::write(&bad, good.replace("date: 2017-07-06", "date: 2017-02-30")).unwrap();
    let mut session = Session::open(options(site.path(), &target), true);
    assert!(session.build().is_err());
    assert!(!target.exists());
    std::fs::write(&bad, &good).unwrap();
    let changes = session.classify(&[bad]);
    session.update(&changes).expect("fixed");
    let full = tempfile::tempdir().unwrap();
    briefing::build(&options(site.path(), full.path())).unwrap();
    assert_eq!(tree(&target), tree(full.path()));
}

#[test]
fn an_output_folder_removed_from_under_a_session_is_built_again_in_full() {
    let mut desk = Desk::open();
    std::fs::remove_dir_all(desk.out.path().join("site")).unwrap();
    let p = desk.edit(
        "content/2017-07-06-first.md",
        "Second paragraph.",
        "Rebuilt paragraph.",
    );
    let r = desk.step("the output removed", &[p]);
    assert!(r.pages["article"] > 1, "a full build, not one page: {r:?}");
}

/// A list page shows how many articles its list holds: an old article that joins
/// the last page changes the count on every page before it, whose articles stay.
#[test]
fn an_old_article_on_a_later_page_updates_the_count_on_every_page() {
    let mut desk = Desk::open();
    let config = desk.edit("site.toml", "title = ", "paginate_by = 2\ntitle = ");
    let template = desk.write(
        "templates/partials/paginator.html",
        "<p class=\"count\">{{ paginator.articles }} articles</p>\n",
    );
    desk.step("paginated, with the count shown", &[config, template]);
    let index = desk.out.path().join("site/actors/us/index.html");
    let home = || std::fs::read_to_string(&index).unwrap();
    let before = home();
    let old = desk.write(
        "content/2017-06-01-old.md",
        "---\ntitle: An old briefing\ndate: 2017-06-01\nsource: Reuters\nactors: [U.S.]\n---\nOld news.\n",
    );
    let r = desk.step("an old article on the last page", &[old]);
    let after = home();
    assert_ne!(before, after, "the first page's count changed: {r:?}");
    let count = |html: &str| {
        html.split("<p class=\"count\">")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .expect("the count")
    };
    assert_eq!(count(&after), count(&before) + 1, "{before}");
}

#[test]
fn an_edit_renders_again_its_edition_and_its_email_and_says_when_the_message_changed() {
    let mut desk = Desk::open();
    let p = desk.write(
        "site.toml",
        "title = \"Test Desk\"\nbase_url = \"https://example.org/briefings/\"\n[editions]\nfrom = \"Desk <desk@example.org>\"\nto = \"Readers <readers@example.org>\"\n",
    );
    let r = desk.step("editions sent as email", &[p]);
    assert_eq!(r.editions.len(), 4, "every message is new: {r:?}");

    // A body edit that changes the summary (its first paragraph).
    let p = desk.edit(
        "content/2017-07-06-first.md",
        "The first paragraph,",
        "The first paragraph, edited,",
    );
    let r = desk.step("a summary edit", &[p]);
    assert_eq!(r.pages.get("edition"), Some(&1), "{r:?}");
    assert_eq!(r.pages.get("email"), Some(&3), "{r:?}");
    let days: Vec<(&str, bool)> = r.editions.iter().map(|e| (e.day.as_str(), e.new)).collect();
    assert_eq!(days, [("2017-07-06", false)]);

    // A later paragraph: the edition's template could show the word count, so it is
    // rendered again, but in summaries its message is the same bytes, and no edition
    // is said to have changed.
    let p = desk.edit(
        "content/2017-07-06-first.md",
        "Second paragraph.",
        "Second paragraph, edited.",
    );
    let r = desk.step("a body edit past the summary", &[p]);
    assert_eq!(r.editions, [], "{r:?}");
}

#[test]
fn quotes_and_the_shortcode_templates_update_like_a_full_build() {
    let mut desk = Desk::open();
    let p = desk.edit(
        "content/2017-07-06-first.md",
        "## Background",
        "{% quote(actor=\"Vladimir Putin\", source=\"TASS\", date=\"2017-07-07\") %}\nWe agreed.\n{% end %}\n\n## Background",
    );
    let r = desk.step("a quote added to a body", &[p]);
    assert!(
        r.pages.get("term") >= Some(&1),
        "the actor's page lists it: {r:?}"
    );
    let actor = crate::support::read(
        &desk.out.path().join("site"),
        "actors/vladimir-putin/index.html",
    );
    assert!(actor.contains("<p>We agreed.</p>"), "{actor}");

    let p = desk.edit(
        "content/2017-07-06-first.md",
        "We agreed.",
        "We agreed on a ceasefire.",
    );
    desk.step("the quote edited", &[p]);

    let t = desk.write(
        "templates/shortcodes/quote.html",
        "{% component quote(actor: string, source: string = \"\", date: string = \"\", url: string = \"\", @actor_url = \"\", @id = \"\") {\"block\": true} %}<blockquote class=\"mine\" id=\"{{ id }}\">{{ body }}</blockquote>{% endcomponent quote %}",
    );
    desk.step("the quote's template replaced", &[t]);
    let page = crate::support::read(&desk.out.path().join("site"), "articles/first/index.html");
    assert!(
        page.contains("<blockquote class=\"mine\" id=\"quote-1\">"),
        "{page}"
    );

    let p = desk.edit(
        "content/2017-07-06-first.md",
        "{% quote(actor=\"Vladimir Putin\", source=\"TASS\", date=\"2017-07-07\") %}\nWe agreed on a ceasefire.\n{% end %}\n",
        "",
    );
    desk.step("the quote removed", &[p]);
    let actor = crate::support::read(
        &desk.out.path().join("site"),
        "actors/vladimir-putin/index.html",
    );
    assert!(!actor.contains("What they said"), "{actor}");
}

#[test]
fn a_figure_whose_image_is_added_afterwards_builds_once_it_is_there() {
    let mut desk = Desk::open();
    let p = desk.edit(
        "content/2017-07-06-first.md",
        "## Background",
        "{{ figure(src=\"/late.svg\", alt=\"Late\", credit=\"Desk\") }}\n\n## Background",
    );
    let e = desk.update(&[p]).expect_err("the image is not there yet");
    assert!(e.contains("`src`: no file \"/late.svg\""), "{e}");
    let svg = desk.write(
        "static/late.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>",
    );
    desk.step("the image added to static/", &[svg]);
    let page = crate::support::read(&desk.out.path().join("site"), "articles/first/index.html");
    assert!(
        page.contains("<img src=\"../../late.svg\" alt=\"Late\">"),
        "{page}"
    );
}
