//! The preview server: serves a built site from its folder, with live reload.
//!
//! HTTP/1.1 is hyper's, routing axum's, and every file but an HTML page is sent by
//! tower-http's `ServeFile`: streamed, with `Range`, `HEAD`, conditional requests
//! (`ETag`, `Last-Modified`) and a content type from mime_guess's table. They run on
//! a tokio runtime of the server's own, so its callers stay synchronous. What is
//! ours: which file a URL names (`files`), the live-reload script put into every
//! HTML page as it is sent and the events it listens to (`live`), and the bounds.
//!
//! The bounds, since a preview may be shown to the network (`--bind`): at most
//! [`MAX_CONNECTIONS`] connections, a request head within [`READ_TIMEOUT`] (also the
//! longest a kept-alive connection may sit idle) and of at most [`MAX_HEAD`] bytes,
//! and a client that takes longer than [`WRITE_TIMEOUT`] to accept a part of a
//! response is dropped. The cap is fair (`connections`): a connection past it makes
//! room by evicting the idlest connection not inside a request (the one whose last
//! request started longest ago, or that connected longest ago without finishing a
//! head), so clients that hold connections without asking (slowloris) cannot keep a
//! browser out; only when every connection is inside a request is a newcomer told 503
//! and closed. (An evicted connection closes at once, or once the response it is
//! sending has gone out; until then it is open beyond the cap.) A failed `accept` (no
//! file descriptors left) waits and tries again: the server never stops listening
//! while the process runs.

mod connections;
mod files;
mod live;

pub use live::{EVENTS_PATH, SCRIPT_PATH, SCRIPT_TAG};

use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use connections::{Connections, Counted, Evicted, Slot};
use files::Answer;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use live::Live;
use std::future::Future;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;
use tower_http::services::ServeFile;
use tower_http::set_header::SetResponseHeaderLayer;

/// Connections kept open at once. One more evicts the idlest connection not inside a
/// request; when every connection is inside one, the newcomer is answered 503 and
/// closed. `BRIEFING_MAX_CONNECTIONS` sets another number (the tests fill a small
/// server with requests that never end).
pub const MAX_CONNECTIONS: usize = 256;
/// How long a connection may take to send a request head, or sit idle between
/// requests.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to accept each part of a response.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head read (request line and headers); a larger one is
/// answered 431.
pub const MAX_HEAD: usize = 16 * 1024;
/// The threads that serve: a preview has one reader, or a few.
const WORKERS: usize = 2;
/// How long a closing connection goes on reading what its client still sends, and
/// how much of it.
const LINGER: Duration = Duration::from_millis(100);
const LINGER_BYTES: u64 = 64 * 1024;

/// What the request handlers share.
struct Shared {
    dir: PathBuf,
    live: Live,
}

/// A running server.
pub struct Server {
    shared: Arc<Shared>,
    runtime: tokio::runtime::Runtime,
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
    /// Starts serving the files of `dir` on `listener`, on threads of its own.
    pub fn start(listener: TcpListener, dir: &Path) -> Result<Server, String> {
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let cannot = |e: std::io::Error| format!("cannot serve on {addr}: {e}");
        let connections = Connections::new(max_connections()?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .thread_name("serve")
            .enable_all()
            .build()
            .map_err(cannot)?;
        listener.set_nonblocking(true).map_err(cannot)?;
        let listener = {
            let _inside = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(cannot)?
        };
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            live: Live::new(),
        });
        runtime.spawn(accept(listener, router(Arc::clone(&shared)), connections));
        Ok(Server {
            shared,
            runtime,
            addr,
        })
    }

    /// Tells every open page to reload (after a rebuild completed).
    pub fn reload(&self) {
        self.shared.live.publish(None);
    }

    /// Shows `text` (the diagnostics of a failed build) over every open page.
    pub fn problem(&self, text: String) {
        self.shared.live.publish(Some(text));
    }

    /// Whether open pages are showing a problem.
    pub fn has_problem(&self) -> bool {
        self.shared.live.has_problem()
    }

    /// Stops serving: closes the listener and every connection, and waits (a second
    /// at most) for file reads under way, so that the folder can go.
    pub fn stop(self) {
        self.runtime.shutdown_timeout(Duration::from_secs(1));
    }
}

/// [`MAX_CONNECTIONS`], or the number `BRIEFING_MAX_CONNECTIONS` says.
fn max_connections() -> Result<usize, String> {
    const NAME: &str = "BRIEFING_MAX_CONNECTIONS";
    match std::env::var(NAME) {
        Err(_) => Ok(MAX_CONNECTIONS),
        Ok(v) => v.trim().parse().ok().filter(|&n| n > 0).ok_or_else(|| {
            format!("{NAME}={v}: expected a whole number above 0; unset it for the default")
        }),
    }
}

/// The routes: the script, its events, and the site; only `GET` and `HEAD` (405
/// otherwise). Every response carries `Cache-Control: no-store`, so a browser never
/// shows a page older than the last build.
fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(SCRIPT_PATH, get(live::script))
        .route(
            EVENTS_PATH,
            get(|State(shared): State<Arc<Shared>>| async move { shared.live.events() }),
        )
        .fallback(get(site))
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(shared)
}

/// Answers a request for a file of the site.
async fn site(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    // Finding the file and reading a page are a few system calls, answered from the
    // page cache: done here, since handing them to tokio's blocking pool costs more
    // (measured: 36,000 against 48,700 pages a second; docs/robustness.md).
    // The generation first: the page read after it is of that build or a newer one.
    let generation = shared.live.generation();
    match files::answer(&shared.dir, &path, generation) {
        Answer::Page(status, html) => (status, axum::response::Html(html)).into_response(),
        Answer::File(file, mime) => ServeFile::new_with_mime(file, &mime)
            .ignore_multi_range_requests(true)
            .oneshot(request)
            .await
            .into_response(),
        Answer::Folder => to_folder(request.uri()),
        Answer::Refused => (StatusCode::BAD_REQUEST, "bad path\n").into_response(),
        Answer::Unreadable(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot read the file: {e}\n"),
        )
            .into_response(),
    }
}

/// A redirect to the folder `uri` names, with its slash, so the relative links of its
/// page resolve. The path starts with one slash: `//x/` would name another host.
fn to_folder(uri: &Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let to = match uri.query() {
        Some(query) => format!("/{path}/?{query}"),
        None => format!("/{path}/"),
    };
    let body = format!("moved to {to}\n");
    (StatusCode::MOVED_PERMANENTLY, [(LOCATION, to)], body).into_response()
}

/// A connection's socket, dropped when it takes longer than [`WRITE_TIMEOUT`] to
/// accept a write.
type Io = Pin<Box<TimeoutStream<TcpStream>>>;

/// Accepts connections until the runtime stops, each on a task of its own.
async fn accept(listener: tokio::net::TcpListener, app: Router, connections: Arc<Connections>) {
    let mut http = http1::Builder::new();
    // A client may end its side once it has asked (`nc -N`, HTTP/1.0 tools): it is
    // still answered.
    http.half_close(true)
        .timer(TokioTimer::new())
        .header_read_timeout(READ_TIMEOUT)
        .max_header_size(MAX_HEAD);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, most likely: connections close within the
            // timeouts, and then accepting works again.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let mut io = Box::pin(TimeoutStream::new(stream));
        io.as_mut().set_write_timeout_pinned(Some(WRITE_TIMEOUT));
        match connections.admit() {
            Some((slot, evicted)) => {
                tokio::spawn(serve(http.clone(), io, app.clone(), slot, evicted))
            }
            None => tokio::spawn(refuse(io)),
        };
    }
}

/// Answers the requests of one connection until it closes, fails, times out or is
/// evicted. An evicted connection that was never asked anything has nothing to send
/// and is closed at once (hyper's graceful shutdown would wait for the end of a partly
/// sent first head, which a slowloris never sends). One that was is shut down by
/// hyper: at once when idle (a partly sent next head included), else once what it is
/// sending has gone out: the end of its last response, or a response to a request
/// that started just as it was being evicted.
async fn serve(http: http1::Builder, io: Io, app: Router, slot: Arc<Slot>, mut evicted: Evicted) {
    let service = Counted::new(app, Arc::clone(&slot));
    let mut connection = http.serve_connection(TokioIo::new(io), service);
    let mut finishing = false;
    let _ = std::future::poll_fn(|cx| {
        if !finishing && Pin::new(&mut evicted).poll(cx).is_ready() {
            if !slot.asked() {
                return Poll::Ready(Ok(()));
            }
            Pin::new(&mut connection).graceful_shutdown();
            finishing = true;
        }
        connection.poll_without_shutdown(cx)
    })
    .await;
    close(connection.into_parts().io.into_inner()).await;
}

/// Tells a connection that finds every other inside a request so at once, without
/// reading its request.
async fn refuse(mut io: Io) {
    const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 21\r\nconnection: close\r\n\r\ntoo many connections\n";
    io.as_mut()
        .set_write_timeout_pinned(Some(Duration::from_millis(200)));
    if io.write_all(BUSY).await.is_ok() {
        close(io).await;
    }
}

/// Ends a connection. Closing with unread input makes the system reset the
/// connection, which can destroy the last response (a 431, a 405 to a request with a
/// body) before the client reads it: the end of our side is sent first, and a little
/// of what the client still sends is read and dropped.
async fn close(mut io: Io) {
    let _ = io.shutdown().await;
    let (mut rest, mut nowhere) = (io.take(LINGER_BYTES), tokio::io::sink());
    let _ = tokio::time::timeout(LINGER, tokio::io::copy(&mut rest, &mut nowhere)).await;
}
