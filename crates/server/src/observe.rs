//! One record per request: the metrics' request counter and latency histogram
//! ([`crate::metrics`]), and one log line (`--log-format text|json`).
//!
//! [`record`] is a middleware just inside [`crate::request_id::assign`] (so the id is known) and
//! outside the panic catcher (so a panic is recorded as the 500 it becomes). Authentication runs
//! deeper and tells it who called through a task-local ([`note_principal`]), since the request's
//! extensions do not travel back out.
//!
//! The log line names the request id, the principal's ARN and access key id, the operation,
//! the method, the path without its query string, the status and the latency. It never names
//! headers, query strings or bodies, so no signature, token or secret reaches the log.

use crate::request_id::RequestId;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// How log lines are written (`--log-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines (the default).
    #[default]
    Text,
    /// One JSON object per line, fields at the top level.
    Json,
}

/// The tracing target of the per-request lines, for filtering (`WHARF_LOG=wharf::request=off`).
pub const TARGET: &str = "wharf::request";

/// Who made a request, as authentication found it.
#[derive(Debug, Clone)]
struct Principal {
    arn: String,
    access_key_id: String,
}

tokio::task_local! {
    static PRINCIPAL: Arc<OnceLock<Principal>>;
}

/// Called by authentication once it knows the caller: the request's log line names them.
/// Outside [`record`] (e.g. in tests that call handlers directly) it does nothing.
pub fn note_principal(arn: String, access_key_id: &str) {
    let _ = PRINCIPAL.try_with(|slot| {
        slot.set(Principal {
            arn,
            access_key_id: access_key_id.to_owned(),
        })
    });
}

/// The operation label of a request: CodeArtifact's operation name under `/v1/` (or
/// `UnknownOperation`), `NpmRead`/`NpmWrite` under `/npm/`, `PypiRead`/`PypiWrite` under `/pypi/`, `Promotions`, `Admin`, `Health`,
/// `Metrics`, `Console` for other reads (the console's files) and `Other`. A fixed set, so that
/// metrics stay bounded whatever paths clients send.
pub fn operation_label(method: &str, path: &str) -> &'static str {
    let read = matches!(method, "GET" | "HEAD");
    if path.starts_with("/v1/") {
        return crate::authz::operation_of(method, path).unwrap_or("UnknownOperation");
    }
    if path.starts_with("/npm/") {
        return if read { "NpmRead" } else { "NpmWrite" };
    }
    if path.starts_with("/pypi/") {
        return if read { "PypiRead" } else { "PypiWrite" };
    }
    if path.starts_with("/wharf/v1/promotions") {
        return "Promotions";
    }
    if path.starts_with(crate::admin::wire::ADMIN_PREFIX) {
        return "Admin";
    }
    match path {
        "/health" => "Health",
        crate::metrics::PATH => "Metrics",
        _ if read => "Console",
        _ => "Other",
    }
}

/// Middleware: times the request, counts it in the metrics and writes its log line.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let operation = operation_label(request.method().as_str(), request.uri().path());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let slot = Arc::new(OnceLock::new());
    let response = PRINCIPAL.scope(slot.clone(), next.run(request)).await;
    let latency = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.observe_request(operation, status, latency);
    let principal = slot.get();
    tracing::info!(
        target: TARGET,
        request_id = %id,
        principal = principal.map(|p| p.arn.as_str()),
        access_key_id = principal.map(|p| p.access_key_id.as_str()),
        operation,
        method = %method,
        path = %path,
        status,
        latency_ms = latency.as_micros() as f64 / 1000.0,
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_a_fixed_set() {
        assert_eq!(operation_label("POST", "/v1/domain"), "CreateDomain");
        assert_eq!(operation_label("HEAD", "/v1/domain"), "DescribeDomain");
        assert_eq!(operation_label("PATCH", "/v1/domain"), "UnknownOperation");
        assert_eq!(
            operation_label("GET", "/v1/no/such/thing"),
            "UnknownOperation"
        );
        assert_eq!(operation_label("GET", "/npm/d/r/@scope%2fname"), "NpmRead");
        assert_eq!(operation_label("PUT", "/npm/d/r/name"), "NpmWrite");
        assert_eq!(operation_label("GET", "/pypi/d/r/simple/x/"), "PypiRead");
        assert_eq!(operation_label("POST", "/pypi/d/r/"), "PypiWrite");
        assert_eq!(
            operation_label("POST", "/wharf/v1/promotions"),
            "Promotions"
        );
        assert_eq!(
            operation_label("GET", "/wharf/v1/promotions/abc"),
            "Promotions"
        );
        assert_eq!(operation_label("GET", "/health"), "Health");
        assert_eq!(operation_label("GET", "/metrics"), "Metrics");
        assert_eq!(operation_label("GET", "/some/package-name.js"), "Console");
        assert_eq!(operation_label("DELETE", "/some/package-name"), "Other");
    }
}
