//! Stored bytes as HTTP answers: CodeArtifact's GetPackageVersionAsset and npm tarballs.
//!
//! An asset is content-addressed, so its SHA-256 is a strong `ETag` (`"<hex>"`): a request whose
//! `If-None-Match` names it gets `304 Not Modified` without the object store being read. A
//! single byte range (`Range: bytes=a-b`, `a-`, `-n`) gets `206 Partial Content` with only those
//! bytes read from the object store; a range that starts past the end gets `416` with
//! `Content-Range: bytes */SIZE`. Several ranges, a malformed `Range`, or an `If-Range` that
//! does not name the current `ETag` get the whole body (RFC 9110 lets a server ignore `Range`).
//!
//! Caching: every read is authorized, so answers are `private` (a shared cache must not hand
//! them to someone else). When the request pins the bytes (a CodeArtifact request naming the
//! revision, which is a digest of the assets) they are `max-age=31536000, immutable`; otherwise
//! (a version can be deleted and published again with other bytes) `no-cache`: a client keeps
//! its copy and revalidates it with `If-None-Match`, which costs one metadata read.

use crate::store::assets::AssetKey;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use futures::TryStreamExt;
use object_store::{GetOptions, GetRange, ObjectStore};

/// Whether the request's URL names bytes that can never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// The URL pins the content (a revision): cache for a year, never revalidate.
    Pinned,
    /// The URL names a version that may be deleted and published again: revalidate each time.
    Revalidate,
}

/// What part of the body a request asked for, decided from its headers alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Want {
    /// The client's copy is current: `304`.
    NotModified,
    /// The whole body: `200`.
    Full,
    /// Bytes `start..=end`: `206`.
    Part {
        /// First byte.
        start: u64,
        /// Last byte (inclusive).
        end: u64,
    },
    /// A range starting past the end: `416`.
    Unsatisfiable,
}

/// The strong entity tag of content with this SHA-256 (hex).
pub(crate) fn etag(sha256: &str) -> String {
    format!("\"{sha256}\"")
}

/// Whether an `If-None-Match` value (`*` or a list of tags, weak or strong) matches `tag`
/// (weak comparison, as RFC 9110 §13.1.2 asks for this header).
fn none_match_hits(value: &str, tag: &str) -> bool {
    value
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag)
}

/// The one range asked for by `value`, resolved against `size`; `None` to ignore the header
/// (malformed, several ranges).
fn single_range(value: &str, size: u64) -> Option<Want> {
    use http_range_header::{EndPosition, StartPosition};
    let parsed = http_range_header::parse_range_header(value).ok()?;
    let [range] = parsed.ranges.as_slice() else {
        return None;
    };
    let (start, end) = match (range.start, range.end) {
        // A suffix longer than the body is the whole body (RFC 9110 §14.1.2).
        (StartPosition::FromLast(n), _) => (size.saturating_sub(n), size.checked_sub(1)?),
        (StartPosition::Index(s), EndPosition::LastByte) => (s, size.saturating_sub(1)),
        (StartPosition::Index(s), EndPosition::Index(e)) if e < s => return None,
        (StartPosition::Index(s), EndPosition::Index(e)) => (s, e.min(size.saturating_sub(1))),
    };
    Some(if size == 0 || start >= size {
        Want::Unsatisfiable
    } else {
        Want::Part { start, end }
    })
}

/// What to answer to a GET with `headers` for content of `sha256` and `size` bytes.
pub(crate) fn want(headers: &HeaderMap, sha256: &str, size: u64) -> Want {
    let tag = etag(sha256);
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if text(header::IF_NONE_MATCH).is_some_and(|v| none_match_hits(v, &tag)) {
        return Want::NotModified;
    }
    let Some(range) = text(header::RANGE) else {
        return Want::Full;
    };
    // If-Range with a date, or another tag: the client's partial copy is stale.
    if text(header::IF_RANGE).is_some_and(|v| v.trim() != tag) {
        return Want::Full;
    }
    single_range(range, size).unwrap_or(Want::Full)
}

/// The answer to a GET of content `sha256` (`size` bytes) with request `headers`: the caching
/// headers always, then 304, 416, 206 or 200 with the bytes streamed from `blobs`.
pub(crate) async fn respond(
    blobs: &dyn ObjectStore,
    headers: &HeaderMap,
    sha256: &str,
    size: u64,
    freshness: Freshness,
) -> object_store::Result<Response> {
    let want = want(headers, sha256, size);
    let path = AssetKey::sha256(sha256).path();
    let (status, body, length, range) = match want {
        Want::NotModified => (StatusCode::NOT_MODIFIED, Body::empty(), None, None),
        Want::Unsatisfiable => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            Body::empty(),
            Some(0),
            Some(format!("bytes */{size}")),
        ),
        Want::Full => {
            let got = blobs.get(&path).await?;
            let stream = got.into_stream().map_err(std::io::Error::other);
            (StatusCode::OK, Body::from_stream(stream), Some(size), None)
        }
        Want::Part { start, end } => {
            let options = GetOptions {
                range: Some(GetRange::Bounded(start..end + 1)),
                ..Default::default()
            };
            let got = blobs.get_opts(&path, options).await?;
            let stream = got.into_stream().map_err(std::io::Error::other);
            (
                StatusCode::PARTIAL_CONTENT,
                Body::from_stream(stream),
                Some(end + 1 - start),
                Some(format!("bytes {start}-{end}/{size}")),
            )
        }
    };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag(sha256)) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match freshness {
            Freshness::Pinned => "private, max-age=31536000, immutable",
            Freshness::Revalidate => "private, no-cache",
        }),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if status != StatusCode::NOT_MODIFIED {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
    }
    if let Some(n) = length {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    if let Some(v) = range.and_then(|v| HeaderValue::from_str(&v).ok()) {
        h.insert(header::CONTENT_RANGE, v);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want_with(pairs: &[(header::HeaderName, &str)], size: u64) -> Want {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        want(&h, "abc", size)
    }

    #[test]
    fn if_none_match_with_the_tag_or_a_star_is_not_modified() {
        for v in ["\"abc\"", "W/\"abc\"", "\"x\", \"abc\"", "*"] {
            assert_eq!(
                want_with(&[(header::IF_NONE_MATCH, v)], 10),
                Want::NotModified
            );
        }
        assert_eq!(
            want_with(&[(header::IF_NONE_MATCH, "\"abd\"")], 10),
            Want::Full
        );
    }

    #[test]
    fn single_ranges_resolve_against_the_size() {
        let r = |v: &str| want_with(&[(header::RANGE, v)], 10);
        assert_eq!(r("bytes=0-3"), Want::Part { start: 0, end: 3 });
        assert_eq!(r("bytes=4-"), Want::Part { start: 4, end: 9 });
        assert_eq!(r("bytes=-3"), Want::Part { start: 7, end: 9 });
        assert_eq!(r("bytes=-30"), Want::Part { start: 0, end: 9 });
        assert_eq!(r("bytes=5-100"), Want::Part { start: 5, end: 9 });
        assert_eq!(r("bytes=10-"), Want::Unsatisfiable);
        assert_eq!(r("bytes=0-1,4-5"), Want::Full);
        assert_eq!(r("bytes=5-3"), Want::Full);
        assert_eq!(r("lines=1-2"), Want::Full);
        assert_eq!(
            want_with(&[(header::RANGE, "bytes=0-0")], 0),
            Want::Unsatisfiable
        );
    }

    #[test]
    fn if_range_with_another_validator_gets_the_whole_body() {
        let range = (header::RANGE, "bytes=0-3");
        assert_eq!(
            want_with(&[range.clone(), (header::IF_RANGE, "\"abc\"")], 10),
            Want::Part { start: 0, end: 3 }
        );
        assert_eq!(
            want_with(&[range, (header::IF_RANGE, "\"old\"")], 10),
            Want::Full
        );
    }
}
