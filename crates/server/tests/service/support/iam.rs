//! Shared by the IAM tests: a service on in-memory storage, driven through `wharf_server::app`
//! with requests signed by `wharf_sigv4::sign` as root or as a user.

#![allow(dead_code)]

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use object_store::memory::InMemory;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;
use wharf_server::auth::Keys;
use wharf_server::config::Config;
use wharf_server::state::AppState;

use super::db;

pub const ROOT_KEY: &str = "AKIAROOTROOTROOTROOT";
pub const ROOT_SECRET: &str = "root-secret-root-secret-root-secret-0000";
pub const ACCOUNT: &str = "000000000000";
pub const REGION: &str = "us-east-1";

/// Credentials to sign with.
#[derive(Debug, Clone)]
pub struct Creds {
    pub key: String,
    pub secret: String,
}

impl Creds {
    pub fn root() -> Self {
        Creds {
            key: ROOT_KEY.into(),
            secret: ROOT_SECRET.into(),
        }
    }
}

/// A response: status, `x-amzn-ErrorType` (empty on success) and the JSON body (or Null).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub error: String,
    pub body: Value,
}

impl Reply {
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }
}

/// One service on in-memory storage.
#[derive(Clone)]
pub struct Svc {
    pub state: AppState,
    pub app: Router,
}

pub async fn service() -> Svc {
    let store = db::fresh_store().await;
    let keys = Keys::new(ROOT_KEY.into(), ROOT_SECRET.into());
    let config = Config::with_data_dir(std::env::temp_dir());
    let state = AppState {
        store,
        blobs: Arc::new(InMemory::new()),
        config: Arc::new(config),
        keys: Arc::new(keys),
        external: Default::default(),
        metrics: Default::default(),
        packuments: Default::default(),
    };
    Svc {
        app: wharf_server::app(state.clone()),
        state,
    }
}

/// A request signed as botocore signs it, at `epoch` (now when `None`).
pub fn signed_at(
    creds: &Creds,
    method: &str,
    uri: &str,
    body: &[u8],
    extra: &[(&str, &str)],
    epoch: Option<i64>,
) -> Request<Body> {
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let date = wharf_sigv4::format_amz_date(epoch.unwrap_or_else(wharf_server::auth::epoch_now));
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), "localhost".into()),
        ("x-amz-date".into(), date),
    ];
    if !body.is_empty() && !extra.iter().any(|(k, _)| *k == "x-amz-content-sha256") {
        headers.push(("content-type".into(), "application/json".into()));
    }
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let payload = wharf_sigv4::sha256_hex(body);
    let parts = wharf_sigv4::RequestParts {
        method,
        path,
        query,
        headers: &refs,
        payload_sha256: &payload,
    };
    let auth = wharf_sigv4::sign(&parts, &creds.key, &creds.secret, REGION).expect("sign");
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in &headers {
        b = b.header(k.as_str(), v.as_str());
    }
    b.header("authorization", auth)
        .body(Body::from(body.to_vec()))
        .expect("request")
}

pub fn signed(creds: &Creds, method: &str, uri: &str, body: &[u8]) -> Request<Body> {
    signed_at(creds, method, uri, body, &[], None)
}

pub async fn send(svc: &Svc, request: Request<Body>) -> Reply {
    let response = svc.app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let error = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        error,
        body,
    }
}

/// Sends a signed request.
pub async fn call(svc: &Svc, creds: &Creds, method: &str, uri: &str, body: &[u8]) -> Reply {
    send(svc, signed(creds, method, uri, body)).await
}

/// Sends a request with `Authorization: Bearer TOKEN`.
pub async fn bearer(svc: &Svc, token: &str, method: &str, uri: &str, body: &[u8]) -> Reply {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(body.to_vec()))
        .expect("request");
    send(svc, request).await
}

/// Like [`call`] as root, panicking unless it succeeds.
pub async fn root_ok(svc: &Svc, method: &str, uri: &str, body: &[u8]) -> Value {
    let r = call(svc, &Creds::root(), method, uri, body).await;
    assert!(r.status.is_success(), "{method} {uri}: {r:?}");
    r.body
}

/// Publishes generic `ns/pkg` VERSION with one asset `a.txt` as `creds`.
pub async fn publish(svc: &Svc, creds: &Creds, repo: &str, version: &str) -> Reply {
    let content = format!("content of {version}\n").into_bytes();
    let sha = wharf_sigv4::sha256_hex(&content);
    let uri = format!(
        "/v1/package/version/publish?domain=dom&repository={repo}&format=generic&namespace=ns&package=pkg&version={version}&asset=a.txt"
    );
    let request = signed_at(
        creds,
        "POST",
        &uri,
        &content,
        &[("x-amz-content-sha256", sha.as_str())],
        None,
    );
    send(svc, request).await
}

/// Creates a user with a key pair and the given identity policies (JSON values).
pub async fn user(svc: &Svc, name: &str, policies: &[Value]) -> Creds {
    let store = &svc.state.store;
    store.create_user(name).await.expect("user");
    let (key, secret) = wharf_server::admin::generate_key_pair();
    store
        .create_access_key(name, &key, &secret)
        .await
        .expect("key");
    for (i, p) in policies.iter().enumerate() {
        let text = p.to_string();
        wharf_policy::PolicyDocument::parse_identity(&text).expect("a valid identity policy");
        store
            .put_user_policy(name, &format!("p{i}"), &text)
            .await
            .expect("policy");
    }
    Creds { key, secret }
}

/// `{"Version": "2012-10-17", "Statement": [...]}`.
pub fn policy(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

pub fn repo_arn(repo: &str) -> String {
    format!("arn:aws:codeartifact:{REGION}:{ACCOUNT}:repository/dom/{repo}")
}

pub fn package_arn(repo: &str) -> String {
    format!("arn:aws:codeartifact:{REGION}:{ACCOUNT}:package/dom/{repo}/generic/ns/pkg")
}

pub fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}
