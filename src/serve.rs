//! The preview server: serves a built site from its folder, with live reload.
//!
//! Every HTML page it serves gets one `<script>` (never written to disk, so `build`
//! output never has it) that listens on `/__briefing/events` (server-sent events).
//! After a rebuild completes the server sends `reload`; after a failed one it sends
//! `problem` with the diagnostics, which the script shows over the page until the
//! next good build reloads it. A page opened while the site is broken is told at once.
//!
//! Only files inside the site folder are ever served: the URL path is decoded, a
//! `..` segment is refused, and the file found must resolve inside the folder.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// Where the live-reload script is served.
pub const SCRIPT_PATH: &str = "/__briefing/live.js";
/// Where the script listens for events.
pub const EVENTS_PATH: &str = "/__briefing/events";
/// The tag injected before `</body>` of every HTML page served.
pub const SCRIPT_TAG: &str = "<script src=\"/__briefing/live.js\"></script>";
const SCRIPT: &str = include_str!("serve/live.js");

/// Threads answering ordinary requests; event streams get a thread each.
const WORKERS: usize = 4;
/// Event streams open at once (browser tabs); more get 503.
const MAX_STREAMS: usize = 64;
/// A comment sent on idle event streams, so dead clients are noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The state pages are told about.
#[derive(Debug, Default)]
struct Live {
    /// Bumped on every rebuild the browser should hear of.
    generation: u64,
    /// The diagnostics of the last build, when it failed.
    problem: Option<String>,
}

struct Shared {
    dir: PathBuf,
    live: Mutex<Live>,
    changed: Condvar,
    streams: AtomicUsize,
}

/// A running server.
pub struct Server {
    http: Arc<tiny_http::Server>,
    shared: Arc<Shared>,
    /// The address it listens on (the real port when 0 was asked for).
    pub addr: SocketAddr,
}

/// Binds `ip:port`, with a message that says what to do when it cannot.
pub fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, String> {
    TcpListener::bind((ip, port)).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "cannot listen on {}: the port is already in use; stop the other server, \
             or choose another port with --port (--port 0 picks a free one)",
            SocketAddr::new(ip, port)
        ),
        std::io::ErrorKind::AddrNotAvailable => {
            format!("cannot listen on {ip}: this machine has no such address; use --bind 127.0.0.1")
        }
        _ => format!("cannot listen on {}: {e}", SocketAddr::new(ip, port)),
    })
}

impl Server {
    /// Starts serving the files of `dir` on `listener`.
    pub fn start(listener: TcpListener, dir: &Path) -> Result<Server, String> {
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let http = tiny_http::Server::from_listener(listener, None)
            .map_err(|e| format!("cannot serve on {addr}: {e}"))?;
        let http = Arc::new(http);
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            live: Mutex::new(Live::default()),
            changed: Condvar::new(),
            streams: AtomicUsize::new(0),
        });
        for _ in 0..WORKERS {
            let (http, shared) = (Arc::clone(&http), Arc::clone(&shared));
            std::thread::spawn(move || {
                while let Ok(request) = http.recv() {
                    handle(&shared, request);
                }
            });
        }
        Ok(Server { http, shared, addr })
    }

    /// Tells every open page to reload (after a rebuild completed).
    pub fn reload(&self) {
        self.publish(None);
    }

    /// Shows `text` (the diagnostics of a failed build) over every open page.
    pub fn problem(&self, text: String) {
        self.publish(Some(text));
    }

    /// Whether open pages are showing a problem.
    pub fn has_problem(&self) -> bool {
        self.shared.live.lock().is_ok_and(|l| l.problem.is_some())
    }

    fn publish(&self, problem: Option<String>) {
        if let Ok(mut live) = self.shared.live.lock() {
            live.generation += 1;
            live.problem = problem;
        }
        self.shared.changed.notify_all();
    }

    /// Stops accepting requests.
    pub fn stop(&self) {
        for _ in 0..WORKERS {
            self.http.unblock();
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

fn handle(shared: &Arc<Shared>, request: Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("only GET and HEAD are served\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_string();
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url.as_str(), None),
    };
    match path {
        SCRIPT_PATH => {
            let response = Response::from_string(SCRIPT)
                .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
                .with_header(header("Cache-Control", "no-store"));
            let _ = request.respond(response);
        }
        EVENTS_PATH => {
            if shared.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
                shared.streams.fetch_sub(1, Ordering::SeqCst);
                let _ = request
                    .respond(Response::from_string("too many open pages\n").with_status_code(503));
                return;
            }
            let shared = Arc::clone(shared);
            std::thread::spawn(move || {
                stream_events(&shared, request);
                shared.streams.fetch_sub(1, Ordering::SeqCst);
            });
        }
        _ => serve_file(shared, request, path, query),
    }
}

/// What a URL path names in the site folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Located {
    /// A file to send.
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect there, so the page's
    /// relative links resolve.
    Folder,
    /// Nothing there.
    NotFound,
    /// A path that tries to leave the folder, or cannot be decoded.
    Refused,
}

/// Finds the file `url_path` (as sent, percent-encoded) names inside `dir`.
pub fn locate(dir: &Path, url_path: &str) -> Located {
    let Ok(decoded) = percent_encoding::percent_decode_str(url_path).decode_utf8() else {
        return Located::Refused;
    };
    if !decoded.starts_with('/') {
        return Located::Refused;
    }
    let mut file = dir.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Located::Refused,
            s if s.contains(['\\', '\0']) || (cfg!(windows) && s.contains(':')) => {
                return Located::Refused
            }
            s => file.push(s),
        }
    }
    if file.is_dir() {
        if !decoded.ends_with('/') {
            return Located::Folder;
        }
        file.push("index.html");
    }
    if !file.is_file() {
        return Located::NotFound;
    }
    // The output holds no links, but a folder someone put one into must not leak.
    match (file.canonicalize(), dir.canonicalize()) {
        (Ok(f), Ok(d)) if f.starts_with(&d) => Located::File(file),
        _ => Located::Refused,
    }
}

/// The Content-Type of a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "txt" | "md" | "csv" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "wasm" => "application/wasm",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// `html` with the live-reload script before its last `</body>` (or at the end).
pub fn inject(mut html: String) -> String {
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    html.insert_str(at, SCRIPT_TAG);
    html
}

const FALLBACK_404: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1><p>No page at this address.</p></body></html>";

fn serve_file(shared: &Shared, request: Request, path: &str, query: Option<&str>) {
    let response = match locate(&shared.dir, path) {
        Located::File(file) => file_response(&file, 200),
        Located::Folder => {
            let to = match query {
                Some(q) => format!("{path}/?{q}"),
                None => format!("{path}/"),
            };
            Ok(Response::from_string(format!("moved to {to}\n"))
                .with_status_code(301)
                .with_header(header("Location", &to)))
        }
        Located::NotFound => {
            let page = shared.dir.join("404.html");
            if page.is_file() {
                file_response(&page, 404)
            } else {
                Ok(html_response(inject(FALLBACK_404.to_string()), 404))
            }
        }
        Located::Refused => Ok(Response::from_string("bad path\n").with_status_code(400)),
    };
    let response = response.unwrap_or_else(|e| {
        Response::from_string(format!("cannot read the file: {e}\n")).with_status_code(500)
    });
    let _ = request.respond(response.with_header(header("Cache-Control", "no-store")));
}

fn html_response(html: String, status: u16) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(html)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
}

fn file_response(file: &Path, status: u16) -> std::io::Result<Response<std::io::Cursor<Vec<u8>>>> {
    let kind = content_type(file);
    let mut bytes = Vec::new();
    std::fs::File::open(file)?.read_to_end(&mut bytes)?;
    if kind.starts_with("text/html") {
        let html = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        return Ok(html_response(inject(html), status));
    }
    Ok(Response::from_data(bytes)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", kind)))
}

/// One event in the text/event-stream format: each line of `data` on its own
/// `data:` line.
pub fn event(name: &str, data: &str) -> String {
    let mut out = format!("event: {name}\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Holds an event stream open, sending `reload` and `problem` as builds finish.
fn stream_events(shared: &Shared, request: Request) {
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    let Ok(mut live) = shared.live.lock() else {
        return;
    };
    let mut first = head.to_string();
    first.push_str("retry: 500\n\n");
    if let Some(problem) = &live.problem {
        first.push_str(&event("problem", problem));
    }
    let mut seen = live.generation;
    drop(live);
    // A write fails once the page is closed: that ends the stream.
    let mut send = |text: &str| {
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .is_ok()
    };
    if !send(&first) {
        return;
    }
    loop {
        let Ok(guard) = shared.live.lock() else {
            return;
        };
        let Ok((guard, _)) = shared
            .changed
            .wait_timeout_while(guard, KEEPALIVE, |l| l.generation == seen)
        else {
            return;
        };
        live = guard;
        let message = if live.generation == seen {
            ": still here\n\n".to_string()
        } else {
            seen = live.generation;
            match &live.problem {
                Some(problem) => event("problem", problem),
                None => event("reload", ""),
            }
        };
        drop(live);
        if !send(&message) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_site_folder() {
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("out");
        std::fs::create_dir_all(dir.join("articles/x")).unwrap();
        std::fs::write(dir.join("articles/x/index.html"), "x").unwrap();
        std::fs::write(site.path().join("secret.txt"), "secret").unwrap();
        assert_eq!(
            locate(&dir, "/articles/x/"),
            Located::File(dir.join("articles/x/index.html"))
        );
        assert_eq!(locate(&dir, "/articles/x"), Located::Folder);
        assert_eq!(
            locate(&dir, "/articles/%78/index.html"),
            Located::File(dir.join("articles/x/index.html"))
        );
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/articles/%2E%2E/%2e%2e/secret.txt",
            "/a/..%2f..%2fsecret.txt",
            "/..\\secret.txt",
            "/%ff",
            "secret.txt",
        ] {
            assert_eq!(locate(&dir, bad), Located::Refused, "{bad}");
        }
        // An absolute path inside the URL stays inside the folder.
        assert_eq!(
            locate(
                &dir,
                &format!("/{}", site.path().join("secret.txt").display())
            ),
            Located::NotFound
        );
        assert_eq!(locate(&dir, "//etc/passwd"), Located::NotFound);
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        assert_eq!(
            inject("<p></body></p></BODY></html>".into()),
            format!("<p></body></p>{SCRIPT_TAG}</BODY></html>")
        );
        assert_eq!(inject("<p>".into()), format!("<p>{SCRIPT_TAG}"));
    }

    #[test]
    fn events_put_each_line_on_a_data_line() {
        assert_eq!(
            event("problem", "a\nb"),
            "event: problem\ndata: a\ndata: b\n\n"
        );
    }
}
