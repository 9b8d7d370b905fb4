//! Annotations, actors and sources, through a whole build of the `annotations`
//! fixture: notes, callouts, profiles with aliases, connections, related briefings,
//! structured data, and the warnings of each.

use crate::support::{build, fixture, read};

fn built() -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(&fixture("annotations"), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    (out, stderr)
}

/// The JSON-LD of a page, parsed.
fn json_ld(page: &str) -> serde_json::Value {
    let start = page
        .find(r#"<script type="application/ld+json">"#)
        .expect("the page has JSON-LD")
        + 35;
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).expect("the JSON-LD parses")
}

#[test]
fn every_warning_names_its_file_and_line() {
    let (_, stderr) = built();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning"))
        .collect();
    assert_eq!(
        warnings,
        vec![
            "warning: content/actors/lavrov.md:2:7: name \"Sergei Lavrov\" has the slug `sergei-lavrov`, not `lavrov`: rename the file to actors/sergei-lavrov.md",
            "warning: content/actors/nobody-named.md:2:7: no article names \"Nobody Named\" or any of its aliases, so this profile has no page",
            "warning: content/2017-07-06-offer.md:11:1: wikilink [[Nobody Known]]: no actor of that name or alias is named by any article",
            "warning: content/2017-07-06-offer.md:16:60: note [^missing] is referenced but never defined",
            "warning: content/2017-07-06-offer.md:24:1: note [^orphan] is defined but never referenced, so it is not shown",
        ]
    );
}

#[test]
fn an_alias_counts_for_the_actor_and_the_profile_shows_on_its_page() {
    let (out, _) = built();
    assert!(
        !out.path().join("actors/putin").exists(),
        "Putin is an alias, not an actor"
    );
    assert!(!out.path().join("actors/nobody-named").exists());
    let putin = read(out.path(), "actors/vladimir-putin/index.html");
    for expected in [
        // The country once: the role names it (issue 21).
        r#"<p class="profile-lede">President of Russia</p>"#,
        "<p>A <em>short</em> profile.</p>",
        "<dt>Also known as</dt><dd>Putin</dd>",
        r#"<dd><a href="https://www.wikidata.org/wiki/Q7747">Q7747</a></dd>"#,
        r#"<h2 class="list-heading" id="briefings-heading">2 briefings</h2>"#,
        // Connections: the actors named alongside, with counts.
        r#"<li><a href="../../actors/donald-trump/">Donald Trump <span class="chip-count">1</span></a></li><li><a href="../../actors/sergei-lavrov/">Sergei Lavrov <span class="chip-count">1</span></a></li>"#,
    ] {
        assert!(putin.contains(expected), "{expected}\n{putin}");
    }
    let ld = json_ld(&putin);
    assert_eq!(ld["@type"], "CollectionPage");
    assert_eq!(ld["about"]["@type"], "Person");
    assert_eq!(
        ld["about"]["sameAs"][0],
        "https://www.wikidata.org/wiki/Q7747"
    );
    // A profile in a misnamed file still describes its actor.
    let lavrov = read(out.path(), "actors/sergei-lavrov/index.html");
    assert!(lavrov.contains("Foreign Minister of Russia"), "{lavrov}");
    let reuters = read(out.path(), "sources/reuters/index.html");
    assert!(
        reuters.contains("<p class=\"profile-lede\">A news agency.</p>"),
        "{reuters}"
    );
    assert!(reuters.contains("Actors in these briefings"), "{reuters}");
}

#[test]
fn articles_link_actors_show_notes_and_callouts_and_list_related_briefings() {
    let (out, _) = built();
    let offer = read(out.path(), "articles/offer/index.html");
    for expected in [
        // The first plain mention through an alias, then a wikilink through an alias;
        // `Trump` is no name of Donald Trump's (he has no profile with aliases).
        r#"<p><a href="../../actors/vladimir-putin/">Putin</a> heard the offer"#,
        r#"before meeting Trump; <a href="../../actors/vladimir-putin/">the Kremlin</a> said little."#,
        // The callout's configured title.
        "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Background briefing</p>",
        r#"<span class="note note-context">"#,
        r#"<span class="note-p">Second paragraph.</span>"#,
        r#"<li id="note-2" class="note-fact-check">"#,
        r##"<sup class="note-ref note-again"><a id="ref-1-2" href="#note-1" role="doc-noteref">1</a></sup>"##,
        " min read · 2 notes: 1 context, 1 fact-check\n",
    ] {
        assert!(offer.contains(expected), "{expected}\n{offer}");
    }
    assert!(
        !offer.contains("Never referenced"),
        "an orphan note is not shown"
    );
    let related = &offer[offer.find("Related briefings").expect("related briefings")..];
    let later = related.find("../../articles/later/").unwrap();
    let meeting = related.find("../../articles/meeting/").unwrap();
    assert!(later < meeting, "related briefings are newest first");

    let ld = json_ld(&offer);
    // Keys in the order of their bytes at every level (serde_json's maps sort them):
    // the JSON-LD is written from structs whose fields keep that order, so a page's
    // text does not change with how it is made.
    let text = &offer[offer
        .find(r#"<script type="application/ld+json">"#)
        .unwrap()
        + 35..];
    let text = &text[..text.find("</script>").unwrap()];
    assert_eq!(
        briefing::text::json_html_safe(serde_json::to_string(&ld).unwrap()),
        text
    );
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "The offer");
    assert_eq!(ld["isBasedOn"]["url"], "https://www.rferl.org/a/offer.html");
    assert_eq!(ld["isBasedOn"]["publisher"]["name"], "RFE/RL");
    let about: Vec<&str> = ld["about"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(about, vec!["Vladimir Putin", "Donald Trump"]);
    assert_eq!(
        ld["about"][0]["sameAs"][0],
        "https://www.wikidata.org/wiki/Q7747"
    );

    let home = read(out.path(), "index.html");
    assert!(home.contains(" · 1 analysis note</p>"), "{home}");
}

#[test]
fn autolinking_can_be_turned_off() {
    let site = crate::support::copy_fixture("annotations");
    let config = site.path().join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("[annotations]\n", "[annotations]\nautolink = false\n"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(site.path(), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let offer = read(out.path(), "articles/offer/index.html");
    assert!(offer.contains("<p>Putin heard the offer"), "{offer}");
    assert!(offer.contains(r#"<a href="../../actors/vladimir-putin/">the Kremlin</a>"#));
}

/// An actor named twice in one article, by name and by alias, is one of its actors:
/// named once, where first named, in its page's structured data and in its card.
#[test]
fn an_actor_named_by_name_and_alias_is_one_actor_of_the_article() {
    let site = crate::support::copy_fixture("annotations");
    let meeting = site.path().join("content/2017-07-07-meeting.md");
    let text = std::fs::read_to_string(&meeting).unwrap();
    std::fs::write(
        &meeting,
        text.replace(
            "actors: [Putin, Sergei Lavrov]",
            "actors: [Putin, Sergei Lavrov, Vladimir Putin]",
        ),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(site.path(), out.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let page = read(out.path(), "articles/meeting/index.html");
    let about: Vec<String> = json_ld(&page)["about"]
        .as_array()
        .expect("the article is about its actors")
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(about, ["Vladimir Putin", "Sergei Lavrov"]);
    let home = read(out.path(), "index.html");
    // The card runs from its title to the next card's.
    let card = &home[home.find(">The meeting</a>").expect("its card")..];
    let card = &card[..card.find("<h3>").unwrap_or(card.len())];
    assert!(card.contains("actors/sergei-lavrov/"), "{card}");
    assert_eq!(card.matches("actors/vladimir-putin/").count(), 1, "{card}");
}
