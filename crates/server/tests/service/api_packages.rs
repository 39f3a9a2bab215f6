//! ListPackages filters and paging, DescribePackage and PutPackageOriginConfiguration.

use crate::common;

use common::{DOMAIN, TestApp, qs};
use serde_json::{Value, json};
use wharf_core::names::PackageVersionStatus::Published;

fn names(page: &Value) -> Vec<String> {
    page["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["package"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn list_packages_filters_by_format_namespace_and_prefix() {
    let app = TestApp::with_repos(&["repo"]).await;
    for p in ["alpha", "alpine", "beta"] {
        app.publish("repo", p, "1.0", p).await;
    }
    app.seed("repo", ("pypi", None, "alpaca"), "1.0", "x", Published)
        .await;
    let list = |more: Vec<(&'static str, Option<&'static str>)>| {
        let app = app.clone();
        async move {
            let mut pairs = vec![("domain", Some(DOMAIN)), ("repository", Some("repo"))];
            pairs.extend(more);
            app.call("POST", "/v1/packages", &qs(&pairs), None)
                .await
                .ok()
        }
    };
    assert_eq!(names(&list(vec![]).await).len(), 4);
    let generic = list(vec![("format", Some("generic"))]).await;
    assert_eq!(names(&generic), ["alpha", "alpine", "beta"]);
    assert_eq!(generic["packages"][0]["namespace"], "ns");
    let prefixed = list(vec![("package-prefix", Some("alp"))]).await;
    assert_eq!(prefixed["packages"].as_array().unwrap().len(), 3);
    // `namespace` is a prefix filter.
    assert_eq!(names(&list(vec![("namespace", Some("n"))]).await).len(), 3);
    assert!(names(&list(vec![("namespace", Some("x"))]).await).is_empty());
    let pypi = list(vec![("format", Some("pypi"))]).await;
    assert!(pypi["packages"][0].get("namespace").is_none());

    let first = list(vec![("max-results", Some("3"))]).await;
    assert_eq!(first["packages"].as_array().unwrap().len(), 3);
    let token = first["nextToken"].as_str().unwrap().to_owned();
    let mut pairs = vec![
        ("domain", Some(DOMAIN)),
        ("repository", Some("repo")),
        ("next-token", Some(token.as_str())),
    ];
    pairs.push(("max-results", Some("3")));
    let rest = app
        .call("POST", "/v1/packages", &qs(&pairs), None)
        .await
        .ok();
    assert_eq!(rest["packages"].as_array().unwrap().len(), 1);
    assert!(rest.get("nextToken").is_none());
}

#[tokio::test]
async fn origin_configuration_is_described_and_changed() {
    let app = TestApp::with_repos(&["repo"]).await;
    app.publish("repo", "tool", "1.0", "x").await;
    let q = TestApp::pkg_q("repo", "tool", &[]);
    let put = app
        .call(
            "POST",
            "/v1/package",
            &q,
            Some(json!({"restrictions": {"publish": "BLOCK", "upstream": "ALLOW"}})),
        )
        .await
        .ok();
    assert_eq!(
        put["originConfiguration"]["restrictions"],
        json!({"publish": "BLOCK", "upstream": "ALLOW"})
    );
    let d = app.call("GET", "/v1/package", &q, None).await.ok();
    assert_eq!(d["package"]["name"], "tool");
    assert_eq!(d["package"]["format"], "generic");
    assert_eq!(
        d["package"]["originConfiguration"]["restrictions"]["publish"],
        "BLOCK"
    );
    let filtered = app
        .call(
            "POST",
            "/v1/packages",
            &qs(&[
                ("domain", Some(DOMAIN)),
                ("repository", Some("repo")),
                ("publish", Some("BLOCK")),
            ]),
            None,
        )
        .await
        .ok();
    assert_eq!(names(&filtered), ["tool"]);
}
