//! `/wharf/v1/promotions`: plan, apply, all-or-nothing, cross-domain, npm dependency closure,
//! records, revert, permissions and concurrency, through the router (on SQLite, or PostgreSQL
//! with `WHARF_TEST_BACKEND=postgres`).

use crate::common;
use crate::support::promotions as promo;

use common::{Auth, DOMAIN, TestApp};
use promo::*;
use serde_json::{Value, json};

const AB: [(&str, Option<&str>, &str); 2] =
    [("generic", Some("ns"), "a"), ("generic", Some("ns"), "b")];

/// staging holds a@1.0.0, a@1.1.0 and b@1.0.0; release is empty.
async fn staged() -> TestApp {
    let app = TestApp::with_repos(&["staging", "release"]).await;
    app.publish("staging", "a", "1.0.0", "a one").await;
    app.publish("staging", "a", "1.1.0", "a one-one").await;
    app.publish("staging", "b", "1.0.0", "b one").await;
    app
}

#[tokio::test]
async fn a_dry_run_plans_every_version_and_writes_nothing() {
    let app = staged().await;
    let before = snapshot(&app, "release", &AB).await;
    let plan = promote(
        &app,
        body(
            json!([generic("a", &["1.0.0", "1.1.0"]), generic("b", &["1.0.0"])]),
            json!({"dryRun": true}),
        ),
    )
    .await
    .ok();
    assert_eq!(plan["status"], "PLANNED");
    assert_eq!(plan["dryRun"], true);
    assert!(plan.get("promotionId").is_none());
    assert_eq!(
        actions(&plan),
        vec![
            row("a", "1.0.0", "COPY", ""),
            row("a", "1.1.0", "COPY", ""),
            row("b", "1.0.0", "COPY", "")
        ]
    );
    assert_eq!(plan["summary"]["copied"], 3);
    assert_eq!(snapshot(&app, "release", &AB).await, before);
    let listed = list(&app, &[("domain", Some(DOMAIN))]).await.ok();
    assert_eq!(listed["promotions"], json!([]));
}

#[tokio::test]
async fn a_promotion_applies_every_package_and_is_recorded() {
    let app = staged().await;
    let staged = snapshot(&app, "staging", &AB).await;
    let done = promote(
        &app,
        body(
            json!([generic("a", &["1.0.0", "1.1.0"]), generic("b", &["1.0.0"])]),
            json!({"reason": "release 2.3"}),
        ),
    )
    .await
    .ok();
    assert_eq!(done["status"], "APPLIED");
    let id = done["promotionId"].as_str().expect("an id").to_owned();
    // Same revisions, statuses and asset blobs as the source.
    let promoted = snapshot(&app, "release", &AB).await;
    for (s, r) in staged
        .as_array()
        .unwrap()
        .iter()
        .zip(promoted.as_array().unwrap())
    {
        assert_eq!(
            s["versions"].as_array().unwrap().len(),
            r["versions"].as_array().unwrap().len()
        );
        for (sv, rv) in s["versions"]
            .as_array()
            .unwrap()
            .iter()
            .zip(r["versions"].as_array().unwrap())
        {
            for k in ["version", "revision", "status", "assets"] {
                assert_eq!(sv[k], rv[k], "{k}");
            }
        }
    }
    let record = app
        .call("GET", &format!("{PROMOTIONS}/{id}"), "", None)
        .await
        .ok();
    assert_eq!(record["promotionId"], id.as_str());
    assert_eq!(record["status"], "APPLIED");
    assert_eq!(record["reason"], "release 2.3");
    assert_eq!(record["principal"], "arn:aws:iam::000000000000:root");
    assert_eq!(record["versionCount"], 3);
    assert_eq!(
        record["destination"],
        json!({"domain": DOMAIN, "repository": "release"})
    );
    let writes = record["writes"]["versions"].as_array().unwrap();
    assert_eq!(writes.len(), 3);
    assert!(
        writes
            .iter()
            .all(|w| w.get("before").is_none() && w["after"]["status"] == "Published")
    );
    // Applying the same promotion again changes nothing and says so.
    let again = promote(&app, body(json!([generic("b", &["1.0.0"])]), json!({})))
        .await
        .ok();
    assert_eq!(actions(&again), vec![row("b", "1.0.0", "NOOP", "")]);
    assert_eq!(snapshot(&app, "release", &AB).await, promoted);
}

#[tokio::test]
async fn one_conflict_fails_the_whole_promotion_and_writes_nothing() {
    let app = staged().await;
    app.publish("release", "a", "1.1.0", "something else").await;
    let before = snapshot(&app, "release", &AB).await;
    let failed = promote(
        &app,
        body(
            json!([generic("a", &["1.0.0", "1.1.0"]), generic("b", &["1.0.0"])]),
            json!({}),
        ),
    )
    .await
    .ok();
    assert_eq!(failed["status"], "FAILED");
    assert!(failed.get("promotionId").is_none());
    assert_eq!(
        actions(&failed),
        vec![
            row("a", "1.0.0", "SKIPPED", "SKIPPED"),
            row("a", "1.1.0", "FAIL", "ALREADY_EXISTS"),
            row("b", "1.0.0", "SKIPPED", "SKIPPED"),
        ]
    );
    let conflict = &failed["packages"][0]["versions"][1];
    assert!(conflict["destinationRevision"].is_string());
    assert!(
        conflict["diff"].is_object(),
        "a conflict carries its diff: {conflict}"
    );
    assert_eq!(snapshot(&app, "release", &AB).await, before);
    let listed = list(&app, &[("domain", Some(DOMAIN))]).await.ok();
    assert_eq!(listed["promotions"], json!([]));
}

#[tokio::test]
async fn a_promotion_crosses_domains() {
    let app = staged().await;
    app.create_domain("prod").await;
    app.call(
        "POST",
        "/v1/repository",
        &common::qs(&[("domain", Some("prod")), ("repository", Some("release"))]),
        None,
    )
    .await
    .ok();
    let mut b = body(
        json!([generic("a", &["1.1.0"])]),
        json!({"destinationDomain": "prod"}),
    );
    b["destinationRepository"] = json!("release");
    let done = promote(&app, b).await.ok();
    assert_eq!(done["status"], "APPLIED");
    assert_eq!(
        done["destination"],
        json!({"domain": "prod", "repository": "release"})
    );
    let q = common::qs(&[
        ("domain", Some("prod")),
        ("repository", Some("release")),
        ("format", Some("generic")),
        ("namespace", Some("ns")),
        ("package", Some("a")),
        ("version", Some("1.1.0")),
    ]);
    let described = app.call("GET", "/v1/package/version", &q, None).await.ok();
    let source = app.list_versions("staging", "a", &[]).await.ok();
    let rev = source["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == "1.1.0")
        .unwrap()["revision"]
        .clone();
    assert_eq!(described["packageVersion"]["revision"], rev);
    // The record is listed under the destination's domain, not the source's.
    assert_eq!(
        list(&app, &[("domain", Some("prod"))]).await.ok()["promotions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        list(&app, &[("domain", Some(DOMAIN))]).await.ok()["promotions"],
        json!([])
    );
}

#[tokio::test]
async fn with_dependencies_adds_the_highest_satisfying_version_and_without_it_fails() {
    let app = TestApp::with_repos(&["staging", "release"]).await;
    for v in ["1.0.0", "1.4.0", "2.0.0"] {
        npm_publish(&app, "staging", "@acme/lib", v, json!({})).await;
    }
    npm_publish(
        &app,
        "staging",
        "app",
        "1.0.0",
        json!({"@acme/lib": "^1.0.0"}),
    )
    .await;
    let npm_app = json!([{"format": "npm", "package": "app", "versions": ["1.0.0"]}]);
    let failed = promote(&app, body(npm_app.clone(), json!({}))).await.ok();
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(
        actions(&failed),
        vec![row("app", "1.0.0", "FAIL", "UNSATISFIED_DEPENDENCY")]
    );
    assert_eq!(failed["closure"]["unsatisfied"][0]["package"], "@acme/lib");
    assert_eq!(
        failed["closure"]["unsatisfied"][0]["requiredBy"],
        "app@1.0.0"
    );
    let done = promote(&app, body(npm_app, json!({"withDependencies": true})))
        .await
        .ok();
    assert_eq!(done["status"], "APPLIED", "{done}");
    assert_eq!(
        actions(&done),
        vec![
            row("app", "1.0.0", "COPY", ""),
            row("lib", "1.4.0", "COPY", "")
        ]
    );
    let lib = done["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["package"] == "lib")
        .unwrap();
    assert_eq!(lib["namespace"], "acme");
    assert_eq!(lib["versions"][0]["addedAsDependency"], true);
    let held = snapshot(&app, "release", &[("npm", Some("acme"), "lib")]).await;
    let versions: Vec<&str> = held[0]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, vec!["1.4.0"]);
}

/// release holds a@1.0.0 (other content, Archived) and npm `tool` 1.0.0 tagged latest; staging
/// holds a@1.0.0, b@1.0.0 and tool 2.0.0 (latest).
async fn overwritten() -> (
    TestApp,
    [(&'static str, Option<&'static str>, &'static str); 3],
) {
    let app = staged().await;
    app.publish("release", "a", "1.0.0", "the old a").await;
    let q = TestApp::pkg_q("release", "a", &[]);
    app.call(
        "POST",
        "/v1/package/versions/update_status",
        &q,
        Some(json!({"versions": ["1.0.0"], "targetStatus": "Archived"})),
    )
    .await
    .ok();
    npm_publish(&app, "release", "tool", "1.0.0", json!({})).await;
    npm_publish(&app, "staging", "tool", "2.0.0", json!({})).await;
    (app, [AB[0], AB[1], ("npm", None, "tool")])
}

fn overwrite_body() -> Value {
    body(
        json!([generic("a", &["1.0.0"]), generic("b", &["1.0.0"]), {"format": "npm", "package": "tool", "versions": ["2.0.0"]}]),
        json!({"allowOverwrite": true}),
    )
}

#[tokio::test]
async fn a_revert_restores_versions_revisions_statuses_and_dist_tags_exactly() {
    let (app, pkgs) = overwritten().await;
    let before = snapshot(&app, "release", &pkgs).await;
    let done = promote(&app, overwrite_body()).await.ok();
    assert_eq!(done["status"], "APPLIED", "{done}");
    assert_eq!(
        actions(&done),
        vec![
            row("a", "1.0.0", "OVERWRITE", ""),
            row("b", "1.0.0", "COPY", ""),
            row("tool", "2.0.0", "COPY", "")
        ]
    );
    let id = done["promotionId"].as_str().unwrap().to_owned();
    assert_ne!(snapshot(&app, "release", &pkgs).await, before);
    let record = app
        .call("GET", &format!("{PROMOTIONS}/{id}"), "", None)
        .await
        .ok();
    let a = record["writes"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["package"] == "a")
        .unwrap();
    assert_eq!(a["before"]["status"], "Archived");
    assert_eq!(
        record["writes"]["distTags"][0],
        json!({"format": "npm", "package": "tool", "tag": "latest", "before": "1.0.0", "after": "2.0.0"})
    );

    let planned = revert_as(&app, Auth::Root, &id, json!({"dryRun": true}))
        .await
        .ok();
    assert_eq!(planned["status"], "PLANNED");
    assert_eq!(planned["actions"].as_array().unwrap().len(), 3);
    assert_ne!(
        snapshot(&app, "release", &pkgs).await,
        before,
        "a dry run reverts nothing"
    );

    let reverted = revert_as(&app, Auth::Root, &id, json!({"reason": "bad release"}))
        .await
        .ok();
    assert_eq!(reverted["status"], "APPLIED");
    assert_eq!(reverted["revertOf"], id.as_str());
    let mut kinds: Vec<(String, String)> = reverted["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["package"].as_str().unwrap().into(),
                a["action"].as_str().unwrap().into(),
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec![
            ("a".into(), "RESTORE".into()),
            ("b".into(), "DELETE".into()),
            ("tool".into(), "DELETE".into())
        ]
    );
    assert_eq!(snapshot(&app, "release", &pkgs).await, before);

    // Both records say what happened; a second revert is refused.
    let original = app
        .call("GET", &format!("{PROMOTIONS}/{id}"), "", None)
        .await
        .ok();
    let revert_id = reverted["promotionId"].as_str().unwrap();
    assert_eq!(original["status"], "REVERTED");
    assert_eq!(original["revertedBy"], revert_id);
    let own = app
        .call("GET", &format!("{PROMOTIONS}/{revert_id}"), "", None)
        .await
        .ok();
    assert_eq!(own["revertOf"], id.as_str());
    assert_eq!(own["reason"], "bad release");
    revert_as(&app, Auth::Root, &id, json!({}))
        .await
        .err(409, "ConflictException");
}

#[tokio::test]
async fn a_revert_after_a_later_change_is_refused_and_writes_nothing() {
    let (app, pkgs) = overwritten().await;
    let done = promote(&app, overwrite_body()).await.ok();
    let id = done["promotionId"].as_str().unwrap().to_owned();
    let q = TestApp::pkg_q("release", "b", &[]);
    app.call(
        "POST",
        "/v1/package/versions/update_status",
        &q,
        Some(json!({"versions": ["1.0.0"], "targetStatus": "Unlisted"})),
    )
    .await
    .ok();
    let changed = snapshot(&app, "release", &pkgs).await;
    let refused = revert_as(&app, Auth::Root, &id, json!({}))
        .await
        .err(409, "ConflictException");
    let message = refused["message"].as_str().unwrap();
    assert!(message.contains("ns/b@1.0.0"), "{message}");
    assert!(message.contains("Unlisted"), "{message}");
    assert_eq!(snapshot(&app, "release", &pkgs).await, changed);
    let record = app
        .call("GET", &format!("{PROMOTIONS}/{id}"), "", None)
        .await
        .ok();
    assert_eq!(record["status"], "APPLIED");
    let listed = list(&app, &[("domain", Some(DOMAIN))]).await.ok();
    assert_eq!(listed["promotions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_user_missing_copy_on_one_destination_package_is_refused_whole() {
    let app = staged().await;
    let read = json!({"Effect": "Allow", "Action": "codeartifact:ReadFromRepository", "Resource": repo_arn(DOMAIN, "staging")});
    let copy = |resources: Vec<String>| json!({"Effect": "Allow", "Action": "codeartifact:CopyPackageVersions", "Resource": resources});
    let partial = user(
        &app,
        "partial",
        json!([
            read,
            copy(vec![
                repo_arn(DOMAIN, "release"),
                package_arn("release", "a")
            ])
        ]),
    )
    .await;
    let before = snapshot(&app, "release", &AB).await;
    let b = body(
        json!([generic("a", &["1.0.0"]), generic("b", &["1.0.0"])]),
        json!({}),
    );
    for dry_run in [false, true] {
        let mut b = b.clone();
        b["dryRun"] = json!(dry_run);
        let denied = promote_as(&app, partial.clone(), b)
            .await
            .err(403, "AccessDeniedException");
        let message = denied["message"].as_str().unwrap();
        assert!(
            message.contains(
                "user/partial is not authorized to perform: codeartifact:CopyPackageVersions"
            ),
            "{message}"
        );
        assert!(message.contains(&package_arn("release", "b")), "{message}");
    }
    assert_eq!(snapshot(&app, "release", &AB).await, before);
    assert_eq!(
        list(&app, &[("domain", Some(DOMAIN))]).await.ok()["promotions"],
        json!([])
    );

    let all = copy(vec![
        repo_arn(DOMAIN, "release"),
        package_arn("release", "*"),
    ]);
    let promoter = user(&app, "promoter", json!([read, all])).await;
    let done = promote_as(&app, promoter.clone(), b).await.ok();
    assert_eq!(done["status"], "APPLIED");
    let id = done["promotionId"].as_str().unwrap();
    let record = app
        .call("GET", &format!("{PROMOTIONS}/{id}"), "", None)
        .await
        .ok();
    assert_eq!(
        record["principal"],
        "arn:aws:iam::000000000000:user/promoter"
    );
    // Reading records needs ReadFromRepository on the destination; reverting needs
    // DeletePackageVersions on its packages.
    let described = app
        .send(
            "GET",
            &format!("{PROMOTIONS}/{id}"),
            "",
            vec![],
            &[],
            promoter.clone(),
        )
        .await;
    described.err(403, "AccessDeniedException");
    let promoted = snapshot(&app, "release", &AB).await;
    let denied = revert_as(&app, promoter, id, json!({}))
        .await
        .err(403, "AccessDeniedException");
    assert!(
        denied["message"]
            .as_str()
            .unwrap()
            .contains("codeartifact:DeletePackageVersions"),
        "{denied}"
    );
    assert_eq!(snapshot(&app, "release", &AB).await, promoted);
}

#[tokio::test]
async fn records_are_listed_newest_first_paged_and_filtered() {
    let app = staged().await;
    app.create_repo("other", &[]).await.ok();
    let mut ids = Vec::new();
    for (dest, pkg, v) in [
        ("release", "a", "1.0.0"),
        ("release", "a", "1.1.0"),
        ("other", "b", "1.0.0"),
        ("release", "b", "1.0.0"),
    ] {
        let mut b = body(json!([generic(pkg, &[v])]), json!({}));
        b["destinationRepository"] = json!(dest);
        ids.push(
            promote(&app, b).await.ok()["promotionId"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let all = list(&app, &[("domain", Some(DOMAIN))]).await.ok();
    let got: Vec<&str> = all["promotions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["promotionId"].as_str().unwrap())
        .collect();
    let newest_first: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
    assert_eq!(got, newest_first);
    assert!(all.get("nextToken").is_none());

    let page1 = list(
        &app,
        &[
            ("domain", Some(DOMAIN)),
            ("repository", Some("release")),
            ("max-results", Some("2")),
        ],
    )
    .await
    .ok();
    let token = page1["nextToken"].as_str().expect("a next page").to_owned();
    let page2 = list(
        &app,
        &[
            ("domain", Some(DOMAIN)),
            ("repository", Some("release")),
            ("max-results", Some("2")),
            ("next-token", Some(&token)),
        ],
    )
    .await
    .ok();
    let paged: Vec<&str> = page1["promotions"]
        .as_array()
        .unwrap()
        .iter()
        .chain(page2["promotions"].as_array().unwrap())
        .map(|p| p["promotionId"].as_str().unwrap())
        .collect();
    assert_eq!(
        paged,
        vec![ids[3].as_str(), ids[1].as_str(), ids[0].as_str()]
    );
    assert!(page2.get("nextToken").is_none());

    list(&app, &[]).await.err(400, "ValidationException");
    list(
        &app,
        &[("domain", Some(DOMAIN)), ("max-results", Some("0"))],
    )
    .await
    .err(400, "ValidationException");
    list(
        &app,
        &[("domain", Some(DOMAIN)), ("next-token", Some("garbage"))],
    )
    .await
    .err(400, "ValidationException");
    app.call("GET", &format!("{PROMOTIONS}/nope"), "", None)
        .await
        .err(404, "ResourceNotFoundException");
    revert_as(&app, Auth::Root, "nope", json!({}))
        .await
        .err(404, "ResourceNotFoundException");
}

#[tokio::test]
async fn bad_requests_are_validation_errors_and_missing_repositories_not_found() {
    let app = staged().await;
    let mut b = body(json!([generic("a", &["1.0.0"])]), json!({}));
    b["lockfile"] = json!("{}");
    promote(&app, b).await.err(400, "ValidationException");
    let mut b = body(json!([generic("a", &["1.0.0"])]), json!({}));
    b["destinationRepository"] = json!("nowhere");
    promote(&app, b).await.err(404, "ResourceNotFoundException");
    let reply = app
        .send(
            "POST",
            PROMOTIONS,
            "",
            b"{not json".to_vec(),
            &[],
            Auth::Root,
        )
        .await;
    reply.err(400, "ValidationException");
    let reply = app
        .send("POST", PROMOTIONS, "", vec![], &[], Auth::None)
        .await;
    assert_eq!(reply.status.as_u16(), 403, "{reply:?}");
}

#[tokio::test]
async fn overlapping_promotions_at_once_act_as_if_run_one_after_another() {
    let app = TestApp::with_repos(&["staging", "candidate", "release"]).await;
    for p in ["a", "b", "c", "d"] {
        app.publish("staging", p, "1.0.0", &format!("{p} from staging"))
            .await;
    }
    app.publish("candidate", "a", "1.0.0", "a from candidate")
        .await;
    app.publish("candidate", "e", "1.0.0", "e from candidate")
        .await;
    let from = |src: &str, pkgs: &[&str]| {
        let mut b = body(
            Value::Array(pkgs.iter().map(|p| generic(p, &["1.0.0"])).collect()),
            json!({}),
        );
        b["sourceRepository"] = json!(src);
        b
    };
    // The first two conflict on a (different content); the others overlap without conflict.
    let bodies = [
        from("staging", &["a", "b"]),
        from("candidate", &["a", "e"]),
        from("staging", &["b", "c"]),
        from("staging", &["c", "d"]),
    ];
    let replies = futures::future::join_all(bodies.into_iter().map(|b| promote(&app, b))).await;
    let results: Vec<Value> = replies.into_iter().map(|r| r.ok()).collect();
    let status: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(status[2..], ["APPLIED", "APPLIED"]);
    let (winner, loser) = match &status[..2] {
        ["APPLIED", "FAILED"] => (0, 1),
        ["FAILED", "APPLIED"] => (1, 0),
        other => panic!("exactly one of two conflicting promotions applies: {other:?}"),
    };
    let lost = actions(&results[loser]);
    assert!(
        lost.iter()
            .any(|r| r.1 == "1.0.0" && r.0 == "a" && r.3 == "ALREADY_EXISTS"),
        "{lost:?}"
    );
    // The state is what the applied promotions wrote, and nothing of the failed one.
    let source_of_a = if winner == 0 { "staging" } else { "candidate" };
    assert_eq!(
        app.versions_of("release", "a").await,
        app.versions_of(source_of_a, "a").await
    );
    for p in ["c", "d"] {
        assert_eq!(
            app.versions_of("release", p).await,
            app.versions_of("staging", p).await
        );
    }
    assert_eq!(
        app.versions_of("release", "b").await,
        app.versions_of("staging", "b").await
    );
    let e_expected = if winner == 1 {
        app.versions_of("candidate", "e").await
    } else {
        vec![]
    };
    assert_eq!(app.versions_of("release", "e").await, e_expected);
    let listed = list(&app, &[("domain", Some(DOMAIN))]).await.ok();
    assert_eq!(listed["promotions"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn opposite_order_promotions_and_a_disjoint_copy_at_once_all_finish_as_if_serial() {
    let app = TestApp::with_repos(&["staging", "candidate", "release"]).await;
    for p in ["a", "b", "c"] {
        app.publish("staging", p, "1.0.0", &format!("{p} from staging"))
            .await;
    }
    for p in ["a", "b"] {
        app.publish("candidate", p, "1.0.0", &format!("{p} from candidate"))
            .await;
    }
    let from = |src: &str, pkgs: &[&str]| {
        let mut b = body(
            Value::Array(pkgs.iter().map(|p| generic(p, &["1.0.0"])).collect()),
            json!({}),
        );
        b["sourceRepository"] = json!(src);
        b
    };
    // Two promotions over the same packages, named in opposite orders (they conflict on both),
    // and a copy of a package neither touches, all at once: no deadlock, one promotion applies
    // whole, and the copy proceeds.
    let (ab, ba, copied) = tokio::join!(
        promote(&app, from("staging", &["a", "b"])),
        promote(&app, from("candidate", &["b", "a"])),
        app.copy("staging", "release", "c", json!({"versions": ["1.0.0"]})),
    );
    let (ab, ba) = (ab.ok(), ba.ok());
    let winner = match (ab["status"].as_str(), ba["status"].as_str()) {
        (Some("APPLIED"), Some("FAILED")) => "staging",
        (Some("FAILED"), Some("APPLIED")) => "candidate",
        other => panic!("exactly one of two conflicting promotions applies: {other:?}"),
    };
    for p in ["a", "b"] {
        assert_eq!(
            app.versions_of("release", p).await,
            app.versions_of(winner, p).await,
            "{p} comes whole from the promotion that applied"
        );
    }
    assert!(copied.ok()["successfulVersions"]["1.0.0"].is_object());
    assert_eq!(
        app.versions_of("release", "c").await,
        app.versions_of("staging", "c").await
    );
    let listed = list(&app, &[("domain", Some(DOMAIN))]).await.ok();
    assert_eq!(listed["promotions"].as_array().unwrap().len(), 1);
}
