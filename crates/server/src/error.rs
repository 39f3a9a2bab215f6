//! `ApiError`: the CodeArtifact exceptions, and the one place that writes them to the wire
//! (status, `x-amzn-ErrorType`, `x-amzn-RequestId`, JSON body with the modelled members).
#![deny(clippy::wildcard_enum_match_arm)]

pub mod words;

use crate::store::{MAX_UPSTREAMS, StoreError, UpstreamRefusal};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use wharf_core::ValidationErrors;
use wharf_core::api::ErrorBody;

/// An error as the API reports it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `ValidationException` with its `reason`.
    #[error("{message}")]
    Validation {
        /// The message.
        message: String,
        /// `FIELD_VALIDATION_FAILED`, `CANNOT_PARSE`, `UNKNOWN_OPERATION` or `OTHER`.
        reason: &'static str,
    },
    /// 403 `AccessDeniedException`.
    #[error("{0}")]
    AccessDenied(String),
    /// 404 `ResourceNotFoundException`.
    #[error("{message}")]
    NotFound {
        /// The message.
        message: String,
        /// The resource's name.
        resource_id: String,
        /// `domain`, `repository`, `package`, `package-version` or `asset`.
        resource_type: &'static str,
    },
    /// 409 `ConflictException`.
    #[error("{message}")]
    Conflict {
        /// The message.
        message: String,
        /// The resource's name.
        resource_id: String,
        /// Its type.
        resource_type: &'static str,
    },
    /// 402 `ServiceQuotaExceededException`.
    #[error("{message}")]
    QuotaExceeded {
        /// The message.
        message: String,
        /// The resource's name.
        resource_id: String,
        /// Its type.
        resource_type: &'static str,
    },
    /// An authentication failure: code and status come from the SigV4 layer.
    #[error("{message}")]
    Auth {
        /// `MissingAuthenticationTokenException`, `InvalidSignatureException`, ...
        code: &'static str,
        /// The HTTP status.
        status: u16,
        /// The message.
        message: String,
    },
    /// 413 `RequestEntityTooLargeException`: the body is over `--max-body-bytes` (not
    /// modelled by CodeArtifact; see ARCHITECTURE's known deviations).
    #[error("The request body is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// 408 `RequestTimeoutException`: the request body stalled (botocore retries it).
    #[error("{0}")]
    RequestTimeout(String),
    /// 429 `ThrottlingException` with `Retry-After`: the service is at its connection limit.
    #[error("{0}")]
    Throttling(String),
    /// 404 for a path that is no operation.
    #[error("{0}")]
    UnknownOperation(String),
    /// 500 `InternalServerException`; the source is logged, never sent.
    #[error("internal error: {0}")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A field validation failure with a ready message.
    pub fn validation(message: impl Into<String>) -> Self {
        ApiError::Validation {
            message: message.into(),
            reason: "FIELD_VALIDATION_FAILED",
        }
    }

    /// A `ResourceNotFoundException`.
    pub fn not_found(
        resource_type: &'static str,
        id: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ApiError::NotFound {
            message: message.into(),
            resource_id: id.into(),
            resource_type,
        }
    }

    /// A `ConflictException`.
    pub fn conflict(
        resource_type: &'static str,
        id: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ApiError::Conflict {
            message: message.into(),
            resource_id: id.into(),
            resource_type,
        }
    }

    /// The exception's name (`ValidationException`, …), as `x-amzn-ErrorType` carries it.
    pub fn code(&self) -> &'static str {
        self.parts().1
    }

    fn parts(&self) -> (StatusCode, &'static str, ErrorBody) {
        let body = |message: &str| ErrorBody {
            type_name: None,
            message: message.to_owned(),
            resource_id: None,
            resource_type: None,
            reason: None,
        };
        match self {
            ApiError::Validation { message, reason } => {
                let mut b = body(message);
                b.reason = Some((*reason).to_owned());
                (StatusCode::BAD_REQUEST, "ValidationException", b)
            }
            ApiError::AccessDenied(m) => (StatusCode::FORBIDDEN, "AccessDeniedException", body(m)),
            ApiError::NotFound {
                message,
                resource_id,
                resource_type,
            } => {
                let mut b = body(message);
                b.resource_id = Some(resource_id.clone());
                // Package groups have no value in the model's ResourceType enum: left out.
                b.resource_type = (!resource_type.is_empty()).then(|| (*resource_type).to_owned());
                (StatusCode::NOT_FOUND, "ResourceNotFoundException", b)
            }
            ApiError::Conflict {
                message,
                resource_id,
                resource_type,
            } => {
                let mut b = body(message);
                b.resource_id = Some(resource_id.clone());
                b.resource_type = (!resource_type.is_empty()).then(|| (*resource_type).to_owned());
                (StatusCode::CONFLICT, "ConflictException", b)
            }
            ApiError::QuotaExceeded {
                message,
                resource_id,
                resource_type,
            } => {
                let mut b = body(message);
                b.resource_id = Some(resource_id.clone());
                b.resource_type = Some((*resource_type).to_owned());
                (
                    StatusCode::PAYMENT_REQUIRED,
                    "ServiceQuotaExceededException",
                    b,
                )
            }
            ApiError::Auth {
                code,
                status,
                message,
            } => (
                StatusCode::from_u16(*status).unwrap_or(StatusCode::FORBIDDEN),
                code,
                body(message),
            ),
            ApiError::TooLarge { .. } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLargeException",
                body(&self.to_string()),
            ),
            ApiError::RequestTimeout(m) => (
                StatusCode::REQUEST_TIMEOUT,
                "RequestTimeoutException",
                body(m),
            ),
            ApiError::Throttling(m) => (
                StatusCode::TOO_MANY_REQUESTS,
                "ThrottlingException",
                body(m),
            ),
            ApiError::UnknownOperation(m) => {
                (StatusCode::NOT_FOUND, "UnknownOperationException", body(m))
            }
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerException",
                body("An internal error occurred. It has been logged."),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let request_id = crate::request_id::current().unwrap_or_default().0;
        if let ApiError::Internal(source) = &self {
            tracing::error!(error = %format!("{source:#}"), request_id, "internal error");
        }
        let retry_after = matches!(self, ApiError::Throttling(_));
        let (status, code, mut body) = self.parts();
        body.type_name = Some(code.to_owned());
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert("x-amzn-ErrorType", HeaderValue::from_static(code));
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            headers.insert(crate::request_id::HEADER, v);
        }
        if retry_after {
            headers.insert("Retry-After", HeaderValue::from_static("1"));
        }
        response
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        ApiError::validation(e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => {
                let w = words::missing(&m);
                ApiError::NotFound {
                    message: w.message,
                    resource_id: w.resource_id,
                    resource_type: w.resource_type,
                }
            }
            StoreError::Conflict(c) => {
                let w = words::clash(&c);
                ApiError::Conflict {
                    message: w.message,
                    resource_id: w.resource_id,
                    resource_type: w.resource_type,
                }
            }
            StoreError::Invalid(message) => ApiError::validation(message),
            StoreError::Upstreams(refusal) => ApiError::validation(upstream_refusal(&refusal)),
            StoreError::Quota(l) => {
                let w = words::limit(&l);
                ApiError::QuotaExceeded {
                    message: w.message,
                    resource_id: w.resource_id,
                    resource_type: w.resource_type,
                }
            }
            StoreError::Backend(source) => ApiError::Internal(source),
        }
    }
}

/// The layer that turns a panic in any handler or middleware into a logged
/// `InternalServerException` in CodeArtifact's format, with its `x-amzn-RequestId`, instead of
/// a dropped connection. [`crate::app`] puts it outermost.
pub fn catch_panics() -> tower_http::catch_panic::CatchPanicLayer<fn(PanicPayload) -> Response> {
    tower_http::catch_panic::CatchPanicLayer::custom(panic_response as fn(PanicPayload) -> Response)
}

/// What a panic carries.
pub type PanicPayload = Box<dyn std::any::Any + Send + 'static>;

fn panic_response(payload: PanicPayload) -> Response {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    ApiError::Internal(anyhow::anyhow!("panic: {message}")).into_response()
}

/// A refused upstream list, in the API's words.
pub fn upstream_refusal(refusal: &UpstreamRefusal) -> String {
    match refusal {
        UpstreamRefusal::TooMany => format!(
            "1 validation error detected: Value at 'upstreams' failed to satisfy constraint: Member must have length less than or equal to {MAX_UPSTREAMS}"
        ),
        UpstreamRefusal::Repeated(up) => format!("Upstream {up} is listed more than once"),
        UpstreamRefusal::Cycle(name) => {
            format!("Upstreams of {name} would create a cycle: {name} would be its own upstream")
        }
    }
}
