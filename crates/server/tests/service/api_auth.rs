//! Authentication: SigV4 as root, bearer tokens from GetAuthorizationToken, and the errors
//! botocore knows for everything else.

use crate::common;

use common::{Auth, DOMAIN, REGION, SECRET, TestApp, qs};
use wharf_server::auth::Caller;

fn token_query(duration: Option<&str>) -> String {
    qs(&[("domain", Some(DOMAIN)), ("duration", duration)])
}

#[tokio::test]
async fn anonymous_requests_are_missing_a_token() {
    let app = TestApp::new().await;
    let e = app
        .send("POST", "/v1/domains", "", Vec::new(), &[], Auth::None)
        .await
        .err(403, "MissingAuthenticationTokenException");
    assert!(!e["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn a_wrong_signature_is_invalid() {
    let app = TestApp::new().await;
    app.send("POST", "/v1/domains", "", Vec::new(), &[], Auth::Tampered)
        .await
        .err(403, "InvalidSignatureException");
    // Signed for another region.
    app.send(
        "POST",
        "/v1/domains",
        "",
        Vec::new(),
        &[],
        Auth::Keys {
            id: common::ACCESS_KEY_ID.into(),
            secret: SECRET.into(),
            region: "eu-west-1".into(),
        },
    )
    .await
    .err(403, "InvalidSignatureException");
    // More than 15 minutes off.
    let old = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 3600;
    app.send("POST", "/v1/domains", "", Vec::new(), &[], Auth::At(old))
        .await
        .err(403, "InvalidSignatureException");
}

#[tokio::test]
async fn an_unknown_key_is_unrecognized() {
    let app = TestApp::new().await;
    app.send(
        "POST",
        "/v1/domains",
        "",
        Vec::new(),
        &[],
        Auth::Keys {
            id: "AKIAUNKNOWNUNKNOWN00".into(),
            secret: SECRET.into(),
            region: REGION.into(),
        },
    )
    .await
    .err(400, "UnrecognizedClientException");
}

#[tokio::test]
async fn bearer_tokens_from_get_authorization_token_are_accepted() {
    let app = TestApp::new().await;
    app.create_domain(DOMAIN).await;
    let t = app
        .call(
            "POST",
            "/v1/authorization-token",
            &token_query(Some("900")),
            None,
        )
        .await
        .ok();
    let token = t["authorizationToken"].as_str().unwrap().to_owned();
    let expiration = t["expiration"].as_f64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((expiration - now - 900.0).abs() < 5.0);
    let list = app
        .send(
            "POST",
            "/v1/domains",
            "",
            Vec::new(),
            &[],
            Auth::Bearer(token.clone()),
        )
        .await
        .ok();
    assert_eq!(list["domains"][0]["name"], DOMAIN);
    // The default lifetime is 12 hours, and 0 means the default for the root keys.
    for d in [None, Some("0")] {
        let t = app
            .call("POST", "/v1/authorization-token", &token_query(d), None)
            .await
            .ok();
        assert!((t["expiration"].as_f64().unwrap() - now - 43_200.0).abs() < 5.0);
    }
    // A token that is not ours.
    app.send(
        "POST",
        "/v1/domains",
        "",
        Vec::new(),
        &[],
        Auth::Bearer(format!("{token}x")),
    )
    .await
    .err(400, "UnrecognizedClientException");
}

#[tokio::test]
async fn a_token_minted_with_a_token_expires_no_later_than_it() {
    // Tokens do not renew themselves: GetAuthorizationToken called with a bearer token gives a
    // token that ends when the caller's does, however long it asks for; SigV4 callers get the
    // full duration (above).
    let app = TestApp::new().await;
    app.create_domain(DOMAIN).await;
    let limit = wharf_server::auth::epoch_now() + 1_000;
    let mut token = app
        .state
        .keys
        .issue_token(&Caller::signed(common::ACCESS_KEY_ID), limit);
    for duration in [None, Some("43200"), Some("0"), Some("900")] {
        let t = app
            .send(
                "POST",
                "/v1/authorization-token",
                &token_query(duration),
                Vec::new(),
                &[],
                Auth::Bearer(token.clone()),
            )
            .await
            .ok();
        let expiration = t["expiration"].as_f64().unwrap() as i64;
        let minted = t["authorizationToken"].as_str().unwrap().to_owned();
        let caller = app
            .state
            .keys
            .verify_any_token(&minted, wharf_server::auth::epoch_now())
            .expect("a valid token");
        if duration == Some("900") {
            assert!(expiration < limit, "a shorter token stays shorter");
        } else {
            assert_eq!(expiration, limit, "duration {duration:?}");
        }
        assert_eq!(
            caller.token_expires,
            Some(expiration),
            "the token says the same"
        );
        // The next round mints with the token just minted: the chain never grows.
        token = minted;
    }
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let app = TestApp::new().await;
    let caller = Caller::signed(common::ACCESS_KEY_ID);
    let expired = app.state.keys.issue_token(&caller, 1_000);
    let r = app
        .send(
            "POST",
            "/v1/domains",
            "",
            Vec::new(),
            &[],
            Auth::Bearer(expired),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.error_type(), Some("ExpiredTokenException"));
}

#[tokio::test]
async fn token_durations_outside_the_model_are_invalid() {
    let app = TestApp::new().await;
    app.create_domain(DOMAIN).await;
    for bad in ["1", "899", "43201", "soon"] {
        app.call(
            "POST",
            "/v1/authorization-token",
            &token_query(Some(bad)),
            None,
        )
        .await
        .err(400, "ValidationException");
    }
    let e = app
        .call(
            "POST",
            "/v1/authorization-token",
            &qs(&[("domain", Some("nope"))]),
            None,
        )
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(e["resourceType"], "domain");
}
