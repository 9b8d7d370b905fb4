//! Data files (issue 24): `data/*.{csv,json,yaml,toml}` given to every template as
//! `data.<name>`, and a file that does not parse an error at its place.

use crate::support::run_in;

fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    crate::support::site_of(
        "title = \"Desk\"\nbase_url = \"https://example.org/\"\n",
        files,
    )
}

const ARTICLE: (&str, &str) = (
    "content/2017-07-09-ceasefire.md",
    "---\ntitle: Ceasefire\ndate: 2017-07-09\nsource: AP\n---\nBody.\n",
);

/// The home page, with a table of `data.casualties` after the theme's content.
const HOME: (&str, &str) = (
    "templates/home.html",
    "{% extends \"theme/home.html\" %}{% block content %}{{ super() }}<table id=\"casualties\"><tr>{% for h in data.casualties.headers %}<th>{{ h }}</th>{% endfor %}</tr>{% for r in data.casualties.records %}<tr>{% for f in r %}<td>{{ f }}</td>{% endfor %}</tr>{% endfor %}</table><p id=\"venue\">{{ data.talks.venue }}</p>{% endblock content %}",
);

#[test]
fn data_files_are_every_template_s_by_name() {
    let site = site(&[
        ARTICLE,
        HOME,
        (
            "data/casualties.csv",
            "province,killed\nDaraa,12\n\"Quneitra, south\",3\n",
        ),
        ("data/talks.toml", "venue = \"Astana <round 5>\"\n"),
    ]);
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let home = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    assert!(
        home.contains("<table id=\"casualties\"><tr><th>province</th><th>killed</th></tr><tr><td>Daraa</td><td>12</td></tr><tr><td>Quneitra, south</td><td>3</td></tr></table><p id=\"venue\">Astana &lt;round 5&gt;</p>"),
        "{home}"
    );
    // data/ is read, not published.
    assert!(!site.path().join("public/data").exists());
}

#[test]
fn a_data_file_that_does_not_parse_fails_the_build_at_its_place() {
    let site = site(&[
        ARTICLE,
        (
            "data/casualties.csv",
            "province,killed\nDaraa,12\nQuneitra\n",
        ),
    ]);
    let (code, _, stderr) = run_in(site.path(), &["build"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: data/casualties.csv:3:1: a row of 1 field, where the header row has 2\n  |\n3 | Quneitra\n  | ^\n  |\n  = help: give every row as many fields as the header row; quote a field that holds a comma: \"Quneitra, south\"\nerror: build failed with 1 error\n"
    );
}
