//! Bad input: every case under `tests/fixtures/invalid/` fails with exit status 1 and
//! exactly the diagnostics in its `expected.stderr`, and leaves a previous output byte
//! for byte as it was; warnings do not fail a build.

use crate::support::{briefing, built, fixture, run_in, tree};

#[test]
fn every_invalid_fixture_fails_with_its_exact_diagnostics() {
    let cases = fixture("invalid");
    let previous = built("basic", &[]);
    let previous = tree(previous.path());
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&cases).unwrap() {
        let dir = entry.unwrap().path();
        let expected = std::fs::read_to_string(dir.join("expected.stderr")).unwrap();
        let out = tempfile::tempdir().unwrap();
        for (rel, bytes) in &previous {
            let to = out.path().join("site").join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(to, bytes).unwrap();
        }
        let (code, stdout, stderr) = run_in(
            &dir,
            &[
                "build",
                "--output",
                out.path().join("site").to_str().unwrap(),
            ],
        );
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if code != 1 || stderr != expected || !stdout.is_empty() {
            failures.push(format!(
                "== {name}: exit {code}\n-- expected:\n{expected}-- got:\n{stderr}{stdout}"
            ));
        }
        assert!(
            tree(&out.path().join("site")) == previous,
            "{name}: a failed build changed the previous output"
        );
        let beside: Vec<_> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "site" && n != ".site.lock")
            .collect();
        assert!(
            beside.is_empty(),
            "{name}: left beside the output: {beside:?}"
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn check_reports_the_same_errors_and_writes_nothing() {
    let dir = fixture("invalid/every-bad-file-at-once");
    let (code, _, stderr) = run_in(&dir, &["check"]);
    assert_eq!(code, 1);
    let expected = std::fs::read_to_string(dir.join("expected.stderr")).unwrap();
    assert_eq!(stderr, expected.replace("build failed", "check failed"));
    assert!(!dir.join("public").exists());
}

#[test]
fn warnings_are_printed_and_do_not_fail_the_build() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run_in(
        &fixture("warnings"),
        &["build", "--output", out.path().to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let first_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning"))
        .collect();
    assert_eq!(
        first_lines,
        vec![
            "warning: site.toml:3:1: unknown key `paginate`",
            "warning: content/2017-07-06-a.md:6:3: unknown source key `autor`",
            "warning: content/2017-07-06-a.md:7:1: unknown front matter key `actor`",
            "warning: content/2017-07-06-a.md:10:5: wikilink [[Vladimir Putin]]: no actor of that name or alias is named by any article",
            "warning: content/2017-07-06-a.md:12:5: link to `missing.md`: no article at content/missing.md",
            "warning: templates/partials/article_item.html:2:9: `or` gives the first true value in Tera 2, not `true` or `false` as in Tera 1",
        ]
    );
    assert!(
        stderr
            .contains("10 | Met [[Vladimir Putin]] and [[Rex Tillerson|Tillerson]].\n   |     ^^^^^^^^^^^^^^^^^^\n"),
        "{stderr}"
    );
    // The key underlined, the closest known key beside it.
    assert!(
        stderr.contains("3 | paginate = 10\n  | ^^^^^^^^ did you mean `paginate_by`?\n"),
        "{stderr}"
    );
}

/// Regression: `check` reported a link to a missing `.md` file twice, as the warning
/// below and again as a broken link.
#[test]
fn check_reports_a_link_to_a_missing_article_once_as_a_warning() {
    let (code, _, stderr) = run_in(&fixture("warnings"), &["check"]);
    assert_eq!(code, 0, "{stderr}");
    let about_it: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("missing.md") && !l.contains(" | "))
        .collect();
    assert_eq!(
        about_it,
        ["warning: content/2017-07-06-a.md:12:5: link to `missing.md`: no article at content/missing.md"]
    );
}

#[test]
fn bad_usage_exits_2() {
    let o = briefing(&["build", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    let o = briefing(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}
