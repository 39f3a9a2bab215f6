//! The npm routes driven through the router: auth, publish, packument merging along upstreams,
//! retention, dist-tags, deprecation, unpublish and refusals.

use crate::auth::{Caller, Keys};
use crate::config::Config;
use crate::state::AppState;
use crate::store::{MetadataStore, Store};
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use base64::Engine;
use flate2::Compression;
use flate2::write::GzEncoder;
use object_store::memory::InMemory;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;
use wharf_core::names::{PackageCoordinate, PackageFormat, PackageName};

async fn state() -> AppState {
    let store: Arc<dyn MetadataStore> = Arc::new(Store::in_memory().await.expect("store"));
    let keys = Keys::new("AKIATEST".into(), "secret".into());
    let config = Config::with_data_dir(std::env::temp_dir());
    store
        .create_domain(&config.account_id, "d")
        .await
        .expect("domain");
    for (repo, up) in [("up", vec![]), ("down", vec!["up".to_owned()])] {
        store
            .create_repository(&config.account_id, "d", repo, None, &up)
            .await
            .expect("repository");
    }
    AppState {
        store,
        blobs: Arc::new(InMemory::new()),
        config: Arc::new(config),
        keys: Arc::new(keys),
        external: Default::default(),
        metrics: Default::default(),
        packuments: Default::default(),
    }
}

fn token(s: &AppState) -> String {
    let caller = Caller::signed("AKIATEST");
    s.keys.issue_token(&caller, crate::auth::epoch_now() + 600)
}

fn tgz(name: &str, version: &str) -> Vec<u8> {
    let pj =
        json!({"name": name, "version": version, "description": "d", "license": "MIT"}).to_string();
    let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    let mut h = tar::Header::new_gnu();
    h.set_size(pj.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, "package/package.json", pj.as_bytes())
        .expect("append");
    b.into_inner().expect("tar").finish().expect("gzip")
}

fn publish_body(name: &str, version: &str, tarball: &[u8]) -> Value {
    let b64 = base64::engine::general_purpose::STANDARD.encode(tarball);
    json!({
        "_id": name, "name": name, "dist-tags": {"latest": version},
        "versions": {version: {"name": name, "version": version, "license": "MIT",
            "dist": {"integrity": wharf_npm::publish::integrity_of(tarball)}}},
        "_attachments": {format!("{name}-{version}.tgz"): {"data": b64, "length": tarball.len()}}
    })
}

async fn call(
    s: &AppState,
    method: &str,
    path: &str,
    body: Option<Value>,
    auth: bool,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "h:1");
    if auth {
        req = req.header("authorization", format!("Bearer {}", token(s)));
    }
    let req = req
        .body(body.map_or(Body::empty(), |b| Body::from(b.to_string())))
        .expect("request");
    let res = crate::app(s.clone()).oneshot(req).await.expect("response");
    let status = res.status();
    let bytes = to_bytes(res.into_body(), usize::MAX).await.expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn missing_token_is_401_in_npm_shape() {
    let s = state().await;
    let (status, body) = call(&s, "GET", "/npm/d/up/x", None, false).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["error"]
            .as_str()
            .expect("error")
            .contains("authenticate")
    );
}

#[tokio::test]
async fn publish_read_through_upstream_retain_and_tags() {
    let s = state().await;
    for v in ["1.0.0", "1.0.1"] {
        let (st, _) = call(
            &s,
            "PUT",
            "/npm/d/up/@sc%2fp",
            Some(publish_body("@sc/p", v, &tgz("@sc/p", v))),
            true,
        )
        .await;
        assert_eq!(st, StatusCode::OK);
    }
    let (st, doc) = call(&s, "GET", "/npm/d/down/@sc%2fp", None, true).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(doc["dist-tags"]["latest"], "1.0.1");
    assert_eq!(
        doc["versions"]["1.0.0"]["dist"]["tarball"],
        "http://h:1/npm/d/down/@sc/p/-/p-1.0.0.tgz"
    );
    let c = PackageCoordinate {
        format: PackageFormat::Npm,
        namespace: Some(wharf_core::names::Namespace::parse("sc").expect("ns")),
        name: PackageName::parse("p").expect("name"),
    };
    assert!(
        s.store
            .package(&s.config.account_id, "d", "down", &c)
            .await
            .is_err()
    );
    let res = crate::app(s.clone())
        .oneshot(
            Request::get("/npm/d/down/@sc/p/-/p-1.0.0.tgz")
                .header("authorization", format!("Bearer {}", token(&s)))
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = to_bytes(res.into_body(), usize::MAX).await.expect("body");
    assert_eq!(bytes.as_ref(), tgz("@sc/p", "1.0.0").as_slice());
    let (_, pkg) = s
        .store
        .package(&s.config.account_id, "d", "down", &c)
        .await
        .expect("retained");
    let (row, _) = s.store.version(pkg.id, &c, "1.0.0").await.expect("version");
    assert_eq!(row.entry_repository.as_deref(), Some("up"));

    let (st, _) = call(
        &s,
        "PUT",
        "/npm/d/down/-/package/@sc%2fp/dist-tags/beta",
        Some(json!("1.0.0")),
        true,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (_, tags) = call(
        &s,
        "GET",
        "/npm/d/down/-/package/@sc%2fp/dist-tags",
        None,
        true,
    )
    .await;
    assert_eq!(tags, json!({"beta": "1.0.0", "latest": "1.0.1"}));
    let (st, body) = call(
        &s,
        "DELETE",
        "/npm/d/down/-/package/@sc%2fp/dist-tags/latest",
        None,
        true,
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn refusals_store_nothing() {
    let s = state().await;
    let mut bad = publish_body("p", "1.0.0", &tgz("p", "1.0.0"));
    bad["versions"]["1.0.0"]["dist"]["integrity"] = json!("sha512-AAAA");
    let (st, body) = call(&s, "PUT", "/npm/d/up/p", Some(bad), true).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().expect("error").contains("Integrity"));
    let (st, _) = call(&s, "GET", "/npm/d/up/p", None, true).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    let (st, _) = call(
        &s,
        "PUT",
        "/npm/d/up/p",
        Some(publish_body("p", "1.0.0", &tgz("p", "1.0.0"))),
        true,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = call(
        &s,
        "PUT",
        "/npm/d/up/p",
        Some(publish_body("p", "1.0.0", &tgz("p", "1.0.0"))),
        true,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "an identical republish is a no-op");
    let mut other = tgz("p", "1.0.0");
    other.extend_from_slice(&[0; 4]);
    let (st, body) = call(
        &s,
        "PUT",
        "/npm/d/up/p",
        Some(publish_body("p", "1.0.0", &other)),
        true,
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{body}");
}

#[tokio::test]
async fn deprecate_and_unpublish() {
    let s = state().await;
    for v in ["1.0.0", "1.0.1"] {
        call(
            &s,
            "PUT",
            "/npm/d/up/p",
            Some(publish_body("p", v, &tgz("p", v))),
            true,
        )
        .await;
    }
    let (_, mut doc) = call(&s, "GET", "/npm/d/up/p", None, true).await;
    doc["versions"]["1.0.0"]["deprecated"] = json!("old");
    let (st, _) = call(&s, "PUT", "/npm/d/up/p", Some(doc.clone()), true).await;
    assert_eq!(st, StatusCode::OK);
    let (_, doc) = call(&s, "GET", "/npm/d/up/p", None, true).await;
    assert_eq!(doc["versions"]["1.0.0"]["deprecated"], "old");

    let mut doc = doc;
    doc["versions"]
        .as_object_mut()
        .expect("versions")
        .remove("1.0.1");
    doc["dist-tags"]["latest"] = json!("1.0.0");
    let rev = doc["_rev"].as_str().expect("rev").to_owned();
    let (st, _) = call(
        &s,
        "PUT",
        &format!("/npm/d/up/p/-rev/{rev}"),
        Some(doc),
        true,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (_, doc) = call(&s, "GET", "/npm/d/up/p", None, true).await;
    assert_eq!(doc["dist-tags"], json!({"latest": "1.0.0"}));
    assert!(doc["versions"].get("1.0.1").is_none());
}
