//! The resource-policy operations: revisions (optimistic locking), validation, not found.

use crate::support::iam as support;

use serde_json::json;
use support::*;

async fn fixture() -> Svc {
    let svc = service().await;
    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    root_ok(
        &svc,
        "POST",
        "/v1/repository?domain=dom&repository=staging",
        b"",
    )
    .await;
    svc
}

#[tokio::test]
async fn resource_policies_have_revisions_and_are_validated() {
    let svc = fixture().await;
    let doc = policy(
        json!([{"Effect": "Allow", "Principal": "*", "Action": "codeartifact:*", "Resource": "*"}]),
    )
    .to_string();
    for (put, get, delete, body_extra) in [
        (
            "/v1/domain/permissions/policy".to_owned(),
            "/v1/domain/permissions/policy?domain=dom",
            "/v1/domain/permissions/policy?domain=dom",
            Some("dom"),
        ),
        (
            "/v1/repository/permissions/policy?domain=dom&repository=staging".to_owned(),
            "/v1/repository/permissions/policy?domain=dom&repository=staging",
            "/v1/repository/permissions/policies?domain=dom&repository=staging",
            None,
        ),
    ] {
        let body = |doc: &str, rev: Option<&str>| {
            let mut b = json!({"policyDocument": doc});
            if let Some(d) = body_extra {
                b["domain"] = json!(d);
            }
            if let Some(r) = rev {
                b["policyRevision"] = json!(r);
            }
            b.to_string()
        };
        let root = Creds::root();
        let r = call(&svc, &root, "GET", get, b"").await;
        assert_eq!(
            (r.status.as_u16(), r.error.as_str()),
            (404, "ResourceNotFoundException")
        );
        let r = call(&svc, &root, "DELETE", delete, b"").await;
        assert_eq!(r.error, "ResourceNotFoundException");
        let r = call(
            &svc,
            &root,
            "PUT",
            &put,
            body("{\"Statement\": []}", None).as_bytes(),
        )
        .await;
        assert_eq!(r.error, "ValidationException", "{r:?}");
        let r = call(&svc, &root, "PUT", &put, body("not json", None).as_bytes()).await;
        assert_eq!(r.error, "ValidationException", "{r:?}");
        let created = root_ok(&svc, "PUT", &put, body(&doc, None).as_bytes()).await;
        let rev = created["policy"]["revision"].as_str().unwrap().to_owned();
        assert_eq!(created["policy"]["document"], doc);
        assert!(
            created["policy"]["resourceArn"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:codeartifact:")
        );
        assert_eq!(root_ok(&svc, "GET", get, b"").await, created);
        let r = call(
            &svc,
            &root,
            "PUT",
            &put,
            body(&doc, Some("stale")).as_bytes(),
        )
        .await;
        assert_eq!(
            (r.status.as_u16(), r.error.as_str()),
            (409, "ConflictException")
        );
        let replaced = root_ok(&svc, "PUT", &put, body(&doc, Some(&rev)).as_bytes()).await;
        let rev2 = replaced["policy"]["revision"].as_str().unwrap().to_owned();
        assert_ne!(rev, rev2);
        let r = call(
            &svc,
            &root,
            "DELETE",
            &format!("{delete}&policy-revision={rev}"),
            b"",
        )
        .await;
        assert_eq!(r.error, "ConflictException");
        let deleted = root_ok(
            &svc,
            "DELETE",
            &format!("{delete}&policy-revision={rev2}"),
            b"",
        )
        .await;
        assert_eq!(deleted, replaced);
        assert_eq!(
            call(&svc, &root, "GET", get, b"").await.error,
            "ResourceNotFoundException"
        );
    }
    let r = call(
        &svc,
        &Creds::root(),
        "GET",
        "/v1/repository/permissions/policy?domain=dom&repository=nope",
        b"",
    )
    .await;
    assert_eq!(r.error, "ResourceNotFoundException");
}
