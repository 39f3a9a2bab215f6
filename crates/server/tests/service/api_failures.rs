//! Failures inside the service reach clients in CodeArtifact's format and are never guessed
//! over: a stored row Wharf cannot read is a 500 `InternalServerException` whose logged error
//! names the row (an unknown status, metadata that is not JSON, a revision that does not parse),
//! and a panic is an `InternalServerException` with a request id, not a dropped connection.
//! The rows are corrupted directly in an on-disk SQLite database.

use crate::common;

use axum::body::{Body, to_bytes};
use axum::http::Request;
use common::{TestApp, qs};
use serde_json::json;
use sqlx::Connection;
use std::sync::Arc;
use tower::ServiceExt;
use wharf_core::names::PackageCoordinate;
use wharf_server::secrets::Sealer;
use wharf_server::store::{CorruptRow, MetadataStore, Store, StoreError};

struct Corruptible {
    _dir: tempfile::TempDir,
    url: String,
    store: Arc<dyn MetadataStore>,
    app: TestApp,
}

/// A service on an on-disk SQLite database with `src` holding generic `ns/p` 1.0 and an empty
/// `dst`.
async fn corruptible() -> Corruptible {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wharf.db");
    let store: Arc<dyn MetadataStore> =
        Arc::new(Store::open(&path, Sealer::random()).await.unwrap());
    let app = TestApp::on_store(store.clone(), |_| {});
    app.create_domain(common::DOMAIN).await;
    app.create_repo("src", &[]).await.ok();
    app.create_repo("dst", &[]).await.ok();
    app.publish("src", "p", "1.0", "bytes").await;
    Corruptible {
        url: format!("sqlite://{}", path.display()),
        _dir: dir,
        store,
        app,
    }
}

impl Corruptible {
    /// Runs `sql` on the database behind the service's back; returns the rows it changed.
    async fn corrupt(&self, sql: &str) -> u64 {
        let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
        sqlx::query(sql)
            .execute(&mut conn)
            .await
            .unwrap()
            .rows_affected()
    }

    async fn version_id(&self) -> i64 {
        let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
        sqlx::query_scalar("SELECT id FROM package_versions WHERE version = '1.0'")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    }

    /// The store's error for version 1.0 of `src`, which must name the corrupt row.
    async fn stored_error(&self) -> CorruptRow {
        let c = PackageCoordinate::parse("generic", Some("ns"), "p").unwrap();
        let (_, pkg) = self
            .store
            .package(wharf_server_account(), common::DOMAIN, "src", &c)
            .await
            .unwrap();
        match self.store.version(pkg.id, &c, "1.0").await {
            Err(StoreError::Backend(e)) => e.downcast::<CorruptRow>().expect("a CorruptRow"),
            other => panic!("expected a corrupt-row error, got {other:?}"),
        }
    }

    async fn describe(&self) -> common::Reply {
        let q = TestApp::pkg_q("src", "p", &[("version", Some("1.0"))]);
        self.app.call("GET", "/v1/package/version", &q, None).await
    }
}

fn wharf_server_account() -> &'static str {
    "000000000000"
}

#[track_caller]
fn assert_internal(reply: common::Reply) {
    assert_eq!(reply.status.as_u16(), 500, "body: {}", reply.json);
    assert_eq!(reply.error_type(), Some("InternalServerException"));
    assert!(reply.headers.contains_key("x-amzn-RequestId"));
}

#[tokio::test]
async fn an_unknown_stored_status_is_an_error_naming_the_row_not_published() {
    let s = corruptible().await;
    let id = s.version_id().await;
    assert_eq!(
        s.corrupt("UPDATE package_versions SET status = 'Bogus'")
            .await,
        1
    );
    assert_internal(s.describe().await);
    assert_internal(
        s.app
            .call(
                "POST",
                "/v1/package/versions",
                &TestApp::pkg_q("src", "p", &[]),
                None,
            )
            .await,
    );
    let e = s.stored_error().await;
    assert_eq!(
        (e.table, e.column, e.value.as_str()),
        ("package_versions", "status", "Bogus")
    );
    assert_eq!(e.id, id.to_string());
    assert!(
        e.to_string().contains(&format!("package_versions id {id}")),
        "{e}"
    );
}

#[tokio::test]
async fn unreadable_metadata_is_an_error_naming_the_row_not_empty() {
    let s = corruptible().await;
    s.corrupt("UPDATE package_versions SET metadata = '{not json'")
        .await;
    assert_internal(s.describe().await);
    let e = s.stored_error().await;
    assert_eq!((e.table, e.column), ("package_versions", "metadata"));
    assert_eq!(e.id, s.version_id().await.to_string());
}

#[tokio::test]
async fn an_unparseable_revision_fails_the_copy_instead_of_hiding_the_version() {
    let s = corruptible().await;
    assert_eq!(
        s.corrupt("UPDATE package_versions SET revision = ''").await,
        1
    );
    // Skipping the row made the copy report version 1.0 as not found; nothing may be written.
    assert_internal(
        s.app
            .copy("src", "dst", "p", json!({"versions": ["1.0"]}))
            .await,
    );
    assert!(s.app.versions_of("dst", "p").await.is_empty());
}

#[tokio::test]
async fn an_unknown_stored_format_is_an_error_not_generic() {
    let s = corruptible().await;
    s.corrupt("UPDATE packages SET format = 'cobol'").await;
    let q = qs(&[
        ("domain", Some(common::DOMAIN)),
        ("repository", Some("src")),
    ]);
    assert_internal(s.app.call("POST", "/v1/packages", &q, None).await);
}

#[tokio::test]
async fn a_panic_is_an_internal_server_exception_with_a_request_id() {
    let router = axum::Router::new()
        .route(
            "/boom",
            axum::routing::get(|| async {
                if std::hint::black_box(true) {
                    panic!("deliberate");
                }
                "unreachable"
            }),
        )
        .layer(wharf_server::error::catch_panics());
    let response = router
        .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 500);
    let headers = response.headers().clone();
    assert_eq!(
        headers.get("x-amzn-ErrorType").unwrap(),
        "InternalServerException"
    );
    let id = headers.get("x-amzn-RequestId").unwrap().to_str().unwrap();
    assert_eq!(id.len(), 36, "{id}");
    assert!(
        id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
        "{id}"
    );
    let body: serde_json::Value =
        serde_json::from_slice(&to_bytes(response.into_body(), usize::MAX).await.unwrap()).unwrap();
    assert_eq!(body["__type"], "InternalServerException");
    // The panic's text is logged, never sent.
    assert!(!body.to_string().contains("deliberate"), "{body}");
}
