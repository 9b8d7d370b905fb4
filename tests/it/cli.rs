//! The editor's command line, run as a user runs it: `init`, `new`, `check`,
//! completions, `--version` and colour, with their exact output.

use crate::support::{copy_fixture, fixture, rel, run_in};
use assert_cmd::Command;
use std::path::Path;

/// A `site.toml` with only the required keys, and nothing else.
fn minimal_site(dir: &Path) {
    std::fs::write(
        dir.join("site.toml"),
        "title = 'T'\nbase_url = 'https://e.org/'\n",
    )
    .unwrap();
}

fn files(dir: &Path) -> Vec<String> {
    let mut all: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.depth() > 0)
        .map(|e| {
            let rel = rel(dir, e.path());
            if e.file_type().is_dir() {
                format!("{rel}/")
            } else {
                rel
            }
        })
        .collect();
    all.sort();
    all
}

#[test]
fn init_makes_a_site_that_builds_and_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run_in(tmp.path(), &["init", "desk"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(
        stdout,
        "created a briefing site in desk (7 files)\nnext:\n  cd desk\n  briefing serve\n"
    );
    let site = tmp.path().join("desk");
    assert_eq!(
        files(&site),
        [
            ".gitignore",
            "README.md",
            "content/",
            "content/actors/",
            "content/actors/jane-doe.md",
            "content/welcome-to-your-briefing.md",
            "site.toml",
            "static/",
            "static/.gitkeep",
            "templates/",
            "templates/.gitkeep",
        ]
    );
    // The output stays out of git; the empty folders stay in, and are never published.
    let ignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/public"), "{ignore}");
    let welcome =
        std::fs::read_to_string(site.join("content/welcome-to-your-briefing.md")).unwrap();
    for part in ["[^context-first]", "> [!NOTE]", "actors: [Jane Doe"] {
        assert!(welcome.contains(part), "the example has {part}");
    }
    let (code, stdout, stderr) = run_in(&site, &["build"]);
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    assert!(stdout.starts_with("built 43 pages (1 article,"), "{stdout}");
    let page =
        std::fs::read_to_string(site.join("public/articles/welcome-to-your-briefing/index.html"))
            .unwrap();
    assert!(page.contains("class=\"note-body\""), "a margin note");
    assert!(page.contains("callout callout-note"), "a callout");
    assert!(
        page.contains(">Editor of the example desk<")
            || site.join("public/actors/jane-doe/index.html").is_file()
    );
    assert!(!site.join("public/.gitkeep").exists());
    let (code, stdout, stderr) = run_in(&site, &["check"]);
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    assert!(stdout.starts_with("checked 43 pages"), "{stdout}");
}

#[test]
fn init_refuses_a_folder_with_files_and_force_adds_only_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("desk");
    std::fs::create_dir(&site).unwrap();
    std::fs::write(site.join("site.toml"), "title = 'Mine'\n").unwrap();
    let (code, stdout, stderr) = run_in(tmp.path(), &["init", "desk"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "error: desk is not empty; choose an empty or new folder, or pass --force to add the missing files (none is overwritten)\n"
    );
    assert_eq!(files(&site), ["site.toml"]);
    let (code, stdout, stderr) = run_in(tmp.path(), &["init", "desk", "--force"]);
    assert_eq!(code, 0);
    assert_eq!(
        stderr,
        "warning: desk/site.toml already exists; left as it is\n"
    );
    assert!(
        stdout.starts_with("created a briefing site in desk (6 files)\n"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("site.toml")).unwrap(),
        "title = 'Mine'\n"
    );
    assert!(site.join("content/welcome-to-your-briefing.md").is_file());
}

#[test]
fn new_writes_a_draft_once_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    minimal_site(tmp.path());
    let args = [
        "new",
        "Assad's forces: a \"new\" push",
        "--source",
        "Reuters",
        "--actor",
        "Bashar al-Assad",
        "--actor",
        "Vladimir Putin",
        "--tag",
        "syria",
        "--date",
        "2024-03-05",
    ];
    let (code, stdout, stderr) = run_in(tmp.path(), &args);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, "content/2024-03-05-assads-forces-a-new-push.md\n");
    let path = tmp
        .path()
        .join("content/2024-03-05-assads-forces-a-new-push.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "---\ntitle: \"Assad's forces: a \\\"new\\\" push\"\ndate: 2024-03-05\nsource: \"Reuters\"\nactors: [\"Bashar al-Assad\", \"Vladimir Putin\"]\ntags: [\"syria\"]\ndraft: true\n---\nWrite the briefing here. A note goes in a footnote:[^context-1]\n\n[^context-1]: Context for the reader.\n\nReplace these lines with the briefing; a note may be defined anywhere in it.\n"
    );
    std::fs::write(&path, format!("{text}\nMy edits.\n")).unwrap();
    let (code, stdout, stderr) = run_in(tmp.path(), &args);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "error: content/2024-03-05-assads-forces-a-new-push.md already exists and was left as it is; give another title or --date\n"
    );
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .ends_with("My edits.\n"));
    // The draft is a valid article: the site builds with it.
    let out = tmp.path().join("out");
    let (code, _, stderr) = run_in(
        tmp.path(),
        &["build", "--drafts", "-o", out.to_str().unwrap()],
    );
    // Edits added after the starter text, which is still there to replace.
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with("warning: content/2024-03-05-assads-forces-a-new-push.md:9:1: the body is still the starter text")
            && stderr.lines().filter(|l| l.starts_with("warning")).count() == 1,
        "{stderr}"
    );
    assert!(out
        .join("articles/assads-forces-a-new-push/index.html")
        .is_file());
}

#[test]
fn new_without_a_source_still_writes_a_valid_draft() {
    let tmp = tempfile::tempdir().unwrap();
    minimal_site(tmp.path());
    let (code, stdout, stderr) = run_in(tmp.path(), &["new", "Quiet day", "--date", "2024-03-06"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "content/2024-03-06-quiet-day.md\n");
    assert_eq!(
        stderr,
        "note: its source is TODO; fill in `source:` before it is published\n"
    );
    // The placeholders are warnings, then errors under --strict.
    let (code, _, stderr) = run_in(tmp.path(), &["check", "--drafts"]);
    let expected = "\
warning: content/2024-03-06-quiet-day.md:4:9: source: still the placeholder `briefing new` wrote
  |
4 | source: TODO  # the outlet this briefing is based on
  |         ^^^^
  |
  = help: name the outlet the briefing is based on, such as `source: Reuters`
warning: content/2024-03-06-quiet-day.md:9:1: the body is still the starter text `briefing new` wrote
  |
9 | Write the briefing here. A note goes in a footnote:[^context-1]
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  |
  = help: write the briefing in its place, and its notes
";
    assert_eq!((code, stderr.as_str()), (0, expected));
    let (code, _, stderr) = run_in(tmp.path(), &["check", "--drafts", "--strict"]);
    let strict = expected
        .replace("warning:", "error:")
        .replace(
            "  = help: name the outlet the briefing is based on, such as `source: Reuters`\n",
            "  = help: name the outlet the briefing is based on, such as `source: Reuters`\n  = note: a warning, made an error by --strict\n",
        )
        .replace(
            "  = help: write the briefing in its place, and its notes\n",
            "  = help: write the briefing in its place, and its notes\n  = note: a warning, made an error by --strict\nerror: check failed with 2 errors\n",
        );
    assert_eq!((code, stderr.as_str()), (1, strict.as_str()));
    // A draft left out is still being written: no word of its placeholders, even
    // under --strict, and the summary says it was left out.
    let (code, stdout, stderr) = run_in(tmp.path(), &["check", "--strict"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(
        stdout.ends_with(" ms; left out: 1 draft (--drafts)\n"),
        "{stdout}"
    );
}

#[test]
fn new_refuses_bad_input_in_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run_in(tmp.path(), &["new", "Title"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: no site.toml in .; run this in a site's folder, pass --root DIR, or start one with `briefing init DIR`\n"
    );
    minimal_site(tmp.path());
    // A bad option value is a usage error: exit 2, from the parser.
    let (code, _, stderr) = run_in(tmp.path(), &["new", "Title", "--date", "July 6"]);
    assert_eq!(
        (code, stderr.as_str()),
        (
            2,
            "error: invalid value 'July 6' for '--date <DATE>': expected a day, 2017-07-06, or a time with its offset, 2017-07-06T16:30:00+02:00\n\nFor more information, try '--help'.\n"
        )
    );
    let (code, _, stderr) = run_in(tmp.path(), &["new", "!!!"]);
    assert_eq!(
        (code, stderr.as_str()),
        (
            1,
            "error: the title \"!!!\" has no letter or digit to name the file after\n"
        )
    );
    assert!(!tmp.path().join("content").exists() || files(&tmp.path().join("content")).is_empty());
}

#[test]
fn check_lists_every_broken_link_and_anchor_and_writes_nothing() {
    let site = copy_fixture("broken-links");
    let (code, stdout, stderr) = run_in(site.path(), &["check"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    insta::assert_snapshot!(stderr);
    assert!(!site.path().join("public").exists());
    // build does not check links: it succeeds.
    let out = tempfile::tempdir().unwrap();
    let (code, _, _) = run_in(
        site.path(),
        &["build", "-o", out.path().join("s").to_str().unwrap()],
    );
    assert_eq!(code, 0);
}

#[test]
fn check_passes_on_the_example_site_and_the_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, stdout, stderr) = run_in(root, &["check"]);
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    let (code, _, stderr) = run_in(&fixture("annotations"), &["check"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn completions_for_each_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "_briefing()"),
        ("zsh", "#compdef briefing"),
        ("fish", "complete -c briefing"),
    ] {
        let (code, stdout, stderr) = run_in(tmp.path(), &["completions", shell]);
        assert_eq!((code, stderr.as_str()), (0, ""), "{shell}");
        assert!(stdout.contains(marker), "{shell}: {stdout}");
        assert!(
            stdout.contains("init") && stdout.contains("actor"),
            "{shell}"
        );
    }
    let (code, _, stderr) = run_in(tmp.path(), &["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid value 'tcsh'"), "{stderr}");
}

#[test]
fn version_names_the_commit() {
    let (code, stdout, _) = run_in(Path::new("."), &["--version"]);
    assert_eq!(code, 0);
    let rest = stdout
        .strip_prefix(concat!("briefing ", env!("CARGO_PKG_VERSION"), " ("))
        .expect(&stdout);
    let inside = rest.strip_suffix(")\n").expect(&stdout);
    let commit_and_date = inside.split_once(' ').filter(|(hash, date)| {
        hash.len() == 9 && hash.chars().all(|c| c.is_ascii_hexdigit()) && date.len() == 10
    });
    assert!(
        commit_and_date.is_some() || inside == "commit unknown",
        "{stdout}"
    );
}

#[test]
fn colour_is_on_when_asked_and_off_with_no_color() {
    let site = fixture("warnings");
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("s");
    let o = o.to_str().unwrap();
    let (_, _, plain) = run_in(&site, &["build", "-o", o]);
    assert!(plain.starts_with("warning: "), "{plain}");
    assert!(!plain.contains('\x1b'));
    let (_, _, coloured) = run_in(&site, &["--color", "always", "build", "-o", o]);
    assert!(
        coloured.starts_with("\x1b[1m\x1b[33mwarning\x1b[0m\x1b[1m: site.toml:3:1: "),
        "{coloured}"
    );
    // Not a terminal: auto is plain, even without NO_COLOR.
    let auto = Command::cargo_bin("briefing")
        .unwrap()
        .current_dir(&site)
        .args(["build", "-o", o])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&auto.stderr).contains('\x1b'));
}

#[test]
fn usage_errors_exit_2_and_help_lists_the_commands_options_first() {
    let site = fixture("basic");
    let (code, stdout, stderr) = run_in(&site, &["build", "--base-url", "notaurl"]);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (
            2,
            "",
            "error: invalid value 'notaurl' for '--base-url <URL>': expected an absolute http or https URL such as https://example.org/briefings\n\nFor more information, try '--help'.\n"
        )
    );
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run_in(tmp.path(), &["--root", "x", "init", "desk"]);
    assert_eq!(
        (code, stderr.as_str()),
        (2, "error: --root means nothing to init: give the new site's folder as DIR, `briefing init DIR`\n")
    );
    assert!(!tmp.path().join("desk").exists());
    // --root after the command, as before it.
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run_in(
        tmp.path(),
        &[
            "build",
            "--root",
            site.to_str().unwrap(),
            "-q",
            "-o",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(out.path().join("index.html").is_file());

    let help = |args: &[&str]| run_in(tmp.path(), args).1;
    let build = help(&["build", "--help"]);
    let (own, global) = build
        .split_once("Global options:")
        .expect("a global section");
    for option in ["--output", "--base-url", "--drafts", "--strict", "--root"] {
        assert!(
            own.contains(option),
            "{option} among build's own options:\n{build}"
        );
    }
    for option in ["--quiet", "--verbose", "--color"] {
        assert!(
            global.contains(option) && !own.contains(option),
            "{option}:\n{build}"
        );
    }
    for command in ["init", "completions"] {
        let text = help(&[command, "--help"]);
        assert!(!text.contains("--root"), "{command} --help:\n{text}");
        assert!(text.contains("--quiet"), "{command} --help:\n{text}");
    }
}

#[test]
fn strict_makes_every_warning_an_error_in_build_and_check_not_in_a_preview() {
    let site = copy_fixture("warnings");
    let out = site.path().join("public");
    let elsewhere = tempfile::tempdir().unwrap();
    let (code, _, loose) = run_in(
        site.path(),
        &["build", "-o", elsewhere.path().to_str().unwrap()],
    );
    assert_eq!(code, 0, "{loose}");
    let warnings = loose.lines().filter(|l| l.starts_with("warning: ")).count();
    assert!(warnings >= 5, "{loose}");
    let (code, _, stderr) = run_in(
        site.path(),
        &["build", "--strict", "-o", out.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        !out.exists(),
        "a strict build with warnings wrote its output"
    );
    // The same diagnostics, each an error now, saying why.
    let expected =
        std::fs::read_to_string(fixture("warnings").join("expected-strict.stderr")).unwrap();
    assert_eq!(stderr, expected);
    assert_eq!(
        expected
            .matches("  = note: a warning, made an error by --strict\n")
            .count(),
        warnings
    );
    let (code, _, stderr) = run_in(site.path(), &["check", "--strict"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert!(
        stderr
            .matches("  = note: a warning, made an error by --strict\n")
            .count()
            >= warnings,
        "{stderr}"
    );
    // strict = true in site.toml does the same for build and check.
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("strict = true\n{text}")).unwrap();
    let (code, _, stderr) = run_in(site.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("  = note: a warning, made an error by `strict = true` in site.toml\n"),
        "{stderr}"
    );
    // A preview shows the site while it is being fixed: warnings stay warnings.
    let mut session = briefing::build::Session::open(
        briefing::BuildOptions {
            root: site.path().to_path_buf(),
            output: Some(out.clone()),
            write: true,
            ..Default::default()
        },
        true,
    );
    let report = session.build().expect("a session is not strict");
    assert!(report.warnings.iter().all(|d| !d.is_error()) && report.warnings.len() >= warnings - 1);
}

#[test]
fn new_cuts_a_long_headline_to_a_slug_the_build_takes() {
    let tmp = tempfile::tempdir().unwrap();
    minimal_site(tmp.path());
    let headline = "Foreign ministers of the guarantor states meet again in Astana to discuss the de-escalation zones, the monitoring of the ceasefire in the south-west and the exchange of prisoners, while the opposition delegation says it was not consulted";
    let (code, stdout, stderr) = run_in(
        tmp.path(),
        &["new", headline, "--date", "2017-07-06", "--source", "Wire"],
    );
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(
        stdout,
        "content/2017-07-06-foreign-ministers-of-the-guarantor-states-meet-again-in-astana-to-discuss-the-de.md\n"
    );
    let out = tmp.path().join("out");
    let (code, _, stderr) = run_in(
        tmp.path(),
        &["build", "--drafts", "-o", out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(out
        .join("articles/foreign-ministers-of-the-guarantor-states-meet-again-in-astana-to-discuss-the-de/index.html")
        .is_file());
}
