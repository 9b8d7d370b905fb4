//! `briefing theme eject | list | show` (issue 21): copies that change nothing until
//! edited, never over a file, and a note from `check` once the theme moves on.

use crate::support::{build, copy_fixture, run_in, tree};

const TEMPLATES: usize = 32;

#[test]
fn ejecting_everything_changes_no_page_and_overwrites_nothing() {
    let site = copy_fixture("basic");
    let root = site.path();
    let before = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(root, before.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let own_css = std::fs::read(root.join("static/style.css")).unwrap();

    let (code, stdout, stderr) = run_in(root, &["theme", "eject"]);
    assert_eq!(code, 0, "{stderr}");
    // The site's own stylesheet is kept, and said so.
    assert_eq!(
        stderr,
        "note: static/style.css is already there and was left as it is (move it away to eject \
         the theme's)\n"
    );
    assert_eq!(
        std::fs::read(root.join("static/style.css")).unwrap(),
        own_css
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), TEMPLATES + 1, "{stdout}");
    assert_eq!(lines[0], "ejected templates/base.html");
    assert!(lines.contains(&"ejected templates/partials/article_item.html"));
    assert_eq!(
        lines[TEMPLATES],
        "32 files ejected: each replaces the theme's file of its name. Remove any you leave \
         unchanged, so that it follows the theme; `briefing check` notes a kept one the theme \
         changes later."
    );
    let article = std::fs::read_to_string(root.join("templates/article.html")).unwrap();
    assert!(
        article.starts_with("{#- briefing theme eject: templates/article.html from briefing "),
        "{article}"
    );

    // Every page is what the theme made, byte for byte.
    let after = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(root, after.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        tree(before.path()) == tree(after.path()),
        "ejected templates changed the output"
    );
    let (code, _, stderr) = run_in(root, &["check"]);
    assert_eq!((code, stderr.as_str()), (0, ""));

    // Again: nothing is written, every file is said to be kept.
    std::fs::write(
        root.join("templates/article.html"),
        "{% extends \"base.html\" %}",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(root, &["theme", "eject", "article.html", "search.js"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "ejected static/search.js\n1 file ejected: each replaces the theme's file of its name. \
         Remove any you leave unchanged, so that it follows the theme; `briefing check` notes a \
         kept one the theme changes later.\n"
    );
    assert_eq!(
        stderr,
        "note: templates/article.html is already there and was left as it is (move it away to \
         eject the theme's)\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("templates/article.html")).unwrap(),
        "{% extends \"base.html\" %}"
    );
    let js = std::fs::read_to_string(root.join("static/search.js")).unwrap();
    assert!(
        js.starts_with("/* briefing theme eject: static/search.js from briefing "),
        "{js}"
    );
}

#[test]
fn unknown_names_are_each_refused_and_nothing_is_written() {
    let site = copy_fixture("basic");
    let (code, stdout, stderr) = run_in(
        site.path(),
        &["theme", "eject", "article.html", "artcle.html", "main.css"],
    );
    assert_eq!(code, 1);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error: the theme has no file `artcle.html` (did you mean `article.html`?); `briefing \
         theme list` lists its files\nerror: the theme has no file `main.css`; `briefing theme \
         list` lists its files\n"
    );
    assert!(!site.path().join("templates").exists());

    let empty = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run_in(empty.path(), &["theme", "eject"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("error: no site.toml in ."), "{stderr}");
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
}

#[test]
fn check_notes_an_ejected_file_the_theme_has_changed_since_and_list_says_so() {
    let site = copy_fixture("basic");
    let root = site.path();
    let (code, _, stderr) = run_in(root, &["theme", "eject", "partials/paginator.html"]);
    assert_eq!(code, 0, "{stderr}");
    let path = root.join("templates/partials/paginator.html");
    let ejected = std::fs::read_to_string(&path).unwrap();
    let (code, shown, _) = run_in(root, &["theme", "show", "paginator.html"]);
    assert_eq!(code, 0);
    assert_eq!(shown, ejected, "show prints what eject writes");

    // As if ejected from an older theme: another revision in the stamp.
    let revision = ejected
        .lines()
        .next()
        .unwrap()
        .split(", revision ")
        .nth(1)
        .unwrap()[..12]
        .to_string();
    std::fs::write(&path, ejected.replacen(&revision, "0123456789ab", 1)).unwrap();
    let (code, stdout, stderr) = run_in(root, &["check", "--strict"]);
    assert_eq!(
        code, 0,
        "a note is not a warning, even under --strict: {stderr}"
    );
    assert!(stdout.starts_with("checked "), "{stdout}");
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        stderr,
        format!(
            "note: templates/partials/paginator.html:1:{column}: ejected from the theme of briefing \
             {version}, which has changed this file since (revision 0123456789ab then, \
             {revision} in briefing {version})\n  |\n1 | ...tor.html from briefing {version}, \
             revision 0123456789ab. Keep this line: `briefing check` note...\n  |              \
             {pad}^^^^^^^^^^^^\n  |\n  = help: see what changed: `briefing theme show \
             partials/paginator.html | diff templates/partials/paginator.html -`; take what you \
             want, then write revision {revision} on this line\n",
            // Where the revision is, after the version's characters.
            column = 86 + version.len(),
            pad = " ".repeat(24 + version.len()),
        )
    );
    // build says nothing of it: the note is check's.
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(root, out.path(), &[]);
    assert_eq!((code, stderr.as_str()), (0, ""));

    let (code, list, _) = run_in(root, &["theme", "list"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), TEMPLATES + 3);
    assert!(
        lines.contains(
            &format!(
        "templates/partials/paginator.html     ejected from briefing {version}; the theme has \
         changed it since (see `briefing check`)"
    )
            .as_str()
        ),
        "{list}"
    );
    assert!(
        lines.contains(&"templates/article.html                the theme's"),
        "{list}"
    );
    assert!(
        lines.contains(&"static/style.css                      the site's own"),
        "{list}"
    );

    // Taking the theme's line again ends the note.
    std::fs::write(&path, &ejected).unwrap();
    let (code, _, stderr) = run_in(root, &["check"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

/// Regression: `briefing build | head -0` panicked ("failed printing to stdout"), and
/// so did `completions` and `theme list` into a closed pipe.
#[cfg(unix)]
#[test]
fn a_closed_stdout_is_not_a_panic() {
    use std::os::fd::{FromRawFd, OwnedFd};
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let out = out.path().to_str().unwrap().to_string();
    for args in [
        vec!["build", "--output", out.as_str()],
        vec!["check"],
        vec!["completions", "zsh"],
        vec!["theme", "list"],
        vec!["theme", "show", "style.css"],
        vec!["--help"],
    ] {
        let mut fds = [0; 2];
        // SAFETY: `pipe` fills both descriptors, each owned exactly once below.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: as above: the read end is closed before the command starts.
        drop(unsafe { OwnedFd::from_raw_fd(fds[0]) });
        let write = unsafe { OwnedFd::from_raw_fd(fds[1]) };
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
            .current_dir(site.path())
            .args(&args)
            .stdout(std::process::Stdio::from(write))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
