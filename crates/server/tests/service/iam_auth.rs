//! Principals at the door: every signature failure of spec §9.4 (for users as for root),
//! bearer tokens that carry their principal's permissions, expire, and die with their key or
//! user; explicit Deny over Allow, resource-policy grants; and copies refused on one side only.

use crate::support::iam as support;

use serde_json::json;
use support::*;
use wharf_server::auth::{Caller, epoch_now};

async fn fixture() -> (Svc, Creds) {
    let svc = service().await;
    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    for repo in ["staging", "release"] {
        let uri = format!("/v1/repository?domain=dom&repository={repo}");
        root_ok(&svc, "POST", &uri, b"").await;
    }
    assert!(
        publish(&svc, &Creds::root(), "staging", "1.0.0")
            .await
            .status
            .is_success()
    );
    let bob = user(
        &svc,
        "bob",
        &[policy(json!([{"Effect": "Allow", "Resource": "*",
            "Action": ["codeartifact:List*", "codeartifact:GetAuthorizationToken"]}]))],
    )
    .await;
    (svc, bob)
}

#[tokio::test]
async fn every_signature_failure_is_refused_with_its_code() {
    let (svc, bob) = fixture().await;
    let ok = call(&svc, &bob, "POST", "/v1/domains", b"").await;
    assert!(ok.status.is_success(), "{ok:?}");

    let wrong_secret = Creds {
        key: bob.key.clone(),
        secret: format!("x{}", bob.secret),
    };
    let r = call(&svc, &wrong_secret, "POST", "/v1/domains", b"").await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (403, "InvalidSignatureException")
    );

    let unknown = Creds {
        key: "AKIANOSUCHKEY0000000".into(),
        secret: bob.secret.clone(),
    };
    let r = call(&svc, &unknown, "POST", "/v1/domains", b"").await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (400, "UnrecognizedClientException")
    );
    assert_eq!(
        r.message(),
        "The security token included in the request is invalid."
    );

    // Twenty minutes of clock skew, either way.
    for skew in [-1200, 1200] {
        let req = signed_at(
            &bob,
            "POST",
            "/v1/domains",
            b"",
            &[],
            Some(epoch_now() + skew),
        );
        let r = send(&svc, req).await;
        assert_eq!(
            (r.status.as_u16(), r.error.as_str()),
            (403, "InvalidSignatureException"),
            "{r:?}"
        );
    }

    let mut req = signed(&bob, "POST", "/v1/domains", b"");
    req.headers_mut().remove("authorization");
    let r = send(&svc, req).await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (403, "MissingAuthenticationTokenException")
    );

    let mut req = signed(&bob, "POST", "/v1/domains", b"");
    req.headers_mut().insert(
        "authorization",
        "AWS4-HMAC-SHA256 Credential=x".parse().unwrap(),
    );
    let r = send(&svc, req).await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (400, "IncompleteSignatureException")
    );

    // A tampered request (the query changed after signing).
    let mut req = signed(&bob, "POST", "/v1/domain?domain=dom", b"");
    *req.uri_mut() = "/v1/domain?domain=other".parse().unwrap();
    let r = send(&svc, req).await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (403, "InvalidSignatureException")
    );

    // A revoked key is unknown from the next request on.
    svc.state.store.revoke_access_key(&bob.key).await.unwrap();
    let r = call(&svc, &bob, "POST", "/v1/domains", b"").await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (400, "UnrecognizedClientException")
    );
}

#[tokio::test]
async fn tokens_carry_their_principal_and_die_with_their_key() {
    let (svc, bob) = fixture().await;
    let r = call(
        &svc,
        &bob,
        "POST",
        "/v1/authorization-token?domain=dom",
        b"",
    )
    .await;
    assert!(r.status.is_success(), "{r:?}");
    let token = r.body["authorizationToken"].as_str().unwrap().to_owned();

    // Bob's permissions, no more: listing is allowed, describing is not.
    let r = bearer(&svc, &token, "POST", "/v1/domains", b"").await;
    assert!(r.status.is_success(), "{r:?}");
    let r = bearer(&svc, &token, "GET", "/v1/domain?domain=dom", b"").await;
    assert_eq!(r.error, "AccessDeniedException");
    assert!(
        r.message()
            .starts_with(&format!("User: {} is not", user_arn("bob"))),
        "{r:?}"
    );

    // Expired.
    let caller = Caller::signed(bob.key.clone());
    let stale = svc.state.keys.issue_token(&caller, epoch_now() - 1);
    let r = bearer(&svc, &stale, "POST", "/v1/domains", b"").await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (403, "ExpiredTokenException")
    );

    // Revoked key: its tokens are refused too.
    svc.state.store.revoke_access_key(&bob.key).await.unwrap();
    let r = bearer(&svc, &token, "POST", "/v1/domains", b"").await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (400, "UnrecognizedClientException")
    );

    // A deleted user's tokens as well.
    let carol = user(
        &svc,
        "carol",
        &[policy(
            json!([{"Effect": "Allow", "Action": "codeartifact:*", "Resource": "*"}]),
        )],
    )
    .await;
    let r = call(
        &svc,
        &carol,
        "POST",
        "/v1/authorization-token?domain=dom",
        b"",
    )
    .await;
    let token = r.body["authorizationToken"].as_str().unwrap().to_owned();
    assert!(
        bearer(&svc, &token, "GET", "/v1/domain?domain=dom", b"")
            .await
            .status
            .is_success()
    );
    svc.state.store.delete_user("carol").await.unwrap();
    let r = bearer(&svc, &token, "GET", "/v1/domain?domain=dom", b"").await;
    assert_eq!(r.error, "UnrecognizedClientException");

    // A forged token (a user's key id under a signature made with another key) is refused.
    let forged =
        Keys::new("AKIAOTHER".into(), "other".into()).issue_token(&caller, epoch_now() + 600);
    assert_eq!(
        bearer(&svc, &forged, "POST", "/v1/domains", b"")
            .await
            .error,
        "UnrecognizedClientException"
    );
}

use wharf_server::auth::Keys;

#[tokio::test]
async fn copies_are_refused_on_either_side_alone() {
    let (svc, _) = fixture().await;
    let copy = "/v1/package/versions/copy?domain=dom&source-repository=staging&destination-repository=release&format=generic&namespace=ns&package=pkg";
    let body = br#"{"versions": ["1.0.0"]}"#;
    let read_staging = user(
        &svc,
        "reader",
        &[policy(json!([{"Effect": "Allow",
        "Action": "codeartifact:ReadFromRepository", "Resource": repo_arn("staging")}]))],
    )
    .await;
    let r = call(&svc, &read_staging, "POST", copy, body).await;
    assert_eq!(
        r.message(),
        format!(
            "User: {} is not authorized to perform: codeartifact:CopyPackageVersions on resource: {}",
            user_arn("reader"),
            repo_arn("release")
        )
    );
    let write_release = user(&svc, "writer", &[policy(json!([{"Effect": "Allow",
        "Action": "codeartifact:CopyPackageVersions", "Resource": [repo_arn("release"), package_arn("release")]}]))]).await;
    let r = call(&svc, &write_release, "POST", copy, body).await;
    assert_eq!(
        r.message(),
        format!(
            "User: {} is not authorized to perform: codeartifact:ReadFromRepository on resource: {}",
            user_arn("writer"),
            repo_arn("staging")
        )
    );
    let list = "/v1/package/versions?domain=dom&repository=release&format=generic&namespace=ns&package=pkg";
    assert_eq!(
        call(&svc, &Creds::root(), "POST", list, b"")
            .await
            .status
            .as_u16(),
        404
    );
    // Both together may copy.
    let both = user(&svc, "both", &[policy(json!([
        {"Effect": "Allow", "Action": "codeartifact:ReadFromRepository", "Resource": repo_arn("staging")},
        {"Effect": "Allow", "Action": "codeartifact:CopyPackageVersions", "Resource": [repo_arn("release"), package_arn("release")]}]))]).await;
    let r = call(&svc, &both, "POST", copy, body).await;
    assert!(r.status.is_success(), "{r:?}");
    assert_eq!(
        root_ok(&svc, "POST", list, b"").await["versions"][0]["version"],
        "1.0.0"
    );
}

#[tokio::test]
async fn deny_wins_and_resource_policies_grant() {
    let (svc, _) = fixture().await;
    let describe = "/v1/repository?domain=dom&repository=staging";
    let denied = user(&svc, "denied", &[
        policy(json!([{"Effect": "Allow", "Action": "codeartifact:*", "Resource": "*"}])),
        policy(json!([{"Sid": "NotStaging", "Effect": "Deny", "Action": "codeartifact:Describe*", "Resource": repo_arn("staging")}])),
    ]).await;
    let r = call(&svc, &denied, "GET", describe, b"").await;
    assert!(
        r.message()
            .ends_with("with an explicit deny in an identity-based policy"),
        "{r:?}"
    );
    let other = "/v1/repository?domain=dom&repository=release";
    assert!(
        call(&svc, &denied, "GET", other, b"")
            .await
            .status
            .is_success()
    );

    // A user with no identity policy, granted by the repository's policy.
    let guest = user(&svc, "guest", &[]).await;
    assert_eq!(
        call(&svc, &guest, "GET", describe, b"").await.error,
        "AccessDeniedException"
    );
    let grant = policy(
        json!([{"Effect": "Allow", "Principal": {"AWS": user_arn("guest")},
        "Action": "codeartifact:DescribeRepository", "Resource": "*"}]),
    );
    let put = "/v1/repository/permissions/policy?domain=dom&repository=staging";
    root_ok(
        &svc,
        "PUT",
        put,
        json!({"policyDocument": grant.to_string()})
            .to_string()
            .as_bytes(),
    )
    .await;
    assert!(
        call(&svc, &guest, "GET", describe, b"")
            .await
            .status
            .is_success()
    );
    // ... but a resource-policy Deny beats the identity Allow of another user.
    let deny = policy(
        json!([{"Effect": "Deny", "Principal": "*", "Action": "codeartifact:DescribeRepository", "Resource": "*"}]),
    );
    root_ok(
        &svc,
        "PUT",
        put,
        json!({"policyDocument": deny.to_string()})
            .to_string()
            .as_bytes(),
    )
    .await;
    let admin = user(
        &svc,
        "admin",
        &[policy(
            json!([{"Effect": "Allow", "Action": "codeartifact:*", "Resource": "*"}]),
        )],
    )
    .await;
    let r = call(&svc, &admin, "GET", describe, b"").await;
    assert!(
        r.message()
            .ends_with("with an explicit deny in a resource-based policy"),
        "{r:?}"
    );
    // Root is never locked out, and the policy does not govern its own replacement.
    assert!(
        call(&svc, &Creds::root(), "GET", describe, b"")
            .await
            .status
            .is_success()
    );
    let r = call(
        &svc,
        &admin,
        "PUT",
        put,
        json!({"policyDocument": grant.to_string()})
            .to_string()
            .as_bytes(),
    )
    .await;
    assert!(r.status.is_success(), "{r:?}");
}

/// The console's permission check: a CopyPackageVersions call that names no version is
/// authorized before its body is read, so it answers AccessDeniedException to a token that may
/// not copy, and ValidationException (having written nothing) to one that may.
#[tokio::test]
async fn a_copy_naming_no_version_tells_permission_and_writes_nothing() {
    let (svc, _) = fixture().await;
    let copy = "/v1/package/versions/copy?domain=dom&source-repository=staging&destination-repository=release&format=generic&namespace=ns&package=pkg";
    let probe = br#"{"versions": []}"#;
    let read_only = user(&svc, "reader", &[policy(json!([{"Effect": "Allow",
        "Action": "codeartifact:ReadFromRepository", "Resource": [repo_arn("staging"), repo_arn("release")]}]))]).await;
    let r = call(&svc, &read_only, "POST", copy, probe).await;
    assert_eq!(r.status.as_u16(), 403, "{r:?}");
    assert!(
        r.message()
            .contains("not authorized to perform: codeartifact:CopyPackageVersions"),
        "{r:?}"
    );
    let copier = user(&svc, "copier", &[policy(json!([
        {"Effect": "Allow", "Action": "codeartifact:ReadFromRepository", "Resource": repo_arn("staging")},
        {"Effect": "Allow", "Action": "codeartifact:CopyPackageVersions", "Resource": [repo_arn("release"), package_arn("release")]}]))]).await;
    let r = call(&svc, &copier, "POST", copy, probe).await;
    assert_eq!(r.status.as_u16(), 400, "{r:?}");
    assert!(r.error.starts_with("ValidationException"), "{r:?}");
    let list = "/v1/package/versions?domain=dom&repository=release&format=generic&namespace=ns&package=pkg";
    assert_eq!(
        call(&svc, &Creds::root(), "POST", list, b"")
            .await
            .status
            .as_u16(),
        404,
        "the probe wrote nothing"
    );
}
