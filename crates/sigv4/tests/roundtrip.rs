//! Property tests: `sign` then `verify` round-trips for arbitrary requests; tampering and
//! random signatures are never accepted; parsing and verifying never panic.

#[path = "support/fixtures.rs"]
mod support;

use proptest::prelude::*;
use support::{AKID, Req, SECRET};
use wharf_sigv4::{
    MAX_CLOCK_SKEW_SECS, SigV4Error, UNSIGNED_HEADERS, format_amz_date, parse_authorization,
    sha256_hex, verify,
};

fn method() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-zA-Z0-9._~%@ +()-]{0,8}|\\.\\.|\\.|\\PC{0,4}", 0..5)
        .prop_map(|segments| format!("/{}", segments.join("/")))
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec(("[a-z-]{1,10}", "\\PC{0,12}", any::<bool>()), 0..6).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v, raw)| {
                let v = if *raw {
                    v.clone()
                } else {
                    percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
                        .to_string()
                };
                format!("{k}={v}")
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn extra_headers() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,12}", "[ -~\t]{0,24}"), 0..6).prop_map(|hs| {
        hs.into_iter()
            .filter(|(n, _)| {
                let n = n.to_ascii_lowercase();
                !["host", "x-amz-date", "x-amz-content-sha256"].contains(&n.as_str())
                    && !UNSIGNED_HEADERS.contains(&n.as_str())
            })
            .collect()
    })
}

prop_compose! {
    fn request()(
        method in method(),
        path in path(),
        query in query(),
        extra in extra_headers(),
        body in prop::collection::vec(any::<u8>(), 0..64),
        host in "[a-z0-9.-]{1,20}(:[0-9]{1,5})?",
        signed_at in 0i64..4_102_444_800,
        content_sha in any::<bool>(),
    ) -> (Req, i64) {
        let mut req = Req::new(method, &path, &query, &body)
            .header("Host", &host)
            .header("X-Amz-Date", &format_amz_date(signed_at));
        if content_sha {
            req = req.header("X-Amz-Content-SHA256", &sha256_hex(&body));
        }
        for (n, v) in extra {
            req = req.header(&n, &v);
        }
        (req.signed().header("User-Agent", "aws-cli/1.45.11").header("Content-Length", "1"), signed_at)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify(
        (req, signed_at) in request(),
        skew in -MAX_CLOCK_SKEW_SECS..=MAX_CLOCK_SKEW_SECS,
    ) {
        let verified = req.verify_at(signed_at + skew).expect("a freshly signed request verifies");
        prop_assert_eq!(verified.access_key_id, AKID);
        prop_assert_eq!(verified.region, "us-west-2");
    }

    #[test]
    fn tampering_is_rejected((req, signed_at) in request(), flip in any::<prop::sample::Index>()) {
        // A changed body byte.
        if !req.body.is_empty() {
            let mut t = req.clone();
            let i = flip.index(t.body.len());
            t.body[i] ^= 0x01;
            let err = t.verify_at(signed_at).unwrap_err();
            let has_content_sha = t.headers.iter().any(|(n, _)| n == "X-Amz-Content-SHA256");
            prop_assert!(matches!(
                (&err, has_content_sha),
                (SigV4Error::SignatureMismatch, false) | (SigV4Error::PayloadHashMismatch { .. }, true)
            ), "{:?}", err);
        }
        // A changed query.
        let t = Req { query: format!("{}&zz-extra=1", req.query), ..req.clone() };
        prop_assert_eq!(t.verify_at(signed_at), Err(SigV4Error::SignatureMismatch));
        // A wrong secret.
        let wrong = req.with_parts(|p| verify(p, signed_at, |_| Some(format!("{SECRET}x"))));
        prop_assert_eq!(wrong, Err(SigV4Error::SignatureMismatch));
        // Out of the time window.
        prop_assert!(req.verify_at(signed_at + MAX_CLOCK_SKEW_SECS + 1).is_err());
        prop_assert!(req.verify_at(signed_at - MAX_CLOCK_SKEW_SECS - 1).is_err());
    }

    #[test]
    fn random_signature_is_never_accepted((req, signed_at) in request(), sig in "[0-9a-f]{64}") {
        let t = req.map_header("Authorization", |v| {
            format!("{}{sig}", &v[..v.len() - 64])
        });
        prop_assert_eq!(t.verify_at(signed_at), Err(SigV4Error::SignatureMismatch));
    }

    #[test]
    fn parse_authorization_never_panics(s in "\\PC*") {
        let _ = parse_authorization(&s);
    }

    #[test]
    fn parse_authorization_never_panics_on_near_misses(
        s in "AWS4-HMAC-SHA256 (Credential=[A-Z/0-9a-z_-]{0,40}|SignedHeaders=[a-z;-]{0,20}|Signature=[0-9a-f]{0,70}|[ ,=]){0,6}"
    ) {
        let _ = parse_authorization(&s);
    }

    #[test]
    fn verify_never_panics_nor_accepts_garbage(
        auth in "\\PC*|AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2024011[0-9]/us-west-2/codeartifact/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}",
        date in "\\PC{0,20}|2024011[0-9]T1[0-9]{5}Z",
        headers in prop::collection::vec(("\\PC{0,10}", "\\PC{0,20}"), 0..4),
        method in "\\PC{0,8}",
        path in "\\PC{0,20}",
        query in "\\PC{0,30}",
        payload in "\\PC{0,64}",
        now in any::<i64>(),
    ) {
        let mut hs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        hs.extend([("Authorization", auth.as_str()), ("X-Amz-Date", date.as_str()), ("Host", "h")]);
        let parts = wharf_sigv4::RequestParts {
            method: &method,
            path: &path,
            query: &query,
            headers: &hs,
            payload_sha256: &payload,
        };
        let result = verify(&parts, now, |_| Some(SECRET.to_owned()));
        prop_assert!(result.is_err(), "{:?}", result);
        if let Err(e) = result {
            prop_assert!([400, 403].contains(&e.http_status()));
            prop_assert!(!e.to_string().is_empty());
        }
    }
}
