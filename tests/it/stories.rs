//! Running stories (issue 24, part 3): `story:` names a story, a fifth taxonomy;
//! `/stories/<slug>/` is its timeline, oldest first, by day; each article shows "the
//! story so far"; each story has its feeds.

use crate::incremental::Desk;
use crate::support::{run_in, site_of};
use scraper::{ElementRef, Html, Selector};
use std::path::Path;

const SITE: &str =
    "title = \"Desk\"\nbase_url = \"https://example.org/\"\ntimezone = \"Europe/Berlin\"\n";

/// An article of the story "Syria ceasefire", on `date`, with key points.
fn part(slug: &str, date: &str, title: &str, points: &str) -> (String, String) {
    (
        format!("content/{slug}.md"),
        format!(
            "---\ntitle: {title}\ndate: {date}\nsource: AP\nstory: Syria ceasefire\nactors: [Vladimir Putin, Donald Trump]\nkey_points: [{points}]\n---\nOn {title}.\n"
        ),
    )
}

/// Seven articles of the story over five days (two on 6 July, two on 7 July), one
/// article of no story, and the story's profile.
fn files() -> Vec<(String, String)> {
    let mut files = vec![
        part("a", "2017-07-01", "Talks announced", "\"Talks set\""),
        part("b", "2017-07-03", "Delegations arrive", ""),
        part("c", "2017-07-05", "First round", "\"No deal\""),
        part(
            "d",
            "2017-07-06T09:15:00+02:00",
            "Morning session",
            "\"Maps\", \"Monitors\"",
        ),
        part("e", "2017-07-06T18:40:00+02:00", "Evening session", ""),
        part(
            "f",
            "2017-07-07",
            "Ceasefire agreed",
            "\"From noon on Sunday\"",
        ),
        part("g", "2017-07-07T21:00:00+02:00", "Reactions", ""),
    ];
    files.push((
        "content/other.md".into(),
        "---\ntitle: Elsewhere\ndate: 2017-07-07\nsource: AP\nactors: [Angela Merkel]\n---\nOther.\n".into(),
    ));
    files.push((
        "content/stories/syria-ceasefire.md".into(),
        "---\nname: Syria ceasefire\ndescription: The truce in the south-west.\n---\nBrokered in Hamburg.\n".into(),
    ));
    files
}

fn site(settings: &str) -> tempfile::TempDir {
    let files = files();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    site_of(&format!("{SITE}{settings}"), &files)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join("public").join(rel))
        .unwrap_or_else(|e| panic!("public/{rel}: {e}"))
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn text(e: &ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A timeline page as (day, [entry heading, its points or summary]).
fn timeline(page: &str) -> Vec<(String, Vec<String>)> {
    let doc = Html::parse_document(page);
    let days = select(&doc, ".timeline-day");
    let lists = select(&doc, ".timeline-entries");
    assert_eq!(days.len(), lists.len());
    days.iter()
        .zip(lists)
        .map(|(day, list)| {
            let entries = list
                .select(&Selector::parse(".timeline-entry").unwrap())
                .map(|e| text(&e))
                .collect();
            (text(day), entries)
        })
        .collect()
}

#[test]
fn a_story_page_is_a_timeline_oldest_first_by_day() {
    let site = site("");
    let root = site.path();
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let page = read(root, "stories/syria-ceasefire/index.html");
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        timeline(&page),
        vec![
            (
                "Saturday 1 July 2017".into(),
                s(&["Talks announced Talks set"])
            ),
            (
                "Monday 3 July 2017".into(),
                s(&["Delegations arrive On Delegations arrive."])
            ),
            ("Wednesday 5 July 2017".into(), s(&["First round No deal"])),
            (
                "Thursday 6 July 2017".into(),
                s(&[
                    "09:15 Morning session Maps Monitors",
                    "18:40 Evening session On Evening session."
                ])
            ),
            (
                "Friday 7 July 2017".into(),
                s(&[
                    "Ceasefire agreed From noon on Sunday",
                    "21:00 Reactions On Reactions."
                ])
            ),
        ]
    );
    let doc = Html::parse_document(&page);
    let links: Vec<&str> = select(&doc, ".timeline-day a, .timeline-entry a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .take(3)
        .collect();
    assert_eq!(
        links,
        [
            "../../editions/2017-07-01/",
            "../../articles/a/",
            "../../editions/2017-07-03/"
        ]
    );
    // The profile, and the actors most named in the story.
    assert_eq!(
        select(&doc, ".profile-lede")
            .iter()
            .map(text)
            .collect::<Vec<_>>(),
        ["The truce in the south-west."]
    );
    assert_eq!(
        select(&doc, ".connections li")
            .iter()
            .map(text)
            .collect::<Vec<_>>(),
        ["Donald Trump 7", "Vladimir Putin 7"]
    );
    assert_eq!(
        select(&doc, "#briefings-heading")
            .iter()
            .map(text)
            .collect::<Vec<_>>(),
        ["Timeline: 7 briefings, oldest first"]
    );

    // The list of stories, and the navigation.
    let stories = read(root, "stories/index.html");
    let doc = Html::parse_document(&stories);
    assert_eq!(
        select(&doc, ".term-list li")
            .iter()
            .map(text)
            .collect::<Vec<_>>(),
        ["Syria ceasefire 7 briefings, latest 7 July 2017"]
    );
    assert_eq!(
        select(&doc, ".site-nav a[aria-current=page]")
            .iter()
            .map(text)
            .collect::<Vec<_>>(),
        ["Stories"]
    );
    let sitemap = read(root, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/stories/syria-ceasefire/</loc>"));
}

#[test]
fn a_long_story_is_paginated_oldest_first() {
    let site = site("paginate_by = 3\n");
    let root = site.path();
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let titles = |rel: &str| {
        let page = read(root, rel);
        let doc = Html::parse_document(&page);
        select(&doc, ".timeline-entry h4 a")
            .iter()
            .map(text)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        titles("stories/syria-ceasefire/index.html"),
        ["Talks announced", "Delegations arrive", "First round"]
    );
    assert_eq!(
        titles("stories/syria-ceasefire/page/2/index.html"),
        ["Morning session", "Evening session", "Ceasefire agreed"]
    );
    assert_eq!(
        titles("stories/syria-ceasefire/page/3/index.html"),
        ["Reactions"]
    );
}

#[test]
fn every_article_of_a_story_shows_the_five_before_it() {
    let site = site("");
    let root = site.path();
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let so_far = |slug: &str| {
        let page = read(root, &format!("articles/{slug}/index.html"));
        let doc = Html::parse_document(&page);
        let aside = select(&doc, "aside.story-so-far");
        let entries: Vec<(String, String)> = select(&doc, "aside.story-so-far li")
            .iter()
            .map(|li| {
                let a = li.select(&Selector::parse("a").unwrap()).next().unwrap();
                (text(li), a.value().attr("href").unwrap().to_string())
            })
            .collect();
        (aside.iter().map(text).collect::<Vec<_>>(), entries)
    };
    // The newest: the five just before it, oldest first, and how many more.
    let (aside, entries) = so_far("g");
    assert_eq!(
        entries,
        [
            ("Delegations arrive 3 July 2017", "../../articles/b/"),
            ("First round 5 July 2017", "../../articles/c/"),
            ("Morning session 6 July 2017", "../../articles/d/"),
            ("Evening session 6 July 2017", "../../articles/e/"),
            ("Ceasefire agreed 7 July 2017", "../../articles/f/"),
        ]
        .map(|(t, u)| (t.to_string(), u.to_string()))
    );
    assert!(
        aside[0].starts_with("The story so far: Syria ceasefire")
            && aside[0].ends_with("The whole timeline (7 briefings; 1 more before these)"),
        "{aside:?}"
    );
    // The third: the two before it.
    let (aside, entries) = so_far("c");
    assert_eq!(entries.len(), 2);
    assert!(
        aside[0].ends_with("The whole timeline (7 briefings)"),
        "{aside:?}"
    );
    // The first: none before it.
    let (aside, entries) = so_far("a");
    assert!(entries.is_empty());
    assert_eq!(
        aside,
        ["The story so far: Syria ceasefire This is the story's first briefing. The whole timeline (7 briefings)"]
    );
    // An article of no story has no such box.
    assert_eq!(so_far("other"), (vec![], vec![]));
}

#[test]
fn a_story_has_its_feeds_in_every_format() {
    let site = site("[feeds]\nfull_text_terms = true\n");
    let root = site.path();
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let atom = read(root, "stories/syria-ceasefire/atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title")))
        .filter_map(|t| t.text())
        .collect();
    // A feed is newest first, as every feed is.
    assert_eq!(titles.first(), Some(&"Reactions"));
    assert_eq!(titles.len(), 7);
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("content"))
            .count(),
        7,
        "full_text_terms puts bodies in a story's feed"
    );
    let rss = read(root, "stories/syria-ceasefire/rss.xml");
    let doc = roxmltree::Document::parse(&rss).unwrap();
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("item")).count(),
        7
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(root, "stories/syria-ceasefire/feed.json")).unwrap();
    assert_eq!(json["title"], "Desk: Syria ceasefire");
    assert_eq!(json["items"].as_array().unwrap().len(), 7);
    assert_eq!(json["items"][0]["title"], "Reactions");
    // The story's page links them.
    let page = read(root, "stories/syria-ceasefire/index.html");
    assert!(page.contains("href=\"../../stories/syria-ceasefire/feed.json\""));
}

#[test]
fn an_article_filed_under_stories_is_an_error_saying_the_folder_holds_profiles() {
    let site = site_of(
        SITE,
        &[(
            "content/stories/talks.md",
            "---\ntitle: Talks\ndate: 2017-07-06\nsource: AP\nactors: [Putin]\n---\nTalks.\n",
        )],
    );
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: content/stories/talks.md:2:1: content/stories/ holds story profiles, not articles, and this file has an article's keys (`title`, `date`, `source`, `actors`)
  |
2 | title: Talks
  | ^^^^^
  |
  = help: move the article out of content/stories/ (any other folder of content/ will do); a profile has `name:` and no `title:`, `date:` or `source:`
error: build failed with 1 error
"
    );
}

#[test]
fn adding_removing_and_retitling_articles_of_a_story_updates_as_a_full_build_does() {
    let mut desk = Desk::of(site(""));
    // The timeline shows the summary of a briefing without key points: a body edit
    // (the quick path) changes it.
    let p = desk.edit(
        "content/b.md",
        "On Delegations arrive.",
        "Delegations arrive in Astana.",
    );
    let r = desk.step("the first paragraph of a story's article edited", &[p]);
    assert_eq!(r.pages.get("story"), Some(&1), "{r:?}");
    let p = desk.edit(
        "content/c.md",
        "title: First round",
        "title: First round of talks",
    );
    desk.step("an older article of the story retitled", &[p]);
    let (path, text) = part(
        "h",
        "2017-07-08",
        "Monitors deploy",
        "\"Russian military police\"",
    );
    let p = desk.write(&path, &text);
    desk.step("an article added to the story", &[p]);
    let p = desk.path("content/e.md");
    std::fs::remove_file(&p).unwrap();
    desk.step("an article of the story deleted", &[p]);
    let p = desk.edit("content/f.md", "story: Syria ceasefire\n", "");
    desk.step("an article taken out of the story", &[p]);
    let p = desk.edit(
        "content/d.md",
        "key_points: [\"Maps\", \"Monitors\"]",
        "key_points: [\"Maps\"]",
    );
    desk.step("key points of a story's article edited", &[p]);
    let p = desk.edit(
        "content/other.md",
        "actors:",
        "story: Syria ceasefire\nactors:",
    );
    desk.step("an article joins the story", &[p]);
    let p = desk.path("content/stories/syria-ceasefire.md");
    std::fs::remove_file(&p).unwrap();
    desk.step("the story's profile deleted", &[p]);
}

/// Regression (found in review): `story.html` extended `term.html`, so a site with a
/// `term.html` of its own, without the `articles` block, could not build at all.
#[test]
fn a_site_with_its_own_term_template_still_has_timelines() {
    let site = site("");
    let root = site.path();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/term.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>{{ term.name }}</h1>{% include \"partials/article_list.html\" %}{% endblock content %}",
    )
    .unwrap();
    let (code, _, stderr) = run_in(root, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let page = read(root, "stories/syria-ceasefire/index.html");
    assert_eq!(timeline(&page).len(), 5);
}
