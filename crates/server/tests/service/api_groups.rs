//! Package groups through the router: every operation, inheritance, the most specific match,
//! ALLOW_SPECIFIC_REPOSITORIES, and refusals naming the group on API and npm publishes and on
//! upstream retention; copies are not subject to groups (spec Q5/G2). Also the readme and the
//! dependencies of a published npm version.

use crate::common;

use crate::support::promotions;

use base64::Engine;
use common::{Auth, DOMAIN, Reply, TestApp, qs};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

fn group_q(pattern: &str) -> String {
    qs(&[("domain", Some(DOMAIN)), ("package-group", Some(pattern))])
}

async fn create(app: &TestApp, pattern: &str) -> Reply {
    app.call(
        "POST",
        "/v1/package-group",
        &qs(&[("domain", Some(DOMAIN))]),
        Some(json!({"packageGroup": pattern, "description": "d", "contactInfo": "c@example.com"})),
    )
    .await
}

async fn origin(app: &TestApp, pattern: &str, body: Value) -> Reply {
    app.call(
        "PUT",
        "/v1/package-group-origin-configuration",
        &group_q(pattern),
        Some(body),
    )
    .await
}

async fn describe(app: &TestApp, pattern: &str) -> Value {
    app.call("GET", "/v1/package-group", &group_q(pattern), None)
        .await
        .ok()["packageGroup"]
        .clone()
}

fn patterns(page: &Value) -> Vec<String> {
    page["packageGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["pattern"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_operation_round_trips() {
    let app = TestApp::with_repos(&["internal", "other"]).await;
    // The root exists from the start, allows everything and has no parent.
    let root = describe(&app, "/*").await;
    assert_eq!(
        root["originConfiguration"]["restrictions"]["PUBLISH"]["mode"],
        "ALLOW"
    );
    assert!(root.get("parent").is_none());
    assert!(
        root["arn"]
            .as_str()
            .unwrap()
            .contains(":package-group/acme/")
    );

    let created = create(&app, "/npm/acme/*").await.ok()["packageGroup"].clone();
    assert_eq!(created["pattern"], "/npm/acme/*");
    assert_eq!(created["description"], "d");
    assert_eq!(created["parent"]["pattern"], "/*");
    let publish = &created["originConfiguration"]["restrictions"]["PUBLISH"];
    assert_eq!(publish["mode"], "INHERIT");
    assert_eq!(publish["effectiveMode"], "ALLOW");
    assert_eq!(publish["inheritedFrom"]["pattern"], "/*");
    create(&app, "/npm/acme/ui~").await.ok();
    create(&app, "/npm/acme/*")
        .await
        .err(409, "ConflictException");

    let all = app
        .call(
            "POST",
            "/v1/package-groups",
            &qs(&[("domain", Some(DOMAIN))]),
            None,
        )
        .await
        .ok();
    assert_eq!(patterns(&all), ["/*", "/npm/acme/*", "/npm/acme/ui~"]);
    let prefixed = app
        .call(
            "POST",
            "/v1/package-groups",
            &qs(&[
                ("domain", Some(DOMAIN)),
                ("prefix", Some("/npm")),
                ("max-results", Some("1")),
            ]),
            None,
        )
        .await
        .ok();
    assert_eq!(patterns(&prefixed), ["/npm/acme/*"]);
    assert!(prefixed["nextToken"].is_string());
    let subs = app
        .call(
            "POST",
            "/v1/package-groups/sub-groups",
            &group_q("/npm/acme/*"),
            None,
        )
        .await
        .ok();
    assert_eq!(patterns(&subs), ["/npm/acme/ui~"]);
    let root_subs = app
        .call(
            "POST",
            "/v1/package-groups/sub-groups",
            &group_q("/*"),
            None,
        )
        .await
        .ok();
    assert_eq!(
        patterns(&root_subs),
        ["/npm/acme/*"],
        "direct children only"
    );

    let updated = app
        .call(
            "PUT",
            "/v1/package-group",
            &qs(&[("domain", Some(DOMAIN))]),
            Some(json!({"packageGroup": "/npm/acme/*", "description": "new"})),
        )
        .await
        .ok();
    assert_eq!(updated["packageGroup"]["description"], "new");
    assert_eq!(updated["packageGroup"]["contactInfo"], "c@example.com");

    let changed = origin(
        &app,
        "/npm/acme/*",
        json!({"restrictions": {"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES", "EXTERNAL_UPSTREAM": "BLOCK"},
               "addAllowedRepositories": [{"originRestrictionType": "PUBLISH", "repositoryName": "internal"}]}),
    )
    .await
    .ok();
    assert_eq!(
        changed["allowedRepositoryUpdates"],
        json!({"PUBLISH": {"ADDED": ["internal"]}})
    );
    let r = &changed["packageGroup"]["originConfiguration"]["restrictions"];
    assert_eq!(r["PUBLISH"]["repositoriesCount"], 1);
    assert_eq!(r["EXTERNAL_UPSTREAM"]["effectiveMode"], "BLOCK");
    // The child inherits from its parent now.
    let ui = describe(&app, "/npm/acme/ui~").await;
    let p = &ui["originConfiguration"]["restrictions"]["PUBLISH"];
    assert_eq!(p["effectiveMode"], "ALLOW_SPECIFIC_REPOSITORIES");
    assert_eq!(p["inheritedFrom"]["pattern"], "/npm/acme/*");
    assert_eq!(p["repositoriesCount"], 0);

    let allowed = app
        .call(
            "GET",
            "/v1/package-group-allowed-repositories",
            &format!("{}&originRestrictionType=PUBLISH", group_q("/npm/acme/*")),
            None,
        )
        .await
        .ok();
    assert_eq!(allowed["allowedRepositories"], json!(["internal"]));

    let assoc = |ns: &str, name: &str| {
        qs(&[
            ("domain", Some(DOMAIN)),
            ("format", Some("npm")),
            ("namespace", Some(ns)),
            ("package", Some(name)),
        ])
    };
    let got = app
        .call(
            "GET",
            "/v1/get-associated-package-group",
            &assoc("acme", "ui-kit"),
            None,
        )
        .await
        .ok();
    assert_eq!(got["packageGroup"]["pattern"], "/npm/acme/ui~");
    assert_eq!(got["associationType"], "STRONG");
    let other = app
        .call(
            "GET",
            "/v1/get-associated-package-group",
            &assoc("acme", "uikit"),
            None,
        )
        .await
        .ok();
    assert_eq!(
        other["packageGroup"]["pattern"], "/npm/acme/*",
        "ui~ ends at a word boundary"
    );
    let weak = app
        .call(
            "GET",
            "/v1/get-associated-package-group",
            &assoc("acme", "UI-Kit"),
            None,
        )
        .await
        .ok();
    assert_eq!(weak["associationType"], "WEAK");

    promotions::npm_publish(&app, "internal", "@acme/ui-kit", "1.0.0", json!({})).await;
    let listed = app
        .call(
            "GET",
            "/v1/list-associated-packages",
            &group_q("/npm/acme/ui~"),
            None,
        )
        .await
        .ok();
    assert_eq!(
        listed["packages"],
        json!([{"format": "npm", "namespace": "acme", "package": "ui-kit", "associationType": "STRONG"}])
    );
    let preview = app
        .call(
            "GET",
            "/v1/list-associated-packages",
            &format!("{}&preview=true", group_q("/npm/acme/ui-kit$")),
            None,
        )
        .await
        .ok();
    assert_eq!(preview["packages"].as_array().unwrap().len(), 1);
    app.call(
        "GET",
        "/v1/list-associated-packages",
        &group_q("/npm/acme/ui-kit$"),
        None,
    )
    .await
    .err(404, "ResourceNotFoundException");

    // Deleting the parent hands the child to the root; the root cannot be deleted.
    let deleted = app
        .call("DELETE", "/v1/package-group", &group_q("/npm/acme/*"), None)
        .await
        .ok();
    assert_eq!(deleted["packageGroup"]["pattern"], "/npm/acme/*");
    assert_eq!(
        describe(&app, "/npm/acme/ui~").await["parent"]["pattern"],
        "/*"
    );
    app.call("DELETE", "/v1/package-group", &group_q("/*"), None)
        .await
        .err(400, "ValidationException");
    let missing = app
        .call("GET", "/v1/package-group", &group_q("/npm/acme/*"), None)
        .await
        .err(404, "ResourceNotFoundException");
    assert_eq!(missing["resourceId"], "/npm/acme/*");
    assert!(missing.get("resourceType").is_none());
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let app = TestApp::with_repos(&["internal"]).await;
    for bad in [
        "/npm/acme/name",
        "npm/*",
        "/python//requests$",
        "/pypi/x/*",
        "/npm/@acme/*",
    ] {
        let e = create(&app, bad).await.err(400, "ValidationException");
        assert!(
            e["message"].as_str().unwrap().contains("packageGroup"),
            "{bad}: {e}"
        );
    }
    let e = origin(&app, "/*", json!({"restrictions": {"PUBLISH": "INHERIT"}}))
        .await
        .err(400, "ValidationException");
    assert!(e["message"].as_str().unwrap().contains("root"));
    origin(
        &app,
        "/*",
        json!({"restrictions": {"PUBLISH": "SOMETIMES"}}),
    )
    .await
    .err(400, "ValidationException");
    let e = origin(
        &app,
        "/*",
        json!({"restrictions": {"PUBLISH": "BLOCK"},
               "addAllowedRepositories": [{"originRestrictionType": "PUBLISH", "repositoryName": "nope"}]}),
    )
    .await
    .err(404, "ResourceNotFoundException");
    assert_eq!(e["resourceType"], "repository");
    // Nothing changed: the root still allows publishing.
    assert_eq!(
        describe(&app, "/*").await["originConfiguration"]["restrictions"]["PUBLISH"]["mode"],
        "ALLOW"
    );
    let page = app
        .call(
            "POST",
            "/v1/package-groups",
            &qs(&[("domain", Some(DOMAIN))]),
            None,
        )
        .await
        .ok();
    assert_eq!(patterns(&page), ["/*"]);
    app.call(
        "GET",
        "/v1/package-group",
        &qs(&[("domain", Some("nodomain")), ("package-group", Some("/*"))]),
        None,
    )
    .await
    .err(404, "ResourceNotFoundException");
}

#[tokio::test]
async fn api_publish_obeys_the_most_specific_group() {
    let app = TestApp::with_repos(&["ra", "rb"]).await;
    create(&app, "/generic/ns/*").await.ok();
    origin(
        &app,
        "/generic/ns/*",
        json!({"restrictions": {"PUBLISH": "BLOCK"}}),
    )
    .await
    .ok();
    let e = app
        .publish_raw("ra", "p", "1.0", "a.txt", b"x", false)
        .await
        .err(409, "ConflictException");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("/generic/ns/*") && msg.contains("PUBLISH is BLOCK"),
        "{msg}"
    );
    assert!(
        app.versions_of("ra", "p").await.is_empty(),
        "nothing stored"
    );

    // A more specific group allows repository b only; a sub-group inherits that.
    create(&app, "/generic/ns/p~").await.ok();
    origin(
        &app,
        "/generic/ns/p~",
        json!({"restrictions": {"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES"},
               "addAllowedRepositories": [{"originRestrictionType": "PUBLISH", "repositoryName": "rb"}]}),
    )
    .await
    .ok();
    create(&app, "/generic/ns/p-x$").await.ok();
    app.publish("rb", "p", "1.0", "x").await;
    app.publish("rb", "p-x", "1.0", "x").await;
    let e = app
        .publish_raw("ra", "p-x", "1.0", "a.txt", b"x", false)
        .await
        .err(409, "ConflictException");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("/generic/ns/p-x$") && msg.contains("inherited from /generic/ns/p~"),
        "{msg}"
    );
    // Other packages of the namespace stay blocked; other namespaces are free.
    app.publish_raw("rb", "q", "1.0", "a.txt", b"x", false)
        .await
        .err(409, "ConflictException");
    let q = qs(&[
        ("domain", Some(DOMAIN)),
        ("repository", Some("ra")),
        ("format", Some("generic")),
        ("namespace", Some("other")),
        ("package", Some("q")),
        ("version", Some("1.0")),
        ("asset", Some("a.txt")),
    ]);
    app.send(
        "POST",
        "/v1/package/version/publish",
        &q,
        b"x".to_vec(),
        &[("x-amz-content-sha256", &wharf_sigv4::sha256_hex(b"x"))],
        Auth::Root,
    )
    .await
    .ok();
}

#[tokio::test]
async fn copies_are_not_subject_to_groups() {
    let app = TestApp::with_repos(&["src", "dst"]).await;
    app.publish("src", "p", "1.0", "x").await;
    origin(
        &app,
        "/*",
        json!({"restrictions": {"PUBLISH": "BLOCK", "INTERNAL_UPSTREAM": "BLOCK"}}),
    )
    .await
    .ok();
    let out = app
        .copy("src", "dst", "p", json!({"versions": ["1.0"]}))
        .await
        .ok();
    assert_eq!(out["failedVersions"], json!({}));
    assert_eq!(app.versions_of("dst", "p").await.len(), 1);
}

fn tgz_with(files: &[(&str, String)]) -> Vec<u8> {
    let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (path, body) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, path, body.as_bytes())
            .expect("append");
    }
    b.into_inner().expect("tar").finish().expect("gzip")
}

/// `npm publish` of a package whose manifest is `manifest` (name, version and install fields
/// the same in the tarball's package.json), with extra tarball files.
async fn npm_publish(
    app: &TestApp,
    repo: &str,
    manifest: Value,
    files: &[(&str, String)],
) -> Reply {
    let name = manifest["name"].as_str().unwrap().to_owned();
    let version = manifest["version"].as_str().unwrap().to_owned();
    let mut pj = manifest.clone();
    pj.as_object_mut().unwrap().remove("readme");
    let mut all = vec![("package/package.json", pj.to_string())];
    all.extend(files.iter().cloned());
    let tarball = tgz_with(&all);
    let mut v = manifest.clone();
    v["dist"] = json!({"integrity": wharf_npm::publish::integrity_of(&tarball)});
    let bare = name.rsplit('/').next().unwrap();
    let body = json!({
        "_id": name, "name": name, "dist-tags": {"latest": version},
        "versions": {version.clone(): v},
        "_attachments": {format!("{bare}-{version}.tgz"): {
            "data": base64::engine::general_purpose::STANDARD.encode(&tarball),
            "length": tarball.len()}}
    });
    app.send(
        "PUT",
        &format!("/npm/{DOMAIN}/{repo}/{}", name.replace('/', "%2f")),
        "",
        body.to_string().into_bytes(),
        &[("content-type", "application/json")],
        Auth::Bearer(promotions::root_token(app)),
    )
    .await
}

#[tokio::test]
async fn npm_publish_and_upstream_retention_obey_groups() {
    let app = TestApp::with_repos(&["up"]).await;
    app.create_repo("down", &["up"]).await.ok();
    let m = json!({"name": "@acme/lib", "version": "1.0.0"});
    npm_publish(&app, "up", m.clone(), &[]).await;
    create(&app, "/npm/acme/*").await.ok();
    origin(&app, "/npm/acme/*", json!({"restrictions": {"INTERNAL_UPSTREAM": "ALLOW_SPECIFIC_REPOSITORIES", "PUBLISH": "BLOCK"}}))
        .await
        .ok();
    let token = promotions::root_token(&app);
    let tarball = |repo: &str| format!("/npm/{DOMAIN}/{repo}/@acme/lib/-/lib-1.0.0.tgz");
    let r = app
        .send(
            "GET",
            &tarball("down"),
            "",
            vec![],
            &[],
            Auth::Bearer(token.clone()),
        )
        .await;
    assert_eq!(r.status, 404);
    let text = String::from_utf8_lossy(&r.bytes);
    assert!(
        text.contains("/npm/acme/*") && text.contains("INTERNAL_UPSTREAM"),
        "{text}"
    );
    let q = qs(&[
        ("domain", Some(DOMAIN)),
        ("repository", Some("down")),
        ("format", Some("npm")),
        ("namespace", Some("acme")),
        ("package", Some("lib")),
    ]);
    app.call("POST", "/v1/package/versions", &q, None)
        .await
        .err(404, "ResourceNotFoundException");
    // Allowed for `down` only: the fetch succeeds and the version is retained there.
    origin(
        &app,
        "/npm/acme/*",
        json!({"addAllowedRepositories": [
        {"originRestrictionType": "INTERNAL_UPSTREAM", "repositoryName": "down"}]}),
    )
    .await
    .ok();
    let r = app
        .send(
            "GET",
            &tarball("down"),
            "",
            vec![],
            &[],
            Auth::Bearer(token.clone()),
        )
        .await;
    assert_eq!(r.status, 200);
    let listed = app
        .call("POST", "/v1/package/versions", &q, None)
        .await
        .ok();
    assert_eq!(listed["versions"].as_array().unwrap().len(), 1);
    // npm publish is blocked by PUBLISH=BLOCK, naming the group; nothing is stored.
    let r = npm_publish(
        &app,
        "up",
        json!({"name": "@acme/lib", "version": "2.0.0"}),
        &[],
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(String::from_utf8_lossy(&r.bytes).contains("/npm/acme/*"));
    let up = q.replace("repository=down", "repository=up");
    let listed = app
        .call("POST", "/v1/package/versions", &up, None)
        .await
        .ok();
    assert_eq!(listed["versions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn readme_and_dependencies_of_an_npm_version() {
    let app = TestApp::with_repos(&["rr"]).await;
    let m = json!({"name": "@acme/app", "version": "1.0.0", "readme": "# App\n<script>x</script>",
        "dependencies": {"left-pad": "^1.3.0", "@acme/core": "2.x"},
        "devDependencies": {"jest": "29.0.0"}, "peerDependencies": {"react": ">=18"},
        "optionalDependencies": {"fsevents": "2"}});
    let r = npm_publish(&app, "rr", m, &[]).await;
    assert!(r.status.is_success(), "{r:?}");
    let r = npm_publish(
        &app,
        "rr",
        json!({"name": "plain", "version": "1.0.0"}),
        &[("package/README.md", "from the tarball".into())],
    )
    .await;
    assert!(r.status.is_success(), "{r:?}");
    let vq = |ns: Option<&str>, name: &str| {
        qs(&[
            ("domain", Some(DOMAIN)),
            ("repository", Some("rr")),
            ("format", Some("npm")),
            ("namespace", ns),
            ("package", Some(name)),
            ("version", Some("1.0.0")),
        ])
    };
    let readme = app
        .call(
            "GET",
            "/v1/package/version/readme",
            &vq(Some("acme"), "app"),
            None,
        )
        .await
        .ok();
    assert_eq!(readme["readme"], "# App\n<script>x</script>");
    assert_eq!(readme["namespace"], "acme");
    assert!(readme["versionRevision"].is_string());
    let from_tarball = app
        .call(
            "GET",
            "/v1/package/version/readme",
            &vq(None, "plain"),
            None,
        )
        .await
        .ok();
    assert_eq!(from_tarball["readme"], "from the tarball");
    let deps = app
        .call(
            "POST",
            "/v1/package/version/dependencies",
            &vq(Some("acme"), "app"),
            None,
        )
        .await
        .ok();
    assert_eq!(
        deps["dependencies"],
        json!([
            {"namespace": "acme", "package": "core", "dependencyType": "regular", "versionRequirement": "2.x"},
            {"package": "left-pad", "dependencyType": "regular", "versionRequirement": "^1.3.0"},
            {"package": "jest", "dependencyType": "dev", "versionRequirement": "29.0.0"},
            {"package": "react", "dependencyType": "peer", "versionRequirement": ">=18"},
            {"package": "fsevents", "dependencyType": "optional", "versionRequirement": "2"}
        ])
    );
    app.call(
        "GET",
        "/v1/package/version/readme",
        &vq(None, "absent"),
        None,
    )
    .await
    .err(404, "ResourceNotFoundException");
}

#[tokio::test]
async fn deleting_a_repository_or_a_domain_takes_it_out_of_the_groups() {
    let app = TestApp::with_repos(&["keep", "gone"]).await;
    create(&app, "/npm/acme/*").await.ok();
    origin(
        &app,
        "/npm/acme/*",
        json!({"restrictions": {"PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES"},
               "addAllowedRepositories": [
                   {"originRestrictionType": "PUBLISH", "repositoryName": "gone"},
                   {"originRestrictionType": "PUBLISH", "repositoryName": "keep"}]}),
    )
    .await
    .ok();
    let list_q = format!("{}&originRestrictionType=PUBLISH", group_q("/npm/acme/*"));
    let allowed = || {
        app.call(
            "GET",
            "/v1/package-group-allowed-repositories",
            &list_q,
            None,
        )
    };
    assert_eq!(
        allowed().await.ok()["allowedRepositories"],
        json!(["gone", "keep"])
    );
    app.call(
        "DELETE",
        "/v1/repository",
        &qs(&[("domain", Some(DOMAIN)), ("repository", Some("gone"))]),
        None,
    )
    .await
    .ok();
    assert_eq!(allowed().await.ok()["allowedRepositories"], json!(["keep"]));
    // A re-created repository of the same name is not on the list.
    app.create_repo("gone", &[]).await.ok();
    assert_eq!(allowed().await.ok()["allowedRepositories"], json!(["keep"]));
    for r in ["gone", "keep"] {
        app.call(
            "DELETE",
            "/v1/repository",
            &qs(&[("domain", Some(DOMAIN)), ("repository", Some(r))]),
            None,
        )
        .await
        .ok();
    }
    app.call(
        "DELETE",
        "/v1/domain",
        &qs(&[("domain", Some(DOMAIN))]),
        None,
    )
    .await
    .ok();
    app.create_domain(DOMAIN).await;
    let page = app
        .call(
            "POST",
            "/v1/package-groups",
            &qs(&[("domain", Some(DOMAIN))]),
            None,
        )
        .await
        .ok();
    assert_eq!(
        patterns(&page),
        ["/*"],
        "a new domain starts with the root only"
    );
}
