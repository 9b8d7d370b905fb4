//! Times incremental updates in-process, without the watcher or the server: for
//! profiling what one save costs.
//!
//! cargo run --release --example update_bench -- SITE [EDITS] [body|title]
//!
//! Appends a sentence to a different article each time (`body`, the default) or
//! retitles it (`title`, so its card changes in every list that holds it), updates,
//! and prints each update's stages, then the median.

use briefing::build::Session;
use briefing::BuildOptions;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: update_bench SITE [EDITS] [body|title]";
    let root = PathBuf::from(args.next().expect(usage));
    let edits: usize = args
        .next()
        .map_or(20, |n| n.parse().expect("EDITS is a number"));
    let title = match args.next().as_deref() {
        None | Some("body") => false,
        Some("title") => true,
        Some(_) => panic!("{usage}"),
    };
    let out = tempfile::tempdir().expect("a temporary folder");
    let options = BuildOptions {
        root: root.clone(),
        output: Some(out.path().join("site")),
        write: true,
        ..Default::default()
    };
    let mut session = Session::open(options, true);
    let first = session
        .build()
        .unwrap_or_else(|_| panic!("the site does not build"));
    println!("first build: {} ms", first.elapsed.as_millis());
    let files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        // Profiles, not articles.
        .filter(|e| {
            !e.path().components().any(|c| {
                ["actors", "sources", "authors", "stories"]
                    .contains(&&*c.as_os_str().to_string_lossy())
            })
        })
        .map(|e| e.into_path())
        .collect();
    let mut times = Vec::new();
    for i in 0..edits {
        let file = &files[(i * 7919) % files.len()];
        let mut text = std::fs::read_to_string(file).expect("readable");
        if title {
            // A title no run has given before: the site keeps the edits, and a
            // title a file already has would change nothing.
            let run = std::process::id();
            text = retitle(&text, &format!("Retitled for probe {run}-{i}"));
        } else {
            text.push_str(&format!("\nProbe sentence {i}.\n"));
        }
        std::fs::write(file, text).expect("writable");
        let changes = session.classify(std::slice::from_ref(file));
        let report = session
            .update(&changes)
            .unwrap_or_else(|_| panic!("update {i} failed"));
        let stages: Vec<String> = report
            .stages
            .iter()
            .map(|(s, d, _)| format!("{s} {}", d.as_millis()))
            .collect();
        println!(
            "update {i}: {} ms, {} pages ({})",
            report.elapsed.as_millis(),
            report.pages.values().sum::<usize>(),
            stages.join(", ")
        );
        times.push(report.elapsed);
    }
    times.sort();
    if let Some(median) = times.get(times.len() / 2) {
        println!("median {} ms over {edits} updates", median.as_millis());
    }
}

/// The text with its front matter's `title:` line replaced.
fn retitle(text: &str, title: &str) -> String {
    let mut out = String::with_capacity(text.len() + title.len());
    let mut done = false;
    for line in text.lines() {
        if !done && line.starts_with("title:") {
            out.push_str(&format!("title: \"{title}\""));
            done = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
