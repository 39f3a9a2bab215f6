//! Fuzzing by property: malformed Authorization headers, bearer tokens, policy documents and
//! requests never panic and never grant access.

use crate::support::iam as support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use support::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// A domain with one repository, and `nobody`, a user without policies.
async fn fixture() -> (Svc, Creds) {
    let svc = service().await;
    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    root_ok(
        &svc,
        "POST",
        "/v1/repository?domain=dom&repository=repo",
        b"",
    )
    .await;
    let nobody = user(&svc, "nobody", &[]).await;
    (svc, nobody)
}

#[test]
fn malformed_authorization_never_gets_in() {
    let rt = runtime();
    let (svc, _) = rt.block_on(fixture());
    let valid = signed(&Creds::root(), "POST", "/v1/domains", b"");
    let header = valid.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    let date = valid.headers()["x-amz-date"].to_str().unwrap().to_owned();
    let sig_at = header.find("Signature=").unwrap() + "Signature=".len();
    let strategy = prop_oneof![
        any::<String>(),
        "\\PC*".prop_map(|s| format!("AWS4-HMAC-SHA256 {s}")),
        "\\PC*".prop_map(|s| format!("Bearer {s}")),
        "[A-Za-z0-9=,/ ;:-]{0,200}".prop_map(|s| format!("AWS4-HMAC-SHA256 Credential={s}")),
        // The valid header with one signature character changed.
        (0..64usize, "[0-9a-f]").prop_filter_map("a change", {
            let header = header.clone();
            move |(i, c)| {
                let mut h = header.clone().into_bytes();
                let old = h[sig_at + i];
                h[sig_at + i] = c.as_bytes()[0];
                (old != h[sig_at + i]).then(|| String::from_utf8(h).unwrap())
            }
        }),
        // The valid header cut short.
        (0..header.len()).prop_map({
            let header = header.clone();
            move |n| header[..n].to_owned()
        }),
    ];
    runner(512)
        .run(&strategy, |h| {
            let Ok(value) = axum::http::HeaderValue::from_str(&h) else {
                return Ok(());
            };
            let request = axum::http::Request::builder()
                .method("POST")
                .uri("/v1/domains")
                .header("host", "localhost")
                .header("x-amz-date", &date)
                .header("authorization", value)
                .body(axum::body::Body::empty())
                .unwrap();
            let r = rt.block_on(send(&svc, request));
            prop_assert!(!r.status.is_success(), "{h:?} got in: {r:?}");
            prop_assert!(!r.error.is_empty(), "{h:?}: {r:?}");
            Ok(())
        })
        .unwrap();
}

#[test]
fn arbitrary_policy_documents_never_panic() {
    let json_leaf = prop_oneof![
        Just(json!(null)),
        any::<bool>().prop_map(|b| json!(b)),
        any::<i64>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "Allow",
            "Deny",
            "*",
            "codeartifact:*",
            "codeartifact:Describe*",
            "2012-10-17",
            "2008-10-17",
            "arn:aws:codeartifact:us-east-1:000000000000:repository/dom/*",
            "arn:aws:iam::000000000000:user/nobody",
            "000000000000",
            "${aws:username}",
            "",
        ])
        .prop_map(|s| json!(s)),
        "\\PC{0,12}".prop_map(|s| json!(s)),
    ];
    let keys = prop::sample::select(vec![
        "Version",
        "Statement",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "AWS",
        "Sid",
        "Condition",
        "Id",
        "x",
    ]);
    let value = json_leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6).prop_map(|m| json!(
                m.into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<serde_json::Map<_, _>>()
            )),
        ]
    });
    let text = prop_oneof![value.prop_map(|v| v.to_string()), any::<String>()];
    runner(2048)
        .run(&text, |t| {
            let _ = wharf_policy::PolicyDocument::parse_identity(&t);
            let _ = wharf_policy::PolicyDocument::parse_resource(&t);
            Ok(())
        })
        .unwrap();
}

#[test]
fn rejected_resource_policies_grant_nothing() {
    let rt = runtime();
    let (svc, nobody) = rt.block_on(fixture());
    let grant = policy(
        json!([{"Effect": "Allow", "Principal": "*", "Action": "codeartifact:*", "Resource": "*"}]),
    )
    .to_string();
    let put = "/v1/repository/permissions/policy?domain=dom&repository=repo";
    let describe = "/v1/repository?domain=dom&repository=repo";
    // The granting document with one byte removed or replaced.
    let strategy = (0..grant.len(), prop::option::of(any::<char>())).prop_map(move |(i, c)| {
        let mut chars: Vec<char> = grant.chars().collect();
        match c {
            Some(c) => chars[i] = c,
            None => {
                chars.remove(i);
            }
        }
        chars.into_iter().collect::<String>()
    });
    runner(256)
        .run(&strategy, |doc| {
            rt.block_on(async {
                let body = json!({ "policyDocument": doc }).to_string();
                let r = call(&svc, &Creds::root(), "PUT", put, body.as_bytes()).await;
                if r.status.is_success() {
                    // Still a valid policy: take it away again.
                    root_ok(
                        &svc,
                        "DELETE",
                        "/v1/repository/permissions/policies?domain=dom&repository=repo",
                        b"",
                    )
                    .await;
                    return Ok(());
                }
                prop_assert_eq!(&r.error, "ValidationException", "{:?}", r);
                let r = call(&svc, &nobody, "GET", describe, b"").await;
                prop_assert_eq!(&r.error, "AccessDeniedException", "{:?}", r);
                Ok(())
            })
        })
        .unwrap();
}

#[test]
fn arbitrary_requests_by_a_user_without_policies_are_never_served() {
    let rt = runtime();
    let (svc, nobody) = rt.block_on(fixture());
    let mut paths: Vec<String> = wharf_core::api::OPERATIONS
        .iter()
        .map(|(_, _, p)| p.to_string())
        .collect();
    paths.extend(
        [
            "/v1/domain/",
            "/v1//domain",
            "/v1/DOMAIN",
            "/v1/package/versions/copy/",
            "/v1/x",
        ]
        .map(String::from),
    );
    let key = prop::sample::select(vec![
        "domain",
        "domain-owner",
        "repository",
        "source-repository",
        "destination-repository",
        "format",
        "namespace",
        "package",
        "version",
        "asset",
        "max-results",
        "policy-revision",
        "x",
    ]);
    let val = prop_oneof![
        prop::sample::select(vec![
            "dom",
            "repo",
            "generic",
            "npm",
            "*",
            "000000000000",
            "",
            "a/b",
            "dom/repo"
        ])
        .prop_map(String::from),
        "\\PC{0,16}",
    ];
    let strategy = (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
        prop_oneof![prop::sample::select(paths), "/[a-z/_-]{0,30}"],
        prop::collection::vec((key, val), 0..8),
        prop_oneof![
            Just(Vec::new()),
            any::<Vec<u8>>(),
            Just(br#"{"domain": "dom", "policyDocument": "{}"}"#.to_vec()),
            Just(br#"{"upstreams": [{"repositoryName": "repo"}]}"#.to_vec()),
        ],
    );
    runner(512)
        .run(&strategy, |(method, path, pairs, body)| {
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&pairs)
                .finish();
            let uri = if query.is_empty() {
                path.clone()
            } else {
                format!("{path}?{query}")
            };
            let r = rt.block_on(call(&svc, &nobody, method, &uri, &body));
            prop_assert!(!r.status.is_success(), "{method} {uri} was served: {r:?}");
            Ok(())
        })
        .unwrap();
}
