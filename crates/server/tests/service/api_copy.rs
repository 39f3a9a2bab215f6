//! CopyPackageVersions through the router: every per-version outcome, upstreams, request-level
//! errors, and concurrent overlapping copies.

use crate::common;

use common::{DOMAIN, TestApp, qs};
use serde_json::{Value, json};
use wharf_core::names::PackageVersionStatus::{Archived, Published};

async fn two_versions() -> (TestApp, String, String) {
    let app = TestApp::with_repos(&["src", "dst"]).await;
    let r1 = app.publish("src", "p", "1.0", "one").await;
    let r2 = app.publish("src", "p", "2.0", "two").await;
    (app, r1, r2)
}

#[tokio::test]
async fn copies_new_versions_by_reference() {
    let (app, r1, r2) = two_versions().await;
    let out = app
        .copy("src", "dst", "p", json!({"versions": ["1.0", "2.0"]}))
        .await
        .ok();
    assert_eq!(
        out,
        json!({
            "successfulVersions": {
                "1.0": {"revision": r1, "status": "Published"},
                "2.0": {"revision": r2, "status": "Published"}
            },
            "failedVersions": {}
        })
    );
    assert_eq!(
        app.versions_of("dst", "p").await,
        app.versions_of("src", "p").await
    );
    // The copy keeps the origin, and its bytes are the source's.
    let list = app.list_versions("dst", "p", &[]).await.ok();
    assert_eq!(
        list["versions"][0]["origin"]["domainEntryPoint"]["repositoryName"],
        "src"
    );
    let get = app
        .call(
            "GET",
            "/v1/package/version/asset",
            &TestApp::pkg_q(
                "dst",
                "p",
                &[("version", Some("2.0")), ("asset", Some("a.txt"))],
            ),
            None,
        )
        .await;
    assert_eq!(get.bytes, b"two");
    // The destination package was created with the origin controls of an internal version.
    let pkg = app
        .call("GET", "/v1/package", &TestApp::pkg_q("dst", "p", &[]), None)
        .await
        .ok();
    assert_eq!(
        pkg["package"]["originConfiguration"]["restrictions"],
        json!({"publish": "ALLOW", "upstream": "BLOCK"})
    );
}

#[tokio::test]
async fn copying_identical_versions_again_is_a_silent_no_op() {
    let (app, ..) = two_versions().await;
    app.copy("src", "dst", "p", json!({"versions": ["1.0", "2.0"]}))
        .await
        .ok();
    let again = app
        .copy("src", "dst", "p", json!({"versions": ["1.0", "2.0"]}))
        .await
        .ok();
    assert_eq!(
        again,
        json!({"successfulVersions": {}, "failedVersions": {}})
    );
}

#[tokio::test]
async fn a_differing_destination_version_fails_and_skips_the_rest() {
    let (app, ..) = two_versions().await;
    let theirs = app.publish("dst", "p", "1.0", "different").await;
    let before = app.versions_of("dst", "p").await;
    let out = app
        .copy("src", "dst", "p", json!({"versions": ["1.0", "2.0"]}))
        .await
        .ok();
    assert_eq!(
        out,
        json!({
            "successfulVersions": {},
            "failedVersions": {
                "1.0": {"errorCode": "ALREADY_EXISTS", "errorMessage": "Version 1.0 already exists"},
                "2.0": {"errorCode": "SKIPPED", "errorMessage": "Version 2.0 was skipped"}
            }
        })
    );
    // Nothing was written.
    assert_eq!(app.versions_of("dst", "p").await, before);
    assert_eq!(before[0].1, theirs);
}

#[tokio::test]
async fn allow_overwrite_replaces_a_differing_version() {
    let (app, r1, _) = two_versions().await;
    app.publish("dst", "p", "1.0", "different").await;
    let out = app
        .copy(
            "src",
            "dst",
            "p",
            json!({"versions": ["1.0"], "allowOverwrite": true}),
        )
        .await
        .ok();
    assert_eq!(out["successfulVersions"]["1.0"]["revision"], r1.as_str());
    let dst = app.versions_of("dst", "p").await;
    assert_eq!(dst, vec![("1.0".into(), r1, "Published".into())]);
    let get = app
        .call(
            "GET",
            "/v1/package/version/asset",
            &TestApp::pkg_q(
                "dst",
                "p",
                &[("version", Some("1.0")), ("asset", Some("a.txt"))],
            ),
            None,
        )
        .await;
    assert_eq!(get.bytes, b"one");
}

#[tokio::test]
async fn version_revisions_must_match() {
    let (app, r1, r2) = two_versions().await;
    let out = app
        .copy(
            "src",
            "dst",
            "p",
            json!({"versionRevisions": {"1.0": r1, "2.0": "stale"}}),
        )
        .await
        .ok();
    assert_eq!(
        out["failedVersions"]["2.0"]["errorCode"],
        "MISMATCHED_REVISION"
    );
    assert_eq!(
        out["failedVersions"]["2.0"]["errorMessage"],
        format!("current revision: {r2}, expected revision: stale")
    );
    assert_eq!(out["failedVersions"]["1.0"]["errorCode"], "SKIPPED");
    assert!(app.versions_of("dst", "p").await.is_empty());
    let ok = app
        .copy("src", "dst", "p", json!({"versionRevisions": {"1.0": r1}}))
        .await
        .ok();
    assert_eq!(ok["successfulVersions"]["1.0"]["revision"], r1.as_str());
}

#[tokio::test]
async fn a_missing_version_is_not_found_and_skips_the_rest() {
    let (app, ..) = two_versions().await;
    let out = app
        .copy("src", "dst", "p", json!({"versions": ["1.0", "9.9"]}))
        .await
        .ok();
    assert_eq!(
        out["failedVersions"],
        json!({
            "1.0": {"errorCode": "SKIPPED", "errorMessage": "Version 1.0 was skipped"},
            "9.9": {"errorCode": "NOT_FOUND", "errorMessage": "Could not find version 9.9"}
        })
    );
    assert!(app.versions_of("dst", "p").await.is_empty());
}

#[tokio::test]
async fn uncopyable_statuses_are_mismatched_status() {
    let app = TestApp::with_repos(&["src", "dst"]).await;
    let pypi = ("pypi", None, "requests");
    app.seed("src", pypi, "1.0", "x", Archived).await;
    let out = copy_pypi(&app, "src", json!({"versions": ["1.0"]}))
        .await
        .ok();
    assert_eq!(
        out["failedVersions"]["1.0"]["errorCode"],
        "MISMATCHED_STATUS"
    );
}

async fn copy_pypi(app: &TestApp, src: &str, body: Value) -> common::Reply {
    let q = qs(&[
        ("domain", Some(DOMAIN)),
        ("source-repository", Some(src)),
        ("destination-repository", Some("dst")),
        ("format", Some("pypi")),
        ("package", Some("requests")),
    ]);
    app.call("POST", "/v1/package/versions/copy", &q, Some(body))
        .await
}

#[tokio::test]
async fn upstream_versions_need_include_from_upstream() {
    let app = TestApp::with_repos(&["up", "dst"]).await;
    app.create_repo("src", &["up"]).await.ok();
    let pypi = ("pypi", None, "requests");
    let rev = app.seed("up", pypi, "2.31.0", "wheel", Published).await;
    // Without includeFromUpstream the source has no such package.
    let e = copy_pypi(&app, "src", json!({"versions": ["2.31.0"]}))
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(e["resourceType"], "package");
    let out = copy_pypi(
        &app,
        "src",
        json!({"versions": ["2.31.0"], "includeFromUpstream": true}),
    )
    .await
    .ok();
    assert_eq!(
        out["successfulVersions"]["2.31.0"],
        json!({"revision": rev, "status": "Published"})
    );
    let list = app
        .call(
            "POST",
            "/v1/package/versions",
            &qs(&[
                ("domain", Some(DOMAIN)),
                ("repository", Some("dst")),
                ("format", Some("pypi")),
                ("package", Some("requests")),
            ]),
            None,
        )
        .await
        .ok();
    assert_eq!(list["versions"][0]["origin"]["originType"], "EXTERNAL");
    assert!(list.get("namespace").is_none());
    // An external version creates the destination package as upstream-fed.
    let pkg = app
        .call(
            "GET",
            "/v1/package",
            &qs(&[
                ("domain", Some(DOMAIN)),
                ("repository", Some("dst")),
                ("format", Some("pypi")),
                ("package", Some("requests")),
            ]),
            None,
        )
        .await
        .ok();
    assert_eq!(
        pkg["package"]["originConfiguration"]["restrictions"],
        json!({"publish": "BLOCK", "upstream": "ALLOW"})
    );
}

#[tokio::test]
async fn missing_domain_repository_and_package_are_404s_with_their_type() {
    let (app, ..) = two_versions().await;
    let e = app
        .copy("src", "nowhere", "p", json!({"versions": ["1.0"]}))
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(e["resourceType"], "repository");
    assert_eq!(e["resourceId"], "nowhere");
    let e = app
        .copy("src", "dst", "absent", json!({"versions": ["1.0"]}))
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(e["resourceType"], "package");
    let q = qs(&[
        ("domain", Some("other")),
        ("source-repository", Some("src")),
        ("destination-repository", Some("dst")),
        ("format", Some("generic")),
        ("namespace", Some("ns")),
        ("package", Some("p")),
    ]);
    let e = app
        .call(
            "POST",
            "/v1/package/versions/copy",
            &q,
            Some(json!({"versions": ["1.0"]})),
        )
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(e["resourceType"], "domain");
    app.copy("src", "src", "p", json!({"versions": ["1.0"]}))
        .await
        .err(400, "ValidationException");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_overlapping_copies_end_consistent() {
    let app = TestApp::with_repos(&["src", "dst"]).await;
    let mut revisions = Vec::new();
    for i in 0..10 {
        let v = format!("1.{i}");
        revisions.push((
            v.clone(),
            app.publish("src", "p", &v, &format!("c{i}")).await,
        ));
    }
    let mut tasks = Vec::new();
    for t in 0..8usize {
        let app = app.clone();
        // Overlapping windows of four versions.
        let versions: Vec<String> = (t..t + 4).map(|i| format!("1.{}", i % 10)).collect();
        tasks.push(tokio::spawn(async move {
            app.copy("src", "dst", "p", json!({"versions": versions}))
                .await
                .ok()
        }));
    }
    let mut copied = std::collections::BTreeMap::new();
    for t in tasks {
        let out = t.await.unwrap();
        assert_eq!(out["failedVersions"], json!({}), "{out}");
        for (v, info) in out["successfulVersions"].as_object().unwrap() {
            // Each version is copied by exactly one task; the others see a no-op.
            assert!(
                copied.insert(v.clone(), info.clone()).is_none(),
                "{v} twice"
            );
        }
    }
    let dst = app.versions_of("dst", "p").await;
    let expected: Vec<_> = revisions
        .iter()
        .filter(|(v, _)| copied.contains_key(v))
        .map(|(v, r)| (v.clone(), r.clone(), "Published".to_owned()))
        .collect();
    assert_eq!(dst, expected);
    assert_eq!(dst.len(), 10);
}
