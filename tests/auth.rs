//! Authentication through the real clients: SigV4 failures as the `aws` CLI reports them,
//! GetAuthorizationToken through the CLI and the bearer token it returns used on a plain HTTP
//! request, anonymous callers.

use serde_json::json;
use std::time::{SystemTime, UNIX_EPOCH};
use wharf_e2e::http;
use wharf_e2e::{ServerFixture, create_domain};

fn domain_names(listed: &serde_json::Value) -> Vec<&str> {
    listed["domains"]
        .as_array()
        .expect("a domains list")
        .iter()
        .map(|d| d["name"].as_str().unwrap_or_default())
        .collect()
}

#[test]
fn the_cli_reports_a_wrong_secret_and_an_unknown_key() {
    let fx = ServerFixture::start();
    let aws = fx.aws();
    create_domain(&aws, "my-domain", &[]);

    let wrong_secret = aws.with_env("AWS_SECRET_ACCESS_KEY", &format!("x{}", fx.secret()));
    wrong_secret
        .cli("list-domains")
        .run()
        .expect_error("InvalidSignatureException");
    let unknown_key = aws.with_env("AWS_ACCESS_KEY_ID", "AKIANOTAKEYOFTHISONE");
    let message = unknown_key
        .cli("list-domains")
        .run()
        .expect_error("UnrecognizedClientException")
        .to_owned();
    assert_eq!(
        message,
        "The security token included in the request is invalid."
    );
    // Refused writes change nothing.
    for refused in [&wrong_secret, &unknown_key] {
        refused
            .cli("delete-domain")
            .args(["--domain", "my-domain"])
            .run();
        refused
            .cli("create-domain")
            .args(["--domain", "other-domain"])
            .run();
    }
    assert_eq!(domain_names(&aws.cli("list-domains").ok()), ["my-domain"]);
}

#[test]
fn a_token_from_get_authorization_token_is_accepted_as_a_bearer_token() {
    let fx = ServerFixture::start();
    let aws = fx.aws();
    create_domain(&aws, "my-domain", &[("repo-1", &[])]);
    let out = aws
        .cli("get-authorization-token")
        .args(["--domain", "my-domain", "--duration-seconds", "900"])
        .ok();
    let token = out["authorizationToken"].as_str().expect("a token");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs_f64();
    let expires = out["expiration"]
        .as_f64()
        .expect("an epoch-seconds expiration");
    assert!(
        (now + 800.0..=now + 901.0).contains(&expires),
        "expiration {expires} is not about 900 s after {now}"
    );

    let bearer = format!("Bearer {token}");
    let listed = http::request(
        fx.endpoint(),
        "POST",
        "/v1/domains",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        b"{}",
    )
    .expect("ListDomains with the token");
    assert_eq!(
        listed.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&listed.body)
    );
    assert_eq!(domain_names(&listed.json()), ["my-domain"]);

    let described = http::request(
        fx.endpoint(),
        "GET",
        "/v1/repository?domain=my-domain&repository=repo-1",
        &[("Authorization", &bearer)],
        b"",
    )
    .expect("DescribeRepository with the token");
    assert_eq!(described.status, 200);
    assert_eq!(described.json()["repository"]["name"], json!("repo-1"));

    // A token with one character changed is refused.
    let mut forged: Vec<char> = token.chars().collect();
    let i = forged.len() / 2;
    forged[i] = if forged[i] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    let refused = http::request(
        fx.endpoint(),
        "POST",
        "/v1/domains",
        &[("Authorization", &format!("Bearer {forged}"))],
        b"{}",
    )
    .expect("a reply");
    assert!(
        matches!(refused.status, 400 | 403),
        "a forged token got {}",
        refused.status
    );
    assert!(
        matches!(
            refused.header("x-amzn-errortype"),
            Some("UnrecognizedClientException" | "InvalidSignatureException")
        ),
        "{:?}",
        refused.headers
    );

    // Durations outside 0 and 900..=43200 are refused by the server (botocore checks only
    // the minimum, 0).
    for bad in ["1", "899", "43201"] {
        aws.cli("get-authorization-token")
            .args(["--domain", "my-domain", "--duration-seconds", bad])
            .run()
            .expect_error("ValidationException");
    }
    aws.cli("get-authorization-token")
        .args(["--domain", "no-such-domain"])
        .run()
        .expect_error("ResourceNotFoundException");
}

#[test]
fn anonymous_callers_get_only_the_health_check() {
    let fx = ServerFixture::start();
    let health = http::request(fx.endpoint(), "GET", "/health", &[], b"").expect("health");
    assert_eq!(health.status, 200);
    let refused = http::request(fx.endpoint(), "POST", "/v1/domains", &[], b"{}").expect("a reply");
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.header("x-amzn-errortype"),
        Some("MissingAuthenticationTokenException")
    );
}
