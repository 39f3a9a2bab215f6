//! `Server-Timing: app;dur=…`: the milliseconds the service spent on a request, from its head
//! being handed over to the response's head being ready (authentication, authorization, the
//! handler and its storage reads included; sending a streamed body is not). Benchmarks read it
//! to tell the server's own time apart from the client's and the network's.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The header's name.
pub const SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");

/// Middleware: adds `Server-Timing: app;dur=MS` (three decimals) to every response.
pub async fn stamp(request: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let mut response = next.run(request).await;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.3}")) {
        response.headers_mut().insert(SERVER_TIMING, v);
    }
    response
}
