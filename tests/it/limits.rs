//! The watchdog: a template that runs too long or makes a value grow without end is
//! stopped with exit 1 and a diagnostic naming the page and its template, the previous
//! output byte for byte as it was and nothing left beside it. The limits are lowered
//! through the environment so that each case ends in about a second.

use crate::support::{copy_fixture, tree};
use std::path::Path;

/// Builds `root` into `out` with the binary and extra environment; returns (exit
/// code, stdout, stderr).
fn build_with(root: &Path, out: &Path, env: &[(&str, &str)]) -> (i32, String, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["--root", root.to_str().unwrap(), "build", "--output"])
        .arg(out)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The basic fixture built once, then `template` given as its `article.html` and built
/// again under `env`: asserts exit 1, no stdout, the output unchanged and nothing left
/// beside it; returns stderr.
fn stopped(template: &str, env: &[(&str, &str)]) -> String {
    let site = copy_fixture("basic");
    let out = site.path().join("public");
    assert_eq!(build_with(site.path(), &out, &[]).0, 0);
    let before = tree(&out);
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(site.path().join("templates/article.html"), template).unwrap();
    let (code, stdout, stderr) = build_with(site.path(), &out, env);
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    assert!(tree(&out) == before, "the output changed");
    let mut beside: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(
        beside,
        [
            ".briefing-cache",
            ".public.lock",
            ".public.manifest",
            "content",
            "public",
            "published.txt",
            "site.toml",
            "static",
            "templates"
        ]
    );
    stderr
}

#[test]
fn loops_inside_loops_are_stopped_after_the_page_time() {
    // 52⁵ = 380 million iterations over a `split`, which no `range` budget counts.
    let words = "a b c d e f g h i j k l m n o p q r s t u v w x y z ".repeat(2);
    let template = format!(
        "{{% set w = \"{}\" | split(pat=\" \") %}}\
         {{% for a in w %}}{{% for b in w %}}{{% for c in w %}}{{% for d in w %}}{{% for e in w %}}\
         {{% set x = a ~ e %}}\
         {{% endfor %}}{{% endfor %}}{{% endfor %}}{{% endfor %}}{{% endfor %}}",
        words.trim()
    );
    let stderr = stopped(&template, &[("BRIEFING_PAGE_TIMEOUT", "1")]);
    let first = stderr.lines().next().unwrap();
    // Whichever article a worker took first is named.
    assert!(
        first.starts_with("error: cannot render /articles/")
            && first.ends_with(
                "/: templates/article.html was still rendering it after 1 s; the build is stopped"
            ),
        "{stderr}"
    );
    assert!(stderr.ends_with(
        " = help: a loop runs far longer than a page needs: look for loops inside loops over long lists \
         (a `split` of a long text, a list of every article); BRIEFING_PAGE_TIMEOUT sets the limit in seconds\n\
         error: build failed with 1 error\n"
    ), "{stderr}");
}

#[test]
fn a_value_that_doubles_is_stopped_at_the_memory_limit() {
    // 8 bytes doubled 40 times would be 8 TiB.
    let template = "{% set s = \"abcdefgh\" %}\
        {% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}";
    let stderr = stopped(template, &[("BRIEFING_MEMORY_LIMIT", "300")]);
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with("error: the build used more than 300 MiB of memory rendering /articles/")
            && first.ends_with("/ with templates/article.html; it is stopped"),
        "{stderr}"
    );
    assert!(stderr.ends_with(
        " = help: a template is making a value grow without end (a `set` in a loop that adds to itself), \
         or the site is larger than this machine's memory; BRIEFING_MEMORY_LIMIT sets the limit in MiB\n\
         error: build failed with 1 error\n"
    ), "{stderr}");
}

#[test]
fn a_limit_that_is_not_a_number_is_a_usage_error() {
    let site = copy_fixture("basic");
    let out = site.path().join("public");
    let (code, _, stderr) = build_with(site.path(), &out, &[("BRIEFING_PAGE_TIMEOUT", "soon")]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: BRIEFING_PAGE_TIMEOUT=soon: expected a whole number above 0; unset it for the default\n"
    );
    assert!(!out.exists());
}
