//! Domains, repositories, endpoints, routing and request validation through the router.

use crate::common;

use common::{DOMAIN, TestApp, qs};
use serde_json::json;

#[tokio::test]
async fn health_needs_no_authentication() {
    let app = TestApp::new().await;
    let r = app
        .send("GET", "/health", "", Vec::new(), &[], common::Auth::None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json, json!({"status": "ok"}));
}

#[tokio::test]
async fn every_response_carries_a_fresh_request_id_and_errors_name_the_same_one() {
    let app = TestApp::new().await;
    let id = |r: &common::Reply| {
        r.headers
            .get("x-amzn-RequestId")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .expect("x-amzn-RequestId")
    };
    let health = app
        .send("GET", "/health", "", Vec::new(), &[], common::Auth::None)
        .await;
    let ok = app.call("POST", "/v1/domains", "", None).await;
    let denied = app
        .call(
            "GET",
            "/v1/domain",
            &qs(&[("domain", Some("missing"))]),
            None,
        )
        .await;
    assert_eq!(denied.status, 404);
    let ids = [id(&health), id(&ok), id(&denied)];
    assert!(ids.iter().all(|i| i.len() == 36), "{ids:?}");
    assert_ne!(ids[0], ids[1]);
    assert_ne!(ids[1], ids[2]);
}

#[tokio::test]
async fn every_answer_says_the_servers_own_time() {
    let app = TestApp::new().await;
    for (path, auth) in [
        ("/health", common::Auth::None),
        ("/v1/domains", common::Auth::Root),
        ("/v1/domains", common::Auth::None),
    ] {
        let r = app.send("POST", path, "", Vec::new(), &[], auth).await;
        let v = r.headers["server-timing"].to_str().unwrap();
        let ms: f64 = v.strip_prefix("app;dur=").unwrap().parse().unwrap();
        assert!(ms >= 0.0, "{path}: {v}");
    }
}

#[tokio::test]
async fn domains_are_created_described_listed_and_deleted() {
    let app = TestApp::new().await;
    let d = app.create_domain("acme").await;
    assert_eq!(d["domain"]["name"], "acme");
    assert_eq!(d["domain"]["owner"], "000000000000");
    assert_eq!(
        d["domain"]["arn"],
        "arn:aws:codeartifact:us-east-1:000000000000:domain/acme"
    );
    app.call("POST", "/v1/domain", &qs(&[("domain", Some("acme"))]), None)
        .await
        .err(409, "ConflictException");
    app.create_domain("zeta").await;
    let list = app
        .call("POST", "/v1/domains", "", Some(json!({"maxResults": 1})))
        .await
        .ok();
    assert_eq!(list["domains"].as_array().unwrap().len(), 1);
    let token = list["nextToken"].as_str().unwrap().to_owned();
    let list = app
        .call("POST", "/v1/domains", "", Some(json!({"nextToken": token})))
        .await
        .ok();
    assert_eq!(list["domains"][0]["name"], "zeta");
    assert!(list.get("nextToken").is_none());

    app.create_repo("r1", &[]).await.ok();
    let dq = qs(&[("domain", Some("acme"))]);
    let e = app
        .call("DELETE", "/v1/domain", &dq, None)
        .await
        .err(409, "ConflictException");
    assert_eq!(e["resourceType"], "domain");
    app.call(
        "DELETE",
        "/v1/repository",
        &qs(&[("domain", Some("acme")), ("repository", Some("r1"))]),
        None,
    )
    .await
    .ok();
    let gone = app.call("DELETE", "/v1/domain", &dq, None).await.ok();
    assert_eq!(gone["domain"]["name"], "acme");
    let e = app
        .call("GET", "/v1/domain", &dq, None)
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(e["resourceType"], "domain");
    assert_eq!(e["resourceId"], "acme");
}

#[tokio::test]
async fn repositories_keep_upstreams_in_priority_order() {
    let app = TestApp::with_repos(&["rc", "rb"]).await;
    let a = app.create_repo("ra", &["rc", "rb"]).await.ok();
    assert_eq!(
        a["repository"]["upstreams"],
        json!([{"repositoryName": "rc"}, {"repositoryName": "rb"}])
    );
    assert_eq!(
        a["repository"]["arn"],
        "arn:aws:codeartifact:us-east-1:000000000000:repository/acme/ra"
    );
    let q = qs(&[("domain", Some(DOMAIN)), ("repository", Some("ra"))]);
    let d = app.call("GET", "/v1/repository", &q, None).await.ok();
    assert_eq!(d["repository"]["upstreams"][0]["repositoryName"], "rc");
    assert_eq!(d["repository"]["domainOwner"], "000000000000");

    let u = app
        .call(
            "PUT",
            "/v1/repository",
            &q,
            Some(json!({"description": "d", "upstreams": [{"repositoryName": "rb"}]})),
        )
        .await
        .ok();
    assert_eq!(u["repository"]["description"], "d");
    assert_eq!(
        u["repository"]["upstreams"],
        json!([{"repositoryName": "rb"}])
    );

    let list = app
        .call(
            "POST",
            "/v1/domain/repositories",
            &qs(&[("domain", Some(DOMAIN)), ("max-results", Some("2"))]),
            None,
        )
        .await
        .ok();
    assert_eq!(list["repositories"].as_array().unwrap().len(), 2);
    let token = list["nextToken"].as_str().unwrap();
    let rest = app
        .call(
            "POST",
            "/v1/domain/repositories",
            &qs(&[("domain", Some(DOMAIN)), ("next-token", Some(token))]),
            None,
        )
        .await
        .ok();
    assert_eq!(rest["repositories"][0]["name"], "rc");
    assert!(rest.get("nextToken").is_none());
    let all = app
        .call(
            "POST",
            "/v1/repositories",
            &qs(&[("repository-prefix", Some("rb"))]),
            None,
        )
        .await
        .ok();
    assert_eq!(all["repositories"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn upstreams_must_exist_be_few_and_acyclic() {
    let app = TestApp::with_repos(&["ra"]).await;
    let e = app
        .create_repo("rb", &["missing"])
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(e["resourceType"], "repository");
    app.create_repo("rb", &["ra"]).await.ok();
    // a -> b would close the cycle a -> b -> a.
    app.call(
        "PUT",
        "/v1/repository",
        &qs(&[("domain", Some(DOMAIN)), ("repository", Some("ra"))]),
        Some(json!({"upstreams": [{"repositoryName": "rb"}]})),
    )
    .await
    .err(400, "ValidationException");
    // A repository cannot be its own upstream.
    app.call(
        "PUT",
        "/v1/repository",
        &qs(&[("domain", Some(DOMAIN)), ("repository", Some("ra"))]),
        Some(json!({"upstreams": [{"repositoryName": "ra"}]})),
    )
    .await
    .err(400, "ValidationException");
    let names: Vec<String> = (0..11).map(|i| format!("u{i:02}")).collect();
    for n in &names {
        app.create_repo(n, &[]).await.ok();
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    app.create_repo("many", &refs)
        .await
        .err(400, "ValidationException");
    app.create_repo("ten", &refs[..10]).await.ok();
}

#[tokio::test]
async fn repository_endpoint_uses_the_request_host() {
    let app = TestApp::with_repos(&["repo"]).await;
    for format in ["npm", "generic"] {
        let e = app
            .call(
                "GET",
                "/v1/repository/endpoint",
                &qs(&[
                    ("domain", Some(DOMAIN)),
                    ("repository", Some("repo")),
                    ("format", Some(format)),
                    ("domain-owner", Some("000000000000")),
                ]),
                None,
            )
            .await
            .ok();
        assert_eq!(
            e["repositoryEndpoint"],
            format!("http://wharf.test:7878/{format}/acme/repo/")
        );
    }
}

#[tokio::test]
async fn unknown_paths_are_unknown_operations() {
    let app = TestApp::new().await;
    let r = app.call("POST", "/v1/nothing-here", "", None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.error_type(), Some("UnknownOperationException"));
}

#[tokio::test]
async fn validation_errors_look_like_aws() {
    let app = TestApp::with_repos(&["src", "dst"]).await;
    // Capitals in a domain name.
    let e = app
        .call(
            "POST",
            "/v1/domain",
            &qs(&[("domain", Some("MyDomain"))]),
            None,
        )
        .await
        .err(400, "ValidationException");
    assert_eq!(e["reason"], "FIELD_VALIDATION_FAILED");
    assert!(e["message"].as_str().unwrap().contains("domain"));
    // Both selections, and neither.
    app.copy(
        "src",
        "dst",
        "p",
        json!({"versions": ["1"], "versionRevisions": {"1": "r"}}),
    )
    .await
    .err(400, "ValidationException");
    app.copy("src", "dst", "p", json!({}))
        .await
        .err(400, "ValidationException");
    // 101 versions.
    let many: Vec<String> = (0..101).map(|i| format!("1.0.{i}")).collect();
    app.copy("src", "dst", "p", json!({"versions": many}))
        .await
        .err(400, "ValidationException");
    // A namespace on pypi.
    let q = qs(&[
        ("domain", Some(DOMAIN)),
        ("source-repository", Some("src")),
        ("destination-repository", Some("dst")),
        ("format", Some("pypi")),
        ("namespace", Some("ns")),
        ("package", Some("p")),
    ]);
    app.call(
        "POST",
        "/v1/package/versions/copy",
        &q,
        Some(json!({"versions": ["1"]})),
    )
    .await
    .err(400, "ValidationException");
    // A body that is not JSON.
    let bad = app
        .send(
            "POST",
            "/v1/package/versions/copy",
            &q,
            b"{not json".to_vec(),
            &[("content-type", "application/json")],
            common::Auth::Root,
        )
        .await
        .err(400, "ValidationException");
    assert_eq!(bad["reason"], "CANNOT_PARSE");
    // A missing required member.
    app.call("GET", "/v1/domain", "", None)
        .await
        .err(400, "ValidationException");
}
