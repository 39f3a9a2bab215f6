//! One connection's state as the serve loop sees it: whether a request is in progress, since
//! when it has waited for a request head, and whether it was asked to close. Three small
//! wrappers keep it current: [`TrackedIo`] notes the first byte of a head, [`ActiveGuard`]
//! (held from a parsed head until the response body is dropped, that is sent or abandoned)
//! marks the request in progress, and [`GuardedBody`] carries the guard to the response's end.

use crate::limits::ConnectionLimits;
use axum::body::{Body, Bytes};
use http_body::{Body as HttpBody, Frame};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::time::Instant;

/// The serve loop's view of one open connection.
#[derive(Debug)]
pub(super) struct ConnState {
    epoch: Instant,
    /// Requests whose head was parsed and whose response body is not yet dropped.
    active: AtomicUsize,
    /// Responses finished on this connection.
    served: AtomicU64,
    /// Milliseconds since `epoch` when the connection last started waiting for a head.
    waiting_since: AtomicU64,
    /// Milliseconds since `epoch` (plus one) of the first byte of the awaited head; 0: none yet.
    head_started: AtomicU64,
    /// Asked to close (for a newer connection, at the cap).
    shed: AtomicBool,
    /// The socket's last write did not complete: hyper holds unsent response bytes.
    write_pending: AtomicBool,
    /// Woken on every change above that moves the connection's deadline.
    pub(super) changed: Notify,
}

impl ConnState {
    /// A connection accepted now; `epoch` is the serve loop's start.
    pub(super) fn new(epoch: Instant) -> Self {
        let state = ConnState {
            epoch,
            active: AtomicUsize::new(0),
            served: AtomicU64::new(0),
            waiting_since: AtomicU64::new(0),
            head_started: AtomicU64::new(0),
            shed: AtomicBool::new(false),
            write_pending: AtomicBool::new(false),
            changed: Notify::new(),
        };
        state.waiting_since.store(state.now_ms(), Ordering::Relaxed);
        state
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether no request is in progress (idle, or a head is being received).
    pub(super) fn awaiting_head(&self) -> bool {
        self.active.load(Ordering::Acquire) == 0
    }

    /// Since when (milliseconds after the epoch) the connection waits for a head.
    pub(super) fn waiting_since(&self) -> u64 {
        self.waiting_since.load(Ordering::Relaxed)
    }

    /// Whether the connection was asked to close.
    pub(super) fn is_shed(&self) -> bool {
        self.shed.load(Ordering::Acquire)
    }

    /// Asks the connection to close as soon as no request is in progress.
    pub(super) fn shed(&self) {
        self.shed.store(true, Ordering::Release);
        self.changed.notify_one();
    }

    /// Whether the connection can be closed without cutting a response short: no request in
    /// progress and nothing left unsent.
    pub(super) fn closable(&self) -> bool {
        self.awaiting_head() && !self.write_pending.load(Ordering::Acquire)
    }

    fn on_write<T>(&self, polled: &Poll<io::Result<T>>) {
        let pending = polled.is_pending();
        if self.write_pending.swap(pending, Ordering::AcqRel) && !pending {
            self.changed.notify_one();
        }
    }

    fn on_bytes_read(&self) {
        if self.awaiting_head() && self.head_started.load(Ordering::Relaxed) == 0 {
            self.head_started
                .store(self.now_ms() + 1, Ordering::Relaxed);
            self.changed.notify_one();
        }
    }

    /// Marks a request in progress until the guard is dropped.
    pub(super) fn begin(self: &Arc<Self>) -> ActiveGuard {
        self.active.fetch_add(1, Ordering::AcqRel);
        ActiveGuard(self.clone())
    }

    /// When the connection must close if nothing changes: a head must arrive in full within
    /// the header-read timeout (from accepting for the first request, from its first byte for
    /// the next ones), and an idle connection closes after the keep-alive timeout. `None`
    /// while a request is in progress (its body has its own timeout).
    pub(super) fn deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        if !self.awaiting_head() {
            return None;
        }
        let (from, allowed) = match self.head_started.load(Ordering::Relaxed) {
            0 if self.served.load(Ordering::Relaxed) == 0 => {
                (self.waiting_since(), limits.header_read_timeout)
            }
            0 => (self.waiting_since(), limits.keep_alive_timeout),
            started => (started - 1, limits.header_read_timeout),
        };
        Some(self.epoch + std::time::Duration::from_millis(from) + allowed)
    }
}

/// A request in progress; dropping it ends it.
#[derive(Debug)]
pub(super) struct ActiveGuard(Arc<ConnState>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        let state = &self.0;
        if state.active.fetch_sub(1, Ordering::AcqRel) == 1 {
            state.head_started.store(0, Ordering::Relaxed);
            state.waiting_since.store(state.now_ms(), Ordering::Relaxed);
            state.served.fetch_add(1, Ordering::Relaxed);
            state.changed.notify_one();
        }
    }
}

/// A response body that ends its request when hyper drops it (sent, or abandoned).
pub(super) struct GuardedBody {
    pub(super) body: Body,
    pub(super) _active: ActiveGuard,
}

impl HttpBody for GuardedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The accepted socket, noting when the first byte of an awaited request head arrives and
/// whether a write is left pending.
pub(super) struct TrackedIo<S = TcpStream> {
    pub(super) stream: S,
    pub(super) state: Arc<ConnState>,
}

impl<S: AsyncRead + Unpin> AsyncRead for TrackedIo<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.state.on_bytes_read();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for TrackedIo<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.state.on_write(&polled);
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.state.on_write(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
