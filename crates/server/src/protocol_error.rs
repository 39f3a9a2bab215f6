//! The one mapping of store and API errors onto the package-manager endpoints (npm, PyPI):
//! each gets an HTTP status and a message, and each endpoint wraps them in its own shape
//! (npm's `{"error"}`, pip's and twine's text). The endpoints differ only in the status of an
//! exceeded quota ([`QuotaStatus`]).

use crate::error::ApiError;
use crate::store::StoreError;

/// The status a protocol answers an exceeded quota with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QuotaStatus(pub(crate) u16);

/// `(status, message)` for a store error; a backend failure is logged (under `protocol`) and
/// answered with a bare 500.
pub(crate) fn of_store(e: StoreError, quota: QuotaStatus, protocol: &str) -> (u16, String) {
    match e {
        StoreError::NotFound(m) => (404, crate::error::words::missing(&m).message),
        StoreError::Conflict(c) => (409, crate::error::words::clash(&c).message),
        StoreError::Quota(l) => (quota.0, crate::error::words::limit(&l).message),
        StoreError::Invalid(message) => (400, message),
        StoreError::Upstreams(r) => (400, crate::error::upstream_refusal(&r)),
        StoreError::Backend(e) => {
            tracing::error!("{protocol} storage failed: {e:#}");
            (500, "Internal server error".to_owned())
        }
    }
}

/// `(status, message)` for an API error: a refused authorization is 403 with the
/// `AccessDeniedException` text, an authentication failure 401.
pub(crate) fn of_api(e: ApiError, quota: QuotaStatus, protocol: &str) -> (u16, String) {
    match e {
        ApiError::AccessDenied(message) => (403, message),
        ApiError::Auth { message, .. } => (401, format!("Unable to authenticate: {message}")),
        ApiError::Validation { message, .. } => (400, message),
        ApiError::NotFound { message, .. } | ApiError::UnknownOperation(message) => (404, message),
        ApiError::Conflict { message, .. } => (409, message),
        ApiError::QuotaExceeded { message, .. } => (quota.0, message),
        e @ ApiError::TooLarge { .. } => (413, e.to_string()),
        ApiError::RequestTimeout(message) => (408, message),
        ApiError::Throttling(message) => (429, message),
        ApiError::Internal(e) => {
            tracing::error!("{protocol} request failed: {e:#}");
            (500, "Internal server error".to_owned())
        }
    }
}
