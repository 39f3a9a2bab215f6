//! The audit trail and the outbox at the router: what each request leaves in
//! `/wharf/v1/events`, redaction, refusals, filters, paging, retention, and that events and
//! records exist exactly when the change committed.

use crate::support::iam as support;

use serde_json::{Value, json};
use support::*;

async fn setup() -> Svc {
    let svc = service().await;
    root_ok(&svc, "POST", "/v1/domain?domain=dom", b"").await;
    for repo in ["staging", "release"] {
        root_ok(
            &svc,
            "POST",
            &format!("/v1/repository?domain=dom&repository={repo}"),
            b"",
        )
        .await;
    }
    svc
}

async fn events(svc: &Svc, query: &str) -> Value {
    root_ok(svc, "GET", &format!("/wharf/v1/events?{query}"), b"").await
}

fn names(page: &Value) -> Vec<String> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["eventName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_publish_is_recorded_with_its_request_id_and_the_version_it_wrote() {
    let svc = setup().await;
    let request = signed_at(
        &Creds::root(),
        "POST",
        "/v1/package/version/publish?domain=dom&repository=staging&format=generic&namespace=ns&package=pkg&version=1.0.0&asset=a.txt",
        b"hello",
        &[
            ("x-amz-content-sha256", &wharf_sigv4::sha256_hex(b"hello")),
            ("user-agent", "test-agent/1"),
        ],
        None,
    );
    let response = tower::ServiceExt::oneshot(svc.app.clone(), request)
        .await
        .unwrap();
    assert!(response.status().is_success());
    let request_id = response.headers()["x-amzn-requestid"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = events(&svc, "event-name=PublishPackageVersion").await;
    let all = page["events"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{page}");
    let e = &all[0];
    assert_eq!(e["requestID"], request_id);
    assert_eq!(e["eventSource"], "codeartifact.amazonaws.com");
    assert_eq!(e["userAgent"], "test-agent/1");
    assert_eq!(e["userIdentity"]["type"], "Root");
    assert_eq!(e["userIdentity"]["accessKeyId"], ROOT_KEY);
    assert_eq!(e["readOnly"], false);
    assert_eq!(e["requestParameters"]["version"], "1.0.0");
    assert_eq!(e["requestParameters"]["contentLength"], 5);
    let written = &e["responseElements"]["versionsWritten"];
    assert_eq!(written.as_array().unwrap().len(), 1, "{e}");
    assert_eq!(written[0]["packageVersion"], "1.0.0");
    assert_eq!(written[0]["operationType"], "Created");
    assert!(e.get("errorCode").is_none());
}

#[tokio::test]
async fn reads_are_recorded_only_when_asked() {
    let svc = setup().await;
    root_ok(&svc, "GET", "/v1/domain?domain=dom", b"").await;
    assert!(names(&events(&svc, "event-name=DescribeDomain").await).is_empty());

    let mut with_reads = setup().await;
    let mut config = (*with_reads.state.config).clone();
    config.audit.reads = true;
    with_reads.state.config = std::sync::Arc::new(config);
    with_reads.app = wharf_server::app(with_reads.state.clone());
    root_ok(&with_reads, "GET", "/v1/domain?domain=dom", b"").await;
    let page = events(&with_reads, "event-name=DescribeDomain").await;
    assert_eq!(names(&page), ["DescribeDomain"]);
    assert_eq!(page["events"][0]["readOnly"], true);
    assert!(page["events"][0]["responseElements"].is_null());
}

#[tokio::test]
async fn refusals_are_recorded_and_write_nothing_else() {
    let svc = setup().await;
    let nobody = user(&svc, "nobody", &[]).await;
    let r = publish(&svc, &nobody, "staging", "1.0.0").await;
    assert_eq!(r.error, "AccessDeniedException");
    // A signature made with the wrong secret.
    let forged = Creds {
        key: nobody.key.clone(),
        secret: "not-the-secret-not-the-secret-0000000000".into(),
    };
    let r = call(&svc, &forged, "POST", "/v1/domain?domain=evil", b"").await;
    assert_eq!(r.status.as_u16(), 403, "{r:?}");

    let page = events(&svc, "").await;
    let all = page["events"].as_array().unwrap();
    let denied: Vec<&Value> = all.iter().filter(|e| e["errorCode"].is_string()).collect();
    assert_eq!(denied.len(), 2, "{page}");
    // Newest first: the forged CreateDomain, then the refused publish.
    assert_eq!(denied[0]["eventName"], "CreateDomain");
    assert_eq!(
        denied[0]["userIdentity"]["accessKeyId"],
        nobody.key.as_str()
    );
    assert_eq!(denied[0]["userIdentity"]["type"], "Unknown");
    assert_eq!(denied[1]["eventName"], "PublishPackageVersion");
    assert_eq!(denied[1]["errorCode"], "AccessDeniedException");
    assert_eq!(denied[1]["userIdentity"]["arn"], user_arn("nobody"));
    assert!(
        denied[1]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("not authorized")
    );
    assert!(denied.iter().all(|e| e["responseElements"].is_null()));
    let versions = call(
        &svc,
        &Creds::root(),
        "POST",
        "/v1/package/versions?domain=dom&repository=staging&format=generic&namespace=ns&package=pkg",
        b"",
    )
    .await;
    assert_eq!(
        versions.error, "ResourceNotFoundException",
        "nothing was published"
    );
}

#[tokio::test]
async fn tokens_and_secrets_never_reach_the_trail() {
    let svc = setup().await;
    let token = root_ok(
        &svc,
        "POST",
        "/v1/authorization-token?domain=dom",
        b"",
    )
    .await["authorizationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = bearer(&svc, &token, "POST", "/v1/domain?domain=other", b"").await;
    assert!(r.status.is_success(), "{r:?}");
    // A member named like a secret, in a JSON body and in the query string.
    call(
        &svc,
        &Creds::root(),
        "POST",
        "/v1/tag?resourceArn=x&sessionToken=abc123secretvalue",
        br#"{"tags": [], "password": "hunter2-very-secret"}"#,
    )
    .await;
    let page = events(&svc, "").await;
    let text = page.to_string();
    assert!(!text.contains(&token), "{text}");
    assert!(!text.contains("abc123secretvalue"), "{text}");
    assert!(!text.contains("hunter2-very-secret"), "{text}");
    assert!(!text.contains(ROOT_SECRET));
    let tag = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["eventName"] == "TagResource")
        .expect("recorded");
    assert_eq!(
        tag["requestParameters"]["password"],
        "HIDDEN_DUE_TO_SECURITY_REASONS"
    );
    assert_eq!(
        tag["requestParameters"]["sessionToken"],
        "HIDDEN_DUE_TO_SECURITY_REASONS"
    );
    // The token-authenticated CreateDomain is recorded with the key behind the token.
    let created = events(&svc, "event-name=CreateDomain").await;
    assert_eq!(names(&created).len(), 2);
    assert_eq!(created["events"][0]["requestParameters"]["domain"], "other");
    assert_eq!(
        created["events"][0]["userIdentity"]["accessKeyId"],
        ROOT_KEY
    );
}

#[tokio::test]
async fn filters_combine_and_pages_run_newest_first() {
    let svc = setup().await;
    for v in ["1.0.0", "1.0.1", "1.0.2"] {
        assert!(
            publish(&svc, &Creds::root(), "staging", v)
                .await
                .status
                .is_success()
        );
    }
    let copy = json!({"versions": ["1.0.0", "1.0.1"]}).to_string();
    root_ok(
        &svc,
        "POST",
        "/v1/package/versions/copy?domain=dom&source-repository=staging&destination-repository=release&format=generic&namespace=ns&package=pkg",
        copy.as_bytes(),
    )
    .await;
    let copies = events(&svc, "repository=release").await;
    assert_eq!(names(&copies), ["CopyPackageVersions", "CreateRepository"]);
    let written = &copies["events"][0]["responseElements"]["versionsWritten"];
    assert_eq!(written.as_array().unwrap().len(), 2, "{copies}");
    assert!(
        written
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["repositoryName"] == "release")
    );
    assert_eq!(
        names(&events(&svc, "package=ns/pkg&repository=staging").await),
        ["PublishPackageVersion"; 3]
    );
    assert!(names(&events(&svc, "package=ns/other").await).is_empty());
    assert_eq!(
        names(
            &events(
                &svc,
                &format!("principal={}", "arn:aws:iam::000000000000:root")
            )
            .await
        )
        .len(),
        7
    );
    // Pages of two, newest first, cover everything once.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let q = match &token {
            Some(t) => format!("max-results=2&next-token={t}"),
            None => "max-results=2".into(),
        };
        let page = events(&svc, &q).await;
        let times: Vec<f64> = page["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["eventTimeEpoch"].as_f64().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]));
        seen.extend(names(&page));
        match page["nextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7, "{seen:?}");
    assert_eq!(seen[0], "CopyPackageVersions");
    assert_eq!(seen[6], "CreateDomain");
    // Time range: nothing after now, everything since an hour ago.
    let now = wharf_server::store::now();
    assert!(names(&events(&svc, &format!("start-time={}", now + 60.0)).await).is_empty());
    assert_eq!(
        names(
            &events(
                &svc,
                &format!("start-time={}&end-time={}", now - 3600.0, now + 60.0)
            )
            .await
        )
        .len(),
        7
    );
    let bad = call(
        &svc,
        &Creds::root(),
        "GET",
        "/wharf/v1/events?max-results=0",
        b"",
    )
    .await;
    assert_eq!(bad.error, "ValidationException");
    let bad = call(
        &svc,
        &Creds::root(),
        "GET",
        "/wharf/v1/events?next-token=zzz",
        b"",
    )
    .await;
    assert_eq!(bad.error, "ValidationException");
}

#[tokio::test]
async fn retention_prunes_in_batches() {
    let svc = setup().await;
    for v in ["1.0.0", "1.0.1", "1.0.2"] {
        publish(&svc, &Creds::root(), "staging", v).await;
    }
    let store = &svc.state.store;
    let future = wharf_server::store::now() + 10.0;
    assert_eq!(
        store.prune_audit(future - 3600.0, 2).await.unwrap(),
        0,
        "none is old"
    );
    assert_eq!(store.prune_audit(future, 2).await.unwrap(), 2);
    assert_eq!(store.prune_audit(future, 2).await.unwrap(), 2);
    assert_eq!(store.prune_audit(future, 2).await.unwrap(), 2);
    assert_eq!(store.prune_audit(future, 2).await.unwrap(), 0);
    assert!(names(&events(&svc, "").await).is_empty());
}

#[tokio::test]
async fn a_failed_write_leaves_no_success_record_and_no_event() {
    let svc = setup().await;
    let hook = root_ok(
        &svc,
        "POST",
        "/wharf/v1/webhooks",
        json!({"url": "http://127.0.0.1:9/hook"})
            .to_string()
            .as_bytes(),
    )
    .await;
    let id = hook["webhook"]["id"].as_str().unwrap().to_owned();
    assert!(hook["secret"].as_str().unwrap().starts_with("whsec_"));
    assert!(
        publish(&svc, &Creds::root(), "staging", "1.0.0")
            .await
            .status
            .is_success()
    );
    // Publishing different content under the same asset name fails inside the transaction.
    let content = b"other content";
    let request = signed_at(
        &Creds::root(),
        "POST",
        "/v1/package/version/publish?domain=dom&repository=staging&format=generic&namespace=ns&package=pkg&version=1.0.0&asset=a.txt",
        content,
        &[("x-amz-content-sha256", &wharf_sigv4::sha256_hex(content))],
        None,
    );
    let r = send(&svc, request).await;
    assert_eq!(r.error, "ConflictException", "{r:?}");
    // A copy from a repository that does not exist.
    let r = call(
        &svc,
        &Creds::root(),
        "POST",
        "/v1/package/versions/copy?domain=dom&source-repository=nope&destination-repository=release&format=generic&namespace=ns&package=pkg",
        br#"{"versions": ["1.0.0"]}"#,
    )
    .await;
    assert_eq!(r.error, "ResourceNotFoundException", "{r:?}");
    let page = events(&svc, "").await;
    let failed: Vec<&Value> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["errorCode"].is_string())
        .collect();
    assert_eq!(failed.len(), 2, "{page}");
    assert!(
        failed.iter().all(|e| e["responseElements"].is_null()),
        "{page}"
    );
    let deliveries = root_ok(
        &svc,
        "GET",
        &format!("/wharf/v1/webhooks/{id}/deliveries"),
        b"",
    )
    .await;
    let all = deliveries["deliveries"].as_array().unwrap();
    assert_eq!(all.len(), 1, "only the committed publish: {deliveries}");
    assert_eq!(all[0]["status"], "pending");
}

#[tokio::test]
async fn status_changes_deletes_and_disposals_each_emit_one_event_per_version() {
    let svc = setup().await;
    let hook = root_ok(
        &svc,
        "POST",
        "/wharf/v1/webhooks",
        json!({"url": "http://127.0.0.1:9/hook", "filter": {"repository": "staging", "eventTypes": ["Updated", "Deleted"]}})
            .to_string()
            .as_bytes(),
    )
    .await;
    let id = hook["webhook"]["id"].as_str().unwrap().to_owned();
    for v in ["1.0.0", "1.0.1"] {
        publish(&svc, &Creds::root(), "staging", v).await;
    }
    let pkg = "domain=dom&repository=staging&format=generic&namespace=ns&package=pkg";
    root_ok(
        &svc,
        "POST",
        &format!("/v1/package/versions/update_status?{pkg}"),
        br#"{"versions": ["1.0.0", "1.0.1"], "targetStatus": "Archived"}"#,
    )
    .await;
    root_ok(
        &svc,
        "POST",
        &format!("/v1/package/versions/dispose?{pkg}"),
        br#"{"versions": ["1.0.0"]}"#,
    )
    .await;
    root_ok(
        &svc,
        "POST",
        &format!("/v1/package/versions/delete?{pkg}"),
        br#"{"versions": ["1.0.1"]}"#,
    )
    .await;
    let deliveries = root_ok(
        &svc,
        "GET",
        &format!("/wharf/v1/webhooks/{id}/deliveries"),
        b"",
    )
    .await;
    // Two status changes, one disposal, one delete; the publishes (Created) are filtered out.
    assert_eq!(
        deliveries["deliveries"].as_array().unwrap().len(),
        4,
        "{deliveries}"
    );
    let listed = root_ok(&svc, "GET", "/wharf/v1/webhooks", b"").await;
    assert_eq!(listed["webhooks"][0]["deliveries"]["pending"], 4);
    assert!(
        !listed.to_string().contains("whsec_"),
        "secrets are never listed"
    );
}

#[tokio::test]
async fn a_promotion_emits_its_versions_and_its_own_event_with_its_id() {
    let svc = setup().await;
    let whole = root_ok(
        &svc,
        "POST",
        "/wharf/v1/webhooks",
        json!({"url": "http://127.0.0.1:9/p", "filter": {"eventTypes": ["Wharf Promotion State Change"]}})
            .to_string()
            .as_bytes(),
    )
    .await["webhook"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let versions = root_ok(
        &svc,
        "POST",
        "/wharf/v1/webhooks",
        json!({"url": "http://127.0.0.1:9/v", "filter": {"repository": "release"}})
            .to_string()
            .as_bytes(),
    )
    .await["webhook"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for v in ["1.0.0", "1.0.1"] {
        publish(&svc, &Creds::root(), "staging", v).await;
    }
    let body = json!({"domain": "dom", "sourceRepository": "staging", "destinationRepository": "release",
        "packages": [{"format": "generic", "namespace": "ns", "package": "pkg", "versions": ["1.0.0", "1.0.1"]}]});
    let result = root_ok(
        &svc,
        "POST",
        "/wharf/v1/promotions",
        body.to_string().as_bytes(),
    )
    .await;
    let id = result["promotionId"].as_str().expect("applied").to_owned();
    let count = |hook: String| {
        let svc = svc.clone();
        async move {
            root_ok(
                &svc,
                "GET",
                &format!("/wharf/v1/webhooks/{hook}/deliveries"),
                b"",
            )
            .await["deliveries"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(count(whole).await, 1, "one promotion event");
    // Two versions into release, plus the promotion event (whose destination is release).
    assert_eq!(count(versions).await, 3);
    let recorded = events(&svc, "event-name=Promote").await;
    let written = recorded["events"][0]["responseElements"]["versionsWritten"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(written.len(), 3, "{recorded}");
    assert!(written.iter().any(|w| w["promotionId"] == id.as_str()));
    assert_eq!(recorded["events"][0]["eventSource"], "wharf");
}
