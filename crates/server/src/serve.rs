//! The serve loop: Wharf accepts connections itself, on hyper's HTTP/1 connections, so that no
//! client can hold the service without sending requests.
//!
//! - Every accepted socket gets `TCP_NODELAY` (a response written in two pieces would
//!   otherwise wait for the client's delayed ACK, about 40 ms).
//! - Each connection has a deadline while it waits for a request head: the header-read timeout
//!   (from accepting for the first request, from the head's first byte for the next ones) and
//!   the keep-alive timeout while idle. A request in progress has no deadline here; its body
//!   has the body timeout (`crate::limits`).
//! - At most `max_connections` are open. A new connection past the cap closes the connection
//!   that has waited longest without a request in progress (idle, silent or trickling a head),
//!   so half-open, slow and idle connections cannot lock others out and no timeout has to pass
//!   first. If every connection is serving a request, the newcomer is answered 429
//!   `ThrottlingException` (up to a small reserve of such answers at once; past it, closed).
//! - A connection is only ever closed between requests with nothing left unsent, so shedding
//!   never cuts a response. On Ctrl-C or SIGTERM the loop stops accepting, idle connections
//!   close, requests in progress finish (for at most [`SHUTDOWN_GRACE`]).

mod conn;

use crate::error::ApiError;
use crate::limits::ConnectionLimits;
use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use conn::{ConnState, GuardedBody, TrackedIo};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;
use tower::ServiceExt;

/// How long requests in progress may take to finish at shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// The pause after an accept error such as running out of file descriptors (after closing
/// one waiting connection to free one).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(20);

/// Serves `app` on `listener` within `limits` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let registry = Arc::new(Registry::new(limits));
    let (closing_tx, closing_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => (stream, peer),
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    tracing::warn!("accepting a connection failed: {e}");
                    registry.shed_oldest_waiting();
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!("cannot set TCP_NODELAY: {e}");
        }
        match (registry.admit(), tls.clone()) {
            (Admission::Serve(slot), None) => {
                tokio::spawn(serve_connection(
                    stream,
                    peer,
                    app.clone(),
                    slot,
                    limits,
                    closing_rx.clone(),
                ));
            }
            (Admission::Serve(slot), Some(tls)) => {
                let (app, closing) = (app.clone(), closing_rx.clone());
                tokio::spawn(async move {
                    // The handshake counts against the header-read timeout.
                    if let Some(stream) = handshake(&tls, stream, limits).await {
                        serve_connection(stream, peer, app, slot, limits, closing).await;
                    }
                });
            }
            (Admission::Refuse(slot), None) => {
                tokio::spawn(refuse_connection(stream, slot, limits));
            }
            (Admission::Refuse(slot), Some(tls)) => {
                tokio::spawn(async move {
                    if let Some(stream) = handshake(&tls, stream, limits).await {
                        refuse_connection(stream, slot, limits).await;
                    }
                });
            }
            (Admission::Close, _) => drop(stream),
        }
    }
    drop(listener);
    let _ = closing_tx.send(true);
    drop(closing_rx);
    if tokio::time::timeout(SHUTDOWN_GRACE, closing_tx.closed())
        .await
        .is_err()
    {
        tracing::warn!("requests still in progress after {SHUTDOWN_GRACE:?}; stopping anyway");
    }
    Ok(())
}

/// Errors of one connection that was accepted and reset at once: not the listener's fault.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// The open connections.
struct Registry {
    limits: ConnectionLimits,
    epoch: Instant,
    open: Mutex<Open>,
    /// Connections being answered `ThrottlingException`.
    refusing: AtomicUsize,
}

#[derive(Default)]
struct Open {
    next_id: u64,
    conns: HashMap<u64, Arc<ConnState>>,
    /// How many of `conns` were asked to close.
    shed: usize,
}

/// What to do with a new connection.
enum Admission {
    /// Serve it.
    Serve(Slot),
    /// Answer its request with `ThrottlingException`.
    Refuse(RefuseSlot),
    /// Close it at once (the refusal reserve is in use too).
    Close,
}

/// A registered connection; dropping it unregisters the connection.
struct Slot {
    registry: Arc<Registry>,
    id: u64,
    state: Arc<ConnState>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.registry.lock();
        if let Some(state) = open.conns.remove(&self.id)
            && state.is_shed()
        {
            open.shed -= 1;
        }
    }
}

/// A connection being refused; dropping it frees its place in the reserve.
struct RefuseSlot(Arc<Registry>);

impl Drop for RefuseSlot {
    fn drop(&mut self) {
        self.0.refusing.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Registry {
    fn new(limits: ConnectionLimits) -> Self {
        Registry {
            limits,
            epoch: Instant::now(),
            open: Mutex::default(),
            refusing: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many refusals may be in progress at once.
    fn refusal_reserve(&self) -> usize {
        (self.limits.max_connections / 8).max(8)
    }

    /// Registers a new connection, shedding the longest-waiting one at the cap.
    fn admit(self: &Arc<Self>) -> Admission {
        let mut open = self.lock();
        if open.conns.len() - open.shed >= self.limits.max_connections.max(1)
            && !Self::shed_one(&mut open)
        {
            drop(open);
            if self.refusing.fetch_add(1, Ordering::AcqRel) < self.refusal_reserve() {
                return Admission::Refuse(RefuseSlot(self.clone()));
            }
            self.refusing.fetch_sub(1, Ordering::AcqRel);
            return Admission::Close;
        }
        let id = open.next_id;
        open.next_id += 1;
        let state = Arc::new(ConnState::new(self.epoch));
        open.conns.insert(id, state.clone());
        Admission::Serve(Slot {
            registry: self.clone(),
            id,
            state,
        })
    }

    /// Asks the connection that has waited longest for a request head to close; false if
    /// every connection is serving a request (or already closing).
    fn shed_one(open: &mut Open) -> bool {
        let victim = open
            .conns
            .values()
            .filter(|c| !c.is_shed() && c.awaiting_head())
            .min_by_key(|c| c.waiting_since())
            .cloned();
        match victim {
            Some(v) => {
                v.shed();
                open.shed += 1;
                true
            }
            None => false,
        }
    }

    fn shed_oldest_waiting(&self) {
        Self::shed_one(&mut self.lock());
    }
}

/// The TLS handshake of an accepted socket, within the header-read timeout; `None` (logged at
/// debug) when it fails or stalls.
async fn handshake(
    tls: &tokio_rustls::TlsAcceptor,
    stream: TcpStream,
    limits: ConnectionLimits,
) -> Option<tokio_rustls::server::TlsStream<TcpStream>> {
    match tokio::time::timeout(limits.header_read_timeout, tls.accept(stream)).await {
        Ok(Ok(stream)) => Some(stream),
        Ok(Err(e)) => {
            tracing::debug!("TLS handshake failed: {e}");
            None
        }
        Err(_) => {
            tracing::debug!("TLS handshake timed out");
            None
        }
    }
}

/// Serves one connection until the client closes it, it misses a deadline, it is shed, or
/// the service shuts down.
async fn serve_connection<S>(
    stream: S,
    peer: std::net::SocketAddr,
    app: Router,
    slot: Slot,
    limits: ConnectionLimits,
    mut closing: watch::Receiver<bool>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let state = slot.state.clone();
    let service = {
        let state = state.clone();
        hyper::service::service_fn(move |mut request: Request<Incoming>| {
            // The client's address, for the audit trail.
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            let active = state.begin();
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await.unwrap_or_else(|e| match e {});
                Ok::<_, Infallible>(response.map(|body| GuardedBody {
                    body,
                    _active: active,
                }))
            }
        })
    };
    let io = TrackedIo {
        stream,
        state: state.clone(),
    };
    let conn = http1::Builder::new()
        .header_read_timeout(None::<Duration>)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    let mut shutting_down = false;
    loop {
        let deadline = state.deadline(&limits);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!("connection ended: {e}");
                }
                break;
            }
            () = state.changed.notified() => {}
            () = sleep_until(deadline) => {}
            _ = closing.changed(), if !shutting_down => {
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
        }
        let expired = state.deadline(&limits).is_some_and(|d| d <= Instant::now());
        if state.closable() && (expired || state.is_shed() || shutting_down) {
            tracing::debug!(
                expired,
                shed = state.is_shed(),
                "closing a connection that waits for a request"
            );
            break;
        }
    }
    drop(slot);
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Answers the request of a connection past the cap with `ThrottlingException` and closes it.
async fn refuse_connection<S>(stream: S, slot: RefuseSlot, limits: ConnectionLimits)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let response = throttled(request.uri().path(), limits.max_connections);
        async move { Ok::<_, Infallible>(response) }
    });
    let conn = http1::Builder::new()
        .keep_alive(false)
        .header_read_timeout(None::<Duration>)
        .serve_connection(TokioIo::new(stream), service);
    let _ = tokio::time::timeout(limits.header_read_timeout, conn).await;
    drop(slot);
}

/// 429 `ThrottlingException` (npm's `{"error": …}` shape under `/npm/`).
fn throttled(path: &str, max_connections: usize) -> Response {
    let message =
        format!("The service is serving its limit of {max_connections} connections; retry shortly");
    if path.starts_with("/npm/") {
        crate::npm::Failure::new(429, message).into_response()
    } else {
        ApiError::Throttling(message).into_response()
    }
}
