//! Conformance suite of the metadata store: each check takes a fresh store, so any other
//! implementation can run the same list. Run here against SQLite in memory and on disk, and
//! against PostgreSQL in `postgres::*`: those are `#[ignore]`d (reported as ignored, never
//! passed without running) and run with `-- --include-ignored` and `WHARF_TEST_POSTGRES_URL`
//! (see `support/db.rs`; `scripts/test` does so in its PostgreSQL pass).

use crate::support::db;

mod activity;
use activity::{
    audit_records_append_filter_page_and_prune, concurrent_audit_records_are_each_stored_once,
    outbox_claims_once_in_order_retries_fails_and_redelivers,
};

use std::sync::Arc;
use wharf_core::api::PackageVersionOriginType;
use wharf_core::names::{PackageCoordinate, PackageVersionStatus};
use wharf_server::handlers::publish::asset_row;
use wharf_server::store::batch::{BatchOp, Selection};
use wharf_server::store::{
    Clash, ImportVersion, MetadataStore, Missing, PublishAsset, StoreError, UpstreamRefusal,
    VersionQuery,
};

const OWNER: &str = "000000000000";
const D: &str = "dom";

fn generic(name: &str) -> PackageCoordinate {
    PackageCoordinate::parse("generic", Some("ns"), name).unwrap()
}

async fn domain_with(store: &dyn MetadataStore, repos: &[(&str, &[&str])]) {
    store.create_domain(OWNER, D).await.unwrap();
    for (name, ups) in repos {
        let ups: Vec<String> = ups.iter().map(|s| s.to_string()).collect();
        store
            .create_repository(OWNER, D, name, None, &ups)
            .await
            .unwrap();
    }
}

async fn publish(
    store: &dyn MetadataStore,
    repo: &str,
    pkg: &str,
    version: &str,
    bytes: &[u8],
) -> String {
    let p = PublishAsset {
        version: version.into(),
        asset: asset_row("a.bin", bytes),
        unfinished: false,
        max_assets: 150,
    };
    let (row, _) = store
        .publish_asset(OWNER, D, repo, &generic(pkg), p)
        .await
        .unwrap();
    row.revision
}

async fn domains_are_unique_and_report_by_kind(store: Arc<dyn MetadataStore>) {
    store.create_domain(OWNER, D).await.unwrap();
    assert!(matches!(
        store.create_domain(OWNER, D).await,
        Err(StoreError::Conflict(Clash::DomainExists { domain })) if domain == D
    ));
    assert!(matches!(
        store.domain(OWNER, "other").await,
        Err(StoreError::NotFound(Missing::Domain { domain })) if domain == "other"
    ));
    store
        .create_repository(OWNER, D, "repo", None, &[])
        .await
        .unwrap();
    assert!(matches!(
        store.delete_domain(OWNER, D).await,
        Err(StoreError::Conflict(Clash::DomainNotEmpty {
            repositories: 1,
            ..
        }))
    ));
    assert!(matches!(
        store.repository(OWNER, D, "nope").await,
        Err(StoreError::NotFound(Missing::Repository { domain, repository }))
            if domain == D && repository == "nope"
    ));
    store.delete_repository(OWNER, D, "repo").await.unwrap();
    store.delete_domain(OWNER, D).await.unwrap();
    assert!(store.domains(OWNER).await.unwrap().is_empty());
}

async fn search_order_is_depth_first_in_priority_order(store: Arc<dyn MetadataStore>) {
    domain_with(
        &*store,
        &[
            ("ee", &[]),
            ("cc", &[]),
            ("dd", &["ee"]),
            ("aa", &["cc", "dd"]),
            ("bb", &["ee"]),
            ("my-repo", &["aa", "bb"]),
        ],
    )
    .await;
    let order: Vec<String> = store
        .search_order(OWNER, D, "my-repo", 25)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(order, ["my-repo", "aa", "cc", "dd", "ee", "bb"]);
    let capped = store.search_order(OWNER, D, "my-repo", 3).await.unwrap();
    assert_eq!(capped.len(), 3);
    // Cycles are refused on update.
    let err = store
        .update_repository(OWNER, D, "ee", None, Some(&["my-repo".to_owned()]))
        .await;
    assert!(
        matches!(&err, Err(StoreError::Upstreams(UpstreamRefusal::Cycle(r))) if r == "ee"),
        "{err:?}"
    );
    let ups = store.repository(OWNER, D, "ee").await.unwrap().upstreams;
    assert!(ups.is_empty(), "a refused update changes nothing");
}

async fn publish_is_idempotent_and_conflicts_on_other_bytes(store: Arc<dyn MetadataStore>) {
    domain_with(&*store, &[("repo", &[])]).await;
    let r1 = publish(&*store, "repo", "p", "1.0", b"x").await;
    let again = PublishAsset {
        version: "1.0".into(),
        asset: asset_row("a.bin", b"x"),
        unfinished: false,
        max_assets: 150,
    };
    let (row, _) = store
        .publish_asset(OWNER, D, "repo", &generic("p"), again.clone())
        .await
        .unwrap();
    assert_eq!(row.revision, r1);
    let other = PublishAsset {
        asset: asset_row("a.bin", b"y"),
        ..again
    };
    assert!(matches!(
        store
            .publish_asset(OWNER, D, "repo", &generic("p"), other)
            .await,
        Err(StoreError::Conflict(Clash::AssetDiffers { asset, .. })) if asset == "a.bin"
    ));
}

async fn versions_page_orders_and_resumes(store: Arc<dyn MetadataStore>) {
    domain_with(&*store, &[("repo", &[])]).await;
    let c = PackageCoordinate::parse("pypi", None, "lib").unwrap();
    for (i, v) in ["b", "a", "c"].iter().enumerate() {
        store
            .import_version(
                OWNER,
                D,
                "repo",
                &c,
                ImportVersion {
                    version: (*v).into(),
                    status: PackageVersionStatus::Published,
                    origin_type: PackageVersionOriginType::External,
                    entry_repository: None,
                    // "a" and "b" share a publish time: the version breaks the tie.
                    published_time: 100.0 + (i / 2) as f64,
                    metadata: Default::default(),
                    assets: vec![asset_row(&format!("{v}.whl"), v.as_bytes())],
                },
            )
            .await
            .unwrap();
    }
    let (_, pkg) = store.package(OWNER, D, "repo", &c).await.unwrap();
    let mut q = VersionQuery {
        limit: 2,
        ..Default::default()
    };
    let first = store.versions_page(pkg.id, &q).await.unwrap();
    let names: Vec<_> = first.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    let last = first.last().unwrap();
    q.after = Some((last.published_time, last.version.clone()));
    let rest = store.versions_page(pkg.id, &q).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].version, "c");
    assert_eq!(
        store.latest_published(pkg.id).await.unwrap(),
        Some("c".into())
    );
}

async fn batches_are_all_or_nothing(store: Arc<dyn MetadataStore>) {
    domain_with(&*store, &[("repo", &[])]).await;
    publish(&*store, "repo", "p", "1.0", b"1").await;
    publish(&*store, "repo", "p", "2.0", b"2").await;
    let out = store
        .batch(
            OWNER,
            D,
            "repo",
            &generic("p"),
            BatchOp::Delete,
            &Selection {
                versions: vec!["1.0".into(), "3.0".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(out.succeeded.is_empty());
    let (_, pkg) = store
        .package(OWNER, D, "repo", &generic("p"))
        .await
        .unwrap();
    assert!(store.version(pkg.id, &generic("p"), "1.0").await.is_ok());
    let out = store
        .batch(
            OWNER,
            D,
            "repo",
            &generic("p"),
            BatchOp::Dispose,
            &Selection {
                versions: vec!["1.0".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(out.succeeded.len(), 1);
    let (row, assets) = store.version(pkg.id, &generic("p"), "1.0").await.unwrap();
    assert_eq!(row.status, PackageVersionStatus::Disposed);
    assert!(assets.is_empty());
}

async fn access_keys_open_for_authentication_only(store: Arc<dyn MetadataStore>) {
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    store.create_user("alice").await.unwrap();
    let row = store
        .create_access_key("alice", "AKIAALICE00000000000", secret)
        .await
        .unwrap();
    assert_eq!(
        (row.id.as_str(), row.user.as_str()),
        ("AKIAALICE00000000000", "alice")
    );
    let active = store
        .active_access_key("AKIAALICE00000000000")
        .await
        .unwrap()
        .expect("an active key");
    assert_eq!(
        (active.user.as_str(), active.secret.as_str()),
        ("alice", secret)
    );
    assert!(
        !format!("{active:?}").contains(secret),
        "Debug hides the secret"
    );
    let listed = store.access_keys("alice").await.unwrap();
    assert_eq!(listed, [row]);
    store
        .revoke_access_key("AKIAALICE00000000000")
        .await
        .unwrap();
    assert_eq!(
        store
            .active_access_key("AKIAALICE00000000000")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .active_access_key("AKIANOSUCHKEY0000000")
            .await
            .unwrap(),
        None
    );
}

macro_rules! conformance {
    ($($check:ident),* $(,)?) => {
        mod in_memory {
            $(#[tokio::test]
            async fn $check() {
                super::$check(std::sync::Arc::new(wharf_server::store::Store::in_memory().await.unwrap())).await;
            })*
        }
        /// Ignored unless asked for (`cargo test -- --include-ignored`, as `scripts/test` does
        /// in its PostgreSQL pass), so that a run without PostgreSQL reports them as ignored
        /// rather than passing without running; asked for without a server, they fail.
        mod postgres {
            $(#[tokio::test]
            #[ignore = "needs a PostgreSQL server: WHARF_TEST_POSTGRES_URL (scripts/pg-throwaway)"]
            async fn $check() {
                super::$check(super::db::fresh_postgres().await).await;
            })*
        }
        mod on_disk {
            $(#[tokio::test]
            async fn $check() {
                let dir = tempfile::tempdir().unwrap();
                let store = wharf_server::store::Store::open(
                    &dir.path().join("wharf.db"),
                    wharf_server::secrets::Sealer::derive("root secret"),
                )
                .await
                .unwrap();
                super::$check(std::sync::Arc::new(store)).await;
            })*
        }
    };
}

conformance!(
    domains_are_unique_and_report_by_kind,
    search_order_is_depth_first_in_priority_order,
    publish_is_idempotent_and_conflicts_on_other_bytes,
    versions_page_orders_and_resumes,
    batches_are_all_or_nothing,
    access_keys_open_for_authentication_only,
    audit_records_append_filter_page_and_prune,
    concurrent_audit_records_are_each_stored_once,
    outbox_claims_once_in_order_retries_fails_and_redelivers,
);
