//! One reading of each request: the router serves exactly `api::OPERATIONS`, and authorization
//! decides on the value the handler then receives, so a body that does not parse is refused
//! before any check or handler, and the identifiers checked are the ones acted on.

use crate::support::iam as support;

use serde_json::json;
use std::collections::BTreeSet;
use support::*;
use wharf_core::api::OPERATIONS;

const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];

#[tokio::test]
async fn the_router_serves_exactly_the_operations_of_the_table() {
    let svc = service().await;
    let root = Creds::root();
    let paths: BTreeSet<&str> = OPERATIONS.iter().map(|(_, _, p)| *p).collect();
    let mut served = BTreeSet::new();
    for path in &paths {
        for method in METHODS {
            let named = OPERATIONS
                .iter()
                .find(|(_, m, p)| *m == method && p == path)
                .map(|(n, _, _)| *n);
            assert_eq!(wharf_server::authz::operation_of(method, path), named);
            // No members at all: a routed operation answers in its own words (a validation
            // error, or a listing), an unrouted method and path that it is unknown.
            let r = call(&svc, &root, method, path, b"").await;
            match named {
                Some(name) => {
                    assert_ne!(r.error, "UnknownOperationException", "{name}: {r:?}");
                    served.insert(name);
                }
                None => assert_eq!(
                    (r.status.as_u16(), r.error.as_str()),
                    (404, "UnknownOperationException"),
                    "{method} {path}"
                ),
            }
        }
    }
    assert_eq!(served.len(), OPERATIONS.len());
    assert_eq!(served.len(), 48);
}

/// A user allowed to create repositories in `dom` but not to add upstreams.
async fn creator(svc: &Svc) -> Creds {
    user(
        svc,
        "creator",
        &[policy(json!([{
            "Effect": "Allow",
            "Action": ["codeartifact:CreateRepository", "codeartifact:DescribeRepository"],
            "Resource": "*"
        }]))],
    )
    .await
}

#[tokio::test]
async fn a_malformed_body_is_a_validation_error_before_authorization_and_changes_nothing() {
    let svc = service().await;
    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    let creator = creator(&svc).await;
    let nobody = user(&svc, "nobody", &[]).await;
    let uri = "/v1/repository?domain=dom&repository=repo";
    // Not JSON, and JSON of the wrong shape: the member that authorization needs
    // (`upstreams`) cannot be read, so nothing is defaulted and checked.
    for body in [
        &b"{\"upstreams\": [{\"repositoryName\": \"up\"}"[..],
        b"{\"upstreams\": [{\"repositoryName\": \"up\"}], \"description\": 5}",
        b"\"a string\"",
    ] {
        for creds in [&creator, &nobody, &Creds::root()] {
            let r = call(&svc, creds, "POST", uri, body).await;
            assert_eq!(
                (r.status.as_u16(), r.error.as_str()),
                (400, "ValidationException"),
                "{creds:?} {}: {r:?}",
                String::from_utf8_lossy(body)
            );
            assert!(
                r.message().starts_with("Could not parse request body"),
                "{r:?}"
            );
        }
    }
    let r = call(
        &svc,
        &Creds::root(),
        "GET",
        "/v1/repository?domain=dom&repository=repo",
        b"",
    )
    .await;
    assert_eq!(r.error, "ResourceNotFoundException", "{r:?}");
}

#[tokio::test]
async fn the_upstreams_authorized_are_the_upstreams_written() {
    let svc = service().await;
    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    root_ok(&svc, "POST", "/v1/repository?domain=dom&repository=up", b"").await;
    let creator = creator(&svc).await;
    let uri = "/v1/repository?domain=dom&repository=repo";
    let body = json!({"upstreams": [{"repositoryName": "up"}]}).to_string();
    let r = call(&svc, &creator, "POST", uri, body.as_bytes()).await;
    assert_eq!(r.error, "AccessDeniedException", "{r:?}");
    assert!(
        r.message().contains("AssociateWithDownstreamRepository"),
        "{r:?}"
    );
    let r = call(&svc, &creator, "POST", uri, b"{}").await;
    assert!(r.status.is_success(), "{r:?}");
    assert_eq!(r.body["repository"]["upstreams"], json!([]));
}

#[tokio::test]
async fn a_domain_policy_is_authorized_and_written_for_the_domain_its_body_names() {
    let svc = service().await;
    for d in ["dom", "other"] {
        root_ok(&svc, "POST", &format!("/v1/domain?domain={d}"), b"").await;
    }
    let admin = user(
        &svc,
        "admin",
        &[policy(json!([{
            "Effect": "Allow",
            "Action": "codeartifact:PutDomainPermissionsPolicy",
            "Resource": format!("arn:aws:codeartifact:{REGION}:{ACCOUNT}:domain/dom")
        }]))],
    )
    .await;
    let doc = policy(json!([{
        "Effect": "Allow", "Principal": "*", "Action": "codeartifact:*", "Resource": "*"
    }]))
    .to_string();
    let put = |domain: &str| json!({"domain": domain, "policyDocument": doc}).to_string();
    // PutDomainPermissionsPolicy carries its domain in the body; a query string naming
    // another domain is not read, by authorization or by the handler.
    let r = call(
        &svc,
        &admin,
        "PUT",
        "/v1/domain/permissions/policy?domain=dom",
        put("other").as_bytes(),
    )
    .await;
    assert_eq!(r.error, "AccessDeniedException", "{r:?}");
    let r = call(
        &svc,
        &admin,
        "PUT",
        "/v1/domain/permissions/policy?domain=other",
        put("dom").as_bytes(),
    )
    .await;
    assert!(r.status.is_success(), "{r:?}");
    assert!(
        r.body["policy"]["resourceArn"]
            .as_str()
            .unwrap()
            .ends_with(":domain/dom"),
        "{r:?}"
    );
    let root = Creds::root();
    let get = |d: &str| format!("/v1/domain/permissions/policy?domain={d}");
    assert!(
        call(&svc, &root, "GET", &get("dom"), b"")
            .await
            .status
            .is_success()
    );
    let r = call(&svc, &root, "GET", &get("other"), b"").await;
    assert_eq!(r.error, "ResourceNotFoundException", "{r:?}");
}
