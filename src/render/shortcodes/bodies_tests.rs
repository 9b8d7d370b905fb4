//! Shortcodes in bodies, rendered by the theme's components through the Markdown pass.

use crate::config::Callouts;
use crate::content::markdown::shortcodes::Place;
use crate::content::markdown::{render, Origin, Rendered, Settings};
use crate::model::links::{ActorRef, Links};
use crate::render::templates::Templates;
use std::path::Path;

struct Site;
impl Links for Site {
    fn actor(&self, name: &str) -> Option<ActorRef> {
        (name == "Rex Tillerson" || name == "Tillerson").then(|| ActorRef {
            href: "../../actors/rex-tillerson/".into(),
            slug: "rex-tillerson".into(),
            names: vec!["Rex Tillerson".into(), "Tillerson".into()],
        })
    }
    fn article(&self, _: &str) -> Option<String> {
        None
    }
}

/// A site folder with `map.png` in the article's bundle, and its templates
/// (the theme's, and `files` under templates/).
fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, Templates) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content/a")).unwrap();
    std::fs::create_dir_all(dir.path().join("static/img")).unwrap();
    std::fs::write(dir.path().join("content/a/map.png"), b"png").unwrap();
    std::fs::write(dir.path().join("static/img/photo.jpg"), b"jpg").unwrap();
    for (name, text) in files {
        let path = dir.path().join("templates").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let templates = Templates::load(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
    (dir, templates)
}

/// Renders `body` in the bundle `a/` (slug `a`); the diagnostics as their first
/// lines, with their help.
fn run_in(body: &str, files: &[(&str, &str)]) -> (Rendered, Vec<String>) {
    let (dir, templates) = site(files);
    let data = serde_json::json!({
        "violations": {"headers": ["Day", "Reported"], "records": [["9 July", "3"], ["10 July", "<5"]]},
        "list": [{"day": "9 July", "n": 3}, {"day": "10 July", "n": null}],
        "note": {"text": "x"},
        "t": {"rows": [{"a": 1}, {"a": 2}]},
    });
    let text = format!("---\ntitle: x\n---\n{body}");
    let origin = Origin {
        path: Path::new("content/a/index.md"),
        text: &text,
        body_offset: 17,
        content_dir: "a",
    };
    let kinds = crate::config::Annotations::default().kinds;
    let callouts = Callouts::default();
    let settings = Settings {
        kinds: &kinds,
        callouts: &callouts,
        autolink: false,
        actors: &[],
        shortcodes: Some(&templates),
        place: Some(Place {
            root: dir.path(),
            bundle: Some(("a", "a")),
            data: Some(&data),
        }),
    };
    let mut diagnostics = Vec::new();
    let r = render(body, &origin, &Site, &settings, &mut diagnostics);
    let said = diagnostics
        .iter()
        .map(|d| {
            let header = d.to_string().lines().next().unwrap().to_string();
            match d.helps.as_slice() {
                [] => header,
                helps => format!("{header} (help: {})", helps.join("; ")),
            }
        })
        .collect();
    (r, said)
}

fn run(body: &str) -> (Rendered, Vec<String>) {
    run_in(body, &[])
}

#[test]
fn a_figure_is_a_block_with_its_caption_and_credit() {
    let (r, said) = run("Before.\n{{ figure(src=\"map.png\", alt=\"The zone\", caption=\"Three provinces\", credit=\"Map: UN OCHA\") }}\nAfter.\n");
    assert!(said.is_empty(), "{said:?}");
    assert_eq!(
        r.html,
        "<p>Before.</p>\n<figure class=\"figure\" id=\"figure-1\">\n  <img src=\"map.png\" alt=\"The zone\">\n  <figcaption>Three provinces <span class=\"credit\">Map: UN OCHA</span></figcaption>\n</figure>\n<p>After.</p>\n"
    );
    assert!(r.shortcodes);
    // A file under static/ is addressed from the article's page.
    let (r, _) = run("{{ figure(src=\"img/photo.jpg\", alt=\"\", credit=\"AP\") }}");
    assert!(
        r.html
            .contains("<img src=\"../../img/photo.jpg\" alt=\"\">"),
        "{}",
        r.html
    );
}

#[test]
fn a_figure_without_credit_is_a_warning() {
    let (r, said) = run("{{ figure(src=\"map.png\", alt=\"The zone\") }}");
    assert_eq!(
        said,
        ["warning: content/a/index.md:4:1: shortcode `figure` has no `credit` (help: say who made the image: credit=\"Photo: …\" (an error with --strict))"]
    );
    assert!(r.html.contains("<figure"));
}

#[test]
fn a_quote_is_attributed_linked_and_listed() {
    let body = "{% quote(actor=\"Tillerson\", source=\"RFE/RL\", date=\"2017-07-07\", url=\"https://www.rferl.org/a/1.html\") %}\nThis is our *first* indication.[^n]\n{% end %}\n\n[^n]: Said in Hamburg.\n";
    let (r, said) = run(body);
    assert!(said.is_empty(), "{said:?}");
    assert!(r.html.starts_with("<figure class=\"pull-quote\" id=\"quote-1\">\n  <blockquote cite=\"https://www.rferl.org/a/1.html\">\n<p>This is our <em>first</em> indication."), "{}", r.html);
    assert!(r.html.contains("<figcaption>— <a class=\"quote-actor\" href=\"../../actors/rex-tillerson/\">Rex Tillerson</a>, <time datetime=\"2017-07-07\">7 July 2017</time>, <a href=\"https://www.rferl.org/a/1.html\">according to RFE/RL</a></figcaption>"), "{}", r.html);
    // The note inside the quote is a note of the article.
    assert_eq!(r.notes.count, 1);
    assert_eq!(r.quotes.len(), 1);
    let q = &r.quotes[0];
    assert_eq!(
        (
            q.actor.as_str(),
            q.id.as_str(),
            q.text.as_str(),
            q.source.as_deref(),
            q.date.as_deref()
        ),
        (
            "rex-tillerson",
            "quote-1",
            "This is our first indication.",
            Some("RFE/RL"),
            Some("2017-07-07")
        )
    );
    assert!(
        q.html
            .starts_with("<p>This is our <em>first</em> indication."),
        "{}",
        q.html
    );
}

#[test]
fn an_embed_is_a_static_card() {
    let (r, said) = run("{{ embed(url=\"https://www.youtube.com/watch?v=x\", title=\"Press conference\", kind=\"video\") }}");
    assert!(said.is_empty(), "{said:?}");
    assert_eq!(
        r.html,
        "<aside class=\"embed embed-video\" id=\"embed-1\" aria-label=\"Video on youtube.com\">\n  <p class=\"embed-kind\">Video · youtube.com</p>\n  <p class=\"embed-title\"><a href=\"https://www.youtube.com/watch?v=x\">Press conference</a></p>\n</aside>\n"
    );
}

#[test]
fn code_is_never_expanded_and_an_escape_writes_a_shortcode_as_text() {
    let body = "`{{ figure() }}`\n\n```\n{{ figure() }}\n{% quote() %}\n```\n\n{{/* figure(src=\"a\") */}}\n";
    let (r, said) = run(body);
    assert!(said.is_empty(), "{said:?}");
    assert_eq!(
        r.html,
        "<p><code>{{ figure() }}</code></p>\n<pre><code>{{ figure() }}\n{% quote() %}\n</code></pre>\n<p>{{ figure(src=“a”) }}</p>\n"
    );
}

#[test]
fn every_mistake_is_an_error_at_its_place() {
    let body = "{{ figur(src=\"map.png\") }}\n\n{{ figure(src=\"map.png\") }}\n\nText {{ figure(src=\"map.png\", alt=\"x\", credit=\"y\") }} more.\n\n{{ figure(src=\"gone.png\", alt=\"x\", credit=\"y\", capton=\"z\") }}\n\n{{ embed(url=\"ftp://x\", title=3, kind=\"vid\") }}\n\n{% quote(actor=\"Nobody\", date=\"7 July\") %}\nx\n{% end %}\n";
    let (_, said) = run(body);
    assert_eq!(
        said,
        [
            "error: content/a/index.md:4:4: unknown shortcode `figur` (help: did you mean `figure`?)",
            "error: content/a/index.md:6:1: shortcode `figure` needs `alt` (help: describe the image for readers who cannot see it, or write alt=\"\" when it only decorates)",
            "warning: content/a/index.md:6:1: shortcode `figure` has no `credit` (help: say who made the image: credit=\"Photo: …\" (an error with --strict))",
            "error: content/a/index.md:8:6: shortcode `figure` makes a block: it must stand alone on its line (help: put it on a line of its own, with a blank line before and after: a block inside a paragraph is not valid HTML)",
            "error: content/a/index.md:10:11: `src`: no file \"gone.png\" (help: looked for content/a/gone.png and static/gone.png)",
            "error: content/a/index.md:10:48: shortcode `figure` has no argument `capton` (help: did you mean `caption`?)",
            "error: content/a/index.md:12:10: `url` of shortcode `embed` must be an http or https address, found \"ftp://x\" (help: write the whole address: url=\"https://…\")",
            "error: content/a/index.md:12:25: `title` of shortcode `embed` expects text (a string), found the number 3 (help: put it in quotes: title=\"…\")",
            "error: content/a/index.md:12:34: `kind` of shortcode `embed` is one of post, statement, video, found text \"vid\" (help: write kind=\"video\")",
            "error: content/a/index.md:14:10: `Nobody` is not an actor of this site (help: name an actor that an article's `actors:` or a profile in content/actors/ names, spelt the same (or one of its aliases))",
            "error: content/a/index.md:14:26: `date` of shortcode `quote` must be a day, found \"7 July\" (help: write it as 2017-07-07)",
        ]
    );
}

#[test]
fn positions_after_a_shortcode_are_the_editors() {
    // The wikilink's warning is at its place in the file, whatever the markers' lengths.
    let (_, said) =
        run("{{ embed(url=\"https://a.org/x\", title=\"T\") }}\n\nSee [[Nobody]] here.\n");
    assert_eq!(
        said,
        ["warning: content/a/index.md:6:5: wikilink [[Nobody]]: no actor of that name or alias is named by any article"]
    );
}

#[test]
fn a_site_adds_a_shortcode_and_replaces_a_builtin() {
    let files = [
        ("shortcodes/figure.html", "{% component figure(src: string, alt: string, @id = \"\") {\"block\": true} %}<img class=\"mine\" src=\"{{ src }}\" alt=\"{{ alt }}\">{% endcomponent figure %}"),
        ("shortcodes/mark.html", "{% component mark(text: string, n: integer = 1) %}<mark>{{ text }}×{{ n }}</mark>{% endcomponent mark %}"),
    ];
    let (r, said) = run_in(
        "A {{ mark(text=\"<b>\", n=2) }} word.\n\n{{ figure(src=\"map.png\", alt=\"M\") }}\n",
        &files,
    );
    assert!(said.is_empty(), "{said:?}");
    assert_eq!(
        r.html,
        "<p>A <mark>&lt;b&gt;×2</mark> word.</p>\n<img class=\"mine\" src=\"map.png\" alt=\"M\">\n"
    );
    let (_, said) = run_in("{{ mark(text=\"x\", n=\"2\") }}", &files);
    assert_eq!(
        said,
        ["error: content/a/index.md:4:19: `n` of shortcode `mark` expects an integer, found text \"2\" (help: give an integer)"]
    );
}

#[test]
fn a_body_given_to_a_shortcode_whose_template_shows_none_is_an_error() {
    let files = [(
        "shortcodes/boxed.html",
        "{% component boxed() %}<div></div>{% endcomponent boxed %}",
    )];
    let (_, said) = run_in("{% boxed() %}\ntext\n{% end %}\n", &files);
    assert_eq!(
        said,
        ["error: content/a/index.md:4:1: shortcode `boxed` takes no body (help: write it as {{ boxed(…) }}, without {% end %} (or, to give it one, show `{{ body }}` in templates/shortcodes/boxed.html))"]
    );
}

#[test]
fn a_table_shows_a_data_file() {
    let (r, said) =
        run("{{ table(data=\"violations\", caption=\"Violations reported\", source=\"UN\") }}");
    assert!(said.is_empty(), "{said:?}");
    assert_eq!(
        r.html,
        "<div class=\"data-table\" id=\"table-1\">\n  <table>\n    <caption>Violations reported</caption>\n    <thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Reported</th></tr></thead>\n    <tbody>\n      <tr><td>9 July</td><td>3</td></tr>\n      <tr><td>10 July</td><td>&lt;5</td></tr>\n    </tbody>\n  </table>\n  <p class=\"table-source\">Source: UN</p>\n</div>\n"
    );
    // A list of records takes its headers from the first one's keys.
    let (r, _) = run("{{ table(data=\"list\") }}");
    assert!(
        r.html
            .contains("<thead><tr><th scope=\"col\">day</th><th scope=\"col\">n</th></tr></thead>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<tr><td>10 July</td><td></td></tr>"),
        "{}",
        r.html
    );
    let (_, said) = run("{{ table(data=\"violation\") }}\n\n{{ table(data=\"note\") }}");
    assert_eq!(
        said,
        [
            "error: content/a/index.md:4:10: no data file `violation` in data/ (help: did you mean `violations`?)",
            "error: content/a/index.md:6:10: data file `note` is not a table (help: a table is a CSV file, or a list of records (maps with the same keys, or lists) in JSON or YAML; name a list inside a file with a dot: data=\"file.list\")",
        ]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(96))]
    /// Any mix of shortcode syntax, Markdown and text renders without a panic, and
    /// every diagnostic points inside the file.
    #[test]
    fn any_mix_of_shortcode_syntax_renders_and_points_inside_the_file(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "{{ ", " }}", "{% ", " %}", "{% end %}", "figure(", "quote(", "embed(", "table(",
                "src=\"map.png\"", "alt=\"A\"", "actor=\"Tillerson\"", "url=\"https://a.org/\"",
                "title=\"T\"", "data=\"list\"", ", ", ")", "\n", "\n\n", "`", "```\n", "> ", "- ",
                "| a | b |\n|---|---|\n", "[x](", "[^n]", "[^n]: note\n", "<div>", "</div>",
                "{{/* ", " */}}", "\"", "'", "[", "]", "=", "é", "\u{1F600}", "\u{E000}", "word ",
            ]),
            0..60,
        )
    ) {
        let body = pieces.concat();
        let (_, said) = run(&body);
        for d in said {
            proptest::prop_assert!(d.starts_with("error: content/a/index.md:") || d.starts_with("warning: content/a/index.md:"), "{}", d);
        }
    }
}

#[test]
fn a_list_inside_a_data_file_is_named_with_a_dot() {
    let (r, said) = run("{{ table(data=\"t.rows\") }}");
    assert!(said.is_empty(), "{said:?}");
    assert!(r.html.contains("<tr><td>1</td></tr>"), "{}", r.html);
}

#[test]
fn a_body_given_or_missing_is_said_as_the_writer_wrote_it() {
    let (_, said) = run("{{ quote(actor=\"Tillerson\") }}\n\n{% embed(url=\"https://a.org/\", title=\"T\") %}\nBody.\n{% end %}\n");
    assert_eq!(
        said,
        [
            "error: content/a/index.md:4:1: shortcode `quote` takes a body (help: write it as {% quote(…) %} on a line, the body below it, then {% end %} on a line of its own)",
            "error: content/a/index.md:6:1: shortcode `embed` takes no body (help: write it as {{ embed(…) }}, without {% end %} (or, to give it one, show `{{ body }}` in (default theme) shortcodes/embed.html))",
        ]
    );
}

#[test]
fn a_shortcode_in_an_html_comment_is_left_alone() {
    let (r, said) = run(
        "Text.\n\n<!-- {{ figure(src=\"gone.png\", alt=\"a\") }} -->\n\n<!-- `x` {{ f() }} -->\n",
    );
    assert!(said.is_empty(), "{said:?}");
    assert!(
        r.html
            .contains("<!-- {{ figure(src=\"gone.png\", alt=\"a\") }} -->"),
        "{}",
        r.html
    );
}

#[test]
fn a_quote_on_its_actors_page_leaves_its_notes_behind_and_names_the_actor_as_its_page_does() {
    let (r, said) =
        run("{% quote(actor=\"Tillerson\") %}\nSaid[^c].\n{% end %}\n\n[^c]: A note.\n");
    assert!(said.is_empty(), "{said:?}");
    assert_eq!(r.quotes[0].html, "<p>Said.</p>");
    assert!(r.html.contains(">Rex Tillerson</a>"), "{}", r.html);
}

#[test]
fn an_embed_shows_its_site_as_written_and_links_a_valid_address() {
    let (r, said) =
        run("{{ embed(url=\"https://пример.рф/a b<c\", title=\"T\", kind=\"statement\") }}");
    assert!(said.is_empty(), "{said:?}");
    assert!(r.html.contains("Statement · пример.рф</p>"), "{}", r.html);
    assert!(
        r.html
            .contains("href=\"https://xn--e1afmkfd.xn--p1ai/a%20b%3Cc\""),
        "{}",
        r.html
    );
}
