//! IAM on the npm endpoints: users' bearer tokens are accepted there and carry their user's
//! permissions. Reads need `ReadFromRepository` on the repository addressed (not on its
//! upstreams); publish, deprecate and dist-tag changes need `PublishPackageVersion` on the
//! package; unpublish also needs the API operation that deletes. A refusal is 403 in npm's
//! shape naming principal, action and resource, and changes nothing; a revoked key's or a
//! deleted user's token is 401.

use crate::support::iam as support;

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use base64::Engine;
use flate2::Compression;
use flate2::write::GzEncoder;
use futures::TryStreamExt;
use object_store::ObjectStore;
use serde_json::{Value, json};
use support::*;
use tower::ServiceExt;
use wharf_server::auth::{Caller, epoch_now};

/// An npm answer: status, headers, raw body and its JSON (or Null).
#[derive(Debug)]
struct NpmReply {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
    json: Value,
}

impl NpmReply {
    /// npm's `{"error": …}` message.
    fn error(&self) -> &str {
        self.json["error"].as_str().unwrap_or("")
    }

    #[track_caller]
    fn ok(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.json);
        &self.json
    }

    /// Asserts a 403 naming the principal, the action and the resource; returns the message.
    #[track_caller]
    fn denied(&self, user: &str, action: &str, resource: &str) -> &str {
        assert_eq!(self.status, StatusCode::FORBIDDEN, "{}", self.json);
        let expected = format!(
            "User: {} is not authorized to perform: codeartifact:{action} on resource: {resource}",
            user_arn(user)
        );
        assert!(
            self.error().starts_with(&expected),
            "{:?} does not start with {expected:?}",
            self.error()
        );
        self.error()
    }
}

/// A request to the npm endpoint of `repo` in domain `dom` (`path` relative to it).
async fn npm(
    svc: &Svc,
    token: &str,
    method: &str,
    repo: &str,
    path: &str,
    body: Option<Vec<u8>>,
) -> NpmReply {
    let request = Request::builder()
        .method(method)
        .uri(format!("/npm/dom/{repo}/{path}"))
        .header("host", "wharf.test")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(body.map_or(Body::empty(), Body::from))
        .expect("request");
    let response = svc.app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    NpmReply {
        status,
        headers,
        bytes,
        json,
    }
}

/// A token for `creds`, as GetAuthorizationToken issues it, valid for ten minutes.
fn token(svc: &Svc, creds: &Creds) -> String {
    let caller = Caller::signed(creds.key.clone());
    svc.state.keys.issue_token(&caller, epoch_now() + 600)
}

fn tgz(name: &str, version: &str) -> Vec<u8> {
    let pj = json!({"name": name, "version": version, "license": "MIT"}).to_string();
    let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    let mut h = tar::Header::new_gnu();
    h.set_size(pj.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, "package/package.json", pj.as_bytes())
        .expect("append");
    b.into_inner().expect("tar").finish().expect("gzip")
}

/// The body `npm publish` sends for NAME@VERSION.
fn publish_body(name: &str, version: &str) -> Vec<u8> {
    let tarball = tgz(name, version);
    let bare = name.rsplit('/').next().expect("name");
    json!({
        "_id": name, "name": name, "dist-tags": {"latest": version},
        "versions": {version: {"name": name, "version": version, "license": "MIT",
            "dist": {"integrity": wharf_npm::publish::integrity_of(&tarball)}}},
        "_attachments": {format!("{bare}-{version}.tgz"): {
            "data": base64::engine::general_purpose::STANDARD.encode(&tarball),
            "length": tarball.len()}}
    })
    .to_string()
    .into_bytes()
}

const WIDGET: &str = "@acme%2fwidget";

fn widget_arn(repo: &str) -> String {
    format!("arn:aws:codeartifact:{REGION}:{ACCOUNT}:package/dom/{repo}/npm/acme/widget")
}

/// Domain `dom` with `upstream`, `staging` (whose upstream is `upstream`) and `release`; root
/// has published `@acme/widget@1.0.0` to staging (tagged `latest`) and `lib@1.0.0` to
/// upstream.
async fn fixture() -> (Svc, String) {
    let svc = service().await;
    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    root_ok(
        &svc,
        "POST",
        "/v1/repository?domain=dom&repository=upstream",
        b"",
    )
    .await;
    root_ok(
        &svc,
        "POST",
        "/v1/repository?domain=dom&repository=staging",
        json!({"upstreams": [{"repositoryName": "upstream"}]})
            .to_string()
            .as_bytes(),
    )
    .await;
    root_ok(
        &svc,
        "POST",
        "/v1/repository?domain=dom&repository=release",
        b"",
    )
    .await;
    let root = token(&svc, &Creds::root());
    let body = Some(publish_body("@acme/widget", "1.0.0"));
    npm(&svc, &root, "PUT", "staging", WIDGET, body).await.ok();
    let body = Some(publish_body("lib", "1.0.0"));
    npm(&svc, &root, "PUT", "upstream", "lib", body).await.ok();
    (svc, root)
}

/// What the repositories hold, as root sees it: each repository's widget packument (versions,
/// dist-tags, deprecations) and the number of stored blobs.
async fn snapshot(svc: &Svc, root: &str) -> (Vec<Value>, usize) {
    let mut docs = Vec::new();
    for repo in ["upstream", "staging", "release"] {
        let r = npm(svc, root, "GET", repo, WIDGET, None).await;
        docs.push(
            json!({"status": r.status.as_u16(), "versions": r.json["versions"],
            "dist-tags": r.json["dist-tags"]}),
        );
    }
    let blobs: Vec<_> = svc
        .state
        .blobs
        .list(None)
        .try_collect()
        .await
        .expect("list blobs");
    (docs, blobs.len())
}

fn allow(actions: &[&str], resources: &[String]) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resources})
}

#[tokio::test]
async fn a_read_only_user_installs_but_every_write_is_refused_and_changes_nothing() {
    let (svc, root) = fixture().await;
    let reader = user(
        &svc,
        "reader",
        &[policy(json!([
            allow(&["codeartifact:ReadFromRepository"], &[repo_arn("staging")]),
            allow(
                &["codeartifact:GetAuthorizationToken"],
                &[format!(
                    "arn:aws:codeartifact:{REGION}:{ACCOUNT}:domain/dom"
                )]
            ),
        ]))],
    )
    .await;
    // The token GetAuthorizationToken gives the user, as `aws codeartifact login` gets it.
    let got = call(
        &svc,
        &reader,
        "POST",
        "/v1/authorization-token?domain=dom",
        b"",
    )
    .await;
    assert!(got.status.is_success(), "{got:?}");
    let tok = got.body["authorizationToken"].as_str().unwrap().to_owned();

    let doc = npm(&svc, &tok, "GET", "staging", WIDGET, None).await;
    assert_eq!(doc.ok()["dist-tags"]["latest"], "1.0.0");
    let me = npm(&svc, &tok, "GET", "staging", "-/whoami", None).await;
    assert_eq!(me.ok()["username"], "reader", "npm whoami names the user");
    let tarball = npm(
        &svc,
        &tok,
        "GET",
        "staging",
        "@acme/widget/-/widget-1.0.0.tgz",
        None,
    )
    .await;
    assert_eq!(tarball.status, StatusCode::OK);
    assert_eq!(tarball.bytes, tgz("@acme/widget", "1.0.0"));
    let tags = npm(
        &svc,
        &tok,
        "GET",
        "staging",
        "-/package/@acme%2fwidget/dist-tags",
        None,
    )
    .await;
    assert_eq!(tags.ok(), &json!({"latest": "1.0.0"}));
    npm(&svc, &tok, "GET", "staging", "-/ping", None).await.ok();

    let before = snapshot(&svc, &root).await;
    let publish = Some(publish_body("@acme/widget", "2.0.0"));
    npm(&svc, &tok, "PUT", "staging", WIDGET, publish)
        .await
        .denied("reader", "PublishPackageVersion", &widget_arn("staging"));
    let mut deprecate = doc.json.clone();
    deprecate["versions"]["1.0.0"]["deprecated"] = json!("do not use");
    let deprecate = Some(deprecate.to_string().into_bytes());
    npm(&svc, &tok, "PUT", "staging", WIDGET, deprecate)
        .await
        .denied("reader", "PublishPackageVersion", &widget_arn("staging"));
    let tag = "-/package/@acme%2fwidget/dist-tags/stable";
    npm(
        &svc,
        &tok,
        "PUT",
        "staging",
        tag,
        Some(b"\"1.0.0\"".to_vec()),
    )
    .await
    .denied("reader", "PublishPackageVersion", &widget_arn("staging"));
    let latest = "-/package/@acme%2fwidget/dist-tags/latest";
    npm(&svc, &tok, "DELETE", "staging", latest, None)
        .await
        .denied("reader", "PublishPackageVersion", &widget_arn("staging"));
    let rev = doc.json["_rev"].as_str().unwrap();
    let mut without = doc.json.clone();
    without["versions"] = json!({});
    let path = format!("{WIDGET}/-rev/{rev}");
    let without = Some(without.to_string().into_bytes());
    npm(&svc, &tok, "PUT", "staging", &path, without)
        .await
        .denied("reader", "PublishPackageVersion", &widget_arn("staging"));
    npm(&svc, &tok, "DELETE", "staging", &path, None)
        .await
        .denied("reader", "PublishPackageVersion", &widget_arn("staging"));
    // Authorization comes before the body is read: garbage is refused as a denial, not a 400.
    let garbage = Some(b"{not json".to_vec());
    npm(&svc, &tok, "PUT", "staging", WIDGET, garbage)
        .await
        .denied("reader", "PublishPackageVersion", &widget_arn("staging"));
    // Other repositories are not readable.
    npm(&svc, &tok, "GET", "release", WIDGET, None)
        .await
        .denied("reader", "ReadFromRepository", &repo_arn("release"));
    assert_eq!(
        snapshot(&svc, &root).await,
        before,
        "a refusal changes nothing"
    );
}

#[tokio::test]
async fn a_publisher_publishes_where_allowed_and_unpublishes_only_with_delete() {
    let (svc, root) = fixture().await;
    let mut statements = vec![allow(
        &["codeartifact:PublishPackageVersion"],
        &[format!(
            "arn:aws:codeartifact:{REGION}:{ACCOUNT}:package/dom/staging/npm/acme/*"
        )],
    )];
    let publisher = user(&svc, "publisher", &[policy(json!(statements))]).await;
    let tok = token(&svc, &publisher);

    let r = npm(
        &svc,
        &tok,
        "PUT",
        "staging",
        WIDGET,
        Some(publish_body("@acme/widget", "2.0.0")),
    )
    .await;
    assert_eq!(r.ok()["version"], "2.0.0");
    let tag = "-/package/@acme%2fwidget/dist-tags/stable";
    npm(
        &svc,
        &tok,
        "PUT",
        "staging",
        tag,
        Some(b"\"1.0.0\"".to_vec()),
    )
    .await
    .ok();
    let doc = npm(&svc, &root, "GET", "staging", WIDGET, None).await;
    let versions = doc.ok()["versions"].as_object().unwrap();
    assert_eq!(versions.keys().collect::<Vec<_>>(), ["1.0.0", "2.0.0"]);
    assert_eq!(
        doc.json["dist-tags"],
        json!({"latest": "2.0.0", "stable": "1.0.0"})
    );

    // Only where the policy says: another scope, another repository, and reads are refused.
    let other = Some(publish_body("@other/widget", "1.0.0"));
    npm(&svc, &tok, "PUT", "staging", "@other%2fwidget", other)
        .await
        .denied(
            "publisher",
            "PublishPackageVersion",
            &format!(
                "arn:aws:codeartifact:{REGION}:{ACCOUNT}:package/dom/staging/npm/other/widget"
            ),
        );
    let release = Some(publish_body("@acme/widget", "2.0.0"));
    npm(&svc, &tok, "PUT", "release", WIDGET, release)
        .await
        .denied("publisher", "PublishPackageVersion", &widget_arn("release"));
    npm(&svc, &tok, "GET", "staging", WIDGET, None)
        .await
        .denied("publisher", "ReadFromRepository", &repo_arn("staging"));

    // Unpublishing deletes versions: it needs what DeletePackageVersions needs as well.
    let rev = doc.json["_rev"].as_str().unwrap().to_owned();
    let mut without = doc.json.clone();
    without["versions"].as_object_mut().unwrap().remove("2.0.0");
    without["dist-tags"] = json!({"latest": "1.0.0", "stable": "1.0.0"});
    let path = format!("{WIDGET}/-rev/{rev}");
    let body = Some(without.to_string().into_bytes());
    npm(&svc, &tok, "PUT", "staging", &path, body.clone())
        .await
        .denied("publisher", "DeletePackageVersions", &widget_arn("staging"));
    npm(&svc, &tok, "DELETE", "staging", &path, None)
        .await
        .denied("publisher", "DeletePackage", &widget_arn("staging"));
    let doc = npm(&svc, &root, "GET", "staging", WIDGET, None).await;
    assert_eq!(doc.ok()["versions"].as_object().unwrap().len(), 2);

    statements.push(allow(
        &["codeartifact:DeletePackageVersions"],
        &[widget_arn("staging")],
    ));
    svc.state
        .store
        .put_user_policy("publisher", "p0", &policy(json!(statements)).to_string())
        .await
        .unwrap();
    npm(&svc, &tok, "PUT", "staging", &path, body).await.ok();
    let tarball = format!("@acme/widget/-/widget-2.0.0.tgz/-rev/{rev}");
    npm(&svc, &tok, "DELETE", "staging", &tarball, None)
        .await
        .ok();
    let doc = npm(&svc, &root, "GET", "staging", WIDGET, None).await;
    let versions = doc.ok()["versions"].as_object().unwrap();
    assert_eq!(versions.keys().collect::<Vec<_>>(), ["1.0.0"]);
}

#[tokio::test]
async fn a_user_without_policies_reads_nothing() {
    let (svc, _) = fixture().await;
    let nobody = user(&svc, "nobody", &[]).await;
    let tok = token(&svc, &nobody);
    for path in [
        WIDGET,
        "@acme/widget/-/widget-1.0.0.tgz",
        "-/package/@acme%2fwidget/dist-tags",
        "-/ping",
        "-/whoami",
        "no-such-package",
    ] {
        let r = npm(&svc, &tok, "GET", "staging", path, None).await;
        let message = r.denied("nobody", "ReadFromRepository", &repo_arn("staging"));
        assert!(!message.contains("explicit deny"), "{message}");
        assert!(!r.headers.contains_key("www-authenticate"));
    }
    // A repository that does not exist is refused the same way: nothing is revealed.
    npm(&svc, &tok, "GET", "nowhere", WIDGET, None)
        .await
        .denied("nobody", "ReadFromRepository", &repo_arn("nowhere"));
}

#[tokio::test]
async fn tokens_of_revoked_keys_deleted_users_and_expired_tokens_are_401() {
    let (svc, _) = fixture().await;
    let read = policy(json!([allow(
        &["codeartifact:ReadFromRepository"],
        &[repo_arn("staging")]
    )]));
    let reader = user(&svc, "reader", std::slice::from_ref(&read)).await;
    let tok = token(&svc, &reader);
    npm(&svc, &tok, "GET", "staging", WIDGET, None).await.ok();
    svc.state
        .store
        .revoke_access_key(&reader.key)
        .await
        .unwrap();
    let r = npm(&svc, &tok, "GET", "staging", WIDGET, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.json);
    assert!(
        r.error().starts_with("Unable to authenticate"),
        "{}",
        r.json
    );
    assert!(r.headers.contains_key("www-authenticate"));

    let other = user(&svc, "other", &[read]).await;
    let tok = token(&svc, &other);
    npm(&svc, &tok, "GET", "staging", WIDGET, None).await.ok();
    svc.state.store.delete_user("other").await.unwrap();
    let r = npm(&svc, &tok, "GET", "staging", WIDGET, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.json);

    let caller = Caller::signed(reader.key.clone());
    let expired = svc.state.keys.issue_token(&caller, epoch_now() - 1);
    let r = npm(&svc, &expired, "GET", "staging", WIDGET, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.json);
    assert!(r.error().contains("expired"), "{}", r.json);
    let r = npm(&svc, "forged.token", "GET", "staging", WIDGET, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.json);
}

#[tokio::test]
async fn a_repository_policy_granting_read_suffices() {
    let (svc, _) = fixture().await;
    let guest = user(&svc, "guest", &[]).await;
    let tok = token(&svc, &guest);
    npm(&svc, &tok, "GET", "staging", WIDGET, None)
        .await
        .denied("guest", "ReadFromRepository", &repo_arn("staging"));
    let grant = policy(
        json!([{"Effect": "Allow", "Principal": {"AWS": user_arn("guest")},
        "Action": "codeartifact:ReadFromRepository", "Resource": "*"}]),
    );
    root_ok(
        &svc,
        "PUT",
        "/v1/repository/permissions/policy?domain=dom&repository=staging",
        json!({"policyDocument": grant.to_string()})
            .to_string()
            .as_bytes(),
    )
    .await;
    npm(&svc, &tok, "GET", "staging", WIDGET, None).await.ok();
    let publish = Some(publish_body("@acme/widget", "2.0.0"));
    npm(&svc, &tok, "PUT", "staging", WIDGET, publish)
        .await
        .denied("guest", "PublishPackageVersion", &widget_arn("staging"));
    // The grant is staging's: release stays closed.
    npm(&svc, &tok, "GET", "release", WIDGET, None)
        .await
        .denied("guest", "ReadFromRepository", &repo_arn("release"));
}

#[tokio::test]
async fn an_explicit_deny_wins_over_allows() {
    let (svc, root) = fixture().await;
    let everything_but_publishing = policy(json!([
        {"Effect": "Allow", "Action": "codeartifact:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "codeartifact:PublishPackageVersion",
         "Resource": format!("arn:aws:codeartifact:{REGION}:{ACCOUNT}:package/dom/staging/*")},
    ]));
    let admin = user(&svc, "admin", &[everything_but_publishing]).await;
    let tok = token(&svc, &admin);
    npm(&svc, &tok, "GET", "staging", WIDGET, None).await.ok();
    let before = snapshot(&svc, &root).await;
    let publish = Some(publish_body("@acme/widget", "2.0.0"));
    let message = npm(&svc, &tok, "PUT", "staging", WIDGET, publish)
        .await
        .denied("admin", "PublishPackageVersion", &widget_arn("staging"))
        .to_owned();
    assert!(
        message.ends_with("with an explicit deny in an identity-based policy"),
        "{message}"
    );
    assert_eq!(snapshot(&svc, &root).await, before);
    // Elsewhere the Allow holds.
    let publish = Some(publish_body("@acme/widget", "1.0.0"));
    npm(&svc, &tok, "PUT", "release", WIDGET, publish)
        .await
        .ok();

    // A Deny in release's resource policy beats the identity policy's Allow.
    let deny = policy(json!([{"Effect": "Deny", "Principal": "*",
        "Action": "codeartifact:ReadFromRepository", "Resource": "*"}]));
    root_ok(
        &svc,
        "PUT",
        "/v1/repository/permissions/policy?domain=dom&repository=release",
        json!({"policyDocument": deny.to_string()})
            .to_string()
            .as_bytes(),
    )
    .await;
    let message = npm(&svc, &tok, "GET", "release", WIDGET, None)
        .await
        .denied("admin", "ReadFromRepository", &repo_arn("release"))
        .to_owned();
    assert!(
        message.ends_with("with an explicit deny in a resource-based policy"),
        "{message}"
    );
    // Root is allowed everything, a resource-policy Deny included.
    npm(&svc, &root, "GET", "release", WIDGET, None).await.ok();
}

#[tokio::test]
async fn reading_through_an_upstream_needs_read_on_the_repository_addressed_only() {
    let (svc, _) = fixture().await;
    let reader = user(
        &svc,
        "reader",
        &[policy(json!([allow(
            &["codeartifact:ReadFromRepository"],
            &[repo_arn("staging")]
        )]))],
    )
    .await;
    let tok = token(&svc, &reader);
    let doc = npm(&svc, &tok, "GET", "staging", "lib", None).await;
    assert_eq!(doc.ok()["dist-tags"]["latest"], "1.0.0");
    let tarball = npm(&svc, &tok, "GET", "staging", "lib/-/lib-1.0.0.tgz", None).await;
    assert_eq!(tarball.status, StatusCode::OK);
    assert_eq!(tarball.bytes, tgz("lib", "1.0.0"));
    npm(&svc, &tok, "GET", "upstream", "lib", None)
        .await
        .denied("reader", "ReadFromRepository", &repo_arn("upstream"));
    // The install retained the version in staging, as it does for root.
    let listed = call(
        &svc,
        &Creds::root(),
        "POST",
        "/v1/package/versions?domain=dom&repository=staging&format=npm&package=lib",
        b"",
    )
    .await;
    assert!(listed.status.is_success(), "{listed:?}");
    assert_eq!(listed.body["versions"][0]["version"], "1.0.0");
}
