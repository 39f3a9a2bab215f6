//! Server-side verification of AWS Signature Version 4 (SigV4) for Wharf's CodeArtifact API.
//!
//! The official `aws` CLI (1.45.x, botocore 1.43.x) signs every CodeArtifact request with an
//! `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. To
//! accept those clients unchanged, Wharf recomputes the signature exactly as botocore does and
//! compares. [`verify`] checks:
//!
//! - the header is well formed, the credential scope is `yyyymmdd/region/codeartifact/aws4_request`
//!   and its date matches `X-Amz-Date`;
//! - `host` and `x-amz-date` are signed, and `X-Amz-Date` is within 15 minutes of the server
//!   clock (passed in: this crate reads no clock, does no I/O and has no async);
//! - the signature over the canonical request matches (constant-time comparison), with the
//!   secret obtained from a caller-supplied lookup;
//! - a signed `x-amz-content-sha256` header agrees with the body the server received.
//!
//! Botocore details this crate reproduces (spec §10):
//!
//! - **Signed headers** are whatever the client lists in `SignedHeaders` and nothing else:
//!   botocore adds `Content-Length`, `Accept-Encoding`, `amz-sdk-*` after signing and never signs
//!   `User-Agent`. `host` includes the port (`127.0.0.1:18080`).
//! - **Payload hash**: hex SHA-256 of the body, *except* that when an `X-Amz-Content-SHA256`
//!   header exists botocore uses its value verbatim (PublishPackageVersion's `--asset-sha256`).
//!   So the signature alone does not prove the body; [`verify`] also compares that header with
//!   the server's own hash and reports [`SigV4Error::PayloadHashMismatch`].
//! - **Canonical query**: pairs percent-decoded (`+` is a literal plus, never a space),
//!   re-encoded with the RFC 3986 unreserved set, sorted by key then value ([`canonical_query_string`]).
//! - **Canonical URI**: `quote(remove_dot_segments(path), safe='/~')` of the raw wire path,
//!   i.e. existing escapes are encoded again as for every AWS service but S3 ([`canonical_uri`]).
//! - **Header values** trimmed, whitespace runs collapsed to one space, repeated headers joined
//!   by `,`.
//!
//! [`sign`] produces the same header botocore would, for tests, benchmarks and Wharf's own
//! clients. Errors map to AWS codes and statuses through [`SigV4Error::aws_error_code`] and
//! [`SigV4Error::http_status`].
//!
//! ```
//! use wharf_sigv4::{RequestParts, sha256_hex, sign, verify};
//!
//! let body = br#"{"versions": ["4.17.21"]}"#;
//! let hash = sha256_hex(body);
//! let headers = [
//!     ("Host", "127.0.0.1:18080"),
//!     ("X-Amz-Date", "20240115T120000Z"),
//!     ("Content-Type", "application/json"),
//! ];
//! let parts = RequestParts {
//!     method: "POST",
//!     path: "/v1/package/versions/copy",
//!     query: "domain=my-domain&package=lodash",
//!     headers: &headers,
//!     payload_sha256: &hash,
//! };
//! let authorization = sign(&parts, "AKIDEXAMPLE", "secret", "us-west-2").unwrap();
//! // What the server receives: the signed headers, the Authorization header, and headers
//! // added after signing (never signed).
//! let mut received = headers.to_vec();
//! received.extend([("Authorization", authorization.as_str()), ("Content-Length", "25")]);
//! let parts = RequestParts { headers: &received, ..parts };
//! let now = wharf_sigv4::parse_amz_date("20240115T120500Z").unwrap();
//! let verified = verify(&parts, now, |akid| (akid == "AKIDEXAMPLE").then(|| "secret".into()));
//! assert_eq!(verified.unwrap().region, "us-west-2");
//! ```

mod authorization;
mod canonical;
mod date;
mod error;
mod verify;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub use authorization::{ALGORITHM, ParsedAuthorization, TERMINATOR, parse_authorization};
pub use canonical::{canonical_query_string, canonical_request, canonical_uri};
pub use date::{format_amz_date, parse_amz_date};
pub use error::{SIGNATURE_MISMATCH_MESSAGE, SigV4Error};
pub use verify::{UNSIGNED_HEADERS, Verified, sign, verify};

/// The signing name of the CodeArtifact service; the only service [`verify`] accepts.
pub const SERVICE: &str = "codeartifact";

/// The largest accepted difference between `X-Amz-Date` and the server clock, in seconds.
pub const MAX_CLOCK_SKEW_SECS: i64 = 15 * 60;

/// SHA-256 of the empty body, the payload hash of every GET and empty POST.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A request as the server saw it, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// The HTTP method, e.g. `POST` (uppercased for the canonical request).
    pub method: &'a str,
    /// The raw path, percent-encoded as on the wire, without the query.
    pub path: &'a str,
    /// The raw query string without the leading `?` (empty if none).
    pub query: &'a str,
    /// All request headers in the order received; names in any case, a name may repeat.
    /// Include `Host` (for HTTP/2, the `:authority` value under the name `host`).
    pub headers: &'a [(&'a str, &'a str)],
    /// Lowercase hex SHA-256 of the body as the server received it (see [`sha256_hex`]).
    pub payload_sha256: &'a str,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The credential scope `date/region/service/aws4_request`.
pub fn credential_scope(date: &str, region: &str, service: &str) -> String {
    format!("{date}/{region}/{service}/{TERMINATOR}")
}

/// The string to sign: `AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of canonical request>`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

fn hmac_sha256(key: &[u8], data: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The SigV4 signing key: HMAC chain of `"AWS4" + secret` over date (`yyyymmdd`), region,
/// service and `aws4_request`.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date);
    let k_region = hmac_sha256(&k_date, region);
    let k_service = hmac_sha256(&k_region, service);
    hmac_sha256(&k_service, TERMINATOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_empty_and_known() {
        assert_eq!(sha256_hex(b""), EMPTY_PAYLOAD_SHA256);
        assert_eq!(
            sha256_hex(b"hello world\n"),
            "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447"
        );
    }

    #[test]
    fn aws_documentation_signing_key() {
        // The worked example of the AWS General Reference ("Examples of how to derive a
        // signing key for Signature Version 4").
        let key = signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20120215",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex::encode(key),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }
}
