//! Why a request failed SigV4 verification, and how each reason maps onto the AWS error
//! codes and HTTP statuses that botocore understands (spec §9.4).

use thiserror::Error;

/// The fixed message AWS sends with `InvalidSignatureException` for a signature mismatch.
pub const SIGNATURE_MISMATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// A reason for rejecting (or being unable to sign) a request.
///
/// `Display` gives the message to send to the client; [`SigV4Error::aws_error_code`] and
/// [`SigV4Error::http_status`] give the code (for `x-amzn-ErrorType` / `__type`) and the status.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SigV4Error {
    /// The request has no `Authorization` header at all.
    #[error("Missing Authentication Token")]
    MissingAuthorization,

    /// The request has more than one `Authorization` header.
    #[error("Request has more than one Authorization header.")]
    MultipleAuthorization,

    /// The header does not start with `AWS4-HMAC-SHA256`.
    #[error("Unsupported AWS 'algorithm': '{0}'. Only 'AWS4-HMAC-SHA256' is supported.")]
    UnsupportedAlgorithm(String),

    /// One or more of `Credential`, `SignedHeaders`, `Signature` is absent or empty
    /// (names listed in that order).
    #[error("{}", missing_parameters_message(.0))]
    MissingParameters(Vec<&'static str>),

    /// A comma-separated element of the header is not a `key=value` pair.
    #[error("'{0}' not a valid key=value pair (missing equal-sign) in Authorization header.")]
    NotKeyValuePair(String),

    /// A parameter occurs twice in the header.
    #[error("Authorization header has a duplicate '{0}' parameter.")]
    DuplicateParameter(&'static str),

    /// `Credential` is not `<access key id>/<yyyymmdd>/<region>/<service>/aws4_request`.
    #[error(
        "Authorization header has a malformed 'Credential' parameter '{0}': expected \
         '<access key id>/<yyyymmdd>/<region>/codeartifact/aws4_request'."
    )]
    MalformedCredential(String),

    /// `SignedHeaders` contains an empty header name (e.g. `host;;x-amz-date`).
    #[error("Authorization header has an empty header name in 'SignedHeaders': '{0}'.")]
    MalformedSignedHeaders(String),

    /// The request has no `X-Amz-Date` header.
    #[error("Authorization header requires existence of an 'X-Amz-Date' header.")]
    MissingAmzDate,

    /// `X-Amz-Date` is not `yyyymmddThhmmssZ` or is not a real date and time.
    #[error("X-Amz-Date must be in ISO-8601 'basic format' (yyyyMMdd'T'HHmmss'Z'). Got '{0}'.")]
    MalformedAmzDate(String),

    /// `host` or `x-amz-date` is missing from `SignedHeaders`. Holds the display name
    /// (`Host` or `X-Amz-Date`).
    #[error("'{0}' must be a 'SignedHeader' in the AWS Authorization.")]
    HeaderNotSigned(&'static str),

    /// The credential scope names a service other than `codeartifact`.
    #[error("Credential should be scoped to correct service: 'codeartifact'.")]
    WrongService(String),

    /// The credential scope does not end in `aws4_request`.
    #[error("Credential should be scoped with a valid terminator: 'aws4_request', not '{0}'.")]
    WrongTerminator(String),

    /// The date in the credential scope differs from the date part of `X-Amz-Date`.
    #[error(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
         HTTP: '{scope_date}' != '{}', from '{amz_date}'.",
        amz_date.get(..8).unwrap_or(amz_date)
    )]
    ScopeDateMismatch {
        /// The `yyyymmdd` from the credential scope.
        scope_date: String,
        /// The full `X-Amz-Date` value.
        amz_date: String,
    },

    /// `X-Amz-Date` is more than 15 minutes before the server's clock.
    #[error("Signature expired: {signed} is now earlier than {limit} ({now} - 15 min.)")]
    SignatureExpired {
        /// The request's `X-Amz-Date`.
        signed: String,
        /// `now` minus 15 minutes, as an amz-date.
        limit: String,
        /// The server's clock, as an amz-date.
        now: String,
    },

    /// `X-Amz-Date` is more than 15 minutes after the server's clock.
    #[error("Signature not yet current: {signed} is still later than {limit} ({now} + 15 min.)")]
    SignatureNotYetCurrent {
        /// The request's `X-Amz-Date`.
        signed: String,
        /// `now` plus 15 minutes, as an amz-date.
        limit: String,
        /// The server's clock, as an amz-date.
        now: String,
    },

    /// A header named in `SignedHeaders` is not in the request (so the signature cannot match).
    #[error(
        "The request signature we calculated does not match the signature you provided: header \
         '{0}' is listed in SignedHeaders but is not present in the request."
    )]
    SignedHeaderMissing(String),

    /// The access key id is not known to the server.
    #[error("The security token included in the request is invalid.")]
    UnknownAccessKey(String),

    /// The signature does not match the one computed by the server.
    #[error("{}", SIGNATURE_MISMATCH_MESSAGE)]
    SignatureMismatch,

    /// The signature is valid, but the signed `x-amz-content-sha256` header differs from the
    /// SHA-256 of the body the server received.
    #[error("The provided x-amz-content-sha256 header does not match what was computed.")]
    PayloadHashMismatch {
        /// The `x-amz-content-sha256` header value.
        header: String,
        /// The hash the server computed over the body.
        computed: String,
    },
}

fn missing_parameters_message(names: &[&'static str]) -> String {
    names
        .iter()
        .map(|n| format!("Authorization header requires '{n}' parameter."))
        .collect::<Vec<_>>()
        .join(" ")
}

impl SigV4Error {
    /// The AWS error code to send in `x-amzn-ErrorType` (and `__type`).
    pub fn aws_error_code(&self) -> &'static str {
        use SigV4Error::*;
        match self {
            MissingAuthorization => "MissingAuthenticationTokenException",
            MultipleAuthorization
            | UnsupportedAlgorithm(_)
            | MissingParameters(_)
            | NotKeyValuePair(_)
            | DuplicateParameter(_)
            | MalformedCredential(_)
            | MalformedSignedHeaders(_)
            | MissingAmzDate
            | MalformedAmzDate(_)
            | HeaderNotSigned(_) => "IncompleteSignatureException",
            WrongService(_)
            | WrongTerminator(_)
            | ScopeDateMismatch { .. }
            | SignatureExpired { .. }
            | SignatureNotYetCurrent { .. }
            | SignedHeaderMissing(_)
            | SignatureMismatch => "InvalidSignatureException",
            UnknownAccessKey(_) => "UnrecognizedClientException",
            PayloadHashMismatch { .. } => "ValidationException",
        }
    }

    /// The HTTP status to reply with.
    pub fn http_status(&self) -> u16 {
        match self.aws_error_code() {
            "MissingAuthenticationTokenException" | "InvalidSignatureException" => 403,
            _ => 400,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses() {
        let cases = [
            (
                SigV4Error::MissingAuthorization,
                "MissingAuthenticationTokenException",
                403,
            ),
            (
                SigV4Error::MissingParameters(vec!["Credential"]),
                "IncompleteSignatureException",
                400,
            ),
            (
                SigV4Error::HeaderNotSigned("Host"),
                "IncompleteSignatureException",
                400,
            ),
            (
                SigV4Error::UnknownAccessKey("AKID".into()),
                "UnrecognizedClientException",
                400,
            ),
            (
                SigV4Error::SignatureMismatch,
                "InvalidSignatureException",
                403,
            ),
            (
                SigV4Error::WrongService("s3".into()),
                "InvalidSignatureException",
                403,
            ),
            (
                SigV4Error::PayloadHashMismatch {
                    header: "a".into(),
                    computed: "b".into(),
                },
                "ValidationException",
                400,
            ),
        ];
        for (err, code, status) in cases {
            assert_eq!(err.aws_error_code(), code, "{err:?}");
            assert_eq!(err.http_status(), status, "{err:?}");
        }
    }

    #[test]
    fn messages() {
        assert_eq!(
            SigV4Error::MissingParameters(vec!["Credential", "Signature"]).to_string(),
            "Authorization header requires 'Credential' parameter. \
             Authorization header requires 'Signature' parameter."
        );
        assert_eq!(
            SigV4Error::ScopeDateMismatch {
                scope_date: "20240116".into(),
                amz_date: "20240115T120000Z".into()
            }
            .to_string(),
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
             HTTP: '20240116' != '20240115', from '20240115T120000Z'."
        );
        assert_eq!(
            SigV4Error::SignatureMismatch.to_string(),
            SIGNATURE_MISMATCH_MESSAGE
        );
        assert_eq!(
            SigV4Error::UnknownAccessKey("X".into()).to_string(),
            "The security token included in the request is invalid."
        );
    }
}
