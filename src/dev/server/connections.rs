//! Which connections the server keeps, and which one it lets go to make room.
//!
//! At most `max` connections are kept. When one more arrives, the idlest connection
//! is evicted to make room for it rather than the newcomer refused: a slow client
//! that never finishes its request head (slowloris), or a kept-alive connection with
//! nothing to ask, then cannot hold a slot a browser needs, and evicting it is
//! harmless (a browser opens a new connection when it has something to ask). Only
//! when every connection is inside a request is the newcomer refused.
//!
//! The bookkeeping is a table of the open connections, each with the start of its
//! last request (its connect time before the first) and how many of its requests are
//! under way. A request is under way from the moment hyper hands its head to the
//! service ([`Counted`]) until its response body has been sent or dropped
//! ([`CountedBody`]): a live-reload event stream stays under way as long as its page
//! is open, so it is never evicted.

use axum::http::{Request, Response};
use axum::Router;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::sync::oneshot;
use tower::Service;

/// What the eviction choice knows of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct State {
    /// When its last request started; when it connected, before its first.
    pub(super) last_request: Instant,
    /// Its requests whose response is still being produced or sent.
    pub(super) in_request: usize,
}

/// The connection to evict to make room for a new one: of those not inside a request,
/// the one whose last request started longest ago (the first connected, between equal
/// times); `None` when every connection is inside a request.
pub(super) fn idlest(connections: impl IntoIterator<Item = (u64, State)>) -> Option<u64> {
    connections
        .into_iter()
        .filter(|(_, state)| state.in_request == 0)
        .min_by_key(|&(id, state)| (state.last_request, id))
        .map(|(id, _)| id)
}

/// The connections open, shared by the accept loop and every connection's task.
pub(super) struct Connections {
    max: usize,
    table: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    next_id: u64,
    /// Every connection whose task still runs: those evicted too, until they close,
    /// so that a request that started just before its eviction is still counted.
    open: HashMap<u64, Entry>,
    /// How many of them are kept (not evicted): at most `max`.
    kept: usize,
}

struct Entry {
    state: State,
    /// Dropped when the connection is evicted, which wakes its task; `None` since.
    evict: Option<oneshot::Sender<()>>,
}

impl Connections {
    pub(super) fn new(max: usize) -> Arc<Connections> {
        Arc::new(Connections {
            max,
            table: Mutex::default(),
        })
    }

    /// A place for a connection just accepted: a free one, or the [`idlest`]
    /// connection's, which is told to close (through its [`Evicted`]). `None` when
    /// every connection kept is inside a request.
    pub(super) fn admit(self: &Arc<Self>) -> Option<(Arc<Slot>, Evicted)> {
        let mut table = self.lock();
        if table.kept >= self.max {
            let candidates = table
                .open
                .iter()
                .filter(|(_, entry)| entry.evict.is_some())
                .map(|(&id, entry)| (id, entry.state));
            let victim = idlest(candidates)?;
            let entry = table
                .open
                .get_mut(&victim)
                .expect("a connection just listed");
            drop(entry.evict.take());
            table.kept -= 1;
        }
        let id = table.next_id;
        table.next_id += 1;
        let (evict, evicted) = oneshot::channel();
        let state = State {
            last_request: Instant::now(),
            in_request: 0,
        };
        let entry = Entry {
            state,
            evict: Some(evict),
        };
        table.open.insert(id, entry);
        table.kept += 1;
        let slot = Slot {
            connections: Arc::clone(self),
            id,
            asked: AtomicBool::new(false),
        };
        Some((Arc::new(slot), Evicted(evicted)))
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // Nothing panics while holding it; were it poisoned, the table is still whole.
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One connection's place in the table, given back when the last holder (its task,
/// its service, a response body) lets go.
pub(super) struct Slot {
    connections: Arc<Connections>,
    id: u64,
    /// Whether a request head has ever come on this connection.
    asked: AtomicBool,
}

impl Slot {
    /// Whether a request head has ever come on this connection: if not, nothing was
    /// ever sent on it either.
    pub(super) fn asked(&self) -> bool {
        self.asked.load(Ordering::Relaxed)
    }

    /// Counts a request as started, until the returned guard is dropped.
    fn request(self: &Arc<Self>) -> Busy {
        self.asked.store(true, Ordering::Relaxed);
        let mut table = self.connections.lock();
        if let Some(entry) = table.open.get_mut(&self.id) {
            entry.state.in_request += 1;
            entry.state.last_request = Instant::now();
        }
        Busy(Arc::clone(self))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut table = self.connections.lock();
        if let Some(entry) = table.open.remove(&self.id) {
            if entry.evict.is_some() {
                table.kept -= 1;
            }
        }
    }
}

/// Resolves when the connection has been evicted to make room for another.
pub(super) struct Evicted(oneshot::Receiver<()>);

impl Future for Evicted {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // The sender is only ever dropped, never used.
        Pin::new(&mut self.0).poll(cx).map(|_| ())
    }
}

/// A request under way, from its start until dropped.
struct Busy(Arc<Slot>);

impl Drop for Busy {
    fn drop(&mut self) {
        let mut table = self.0.connections.lock();
        if let Some(entry) = table.open.get_mut(&self.0.id) {
            entry.state.in_request -= 1;
        }
    }
}

/// The routes as the service of one connection, counting its requests under way.
pub(super) struct Counted {
    app: Router,
    slot: Arc<Slot>,
}

impl Counted {
    pub(super) fn new(app: Router, slot: Arc<Slot>) -> Counted {
        Counted { app, slot }
    }
}

type Answer = Response<CountedBody<axum::body::Body>>;

impl hyper::service::Service<Request<Incoming>> for Counted {
    type Response = Answer;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Answer, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let busy = self.slot.request();
        // A router is always ready, and cloned per call as axum's own server does.
        let answer = self.app.clone().call(request);
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|body| CountedBody { body, _busy: busy }))
        })
    }
}

/// A response body that keeps its request counted as under way until it has been
/// sent to the end, or dropped (the connection failed or closed).
pub(super) struct CountedBody<B> {
    body: B,
    _busy: Busy,
}

impl<B: Body + Unpin> Body for CountedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(start: Instant, seconds: u64, in_request: usize) -> State {
        State {
            last_request: start + Duration::from_secs(seconds),
            in_request,
        }
    }

    #[test]
    fn the_idlest_is_the_longest_without_a_request_and_not_inside_one() {
        let t = Instant::now();
        // 1 has been quiet longest but is answering; 3 is next.
        let open = [(1, at(t, 0, 1)), (2, at(t, 5, 0)), (3, at(t, 2, 0))];
        assert_eq!(idlest(open), Some(3));
        // Between equal times, the first connected.
        assert_eq!(idlest([(7, at(t, 1, 0)), (4, at(t, 1, 0))]), Some(4));
    }

    #[test]
    fn none_is_evicted_when_every_connection_is_inside_a_request() {
        let t = Instant::now();
        assert_eq!(idlest([(1, at(t, 0, 1)), (2, at(t, 3, 2))]), None);
        assert_eq!(idlest([]), None);
    }

    #[test]
    fn a_full_table_evicts_the_idlest_and_refuses_when_all_are_busy() {
        let connections = Connections::new(2);
        let (first, mut first_evicted) = connections.admit().unwrap();
        let (second, _second_evicted) = connections.admit().unwrap();
        // The first is idlest: the third takes its place, and it is told so.
        let (third, _third_evicted) = connections.admit().unwrap();
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(Pin::new(&mut first_evicted).poll(&mut cx).is_ready());
        // A request the first started after all is still counted until it ends.
        let in_request = |slot: &Slot| connections.lock().open[&slot.id].state.in_request;
        assert!(!first.asked());
        let late = first.request();
        assert!(first.asked());
        assert_eq!(in_request(&first), 1);
        drop(late);
        assert_eq!(in_request(&first), 0);
        // With both kept connections answering, a newcomer is refused.
        let (_a, _b) = (second.request(), third.request());
        assert!(connections.admit().is_none());
        // Once a connection closes, there is room again without evicting.
        drop(second);
        drop(_a);
        assert!(connections.admit().is_some());
        drop(first);
        assert_eq!(connections.lock().kept, 1);
    }
}
