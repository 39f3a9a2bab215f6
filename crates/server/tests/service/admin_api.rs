//! The admin API (`/wharf/admin/…`, what `wharf admin --endpoint-url` calls): root manages users,
//! keys and identity policies with SigV4 (a bearer token, even root's, is refused); an IAM user is refused with
//! `AccessDeniedException` whatever its policies say; unsigned and badly signed requests are
//! refused as everywhere else; bad input is a `ValidationException` that changes nothing.

use crate::support::iam as support;

use serde_json::{Value, json};
use support::*;
use wharf_server::admin::{self, AdminOp};
use wharf_server::auth::{Caller, epoch_now};

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn attach_uri(user: &str, policy: &str) -> String {
    format!(
        "/wharf/admin/policy?user={}&policy={}",
        enc(user),
        enc(policy)
    )
}

fn document(statements: Value) -> Vec<u8> {
    json!({"policyDocument": policy(statements).to_string()})
        .to_string()
        .into_bytes()
}

async fn root(svc: &Svc, method: &str, uri: &str, body: &[u8]) -> Value {
    let r = call(svc, &Creds::root(), method, uri, body).await;
    assert_eq!(r.status.as_u16(), 200, "{method} {uri}: {r:?}");
    assert_eq!(r.error, "");
    r.body
}

#[tokio::test]
async fn root_manages_users_keys_and_policies() {
    let svc = service().await;
    let created = root(&svc, "POST", "/wharf/admin/user?user=promoter", b"").await;
    assert_eq!(created["user"]["userName"], "promoter");
    assert_eq!(created["user"]["arn"], user_arn("promoter"));

    let key = root(&svc, "POST", "/wharf/admin/key?user=promoter", b"").await["accessKey"].clone();
    assert_eq!(key["status"], "Active");
    let promoter = Creds {
        key: key["accessKeyId"].as_str().unwrap().to_owned(),
        secret: key["secretAccessKey"].as_str().unwrap().to_owned(),
    };
    // The new key is known but allowed nothing yet.
    let r = call(&svc, &promoter, "POST", "/v1/domains", b"").await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (403, "AccessDeniedException")
    );

    let list_domains =
        json!([{"Effect": "Allow", "Action": "codeartifact:ListDomains", "Resource": "*"}]);
    let put = root(
        &svc,
        "PUT",
        &attach_uri("promoter", "list"),
        &document(list_domains),
    )
    .await;
    assert_eq!(
        (put["userName"].as_str(), put["policyName"].as_str()),
        (Some("promoter"), Some("list"))
    );
    let r = call(&svc, &promoter, "POST", "/v1/domains", b"").await;
    assert!(r.status.is_success(), "{r:?}");

    let listed = root(&svc, "GET", "/wharf/admin/users", b"").await;
    let user = &listed["users"][0];
    assert_eq!(user["userName"], "promoter");
    assert_eq!(user["policies"], json!(["list"]));
    assert_eq!(user["accessKeys"][0]["accessKeyId"], key["accessKeyId"]);
    assert!(
        user["accessKeys"][0].get("secretAccessKey").is_none(),
        "secrets stay hidden"
    );
    // The API answers exactly what `wharf admin --data-dir` prints for the same store.
    let local = admin::execute(&*svc.state.store, ACCOUNT, AdminOp::ListUsers)
        .await
        .unwrap();
    assert_eq!(listed, local);

    let policies = root(&svc, "GET", "/wharf/admin/policies?user=promoter", b"").await;
    assert_eq!(policies["policies"][0]["policyName"], "list");
    assert_eq!(
        policies["policies"][0]["document"]["Statement"][0]["Action"],
        "codeartifact:ListDomains"
    );
    assert_eq!(policies["policies"][0]["revision"], put["revision"]);

    let detached = root(&svc, "DELETE", &attach_uri("promoter", "list"), b"").await;
    assert_eq!(
        detached,
        json!({"userName": "promoter", "detached": "list"})
    );
    let r = call(&svc, &promoter, "POST", "/v1/domains", b"").await;
    assert_eq!(r.error, "AccessDeniedException", "detached at once: {r:?}");

    let uri = format!("/wharf/admin/key/revoke?access-key-id={}", promoter.key);
    assert_eq!(
        root(&svc, "POST", &uri, b"").await,
        json!({"revoked": promoter.key})
    );
    let r = call(&svc, &promoter, "POST", "/v1/domains", b"").await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (400, "UnrecognizedClientException")
    );

    let deleted = root(&svc, "DELETE", "/wharf/admin/user?user=promoter", b"").await;
    assert_eq!(deleted, json!({"deleted": "promoter"}));
    assert_eq!(
        root(&svc, "GET", "/wharf/admin/users", b"").await,
        json!({"users": []})
    );

    // Store errors keep their CodeArtifact codes.
    let r = call(
        &svc,
        &Creds::root(),
        "DELETE",
        "/wharf/admin/user?user=promoter",
        b"",
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (404, "ResourceNotFoundException")
    );
    assert_eq!(r.body["__type"], "ResourceNotFoundException");
    root(&svc, "POST", "/wharf/admin/user?user=a%2Bb%40c", b"").await;
    let r = call(
        &svc,
        &Creds::root(),
        "POST",
        "/wharf/admin/user?user=a%2Bb%40c",
        b"",
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (409, "ConflictException")
    );
    assert_eq!(r.message(), "User a+b@c already exists");
}

#[tokio::test]
async fn a_bearer_token_is_refused_even_roots() {
    // Tokens travel in sign-in links, widget attributes and logs: one must not be able to
    // create users or permanent access keys. Only SigV4 with the root key pair administers.
    let svc = service().await;
    let token = svc
        .state
        .keys
        .issue_token(&Caller::signed(ROOT_KEY), epoch_now() + 600);
    for (method, uri) in [
        ("POST", "/wharf/admin/user?user=ci"),
        ("GET", "/wharf/admin/users"),
        ("GET", "/wharf/admin/no-such-operation"),
    ] {
        let r = bearer(&svc, &token, method, uri, b"").await;
        assert_eq!(
            (r.status.as_u16(), r.error.as_str()),
            (403, "AccessDeniedException"),
            "{method} {uri}: {r:?}"
        );
        assert!(r.message().contains("SigV4"), "{r:?}");
    }
    assert!(svc.state.store.users().await.unwrap().is_empty());
    let r = call(
        &svc,
        &Creds::root(),
        "POST",
        "/wharf/admin/user?user=ci",
        b"",
    )
    .await;
    assert!(r.status.is_success(), "{r:?}");
}

#[tokio::test]
async fn an_iam_user_is_refused_whatever_its_policies_allow() {
    let svc = service().await;
    let everything = json!([
        {"Effect": "Allow", "Action": "codeartifact:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "Resource": "*"}
    ]);
    let admin_user = user(&svc, "admin", &[policy(everything)]).await;
    let caller = Caller::signed(admin_user.key.clone());
    let token = svc.state.keys.issue_token(&caller, epoch_now() + 600);
    let body = document(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]));
    let requests: [(&str, String, &[u8]); 9] = [
        ("POST", "/wharf/admin/user?user=mallory".into(), b""),
        ("DELETE", "/wharf/admin/user?user=admin".into(), b""),
        ("GET", "/wharf/admin/users".into(), b""),
        ("POST", "/wharf/admin/key?user=admin".into(), b""),
        (
            "POST",
            format!("/wharf/admin/key/revoke?access-key-id={}", admin_user.key),
            b"",
        ),
        ("PUT", attach_uri("admin", "more"), &body),
        ("DELETE", attach_uri("admin", "p0"), b""),
        ("GET", "/wharf/admin/policies?user=admin".into(), b""),
        ("GET", "/wharf/admin/no-such-operation".into(), b""),
    ];
    for (method, uri, body) in &requests {
        for r in [
            call(&svc, &admin_user, method, uri, body).await,
            bearer(&svc, &token, method, uri, body).await,
        ] {
            assert_eq!(
                (r.status.as_u16(), r.error.as_str()),
                (403, "AccessDeniedException"),
                "{method} {uri}: {r:?}"
            );
            assert_eq!(r.body["__type"], "AccessDeniedException");
            assert!(
                r.message().starts_with(&format!(
                    "User: {} is not authorized to perform: wharf:",
                    user_arn("admin")
                )),
                "{r:?}"
            );
        }
    }
    let r = call(
        &svc,
        &admin_user,
        "POST",
        "/wharf/admin/user?user=mallory",
        b"",
    )
    .await;
    assert!(r.message().contains("wharf:CreateUser"), "{r:?}");
    // Nothing changed: one user, its one active key and its one policy.
    let users = svc.state.store.users().await.unwrap();
    assert_eq!(users.len(), 1);
    let keys = svc.state.store.access_keys("admin").await.unwrap();
    assert_eq!((keys.len(), keys[0].revoked_time), (1, None));
    let policies = svc.state.store.user_policies("admin").await.unwrap();
    assert_eq!(
        policies.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["p0"]
    );
}

#[tokio::test]
async fn unsigned_and_badly_signed_requests_are_refused_as_everywhere() {
    let svc = service().await;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/wharf/admin/user?user=mallory")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = send(&svc, request).await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (403, "MissingAuthenticationTokenException")
    );
    assert_eq!(r.body["__type"], "MissingAuthenticationTokenException");

    let wrong = Creds {
        key: ROOT_KEY.into(),
        secret: "not-the-root-secret".into(),
    };
    let r = call(&svc, &wrong, "GET", "/wharf/admin/users", b"").await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (403, "InvalidSignatureException")
    );
    let unknown = Creds {
        key: "AKIANOSUCHKEY0000000".into(),
        secret: ROOT_SECRET.into(),
    };
    let r = call(
        &svc,
        &unknown,
        "POST",
        "/wharf/admin/user?user=mallory",
        b"",
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (400, "UnrecognizedClientException")
    );
    let r = bearer(&svc, "not-a-token", "GET", "/wharf/admin/users", b"").await;
    assert_eq!(
        (r.status.as_u16(), r.error.as_str()),
        (400, "UnrecognizedClientException")
    );
    assert!(svc.state.store.users().await.unwrap().is_empty());
}

#[tokio::test]
async fn bad_input_is_a_validation_exception_and_stores_nothing() {
    let svc = service().await;
    root(&svc, "POST", "/wharf/admin/user?user=promoter", b"").await;
    let refused = |r: Reply| {
        assert_eq!(
            (r.status.as_u16(), r.error.as_str()),
            (400, "ValidationException"),
            "{r:?}"
        );
        assert_eq!(r.body["__type"], "ValidationException");
        r.message().to_owned()
    };
    let root_creds = Creds::root();

    // A document that is no valid identity policy, for each reason wharf-policy knows.
    let bad_documents = [
        json!({"policyDocument": "{not json"}),
        json!({"policyDocument": json!({"Version": "2012-10-17"}).to_string()}),
        json!({"policyDocument": policy(json!([{"Effect": "Allow", "Action": "codeartifact:*",
            "Resource": "*", "Principal": "*"}])).to_string()}),
        json!({"policyDocument": policy(json!([{"Effect": "Allow", "Action": "codeartifact:*",
            "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}])).to_string()}),
        json!({"policyDocument": ""}),
        json!({}),
    ];
    for body in &bad_documents {
        let bytes = body.to_string().into_bytes();
        let uri = attach_uri("promoter", "p");
        let m = refused(call(&svc, &root_creds, "PUT", &uri, &bytes).await);
        assert!(m.contains("validation error"), "{m}");
    }
    let m = refused(call(&svc, &root_creds, "PUT", &attach_uri("promoter", "p"), b"{").await);
    assert!(m.contains("Could not parse request body into json"), "{m}");
    let m = refused(
        call(
            &svc,
            &root_creds,
            "PUT",
            &attach_uri("promoter", "p"),
            b"{}",
        )
        .await,
    );
    assert!(m.contains("Value 'null' at 'policyDocument'"), "{m}");
    assert!(
        svc.state
            .store
            .user_policies("promoter")
            .await
            .unwrap()
            .is_empty()
    );

    // Names outside IAM's alphabet, missing members, unknown or repeated members.
    let good =
        document(json!([{"Effect": "Allow", "Action": "codeartifact:List*", "Resource": "*"}]));
    let m = refused(
        call(
            &svc,
            &root_creds,
            "PUT",
            &attach_uri("promoter", "has space"),
            &good,
        )
        .await,
    );
    assert!(
        m.contains("Value 'has space' at 'policy' failed to satisfy constraint"),
        "{m}"
    );
    let m = refused(
        call(
            &svc,
            &root_creds,
            "POST",
            "/wharf/admin/user?user=a%2Fb",
            b"",
        )
        .await,
    );
    assert!(m.contains("Value 'a/b' at 'user'"), "{m}");
    let m = refused(call(&svc, &root_creds, "POST", "/wharf/admin/user", b"").await);
    assert!(m.contains("Value 'null' at 'user'"), "{m}");
    let m = refused(call(&svc, &root_creds, "POST", "/wharf/admin/user?name=x", b"").await);
    assert!(m.contains("unknown field"), "{m}");
    refused(
        call(
            &svc,
            &root_creds,
            "POST",
            "/wharf/admin/user?user=x&user=y",
            b"",
        )
        .await,
    );
    let m = refused(
        call(
            &svc,
            &root_creds,
            "POST",
            "/wharf/admin/key/revoke?access-key-id=short",
            b"",
        )
        .await,
    );
    assert!(m.contains("at 'accessKeyId'"), "{m}");
    assert_eq!(svc.state.store.users().await.unwrap().len(), 1);
    assert!(
        svc.state
            .store
            .user_policies("promoter")
            .await
            .unwrap()
            .is_empty()
    );

    // A method and path that is no admin operation.
    for (method, uri) in [
        ("PATCH", "/wharf/admin/user?user=x"),
        ("GET", "/wharf/admin/user/x"),
    ] {
        let r = call(&svc, &root_creds, method, uri, b"").await;
        assert_eq!(
            (r.status.as_u16(), r.error.as_str()),
            (404, "UnknownOperationException"),
            "{r:?}"
        );
    }
    // The same document is accepted once it is valid, and the text is stored as sent.
    root(&svc, "PUT", &attach_uri("promoter", "p"), &good).await;
    let stored = svc.state.store.user_policies("promoter").await.unwrap();
    let sent: Value = serde_json::from_slice(&good).unwrap();
    assert_eq!(stored[0].document, sent["policyDocument"].as_str().unwrap());
}
