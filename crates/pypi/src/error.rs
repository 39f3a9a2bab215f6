//! The one error type of the PyPI protocol layer: each refusal with the HTTP status pip, uv
//! and twine expect (spec §3.3) and a sentence twine prints as the reason.

/// Why a PyPI request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PypiError {
    /// The form, a filename, metadata, a digest or an archive is invalid (400).
    #[error("{0}")]
    Invalid(String),
    /// The upload is larger than allowed (413).
    #[error("The upload is {size} bytes; the most this repository accepts is {limit} bytes")]
    TooLarge {
        /// The size sent (or at least seen).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// No representation the client accepts (406).
    #[error("{0}")]
    NotAcceptable(String),
}

impl PypiError {
    /// The HTTP status of this refusal.
    pub fn status(&self) -> u16 {
        match self {
            PypiError::Invalid(_) => 400,
            PypiError::TooLarge { .. } => 413,
            PypiError::NotAcceptable(_) => 406,
        }
    }

    /// An [`PypiError::Invalid`] from anything displayable.
    pub fn invalid(message: impl Into<String>) -> Self {
        PypiError::Invalid(message.into())
    }
}
