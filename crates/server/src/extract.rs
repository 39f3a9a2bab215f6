//! Request extractors that own their rejections, so even a malformed request gets a
//! `ValidationException` in CodeArtifact's format, and one body reader ([`read_body`]) for every
//! place that reads a body on the API's side.

use crate::config::Config;
use crate::error::ApiError;
use crate::limits::BodyFailure;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Query-string members, parsed in any order into a `core::api` query struct.
pub struct AwsQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for AwsQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query)
            .map(AwsQuery)
            .map_err(|e| ApiError::validation(format!("Invalid query string: {e}")))
    }
}

/// A JSON body; an empty body is the type's default (the CLI sends none for optional members).
/// The body is read like [`AwsBody`], with the same answers when it is too large or stalls.
pub struct AwsJson<T>(pub T);

impl<T: DeserializeOwned + Default> FromRequest<AppState> for AwsJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let bytes = read_body(req.into_body(), &state.config).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(AwsJson(T::default()));
        }
        let unparsable = |e: serde_json::Error| ApiError::Validation {
            message: format!("Could not parse request body into json: {e}"),
            reason: "CANNOT_PARSE",
        };
        // Parsed once: the audit record takes its parameters from this value, and the
        // operation's members are read from it.
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(unparsable)?;
        crate::audit::note_body(&value, bytes.len());
        serde_json::from_value(value)
            .map(AwsJson)
            .map_err(unparsable)
    }
}

/// The request body, read whole; a body over `--max-body-bytes` is
/// `RequestEntityTooLargeException` and a stalled one `RequestTimeoutException`, as for
/// [`read_body`].
pub struct AwsBody(pub Bytes);

impl FromRequest<AppState> for AwsBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        read_body(req.into_body(), &state.config).await.map(AwsBody)
    }
}

/// Reads a whole request body up to `--max-body-bytes` (for the layers that must see the body
/// before the handler does, and [`AwsBody`]). Too large: `RequestEntityTooLargeException`;
/// stalled: `RequestTimeoutException`; broken: `ValidationException`.
pub async fn read_body(body: axum::body::Body, config: &Config) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, config.max_body_bytes)
        .await
        .map_err(|e| BodyFailure::of(&e).into_api_error(config.max_body_bytes, &config.limits))
}
