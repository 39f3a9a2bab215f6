//! Verifying a signed request ([`verify`]) and signing one the way botocore does ([`sign`]).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::canonical::{header_value, normalize_signed_headers};
use crate::{
    ALGORITHM, MAX_CLOCK_SKEW_SECS, RequestParts, SERVICE, SigV4Error, canonical_request,
    credential_scope, format_amz_date, parse_amz_date, parse_authorization, signing_key,
    string_to_sign,
};

/// Headers botocore 1.43 never signs (`SIGNED_HEADERS_BLACKLIST`: `user-agent`, `expect`,
/// `x-amzn-trace-id` and the hop-by-hop headers), plus `authorization` itself.
pub const UNSIGNED_HEADERS: [&str; 12] = [
    "authorization",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// The identity a successfully verified request was signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The access key id from the credential scope, whose secret produced the signature.
    pub access_key_id: String,
    /// The region from the credential scope (the client's configured region, any value).
    pub region: String,
}

/// Verifies the SigV4 `Authorization` header of a request, as botocore signs CodeArtifact
/// requests. Checks, in this order (the first failure is returned):
///
/// 1. exactly one `Authorization` header ([`SigV4Error::MissingAuthorization`],
///    [`SigV4Error::MultipleAuthorization`]) that parses ([`parse_authorization`]);
/// 2. an `X-Amz-Date` header in `yyyymmddThhmmssZ` form;
/// 3. `host` and `x-amz-date` are both in `SignedHeaders` ([`SigV4Error::HeaderNotSigned`]);
/// 4. the scope's service is `codeartifact` and its date is the date of `X-Amz-Date`;
/// 5. `X-Amz-Date` is within 15 minutes of `now_epoch_secs` (boundary included);
/// 6. every header in `SignedHeaders` is present ([`SigV4Error::SignedHeaderMissing`]);
/// 7. `lookup(access_key_id)` returns the secret ([`SigV4Error::UnknownAccessKey`]);
/// 8. the signature matches, compared in constant time ([`SigV4Error::SignatureMismatch`]);
/// 9. if the request has an `x-amz-content-sha256` header (which botocore signs as the payload
///    hash in place of the body's hash), it equals `parts.payload_sha256`, ignoring ASCII case
///    ([`SigV4Error::PayloadHashMismatch`]). Checked after the signature so that only
///    authenticated callers learn about it.
///
/// The region is not checked; it is returned for the caller to judge.
pub fn verify(
    parts: &RequestParts<'_>,
    now_epoch_secs: i64,
    lookup: impl FnOnce(&str) -> Option<String>,
) -> Result<Verified, SigV4Error> {
    let mut authorizations = parts
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("authorization"));
    let (_, header) = authorizations
        .next()
        .ok_or(SigV4Error::MissingAuthorization)?;
    if authorizations.next().is_some() {
        return Err(SigV4Error::MultipleAuthorization);
    }
    let auth = parse_authorization(header)?;

    let amz_date = header_value(parts, "x-amz-date").ok_or(SigV4Error::MissingAmzDate)?;
    let signed_at = parse_amz_date(&amz_date)?;

    for (name, display) in [("host", "Host"), ("x-amz-date", "X-Amz-Date")] {
        if !auth.signed_headers.iter().any(|h| h == name) {
            return Err(SigV4Error::HeaderNotSigned(display));
        }
    }
    if auth.service != SERVICE {
        return Err(SigV4Error::WrongService(auth.service));
    }
    if auth.date != amz_date[..8] {
        return Err(SigV4Error::ScopeDateMismatch {
            scope_date: auth.date,
            amz_date,
        });
    }

    let skew = now_epoch_secs.saturating_sub(signed_at);
    if skew > MAX_CLOCK_SKEW_SECS {
        return Err(SigV4Error::SignatureExpired {
            signed: amz_date,
            limit: format_amz_date(now_epoch_secs - MAX_CLOCK_SKEW_SECS),
            now: format_amz_date(now_epoch_secs),
        });
    }
    if skew < -MAX_CLOCK_SKEW_SECS {
        return Err(SigV4Error::SignatureNotYetCurrent {
            signed: amz_date,
            limit: format_amz_date(now_epoch_secs + MAX_CLOCK_SKEW_SECS),
            now: format_amz_date(now_epoch_secs),
        });
    }

    let content_sha256 = header_value(parts, "x-amz-content-sha256");
    let payload_hash = content_sha256.as_deref().unwrap_or(parts.payload_sha256);
    let canonical = canonical_request(parts, &auth.signed_headers, payload_hash)?;

    let secret = lookup(&auth.access_key_id)
        .ok_or_else(|| SigV4Error::UnknownAccessKey(auth.access_key_id.clone()))?;
    let key = signing_key(&secret, &auth.date, &auth.region, &auth.service);
    let to_sign = string_to_sign(&amz_date, &auth.scope(), &canonical);
    let provided = decode_signature(&auth.signature).ok_or(SigV4Error::SignatureMismatch)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC accepts any key length");
    mac.update(to_sign.as_bytes());
    // `verify_slice` compares in constant time.
    mac.verify_slice(&provided)
        .map_err(|_| SigV4Error::SignatureMismatch)?;

    if let Some(header) = content_sha256.filter(|h| !h.eq_ignore_ascii_case(parts.payload_sha256)) {
        return Err(SigV4Error::PayloadHashMismatch {
            header,
            computed: parts.payload_sha256.to_owned(),
        });
    }

    Ok(Verified {
        access_key_id: auth.access_key_id,
        region: auth.region,
    })
}

/// The 32 signature bytes of a 64-digit lowercase hex signature, else `None`.
fn decode_signature(signature: &str) -> Option<[u8; 32]> {
    if signature.len() != 64
        || !signature
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(signature, &mut out).ok()?;
    Some(out)
}

/// Signs a request as botocore does for service `codeartifact` and returns the
/// `Authorization` header value.
///
/// The request must already carry the headers to sign: an `X-Amz-Date` header (whose value
/// gives the signing time; [`SigV4Error::MissingAmzDate`] / [`SigV4Error::MalformedAmzDate`]
/// otherwise) and a `Host` header (not enforced here, but [`verify`] rejects requests that
/// do not sign `host`). Every header in `parts.headers` is signed except
/// [`UNSIGNED_HEADERS`]; add headers that must stay unsigned (e.g. `Content-Length`,
/// `amz-sdk-invocation-id`) after signing, as botocore does. The payload hash is the
/// `x-amz-content-sha256` header if present, else `parts.payload_sha256`.
pub fn sign(
    parts: &RequestParts<'_>,
    access_key_id: &str,
    secret: &str,
    region: &str,
) -> Result<String, SigV4Error> {
    let amz_date = header_value(parts, "x-amz-date").ok_or(SigV4Error::MissingAmzDate)?;
    parse_amz_date(&amz_date)?;
    let date = &amz_date[..8];

    let names: Vec<String> = parts
        .headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .filter(|name| !UNSIGNED_HEADERS.contains(&name.as_str()))
        .collect();
    let names = normalize_signed_headers(&names);

    let content_sha256 = header_value(parts, "x-amz-content-sha256");
    let payload_hash = content_sha256.as_deref().unwrap_or(parts.payload_sha256);
    let canonical = canonical_request(parts, &names, payload_hash)?;

    let scope = credential_scope(date, region, SERVICE);
    let to_sign = string_to_sign(&amz_date, &scope, &canonical);
    let mut mac = Hmac::<Sha256>::new_from_slice(&signing_key(secret, date, region, SERVICE))
        .expect("HMAC accepts any key length");
    mac.update(to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    Ok(format!(
        "{ALGORITHM} Credential={access_key_id}/{scope}, SignedHeaders={}, Signature={signature}",
        names.join(";")
    ))
}
