//! Deletes racing creates: each runs many rounds of two concurrent calls and checks that every
//! outcome is one a serial order could give (a conflict or a not-found, never a backend
//! failure, never two successful deletes of one thing). Runs on the backend
//! `WHARF_TEST_BACKEND` selects (see `support/db.rs`), and on SQLite on disk, where the pool has
//! several connections.

#[path = "support/db.rs"]
mod db;

use std::sync::Arc;
use wharf_core::names::PackageCoordinate;
use wharf_server::handlers::publish::asset_row;
use wharf_server::secrets::Sealer;
use wharf_server::store::{MetadataStore, PublishAsset, Store, StoreError};

const OWNER: &str = "000000000000";
const ROUNDS: usize = 25;

async fn on_disk() -> (tempfile::TempDir, Arc<dyn MetadataStore>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("wharf.db"), Sealer::random())
        .await
        .unwrap();
    (dir, Arc::new(store))
}

fn pkg() -> PackageCoordinate {
    PackageCoordinate::parse("generic", Some("ns"), "p").unwrap()
}

async fn publish(store: &dyn MetadataStore, domain: &str, version: &str) {
    let p = PublishAsset {
        version: version.into(),
        asset: asset_row("a.bin", version.as_bytes()),
        unfinished: false,
        max_assets: 150,
    };
    store
        .publish_asset(OWNER, domain, "repo", &pkg(), p)
        .await
        .unwrap();
}

/// DeleteDomain against CreateRepository in the same, empty domain: the delete either wins
/// (the create finds no domain) or loses (a conflict: the domain has a repository).
async fn delete_domain_races_create_repository(store: Arc<dyn MetadataStore>) {
    for round in 0..ROUNDS {
        let d = format!("d{round}");
        store.create_domain(OWNER, &d).await.unwrap();
        let (s1, s2, d1, d2) = (store.clone(), store.clone(), d.clone(), d.clone());
        let delete = tokio::spawn(async move { s1.delete_domain(OWNER, &d1).await });
        let create =
            tokio::spawn(async move { s2.create_repository(OWNER, &d2, "r", None, &[]).await });
        let (deleted, created) = (delete.await.unwrap(), create.await.unwrap());
        match (&deleted, &created) {
            (Ok(_), Err(StoreError::NotFound { resource_type, .. })) => {
                assert_eq!(*resource_type, "domain");
                assert!(store.domain(OWNER, &d).await.is_err());
            }
            (Err(StoreError::Conflict { resource_type, .. }), Ok(_)) => {
                assert_eq!(*resource_type, "domain");
                assert_eq!(store.domain(OWNER, &d).await.unwrap().repository_count, 1);
            }
            other => panic!("round {round}: no serial order gives {other:?}"),
        }
    }
}

/// Two DeletePackage calls of one package: exactly one deletes it, the other finds nothing.
async fn delete_package_races_delete_package(store: Arc<dyn MetadataStore>) {
    store.create_domain(OWNER, "dom").await.unwrap();
    store
        .create_repository(OWNER, "dom", "repo", None, &[])
        .await
        .unwrap();
    for round in 0..ROUNDS {
        publish(&*store, "dom", &format!("1.0.{round}")).await;
        let (s1, s2) = (store.clone(), store.clone());
        let a = tokio::spawn(async move { s1.delete_package(OWNER, "dom", "repo", &pkg()).await });
        let b = tokio::spawn(async move { s2.delete_package(OWNER, "dom", "repo", &pkg()).await });
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        let oks = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(oks, 1, "round {round}: {a:?} / {b:?}");
        for r in [&a, &b] {
            if let Err(e) = r {
                assert!(
                    matches!(
                        e,
                        StoreError::NotFound {
                            resource_type: "package",
                            ..
                        }
                    ),
                    "round {round}: {e:?}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delete_domain_is_serial_with_create_repository() {
    delete_domain_races_create_repository(db::fresh_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delete_domain_is_serial_with_create_repository_on_disk() {
    let (_dir, store) = on_disk().await;
    delete_domain_races_create_repository(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delete_package_deletes_once() {
    delete_package_races_delete_package(db::fresh_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delete_package_deletes_once_on_disk() {
    let (_dir, store) = on_disk().await;
    delete_package_races_delete_package(store).await;
}
