//! Limits on what one client can hold. [`ConnectionLimits`] are enforced by the serve loop
//! (`crate::serve`): header-read, keep-alive and request-body timeouts and a cap on open
//! connections. The request-body limits are layers every route shares ([`body_limits`]): a body
//! larger than `--max-body-bytes` is refused with one 413 (`RequestEntityTooLargeException`),
//! and a body that stalls for longer than `--body-timeout` ends the request with 408
//! (`RequestTimeoutException`), on the SigV4 and the bearer paths alike. The npm endpoints give
//! the same answers in npm's `{"error": …}` shape (`crate::npm::read_body`).

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// Connection limits and timeouts (`wharf serve --max-connections`, `--header-read-timeout`,
/// `--body-timeout`, `--keep-alive-timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long a client may take to send a whole request head: counted from connecting for a
    /// connection's first request, from the head's first byte for the next ones.
    pub header_read_timeout: Duration,
    /// The longest pause while a request body is received; the request then ends with
    /// `RequestTimeoutException`.
    pub body_timeout: Duration,
    /// How long a connection may stay idle between two requests.
    pub keep_alive_timeout: Duration,
    /// The most open connections. A new connection past it closes the one that has waited
    /// longest without a request in progress, or, if every connection is serving a request,
    /// is answered `ThrottlingException`.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    /// 10 s to send a request head, 30 s of body stall, 60 s idle, 512 connections.
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            keep_alive_timeout: Duration::from_secs(60),
            max_connections: 512,
        }
    }
}

/// Why reading a request body failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyFailure {
    /// The body is larger than the limit.
    TooLarge,
    /// No data came for the body timeout.
    Stalled,
    /// The connection broke or the body was malformed (the message says how).
    Broken(String),
}

impl BodyFailure {
    /// Classifies an error of a body read (`axum::body::to_bytes`, the `Bytes` extractor's
    /// rejection) by the errors in its source chain.
    pub fn of(error: &(dyn std::error::Error + 'static)) -> Self {
        let mut current = Some(error);
        while let Some(e) = current {
            if e.is::<http_body_util::LengthLimitError>()
                || e.is::<axum::extract::rejection::LengthLimitError>()
            {
                return BodyFailure::TooLarge;
            }
            if e.is::<tower_http::timeout::TimeoutError>() {
                return BodyFailure::Stalled;
            }
            current = e.source();
        }
        BodyFailure::Broken(error.to_string())
    }

    /// The API's answer: `RequestEntityTooLargeException`, `RequestTimeoutException` or a
    /// `ValidationException`.
    pub fn into_api_error(self, limit: usize, limits: &ConnectionLimits) -> ApiError {
        match self {
            BodyFailure::TooLarge => ApiError::TooLarge { limit },
            BodyFailure::Stalled => ApiError::RequestTimeout(stalled_message(limits)),
            BodyFailure::Broken(e) => ApiError::Validation {
                message: format!("Could not read the request body: {e}"),
                reason: "OTHER",
            },
        }
    }
}

/// The message of a stalled body.
pub fn stalled_message(limits: &ConnectionLimits) -> String {
    format!(
        "The request body stalled: no data came for {} seconds",
        limits.body_timeout.as_secs_f64()
    )
}

/// The `Content-Length` a request declares, if any.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Middleware: refuses a body whose declared length is over `--max-body-bytes` before anything
/// reads it (so `Expect: 100-continue` clients send nothing). The npm routes answer in npm's
/// shape themselves, after authenticating the token, and so do the PyPI routes.
async fn refuse_oversized(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.config.max_body_bytes;
    let path = request.uri().path();
    if !(path.starts_with("/npm/") || path.starts_with("/pypi/"))
        && declared_length(request.headers()).is_some_and(|n| n > limit as u64)
    {
        return ApiError::TooLarge { limit }.into_response();
    }
    next.run(request).await
}

/// Adds the body limits to the router: the declared-length check, the limit the `Bytes`
/// extractors read up to, and the body timeout.
pub fn body_limits(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    router
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            refuse_oversized,
        ))
        .layer(RequestBodyTimeoutLayer::new(
            state.config.limits.body_timeout,
        ))
}
