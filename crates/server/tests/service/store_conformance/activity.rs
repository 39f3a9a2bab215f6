//! Conformance of the audit trail and the webhook outbox, on every backend (same `conformance!`
//! list as the rest of the store: SQLite in memory and on disk, PostgreSQL when asked for).

use super::{D, OWNER, domain_with, generic, publish};
use std::sync::Arc;
use wharf_core::api::WebhookFilter;
use wharf_server::handlers::publish::asset_row;
use wharf_server::store::audit::{AuditFilter, AuditRow};
use wharf_server::store::webhooks::AttemptOutcome;
use wharf_server::store::{MetadataStore, PublishAsset, StoreError};

fn row(n: u32, time: f64, principal: &str, event: &str, package: &str) -> AuditRow {
    AuditRow {
        event_id: format!("evt-{n}"),
        event_time: time,
        event_name: event.into(),
        event_source: "codeartifact.amazonaws.com".into(),
        request_id: format!("req-{n}"),
        principal_arn: principal.into(),
        domain: D.into(),
        repository: "release".into(),
        package: package.into(),
        request_parameters: format!(r#"{{"n":{n}}}"#),
        ..AuditRow::default()
    }
}

fn filter() -> AuditFilter {
    AuditFilter {
        limit: 100,
        ..AuditFilter::default()
    }
}

async fn ids(store: &dyn MetadataStore, f: AuditFilter) -> Vec<String> {
    let rows = store.audit_events(&f).await.unwrap();
    rows.into_iter().map(|(_, r)| r.event_id).collect()
}

pub(super) async fn audit_records_append_filter_page_and_prune(store: Arc<dyn MetadataStore>) {
    let (alice, bob) = ("arn:aws:iam::0:user/alice", "arn:aws:iam::0:user/bob");
    for n in 1..=6 {
        let (who, event) = if n % 2 == 0 {
            (bob, "CopyPackageVersions")
        } else {
            (alice, "PublishPackageVersion")
        };
        let package = if n <= 3 { "ns/a" } else { "ns/b" };
        store
            .record_audit(&row(n, f64::from(n) * 100.0, who, event, package))
            .await
            .unwrap();
    }
    // A second write of the same record completes it instead of adding one.
    let mut done = row(6, 650.0, bob, "CopyPackageVersions", "ns/b");
    done.error_code = Some("ConflictException".into());
    done.response_elements = Some(r#"{"versionsWritten":[]}"#.into());
    store.record_audit(&done).await.unwrap();
    let all = store.audit_events(&filter()).await.unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!(all[0].1, done, "newest first, completed in place");
    assert!(all.windows(2).all(|w| w[0].0 > w[1].0), "row ids descend");

    let by = |f: AuditFilter| ids(&*store, f);
    assert_eq!(
        by(AuditFilter {
            principal: Some(alice.into()),
            ..filter()
        })
        .await,
        ["evt-5", "evt-3", "evt-1"]
    );
    assert_eq!(
        by(AuditFilter {
            event_name: Some("CopyPackageVersions".into()),
            package: Some("ns/a".into()),
            ..filter()
        })
        .await,
        ["evt-2"]
    );
    assert_eq!(
        by(AuditFilter {
            start_time: Some(200.0),
            end_time: Some(400.0),
            ..filter()
        })
        .await,
        ["evt-3", "evt-2"]
    );
    assert!(
        by(AuditFilter {
            domain: Some("other".into()),
            ..filter()
        })
        .await
        .is_empty()
    );
    assert!(
        by(AuditFilter {
            repository: Some("staging".into()),
            ..filter()
        })
        .await
        .is_empty()
    );
    // Paging: two at a time, resuming below the last row id.
    let first = store
        .audit_events(&AuditFilter {
            limit: 2,
            ..filter()
        })
        .await
        .unwrap();
    let next = store
        .audit_events(&AuditFilter {
            limit: 2,
            before_id: Some(first[1].0),
            ..filter()
        })
        .await
        .unwrap();
    let names: Vec<_> = first
        .iter()
        .chain(&next)
        .map(|(_, r)| r.event_id.as_str())
        .collect();
    assert_eq!(names, ["evt-6", "evt-5", "evt-4", "evt-3"]);

    // Pruning goes in batches and only takes records older than the cut.
    assert_eq!(store.prune_audit(350.0, 2).await.unwrap(), 2);
    assert_eq!(store.prune_audit(350.0, 2).await.unwrap(), 1);
    assert_eq!(store.prune_audit(350.0, 2).await.unwrap(), 0);
    assert_eq!(by(filter()).await, ["evt-6", "evt-5", "evt-4"]);
}

/// Records of concurrent requests share transactions (the group commit): a waiting caller gets
/// its answer only once its own record is stored, a queued record is visible to the next read,
/// and none is lost or written twice.
pub(super) async fn concurrent_audit_records_are_each_stored_once(store: Arc<dyn MetadataStore>) {
    let writers: Vec<_> = (0..200)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let r = row(
                    n,
                    1000.0 + f64::from(n),
                    "arn:aws:iam::0:user/c",
                    "Denied",
                    "ns/c",
                );
                // Refusals wait for their record; the others are queued, and a read waits
                // for the queue: either way, the record is listed once the call returns.
                if n % 2 == 0 {
                    store.record_audit(&r).await.unwrap();
                } else {
                    store.queue_audit(r.clone()).await.unwrap();
                }
                let mine = store
                    .audit_events(&AuditFilter {
                        start_time: Some(r.event_time),
                        end_time: Some(r.event_time + 0.5),
                        ..filter()
                    })
                    .await
                    .unwrap();
                assert!(mine.iter().any(|(_, m)| m.event_id == r.event_id), "{n}");
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    let mut all = ids(
        &*store,
        AuditFilter {
            limit: 1000,
            ..filter()
        },
    )
    .await;
    assert_eq!(all.len(), 200);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 200, "no record written twice");
}

async fn webhook(store: &dyn MetadataStore, filter: WebhookFilter) -> String {
    let (hook, secret) = store
        .create_webhook("http://127.0.0.1:9/hook", &filter)
        .await
        .unwrap();
    assert!(secret.starts_with("whsec_"));
    hook.id
}

pub(super) async fn outbox_claims_once_in_order_retries_fails_and_redelivers(
    store: Arc<dyn MetadataStore>,
) {
    domain_with(&*store, &[("release", &[])]).await;
    let all = webhook(&*store, WebhookFilter::default()).await;
    let only_b = webhook(
        &*store,
        WebhookFilter {
            package_prefix: Some("ns/b".into()),
            ..Default::default()
        },
    )
    .await;
    // The events are written with the changes: two versions of a, one of b.
    publish(&*store, "release", "a", "1.0.0", b"a1").await;
    publish(&*store, "release", "a", "2.0.0", b"a2").await;
    publish(&*store, "release", "b", "1.0.0", b"b1").await;
    // A publish that conflicts writes nothing, so it emits nothing.
    let refused = store
        .publish_asset(
            OWNER,
            D,
            "release",
            &generic("a"),
            PublishAsset {
                version: "1.0.0".into(),
                asset: asset_row("a.bin", b"other bytes"),
                unfinished: false,
                max_assets: 150,
            },
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert_eq!(store.pending_deliveries().await.unwrap(), 4);
    let event = |body: &str, key: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        v["detail"][key]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v["detail"][key].to_string())
    };

    // Only the oldest pending delivery of each webhook is due; a claimed one is leased.
    let far = wharf_server::store::now() + 600.0;
    let claimed = store.claim_due(10, far).await.unwrap();
    let got: Vec<_> = claimed
        .iter()
        .map(|c| {
            (
                c.webhook_id.clone(),
                event(&c.body, "packageName"),
                event(&c.body, "packageVersion"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (all.clone(), "a".to_owned(), "1.0.0".to_owned()),
            (only_b.clone(), "b".to_owned(), "1.0.0".to_owned()),
        ]
    );
    assert!(
        claimed
            .iter()
            .all(|c| c.secret.starts_with("whsec_") && c.attempts == 0)
    );
    assert!(
        store.claim_due(10, far).await.unwrap().is_empty(),
        "claimed once"
    );

    // A retry keeps the webhook's queue waiting on that delivery: order before progress.
    let (first, b) = (&claimed[0], &claimed[1]);
    store
        .finish_attempt(
            first.id,
            &AttemptOutcome::Retry {
                error: "HTTP 503".into(),
                at: 0.0,
            },
        )
        .await
        .unwrap();
    store
        .finish_attempt(b.id, &AttemptOutcome::Delivered)
        .await
        .unwrap();
    let again = store.claim_due(10, far).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].id, again[0].attempts, again[0].event_id.clone()),
        (first.id, 1, first.event_id.clone())
    );
    assert!(again[0].first_attempt_time.is_some());

    // Given up: failed, listed, and the next event of the webhook becomes due.
    store
        .finish_attempt(
            first.id,
            &AttemptOutcome::Failed {
                error: "HTTP 410".into(),
            },
        )
        .await
        .unwrap();
    let failed = store.deliveries(&all, Some("failed")).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (failed[0].delivery_id, failed[0].last_error.as_deref()),
        (first.id, Some("HTTP 410"))
    );
    let next = store.claim_due(10, far).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(event(&next[0].body, "packageVersion"), "2.0.0");
    store
        .finish_attempt(next[0].id, &AttemptOutcome::Delivered)
        .await
        .unwrap();

    // Redelivered by hand: the same event, pending again and due at once.
    store.redeliver(&all, first.id).await.unwrap();
    let redone = store.claim_due(10, far).await.unwrap();
    assert_eq!(redone.len(), 1);
    assert_eq!(redone[0].event_id, first.event_id);
    store
        .finish_attempt(redone[0].id, &AttemptOutcome::Delivered)
        .await
        .unwrap();
    // The redelivery went first (it is the webhook's oldest pending delivery); b's event for
    // the catch-all webhook comes after it.
    let last = store.claim_due(10, far).await.unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(
        (
            last[0].webhook_id.as_str(),
            event(&last[0].body, "packageName")
        ),
        (all.as_str(), "b".to_owned())
    );
    store
        .finish_attempt(last[0].id, &AttemptOutcome::Delivered)
        .await
        .unwrap();
    assert_eq!(store.pending_deliveries().await.unwrap(), 0);
    let hooks = store.webhooks().await.unwrap();
    let counts = &hooks.iter().find(|h| h.id == all).unwrap().deliveries;
    assert_eq!(counts.get("succeeded").copied(), Some(3), "{counts:?}");
    assert_eq!(counts.get("failed").copied(), None, "{counts:?}");
    assert!(matches!(
        store.redeliver(&all, 999_999).await,
        Err(StoreError::NotFound { .. })
    ));
}
