//! Output safety: a failed build leaves the previous output byte for byte as it was,
//! and no output folder can be one that holds the editor's work.

use crate::support::{build, copy_fixture, generated_site, tree};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

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
        .filter(|n| {
            n.starts_with('.')
                && ![".public.lock", ".public.manifest", ".briefing-cache"].contains(&n.as_str())
        })
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

/// Builds `root` into `out` with the debug binary's fault hook set to stop the
/// process at its `at`-th interruptible point; true if it ran to the end.
fn build_stopped_at(root: &Path, out: &Path, at: usize) -> bool {
    let o = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["--root", root.to_str().unwrap(), "build", "--output"])
        .arg(out)
        .env("NO_COLOR", "1")
        .env("BRIEFING_FAULT_AT", at.to_string())
        .output()
        .unwrap();
    if o.status.success() {
        return true;
    }
    assert_eq!(
        o.status.code(),
        None,
        "stopped by the hook, not an error: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    false
}

/// Copies every file of `from` (a folder) to `to`, made anew.
fn restore(from: &Path, to: &Path) {
    if to.exists() {
        std::fs::remove_dir_all(to).unwrap();
    }
    for (rel, bytes) in tree(from) {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// A build killed at each point where writing can be interrupted: the next command
/// that writes the output (here a build that then fails) finds the old site or the
/// new one, never a mix, and the build after it gives the new site.
#[test]
fn a_build_killed_at_any_point_leaves_the_old_site_or_the_new_one() {
    let site = generated_site("", &["2017-07-01", "2017-07-02", "2017-07-03"]);
    let root = site.path();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    assert_eq!(build(root, &out, &[]).0, 0);
    let old = tree(&out);
    let pristine = work.path().join("pristine");
    restore(&out, &pristine);
    // A day's edits: a body changed, an article gone, one added.
    let content = root.join("content");
    std::fs::write(
        content.join("2.md"),
        std::fs::read_to_string(content.join("2.md"))
            .unwrap()
            .replace("Body 2.", "Body 2, corrected."),
    )
    .unwrap();
    std::fs::remove_file(content.join("3.md")).unwrap();
    std::fs::write(
        content.join("4.md"),
        "---\ntitle: Article 4\ndate: 2017-07-04\nsource: Wire\nactors: [B]\ntags: [u]\n---\nBody 4.\n",
    )
    .unwrap();
    let elsewhere = work.path().join("new");
    assert_eq!(build(root, &elsewhere, &[]).0, 0);
    let new = tree(&elsewhere);
    assert_ne!(old, new);
    let same_as = |now: &BTreeMap<String, Vec<u8>>| {
        if *now == old {
            "old"
        } else if *now == new {
            "new"
        } else {
            let differ: Vec<&String> = new
                .keys()
                .chain(old.keys())
                .filter(|k| now.get(*k) != new.get(*k) && now.get(*k) != old.get(*k))
                .collect();
            panic!("a mix of old and new: {differ:?}")
        }
    };
    let mut seen = Vec::new();
    // Every third point (about 30 of them), to keep the test under a minute.
    for at in (1..).step_by(3) {
        restore(&pristine, &out);
        let _ = std::fs::remove_file(work.path().join(".public.manifest"));
        if build_stopped_at(root, &out, at) {
            assert!(at > 20, "only {at} points: is the hook working?");
            assert_eq!(tree(&out), new);
            break;
        }
        // A build that fails (an article without its date) writes nothing, but
        // first recovers.
        let broken = content.join("broken.md");
        std::fs::write(&broken, "---\ntitle: Broken\nsource: Wire\n---\nNo date.\n").unwrap();
        let (code, _, stderr) = build(root, &out, &[]);
        assert_eq!(code, 1, "{stderr}");
        std::fs::remove_file(&broken).unwrap();
        seen.push(same_as(&tree(&out)));
        if at % 2 == 0 {
            continue;
        }
        assert_eq!(build(root, &out, &[]).0, 0);
        assert_eq!(tree(&out), new, "after stopping at point {at}");
        let beside: Vec<String> = std::fs::read_dir(work.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public.") && n != ".public.lock" && n != ".public.manifest")
            .collect();
        assert!(beside.is_empty(), "left beside the output: {beside:?}");
    }
    // Both outcomes happen: before the journal, and after.
    assert!(seen.contains(&"old") && seen.contains(&"new"), "{seen:?}");
}
