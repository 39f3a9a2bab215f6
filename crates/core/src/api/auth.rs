//! GetAuthorizationToken: `POST /v1/authorization-token`, with every input in the query string
//! and an empty body.

use serde::{Deserialize, Serialize};

/// The query-string members of GetAuthorizationToken.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct GetAuthorizationTokenQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `durationSeconds`, sent as `duration` (long, 0–43200; `0` or 900–43200 accepted, `0`
    /// meaning "as long as the caller's session"; default 12 hours). Kept as text so the
    /// server reports bad values.
    #[serde(rename = "duration", default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<String>,
}

/// The response of GetAuthorizationToken.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetAuthorizationTokenResult {
    /// `authorizationToken`: the bearer token package managers send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_token: Option<String>,
    /// `expiration`: epoch seconds, fractions allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<f64>,
}
