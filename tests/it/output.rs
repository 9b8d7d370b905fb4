//! Output safety: a failed build leaves the previous output byte for byte as it was,
//! and no output folder can be one that holds the editor's work.

use crate::support::{build, copy_fixture, tree};

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = copy_fixture("basic");
    let out = site.path().join("public");
    assert_eq!(build(site.path(), &out, &[]).0, 0);
    let before = tree(&out);
    assert!(before.len() > 10);

    let article = site.path().join("content/2017-07-06-first.md");
    let text = std::fs::read_to_string(&article)
        .unwrap()
        .replace("date: 2017-07-06", "date: July 6");
    std::fs::write(&article, text).unwrap();
    std::fs::write(
        site.path().join("content/2017-07-11-new.md"),
        "---\ntitle: New\ndate: 2017-07-11\nsource: X\n---\nNew.\n",
    )
    .unwrap();
    let (code, _, stderr) = build(site.path(), &out, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(tree(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".public.lock")
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn staging_folders_left_by_a_crash_are_cleaned_up() {
    let site = copy_fixture("basic");
    let stale = site.path().join(".public.staging-999999999");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("index.html"), "half a site").unwrap();
    assert_eq!(build(site.path(), &site.path().join("public"), &[]).0, 0);
    assert!(!stale.exists());
}

#[test]
fn a_successful_rebuild_replaces_the_output_and_drops_stale_pages() {
    let site = copy_fixture("basic");
    let out = site.path().join("public");
    assert_eq!(build(site.path(), &out, &[]).0, 0);
    std::fs::remove_file(site.path().join("content/deep/er/2017-07-07-second.md")).unwrap();
    assert_eq!(build(site.path(), &out, &[]).0, 0);
    assert!(!out.join("articles/second").exists());
    assert!(out.join("articles/first/index.html").exists());
}

#[test]
fn refuses_output_folders_that_hold_the_editors_work() {
    let site = copy_fixture("basic");
    for (dir, expected) in [
        (".", "is the site root or contains it"),
        ("content", "is inside content/"),
        ("static/out", "is inside static/"),
    ] {
        let target = site.path().join(dir);
        let (code, _, stderr) = build(site.path(), &target, &[]);
        assert_eq!(code, 1, "{dir}");
        assert!(stderr.contains(expected), "{dir}: {stderr}");
    }
    // Nothing the editor wrote was touched.
    assert_eq!(
        tree(&site.path().join("content")),
        tree(&crate::support::fixture("basic").join("content"))
    );
}

#[test]
fn refuses_a_folder_of_other_files_and_an_output_that_is_a_file() {
    let site = copy_fixture("basic");
    let docs = site.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("notes.txt"), "mine").unwrap();
    let (code, _, stderr) = build(site.path(), &docs, &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("was not written by briefing"), "{stderr}");
    // Not even when it holds an index.html.
    std::fs::write(docs.join("index.html"), "mine").unwrap();
    let (code, _, _) = build(site.path(), &docs, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        std::fs::read_to_string(docs.join("index.html")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(docs.join("notes.txt")).unwrap(),
        "mine"
    );
    let file = site.path().join("out.txt");
    std::fs::write(&file, "x").unwrap();
    let (code, _, stderr) = build(site.path(), &file, &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("is a file"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_site_are_reported_and_not_published() {
    let site = copy_fixture("basic");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path().join("content/leak.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        site.path().join("content/images/logo.png"),
        site.path().join("content/images/alias.png"),
    )
    .unwrap();
    let out = site.path().join("public");
    let (code, _, stderr) = build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with("warning: content/leak.txt: symbolic link points outside the site (to "),
        "{stderr}"
    );
    assert!(!out.join("leak.txt").exists());
    // A link that stays inside the site is an ordinary file.
    assert_eq!(
        std::fs::read(out.join("images/alias.png")).unwrap(),
        b"png-bytes\n"
    );
}

/// Regression (hardening issue): two builds into one output each removed the other's
/// staging folder as a crash's leftover, and one failed with "No such file or
/// directory". The second now waits for the first's lock; both succeed, and the
/// output is a whole build.
#[test]
fn two_builds_into_one_output_take_turns() {
    let site = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let spawn = || {
        assert_cmd::cargo::CommandCargoExt::cargo_bin("briefing")
            .map(|mut c: std::process::Command| {
                c.arg("--root")
                    .arg(site.path())
                    .args(["build", "-q", "-o"])
                    .arg(&public)
                    .env("NO_COLOR", "1")
                    .stderr(std::process::Stdio::piped());
                c
            })
            .unwrap()
            .spawn()
            .unwrap()
    };
    let runs: Vec<_> = (0..4).map(|_| spawn()).collect();
    for run in runs {
        let o = run.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let clean = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(site.path(), clean.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(tree(&public), tree(clean.path()));
}

#[test]
fn a_build_says_it_waits_for_another_writing_the_same_output() {
    use std::io::{BufRead, Write};
    let site = copy_fixture("basic");
    let public = site.path().join("public");
    // Another build, as far as the lock can tell: this process holds it.
    let mut held = std::fs::File::create(site.path().join(".public.lock")).unwrap();
    held.lock().unwrap();
    write!(held, "4242").unwrap();
    let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("--root")
        .arg(site.path())
        .args(["build", "-o"])
        .arg(&public)
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(run.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert_eq!(
        line,
        format!(
            "note: another build is writing {} (pid 4242); waiting up to 30 s for it to finish\n",
            crate::support::resolved(&public).display()
        )
    );
    assert!(!public.exists(), "written before the lock was released");
    drop(held);
    assert!(run.wait().unwrap().success());
    assert!(public.join("index.html").is_file());
}
