//! `/metrics`: who may read it on the main port, where `--metrics` and `--metrics-listen` put
//! it, and that its counters move with the requests made, under bounded labels.

use crate::support::iam as support;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use serde_json::json;
use std::sync::Arc;
use support::*;
use tower::ServiceExt;
use wharf_server::auth::{Caller, Keys, epoch_now};
use wharf_server::metrics::Exposure;

/// Sends `request` to `app`; returns the status, the content type and the body as text.
async fn raw(app: &axum::Router, request: Request<Body>) -> (StatusCode, String, String) {
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, content_type, String::from_utf8_lossy(&bytes).into())
}

/// The exposition, read as root on the main port.
async fn scrape(svc: &Svc) -> String {
    let (status, content_type, text) =
        raw(&svc.app, signed(&Creds::root(), "GET", "/metrics", b"")).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(content_type.starts_with("application/openmetrics-text"));
    text
}

/// The value of the sample `name{labels}` (`labels` as written, e.g. `a="x",b="y"`), if any.
fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
    let key = if labels.is_empty() {
        format!("{name} ")
    } else {
        format!("{name}{{{labels}}} ")
    };
    text.lines()
        .find_map(|l| l.strip_prefix(&key))
        .map(|v| v.trim().parse().expect("a number"))
}

fn requests(text: &str, operation: &str, status: u16) -> f64 {
    let labels = format!("operation=\"{operation}\",status=\"{status}\"");
    sample(text, "wharf_http_requests_total", &labels).unwrap_or(0.0)
}

fn latency_count(text: &str, operation: &str, status: u16) -> f64 {
    let labels = format!("operation=\"{operation}\",status=\"{status}\"");
    sample(text, "wharf_http_request_duration_seconds_count", &labels).unwrap_or(0.0)
}

#[tokio::test]
async fn on_the_main_port_only_root_reads_the_metrics() {
    let svc = service().await;
    let anonymous = Request::get("/metrics").body(Body::empty()).unwrap();
    let (status, _, text) = raw(&svc.app, anonymous).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        text.contains("MissingAuthenticationTokenException"),
        "{text}"
    );

    let admin = user(
        &svc,
        "admin",
        &[policy(
            json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
        )],
    )
    .await;
    let (status, _, text) = raw(&svc.app, signed(&admin, "GET", "/metrics", b"")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(text.contains("AccessDeniedException"), "{text}");
    assert!(text.contains(&user_arn("admin")), "{text}");
    assert!(!text.contains("wharf_http_requests"), "{text}");

    let token = |key: &str| {
        svc.state
            .keys
            .issue_token(&Caller::signed(key), epoch_now() + 600)
    };
    let by_user_token = Request::get("/metrics")
        .header("authorization", format!("Bearer {}", token(&admin.key)))
        .body(Body::empty())
        .unwrap();
    assert_eq!(raw(&svc.app, by_user_token).await.0, StatusCode::FORBIDDEN);

    let by_root_token = Request::get("/metrics")
        .header("authorization", format!("Bearer {}", token(ROOT_KEY)))
        .body(Body::empty())
        .unwrap();
    let (status, _, text) = raw(&svc.app, by_root_token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("# TYPE wharf_http_requests counter"),
        "{text}"
    );
    assert!(scrape(&svc).await.ends_with("# EOF\n"));
}

#[tokio::test]
async fn counters_follow_the_requests_made_under_bounded_labels() {
    let svc = service().await;
    let before = scrape(&svc).await;
    assert_eq!(requests(&before, "CreateDomain", 200), 0.0);
    for name in [
        "wharf_versions_copied_total",
        "wharf_versions_promoted_total",
        "wharf_blob_bytes_written_total",
        "wharf_webhook_backlog",
    ] {
        assert_eq!(sample(&before, name, ""), Some(0.0), "{name} in {before}");
    }

    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    for repo in ["staging", "release"] {
        let uri = format!("/v1/repository?domain=dom&repository={repo}");
        root_ok(&svc, "POST", &uri, b"").await;
    }
    // A second CreateDomain of the same name: a 409 under the same operation.
    let again = call(&svc, &Creds::root(), "POST", "/v1/domain?domain=dom", b"").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    for version in ["1.0.0", "1.1.0"] {
        let r = publish(&svc, &Creds::root(), "staging", version).await;
        assert!(r.status.is_success(), "{r:?}");
    }
    let copy = "/v1/package/versions/copy?domain=dom&source-repository=staging\
                &destination-repository=release&format=generic&namespace=ns&package=pkg";
    let body = json!({"versions": ["1.0.0", "1.1.0"]}).to_string();
    root_ok(&svc, "POST", copy, body.as_bytes()).await;
    let nobody = user(&svc, "nobody", &[]).await;
    let denied = call(&svc, &nobody, "POST", "/v1/domains", b"").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let unknown = call(
        &svc,
        &Creds::root(),
        "GET",
        "/v1/no-such/operation-pkg",
        b"",
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let npm = Request::get("/npm/dom/staging/some-package-name")
        .body(Body::empty())
        .unwrap();
    assert_eq!(raw(&svc.app, npm).await.0, StatusCode::UNAUTHORIZED);

    let after = scrape(&svc).await;
    assert_eq!(requests(&after, "CreateDomain", 200), 1.0);
    assert_eq!(requests(&after, "CreateDomain", 409), 1.0);
    assert_eq!(requests(&after, "CreateRepository", 200), 2.0);
    assert_eq!(requests(&after, "PublishPackageVersion", 200), 2.0);
    assert_eq!(requests(&after, "CopyPackageVersions", 200), 1.0);
    assert_eq!(requests(&after, "ListDomains", 403), 1.0);
    assert_eq!(requests(&after, "UnknownOperation", 404), 1.0);
    assert_eq!(requests(&after, "NpmRead", 401), 1.0);
    // The scrape before this one was counted too, once its response was ready.
    assert_eq!(requests(&after, "Metrics", 200), 1.0);
    for (op, status) in [("CreateRepository", 200), ("ListDomains", 403)] {
        assert_eq!(
            latency_count(&after, op, status),
            requests(&after, op, status)
        );
    }
    assert_eq!(sample(&after, "wharf_versions_copied_total", ""), Some(2.0));
    let published = "content of 1.0.0\n".len() + "content of 1.1.0\n".len();
    assert_eq!(
        sample(&after, "wharf_blob_bytes_written_total", ""),
        Some(published as f64)
    );
    // No label carries a path, a package, a repository or a principal.
    for raw_value in [
        "pkg",
        "staging",
        "release",
        "some-package-name",
        "nobody",
        "/v1/",
    ] {
        assert!(
            !after.contains(&format!("\"{raw_value}")) && !after.contains(raw_value),
            "{raw_value} leaked into the metrics:\n{after}"
        );
    }
}

#[tokio::test]
async fn off_or_moved_metrics_are_not_on_the_main_port() {
    let svc = service().await;
    for exposure in [
        Exposure::Off,
        Exposure::Separate("127.0.0.1:0".parse().unwrap()),
    ] {
        let mut state = svc.state.clone();
        let mut config = (*state.config).clone();
        config.metrics = exposure;
        state.config = Arc::new(config);
        let app = wharf_server::app(state);
        let (status, _, text) = raw(&app, signed(&Creds::root(), "GET", "/metrics", b"")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{exposure:?}: {text}");
        assert!(!text.contains("wharf_http_requests"));
    }
}

#[tokio::test]
async fn a_separate_listener_serves_the_metrics_without_authentication() {
    let svc = service().await;
    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    let addr = wharf_server::metrics::serve_separately(&svc.state, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("listening");
    let response = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .expect("scrape");
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.expect("text");
    assert_eq!(requests(&text, "CreateDomain", 200), 1.0, "{text}");
}

#[tokio::test]
async fn the_database_pool_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = wharf_server::config::Config::with_data_dir(dir.path().to_owned());
    let keys = Keys::new(ROOT_KEY.into(), ROOT_SECRET.into());
    let state = wharf_server::open_state(config, keys).await.expect("state");
    state.store.domains("000000000000").await.expect("a query");
    let text = state.metrics.render();
    let open = sample(&text, "wharf_db_pool_connections", "").expect("pool size");
    let idle = sample(&text, "wharf_db_pool_idle_connections", "").expect("idle");
    assert!(open >= 1.0, "{text}");
    assert!((0.0..=open).contains(&idle), "{text}");
}
