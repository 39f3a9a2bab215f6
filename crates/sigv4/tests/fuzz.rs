//! Fuzz targets of SigV4 as the network sends it: the `Authorization` header
//! ([`parse_authorization`]), the canonical request, and the whole of [`verify`] and [`sign`].
//! Seeds are in `tests/fuzz/`. Properties: nothing panics; a parsed header printed back parses
//! to the same value; the canonical query string is a fixed point; whatever [`sign`] signs,
//! [`verify`] accepts. See the README's "Tests" section for running them longer.

use proptest::prelude::*;
use wharf_sigv4::{
    ParsedAuthorization, RequestParts, canonical_query_string, canonical_request, canonical_uri,
    parse_amz_date, parse_authorization, sign, verify,
};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const AMZ_DATE: &str = "20240115T120000Z";
/// 2024-01-15T12:00:00Z.
const NOW: i64 = 1_705_320_000;

const HEADER_TOKENS: &[&[u8]] = &[
    b"AWS4-HMAC-SHA256 ",
    b"Credential=",
    b"SignedHeaders=",
    b"Signature=",
    b"/aws4_request",
    b"/20240115/",
    b"codeartifact",
    b", ",
    b",",
    b";",
    b"=",
    b"/",
    b" ",
    b"\t",
    b"\xc4\xb0",
];
const REQUEST_TOKENS: &[&[u8]] = &[
    b"%",
    b"%2F",
    b"%zz",
    b"%E2%80%AE",
    b"&",
    b"=",
    b"+",
    b"/../",
    b"/./",
    b"//",
    b"?",
    b"~",
    b"\xe2\x80\xae",
];

fn seeds(file: &str) -> Vec<Vec<u8>> {
    wharf_fuzz::corpus_lines(format!("{}/tests/fuzz/{file}", env!("CARGO_MANIFEST_DIR")))
}

fn header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => wharf_fuzz::mutated_text(seeds("authorization.txt"), HEADER_TOKENS),
        1 => wharf_fuzz::tricky_string(),
    ]
}

/// A wire path and query, split at the first `?`.
fn path_and_query() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        3 => wharf_fuzz::mutated_text(seeds("requests.txt"), REQUEST_TOKENS),
        1 => wharf_fuzz::tricky_string(),
    ]
    .prop_map(|s| match s.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (s, String::new()),
    })
}

/// An HTTP header name (a token, as hyper accepts it), never one the test sets itself.
fn header_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}".prop_filter("reserved", |n| {
        ![
            "authorization",
            "host",
            "x-amz-date",
            "x-amz-content-sha256",
        ]
        .contains(&n.to_ascii_lowercase().as_str())
    })
}

/// A header value: anything but CR and LF.
fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![wharf_fuzz::tricky_string(), "[ -~\t]{0,40}"]
        .prop_map(|v| v.replace(['\r', '\n'], ""))
}

/// Prints a parsed header back in botocore's layout.
fn print(p: &ParsedAuthorization) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
        p.access_key_id,
        p.scope(),
        p.signed_headers.join(";"),
        p.signature
    )
}

proptest! {
    #![proptest_config(wharf_fuzz::config(3000))]

    #[test]
    fn authorization_headers(header in header_text()) {
        if let Ok(p) = parse_authorization(&header) {
            prop_assert_eq!(p.date.len(), 8);
            prop_assert!(p.signed_headers.iter().all(|h| !h.is_empty()));
            let printed = print(&p);
            prop_assert_eq!(parse_authorization(&printed), Ok(p));
        }
        let _ = parse_amz_date(&header);
    }

    #[test]
    fn canonical_query_and_uri((path, query) in path_and_query()) {
        let canonical = canonical_query_string(&query);
        prop_assert_eq!(canonical_query_string(&canonical), canonical.clone());
        let uri = canonical_uri(&path);
        if path.is_empty() || path.starts_with('/') {
            prop_assert!(uri.starts_with('/'), "{}", uri);
        }
        prop_assert!(
            uri.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~/%".contains(&b)),
            "{}", uri
        );
    }
}

proptest! {
    #![proptest_config(wharf_fuzz::config(1000))]

    #[test]
    fn whatever_is_signed_verifies(
        method in prop_oneof![Just("GET".to_owned()), Just("POST".to_owned()), "[A-Za-z]{1,8}"],
        (path, query) in path_and_query(),
        extra in proptest::collection::vec((header_name(), header_value()), 0..5),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        region in "[a-z0-9-]{1,16}",
    ) {
        let hash = wharf_sigv4::sha256_hex(&body);
        let mut headers: Vec<(&str, &str)> = vec![("Host", "localhost:8080"), ("X-Amz-Date", AMZ_DATE)];
        headers.extend(extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let unsigned = RequestParts { method: &method, path: &path, query: &query, headers: &headers, payload_sha256: &hash };
        let auth = sign(&unsigned, AKID, SECRET, &region).expect("sign");
        let mut signed_headers = headers.clone();
        signed_headers.push(("Authorization", &auth));
        let parts = RequestParts { headers: &signed_headers, ..unsigned };
        let verified = verify(&parts, NOW, |k| (k == AKID).then(|| SECRET.to_owned()));
        prop_assert_eq!(verified.map(|v| (v.access_key_id, v.region)), Ok((AKID.to_owned(), region)));
    }

    #[test]
    fn verify_and_sign_take_any_headers(
        auth in header_text(),
        date in prop_oneof![Just(AMZ_DATE.to_owned()), wharf_fuzz::tricky_string(), "[0-9TZ]{14,18}"],
        (path, query) in path_and_query(),
        extra in proptest::collection::vec((header_name(), header_value()), 0..4),
        signed in proptest::collection::vec("[a-zA-Z-]{0,12}", 0..4),
    ) {
        let mut headers: Vec<(&str, &str)> = vec![("host", "h"), ("x-amz-date", &date), ("authorization", &auth)];
        headers.extend(extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let parts = RequestParts { method: "POST", path: &path, query: &query, headers: &headers, payload_sha256: "" };
        let _ = verify(&parts, NOW, |_| Some(SECRET.to_owned()));
        let _ = sign(&parts, AKID, SECRET, "us-west-2");
        let _ = canonical_request(&parts, &signed, "UNSIGNED-PAYLOAD");
    }
}
