//! `wharf serve --demo`: the sign-in token it prints is the demo user's, which may read the demo
//! domain and copy inside it, and nothing else: no new domains, no publishing, no admin API.

use crate::common;

use common::{Auth, TestApp, qs};
use wharf_server::demo;

async fn send(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    query: String,
    body: &str,
) -> common::Reply {
    app.send(
        method,
        path,
        &query,
        body.as_bytes().to_vec(),
        &[("content-type", "application/json")],
        Auth::Bearer(token.to_owned()),
    )
    .await
}

#[tokio::test]
async fn the_demo_token_reads_and_copies_inside_the_demo_domain_only() {
    let app = TestApp::new().await;
    let prepared = demo::prepare(&app.state).await.expect("seeded");
    let token = prepared.token.clone().expect("the demo user's token");
    let send = |method, path, query, body| send(&app, &token, method, path, query, body);

    // Reading is allowed.
    let domains = send("POST", "/v1/domains", String::new(), "").await.ok();
    assert_eq!(domains["domains"][0]["name"], demo::DOMAIN);
    let versions = send(
        "POST",
        "/v1/package/versions",
        qs(&[
            ("domain", Some(demo::DOMAIN)),
            ("repository", Some("staging")),
            ("format", Some("generic")),
            ("namespace", Some("acme")),
            ("package", Some("widget-lib")),
        ]),
        "",
    )
    .await
    .ok();
    assert_eq!(versions["versions"].as_array().unwrap().len(), 3);
    send(
        "POST",
        "/v1/authorization-token",
        qs(&[("domain", Some(demo::DOMAIN))]),
        "",
    )
    .await
    .ok();

    // Copying from staging into release is allowed.
    let copied = send(
        "POST",
        "/v1/package/versions/copy",
        qs(&[
            ("domain", Some(demo::DOMAIN)),
            ("source-repository", Some("staging")),
            ("destination-repository", Some("release")),
            ("format", Some("generic")),
            ("namespace", Some("acme")),
            ("package", Some("widget-lib")),
        ]),
        r#"{"versions": ["1.1.0"]}"#,
    )
    .await
    .ok();
    assert!(
        copied["successfulVersions"]["1.1.0"].is_object(),
        "{copied}"
    );

    // Nothing else: no new domain, no publish, no status change, no admin API.
    send("POST", "/v1/domain", qs(&[("domain", Some("mine"))]), "")
        .await
        .err(403, "AccessDeniedException");
    send(
        "POST",
        "/v1/package/versions/update_status",
        qs(&[
            ("domain", Some(demo::DOMAIN)),
            ("repository", Some("release")),
            ("format", Some("generic")),
            ("namespace", Some("acme")),
            ("package", Some("widget-lib")),
        ]),
        r#"{"versions": ["1.0.0"], "targetStatus": "Archived"}"#,
    )
    .await
    .err(403, "AccessDeniedException");
    for (method, path, query) in [
        ("GET", "/wharf/admin/users", String::new()),
        (
            "POST",
            "/wharf/admin/user",
            qs(&[("user", Some("mallory"))]),
        ),
        (
            "POST",
            "/wharf/admin/key",
            qs(&[("user", Some(demo::USER))]),
        ),
    ] {
        let r = send(method, path, query, "").await;
        assert_eq!(r.status.as_u16(), 403, "{method} {path}: {}", r.json);
        assert_eq!(r.json["__type"], "AccessDeniedException");
    }
    assert_eq!(
        app.state.store.access_keys(demo::USER).await.unwrap().len(),
        1,
        "no key was added"
    );
}
