//! [`ClientError`]: every way an API call can fail, decoded once from the HTTP status, the
//! `x-amzn-ErrorType` header and the `{"message": ...}` body.

use wharf_core::FieldError;
use wharf_core::api::ErrorBody;

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// `ValidationException`: the request is invalid.
    Validation {
        /// The service's message.
        message: String,
        /// The fields the message names (`Value '...' at 'domain' failed to ...`).
        fields: Vec<FieldError>,
    },
    /// `AccessDeniedException`: the token may not do this.
    AccessDenied {
        /// The service's message.
        message: String,
    },
    /// `ResourceNotFoundException`.
    NotFound {
        /// `domain`, `repository`, `package`, `package-version` or `asset`, when given.
        resource_type: Option<String>,
        /// The service's message.
        message: String,
    },
    /// The token was refused or has expired: the user has to sign in again.
    Unauthorized {
        /// The service's message.
        message: String,
    },
    /// `ConflictException`.
    Conflict {
        /// The service's message.
        message: String,
    },
    /// Any other error the service reported.
    Other {
        /// The `x-amzn-ErrorType` code (or `HTTP <status>`).
        code: String,
        /// The service's message.
        message: String,
    },
    /// The service could not be reached, or its answer could not be read.
    Unreachable(String),
}

/// Error codes that mean "sign in again".
const AUTH_CODES: &[&str] = &[
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "MissingAuthenticationTokenException",
    "ExpiredTokenException",
    "IncompleteSignatureException",
];

/// The field paths named in a validation message (`... at 'sourceRepository' failed ...`).
pub fn fields_of_message(message: &str) -> Vec<FieldError> {
    message
        .split("; ")
        .filter_map(|part| {
            let after = part.split(" at '").nth(1)?;
            let field = after.split('\'').next()?;
            Some(FieldError {
                field: field.to_owned(),
                message: part
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .trim_start_matches(" validation error detected: ")
                    .trim_start_matches(" validation errors detected: ")
                    .to_owned(),
            })
        })
        .collect()
}

impl ClientError {
    /// Decodes a failed response. `error_type` is the `x-amzn-ErrorType` header, whose code
    /// may be followed by `:` and a URL.
    pub fn decode(status: u16, error_type: Option<&str>, body: &str) -> ClientError {
        let parsed: Option<ErrorBody> = serde_json::from_str(body).ok();
        let code = error_type
            .map(|t| t.split(':').next().unwrap_or(t).trim().to_owned())
            .filter(|t| !t.is_empty())
            .or_else(|| parsed.as_ref().and_then(|b| b.type_name.clone()))
            .unwrap_or_else(|| format!("HTTP {status}"));
        let code = code.rsplit('#').next().unwrap_or(&code).to_owned();
        let message = parsed
            .as_ref()
            .map(|b| b.message.clone())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("The service answered HTTP {status}"));
        match code.as_str() {
            "ValidationException" => ClientError::Validation {
                fields: fields_of_message(&message),
                message,
            },
            "AccessDeniedException" => ClientError::AccessDenied { message },
            "ResourceNotFoundException" => ClientError::NotFound {
                resource_type: parsed.and_then(|b| b.resource_type),
                message,
            },
            "ConflictException" => ClientError::Conflict { message },
            c if AUTH_CODES.contains(&c) || status == 401 => ClientError::Unauthorized { message },
            _ => ClientError::Other { code, message },
        }
    }

    /// Decodes a failed answer of the npm endpoints, whose errors are `{"error": "…"}`: 401
    /// ends the session, 403 is an access denial with the service's text, anything else keeps
    /// npm's message.
    pub fn decode_npm(status: u16, body: &str) -> ClientError {
        let message = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("The npm endpoint answered HTTP {status}"));
        match status {
            401 => ClientError::Unauthorized { message },
            403 => ClientError::AccessDenied { message },
            _ => ClientError::Other {
                code: format!("HTTP {status}"),
                message,
            },
        }
    }

    /// Whether the session has to end (token refused or expired).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ClientError::Unauthorized { .. })
    }

    /// Whether this is "the package does not exist here".
    pub fn is_package_not_found(&self) -> bool {
        matches!(self, ClientError::NotFound { resource_type, .. }
            if resource_type.as_deref().is_none_or(|t| t == "package"))
    }
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Validation { message, .. } => write!(f, "Invalid request: {message}"),
            ClientError::AccessDenied { message } => write!(f, "Access denied: {message}"),
            ClientError::NotFound {
                resource_type,
                message,
            } => match resource_type {
                Some(t) => write!(f, "Not found ({t}): {message}"),
                None => write!(f, "Not found: {message}"),
            },
            ClientError::Unauthorized { message } => {
                write!(
                    f,
                    "The service refused your token ({}). Get a fresh token and sign in again.",
                    message.trim_end_matches('.')
                )
            }
            ClientError::Conflict { message } => write!(f, "Conflict: {message}"),
            ClientError::Other { code, message } => write!(f, "{code}: {message}"),
            ClientError::Unreachable(why) => write!(f, "The service cannot be reached: {why}"),
        }
    }
}

#[cfg(test)]
mod tests;
