//! Request extractors that own their rejections, so even a malformed request gets a
//! `ValidationException` in CodeArtifact's format.

use crate::error::ApiError;
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
pub struct AwsJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for AwsJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::validation(format!("Could not read the request body: {e}")))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(AwsJson(T::default()));
        }
        serde_json::from_slice(&bytes)
            .map(AwsJson)
            .map_err(|e| ApiError::Validation {
                message: format!("Could not parse request body into json: {e}"),
                reason: "CANNOT_PARSE",
            })
    }
}

/// Reads a whole request body, refusing one over `limit` bytes with a `ValidationException`
/// (for the layers that must see the body before the handler does).
pub async fn read_body(body: axum::body::Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::Validation {
            message: format!("The request body is larger than {limit} bytes"),
            reason: "OTHER",
        })
}
