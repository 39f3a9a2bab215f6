//! Shared fixtures: the three botocore test vectors of spec §10 as owned requests.

#![allow(dead_code)]

use wharf_sigv4::{RequestParts, SigV4Error, Verified, sha256_hex, verify};

pub const AKID: &str = "AKIDEXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const HOST: &str = "codeartifact.us-west-2.amazonaws.com";
pub const AMZ_DATE: &str = "20240115T120000Z";
/// 2024-01-15T12:00:00Z.
pub const NOW: i64 = 1_705_320_000;

/// An owned request: wire path and query, headers in received order, body.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: &'static str,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    pub fn new(method: &'static str, path: &str, query: &str, body: &[u8]) -> Self {
        Req {
            method,
            path: path.into(),
            query: query.into(),
            headers: Vec::new(),
            body: body.to_vec(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Removes every header called `name` (any case).
    pub fn without(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Rewrites the value of every header called `name` (any case).
    pub fn map_header(mut self, name: &str, f: impl Fn(&str) -> String) -> Self {
        for (n, v) in &mut self.headers {
            if n.eq_ignore_ascii_case(name) {
                *v = f(v);
            }
        }
        self
    }

    /// Calls `f` with the borrowed view the server would build.
    pub fn with_parts<T>(&self, f: impl FnOnce(&RequestParts<'_>) -> T) -> T {
        let hash = sha256_hex(&self.body);
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        f(&RequestParts {
            method: self.method,
            path: &self.path,
            query: &self.query,
            headers: &headers,
            payload_sha256: &hash,
        })
    }

    /// Verifies at `now` against a key store holding only `AKID`/`SECRET`.
    pub fn verify_at(&self, now: i64) -> Result<Verified, SigV4Error> {
        self.with_parts(|parts| verify(parts, now, |k| (k == AKID).then(|| SECRET.to_owned())))
    }

    /// Signs with `AKID`/`SECRET` in `us-west-2` and adds the `Authorization` header.
    pub fn signed(self) -> Self {
        let auth = self
            .with_parts(|parts| wharf_sigv4::sign(parts, AKID, SECRET, "us-west-2"))
            .expect("sign");
        self.header("Authorization", &auth)
    }
}

pub fn authorization(signed_headers: &str, signature: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={AKID}/20240115/us-west-2/codeartifact/aws4_request, \
         SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// Vector 1: CopyPackageVersions, JSON body, wire query in the CLI's order.
pub fn vector1() -> Req {
    Req::new(
        "POST",
        "/v1/package/versions/copy",
        "domain=my-domain&domain-owner=111122223333&source-repository=repo-a&destination-repository=repo-b&format=npm&package=lodash",
        br#"{"versions": ["4.17.20", "4.17.21"]}"#,
    )
    .header("Host", HOST)
    .header("Accept-Encoding", "identity")
    .header("Content-Type", "application/json")
    .header("User-Agent", "aws-cli/1.45.11 md/Botocore#1.43.11 botocore/1.43.11")
    .header("X-Amz-Date", AMZ_DATE)
    .header(
        "Authorization",
        &authorization(
            "content-type;host;x-amz-date",
            "d22ef0a09711fcd19498d9bd7c283fb0a5b6960ae6660bc625709634dbbb9709",
        ),
    )
    .header("amz-sdk-invocation-id", "0b4b3e46-7f0c-4b43-9d1b-3b8c1c0c1a11")
    .header("amz-sdk-request", "attempt=1")
    .header("Content-Length", "36")
}

/// Vector 2: DescribePackageVersion, `@types` and `20.1.0+build 1` in the query, empty body.
pub fn vector2() -> Req {
    Req::new(
        "GET",
        "/v1/package/version",
        "domain=my-domain&repository=repo-a&format=npm&namespace=%40types&package=node&version=20.1.0%2Bbuild%201",
        b"",
    )
    .header("Host", HOST)
    .header("Accept-Encoding", "identity")
    .header("User-Agent", "aws-cli/1.45.11 md/Botocore#1.43.11 botocore/1.43.11")
    .header("X-Amz-Date", AMZ_DATE)
    .header(
        "Authorization",
        &authorization(
            "host;x-amz-date",
            "7f1e711ad8070259b7b315ef89db17c3c85bbf42a573019698b70f03526d298c",
        ),
    )
    .header("amz-sdk-invocation-id", "5d0b1d52-1f2e-4a7e-9a53-3f5f1b0e2c22")
    .header("amz-sdk-request", "attempt=1")
}

/// Vector 3: PublishPackageVersion, payload hash taken from `x-amz-content-sha256`.
pub fn vector3() -> Req {
    Req::new(
        "POST",
        "/v1/package/version/publish",
        "domain=my-domain&repository=repo-a&format=generic&namespace=my-ns&package=my-pkg&version=1.0.0&asset=asset.txt&unfinished=true",
        b"hello world\n",
    )
    .header("Host", HOST)
    .header("Accept-Encoding", "identity")
    .header("x-amz-content-sha256", "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447")
    .header("User-Agent", "aws-cli/1.45.11 md/Botocore#1.43.11 botocore/1.43.11")
    .header("X-Amz-Date", AMZ_DATE)
    .header(
        "Authorization",
        &authorization(
            "host;x-amz-content-sha256;x-amz-date",
            "9f4de18b720c243f8cda62d5277affd329b77aeec24b2809e7a5f0a3e4934080",
        ),
    )
    .header("amz-sdk-invocation-id", "9a7c1e0d-6b2a-4c11-8f0e-1d2c3b4a5e33")
    .header("amz-sdk-request", "attempt=1")
    .header("Content-Length", "12")
}

/// The three vectors.
pub fn all_vectors() -> [Req; 3] {
    [vector1(), vector2(), vector3()]
}

/// What `verify` returns for a request signed with `AKID` in `us-west-2`.
pub fn verified_ok() -> Result<Verified, SigV4Error> {
    Ok(Verified {
        access_key_id: AKID.into(),
        region: "us-west-2".into(),
    })
}
