//! The SigV4 canonical request, built the way botocore's `SigV4Auth.canonical_request` builds
//! it for a rest-json service such as CodeArtifact.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};

use crate::{RequestParts, SigV4Error};

/// Everything except the RFC 3986 unreserved characters `A-Z a-z 0-9 - _ . ~`.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// As [`UNRESERVED`], but keeping `/` (Python's `quote(path, safe='/~')`).
const PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// The canonical query string: every `&`-separated pair is split at its first `=` (a pair
/// without `=` has an empty value), key and value are percent-decoded (`+` stays a literal
/// plus, never a space) and re-encoded with the RFC 3986 unreserved set, and the pairs are
/// sorted by encoded key, then encoded value, and joined with `&`. An empty query gives `""`.
///
/// For what botocore sends (already encoded with that set) this equals botocore's own
/// canonical form; decoding first also accepts clients that encode differently on the wire.
pub fn canonical_query_string(query: &str) -> String {
    if query.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (reencode(key), reencode(value))
        })
        .collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(query.len() + 16);
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    out
}

fn reencode(component: &str) -> String {
    let bytes: Vec<u8> = percent_decode_str(component).collect();
    percent_encode(&bytes, UNRESERVED).to_string()
}

/// The canonical URI, as botocore computes it for non-S3 services:
/// `quote(remove_dot_segments(path), safe='/~')` applied to the path as sent on the wire.
///
/// Dot segments (`.`, `..`) and empty segments (`//`) are removed, a trailing `/` is kept,
/// an empty path becomes `/`. The path is **not** decoded first: an escape already on the
/// wire is encoded a second time (`%20` → `%2520`), which is AWS's rule for every service
/// except S3. CodeArtifact paths are plain ASCII, so this never shows for real routes.
pub fn canonical_uri(path: &str) -> String {
    let normalized = remove_dot_segments(path);
    percent_encode(normalized.as_bytes(), PATH).to_string()
}

/// botocore's `normalize_url_path` / `remove_dot_segments`.
fn remove_dot_segments(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let first = if path.starts_with('/') { "/" } else { "" };
    let last = if path.ends_with('/') && !out.is_empty() {
        "/"
    } else {
        ""
    };
    format!("{first}{}{last}", out.join("/"))
}

/// Python's `str.isspace`, which botocore's `' '.join(value.split())` splits on.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// The canonical value of header `name` (any case): each occurrence trimmed with inner runs of
/// whitespace collapsed to one space, occurrences joined with `,` in request order.
/// `None` if the request does not have the header.
pub(crate) fn header_value(parts: &RequestParts<'_>, name: &str) -> Option<String> {
    let mut joined: Option<String> = None;
    for (_, value) in parts
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
    {
        let acc = match &mut joined {
            Some(acc) => {
                acc.push(',');
                acc
            }
            None => joined.insert(String::new()),
        };
        for (i, word) in value
            .split(is_python_space)
            .filter(|w| !w.is_empty())
            .enumerate()
        {
            if i > 0 {
                acc.push(' ');
            }
            acc.push_str(word);
        }
    }
    joined
}

/// Lowercases, sorts and de-duplicates header names, as botocore's `sorted(set(...))`.
pub(crate) fn normalize_signed_headers(signed_headers: &[String]) -> Vec<String> {
    let mut names: Vec<String> = signed_headers
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The canonical request:
///
/// ```text
/// METHOD\nCANONICAL_URI\nCANONICAL_QUERY\nname:value\n...\n\nname;name;...\nPAYLOAD_HASH
/// ```
///
/// Only the headers in `signed_headers` are included (names lowercased, sorted, de-duplicated);
/// each must be present in `parts.headers` (looked up case-insensitively), otherwise
/// [`SigV4Error::SignedHeaderMissing`]. `payload_hash` is used verbatim: pass the
/// `x-amz-content-sha256` header when the request has one (botocore does), else
/// `parts.payload_sha256`. `parts.payload_sha256` itself is not read here.
pub fn canonical_request(
    parts: &RequestParts<'_>,
    signed_headers: &[String],
    payload_hash: &str,
) -> Result<String, SigV4Error> {
    let names = normalize_signed_headers(signed_headers);
    let mut out = String::with_capacity(256 + parts.query.len());
    out.push_str(&parts.method.to_ascii_uppercase());
    out.push('\n');
    out.push_str(&canonical_uri(parts.path));
    out.push('\n');
    out.push_str(&canonical_query_string(parts.query));
    out.push('\n');
    for name in &names {
        let value = header_value(parts, name)
            .ok_or_else(|| SigV4Error::SignedHeaderMissing(name.clone()))?;
        out.push_str(name);
        out.push(':');
        out.push_str(&value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&names.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_normalisation() {
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/v1/package/versions/copy", "/v1/package/versions/copy"),
            ("/v1/package/", "/v1/package/"),
            ("/v1//package", "/v1/package"),
            ("/v1/./package/../repository", "/v1/repository"),
            ("/../..", "/"),
            ("/a/b/..", "/a"),
            ("/~user/a-b_c.d", "/~user/a-b_c.d"),
            ("/a b/@x", "/a%20b/%40x"),
            ("/a%20b", "/a%2520b"),
            ("/é", "/%C3%A9"),
        ];
        for (path, want) in cases {
            assert_eq!(canonical_uri(path), want, "{path:?}");
        }
    }

    #[test]
    fn header_values_are_trimmed_collapsed_and_joined() {
        let headers = [
            ("Host", "example.com"),
            ("X-Multi", "  a   b  "),
            ("x-multi", "c\t\td"),
            ("X-MULTI", ""),
        ];
        let parts = RequestParts {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            payload_sha256: "",
        };
        assert_eq!(header_value(&parts, "x-multi").as_deref(), Some("a b,c d,"));
        assert_eq!(header_value(&parts, "HOST").as_deref(), Some("example.com"));
        assert_eq!(header_value(&parts, "absent"), None);
    }

    #[test]
    fn canonical_request_sorts_and_requires_signed_headers() {
        let headers = [
            ("X-Amz-Date", "20240115T120000Z"),
            ("Host", "h:8080"),
            ("Other", "x"),
        ];
        let parts = RequestParts {
            method: "get",
            path: "",
            query: "b=2&a",
            headers: &headers,
            payload_sha256: "unused",
        };
        let signed = vec![
            "X-Amz-Date".to_owned(),
            "host".to_owned(),
            "host".to_owned(),
        ];
        assert_eq!(
            canonical_request(&parts, &signed, "HASH").unwrap(),
            "GET\n/\na=&b=2\nhost:h:8080\nx-amz-date:20240115T120000Z\n\nhost;x-amz-date\nHASH"
        );
        let signed = vec!["host".to_owned(), "content-type".to_owned()];
        assert_eq!(
            canonical_request(&parts, &signed, "HASH"),
            Err(SigV4Error::SignedHeaderMissing("content-type".into()))
        );
    }
}
