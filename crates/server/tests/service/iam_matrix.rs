//! The permission matrix: principals × operations × resources, every cell checked. An allowed
//! cell must not be refused (and, but for a few operations that fail on their own, succeed); a
//! denied cell must answer `AccessDeniedException` naming the principal and the action, and
//! change nothing. An allowed write runs on a fresh service so that it cannot disturb the
//! other cells.

use crate::support::iam as support;

use crate::support::matrix;

use matrix::operations;

use serde_json::{Value, json};
use support::*;

const PRINCIPALS: [&str; 6] = ["root", "admin", "limited", "promoter", "nobody", "guest"];

/// The users and their identity policies.
fn identity_policies(name: &str) -> Vec<Value> {
    let staging = [
        repo_arn("staging"),
        format!(
            "{}*",
            package_arn("staging").trim_end_matches("generic/ns/pkg")
        ),
    ];
    let release = [
        repo_arn("release"),
        format!(
            "{}*",
            package_arn("release").trim_end_matches("generic/ns/pkg")
        ),
    ];
    let domain = format!("arn:aws:codeartifact:{REGION}:{ACCOUNT}:domain/dom");
    match name {
        "admin" => vec![policy(
            json!([{"Effect": "Allow", "Action": "codeartifact:*", "Resource": "*"}]),
        )],
        "limited" => vec![
            policy(json!([{"Effect": "Allow", "Action": "codeartifact:*", "Resource": "*"}])),
            policy(json!([
                {"Sid": "NoDeletes", "Effect": "Deny", "Action": "codeartifact:Delete*", "Resource": "*"},
                {"Effect": "Deny", "Action": "codeartifact:PublishPackageVersion", "Resource": release[1]}
            ])),
        ],
        "promoter" => vec![policy(json!([
            {"Effect": "Allow", "Resource": staging,
             "Action": ["codeartifact:Describe*", "codeartifact:List*", "codeartifact:ReadFromRepository",
                        "codeartifact:GetPackageVersionAsset"]},
            {"Effect": "Allow", "Resource": release, "Action": ["codeartifact:describe*", "codeartifact:List*"]},
            {"Effect": "Allow", "Resource": release, "Action": "codeartifact:CopyPackageVersions"},
            {"Effect": "Allow", "Resource": domain,
             "Action": ["codeartifact:DescribeDomain", "codeartifact:ListRepositoriesInDomain",
                        "codeartifact:GetAuthorizationToken"]},
            {"Effect": "Allow", "Resource": "*", "Action": ["codeartifact:ListDomains", "codeartifact:ListRepositories"]}
        ]))],
        _ => vec![],
    }
}

/// Whether `principal` may perform `op` on `res` (`staging`, `release` or `domain`; for a copy,
/// the destination, the other repository being the source).
fn expected(principal: &str, op: &str, res: &str) -> bool {
    if let Some(allowed) = promotion_expected(principal, op, res) {
        return allowed;
    }
    match principal {
        "root" | "admin" => true,
        "limited" => {
            !(op.starts_with("Delete") || (op == "PublishPackageVersion" && res == "release"))
        }
        "promoter" => match res {
            "staging" => {
                op.starts_with("Describe")
                    || op.starts_with("List")
                    || op == "GetPackageVersionAsset"
            }
            "release" => {
                op.starts_with("Describe") || op.starts_with("List") || op == "CopyPackageVersions"
            }
            _ => matches!(
                op,
                "DescribeDomain"
                    | "ListRepositoriesInDomain"
                    | "GetAuthorizationToken"
                    | "ListDomains"
                    | "ListRepositories"
            ),
        },
        // Granted by the staging repository policy and the domain policy, nothing else.
        "guest" => matches!(
            (op, res),
            ("DescribeRepository" | "ListPackages", "staging") | ("DescribeDomain", "domain")
        ),
        _ => false,
    }
}

/// Wharf's promotion API: a promotion into `res` needs `ReadFromRepository` on the other
/// repository and `CopyPackageVersions` on `res` and its packages; listing the records into
/// `res` needs `ReadFromRepository` on it.
fn promotion_expected(principal: &str, op: &str, res: &str) -> Option<bool> {
    let everything = matches!(principal, "root" | "admin" | "limited");
    match op {
        "Promote" => Some(everything || (principal == "promoter" && res == "release")),
        "ListPromotions" => {
            Some(everything || (matches!(principal, "promoter" | "guest") && res == "staging"))
        }
        _ => None,
    }
}

/// Operations that may fail for reasons of their own when allowed (no policy to get, a
/// domain that still has repositories, ...).
const MAY_FAIL: [&str; 5] = [
    "DisassociateExternalConnection",
    "GetRepositoryEndpoint",
    "GetRepositoryPermissionsPolicy",
    "DeleteRepositoryPermissionsPolicy",
    "DeleteDomain",
];

async fn setup() -> (Svc, Vec<(&'static str, Creds)>) {
    let svc = service().await;
    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    for repo in ["staging", "release"] {
        root_ok(
            &svc,
            "POST",
            &format!("/v1/repository?domain=dom&repository={repo}"),
            b"",
        )
        .await;
    }
    assert!(
        publish(&svc, &Creds::root(), "staging", "1.0.0")
            .await
            .status
            .is_success()
    );
    assert!(
        publish(&svc, &Creds::root(), "release", "0.9.0")
            .await
            .status
            .is_success()
    );
    root_ok(
        &svc,
        "POST",
        "/v1/package-group?domain=dom",
        br#"{"packageGroup": "/generic/ns/*"}"#,
    )
    .await;
    let guest = json!({"AWS": user_arn("guest")});
    let repo_policy = policy(
        json!([{"Effect": "Allow", "Principal": guest, "Resource": "*",
        "Action": ["codeartifact:DescribeRepository", "codeartifact:ListPackages", "codeartifact:ReadFromRepository"]}]),
    );
    let body = json!({"policyDocument": repo_policy.to_string()}).to_string();
    root_ok(
        &svc,
        "PUT",
        "/v1/repository/permissions/policy?domain=dom&repository=staging",
        body.as_bytes(),
    )
    .await;
    let domain_policy = policy(
        json!([{"Effect": "Allow", "Principal": guest, "Resource": "*",
        "Action": "codeartifact:DescribeDomain"}]),
    );
    let body = json!({"domain": "dom", "policyDocument": domain_policy.to_string()}).to_string();
    root_ok(
        &svc,
        "PUT",
        "/v1/domain/permissions/policy",
        body.as_bytes(),
    )
    .await;
    let mut creds = vec![("root", Creds::root())];
    for name in &PRINCIPALS[1..] {
        creds.push((name, user(&svc, name, &identity_policies(name)).await));
    }
    (svc, creds)
}

/// Everything a request could change, as root sees it.
async fn snapshot(svc: &Svc) -> Vec<Value> {
    let root = Creds::root();
    let mut out = Vec::new();
    for uri in [
        "/v1/domains",
        "/v1/repositories",
        "/v1/package-groups?domain=dom",
    ] {
        out.push(call(svc, &root, "POST", uri, b"").await.body);
    }
    out.push(
        call(
            svc,
            &root,
            "GET",
            "/v1/domain/permissions/policy?domain=dom",
            b"",
        )
        .await
        .body,
    );
    let domain_arn = format!("arn:aws:codeartifact:{REGION}:{ACCOUNT}:domain/dom");
    for arn in [domain_arn, repo_arn("staging"), repo_arn("release")] {
        let uri = format!("/v1/tags?resourceArn={arn}");
        out.push(call(svc, &root, "POST", &uri, b"").await.body);
    }
    for repo in ["staging", "release"] {
        let pkg = format!("domain=dom&repository={repo}&format=generic&namespace=ns&package=pkg");
        out.push(
            call(
                svc,
                &root,
                "GET",
                &format!("/v1/repository?domain=dom&repository={repo}"),
                b"",
            )
            .await
            .body,
        );
        out.push(
            call(svc, &root, "GET", &format!("/v1/package?{pkg}"), b"")
                .await
                .body,
        );
        out.push(
            call(
                svc,
                &root,
                "POST",
                &format!("/v1/package/versions?{pkg}"),
                b"",
            )
            .await
            .body,
        );
        out.push(
            call(
                svc,
                &root,
                "GET",
                &format!("/v1/repository/permissions/policy?domain=dom&repository={repo}"),
                b"",
            )
            .await
            .body,
        );
    }
    out
}

#[tokio::test]
async fn every_principal_and_operation_on_the_staging_repository() {
    run_matrix("staging").await;
}

#[tokio::test]
async fn every_principal_and_operation_on_the_release_repository() {
    run_matrix("release").await;
}

#[tokio::test]
async fn every_principal_and_operation_on_the_domain() {
    run_matrix("domain").await;
}

async fn run_matrix(res: &str) {
    let mut checked = 0;
    // Refused requests change nothing (checked below) and reads change nothing, so those cells
    // share one service; an allowed write gets a fresh one.
    let shared = setup().await;
    let baseline = snapshot(&shared.0).await;
    for (op, method, uri, body) in operations(res) {
        for (i, principal) in PRINCIPALS.iter().enumerate() {
            let allowed = expected(principal, op, res);
            let read_only = ["Describe", "List", "Get"]
                .iter()
                .any(|p| op.starts_with(p));
            let fresh;
            let (svc, creds) = if allowed && !read_only {
                fresh = setup().await;
                (&fresh.0, &fresh.1)
            } else {
                (&shared.0, &shared.1)
            };
            let svc = svc.clone();
            let who = &creds[i].1;
            let reply = if op == "PublishPackageVersion" {
                publish(&svc, who, res, "3.0.0").await
            } else {
                call(&svc, who, method, &uri, &body).await
            };
            let cell = format!("{principal} {op} on {res}: {reply:?}");
            if allowed {
                assert_ne!(reply.error, "AccessDeniedException", "{cell}");
                assert!(
                    reply.status.is_success() || MAY_FAIL.contains(&op),
                    "{cell}"
                );
            } else {
                assert_eq!(reply.status.as_u16(), 403, "{cell}");
                assert_eq!(reply.error, "AccessDeniedException", "{cell}");
                let prefix = format!(
                    "User: {} is not authorized to perform: codeartifact:",
                    user_arn(principal)
                );
                assert!(reply.message().starts_with(&prefix), "{cell}");
                assert!(
                    reply
                        .message()
                        .contains(" on resource: arn:aws:codeartifact:")
                        || reply.message().contains(" on resource: *"),
                    "{cell}"
                );
                if !read_only {
                    let after = snapshot(&svc).await;
                    assert_eq!(
                        after, baseline,
                        "a refused request changed something: {cell}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, PRINCIPALS.len() * operations(res).len());
}

/// Wharf's activity API (audit trail and webhooks): each operation needs its own
/// `wharf:{Operation}` action; `codeartifact:*` grants none of them.
#[tokio::test]
async fn every_principal_and_activity_operation() {
    let (svc, mut creds) = setup().await;
    creds.push((
        "auditor",
        user(
            &svc,
            "auditor",
            &[policy(
                json!([{"Effect": "Allow", "Action": "wharf:ListAuditEvents", "Resource": "*"}]),
            )],
        )
        .await,
    ));
    creds.push((
        "hooks",
        user(
            &svc,
            "hooks",
            &[policy(
                json!([{"Effect": "Allow", "Action": "wharf:*Webhook*", "Resource": "*"}]),
            )],
        )
        .await,
    ));
    let hook = root_ok(
        &svc,
        "POST",
        "/wharf/v1/webhooks",
        json!({"url": "http://127.0.0.1:9/h"})
            .to_string()
            .as_bytes(),
    )
    .await;
    let id = hook["webhook"]["id"].as_str().unwrap().to_owned();
    let ops: Vec<(&str, &str, String, Vec<u8>)> = vec![
        ("ListAuditEvents", "GET", "/wharf/v1/events".into(), vec![]),
        ("ListAuditEvents", "POST", "/wharf/v1/events".into(), vec![]),
        (
            "CreateWebhook",
            "POST",
            "/wharf/v1/webhooks".into(),
            json!({"url": "http://127.0.0.1:9/x"})
                .to_string()
                .into_bytes(),
        ),
        ("ListWebhooks", "GET", "/wharf/v1/webhooks".into(), vec![]),
        (
            "ListWebhookDeliveries",
            "GET",
            format!("/wharf/v1/webhooks/{id}/deliveries"),
            vec![],
        ),
        (
            "RedeliverWebhookDelivery",
            "POST",
            format!("/wharf/v1/webhooks/{id}/deliveries/1/redeliver"),
            vec![],
        ),
        (
            "DeleteWebhook",
            "DELETE",
            "/wharf/v1/webhooks/wh_none".into(),
            vec![],
        ),
    ];
    let hooks_before = root_ok(&svc, "GET", "/wharf/v1/webhooks", b"").await;
    let mut checked = 0;
    for (op, method, uri, body) in &ops {
        for (principal, who) in &creds {
            let allowed = match *principal {
                "root" => true,
                "auditor" => *op == "ListAuditEvents",
                "hooks" => op.contains("Webhook"),
                _ => false,
            };
            let reply = call(&svc, who, method, uri, body).await;
            let cell = format!("{principal} {op}: {reply:?}");
            if allowed {
                assert_ne!(reply.error, "AccessDeniedException", "{cell}");
            } else {
                assert_eq!(reply.status.as_u16(), 403, "{cell}");
                assert_eq!(reply.error, "AccessDeniedException", "{cell}");
                assert_eq!(
                    reply.message(),
                    format!(
                        "User: {} is not authorized to perform: wharf:{op} on resource: *",
                        user_arn(principal)
                    ),
                    "{cell}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ops.len() * (PRINCIPALS.len() + 2));
    // Allowed creations by root and "hooks" added two; no refused request changed anything.
    let hooks_after = root_ok(&svc, "GET", "/wharf/v1/webhooks", b"").await;
    assert_eq!(
        hooks_after["webhooks"].as_array().unwrap().len(),
        hooks_before["webhooks"].as_array().unwrap().len() + 2
    );
}
