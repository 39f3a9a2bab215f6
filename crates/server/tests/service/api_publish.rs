//! PublishPackageVersion, then reading the version back: list, describe, assets, bytes.

use crate::common;

use common::{Auth, DOMAIN, TestApp, qs};
use serde_json::json;
use wharf_core::revision::{VersionContent, compute_revision};

#[tokio::test]
async fn publish_then_list_describe_and_get_the_asset() {
    let app = TestApp::with_repos(&["repo"]).await;
    let p = app
        .publish_raw("repo", "tool", "1.0.0", "tool.bin", b"hello world\n", false)
        .await
        .ok();
    assert_eq!(p["status"], "Published");
    assert_eq!(p["format"], "generic");
    assert_eq!(p["namespace"], "ns");
    assert_eq!(p["asset"]["size"], 12);
    assert_eq!(
        p["asset"]["hashes"]["SHA-256"],
        "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447"
    );
    assert_eq!(
        p["asset"]["hashes"]["MD5"],
        "6f5902ac237024bdd0c176cb93063dc4"
    );
    // The revision is the core's, over the version's assets and metadata.
    let asset: wharf_core::api::AssetSummary = serde_json::from_value(p["asset"].clone()).unwrap();
    let expected = compute_revision(&VersionContent {
        assets: vec![asset],
        metadata: Default::default(),
    });
    assert_eq!(p["versionRevision"], expected.to_string());

    let list = app.list_versions("repo", "tool", &[]).await.ok();
    assert_eq!(list["versions"][0]["version"], "1.0.0");
    assert_eq!(list["versions"][0]["status"], "Published");
    assert_eq!(
        list["versions"][0]["origin"],
        json!({"domainEntryPoint": {"repositoryName": "repo"}, "originType": "INTERNAL"})
    );
    assert_eq!(list["defaultDisplayVersion"], "1.0.0");
    assert_eq!(list["namespace"], "ns");

    let v = app
        .call(
            "GET",
            "/v1/package/version",
            &TestApp::pkg_q("repo", "tool", &[("version", Some("1.0.0"))]),
            None,
        )
        .await
        .ok();
    assert_eq!(v["packageVersion"]["packageName"], "tool");
    assert_eq!(v["packageVersion"]["revision"], p["versionRevision"]);
    assert!(v["packageVersion"]["publishedTime"].as_f64().unwrap() > 1.7e9);

    let pkg = app
        .call(
            "GET",
            "/v1/package",
            &TestApp::pkg_q("repo", "tool", &[]),
            None,
        )
        .await
        .ok();
    assert_eq!(
        pkg["package"]["originConfiguration"]["restrictions"],
        json!({"publish": "ALLOW", "upstream": "BLOCK"})
    );

    let assets = app
        .call(
            "POST",
            "/v1/package/version/assets",
            &TestApp::pkg_q("repo", "tool", &[("version", Some("1.0.0"))]),
            None,
        )
        .await
        .ok();
    assert_eq!(assets["assets"][0]["name"], "tool.bin");
    assert_eq!(assets["versionRevision"], p["versionRevision"]);

    let get = app
        .call(
            "GET",
            "/v1/package/version/asset",
            &TestApp::pkg_q(
                "repo",
                "tool",
                &[("version", Some("1.0.0")), ("asset", Some("tool.bin"))],
            ),
            None,
        )
        .await;
    assert_eq!(get.status, 200);
    assert_eq!(get.bytes, b"hello world\n");
    assert_eq!(get.headers["X-AssetName"], "tool.bin");
    assert_eq!(get.headers["X-PackageVersion"], "1.0.0");
    assert_eq!(
        get.headers["X-PackageVersionRevision"],
        p["versionRevision"].as_str().unwrap()
    );
    // A pinned revision that is not the current one is not found.
    app.call(
        "GET",
        "/v1/package/version/asset",
        &TestApp::pkg_q(
            "repo",
            "tool",
            &[
                ("version", Some("1.0.0")),
                ("asset", Some("tool.bin")),
                ("revision", Some("abc+/=")),
            ],
        ),
        None,
    )
    .await
    .err(404, "ResourceNotFoundException");

    let packages = app
        .call(
            "POST",
            "/v1/packages",
            &qs(&[
                ("domain", Some(DOMAIN)),
                ("repository", Some("repo")),
                ("package-prefix", Some("to")),
            ]),
            None,
        )
        .await
        .ok();
    assert_eq!(packages["packages"][0]["package"], "tool");
    let deleted = app
        .call(
            "DELETE",
            "/v1/package",
            &TestApp::pkg_q("repo", "tool", &[]),
            None,
        )
        .await
        .ok();
    assert_eq!(deleted["deletedPackage"]["package"], "tool");
    app.list_versions("repo", "tool", &[])
        .await
        .err(404, "ResourceNotFoundException");
}

#[tokio::test]
async fn unfinished_versions_take_more_assets_until_published() {
    let app = TestApp::with_repos(&["repo"]).await;
    let a = app
        .publish_raw("repo", "multi", "1.0", "a.txt", b"a", true)
        .await
        .ok();
    assert_eq!(a["status"], "Unfinished");
    // Same name, same bytes: idempotent.
    app.publish_raw("repo", "multi", "1.0", "a.txt", b"a", true)
        .await
        .ok();
    // Same name, other bytes: conflict.
    app.publish_raw("repo", "multi", "1.0", "a.txt", b"other", true)
        .await
        .err(409, "ConflictException");
    let b = app
        .publish_raw("repo", "multi", "1.0", "b.txt", b"b", false)
        .await
        .ok();
    assert_eq!(b["status"], "Published");
    assert_ne!(a["versionRevision"], b["versionRevision"]);
    // A Published version takes no more assets.
    app.publish_raw("repo", "multi", "1.0", "c.txt", b"c", false)
        .await
        .err(409, "ConflictException");
    let assets = app
        .call(
            "POST",
            "/v1/package/version/assets",
            &TestApp::pkg_q(
                "repo",
                "multi",
                &[("version", Some("1.0")), ("max-results", Some("1"))],
            ),
            None,
        )
        .await
        .ok();
    assert_eq!(assets["assets"].as_array().unwrap().len(), 1);
    let token = assets["nextToken"].as_str().unwrap();
    let rest = app
        .call(
            "POST",
            "/v1/package/version/assets",
            &TestApp::pkg_q(
                "repo",
                "multi",
                &[("version", Some("1.0")), ("next-token", Some(token))],
            ),
            None,
        )
        .await
        .ok();
    assert_eq!(rest["assets"][0]["name"], "b.txt");
    assert!(rest.get("nextToken").is_none());
}

#[tokio::test]
async fn publish_checks_hash_format_names_and_quota() {
    let app = TestApp::with_config(|c| c.max_assets_per_version = 2).await;
    app.create_domain(DOMAIN).await;
    app.create_repo("repo", &[]).await.ok();
    // The header does not match the body.
    let q = TestApp::pkg_q(
        "repo",
        "p",
        &[("version", Some("1")), ("asset", Some("a.txt"))],
    );
    app.send(
        "POST",
        "/v1/package/version/publish",
        &q,
        b"body".to_vec(),
        &[("x-amz-content-sha256", &"0".repeat(64))],
        Auth::Root,
    )
    .await
    .err(400, "ValidationException");
    // Not generic.
    let npm = qs(&[
        ("domain", Some(DOMAIN)),
        ("repository", Some("repo")),
        ("format", Some("npm")),
        ("package", Some("p")),
        ("version", Some("1.0.0")),
        ("asset", Some("package.tgz")),
    ]);
    app.send(
        "POST",
        "/v1/package/version/publish",
        &npm,
        b"x".to_vec(),
        &[("x-amz-content-sha256", &wharf_sigv4::sha256_hex(b"x"))],
        Auth::Root,
    )
    .await
    .err(400, "ValidationException");
    // Generic asset-name rules.
    for bad in ["..", " lead", "two  spaces", "a|b"] {
        app.publish_raw("repo", "p", "1", bad, b"x", true)
            .await
            .err(400, "ValidationException");
    }
    app.publish_raw("repo", "p", "1", "my asset (1).txt", b"x", true)
        .await
        .ok();
    app.publish_raw("repo", "p", "1", "b", b"y", true)
        .await
        .ok();
    app.publish_raw("repo", "p", "1", "c", b"z", true)
        .await
        .err(402, "ServiceQuotaExceededException");
    // A missing repository.
    let e = app
        .publish_raw("nope", "p", "1", "a", b"x", false)
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(e["resourceType"], "repository");
}

#[tokio::test]
async fn control_and_bidi_characters_in_names_are_refused_and_nothing_is_stored() {
    let app = TestApp::with_repos(&["repo"]).await;
    let publish = |namespace: &'static str, package: &'static str, version: &'static str| {
        let q = qs(&[
            ("domain", Some(DOMAIN)),
            ("repository", Some("repo")),
            ("format", Some("generic")),
            ("namespace", Some(namespace)),
            ("package", Some(package)),
            ("version", Some(version)),
            ("asset", Some("a.txt")),
        ]);
        let app = &app;
        async move {
            app.send(
                "POST",
                "/v1/package/version/publish",
                &q,
                b"x".to_vec(),
                &[("x-amz-content-sha256", &wharf_sigv4::sha256_hex(b"x"))],
                Auth::Root,
            )
            .await
        }
    };
    let cases = [
        ("ns", "evil\u{202e}txt.exe", "1.0", "package"),
        ("ns", "nul\u{0}", "1.0", "package"),
        ("n\u{2066}s", "p", "1.0", "namespace"),
        ("ns", "p", "1.0\u{200f}", "packageVersion"),
        ("ns", "p", "1.0\u{9b}", "packageVersion"),
    ];
    for (namespace, package, version, field) in cases {
        let e = publish(namespace, package, version)
            .await
            .err(400, "ValidationException");
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("at '{field}' failed to satisfy constraint"))
                && message.contains("must not contain control, format"),
            "{message}"
        );
        assert!(!message.contains(['\u{202e}', '\u{0}', '\u{2066}', '\u{200f}', '\u{9b}']));
    }
    // Nothing was stored: the repository has no package at all.
    let packages = app
        .call(
            "POST",
            "/v1/packages",
            &qs(&[("domain", Some(DOMAIN)), ("repository", Some("repo"))]),
            None,
        )
        .await
        .ok();
    assert_eq!(packages["packages"], json!([]));
    // Read APIs refuse such names the same way.
    app.list_versions("repo", "evil\u{202e}txt.exe", &[])
        .await
        .err(400, "ValidationException");
}
