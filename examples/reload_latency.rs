//! Save-to-reloaded latency of `briefing serve`: the time from writing an article to
//! a page open in a browser having its new version, through the real binary
//! (watcher, debounce, incremental build, the live-reload event, one request).
//!
//! cargo build --release && cargo run --release --example reload_latency -- SITE [EDITS] [body|title]
//!
//! `body` (the default) appends a sentence, as writing does: only the article's page
//! changes. `title` retitles the article, so its card changes and the home page and
//! every list it is on are rendered again: the worst case for one save.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .expect("usage: reload_latency SITE [EDITS] [body|title]"),
    );
    let edits: usize = args
        .next()
        .map_or(30, |n| n.parse().expect("EDITS is a number"));
    let title = match args.next().as_deref() {
        None | Some("body") => false,
        Some("title") => true,
        Some(other) => panic!("expected body or title, found {other}"),
    };
    let exe = std::env::current_exe().expect("the example's path");
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("briefing"))
        .expect("target/<profile>/briefing");
    let mut child = Command::new(&binary)
        .arg("--root")
        .arg(&root)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e} (cargo build --release first)",
                binary.display()
            )
        });
    let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
    let host = loop {
        let line = lines
            .next()
            .expect("serve printed its address")
            .expect("text");
        if let Some(url) = line.strip_prefix("serving at http://") {
            break url.split('/').next().expect("host").to_string();
        }
    };
    // Keep reading what serve prints, so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});

    let articles = articles(&root);
    let mut times = Vec::new();
    for i in 0..edits {
        let (file, slug) = &articles[(i * 7919) % articles.len()];
        let text = std::fs::read_to_string(file).expect("readable");
        let marker = format!("Probe {}-{i}", std::process::id());
        let edited = if title {
            retitle(&text, &marker)
        } else {
            format!("{}\n\n{marker}.\n", text.trim_end())
        };
        // As a browser's page waits: on the live-reload events, then one request.
        // (Asking for the page again and again instead kept one of this machine's
        // two cores busy answering while the server rebuilt.)
        let mut events = Events::open(&host);
        let start = Instant::now();
        std::fs::write(file, edited).expect("writable");
        let path = format!("/articles/{slug}/");
        loop {
            events.next_reload();
            if get(&host, &path).contains(&marker) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{path} never showed the edit"
            );
        }
        times.push(start.elapsed());
        std::fs::write(file, &text).expect("writable");
        // Let the restore be built before the next edit.
        std::thread::sleep(Duration::from_millis(300));
    }
    // Stopped as Ctrl-C stops it, so that it removes its output folder (killed, it
    // cannot, and each run left 300 MB in /dev/shm).
    let stopped = rustix::process::Pid::from_raw(child.id() as i32).is_some_and(|pid| {
        rustix::process::kill_process(pid, rustix::process::Signal::INT).is_ok()
    });
    if !stopped {
        let _ = child.kill();
    }
    let _ = child.wait();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = times[(times.len() * 95).div_ceil(100).saturating_sub(1)];
    println!(
        "{} {} edits: median {:.0} ms, p95 {:.0} ms, min {:.0} ms, max {:.0} ms",
        edits,
        if title { "title" } else { "body" },
        ms(times[times.len() / 2]),
        ms(p95),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
}

/// Articles and their slugs (from `slug:` or the file name), outside profile folders.
fn articles(root: &Path) -> Vec<(PathBuf, String)> {
    let content = root.join("content");
    walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("md"))
        })
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(&content)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            // Profiles, not articles.
            let profiles = ["actors/", "sources/", "authors/", "stories/"];
            if profiles.iter().any(|p| rel.starts_with(p)) {
                return None;
            }
            let text = std::fs::read_to_string(e.path()).ok()?;
            if text.contains("\ndraft: true") {
                return None;
            }
            let slug = text
                .lines()
                .find_map(|l| {
                    l.strip_prefix("slug:")
                        .map(|s| s.trim().trim_matches('"').to_string())
                })
                .unwrap_or_else(|| briefing::content::article::slug_from_path(&rel));
            Some((e.into_path(), slug))
        })
        .collect()
}

fn retitle(text: &str, marker: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("title:") {
                format!("title: \"{marker}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// A stream of the server's live-reload events, as a page's script opens it.
struct Events {
    lines: BufReader<TcpStream>,
}

impl Events {
    /// Opens the stream and reads its first event (the build the server is at).
    fn open(host: &str) -> Events {
        let mut stream = TcpStream::connect(host).expect("the server listens");
        // The server writes a comment every 15 s on a quiet stream: a read that
        // waits longer means it is gone.
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("a timeout");
        write!(
            stream,
            "GET /__briefing/events HTTP/1.1\r\nHost: {host}\r\n\r\n"
        )
        .expect("a request");
        let mut events = Events {
            lines: BufReader::new(stream),
        };
        events.next("generation");
        events
    }

    /// Waits for the next `reload`: a build finished.
    fn next_reload(&mut self) {
        self.next("reload");
    }

    /// Reads events until `name`; a build that failed (`problem`, `unbuilt`) or a
    /// minute without one ends the run.
    fn next(&mut self, name: &str) {
        let wanted = format!("event: {name}");
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut line = String::new();
        loop {
            line.clear();
            let read = self
                .lines
                .read_line(&mut line)
                .expect("an event within a minute");
            assert!(read > 0, "the event stream ended");
            // Chunked: the event's lines come between the chunks' sizes.
            let line = line.trim_end();
            if line == wanted {
                return;
            }
            assert!(
                line != "event: problem" && line != "event: unbuilt",
                "the site did not build; run `briefing build` on it to see why"
            );
            assert!(Instant::now() < deadline, "no {name} event within a minute");
        }
    }
}

fn get(host: &str, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(host) else {
        return String::new();
    };
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    let mut body = String::new();
    let _ = stream.read_to_string(&mut body);
    body
}
