//! Request-body limits through the router: a body over `--max-body-bytes` gets one 413
//! `RequestEntityTooLargeException` on the SigV4 and the bearer paths (declared or streamed),
//! and npm's `{"error": …}` 413 on the npm routes; a stalled body ends with 408
//! `RequestTimeoutException` (npm: 408 in npm's shape) instead of holding the request.

use crate::common;

use axum::body::{Body, Bytes, to_bytes};
use axum::http::Request;
use common::{ACCESS_KEY_ID, DOMAIN, REGION, SECRET, TestApp, qs};
use futures::StreamExt;
use serde_json::Value;
use std::time::Duration;
use tower::ServiceExt;
use wharf_server::auth::Caller;

const LIMIT: usize = 4096;

/// How a request is authenticated here.
#[derive(Clone, Copy, Debug)]
enum Path {
    SigV4,
    Bearer,
}

/// A reply: status, error type header and JSON body.
struct Answer {
    status: u16,
    error_type: Option<String>,
    json: Value,
}

async fn app() -> TestApp {
    let app = TestApp::with_config(|c| {
        c.max_body_bytes = LIMIT;
        c.limits.body_timeout = Duration::from_millis(300);
    })
    .await;
    app.create_domain(DOMAIN).await;
    app.create_repo("repo", &[]).await.ok();
    app
}

fn token(app: &TestApp) -> String {
    let caller = Caller::signed(ACCESS_KEY_ID);
    app.state
        .keys
        .issue_token(&caller, wharf_server::auth::epoch_now() + 600)
}

/// A body of `total` bytes: whole with its length declared, or streamed (no length) and then,
/// with `stall`, never finished.
fn body(total: usize, declared: bool, stall: bool) -> Body {
    if declared {
        return Body::from(vec![b'x'; total]);
    }
    let chunks = futures::stream::iter(
        (0..total.div_ceil(1024))
            .map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; 1024])))
            .collect::<Vec<_>>(),
    );
    if stall {
        Body::from_stream(chunks.chain(futures::stream::pending()))
    } else {
        Body::from_stream(chunks)
    }
}

/// Sends `body` to `uri`, signed (SigV4 over the payload `x` × `total`, or `UNSIGNED` when the
/// body stalls) or with a bearer token; bounded so a hanging request fails the test.
async fn send(
    app: &TestApp,
    path: Path,
    method: &str,
    uri: &str,
    total: usize,
    body: Body,
    declared: bool,
) -> Answer {
    let (path_only, query) = uri.split_once('?').unwrap_or((uri, ""));
    let date = wharf_sigv4::format_amz_date(wharf_server::auth::epoch_now());
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "wharf.test:7878")
        .header("x-amz-date", &date);
    if declared {
        request = request.header("content-length", total.to_string());
    }
    request = match path {
        Path::Bearer => request.header("authorization", format!("Bearer {}", token(app))),
        Path::SigV4 => {
            let payload = wharf_sigv4::sha256_hex(&vec![b'x'; total]);
            let headers = [("host", "wharf.test:7878"), ("x-amz-date", date.as_str())];
            let parts = wharf_sigv4::RequestParts {
                method,
                path: path_only,
                query,
                headers: &headers,
                payload_sha256: &payload,
            };
            let auth = wharf_sigv4::sign(&parts, ACCESS_KEY_ID, SECRET, REGION).expect("signable");
            request.header("authorization", auth)
        }
    };
    let router = wharf_server::app(app.state.clone());
    let response = tokio::time::timeout(
        Duration::from_secs(20),
        router.oneshot(request.body(body).expect("request")),
    )
    .await
    .expect("the service answers instead of hanging")
    .expect("infallible");
    let status = response.status().as_u16();
    let error_type = response
        .headers()
        .get("x-amzn-ErrorType")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Answer {
        status,
        error_type,
        json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

fn publish_uri() -> String {
    let q = qs(&[
        ("domain", Some(DOMAIN)),
        ("repository", Some("repo")),
        ("format", Some("generic")),
        ("namespace", Some("ns")),
        ("package", Some("big")),
        ("version", Some("1.0.0")),
        ("asset", Some("big.bin")),
    ]);
    format!("/v1/package/version/publish?{q}")
}

#[tokio::test]
async fn an_oversized_body_is_one_aws_413_on_both_paths() {
    let app = app().await;
    let total = LIMIT * 2;
    let mut answers = Vec::new();
    for path in [Path::SigV4, Path::Bearer] {
        for declared in [true, false] {
            for uri in [
                publish_uri(),
                format!("/v1/domain?{}", qs(&[("domain", Some("other"))])),
            ] {
                let a = send(
                    &app,
                    path,
                    "POST",
                    &uri,
                    total,
                    body(total, declared, false),
                    declared,
                )
                .await;
                let what = format!("{path:?}, declared length {declared}, {uri}");
                assert_eq!(a.status, 413, "{what}: {}", a.json);
                assert_eq!(
                    a.error_type.as_deref(),
                    Some("RequestEntityTooLargeException"),
                    "{what}"
                );
                assert_eq!(a.json["__type"], "RequestEntityTooLargeException", "{what}");
                answers.push(a.json["message"].clone());
            }
        }
    }
    assert!(
        answers.iter().all(|m| *m == answers[0]),
        "one message: {answers:?}"
    );
    assert!(answers[0].as_str().unwrap().contains(&LIMIT.to_string()));
    // Nothing was stored.
    assert!(app.versions_of("repo", "big").await.is_empty());
}

#[tokio::test]
async fn an_oversized_npm_body_is_413_in_npm_shape() {
    let app = app().await;
    for declared in [true, false] {
        let a = send(
            &app,
            Path::Bearer,
            "PUT",
            &format!("/npm/{DOMAIN}/repo/big"),
            LIMIT * 2,
            body(LIMIT * 2, declared, false),
            declared,
        )
        .await;
        assert_eq!(a.status, 413, "declared {declared}: {}", a.json);
        let message = a.json["error"].as_str().expect("npm's {\"error\": …}");
        assert!(message.contains("too large"), "{message}");
    }
}

#[tokio::test]
async fn a_stalled_body_ends_with_request_timeout() {
    let app = app().await;
    for path in [Path::SigV4, Path::Bearer] {
        let a = send(
            &app,
            path,
            "POST",
            &publish_uri(),
            LIMIT / 2,
            body(LIMIT / 2, false, true),
            false,
        )
        .await;
        assert_eq!(a.status, 408, "{path:?}: {}", a.json);
        assert_eq!(a.error_type.as_deref(), Some("RequestTimeoutException"));
        assert_eq!(a.json["__type"], "RequestTimeoutException");
        assert!(a.json["message"].as_str().unwrap().contains("stalled"));
    }
    let a = send(
        &app,
        Path::Bearer,
        "PUT",
        &format!("/npm/{DOMAIN}/repo/big"),
        LIMIT / 2,
        body(LIMIT / 2, false, true),
        false,
    )
    .await;
    assert_eq!(a.status, 408, "{}", a.json);
    assert!(a.json["error"].as_str().unwrap().contains("stalled"));
}
