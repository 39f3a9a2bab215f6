//! Tags: TagResource, UntagResource and ListTagsForResource on domains and repositories by
//! ARN, `tags` on CreateDomain and CreateRepository, the model's limits, and refusals that
//! change nothing.

use crate::common;

use common::*;
use serde_json::{Value, json};

fn domain_arn() -> String {
    format!("arn:aws:codeartifact:{REGION}:000000000000:domain/{DOMAIN}")
}

fn repo_arn(repo: &str) -> String {
    format!("arn:aws:codeartifact:{REGION}:000000000000:repository/{DOMAIN}/{repo}")
}

async fn list(app: &TestApp, arn: &str) -> Reply {
    app.call("POST", "/v1/tags", &qs(&[("resourceArn", Some(arn))]), None)
        .await
}

async fn tag(app: &TestApp, arn: &str, tags: Value) -> Reply {
    app.call(
        "POST",
        "/v1/tag",
        &qs(&[("resourceArn", Some(arn))]),
        Some(json!({ "tags": tags })),
    )
    .await
}

async fn untag(app: &TestApp, arn: &str, keys: Value) -> Reply {
    app.call(
        "POST",
        "/v1/untag",
        &qs(&[("resourceArn", Some(arn))]),
        Some(json!({ "tagKeys": keys })),
    )
    .await
}

#[tokio::test]
async fn tags_round_trip_including_on_creation() {
    let app = TestApp::new().await;
    app.call(
        "POST",
        "/v1/domain",
        &qs(&[("domain", Some(DOMAIN))]),
        Some(json!({"tags": [{"key": "team", "value": "core"}, {"key": "cost", "value": ""}]})),
    )
    .await
    .ok();
    assert_eq!(
        list(&app, &domain_arn()).await.ok(),
        json!({"tags": [{"key": "cost", "value": ""}, {"key": "team", "value": "core"}]})
    );
    app.call(
        "POST",
        "/v1/repository",
        &qs(&[("domain", Some(DOMAIN)), ("repository", Some("r1"))]),
        Some(json!({"tags": [{"key": "env", "value": "prod"}]})),
    )
    .await
    .ok();
    assert_eq!(
        list(&app, &repo_arn("r1")).await.ok()["tags"],
        json!([{"key": "env", "value": "prod"}])
    );
    // Add one, replace one; tags of other resources are untouched.
    assert_eq!(
        tag(
            &app,
            &repo_arn("r1"),
            json!([{"key": "env", "value": "dev"}, {"key": "owner", "value": "ann"}])
        )
        .await
        .ok(),
        json!({})
    );
    assert_eq!(
        list(&app, &repo_arn("r1")).await.ok()["tags"],
        json!([{"key": "env", "value": "dev"}, {"key": "owner", "value": "ann"}])
    );
    assert_eq!(
        list(&app, &domain_arn()).await.ok()["tags"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Untag: absent keys are ignored.
    untag(&app, &repo_arn("r1"), json!(["env", "absent"]))
        .await
        .ok();
    assert_eq!(
        list(&app, &repo_arn("r1")).await.ok()["tags"],
        json!([{"key": "owner", "value": "ann"}])
    );
    // An empty list is accepted (the CLI sends it).
    tag(&app, &repo_arn("r1"), json!([])).await.ok();
    // Deleting the repository drops its tags: a new one of that name starts with none.
    app.call(
        "DELETE",
        "/v1/repository",
        &qs(&[("domain", Some(DOMAIN)), ("repository", Some("r1"))]),
        None,
    )
    .await
    .ok();
    list(&app, &repo_arn("r1"))
        .await
        .err(404, "ResourceNotFoundException");
    app.create_repo("r1", &[]).await.ok();
    assert_eq!(list(&app, &repo_arn("r1")).await.ok(), json!({"tags": []}));
}

#[tokio::test]
async fn limits_and_bad_resources_are_refused_and_change_nothing() {
    let app = TestApp::with_repos(&["r1"]).await;
    let arn = repo_arn("r1");
    tag(&app, &arn, json!([{"key": "keep", "value": "1"}]))
        .await
        .ok();
    let fifty: Vec<Value> = (0..50)
        .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
        .collect();
    let e = tag(&app, &arn, json!(fifty))
        .await
        .err(402, "ServiceQuotaExceededException");
    assert!(e["message"].as_str().unwrap().contains("50"), "{e}");
    for bad in [
        json!([{"key": "k".repeat(129), "value": "v"}]),
        json!([{"key": "", "value": "v"}]),
        json!([{"key": "ok", "value": "v".repeat(257)}]),
        json!([{"key": "aws:x", "value": "v"}]),
        json!([{"key": "d", "value": "1"}, {"key": "d", "value": "2"}]),
        json!([{"value": "no key"}]),
    ] {
        tag(&app, &arn, bad.clone())
            .await
            .err(400, "ValidationException");
    }
    // Boundaries are accepted.
    tag(
        &app,
        &arn,
        json!([{"key": "k".repeat(128), "value": "v".repeat(256)}]),
    )
    .await
    .ok();
    untag(&app, &arn, json!(["k".repeat(128)])).await.ok();
    untag(&app, &arn, json!([""]))
        .await
        .err(400, "ValidationException");
    assert_eq!(
        list(&app, &arn).await.ok()["tags"],
        json!([{"key": "keep", "value": "1"}])
    );
    // Resources: missing, untaggable, foreign, malformed.
    list(&app, &repo_arn("missing"))
        .await
        .err(404, "ResourceNotFoundException");
    let other_domain = format!("arn:aws:codeartifact:{REGION}:000000000000:domain/nope");
    tag(&app, &other_domain, json!([{"key": "a", "value": "b"}]))
        .await
        .err(404, "ResourceNotFoundException");
    let package =
        format!("arn:aws:codeartifact:{REGION}:000000000000:package/{DOMAIN}/r1/npm//left");
    list(&app, &package).await.err(400, "ValidationException");
    let foreign = format!("arn:aws:codeartifact:eu-west-1:000000000000:repository/{DOMAIN}/r1");
    list(&app, &foreign).await.err(400, "ValidationException");
    list(&app, "not-an-arn")
        .await
        .err(400, "ValidationException");
    app.call("POST", "/v1/tags", "", None)
        .await
        .err(400, "ValidationException");
    app.call(
        "POST",
        "/v1/tag",
        &qs(&[("resourceArn", Some(&arn))]),
        Some(json!({})),
    )
    .await
    .err(400, "ValidationException");
}

#[tokio::test]
async fn bad_creation_tags_create_nothing() {
    let app = TestApp::new().await;
    let bad = json!({"tags": [{"key": "aws:reserved", "value": "x"}]});
    app.call(
        "POST",
        "/v1/domain",
        &qs(&[("domain", Some(DOMAIN))]),
        Some(bad.clone()),
    )
    .await
    .err(400, "ValidationException");
    app.call("GET", "/v1/domain", &qs(&[("domain", Some(DOMAIN))]), None)
        .await
        .err(404, "ResourceNotFoundException");
    app.create_domain(DOMAIN).await;
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
        .collect();
    for body in [bad, json!({ "tags": many })] {
        let r = app
            .call(
                "POST",
                "/v1/repository",
                &qs(&[("domain", Some(DOMAIN)), ("repository", Some("r1"))]),
                Some(body),
            )
            .await;
        assert!(matches!(r.status.as_u16(), 400 | 402), "{}", r.json);
        app.call(
            "GET",
            "/v1/repository",
            &qs(&[("domain", Some(DOMAIN)), ("repository", Some("r1"))]),
            None,
        )
        .await
        .err(404, "ResourceNotFoundException");
    }
}

#[tokio::test]
async fn package_groups_are_tagged_on_creation_and_forget_their_tags_when_deleted() {
    let app = TestApp::new().await;
    app.create_domain(DOMAIN).await;
    let arn =
        format!("arn:aws:codeartifact:{REGION}:000000000000:package-group/{DOMAIN}/npm/acme/%2A");
    // No group yet: nothing to tag.
    assert_eq!(
        tag(&app, &arn, json!([{"key": "k", "value": "v"}]))
            .await
            .status,
        404
    );
    let domain_q = qs(&[("domain", Some(DOMAIN))]);
    let create = |tags: Value| {
        app.call(
            "POST",
            "/v1/package-group",
            &domain_q,
            Some(json!({"packageGroup": "/npm/acme/*", "tags": tags})),
        )
    };
    let created = create(json!([{"key": "team", "value": "web"}])).await.ok();
    assert_eq!(
        created["packageGroup"]["arn"], arn,
        "the ARN TagResource takes"
    );
    assert_eq!(
        list(&app, &arn).await.ok(),
        json!({"tags": [{"key": "team", "value": "web"}]})
    );
    tag(&app, &arn, json!([{"key": "cost", "value": "1"}]))
        .await
        .ok();
    untag(&app, &arn, json!(["team"])).await.ok();
    assert_eq!(
        list(&app, &arn).await.ok(),
        json!({"tags": [{"key": "cost", "value": "1"}]})
    );
    let q = qs(&[
        ("domain", Some(DOMAIN)),
        ("package-group", Some("/npm/acme/*")),
    ]);
    app.call("DELETE", "/v1/package-group", &q, None).await.ok();
    assert_eq!(list(&app, &arn).await.status, 404);
    // Re-created under the same pattern, it starts without the old tags.
    create(json!([])).await.ok();
    assert_eq!(list(&app, &arn).await.ok(), json!({"tags": []}));
}
