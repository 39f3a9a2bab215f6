//! ListPackageVersions paging and filters; UpdatePackageVersionsStatus, DeletePackageVersions
//! and DisposePackageVersions outcome maps.

use crate::common;

use common::{TestApp, qs};
use serde_json::{Value, json};
use wharf_core::names::PackageVersionStatus::Published;

async fn five_versions() -> TestApp {
    let app = TestApp::with_repos(&["repo"]).await;
    for i in 1..=5 {
        app.publish("repo", "p", &format!("{i}.0"), &format!("content {i}"))
            .await;
    }
    app
}

fn names(page: &Value) -> Vec<String> {
    page["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn list_package_versions_pages_with_opaque_tokens() {
    let app = five_versions().await;
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = app
            .list_versions(
                "repo",
                "p",
                &[("max-results", Some("2")), ("next-token", token.as_deref())],
            )
            .await
            .ok();
        pages += 1;
        seen.extend(names(&page));
        assert_eq!(page["defaultDisplayVersion"], "5.0");
        match page.get("nextToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    // Default order: publish time ascending.
    assert_eq!(seen, ["1.0", "2.0", "3.0", "4.0", "5.0"]);
    // Exactly one full page has no token.
    let all = app
        .list_versions("repo", "p", &[("max-results", Some("5"))])
        .await
        .ok();
    assert!(all.get("nextToken").is_none());
    let newest = app
        .list_versions(
            "repo",
            "p",
            &[
                ("sortBy", Some("PUBLISHED_TIME")),
                ("max-results", Some("2")),
            ],
        )
        .await
        .ok();
    assert_eq!(names(&newest), ["5.0", "4.0"]);
    let t = newest["nextToken"].as_str().unwrap();
    let next = app
        .list_versions(
            "repo",
            "p",
            &[("sortBy", Some("PUBLISHED_TIME")), ("next-token", Some(t))],
        )
        .await
        .ok();
    assert_eq!(names(&next), ["3.0", "2.0", "1.0"]);
}

#[tokio::test]
async fn bad_paging_members_are_validation_errors() {
    let app = five_versions().await;
    for bad in ["0", "1001", "ten"] {
        app.list_versions("repo", "p", &[("max-results", Some(bad))])
            .await
            .err(400, "ValidationException");
    }
    app.list_versions("repo", "p", &[("next-token", Some("not-a-token"))])
        .await
        .err(400, "ValidationException");
    app.list_versions("repo", "p", &[("status", Some("Gone"))])
        .await
        .err(400, "ValidationException");
    let e = app
        .list_versions("repo", "nothing", &[])
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(e["resourceType"], "package");
}

async fn batch(app: &TestApp, op: &str, body: Value) -> Value {
    app.call(
        "POST",
        &format!("/v1/package/versions/{op}"),
        &TestApp::pkg_q("repo", "p", &[]),
        Some(body),
    )
    .await
    .ok()
}

#[tokio::test]
async fn update_status_reports_every_version_all_or_nothing() {
    let app = five_versions().await;
    let out = batch(
        &app,
        "update_status",
        json!({"versions": ["1.0", "2.0"], "targetStatus": "Archived"}),
    )
    .await;
    assert_eq!(out["successfulVersions"]["1.0"]["status"], "Archived");
    assert_eq!(out["failedVersions"], json!({}));
    let filtered = app
        .list_versions("repo", "p", &[("status", Some("Archived"))])
        .await
        .ok();
    assert_eq!(names(&filtered), ["1.0", "2.0"]);

    let out = batch(
        &app,
        "update_status",
        json!({"versions": ["1.0", "3.0", "9.0"], "expectedStatus": "Published", "targetStatus": "Unlisted"}),
    )
    .await;
    assert_eq!(
        out["failedVersions"],
        json!({
            "1.0": {"errorCode": "MISMATCHED_STATUS", "errorMessage": "current status: Archived, expected status: Published"},
            "3.0": {"errorCode": "SKIPPED", "errorMessage": "version 3.0 is skipped"},
            "9.0": {"errorCode": "NOT_FOUND", "errorMessage": "Could not find version 9.0"}
        })
    );
    assert_eq!(out["successfulVersions"], json!({}));
    let still = app
        .list_versions("repo", "p", &[("status", Some("Published"))])
        .await
        .ok();
    assert_eq!(names(&still), ["3.0", "4.0", "5.0"]);

    let out = batch(
        &app,
        "update_status",
        json!({"versions": ["3.0"], "versionRevisions": {"3.0": "stale"}, "targetStatus": "Unlisted"}),
    )
    .await;
    assert_eq!(
        out["failedVersions"]["3.0"]["errorCode"],
        "MISMATCHED_REVISION"
    );
    // Unfinished and Disposed are never targets.
    for target in ["Unfinished", "Disposed", "Deleted"] {
        app.call(
            "POST",
            "/v1/package/versions/update_status",
            &TestApp::pkg_q("repo", "p", &[]),
            Some(json!({"versions": ["3.0"], "targetStatus": target})),
        )
        .await
        .err(400, "ValidationException");
    }
}

#[tokio::test]
async fn delete_removes_versions_and_dispose_removes_assets() {
    let app = five_versions().await;
    let out = batch(&app, "delete", json!({"versions": ["1.0"]})).await;
    assert_eq!(out["successfulVersions"]["1.0"]["status"], "Deleted");
    assert!(!names(&app.list_versions("repo", "p", &[]).await.ok()).contains(&"1.0".into()));
    // A deleted version may be published again.
    app.publish("repo", "p", "1.0", "again").await;

    let out = batch(
        &app,
        "dispose",
        json!({"versions": ["2.0"], "expectedStatus": "Published"}),
    )
    .await;
    assert_eq!(out["successfulVersions"]["2.0"]["status"], "Disposed");
    let get = app
        .call(
            "GET",
            "/v1/package/version/asset",
            &TestApp::pkg_q(
                "repo",
                "p",
                &[("version", Some("2.0")), ("asset", Some("a.txt"))],
            ),
            None,
        )
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(get["resourceType"], "asset");
    // A disposed version can only be deleted.
    let out = batch(
        &app,
        "update_status",
        json!({"versions": ["2.0"], "targetStatus": "Published"}),
    )
    .await;
    assert_eq!(
        out["failedVersions"]["2.0"]["errorCode"],
        "MISMATCHED_STATUS"
    );
    let out = batch(&app, "delete", json!({"versions": ["2.0", "7.0"]})).await;
    assert_eq!(out["failedVersions"]["2.0"]["errorCode"], "SKIPPED");
    assert_eq!(out["failedVersions"]["7.0"]["errorCode"], "NOT_FOUND");
    // 101 versions is too many.
    let many: Vec<String> = (0..101).map(|i| format!("{i}")).collect();
    app.call(
        "POST",
        "/v1/package/versions/delete",
        &TestApp::pkg_q("repo", "p", &[]),
        Some(json!({"versions": many})),
    )
    .await
    .err(400, "ValidationException");
}

#[tokio::test]
async fn default_display_version_skips_unpublished_versions() {
    let app = TestApp::with_repos(&["repo"]).await;
    let pypi = ("pypi", None, "flask");
    app.seed("repo", pypi, "1.0", "a", Published).await;
    app.seed(
        "repo",
        pypi,
        "2.0",
        "b",
        wharf_core::names::PackageVersionStatus::Unlisted,
    )
    .await;
    let list = app
        .call(
            "POST",
            "/v1/package/versions",
            &qs(&[
                ("domain", Some(common::DOMAIN)),
                ("repository", Some("repo")),
                ("format", Some("pypi")),
                ("package", Some("flask")),
                ("originType", Some("EXTERNAL")),
            ]),
            None,
        )
        .await
        .ok();
    assert_eq!(list["defaultDisplayVersion"], "1.0");
    assert_eq!(names(&list), ["1.0", "2.0"]);
    assert!(list.get("namespace").is_none());
}
