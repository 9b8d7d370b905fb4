//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fixture site's folder.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs the real binary with `args`.
pub fn briefing(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// Runs the real binary (through assert_cmd) with `args` in `dir`, plain (no colour);
/// returns (exit code, stdout, stderr).
pub fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = assert_cmd::Command::cargo_bin("briefing")
        .expect("the binary is built")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `path` relative to `dir`, `/`-separated.
pub fn rel(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// Builds `root` into `out` with the binary; returns (exit code, stdout, stderr).
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "--root",
        root.to_str().unwrap(),
        "build",
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = briefing(&args);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every file under `dir`, relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (rel(dir, e.path()), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Copies a fixture's sources into a fresh temporary folder, to edit it. Not its
/// `.briefing-cache/`: tests that build a fixture in place write it, and their
/// shards come and go while it is copied.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture(name);
    let sources = walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || e.file_name() != ".briefing-cache")
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (rel(&src, e.path()), std::fs::read(e.path()).unwrap()));
    for (rel, bytes) in sources {
        let to = tmp.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    tmp
}

/// Reads a built file as text.
pub fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Builds a fixture into a fresh temporary folder and asserts that it succeeded.
pub fn built(name: &str, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = build(&fixture(name), out.path(), extra);
    assert_eq!(code, 0, "{stderr}");
    out
}

/// A site made on the spot: `site.toml` with `settings` added, and one article per
/// date (`YYYY-MM-DD`), each titled `Article <n>` (n from 1, in the order given),
/// tagged `t` and naming the actor `A`, at `content/<n>.md`.
pub fn generated_site(settings: &str, dates: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("site.toml"),
        format!(
            "title = \"Generated\"\nbase_url = \"https://example.org/briefings/\"\n{settings}\n"
        ),
    )
    .unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir(&content).unwrap();
    for (i, date) in dates.iter().enumerate() {
        let n = i + 1;
        std::fs::write(
            content.join(format!("{n}.md")),
            format!("---\ntitle: Article {n}\ndate: {date}\nsource: Wire\nactors: [A]\ntags: [t]\n---\nBody {n}.\n"),
        )
        .unwrap();
    }
    tmp
}

/// `path` with its existing part's symbolic links followed (a temporary folder may
/// be behind one), as the binary names output folders.
pub fn resolved(path: &Path) -> PathBuf {
    let parent = path.parent().unwrap().canonicalize().unwrap();
    parent.join(path.file_name().unwrap())
}

/// A site in a new folder: `site_toml` as its settings, an empty `content/`, and
/// `files` (each a path under the site root and its bytes).
pub fn site_of<B: AsRef<[u8]>>(site_toml: &str, files: &[(&str, B)]) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("site.toml"), site_toml).unwrap();
    std::fs::create_dir(site.path().join("content")).unwrap();
    for (rel, bytes) in files {
        let path = site.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    site
}

/// A site of `articles` (file stem under `content/`, whole text) at `base_url`, with
/// `settings` added to site.toml.
pub fn site_of_articles(
    base_url: &str,
    settings: &str,
    articles: &[(&str, &str)],
) -> tempfile::TempDir {
    let files: Vec<(String, &str)> = articles
        .iter()
        .map(|(stem, text)| (format!("content/{stem}.md"), *text))
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    site_of(
        &format!("title = \"Desk\"\nbase_url = \"{base_url}\"\n{settings}"),
        &files,
    )
}
