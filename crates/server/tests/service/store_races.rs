//! Deletes racing creates: each runs many rounds of two concurrent calls and checks that every
//! outcome is one a serial order could give (a conflict or a not-found, never a backend
//! failure, never two successful deletes of one thing). Runs on the backend
//! `WHARF_TEST_BACKEND` selects (see `support/db.rs`), and on SQLite on disk, where the pool has
//! several connections.

use crate::support::db;

use std::sync::Arc;
use wharf_core::names::PackageCoordinate;
use wharf_server::handlers::publish::asset_row;
use wharf_server::secrets::Sealer;
use wharf_server::store::{
    Clash, MetadataStore, Missing, PublishAsset, Store, StoreError, VersionQuery,
};

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
            (Ok(_), Err(StoreError::NotFound(Missing::Domain { domain }))) => {
                assert_eq!(*domain, d);
                assert!(store.domain(OWNER, &d).await.is_err());
            }
            (
                Err(StoreError::Conflict(Clash::DomainNotEmpty {
                    domain,
                    repositories,
                })),
                Ok(_),
            ) => {
                assert_eq!((domain.as_str(), *repositories), (d.as_str(), 1));
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
                        StoreError::NotFound(Missing::Package { repository, .. }) if repository == "repo"
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

fn pkg_named(name: &str) -> PackageCoordinate {
    PackageCoordinate::parse("generic", Some("ns"), name).unwrap()
}

/// Package writes under per-package locks: 8 tasks publish the same 5 versions of one package
/// (the first creates it), 8 more publish to 8 packages of their own, while the repository's
/// description changes (a deployment-wide write). Every publish succeeds or reports a conflict
/// a serial order gives (none here: the same bytes publish idempotently), nothing is lost, and
/// the one package ends with exactly its 5 versions.
async fn package_writes_race(store: Arc<dyn MetadataStore>) {
    store.create_domain(OWNER, "dom").await.unwrap();
    store
        .create_repository(OWNER, "dom", "repo", None, &[])
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for t in 0..16 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            let name = if t < 8 {
                "shared".to_owned()
            } else {
                format!("own-{t}")
            };
            for v in 0..5 {
                let version = format!("1.0.{v}");
                let p = PublishAsset {
                    version: version.clone(),
                    asset: asset_row("a.bin", version.as_bytes()),
                    unfinished: false,
                    max_assets: 150,
                };
                s.publish_asset(OWNER, "dom", "repo", &pkg_named(&name), p)
                    .await
                    .unwrap_or_else(|e| panic!("task {t} {name}@{version}: {e:?}"));
            }
        }));
    }
    for round in 0..5 {
        store
            .update_repository(OWNER, "dom", "repo", Some(&format!("round {round}")), None)
            .await
            .unwrap();
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (repo, _) = store
        .package(OWNER, "dom", "repo", &pkg_named("shared"))
        .await
        .unwrap();
    let packages = store
        .packages(repo.id, &Default::default(), None, 100)
        .await
        .unwrap();
    assert_eq!(packages.len(), 9, "{packages:?}");
    for name in ["shared", "own-8", "own-15"] {
        let (_, p) = store
            .package(OWNER, "dom", "repo", &pkg_named(name))
            .await
            .unwrap();
        let q = VersionQuery {
            status: None,
            origin_type: None,
            newest_first: false,
            after: None,
            limit: 100,
        };
        let versions = store.versions_page(p.id, &q).await.unwrap();
        assert_eq!(versions.len(), 5, "{name}: {versions:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn package_writes_run_concurrently_and_lose_nothing() {
    package_writes_race(db::fresh_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn package_writes_run_concurrently_and_lose_nothing_on_disk() {
    let (_dir, store) = on_disk().await;
    package_writes_race(store).await;
}
