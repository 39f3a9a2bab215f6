//! `TestApp`: the whole router over a fresh metadata store (in-memory SQLite, or PostgreSQL;
//! see `support/db.rs`) and an in-memory object store, driven
//! with `oneshot` by requests signed with SigV4 as the root key pair, as botocore signs them.
#![allow(dead_code, missing_docs)]

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use object_store::memory::InMemory;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;
use wharf_core::api::PackageVersionOriginType;
use wharf_core::names::{PackageCoordinate, PackageVersionStatus};
use wharf_server::auth::Keys;
use wharf_server::config::Config;
use wharf_server::handlers::publish::asset_row;
use wharf_server::state::AppState;
use wharf_server::store::ImportVersion;
use wharf_server::store::assets::put_blob;

use crate::support::db;

/// The root key pair every test signs with.
pub const ACCESS_KEY_ID: &str = "AKIAWHARFTESTROOT000";
/// The root secret.
pub const SECRET: &str = "wharf-test-secret-key-0000000000000000000";
/// The region the service is configured for.
pub const REGION: &str = "us-east-1";
/// The default domain of the helpers.
pub const DOMAIN: &str = "acme";

/// A response: status, headers and the body (JSON when it parses, else `Null`).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub json: Value,
}

impl Reply {
    /// The `x-amzn-ErrorType` header, if any.
    pub fn error_type(&self) -> Option<&str> {
        self.headers
            .get("x-amzn-ErrorType")
            .and_then(|v| v.to_str().ok())
    }

    /// Asserts a 200 and returns the JSON.
    #[track_caller]
    pub fn ok(self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.json);
        self.json
    }

    /// Asserts an AWS error with this status and code.
    #[track_caller]
    pub fn err(self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.json);
        assert_eq!(self.error_type(), Some(code), "body: {}", self.json);
        assert_eq!(self.json["__type"], code);
        assert!(self.headers.contains_key("x-amzn-RequestId"));
        self.json
    }
}

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    /// SigV4 with the root keys.
    Root,
    /// SigV4 with other keys and region.
    Keys {
        id: String,
        secret: String,
        region: String,
    },
    /// SigV4 with the root keys, then the signature altered.
    Tampered,
    /// SigV4 at a given time (epoch seconds).
    At(i64),
    /// `Authorization: Bearer ...`.
    Bearer(String),
    /// Nothing.
    None,
}

/// The service under test.
#[derive(Clone)]
pub struct TestApp {
    pub state: AppState,
    router: Router,
    clock: Arc<std::sync::atomic::AtomicU64>,
}

/// RFC 3986 encoding, as botocore encodes query members.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query string from pairs (skipping `None` values).
pub fn qs(pairs: &[(&str, Option<&str>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{}={}", enc(k), enc(v))))
        .collect::<Vec<_>>()
        .join("&")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl TestApp {
    /// A fresh service with no data.
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    /// A fresh service with an adjusted configuration.
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::on_store(db::fresh_store().await, adjust)
    }

    /// The service over a given store (a test that must reach the database directly).
    pub fn on_store(
        store: Arc<dyn wharf_server::store::MetadataStore>,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Config::with_data_dir(std::env::temp_dir().join("wharf-unused"));
        adjust(&mut config);
        let state = AppState {
            store,
            blobs: Arc::new(InMemory::new()),
            config: Arc::new(config),
            keys: Arc::new(Keys::new(ACCESS_KEY_ID.into(), SECRET.into())),
            external: Default::default(),
            metrics: Default::default(),
            packuments: Default::default(),
        };
        let router = wharf_server::app(state.clone());
        TestApp {
            state,
            router,
            clock: Default::default(),
        }
    }

    /// Sends a request; `content_type` is signed when given, as botocore does for JSON.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: Vec<u8>,
        extra: &[(&str, &str)],
        auth: Auth,
    ) -> Reply {
        let host = "wharf.test:7878";
        let uri = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        let when = match &auth {
            Auth::At(t) => *t,
            _ => now(),
        };
        let amz_date = wharf_sigv4::format_amz_date(when);
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), host.into()),
            ("x-amz-date".into(), amz_date),
        ];
        for (k, v) in extra {
            headers.push(((*k).into(), (*v).into()));
        }
        let payload = wharf_sigv4::sha256_hex(&body);
        let (id, secret, region) = match &auth {
            Auth::Keys { id, secret, region } => (id.clone(), secret.clone(), region.clone()),
            _ => (ACCESS_KEY_ID.into(), SECRET.into(), REGION.into()),
        };
        let refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let parts = wharf_sigv4::RequestParts {
            method,
            path,
            query,
            headers: &refs,
            payload_sha256: &payload,
        };
        let mut authorization = wharf_sigv4::sign(&parts, &id, &secret, &region).expect("signable");
        let mut builder = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(&uri);
        for (k, v) in &headers {
            builder = builder.header(k, v);
        }
        match auth {
            Auth::None => {}
            Auth::Bearer(token) => {
                builder = builder.header("authorization", format!("Bearer {token}"))
            }
            Auth::Tampered => {
                let last = authorization.pop().unwrap();
                authorization.push(if last == '0' { '1' } else { '0' });
                builder = builder.header("authorization", authorization);
            }
            Auth::Root | Auth::Keys { .. } | Auth::At(_) => {
                builder = builder.header("authorization", authorization)
            }
        }
        builder = builder.header("content-length", body.len().to_string());
        let response = self
            .router
            .clone()
            .oneshot(builder.body(Body::from(body)).unwrap())
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            bytes,
            json,
        }
    }

    /// A signed request with an optional JSON body.
    pub async fn call(&self, method: &str, path: &str, query: &str, body: Option<Value>) -> Reply {
        match body {
            Some(b) => {
                let bytes = serde_json::to_vec(&b).unwrap();
                self.send(
                    method,
                    path,
                    query,
                    bytes,
                    &[("content-type", "application/json")],
                    Auth::Root,
                )
                .await
            }
            None => {
                self.send(method, path, query, Vec::new(), &[], Auth::Root)
                    .await
            }
        }
    }

    /// CreateDomain.
    pub async fn create_domain(&self, name: &str) -> Value {
        self.call("POST", "/v1/domain", &qs(&[("domain", Some(name))]), None)
            .await
            .ok()
    }

    /// CreateRepository in [`DOMAIN`] with upstreams.
    pub async fn create_repo(&self, name: &str, upstreams: &[&str]) -> Reply {
        let ups: Vec<Value> = upstreams
            .iter()
            .map(|u| json!({"repositoryName": u}))
            .collect();
        self.call(
            "POST",
            "/v1/repository",
            &qs(&[("domain", Some(DOMAIN)), ("repository", Some(name))]),
            Some(json!({"upstreams": ups})),
        )
        .await
    }

    /// A domain [`DOMAIN`] with these repositories (no upstreams).
    pub async fn with_repos(repos: &[&str]) -> Self {
        let app = Self::new().await;
        app.create_domain(DOMAIN).await;
        for r in repos {
            app.create_repo(r, &[]).await.ok();
        }
        app
    }

    /// PublishPackageVersion of one generic asset in namespace `ns`.
    pub async fn publish_raw(
        &self,
        repo: &str,
        package: &str,
        version: &str,
        asset: &str,
        bytes: &[u8],
        unfinished: bool,
    ) -> Reply {
        let sha = wharf_sigv4::sha256_hex(bytes);
        let q = qs(&[
            ("domain", Some(DOMAIN)),
            ("repository", Some(repo)),
            ("format", Some("generic")),
            ("namespace", Some("ns")),
            ("package", Some(package)),
            ("version", Some(version)),
            ("asset", Some(asset)),
            ("unfinished", unfinished.then_some("true")),
        ]);
        self.send(
            "POST",
            "/v1/package/version/publish",
            &q,
            bytes.to_vec(),
            &[("x-amz-content-sha256", &sha)],
            Auth::Root,
        )
        .await
    }

    /// Publishes a generic version with one asset `a.txt` holding `content`; returns its
    /// revision.
    pub async fn publish(&self, repo: &str, package: &str, version: &str, content: &str) -> String {
        let v = self
            .publish_raw(repo, package, version, "a.txt", content.as_bytes(), false)
            .await
            .ok();
        v["versionRevision"].as_str().unwrap().to_owned()
    }

    /// Records a version of any format directly in the store (bytes written first), as a
    /// version retained from elsewhere would be; returns its revision.
    pub async fn seed(
        &self,
        repo: &str,
        coord: (&str, Option<&str>, &str),
        version: &str,
        content: &str,
        status: PackageVersionStatus,
    ) -> String {
        let (format, ns, name) = coord;
        let c = PackageCoordinate::parse(format, ns, name).expect("valid coordinate");
        let asset = asset_row(&format!("{name}-{version}.tgz"), content.as_bytes());
        put_blob(
            &*self.state.blobs,
            &asset.sha256,
            content.as_bytes().to_vec().into(),
        )
        .await
        .expect("blob");
        let row = self
            .state
            .store
            .import_version(
                "000000000000",
                DOMAIN,
                repo,
                &c,
                ImportVersion {
                    version: version.into(),
                    status,
                    origin_type: PackageVersionOriginType::External,
                    entry_repository: None,
                    published_time: 1_700_000_000.0 + self.tick(),
                    metadata: Default::default(),
                    assets: vec![asset],
                },
            )
            .await
            .expect("import");
        row.revision
    }

    fn tick(&self) -> f64 {
        self.clock.fetch_add(1, std::sync::atomic::Ordering::SeqCst) as f64
    }

    /// The package query of a generic package `ns/package` in `repo`.
    pub fn pkg_q(repo: &str, package: &str, more: &[(&str, Option<&str>)]) -> String {
        let mut pairs = vec![
            ("domain", Some(DOMAIN)),
            ("repository", Some(repo)),
            ("format", Some("generic")),
            ("namespace", Some("ns")),
            ("package", Some(package)),
        ];
        pairs.extend_from_slice(more);
        qs(&pairs)
    }

    /// CopyPackageVersions of generic `ns/package` from `src` to `dst`.
    pub async fn copy(&self, src: &str, dst: &str, package: &str, body: Value) -> Reply {
        let q = qs(&[
            ("domain", Some(DOMAIN)),
            ("source-repository", Some(src)),
            ("destination-repository", Some(dst)),
            ("format", Some("generic")),
            ("namespace", Some("ns")),
            ("package", Some(package)),
        ]);
        self.call("POST", "/v1/package/versions/copy", &q, Some(body))
            .await
    }

    /// ListPackageVersions with extra query members.
    pub async fn list_versions(
        &self,
        repo: &str,
        package: &str,
        more: &[(&str, Option<&str>)],
    ) -> Reply {
        self.call(
            "POST",
            "/v1/package/versions",
            &Self::pkg_q(repo, package, more),
            None,
        )
        .await
    }

    /// The versions of a package in a repository, as `version → (revision, status)`.
    pub async fn versions_of(&self, repo: &str, package: &str) -> Vec<(String, String, String)> {
        let page = self
            .list_versions(repo, package, &[("max-results", Some("1000"))])
            .await;
        if page.status == StatusCode::NOT_FOUND {
            return Vec::new();
        }
        let page = page.ok();
        let mut out: Vec<_> = page["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["version"].as_str().unwrap().to_owned(),
                    v["revision"].as_str().unwrap().to_owned(),
                    v["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        out.sort();
        out
    }
}
