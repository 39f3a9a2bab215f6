//! The three botocore test vectors of spec §10: canonical request, string to sign, signature
//! (reproduced by `sign`) and acceptance by `verify`. Rejections are in `rejections.rs`.

#[path = "support/fixtures.rs"]
mod support;

use support::{AMZ_DATE, HOST, NOW, Req, vector1, vector2, vector3, verified_ok};
use wharf_sigv4::{
    EMPTY_PAYLOAD_SHA256, canonical_request, credential_scope, parse_authorization, sha256_hex,
    string_to_sign,
};

const SCOPE: &str = "20240115/us-west-2/codeartifact/aws4_request";

/// The canonical request `verify` would build for `req`, from its own `Authorization` header.
fn canonical(req: &Req) -> String {
    req.with_parts(|parts| {
        let (_, header) = parts
            .headers
            .iter()
            .find(|(n, _)| *n == "Authorization")
            .unwrap();
        let auth = parse_authorization(header).unwrap();
        let payload = parts
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256"))
            .map_or(parts.payload_sha256, |(_, v)| v);
        canonical_request(parts, &auth.signed_headers, payload).unwrap()
    })
}

fn authorization_of(req: &Req) -> String {
    req.headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .unwrap()
        .1
        .clone()
}

/// `sign` reproduces botocore's header when given the headers present when botocore signed
/// (it adds `Accept-Encoding`, `amz-sdk-*` and `Content-Length` afterwards; spec §10).
fn assert_sign_reproduces(req: Req) {
    let expected = authorization_of(&req);
    let mut resigned = req;
    for late in [
        "Authorization",
        "Accept-Encoding",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
        "Content-Length",
    ] {
        resigned = resigned.without(late);
    }
    let resigned = resigned.signed();
    assert_eq!(authorization_of(&resigned), expected);
}

#[test]
fn vector1_copy_package_versions() {
    let req = vector1();
    let expected_canonical = format!(
        "POST\n/v1/package/versions/copy\n\
         destination-repository=repo-b&domain=my-domain&domain-owner=111122223333&format=npm&package=lodash&source-repository=repo-a\n\
         content-type:application/json\nhost:{HOST}\nx-amz-date:{AMZ_DATE}\n\n\
         content-type;host;x-amz-date\n\
         0cc50e8fa2be97b382e1541dfee6818a9b2e39eaefef22d6247dcafd3ef78971"
    );
    assert_eq!(
        sha256_hex(&req.body),
        "0cc50e8fa2be97b382e1541dfee6818a9b2e39eaefef22d6247dcafd3ef78971"
    );
    let canonical = canonical(&req);
    assert_eq!(canonical, expected_canonical);
    // The spec's "string-to-sign hash" is the canonical-request hash, the last line of it.
    let sts = string_to_sign(AMZ_DATE, SCOPE, &canonical);
    assert_eq!(
        sts,
        format!(
            "AWS4-HMAC-SHA256\n{AMZ_DATE}\n{SCOPE}\n\
             a0b2292d6b073ad2fcba8bbb576dae76e8a4147a7721fe99218f208d18e5a40e"
        )
    );
    assert_eq!(
        credential_scope("20240115", "us-west-2", "codeartifact"),
        SCOPE
    );
    assert_sign_reproduces(req.clone());
    assert_eq!(req.verify_at(NOW), verified_ok());
}

#[test]
fn vector2_describe_package_version() {
    let req = vector2();
    let canonical = canonical(&req);
    let lines: Vec<&str> = canonical.split('\n').collect();
    assert_eq!(lines[0], "GET");
    assert_eq!(lines[1], "/v1/package/version");
    assert_eq!(
        lines[2],
        "domain=my-domain&format=npm&namespace=%40types&package=node&repository=repo-a&version=20.1.0%2Bbuild%201"
    );
    assert_eq!(lines[lines.len() - 2], "host;x-amz-date");
    assert_eq!(lines[lines.len() - 1], EMPTY_PAYLOAD_SHA256);
    // Hash of the full canonical request, from an independent Python hashlib reproduction.
    assert_eq!(
        sha256_hex(canonical.as_bytes()),
        "9355f9c5219da1b920a83bc6ab7c40801a6382a9a6053cece7f601d0a9e7b167"
    );
    assert_sign_reproduces(req.clone());
    assert_eq!(req.verify_at(NOW), verified_ok());
}

#[test]
fn vector3_publish_package_version() {
    let req = vector3();
    let canonical = canonical(&req);
    let lines: Vec<&str> = canonical.split('\n').collect();
    assert_eq!(lines[1], "/v1/package/version/publish");
    assert_eq!(
        lines[2],
        "asset=asset.txt&domain=my-domain&format=generic&namespace=my-ns&package=my-pkg&repository=repo-a&unfinished=true&version=1.0.0"
    );
    assert_eq!(
        lines[lines.len() - 2],
        "host;x-amz-content-sha256;x-amz-date"
    );
    assert_eq!(
        lines[lines.len() - 1],
        "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447"
    );
    assert_eq!(
        sha256_hex(canonical.as_bytes()),
        "076f42804819eab6baa7b4f077f43b41af7c2eee7eacc114b172521d2ddeae7a"
    );
    assert_sign_reproduces(req.clone());
    assert_eq!(req.verify_at(NOW), verified_ok());
}
