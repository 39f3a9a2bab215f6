//! Rejections by `verify` of the spec §10 vectors after every kind of tampering: body,
//! signature, time, scope, key, missing headers, incomplete SignedHeaders.

#[path = "support/fixtures.rs"]
mod support;

use support::{AKID, AMZ_DATE, NOW, Req, all_vectors, vector1, verified_ok};
use wharf_sigv4::{SigV4Error, sha256_hex};

#[test]
fn rejects_changed_body() {
    let [v1, v2, v3] = all_vectors();
    let mut v1 = v1;
    v1.body[3] ^= 1;
    assert_eq!(v1.verify_at(NOW), Err(SigV4Error::SignatureMismatch));
    let mut v2 = v2;
    v2.body = b"x".to_vec();
    assert_eq!(v2.verify_at(NOW), Err(SigV4Error::SignatureMismatch));
    // The signature covers the x-amz-content-sha256 header, not the body: a distinct error.
    let mut v3 = v3;
    v3.body[0] = b'H';
    let err = v3.verify_at(NOW).unwrap_err();
    assert_eq!(
        err,
        SigV4Error::PayloadHashMismatch {
            header: "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447".into(),
            computed: sha256_hex(b"Hello world\n"),
        }
    );
    assert_eq!(
        (err.aws_error_code(), err.http_status()),
        ("ValidationException", 400)
    );
    assert_eq!(
        err.to_string(),
        "The provided x-amz-content-sha256 header does not match what was computed."
    );
}

#[test]
fn rejects_changed_signature_query_path_method_and_headers() {
    for req in all_vectors() {
        let flip_last = |v: &str| {
            let mut s = v.to_owned();
            let last = if s.ends_with('0') { "1" } else { "0" };
            s.replace_range(s.len() - 1.., last);
            s
        };
        let tampered = [
            req.clone().map_header("Authorization", flip_last),
            req.clone()
                .map_header("Authorization", |v| v.replace("us-west-2", "us-east-1")),
            req.clone().map_header("Host", |_| "127.0.0.1:18080".into()),
            Req {
                query: format!("{}&extra=1", req.query),
                ..req.clone()
            },
            Req {
                query: req.query.replace("repo-a", "repo-z"),
                ..req.clone()
            },
            Req {
                path: "/v1/package/other".into(),
                ..req.clone()
            },
            Req {
                method: "PUT",
                ..req.clone()
            },
        ];
        for t in tampered {
            assert_eq!(
                t.verify_at(NOW),
                Err(SigV4Error::SignatureMismatch),
                "{t:?}"
            );
        }
        let err = req
            .clone()
            .map_header("Authorization", flip_last)
            .verify_at(NOW)
            .unwrap_err();
        assert_eq!(
            (err.aws_error_code(), err.http_status()),
            ("InvalidSignatureException", 403)
        );
        // Not a 64-digit lowercase hex signature at all.
        let short = req.map_header("Authorization", |v| v[..v.len() - 2].to_owned());
        assert_eq!(short.verify_at(NOW), Err(SigV4Error::SignatureMismatch));
    }
}

#[test]
fn rejects_clock_skew_over_15_minutes() {
    for req in all_vectors() {
        assert!(req.verify_at(NOW + 15 * 60).is_ok());
        assert!(req.verify_at(NOW - 15 * 60).is_ok());
        let late = req.verify_at(NOW + 16 * 60).unwrap_err();
        assert_eq!(
            late.to_string(),
            "Signature expired: 20240115T120000Z is now earlier than 20240115T120100Z \
             (20240115T121600Z - 15 min.)"
        );
        assert_eq!(
            (late.aws_error_code(), late.http_status()),
            ("InvalidSignatureException", 403)
        );
        let early = req.verify_at(NOW - 16 * 60).unwrap_err();
        assert_eq!(
            early.to_string(),
            "Signature not yet current: 20240115T120000Z is still later than 20240115T115900Z \
             (20240115T114400Z + 15 min.)"
        );
        assert_eq!(early.aws_error_code(), "InvalidSignatureException");
        assert_eq!(
            req.verify_at(NOW + 30 * 60).unwrap_err().to_string(),
            "Signature expired: 20240115T120000Z is now earlier than 20240115T121500Z \
             (20240115T123000Z - 15 min.)"
        );
    }
}

#[test]
fn rejects_wrong_service_and_scope() {
    for req in all_vectors() {
        let s3 = req
            .clone()
            .map_header("Authorization", |v| v.replace("/codeartifact/", "/s3/"));
        let err = s3.verify_at(NOW).unwrap_err();
        assert_eq!(err, SigV4Error::WrongService("s3".into()));
        assert_eq!(
            err.to_string(),
            "Credential should be scoped to correct service: 'codeartifact'."
        );
        assert_eq!(
            (err.aws_error_code(), err.http_status()),
            ("InvalidSignatureException", 403)
        );

        let other_day = req
            .clone()
            .map_header("Authorization", |v| v.replace("/20240115/", "/20240116/"));
        assert_eq!(
            other_day.verify_at(NOW),
            Err(SigV4Error::ScopeDateMismatch {
                scope_date: "20240116".into(),
                amz_date: AMZ_DATE.into()
            })
        );
    }
}

#[test]
fn rejects_unknown_access_key() {
    for req in all_vectors() {
        let err = req
            .with_parts(|p| wharf_sigv4::verify(p, NOW, |_| None))
            .unwrap_err();
        assert_eq!(err, SigV4Error::UnknownAccessKey(AKID.into()));
        assert_eq!(
            (
                err.aws_error_code(),
                err.http_status(),
                err.to_string().as_str()
            ),
            (
                "UnrecognizedClientException",
                400,
                "The security token included in the request is invalid."
            )
        );
        let other = req.map_header("Authorization", |v| v.replace(AKID, "AKIDOTHER"));
        assert_eq!(
            other.verify_at(NOW),
            Err(SigV4Error::UnknownAccessKey("AKIDOTHER".into()))
        );
    }
}

#[test]
fn rejects_missing_headers() {
    let [v1, v2, v3] = all_vectors();
    assert_eq!(
        v1.clone().without("Content-Type").verify_at(NOW),
        Err(SigV4Error::SignedHeaderMissing("content-type".into()))
    );
    assert_eq!(
        v3.clone().without("x-amz-content-sha256").verify_at(NOW),
        Err(SigV4Error::SignedHeaderMissing(
            "x-amz-content-sha256".into()
        ))
    );
    for req in [v1, v2, v3] {
        assert_eq!(
            req.clone().without("Host").verify_at(NOW),
            Err(SigV4Error::SignedHeaderMissing("host".into()))
        );
        assert_eq!(
            req.clone().without("X-Amz-Date").verify_at(NOW),
            Err(SigV4Error::MissingAmzDate)
        );
        let err = req
            .clone()
            .without("Authorization")
            .verify_at(NOW)
            .unwrap_err();
        assert_eq!(err, SigV4Error::MissingAuthorization);
        assert_eq!(
            (
                err.aws_error_code(),
                err.http_status(),
                err.to_string().as_str()
            ),
            (
                "MissingAuthenticationTokenException",
                403,
                "Missing Authentication Token"
            )
        );
        // Unsigned headers may come and go freely.
        let extra = req
            .clone()
            .without("User-Agent")
            .without("amz-sdk-request")
            .header("X-Other", "1");
        assert!(extra.verify_at(NOW).is_ok());
        let twice = req.clone().header("authorization", "AWS4-HMAC-SHA256 x");
        assert_eq!(twice.verify_at(NOW), Err(SigV4Error::MultipleAuthorization));
    }
}

#[test]
fn rejects_signed_headers_without_host_or_date() {
    for req in all_vectors() {
        let no_host = req
            .clone()
            .map_header("Authorization", |v| v.replace("host;", ""));
        let err = no_host.verify_at(NOW).unwrap_err();
        assert_eq!(err, SigV4Error::HeaderNotSigned("Host"));
        assert_eq!(
            err.to_string(),
            "'Host' must be a 'SignedHeader' in the AWS Authorization."
        );
        assert_eq!(
            (err.aws_error_code(), err.http_status()),
            ("IncompleteSignatureException", 400)
        );
        let no_date = req
            .clone()
            .map_header("Authorization", |v| v.replace(";x-amz-date", ""));
        assert_eq!(
            no_date.verify_at(NOW),
            Err(SigV4Error::HeaderNotSigned("X-Amz-Date"))
        );
        let no_cred = req.map_header("Authorization", |v| {
            v.replace(
                "Credential=AKIDEXAMPLE/20240115/us-west-2/codeartifact/aws4_request, ",
                "",
            )
        });
        let err = no_cred.verify_at(NOW).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Authorization header requires 'Credential' parameter."
        );
        assert_eq!(
            (err.aws_error_code(), err.http_status()),
            ("IncompleteSignatureException", 400)
        );
    }
}

#[test]
fn accepts_case_and_spacing_variants_of_signed_header_values() {
    // Header names in any case and extra inner/outer whitespace canonicalise identically.
    let req = vector1()
        .without("Content-Type")
        .header("CONTENT-TYPE", "  application/json ")
        .map_header("host", |v| format!("\t{v}"));
    assert_eq!(req.verify_at(NOW), verified_ok());
}
