//! Live reload: the script every HTML page gets as it is served (never written to
//! disk, so `build` output never has it), and the server-sent events it listens to.
//!
//! After a rebuild completes the pages are sent `reload`; after a failed one
//! `problem` with the diagnostics, which the script shows over the page until the
//! next good build reloads it. A page opened while the site is broken is told at once.

use axum::body::Body;
use axum::http::{header::CONTENT_TYPE, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

/// Where the live-reload script is served.
pub const SCRIPT_PATH: &str = "/__briefing/live.js";
/// Where the script listens for events.
pub const EVENTS_PATH: &str = "/__briefing/events";
/// How the tag injected before `</body>` of every HTML page served begins; it ends
/// with the build the page is of: `data-generation="3"></script>`.
pub const SCRIPT_TAG: &str = "<script src=\"/__briefing/live.js\"";
const SCRIPT: &str = include_str!("live.js");

/// Event streams open at once (browser tabs); more get 503.
const MAX_STREAMS: usize = 64;
/// A comment sent on quiet event streams, so a page that is gone is noticed (the
/// write fails) and its stream ends.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What open pages are told: the diagnostics of the last build, when it failed.
pub(super) struct Live {
    /// Every value sent is news, the same as before included: a good build after a
    /// good one reloads the pages.
    state: watch::Sender<Option<String>>,
    streams: Arc<Semaphore>,
    /// Good builds published so far. A page carries the generation it was served at,
    /// and a stream opens by telling the one now: a page whose build was replaced
    /// while it loaded (before its stream connected) reloads then.
    generation: AtomicU64,
}

impl Live {
    pub(super) fn new() -> Live {
        Live {
            state: watch::Sender::new(None),
            streams: Arc::new(Semaphore::new(MAX_STREAMS)),
            generation: AtomicU64::new(0),
        }
    }

    /// Tells every open page: reload (`None`, a good build), or show the problem.
    pub(super) fn publish(&self, problem: Option<String>) {
        if problem.is_none() {
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        self.state.send_replace(problem);
    }

    /// The good builds published so far: read before a page's file, so a page can
    /// only be newer than the generation it says (an extra reload), never older.
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub(super) fn has_problem(&self) -> bool {
        self.state.borrow().is_some()
    }

    /// Answers `GET /__briefing/events` with a stream, while there is room for one.
    pub(super) fn events(&self) -> Response {
        let Ok(slot) = Arc::clone(&self.streams).try_acquire_owned() else {
            return (StatusCode::SERVICE_UNAVAILABLE, "too many open pages\n").into_response();
        };
        let events = stream_of(self.state.subscribe(), self.generation(), slot);
        (
            [(CONTENT_TYPE, "text/event-stream")],
            Body::from_stream(events),
        )
            .into_response()
    }
}

/// Answers `GET /__briefing/live.js`.
pub(super) async fn script() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT)
}

/// One page's events: how soon to reconnect and the problem if there is one, then
/// one after each build, or a comment after a quiet while. `slot` is held as long.
fn stream_of(
    mut live: watch::Receiver<Option<String>>,
    generation: u64,
    slot: OwnedSemaphorePermit,
) -> impl Stream<Item = Result<String, Infallible>> {
    let mut first = String::from("retry: 500\n\n");
    match &*live.borrow_and_update() {
        Some(problem) if generation == 0 => first.push_str(&event("unbuilt", problem)),
        Some(problem) => first.push_str(&event("problem", problem)),
        None => first.push_str(&event("generation", &generation.to_string())),
    }
    let later = stream::unfold((live, slot), |(mut live, slot)| async move {
        let text = match tokio::time::timeout(KEEPALIVE, live.changed()).await {
            Err(_quiet) => ": still here\n\n".to_string(),
            // The server is stopping.
            Ok(Err(_closed)) => return None,
            Ok(Ok(())) => news(&mut live),
        };
        Some((Ok(text), (live, slot)))
    });
    stream::once(async { Ok(first) }).chain(later)
}

/// The event for the state just published.
fn news(live: &mut watch::Receiver<Option<String>>) -> String {
    match &*live.borrow_and_update() {
        Some(problem) => event("problem", problem),
        None => event("reload", ""),
    }
}

/// One event in the text/event-stream format: each line of `data` on its own
/// `data:` line. (An event needs a `data:` line, even empty, for a browser to fire it.)
pub(super) fn event(name: &str, data: &str) -> String {
    let mut out = format!("event: {name}\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// `html` with the live-reload script before its last `</body>` (or at the end),
/// saying which build the page is of.
pub(super) fn inject(mut html: String, generation: u64) -> String {
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    html.insert_str(at, &script_tag(generation));
    html
}

/// The script tag of a page served at `generation`.
pub fn script_tag(generation: u64) -> String {
    format!("{SCRIPT_TAG} data-generation=\"{generation}\"></script>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        assert_eq!(
            inject("<p></body></p></BODY></html>".into(), 2),
            format!("<p></body></p>{}</BODY></html>", script_tag(2))
        );
        assert_eq!(inject("<p>".into(), 0), format!("<p>{}", script_tag(0)));
    }

    #[test]
    fn events_put_each_line_on_a_data_line() {
        assert_eq!(
            event("problem", "a\nb"),
            "event: problem\ndata: a\ndata: b\n\n"
        );
        assert_eq!(event("reload", ""), "event: reload\ndata: \n\n");
    }
}
