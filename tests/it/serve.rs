//! `serve` and `watch` through the real binary: a temp site is edited, renamed and
//! deleted from under a running server, and the tests poll (bounded, never a fixed
//! wait) until the served page changes.

use crate::support::{copy_fixture, tree};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long anything may take before a test gives up.
const PATIENCE: Duration = Duration::from_secs(30);
/// The pause between two polls.
const POLL: Duration = Duration::from_millis(20);
const SCRIPT_TAG: &str = briefing::dev::server::SCRIPT_TAG;

/// `html` without the live-reload tag the server puts in pages, and the generation
/// it names (`None` when there is no tag).
fn without_script(html: &str) -> (String, Option<u64>) {
    let Some(start) = html.find(SCRIPT_TAG) else {
        return (html.to_string(), None);
    };
    let rest = &html[start + SCRIPT_TAG.len()..];
    let generation = rest
        .strip_prefix(" data-generation=\"")
        .and_then(|r| r.split('"').next())
        .and_then(|n| n.parse().ok());
    let end = start
        + SCRIPT_TAG.len()
        + rest.find("</script>").expect("a closed tag")
        + "</script>".len();
    (format!("{}{}", &html[..start], &html[end..]), generation)
}

/// Whether `html` has the live-reload tag just before its `</body>`.
fn script_before_body_end(html: &str) -> bool {
    html.find(SCRIPT_TAG).is_some_and(|start| {
        let rest = &html[start..];
        rest.find("</script>")
            .is_some_and(|e| rest[e..].starts_with("</script></body>"))
    })
}
const EVENTS_PATH: &str = briefing::dev::server::EVENTS_PATH;
const MAX_CONNECTIONS: usize = briefing::dev::server::MAX_CONNECTIONS;
const READ_TIMEOUT: Duration = briefing::dev::server::READ_TIMEOUT;

/// A running `briefing serve` (or `watch`), killed when dropped.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    url: String,
    tmp: tempfile::TempDir,
}

impl Running {
    fn start(root: &Path, args: &[&str]) -> Running {
        Running::start_with(root, args, &[])
    }

    /// Starts it with the environment variables `env` set.
    fn start_with(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Running {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .arg("--root")
            .arg(root)
            .args(args)
            .envs(env.iter().copied())
            .env("NO_COLOR", "1")
            .env("TMPDIR", tmp.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        for stream in [Box::new(out) as Box<dyn Read + Send>, Box::new(err)] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let mut running = Running {
            child,
            lines,
            url: String::new(),
            tmp,
        };
        let ready =
            running.wait_line(|l| l.starts_with("serving at ") || l.starts_with("watching"));
        if let Some(rest) = ready.strip_prefix("serving at ") {
            running.url = rest
                .split(' ')
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_string();
        }
        running
    }

    /// Waits for an output line matching `want`, and returns it.
    fn wait_line(&mut self, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if want(&line) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!("no such line; the output was:\n{}", seen.join("\n"));
    }

    fn get(&self, path: &str) -> Reply {
        get(&self.url, path)
    }

    /// The `host:port` it serves on.
    fn host(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Sends `request` (the whole of it: head and any body) on a connection of its
    /// own and reads until the server closes it.
    fn exchange(&self, request: &str) -> Vec<u8> {
        let mut stream = connect(self.host());
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        raw
    }

    /// A GET of `path` with the header lines `extra`.
    fn ask(&self, path: &str, extra: &[&str]) -> Reply {
        let mut request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n", self.host());
        for line in extra {
            request.push_str(line);
            request.push_str("\r\n");
        }
        request.push_str("Connection: close\r\n\r\n");
        parse(&self.exchange(&request))
    }

    /// Polls `path` until `done` holds for the reply.
    fn until(&self, path: &str, what: &str, done: impl Fn(&Reply) -> bool) -> Reply {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let reply = self.get(path);
            if done(&reply) {
                return reply;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: {path} never changed; last reply {} with\n{}",
                reply.status,
                reply.text()
            );
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        header(&self.headers, name)
    }
}

/// The value of header `name` in a response head (names are case-insensitive).
fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// A connection whose reads give up after [`PATIENCE`].
fn connect(host: &str) -> TcpStream {
    let stream = TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// A GET over a raw socket, so the path goes out exactly as written (no client
/// normalising `..` away).
fn get(base: &str, path: &str) -> Reply {
    let host = base.trim_start_matches("http://");
    let mut stream = connect(host);
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

/// The one response in `raw`: its head, and all that follows as its body.
fn parse(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Reply {
        status,
        headers: head,
        body: raw[split + 4..].to_vec(),
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(root.join(rel), text.replacen(from, to, 1)).unwrap();
}

const FIRST: &str = "content/2017-07-06-first.md";

/// Asserts that `server` serves every file a clean build of `root` (with `flags`, at
/// the server's address) writes, byte for byte but for the live-reload script.
fn serves_what_build_writes(server: &Running, root: &Path, flags: &[&str]) {
    let full = tempfile::tempdir().unwrap();
    let mut args = vec!["--base-url", server.url.as_str()];
    args.extend_from_slice(flags);
    let (code, _, stderr) = crate::support::build(root, full.path(), &args);
    assert_eq!(code, 0, "{stderr}");
    for (path, bytes) in tree(full.path()) {
        let url = format!("/{}", path.strip_suffix("index.html").unwrap_or(&path));
        let reply = server.get(&url);
        assert_eq!(reply.status, 200, "{url}");
        let served = if path.ends_with(".html") {
            without_script(&reply.text()).0.into_bytes()
        } else {
            reply.body
        };
        assert!(served == bytes, "{url} differs from a clean build");
    }
}

#[test]
fn the_served_site_follows_every_save_and_equals_a_full_build() {
    let site = copy_fixture("basic");
    let root = site.path();
    let server = Running::start(root, &["serve", "--port", "0"]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(script_before_body_end(&home.text()), "{}", home.text());

    // An edit in place.
    edit(
        root,
        FIRST,
        "Second paragraph.",
        "Second paragraph, now edited.",
    );
    server.until("/articles/first/", "an edit", |r| {
        r.text().contains("now edited")
    });

    // An atomic save: written beside, then renamed over the article (vim, VS Code).
    let text = std::fs::read_to_string(root.join(FIRST)).unwrap();
    write(root, "content/.first.md.swp", "swap");
    write(
        root,
        "content/first.md.tmp~",
        &text.replace("now edited", "saved atomically"),
    );
    std::fs::rename(root.join("content/first.md.tmp~"), root.join(FIRST)).unwrap();
    std::fs::remove_file(root.join("content/.first.md.swp")).unwrap();
    server.until("/articles/first/", "an atomic save", |r| {
        r.text().contains("saved atomically")
    });

    // A burst of saves: the last one wins.
    let text = std::fs::read_to_string(root.join(FIRST)).unwrap();
    for i in 0..50 {
        std::fs::write(
            root.join(FIRST),
            text.replace("saved atomically", &format!("burst {i}:")),
        )
        .unwrap();
    }
    server.until("/articles/first/", "a burst", |r| {
        r.text().contains("burst 49:")
    });

    // A new file, created empty and then filled.
    write(root, "content/2017-07-12-late.md", "");
    write(
        root,
        "content/2017-07-12-late.md",
        "---\ntitle: Late news\ndate: 2017-07-12\nsource: AP\ntags: [late]\n---\nLate.\n",
    );
    server.until("/articles/late/", "a new file", |r| r.status == 200);
    server.until("/tags/late/", "its tag page", |r| r.status == 200);

    // A rename: the old address goes, the new one comes.
    std::fs::rename(
        root.join("content/2017-07-12-late.md"),
        root.join("content/2017-07-12-later.md"),
    )
    .unwrap();
    server.until("/articles/later/", "a rename", |r| r.status == 200);
    assert_eq!(server.get("/articles/late/").status, 404);

    // A deleted folder, and a static file added.
    std::fs::remove_dir_all(root.join("content/deep")).unwrap();
    write(root, "static/fonts/readme.txt", "none");
    server.until("/fonts/readme.txt", "a static file", |r| r.status == 200);
    server.until("/articles/second/", "a deleted folder", |r| r.status == 404);

    // What is served now is what a clean build of the same site, drafts and all, writes.
    serves_what_build_writes(&server, root, &["--drafts"]);
}

#[test]
fn serve_shows_drafts_with_a_banner_and_no_drafts_shows_what_build_publishes() {
    let site = copy_fixture("basic");
    let root = site.path();
    let banner = "<p class=\"status-banner\" role=\"note\"><strong>Draft.</strong> Not \
                  published: <code>briefing build</code> leaves this article out until the \
                  line <code>draft: true</code> is removed.</p>";

    let mut server = Running::start(root, &["serve", "--port", "0"]);
    server.wait_line(|l| {
        l == "drafts are shown, each with a banner; `briefing build` leaves them out \
              (`serve --no-drafts` shows only what it publishes)"
    });
    let draft = server.get("/articles/draft/");
    assert_eq!(draft.status, 200);
    assert!(draft.text().contains(banner), "{}", draft.text());
    let home = server.get("/").text();
    assert!(
        home.contains(r#"<a href="./articles/draft/">Draft</a> <span class="badge">Draft</span>"#),
        "{home}"
    );
    // A published article has no banner.
    assert!(!server
        .get("/articles/first/")
        .text()
        .contains("status-banner"));
    // A new article, written as `new` writes it, shows at once.
    write(
        root,
        "content/2017-07-11-tonight.md",
        "---\ntitle: \"Tonight\"\ndate: 2017-07-11\nsource: \"AP\"\ndraft: true\n---\nBody.\n",
    );
    server.until("/articles/tonight/", "a new draft", |r| {
        r.status == 200 && r.text().contains(banner)
    });
    // A scheduled article shows too, with its own banner.
    write(
        root,
        "content/2099-01-01-embargoed.md",
        "---\ntitle: Embargoed\ndate: 2099-01-01T06:00:00Z\nsource: AP\n---\nLater.\n",
    );
    server.until("/articles/embargoed/", "a scheduled article", |r| {
        r.status == 200
            && r.text().contains(
                "<strong>Scheduled.</strong> Not published yet: <code>briefing build</code> \
                 leaves this article out until <time datetime=\"2099-01-01T06:00:00+00:00\">1 \
                 January 2099, 06:00</time>.</p>",
            )
    });
    drop(server);

    // --no-drafts serves exactly what build publishes.
    // (Running::start returns once the first build is served.)
    let server = Running::start(root, &["serve", "--port", "0", "--no-drafts"]);
    assert_eq!(server.get("/articles/draft/").status, 404);
    assert_eq!(server.get("/articles/tonight/").status, 404);
    assert_eq!(server.get("/articles/embargoed/").status, 404);
    serves_what_build_writes(&server, root, &[]);
    // And serve wrote nothing where build publishes.
    assert!(!root.join("public").exists());
}

#[test]
fn a_broken_save_shows_an_overlay_and_keeps_the_last_good_site() {
    let site = copy_fixture("basic");
    let root = site.path();
    let mut server = Running::start(root, &["serve", "--port", "0"]);
    let host = server.url.trim_start_matches("http://").to_string();
    let mut events = connect(&host);
    write!(
        events,
        "GET /__briefing/events HTTP/1.1\r\nHost: {host}\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(events);
    let mut next_event = || {
        let mut event = String::new();
        loop {
            let mut line = String::new();
            assert!(
                events.read_line(&mut line).unwrap() > 0,
                "the stream closed"
            );
            // A stream opens by naming the build; this test waits for what follows.
            if line == "\n" && event.starts_with("event: generation") {
                event.clear();
            }
            if line == "\n" && event.starts_with("event:") {
                return event;
            }
            if line.starts_with("event:") || line.starts_with("data:") {
                event.push_str(&line);
            }
        }
    };

    edit(root, FIRST, "tags: [syria", "tags: [[syria");
    let problem = next_event();
    assert!(problem.starts_with("event: problem\n"), "{problem}");
    assert!(
        problem.contains("data: error: content/2017-07-06-first.md:8:"),
        "the overlay shows the diagnostic: {problem}"
    );
    server.wait_line(|l| l.contains("content/2017-07-06-first.md:8:"));
    server.wait_line(|l| l == "still serving the last good build");
    // The last good page is still served.
    let page = server.get("/articles/first/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("First &lt;b&gt;briefing&lt;/b&gt;"));

    // A page opened now hears of the problem at once.
    let late = {
        let mut s = connect(&host);
        write!(s, "GET /__briefing/events HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
        let mut r = BufReader::new(s);
        let mut text = String::new();
        while !text.contains("data: error:") {
            assert!(r.read_line(&mut text).unwrap() > 0);
        }
        text
    };
    assert!(late.contains("event: problem"), "{late}");

    // A broken template is reported too, and a fix clears it all with a reload.
    write(root, "templates/home.html", "{% if %}");
    // The watcher may see the file created empty first (a valid template), and
    // report the article's problem alone once before the template's.
    let mut problem = next_event();
    for _ in 0..5 {
        if problem.contains("templates/home.html:1:") {
            break;
        }
        assert!(problem.starts_with("event: problem"), "{problem}");
        problem = next_event();
    }
    assert!(problem.contains("templates/home.html:1:"), "{problem}");
    std::fs::remove_file(root.join("templates/home.html")).unwrap();
    edit(root, FIRST, "tags: [[syria", "tags: [syria");
    let mut event = next_event();
    while event.starts_with("event: problem") {
        event = next_event();
    }
    assert_eq!(event, "event: reload\ndata: \n");
}

#[test]
fn no_path_leads_out_of_the_site() {
    let site = copy_fixture("basic");
    let root = site.path();
    write(root, "secret.txt", "the editor's secret");
    let server = Running::start(root, &["serve", "--port", "0"]);
    let secret_abs = root.join("secret.txt");
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/articles/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        &format!("/{}", secret_abs.display()),
        &format!("//{}", secret_abs.display()),
        "/site.toml",
        "/content/2017-07-06-first.md",
    ] {
        let reply = server.get(path);
        assert!(
            matches!(reply.status, 400 | 404),
            "{path}: {}",
            reply.status
        );
        assert!(
            !reply.text().contains("secret") && !reply.text().contains("base_url"),
            "{path}"
        );
    }
    // Directories get their index, with a redirect to the slash first.
    let redirect = server.get("/articles/first");
    assert_eq!(
        (redirect.status, redirect.header("Location").as_deref()),
        (301, Some("/articles/first/"))
    );
    let css = server.get("/style.css");
    assert_eq!(
        css.header("Content-Type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert!(!css.text().contains("<script"));
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let o = crate::support::briefing(&[
        "--root",
        crate::support::fixture("basic").to_str().unwrap(),
        "serve",
        "--port",
        &port,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        stderr.trim_end(),
        format!("error: cannot listen on 127.0.0.1:{port}: the port is already in use; stop the other server, or choose another port with --port (--port 0 picks a free one)")
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_and_removes_its_folder() {
    let site = copy_fixture("basic");
    let mut server = Running::start(site.path(), &["serve", "--port", "0"]);
    assert_eq!(server.get("/").status, 200);
    let served: Vec<_> = std::fs::read_dir(server.tmp.path()).unwrap().collect();
    assert_eq!(served.len(), 1, "the preview lives in one temporary folder");
    let pid = libc::pid_t::try_from(server.child.id()).unwrap();
    // SAFETY: sends a signal to our own child process; no memory is involved.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0, "SIGINT sent");
    server.wait_line(|l| l == "stopped");
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running");
        std::thread::sleep(POLL);
    };
    assert!(status.success(), "{status:?}");
    assert_eq!(
        std::fs::read_dir(server.tmp.path()).unwrap().count(),
        0,
        "the preview folder is left behind"
    );
    assert!(
        !site.path().join("public").exists(),
        "serve never writes public/"
    );
}

#[test]
fn watch_updates_the_output_folder() {
    let site = copy_fixture("basic");
    let root = site.path();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let mut watcher = Running::start(root, &["watch", "--output", target.to_str().unwrap()]);
    edit(root, FIRST, "Second paragraph.", "Watched paragraph.");
    watcher.wait_line(|l| l.starts_with("updated "));
    let page = std::fs::read_to_string(target.join("articles/first/index.html")).unwrap();
    assert!(page.contains("Watched paragraph."));
    assert!(
        !page.contains("__briefing"),
        "watch output has no live-reload script"
    );
    let full = tempfile::tempdir().unwrap();
    let (code, _, stderr) = crate::support::build(root, full.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(tree(&target), tree(full.path()));
}

/// Reads one response from a kept-alive connection: its head, and its body by its
/// `Content-Length` (none when it answers a HEAD, `head_only`).
fn read_reply(reader: &mut BufReader<TcpStream>, head_only: bool) -> Reply {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "connection closed"
        );
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length = match header(&head, "Content-Length") {
        Some(n) if !head_only => n.parse().unwrap(),
        _ => 0,
    };
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    Reply {
        status,
        headers: head,
        body,
    }
}

#[test]
fn the_server_is_bounded_and_survives_bad_clients() {
    let site = copy_fixture("basic");
    let server = Running::start(site.path(), &["serve", "--port", "0"]);
    let host = server.url.trim_start_matches("http://").to_string();
    let connect = || connect(&host);
    // Keep-alive: three requests on one connection, each answered in full.
    let stream = connect();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for path in ["/", "/style.css", "/no/such/page/"] {
        write!(&stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
        let reply = read_reply(&mut reader, false);
        assert_eq!(
            reply.status,
            if path.starts_with("/no") { 404 } else { 200 }
        );
        assert!(!reply.body.is_empty());
    }
    // A head larger than the limit is refused, not read forever.
    let mut big = connect();
    let filler = "x".repeat(20 * 1024);
    write!(big, "GET / HTTP/1.1\r\nX-Filler: {filler}\r\n\r\n").unwrap();
    assert_eq!(read_reply(&mut BufReader::new(big), false).status, 431);
    // Clients that close in the middle of a response, or right after asking.
    for _ in 0..20 {
        let mut s = connect();
        write!(s, "GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
        let mut first = [0; 16];
        s.read_exact(&mut first).unwrap();
        drop(s);
        let mut s = connect();
        write!(s, "GET /articles/first/ HTTP/1.1\r\n").unwrap();
        drop(s);
    }
    // A slowloris: 300 connections, more than the limit, that each begin a request
    // and never finish its head. Past the limit, each new connection evicts the
    // idlest one, so a normal client is always served.
    let held: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut s = connect();
            write!(s, "GET / HTTP/1.1\r\n").unwrap();
            s
        })
        .collect();
    for _ in 0..20 {
        let reply = server.get("/");
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    // The evicted were the first to connect: at least the 44 over the limit. They
    // are closed well before the header timeout would have closed them.
    let kept = MAX_CONNECTIONS.min(held.len());
    for (i, mut s) in held[..held.len() - kept].iter().enumerate() {
        s.set_read_timeout(Some(READ_TIMEOUT / 2)).unwrap();
        match s.read(&mut [0; 64]) {
            Ok(0) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            other => panic!("slow connection {i} not closed: {other:?}"),
        }
    }
    // The newest are still open, and answered once their head is complete.
    let last = held.last().unwrap();
    write!(&*last, "Host: {host}\r\n\r\n").unwrap();
    let reply = read_reply(&mut BufReader::new(last.try_clone().unwrap()), false);
    assert_eq!(reply.status, 200);
    drop(held);
    server.until("/", "after the flood", |r| r.status == 200);
}

#[test]
fn a_newcomer_is_told_503_only_when_every_connection_is_inside_a_request() {
    let site = copy_fixture("basic");
    // Room for four connections; event streams are requests that go on.
    let server = Running::start_with(
        site.path(),
        &["serve", "--port", "0"],
        &[("BRIEFING_MAX_CONNECTIONS", "4")],
    );
    let host = server.host().to_string();
    let stream = || {
        let s = connect(&host);
        write!(&s, "GET {EVENTS_PATH} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
        let mut reader = BufReader::new(s);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.starts_with("HTTP/1.1 200 "), "{status}");
        reader
    };
    let streams: Vec<_> = (0..3).map(|_| stream()).collect();
    // The fourth is a kept-alive connection between requests: it makes room.
    let idle = connect(&host);
    write!(&idle, "GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut idle = BufReader::new(idle);
    assert_eq!(read_reply(&mut idle, false).status, 200);
    assert_eq!(server.get("/").status, 200);
    let mut rest = Vec::new();
    idle.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    // With every place taken by a request under way, a newcomer is refused cleanly.
    let fourth = stream();
    let refused = server.exchange(&format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
    let refused = String::from_utf8_lossy(&refused);
    assert!(refused.starts_with("HTTP/1.1 503 "), "{refused}");
    assert!(refused.ends_with("too many connections\n"), "{refused}");
    drop((streams, fourth));
}

/// A data file of the site, 1,201 bytes: ranges, validators and HEAD are asked of it.
const DATA: &str = "static/data.json";

fn serve_with_data() -> (tempfile::TempDir, Running) {
    let site = copy_fixture("basic");
    let numbers: Vec<String> = (0..300).map(|i| format!("{i:03}")).collect();
    write(site.path(), DATA, &format!("[{}]", numbers.join(",")));
    let server = Running::start(site.path(), &["serve", "--port", "0"]);
    (site, server)
}

#[test]
fn static_files_answer_ranges_and_conditional_requests() {
    let (_site, server) = serve_with_data();
    let whole = server.get("/data.json");
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body.len(), 1201);
    assert_eq!(whole.header("Accept-Ranges").as_deref(), Some("bytes"));
    assert_eq!(whole.header("Cache-Control").as_deref(), Some("no-store"));

    let part = server.ask("/data.json", &["Range: bytes=0-99"]);
    assert_eq!(part.status, 206);
    assert_eq!(
        part.header("Content-Range").as_deref(),
        Some("bytes 0-99/1201")
    );
    assert_eq!(part.body, whole.body[..100]);
    let beyond = server.ask("/data.json", &["Range: bytes=5000-"]);
    assert_eq!(beyond.status, 416);
    assert_eq!(
        beyond.header("Content-Range").as_deref(),
        Some("bytes */1201")
    );

    let etag = whole.header("ETag").expect("an ETag");
    let same = server.ask("/data.json", &[&format!("If-None-Match: {etag}")]);
    assert_eq!((same.status, same.body.len()), (304, 0));
    let other = server.ask("/data.json", &["If-None-Match: \"another\""]);
    assert_eq!((other.status, other.body.len()), (200, 1201));
    let date = whole.header("Last-Modified").expect("a Last-Modified");
    let since = server.ask("/data.json", &[&format!("If-Modified-Since: {date}")]);
    assert_eq!(since.status, 304);
}

#[test]
fn html_pages_are_sent_whole_without_validators() {
    let site = copy_fixture("basic");
    let server = Running::start(site.path(), &["serve", "--port", "0"]);
    // The script is put in as the page is sent, so a range of the file on disk
    // would be a range of something else.
    let page = server.ask("/articles/first/", &["Range: bytes=0-99"]);
    assert_eq!(page.status, 200);
    assert!(script_before_body_end(&page.text()));
    assert_eq!(
        page.header("Content-Length"),
        Some(page.body.len().to_string())
    );
    for absent in ["ETag", "Last-Modified", "Accept-Ranges", "Content-Range"] {
        assert_eq!(page.header(absent), None, "{absent}");
    }
    assert_eq!(page.header("Cache-Control").as_deref(), Some("no-store"));
}

#[test]
fn head_is_answered_with_headers_only() {
    let (_site, server) = serve_with_data();
    let page_length = server.get("/articles/first/").body.len().to_string();
    let stream = connect(server.host());
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for (path, length, kind) in [
        ("/data.json", Some("1201"), "application/json"),
        ("/articles/first/", Some(page_length.as_str()), "text/html"),
        (EVENTS_PATH, None, "text/event-stream"),
    ] {
        write!(&stream, "HEAD {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let reply = read_reply(&mut reader, true);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("Content-Length").as_deref(), length, "{path}");
        assert!(reply.header("Content-Type").unwrap().starts_with(kind));
    }
    // No body followed any of them: the next request on the connection is answered
    // as itself, and the connection then ends cleanly.
    write!(
        &stream,
        "GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let last = read_reply(&mut reader, false);
    assert_eq!(
        (last.status, last.text().as_str()),
        (200, "User-agent: *\n")
    );
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
}

#[test]
fn a_request_body_is_never_read_as_a_request() {
    let site = copy_fixture("basic");
    let server = Running::start(site.path(), &["serve", "--port", "0"]);
    // A body that looks like a request: read as one, it would be answered too.
    let inner = "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut stream = connect(server.host());
    write!(
        stream,
        "GET /style.css HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{inner}",
        inner.len()
    )
    .unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let reply = parse(&raw);
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.text(),
        ".x{}\n",
        "exactly one response, the stylesheet"
    );

    // A body announced and never sent: the request is answered once, and the
    // connection closed rather than left waiting for the body.
    let mut stream = connect(server.host());
    write!(
        stream,
        "GET /style.css HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    assert_eq!(parse(&raw).text(), ".x{}\n");
}

#[test]
fn absolute_form_targets_are_served() {
    let site = copy_fixture("basic");
    let server = Running::start(site.path(), &["serve", "--port", "0"]);
    let host = server.host();
    let ask = |target: &str| {
        parse(&server.exchange(&format!(
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )))
    };
    let page = ask(&format!("http://{host}/articles/first/"));
    assert_eq!(page.status, 200);
    assert!(page.text().contains(SCRIPT_TAG));
    let folder = ask(&format!("http://{host}/articles/first"));
    assert_eq!(
        (folder.status, folder.header("Location").as_deref()),
        (301, Some("/articles/first/"))
    );
}

#[test]
fn bad_paths_folders_and_missing_pages_get_their_answers() {
    let site = copy_fixture("basic");
    let server = Running::start(site.path(), &["serve", "--port", "0"]);
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/articles/%2E%2E/%2e%2e/site.toml",
        "/articles/..%2f..%2fsite.toml",
        "/..%5csite.toml",
        "/index.html%00.css",
    ] {
        let reply = server.get(path);
        assert_eq!(
            (reply.status, reply.text().as_str()),
            (400, "bad path\n"),
            "{path}"
        );
    }
    // The query is kept, and the redirect never leads to another host (`//x/`).
    for (path, to) in [
        ("/articles/first?ref=home", "/articles/first/?ref=home"),
        ("//articles/first", "/articles/first/"),
    ] {
        let redirect = server.get(path);
        assert_eq!(
            (redirect.status, redirect.header("Location").as_deref()),
            (301, Some(to)),
            "{path}"
        );
    }
    // A missing page gets the site's own 404 page, live-reload script and all.
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(missing.text().contains("There is no page at this address."));
    assert!(script_before_body_end(&missing.text()));
}

/// The first event of a new event stream, and the text of the stream so far.
fn first_event(host: &str) -> String {
    let mut s = connect(host);
    write!(s, "GET {EVENTS_PATH} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut r = BufReader::new(s);
    let mut event = String::new();
    loop {
        let mut line = String::new();
        assert!(r.read_line(&mut line).unwrap() > 0, "the stream closed");
        if line.starts_with("event:") || line.starts_with("data:") {
            event.push_str(&line);
        }
        if line == "\n" && event.starts_with("event:") {
            return event;
        }
    }
}

#[test]
fn a_site_broken_from_the_start_says_so_and_pages_learn_of_builds_they_missed() {
    let site = copy_fixture("basic");
    let root = site.path();
    edit(root, FIRST, "tags: [syria", "tags: [[syria");
    let server = Running::start(root, &["serve", "--port", "0"]);
    let host = server.url.trim_start_matches("http://").to_string();
    // No good build yet: every address says so, and its stream shows the problem.
    let page = server.get("/articles/first/");
    assert_eq!(page.status, 404);
    assert!(
        page.text().contains("<h1>The site has not built yet</h1>"),
        "{}",
        page.text()
    );
    assert_eq!(without_script(&page.text()).1, Some(0));
    let event = first_event(&host);
    assert!(
        event.starts_with("event: unbuilt\ndata: error: content/2017-07-06-first.md:8:"),
        "{event}"
    );
    // Fixed: the site is served, each page names the build it is of, and a stream
    // opened later names the build now, so a page that loaded while a build finished
    // (and missed its reload) reloads.
    edit(root, FIRST, "tags: [[syria", "tags: [syria");
    // A page read while the build is published may say the generation before it
    // (an extra reload, never a missed one: see `Live::generation`), so the test
    // waits for the page that says it.
    let home = server.until("/", "the fixed site", |r| {
        r.status == 200 && without_script(&r.text()).1 == Some(1)
    });
    assert_eq!(without_script(&home.text()).1, Some(1));
    assert_eq!(first_event(&host), "event: generation\ndata: 1\n");
    edit(root, FIRST, "First", "Second");
    let page = server.until("/articles/first/", "the next build", |r| {
        without_script(&r.text()).1 == Some(2)
    });
    assert!(page.text().contains("Second"));
    assert_eq!(first_event(&host), "event: generation\ndata: 2\n");
}
