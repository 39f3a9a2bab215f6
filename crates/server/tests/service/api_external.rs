//! External connections: AssociateExternalConnection / DisassociateExternalConnection on the
//! wire, and npm pull-through from a registry on a loopback port (a small axum server standing
//! in for the public registry): EXTERNAL origin, retention downstream, serving from storage
//! and stale metadata while the registry is down, `upstream=BLOCK`, integrity failures,
//! malformed answers and tarballs on other hosts (nothing stored, the connection named).

use crate::common;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::*;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use wharf_npm::metadata::Digests;

/// The stand-in registry: its address, whether it is down, and how many requests it got.
#[derive(Clone)]
struct Registry {
    base: String,
    down: Arc<AtomicBool>,
    hits: Arc<AtomicUsize>,
}

const TARBALL: &[u8] = b"left-1.0.0 tarball bytes";

fn packument(base: &str, name: &str) -> Option<Value> {
    let d = Digests::of(TARBALL);
    let version = |tarball: String, integrity: String| {
        json!({"name": name, "version": "1.0.0", "description": "from outside",
               "dist": {"tarball": tarball, "integrity": integrity, "shasum": d.sha1}})
    };
    let own = format!("{base}{name}/-/{name}-1.0.0.tgz");
    let v = match name {
        "left" | "blocked" => version(own, d.integrity()),
        // Its tarball does not match the integrity the packument gives.
        "tampered" => version(own, Digests::of(b"other").integrity()),
        // Its tarball lives on another host ("localhost" is not the connection's "127.0.0.1").
        "elsewhere" => version(own.replace("127.0.0.1", "localhost"), d.integrity()),
        _ => return None,
    };
    Some(json!({"name": name, "dist-tags": {"latest": "1.0.0"},
                "time": {"1.0.0": "2024-05-01T12:00:00.000Z"}, "versions": {"1.0.0": v}}))
}

async fn serve_packument(State(r): State<Registry>, Path(name): Path<String>) -> Response {
    r.hits.fetch_add(1, Ordering::SeqCst);
    if r.down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    if name == "junk" {
        return "<html>not a packument</html>".into_response();
    }
    match packument(&r.base, &name) {
        Some(p) => p.to_string().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn serve_tarball(State(r): State<Registry>) -> Response {
    r.hits.fetch_add(1, Ordering::SeqCst);
    if r.down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    Response::new(Body::from(TARBALL))
}

async fn registry() -> Registry {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let r = Registry {
        base,
        down: Arc::default(),
        hits: Arc::default(),
    };
    let app = Router::new()
        .route("/{name}", get(serve_packument))
        .route("/{name}/-/{file}", get(serve_tarball))
        .with_state(r.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    r
}

/// A service whose `public:npmjs` is the stand-in registry, with repositories `ext` (which
/// has the connection) and `app` (whose upstream is `ext`), and a token for npm.
async fn setup(ttl: Duration) -> (TestApp, Registry, String) {
    let reg = registry().await;
    let base = reg.base.clone();
    let app = TestApp::with_config(|c| {
        c.external_connections
            .insert("public:npmjs".into(), base.clone());
        c.external_metadata_ttl = ttl;
    })
    .await;
    app.create_domain(DOMAIN).await;
    app.create_repo("ext", &[]).await.ok();
    app.create_repo("app", &["ext"]).await.ok();
    associate(&app, "ext", "public:npmjs").await.ok();
    let token = app
        .call(
            "POST",
            "/v1/authorization-token",
            &qs(&[("domain", Some(DOMAIN))]),
            None,
        )
        .await
        .ok()["authorizationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    (app, reg, token)
}

async fn associate(app: &TestApp, repo: &str, name: &str) -> Reply {
    app.call(
        "POST",
        "/v1/repository/external-connection",
        &qs(&[
            ("domain", Some(DOMAIN)),
            ("repository", Some(repo)),
            ("external-connection", Some(name)),
        ]),
        None,
    )
    .await
}

async fn disassociate(app: &TestApp, repo: &str, name: &str) -> Reply {
    app.call(
        "DELETE",
        "/v1/repository/external-connection",
        &qs(&[
            ("domain", Some(DOMAIN)),
            ("repository", Some(repo)),
            ("external-connection", Some(name)),
        ]),
        None,
    )
    .await
}

async fn npm_get(app: &TestApp, token: &str, repo: &str, path: &str) -> Reply {
    app.send(
        "GET",
        &format!("/npm/{DOMAIN}/{repo}/{path}"),
        "",
        Vec::new(),
        &[],
        Auth::Bearer(token.to_owned()),
    )
    .await
}

fn npm_pkg(repo: &str, package: &str) -> String {
    qs(&[
        ("domain", Some(DOMAIN)),
        ("repository", Some(repo)),
        ("format", Some("npm")),
        ("package", Some(package)),
    ])
}

async fn versions(app: &TestApp, repo: &str, package: &str) -> Reply {
    app.call(
        "POST",
        "/v1/package/versions",
        &qs(&[
            ("domain", Some(DOMAIN)),
            ("repository", Some(repo)),
            ("format", Some("npm")),
            ("package", Some(package)),
        ]),
        None,
    )
    .await
}

#[tokio::test]
async fn one_connection_per_repository_reported_by_describe() {
    let app = TestApp::with_repos(&["r1"]).await;
    let repo = associate(&app, "r1", "public:npmjs").await.ok();
    assert_eq!(
        repo["repository"]["externalConnections"],
        json!([{"externalConnectionName": "public:npmjs", "packageFormat": "npm", "status": "Available"}])
    );
    let described = app
        .call(
            "GET",
            "/v1/repository",
            &qs(&[("domain", Some(DOMAIN)), ("repository", Some("r1"))]),
            None,
        )
        .await
        .ok();
    assert_eq!(
        described["repository"]["externalConnections"],
        repo["repository"]["externalConnections"]
    );
    // A second one, even the same name, is refused and changes nothing.
    for name in ["public:pypi", "public:npmjs"] {
        let e = associate(&app, "r1", name)
            .await
            .err(400, "ValidationException");
        assert!(
            e["message"].as_str().unwrap().contains("limited to 1"),
            "{e}"
        );
    }
    let e = associate(&app, "r1", "public:nope")
        .await
        .err(400, "ValidationException");
    assert!(
        e["message"].as_str().unwrap().contains("public:npmjs"),
        "{e}"
    );
    associate(&app, "missing", "public:npmjs")
        .await
        .err(404, "ResourceNotFoundException");
    disassociate(&app, "r1", "public:pypi")
        .await
        .err(404, "ResourceNotFoundException");
    let after = disassociate(&app, "r1", "public:npmjs").await.ok();
    assert_eq!(after["repository"]["externalConnections"], json!([]));
    // Formats without an endpoint in Wharf are accepted and stored.
    let maven = associate(&app, "r1", "public:maven-central").await.ok();
    assert_eq!(
        maven["repository"]["externalConnections"][0]["packageFormat"],
        "maven"
    );
}

#[tokio::test]
async fn npm_reads_pull_through_and_retain_downstream() {
    let (app, reg, token) = setup(Duration::from_secs(1800)).await;
    let p = npm_get(&app, &token, "app", "left").await.ok();
    assert_eq!(p["dist-tags"]["latest"], "1.0.0");
    let tarball = p["versions"]["1.0.0"]["dist"]["tarball"].as_str().unwrap();
    assert!(
        tarball.contains(&format!("/npm/{DOMAIN}/app/")),
        "{tarball}"
    );
    // Only metadata so far: nothing is stored until a tarball is asked for.
    versions(&app, "ext", "left")
        .await
        .err(404, "ResourceNotFoundException");
    let t = npm_get(&app, &token, "app", "left/-/left-1.0.0.tgz").await;
    assert_eq!(t.status, 200);
    assert_eq!(t.bytes, TARBALL);
    for repo in ["ext", "app"] {
        let v = versions(&app, repo, "left").await.ok();
        let origin = &v["versions"][0]["origin"];
        assert_eq!(origin["originType"], "EXTERNAL", "{repo}: {v}");
        assert_eq!(
            origin["domainEntryPoint"],
            json!({"externalConnectionName": "public:npmjs"}),
            "{repo}"
        );
    }
    let pkg = app
        .call("GET", "/v1/package", &npm_pkg("ext", "left"), None)
        .await;
    let pkg = pkg.ok();
    assert_eq!(
        pkg["package"]["originConfiguration"]["restrictions"],
        json!({"publish": "BLOCK", "upstream": "ALLOW"})
    );
    // A second read is served from storage and the cache: the registry is not asked again.
    let hits = reg.hits.load(Ordering::SeqCst);
    assert_eq!(
        npm_get(&app, &token, "app", "left/-/left-1.0.0.tgz")
            .await
            .bytes,
        TARBALL
    );
    npm_get(&app, &token, "app", "left").await.ok();
    assert_eq!(reg.hits.load(Ordering::SeqCst), hits);
    // Unknown outside and inside: 404.
    assert_eq!(npm_get(&app, &token, "app", "nothing").await.status, 404);
    // Disassociating keeps what was fetched; new packages are no longer fetched.
    disassociate(&app, "ext", "public:npmjs").await.ok();
    versions(&app, "app", "left").await.ok();
    assert_eq!(npm_get(&app, &token, "app", "blocked").await.status, 404);
}

#[tokio::test]
async fn a_registry_outage_serves_what_is_stored_and_cached() {
    // A TTL this short makes every read try the registry first.
    let (app, reg, token) = setup(Duration::from_millis(1)).await;
    npm_get(&app, &token, "app", "left").await.ok();
    assert_eq!(
        npm_get(&app, &token, "app", "left/-/left-1.0.0.tgz")
            .await
            .status,
        200
    );
    npm_get(&app, &token, "app", "blocked").await.ok();
    reg.down.store(true, Ordering::SeqCst);
    let p = npm_get(&app, &token, "app", "left").await.ok();
    assert_eq!(p["versions"]["1.0.0"]["version"], "1.0.0");
    let t = npm_get(&app, &token, "app", "left/-/left-1.0.0.tgz").await;
    assert_eq!(t.bytes, TARBALL);
    // Cached metadata but no stored tarball: the tarball fails naming the connection.
    let p = npm_get(&app, &token, "app", "blocked").await.ok();
    assert_eq!(p["dist-tags"]["latest"], "1.0.0");
    let t = npm_get(&app, &token, "app", "blocked/-/blocked-1.0.0.tgz").await;
    assert_eq!(t.status, 502, "{}", t.json);
    assert!(t.json["error"].as_str().unwrap().contains("public:npmjs"));
    // Never seen: 502 naming the connection.
    let never = npm_get(&app, &token, "app", "tampered").await;
    assert_eq!(never.status, 502);
    assert!(
        never.json["error"]
            .as_str()
            .unwrap()
            .contains("public:npmjs")
    );
}

#[tokio::test]
async fn upstream_block_stops_the_fetch_and_stores_nothing() {
    let (app, reg, token) = setup(Duration::from_secs(1800)).await;
    for repo in ["ext", "app"] {
        app.call(
            "POST",
            "/v1/package",
            &npm_pkg(repo, "blocked"),
            Some(json!({"restrictions": {"publish": "ALLOW", "upstream": "BLOCK"}})),
        )
        .await
        .ok();
        let hits = reg.hits.load(Ordering::SeqCst);
        // The empty package record may answer, but with no version from outside.
        let p = npm_get(&app, &token, "app", "blocked").await;
        assert!(
            p.status == 404 || p.json["versions"] == json!({}),
            "{repo}: {}",
            p.json
        );
        assert_eq!(
            npm_get(&app, &token, "app", "blocked/-/blocked-1.0.0.tgz")
                .await
                .status,
            404
        );
        assert_eq!(reg.hits.load(Ordering::SeqCst), hits, "{repo}");
        for r in ["ext", "app"] {
            let v = versions(&app, r, "blocked").await;
            assert!(
                v.status == 404 || v.json["versions"] == json!([]),
                "{r}: {}",
                v.json
            );
        }
        // Lift it again for the next round.
        app.call(
            "POST",
            "/v1/package",
            &npm_pkg(repo, "blocked"),
            Some(json!({"restrictions": {"publish": "ALLOW", "upstream": "ALLOW"}})),
        )
        .await
        .ok();
    }
    assert_eq!(
        npm_get(&app, &token, "app", "blocked/-/blocked-1.0.0.tgz")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn bad_answers_are_errors_naming_the_connection_and_store_nothing() {
    let (app, _reg, token) = setup(Duration::from_secs(1800)).await;
    for (package, path, needle) in [
        ("tampered", "tampered/-/tampered-1.0.0.tgz", "sha512"),
        ("elsewhere", "elsewhere/-/elsewhere-1.0.0.tgz", "host"),
        ("junk", "junk", "not JSON"),
    ] {
        let r = npm_get(&app, &token, "app", path).await;
        assert_eq!(r.status, 502, "{package}: {}", r.json);
        let message = r.json["error"].as_str().unwrap();
        assert!(message.contains("public:npmjs"), "{message}");
        assert!(message.contains(needle), "{message}");
        for repo in ["ext", "app"] {
            versions(&app, repo, package)
                .await
                .err(404, "ResourceNotFoundException");
        }
    }
}

#[tokio::test]
async fn include_from_upstream_never_fetches_from_outside() {
    let (app, reg, _token) = setup(Duration::from_secs(1800)).await;
    app.create_repo("dest", &[]).await.ok();
    let hits = reg.hits.load(Ordering::SeqCst);
    // The version exists only outside: the copy does not find it, and nothing is fetched.
    app.call(
        "POST",
        "/v1/package/versions/copy",
        &qs(&[
            ("domain", Some(DOMAIN)),
            ("source-repository", Some("app")),
            ("destination-repository", Some("dest")),
            ("format", Some("npm")),
            ("package", Some("left")),
        ]),
        Some(json!({"versions": ["1.0.0"], "includeFromUpstream": true})),
    )
    .await
    .err(404, "ResourceNotFoundException");
    assert_eq!(reg.hits.load(Ordering::SeqCst), hits);
}

#[tokio::test]
async fn a_package_group_blocking_external_upstreams_stops_the_fetch() {
    let (app, reg, token) = setup(Duration::from_secs(1800)).await;
    let group_q = qs(&[
        ("domain", Some(DOMAIN)),
        ("package-group", Some("/npm//left$")),
    ]);
    app.call(
        "POST",
        "/v1/package-group",
        &qs(&[("domain", Some(DOMAIN))]),
        Some(json!({"packageGroup": "/npm//left$"})),
    )
    .await
    .ok();
    let set = |mode: &'static str| {
        app.call(
            "PUT",
            "/v1/package-group-origin-configuration",
            &group_q,
            Some(json!({"restrictions": {"EXTERNAL_UPSTREAM": mode}})),
        )
    };
    set("BLOCK").await.ok();
    let hits = reg.hits.load(Ordering::SeqCst);
    assert_eq!(
        npm_get(&app, &token, "app", "left/-/left-1.0.0.tgz")
            .await
            .status,
        404
    );
    assert_eq!(
        reg.hits.load(Ordering::SeqCst),
        hits,
        "the registry is not asked"
    );
    for r in ["ext", "app"] {
        let v = versions(&app, r, "left").await;
        assert!(
            v.status == 404 || v.json["versions"] == json!([]),
            "{r}: {}",
            v.json
        );
    }
    // The same read goes through once the group admits external upstreams again.
    set("ALLOW").await.ok();
    assert_eq!(
        npm_get(&app, &token, "app", "left/-/left-1.0.0.tgz")
            .await
            .status,
        200
    );
    assert_eq!(
        versions(&app, "ext", "left").await.ok()["versions"][0]["origin"]["originType"],
        "EXTERNAL"
    );
}
