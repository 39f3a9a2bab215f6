//! The focused reads of the hot paths (`store::hot`) answer as the full reads do: the npm
//! packument cache is never stale across any kind of write, made by this process or by
//! another one on the same database; the one-asset download and the one-version tarball
//! lookup find what the full views find; a ListPackageVersions page from the covering index
//! pages as before.

use crate::common;

use axum::http::StatusCode;
use base64::Engine;
use common::*;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use wharf_core::names::PackageCoordinate;
use wharf_server::store::hot::NpmStamps;

const ABBREVIATED: &str = "application/vnd.npm.install-v1+json";

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
    json!({
        "_id": name, "name": name, "dist-tags": {"latest": version},
        "versions": {version: {"name": name, "version": version, "license": "MIT",
            "dist": {"integrity": wharf_npm::publish::integrity_of(&tarball)}}},
        "_attachments": {format!("{name}-{version}.tgz"): {
            "data": base64::engine::general_purpose::STANDARD.encode(&tarball),
            "length": tarball.len()}}
    })
    .to_string()
    .into_bytes()
}

async fn npm(
    app: &TestApp,
    token: &str,
    method: &str,
    repo: &str,
    path: &str,
    body: Vec<u8>,
    accept: Option<&str>,
) -> Reply {
    let mut extra = vec![("content-type", "application/json")];
    if let Some(a) = accept {
        extra.push(("accept", a));
    }
    app.send(
        method,
        &format!("/npm/{DOMAIN}/{repo}/{path}"),
        "",
        body,
        &extra,
        Auth::Bearer(token.to_owned()),
    )
    .await
}

fn token(app: &TestApp) -> String {
    let caller = wharf_server::auth::Caller::signed(ACCESS_KEY_ID);
    app.state
        .keys
        .issue_token(&caller, wharf_server::auth::epoch_now() + 600)
}

fn widget() -> PackageCoordinate {
    PackageCoordinate::parse("npm", None, "widget").unwrap()
}

fn npm_q(repo: &str, more: &[(&str, Option<&str>)]) -> String {
    let mut pairs = vec![
        ("domain", Some(DOMAIN)),
        ("repository", Some(repo)),
        ("format", Some("npm")),
        ("package", Some("widget")),
    ];
    pairs.extend_from_slice(more);
    qs(&pairs)
}

async fn stamps(app: &TestApp, repo: &str) -> NpmStamps {
    app.state
        .store
        .npm_stamps("000000000000", DOMAIN, repo, &widget())
        .await
        .unwrap()
}

/// Both repositories' packuments (full and abbreviated), as `app` serves them now.
async fn packuments(app: &TestApp, token: &str) -> Vec<(StatusCode, Vec<u8>)> {
    let mut out = Vec::new();
    for repo in ["up", "app"] {
        for accept in [None, Some(ABBREVIATED)] {
            let r = npm(app, token, "GET", repo, "widget", Vec::new(), accept).await;
            out.push((r.status, r.bytes));
        }
    }
    out
}

/// The packuments `app` serves equal those of a service with nothing cached; before the next
/// write, they are read again so that the cache holds them.
async fn check(app: &TestApp, token: &str, after: &str) {
    let fresh = TestApp::on_store(app.state.store.clone(), |_| {});
    let served = packuments(app, token).await;
    let expected = packuments(&fresh, token).await;
    for (s, e) in served.iter().zip(&expected) {
        assert_eq!(s.0, e.0, "status after {after}");
        assert_eq!(
            String::from_utf8_lossy(&s.1),
            String::from_utf8_lossy(&e.1),
            "packument after {after}"
        );
    }
    assert_eq!(packuments(app, token).await, served, "a second read");
}

/// A write succeeded, and `app` then serves what a service with nothing cached serves.
async fn after_write(app: &TestApp, token: &str, what: &str, reply: Reply) {
    assert!(
        reply.status.is_success(),
        "{what}: {} {}",
        reply.status,
        String::from_utf8_lossy(&reply.bytes)
    );
    check(app, token, what).await;
}

#[tokio::test]
async fn a_cached_packument_is_never_served_after_a_write_from_any_process() {
    let app = TestApp::new().await;
    app.create_domain(DOMAIN).await;
    app.create_repo("up", &[]).await.ok();
    app.create_repo("app", &["up"]).await.ok();
    // A second process on the same database, with its own cache.
    let other = TestApp::on_store(app.state.store.clone(), |_| {});
    let t = token(&app);
    check(&app, &t, "nothing").await;

    let mut seen = vec![stamps(&app, "app").await];
    let step =
        async |by: &TestApp, what: &str, method: &str, repo: &str, path: &str, body: Vec<u8>| {
            let r = npm(by, &t, method, repo, path, body, None).await;
            after_write(&app, &t, what, r).await;
        };
    step(
        &app,
        "publish upstream",
        "PUT",
        "up",
        "widget",
        publish_body("widget", "1.0.0"),
    )
    .await;
    step(
        &other,
        "publish by another process",
        "PUT",
        "app",
        "widget",
        publish_body("widget", "1.1.0"),
    )
    .await;
    step(
        &app,
        "publish upstream again",
        "PUT",
        "up",
        "widget",
        publish_body("widget", "2.0.0"),
    )
    .await;
    step(
        &other,
        "dist-tag add",
        "PUT",
        "app",
        "-/package/widget/dist-tags/beta",
        b"\"1.0.0\"".to_vec(),
    )
    .await;
    step(
        &app,
        "dist-tag add upstream",
        "PUT",
        "up",
        "-/package/widget/dist-tags/next",
        b"\"2.0.0\"".to_vec(),
    )
    .await;
    step(
        &other,
        "dist-tag rm",
        "DELETE",
        "app",
        "-/package/widget/dist-tags/beta",
        Vec::new(),
    )
    .await;
    seen.push(stamps(&app, "app").await);

    let api = async |by: &TestApp,
                     what: &str,
                     method: &str,
                     path: &str,
                     q: String,
                     body: Option<Value>| {
        let r = by.call(method, path, &q, body).await;
        after_write(&app, &t, what, r).await;
    };
    let copy_q = qs(&[
        ("domain", Some(DOMAIN)),
        ("source-repository", Some("up")),
        ("destination-repository", Some("app")),
        ("format", Some("npm")),
        ("package", Some("widget")),
    ]);
    api(
        &other,
        "copy",
        "POST",
        "/v1/package/versions/copy",
        copy_q,
        Some(json!({"versions": ["2.0.0"]})),
    )
    .await;
    seen.push(stamps(&app, "app").await);
    api(
        &app,
        "status change",
        "POST",
        "/v1/package/versions/update_status",
        npm_q("app", &[]),
        Some(json!({"versions": ["1.1.0"], "targetStatus": "Archived"})),
    )
    .await;
    seen.push(stamps(&app, "app").await);
    api(
        &other,
        "status change upstream",
        "POST",
        "/v1/package/versions/update_status",
        npm_q("up", &[]),
        Some(json!({"versions": ["1.0.0"], "targetStatus": "Unlisted"})),
    )
    .await;
    seen.push(stamps(&app, "app").await);
    api(
        &app,
        "dispose",
        "POST",
        "/v1/package/versions/dispose",
        npm_q("up", &[]),
        Some(json!({"versions": ["1.0.0"]})),
    )
    .await;
    seen.push(stamps(&app, "app").await);
    api(
        &other,
        "delete version",
        "POST",
        "/v1/package/versions/delete",
        npm_q("app", &[]),
        Some(json!({"versions": ["1.1.0"]})),
    )
    .await;
    seen.push(stamps(&app, "app").await);
    api(
        &app,
        "origin controls",
        "POST",
        "/v1/package",
        npm_q("app", &[]),
        Some(json!({"restrictions": {"publish": "BLOCK", "upstream": "ALLOW"}})),
    )
    .await;
    seen.push(stamps(&app, "app").await);
    api(
        &other,
        "delete package",
        "DELETE",
        "/v1/package",
        npm_q("app", &[]),
        None,
    )
    .await;
    seen.push(stamps(&app, "app").await);
    api(
        &app,
        "upstreams removed",
        "PUT",
        "/v1/repository",
        qs(&[("domain", Some(DOMAIN)), ("repository", Some("app"))]),
        Some(json!({"upstreams": []})),
    )
    .await;
    seen.push(stamps(&app, "app").await);

    // Every write above changed what `app` reads, and so its stamps.
    for (i, pair) in seen.windows(2).enumerate() {
        assert_ne!(pair[0], pair[1], "stamps unchanged by write {i}");
    }
}

#[tokio::test]
async fn the_one_version_reads_find_what_the_full_views_find() {
    let app = TestApp::new().await;
    app.create_domain(DOMAIN).await;
    app.create_repo("up", &[]).await.ok();
    app.create_repo("app", &["up"]).await.ok();
    let t = token(&app);
    for (repo, v) in [("up", "1.0.0"), ("app", "1.1.0"), ("up", "1.1.0")] {
        let r = npm(
            &app,
            &t,
            "PUT",
            repo,
            "widget",
            publish_body("widget", v),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "publish {repo} {v}");
    }
    let store = &app.state.store;
    let c = widget();
    let views = store
        .npm_views("000000000000", DOMAIN, "app", &c)
        .await
        .unwrap();
    for v in ["1.0.0", "1.1.0", "9.9.9"] {
        let hits = store
            .npm_tarball_hits("000000000000", DOMAIN, "app", &c, v)
            .await
            .unwrap();
        let expected: Vec<(String, Option<String>)> = views
            .iter()
            .filter_map(|view| {
                let found = view.version(v)?;
                Some((
                    view.repository.clone(),
                    found.tarball.as_ref().map(|a| a.sha256.clone()),
                ))
            })
            .collect();
        let got: Vec<(String, Option<String>)> = hits
            .iter()
            .map(|h| {
                (
                    h.repository.clone(),
                    h.tarball.as_ref().map(|a| a.sha256.clone()),
                )
            })
            .collect();
        assert_eq!(got, expected, "{v}");
    }
    // The tarball served is the first copy along the search order: app's own 1.1.0.
    let own = npm(
        &app,
        &t,
        "GET",
        "app",
        "widget/-/widget-1.1.0.tgz",
        Vec::new(),
        None,
    )
    .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.bytes, tgz("widget", "1.1.0"));

    // A generic asset: found by one query, and each missing part still named.
    app.create_repo("gen", &[]).await.ok();
    app.publish("gen", "p", "1.0", "abc").await;
    let get = |v: &str, asset: &str, more: Option<(&str, &str)>| {
        let mut pairs = vec![
            ("domain", Some(DOMAIN)),
            ("repository", Some("gen")),
            ("format", Some("generic")),
            ("namespace", Some("ns")),
            ("package", Some("p")),
            ("version", Some(v)),
            ("asset", Some(asset)),
        ];
        if let Some((k, val)) = more {
            pairs.push((k, Some(val)));
        }
        let q = qs(&pairs);
        let app = app.clone();
        async move { app.call("GET", "/v1/package/version/asset", &q, None).await }
    };
    let ok = get("1.0", "a.txt", None).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.bytes, b"abc");
    assert!(ok.headers.get("x-packageversionrevision").is_some());
    let missing = get("1.0", "b.txt", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.json["message"]
            .as_str()
            .unwrap()
            .contains("Asset b.txt")
    );
    let no_version = get("2.0", "a.txt", None).await;
    assert_eq!(no_version.status, StatusCode::NOT_FOUND);
    assert_eq!(no_version.json["resourceType"], "package-version");
    let wrong_revision = get("1.0", "b.txt", Some(("revision", "nope"))).await;
    assert_eq!(wrong_revision.status, StatusCode::NOT_FOUND);
    assert!(
        wrong_revision.json["message"]
            .as_str()
            .unwrap()
            .contains("has revision")
    );
}

#[tokio::test]
async fn pages_from_the_covering_index_match_the_full_rows() {
    let app = TestApp::new().await;
    app.create_domain(DOMAIN).await;
    app.create_repo("gen", &[]).await.ok();
    for i in 0..12 {
        app.publish("gen", "p", &format!("1.{i}"), &format!("c{i}"))
            .await;
    }
    let (_, pkg) = app
        .state
        .store
        .package(
            "000000000000",
            DOMAIN,
            "gen",
            &PackageCoordinate::parse("generic", Some("ns"), "p").unwrap(),
        )
        .await
        .unwrap();
    for newest_first in [false, true] {
        let mut after = None;
        loop {
            let q = wharf_server::store::VersionQuery {
                status: None,
                origin_type: None,
                newest_first,
                after: after.clone(),
                limit: 5,
            };
            let full = app.state.store.versions_page(pkg.id, &q).await.unwrap();
            let light = app.state.store.version_summaries(pkg.id, &q).await.unwrap();
            let full: Vec<_> = full
                .iter()
                .map(|v| (v.version.clone(), v.revision.clone(), v.status, v.origin()))
                .collect();
            let light: Vec<_> = light
                .iter()
                .map(|v| {
                    let origin = wharf_server::store::VersionRow::origin_of(
                        v.origin_type,
                        v.entry_repository.clone(),
                    );
                    (v.version.clone(), v.revision.clone(), v.status, origin)
                })
                .collect();
            assert_eq!(light, full);
            let Some(last) = light.last() else { break };
            let time = app
                .state
                .store
                .versions_page(pkg.id, &q)
                .await
                .unwrap()
                .last()
                .unwrap()
                .published_time;
            after = Some((time, last.0.clone()));
        }
    }
}
