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
//!
//! HTTP/1.1 with keep-alive, one thread per connection, and bounds everywhere: at
//! most [`MAX_CONNECTIONS`] connections (more are told 503 and closed), a request
//! head must arrive within [`READ_TIMEOUT`] and be at most [`MAX_HEAD`] bytes, and a
//! client that takes longer than [`WRITE_TIMEOUT`] to accept a response is dropped.
//! A failed `accept` (no file descriptors left) waits and tries again: the server
//! never stops listening while the process runs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Where the live-reload script is served.
pub const SCRIPT_PATH: &str = "/__briefing/live.js";
/// Where the script listens for events.
pub const EVENTS_PATH: &str = "/__briefing/events";
/// The tag injected before `</body>` of every HTML page served.
pub const SCRIPT_TAG: &str = "<script src=\"/__briefing/live.js\"></script>";
const SCRIPT: &str = include_str!("server/live.js");

/// Connections open at once; more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 256;
/// Event streams open at once (browser tabs); more get 503.
const MAX_STREAMS: usize = 64;
/// How long a connection may take to send a request head, or sit idle between
/// requests.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to accept each part of a response.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head read (request line and headers).
pub const MAX_HEAD: usize = 16 * 1024;
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
    connections: AtomicUsize,
    stopping: AtomicBool,
}

/// A running server.
pub struct Server {
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
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            live: Mutex::new(Live::default()),
            changed: Condvar::new(),
            streams: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("accept".into())
            .spawn(move || accept(&listener, &accepting))
            .map_err(|e| format!("cannot serve on {addr}: {e}"))?;
        Ok(Server { shared, addr })
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
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees `stopping`.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        self.shared.changed.notify_all();
    }
}

/// Accepts connections until the server stops, each on a thread of its own.
fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept() else {
            // Out of file descriptors, most likely: connections close within the
            // timeouts, and then accepting works again.
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
            let _ = respond(
                &stream,
                503,
                &[
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Connection", "close"),
                ],
                b"too many connections\n",
                true,
            );
            continue;
        }
        let conn = Arc::clone(shared);
        let spawned = std::thread::Builder::new().spawn(move || {
            connection(&conn, stream);
            conn.connections.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// One request: its method, path (with the query) and whether the client keeps
/// the connection open after it.
struct Request {
    method: String,
    target: String,
    keep_alive: bool,
}

/// Reads one request head; `None` at the end of the connection, a timeout, or a
/// head that is malformed or too large (answered 400 or 431 first).
fn read_request(reader: &mut BufReader<&TcpStream>, stream: &TcpStream) -> Option<Request> {
    let mut head = Vec::new();
    // The whole head within READ_TIMEOUT, not each read: a client sending a byte a
    // second would otherwise hold its connection for hours.
    let deadline = std::time::Instant::now() + READ_TIMEOUT;
    let mut line_start = 0;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return None;
        }
        let buf = reader.fill_buf().ok()?;
        if buf.is_empty() {
            return None;
        }
        let (take, line_end) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        head.extend_from_slice(&buf[..take]);
        reader.consume(take);
        if head.len() > MAX_HEAD {
            let _ = respond(
                stream,
                431,
                &[("Connection", "close")],
                b"request head too large\n",
                true,
            );
            return None;
        }
        if !line_end {
            continue;
        }
        let line = &head[line_start..];
        let blank = line == b"\r\n" || line == b"\n";
        // A blank line ends the head (blank lines before the request line are skipped).
        if blank && line_start > 0 {
            break;
        }
        if blank {
            head.clear();
        }
        line_start = head.len();
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.lines();
    let mut parts = lines.next()?.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        let _ = respond(
            stream,
            400,
            &[("Connection", "close")],
            b"bad request\n",
            true,
        );
        return None;
    };
    let mut keep_alive = version == "HTTP/1.1";
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("connection") {
                let value = value.trim().to_ascii_lowercase();
                if value.contains("close") {
                    keep_alive = false;
                } else if value.contains("keep-alive") {
                    keep_alive = true;
                }
            }
        }
    }
    Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive,
    })
}

/// Answers the requests of one connection until it closes, fails or times out.
fn connection(shared: &Arc<Shared>, stream: TcpStream) {
    let mut reader = BufReader::new(&stream);
    while let Some(request) = read_request(&mut reader, &stream) {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        if !handle(shared, &stream, &request) || !request.keep_alive {
            break;
        }
    }
    // Closing with unread input makes the system reset the connection, which can
    // destroy a response (a 431) before the client reads it: the end of our side is
    // sent first, and a little of what the client still sends is read and dropped.
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let _ = std::io::copy(&mut reader.take(64 * 1024), &mut std::io::sink());
}

/// Writes a response: the head and the body in one write, so nothing waits on
/// the network's small-packet delay. Returns whether it was all written.
fn respond(
    mut stream: &TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    send_body: bool,
) -> bool {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        _ => "Service Unavailable",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if send_body {
        bytes.extend_from_slice(body);
    }
    stream
        .write_all(&bytes)
        .and_then(|()| stream.flush())
        .is_ok()
}

/// Answers one request; returns whether the connection can serve another.
fn handle(shared: &Arc<Shared>, stream: &TcpStream, request: &Request) -> bool {
    let head_only = request.method == "HEAD";
    if request.method != "GET" && !head_only {
        respond(
            stream,
            405,
            &[("Allow", "GET, HEAD"), ("Connection", "close")],
            b"only GET and HEAD are served\n",
            true,
        );
        return false;
    }
    let (path, query) = match request.target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (request.target.as_str(), None),
    };
    match path {
        SCRIPT_PATH => respond(
            stream,
            200,
            &[
                ("Content-Type", "text/javascript; charset=utf-8"),
                ("Cache-Control", "no-store"),
            ],
            SCRIPT.as_bytes(),
            !head_only,
        ),
        EVENTS_PATH => {
            if shared.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
                shared.streams.fetch_sub(1, Ordering::SeqCst);
                return respond(stream, 503, &[], b"too many open pages\n", !head_only);
            }
            stream_events(shared, stream);
            shared.streams.fetch_sub(1, Ordering::SeqCst);
            false
        }
        _ => serve_file(shared, stream, path, query, head_only),
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

fn serve_file(
    shared: &Shared,
    stream: &TcpStream,
    path: &str,
    query: Option<&str>,
    head_only: bool,
) -> bool {
    let no_store = ("Cache-Control", "no-store");
    let file = |file: &Path, status: u16| match read_file(file) {
        Ok((kind, bytes)) => respond(
            stream,
            status,
            &[("Content-Type", kind), no_store],
            &bytes,
            !head_only,
        ),
        Err(e) => respond(
            stream,
            500,
            &[no_store],
            format!("cannot read the file: {e}\n").as_bytes(),
            !head_only,
        ),
    };
    match locate(&shared.dir, path) {
        Located::File(found) => file(&found, 200),
        Located::Folder => {
            let to = match query {
                Some(q) => format!("{path}/?{q}"),
                None => format!("{path}/"),
            };
            let body = format!("moved to {to}\n");
            respond(
                stream,
                301,
                &[("Location", &to), no_store],
                body.as_bytes(),
                !head_only,
            )
        }
        Located::NotFound => {
            let page = shared.dir.join("404.html");
            if page.is_file() {
                file(&page, 404)
            } else {
                let html = inject(FALLBACK_404.to_string());
                let kind = ("Content-Type", "text/html; charset=utf-8");
                respond(stream, 404, &[kind, no_store], html.as_bytes(), !head_only)
            }
        }
        Located::Refused => respond(stream, 400, &[no_store], b"bad path\n", !head_only),
    }
}

/// A file's Content-Type and bytes, HTML with the live-reload script in it.
fn read_file(file: &Path) -> std::io::Result<(&'static str, Vec<u8>)> {
    let kind = content_type(file);
    let mut bytes = Vec::new();
    std::fs::File::open(file)?.read_to_end(&mut bytes)?;
    if kind.starts_with("text/html") {
        let html = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        return Ok((kind, inject(html).into_bytes()));
    }
    Ok((kind, bytes))
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
fn stream_events(shared: &Shared, mut out: &TcpStream) {
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
        let Ok((guard, _)) = shared.changed.wait_timeout_while(guard, KEEPALIVE, |l| {
            l.generation == seen && !shared.stopping.load(Ordering::SeqCst)
        }) else {
            return;
        };
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
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
