//! Helpers of the promotion router tests (`api_promotions.rs`): npm publishes with dependencies,
//! promotion calls, users with policies, and a snapshot of what a repository holds.
#![allow(dead_code, missing_docs)]

use crate::common::{Auth, DOMAIN, Reply, TestApp, qs};
use base64::Engine;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use wharf_core::names::PackageCoordinate;
use wharf_server::auth::Caller;

pub const PROMOTIONS: &str = "/wharf/v1/promotions";

/// A tarball whose package.json declares `deps`, as the manifest that goes with it must (the
/// service refuses a manifest that disagrees with its tarball on install-relevant fields).
fn tgz(name: &str, version: &str, deps: &Value) -> Vec<u8> {
    let pj = json!({"name": name, "version": version, "dependencies": deps}).to_string();
    let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    let mut h = tar::Header::new_gnu();
    h.set_size(pj.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, "package/package.json", pj.as_bytes())
        .expect("append");
    b.into_inner().expect("tar").finish().expect("gzip")
}

/// A bearer token of the root key pair.
pub fn root_token(app: &TestApp) -> String {
    let caller = Caller::signed(crate::common::ACCESS_KEY_ID);
    app.state
        .keys
        .issue_token(&caller, wharf_server::auth::epoch_now() + 600)
}

/// `npm publish` of NAME@VERSION into `repo` of [`DOMAIN`] with these `dependencies`, tagged
/// `latest`.
pub async fn npm_publish(app: &TestApp, repo: &str, name: &str, version: &str, deps: Value) {
    let tarball = tgz(name, version, &deps);
    let bare = name.rsplit('/').next().expect("name");
    let body = json!({
        "_id": name, "name": name, "dist-tags": {"latest": version},
        "versions": {version: {"name": name, "version": version, "dependencies": deps,
            "dist": {"integrity": wharf_npm::publish::integrity_of(&tarball)}}},
        "_attachments": {format!("{bare}-{version}.tgz"): {
            "data": base64::engine::general_purpose::STANDARD.encode(&tarball),
            "length": tarball.len()}}
    });
    let path = format!("/npm/{DOMAIN}/{repo}/{}", name.replace('/', "%2f"));
    let reply = app
        .send(
            "PUT",
            &path,
            "",
            body.to_string().into_bytes(),
            &[("content-type", "application/json")],
            Auth::Bearer(root_token(app)),
        )
        .await;
    assert!(
        reply.status.is_success(),
        "npm publish {name}@{version}: {reply:?}"
    );
}

/// `POST /wharf/v1/promotions` as `auth`.
pub async fn promote_as(app: &TestApp, auth: Auth, body: Value) -> Reply {
    app.send(
        "POST",
        PROMOTIONS,
        "",
        serde_json::to_vec(&body).unwrap(),
        &[("content-type", "application/json")],
        auth,
    )
    .await
}

/// `POST /wharf/v1/promotions` as root.
pub async fn promote(app: &TestApp, body: Value) -> Reply {
    promote_as(app, Auth::Root, body).await
}

/// `POST /wharf/v1/promotions/{id}/revert` as `auth`.
pub async fn revert_as(app: &TestApp, auth: Auth, id: &str, body: Value) -> Reply {
    app.send(
        "POST",
        &format!("{PROMOTIONS}/{id}/revert"),
        "",
        serde_json::to_vec(&body).unwrap(),
        &[("content-type", "application/json")],
        auth,
    )
    .await
}

/// `GET /wharf/v1/promotions?...` as root.
pub async fn list(app: &TestApp, pairs: &[(&str, Option<&str>)]) -> Reply {
    app.call("GET", PROMOTIONS, &qs(pairs), None).await
}

/// A generic `ns/NAME` selection of versions.
pub fn generic(name: &str, versions: &[&str]) -> Value {
    json!({"format": "generic", "namespace": "ns", "package": name, "versions": versions})
}

/// A request body from staging to release of [`DOMAIN`] with these packages and extra members.
pub fn body(packages: Value, extra: Value) -> Value {
    let mut b = json!({"domain": DOMAIN, "sourceRepository": "staging",
        "destinationRepository": "release", "packages": packages});
    for (k, v) in extra.as_object().expect("object") {
        b[k] = v.clone();
    }
    b
}

/// A user with one key pair and these identity policy statements; signs as it.
pub async fn user(app: &TestApp, name: &str, statements: Value) -> Auth {
    let store = &app.state.store;
    store.create_user(name).await.expect("user");
    let (id, secret) = wharf_server::admin::generate_key_pair();
    store
        .create_access_key(name, &id, &secret)
        .await
        .expect("key");
    let doc = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    store
        .put_user_policy(name, "p", &doc)
        .await
        .expect("policy");
    Auth::Keys {
        id,
        secret,
        region: crate::common::REGION.into(),
    }
}

pub fn repo_arn(domain: &str, repo: &str) -> String {
    format!("arn:aws:codeartifact:us-east-1:000000000000:repository/{domain}/{repo}")
}

pub fn package_arn(repo: &str, package: &str) -> String {
    format!(
        "arn:aws:codeartifact:us-east-1:000000000000:package/{DOMAIN}/{repo}/generic/ns/{package}"
    )
}

/// Everything `repo` holds of these packages: per package, its versions
/// (version, revision, status, asset names and SHA-256) and its dist-tags; `None` for a package
/// that has no record.
pub async fn snapshot(app: &TestApp, repo: &str, packages: &[(&str, Option<&str>, &str)]) -> Value {
    let mut out = Vec::new();
    for (format, ns, name) in packages {
        let c = PackageCoordinate::parse(format, *ns, name).expect("coordinate");
        let Ok((_, pkg)) = app
            .state
            .store
            .package("000000000000", DOMAIN, repo, &c)
            .await
        else {
            out.push(json!({"package": name, "record": null}));
            continue;
        };
        let q = wharf_server::store::VersionQuery {
            limit: 1000,
            ..Default::default()
        };
        let mut versions = Vec::new();
        for v in app
            .state
            .store
            .versions_page(pkg.id, &q)
            .await
            .expect("versions")
        {
            let (row, assets) = app
                .state
                .store
                .version(pkg.id, &c, &v.version)
                .await
                .expect("v");
            let assets: Vec<_> = assets.iter().map(|a| json!([a.name, a.sha256])).collect();
            versions.push(json!({"version": row.version, "revision": row.revision,
                "status": row.status.as_str(), "published": row.published_time,
                "origin": format!("{:?}", row.origin_type), "assets": assets}));
        }
        let tags = app.state.store.dist_tags(pkg.id).await.expect("tags");
        out.push(
            json!({"package": name, "origin": [pkg.origin_publish, pkg.origin_upstream],
            "versions": versions, "distTags": tags}),
        );
    }
    Value::Array(out)
}

/// The versions of a promotion result as `(package, version, action, errorCode)`.
pub fn actions(result: &Value) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for p in result["packages"].as_array().expect("packages") {
        for v in p["versions"].as_array().expect("versions") {
            out.push((
                p["package"].as_str().unwrap().to_owned(),
                v["version"].as_str().unwrap().to_owned(),
                v["action"].as_str().unwrap().to_owned(),
                v["errorCode"].as_str().unwrap_or("").to_owned(),
            ));
        }
    }
    out.sort();
    out
}

pub fn row(p: &str, v: &str, action: &str, code: &str) -> (String, String, String, String) {
    (p.into(), v.into(), action.into(), code.into())
}
