//! A copy that changes nothing is planned on a read snapshot and never takes the write lock
//! ([`VersionStore::copy`]); one that changes something still does. On SQLite on disk (the
//! process-wide writer mutex) and, with `WHARF_TEST_BACKEND=postgres`, on PostgreSQL (the
//! package's advisory lock).

use super::{PublishAsset, VersionStore};
use crate::store::{RepositoryStore, Store, WriteScope};
use std::time::Duration;
use wharf_core::api::CopyPackageVersionsRequest;
use wharf_core::copy::{CopyRequest, PlanOptions, RepositoryPackage, plan_copy};
use wharf_core::names::PackageCoordinate;

const OWNER: &str = "000000000000";

async fn store() -> (Store, Option<tempfile::TempDir>) {
    if std::env::var("WHARF_TEST_BACKEND").is_ok_and(|b| b == "postgres") {
        let url = std::env::var("WHARF_TEST_POSTGRES_URL").expect("WHARF_TEST_POSTGRES_URL");
        let s = Store::connect(&url, crate::secrets::Sealer::random());
        (s.await.unwrap(), None)
    } else {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wharf.db");
        let s = Store::open(&path, crate::secrets::Sealer::random()).await;
        (s.unwrap(), Some(dir))
    }
}

fn request(domain: &str, versions: &[&str]) -> CopyRequest {
    let req = CopyPackageVersionsRequest {
        domain: Some(domain.into()),
        source_repository: Some("src".into()),
        destination_repository: Some("dst".into()),
        format: Some("generic".into()),
        namespace: Some("ns".into()),
        package: Some("p".into()),
        versions: Some(versions.iter().map(|v| v.to_string()).collect()),
        ..Default::default()
    };
    CopyRequest::try_from(&req).unwrap()
}

async fn copy(s: &Store, req: &CopyRequest) -> wharf_core::copy::CopyPlan {
    let wanted: Vec<String> = req
        .selection
        .versions()
        .iter()
        .map(|v| v.to_string())
        .collect();
    let planner = |source: &[RepositoryPackage], destination: &RepositoryPackage| {
        plan_copy(req, source, destination, PlanOptions::default())
    };
    s.copy(
        OWNER,
        req.domain.as_str(),
        "src",
        1,
        "dst",
        &req.package,
        &wanted,
        &planner,
    )
    .await
    .unwrap()
    .unwrap()
}

/// The test bounds its waits so that a copy stuck behind the lock fails the test instead of
/// hanging it; nothing here measures time.
const STUCK: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identical_copy_is_answered_while_the_package_is_locked() {
    let (s, _dir) = store().await;
    let domain = format!("d{:08x}", rand::random::<u32>());
    let c = PackageCoordinate::parse("generic", Some("ns"), "p").unwrap();
    s.create_domain(OWNER, &domain).await.unwrap();
    for repo in ["src", "dst"] {
        s.create_repository(OWNER, &domain, repo, None, &[])
            .await
            .unwrap();
    }
    for v in ["1.0", "1.1", "1.2"] {
        let p = PublishAsset {
            version: v.into(),
            asset: crate::handlers::publish::asset_row("a.bin", v.as_bytes()),
            unfinished: false,
            max_assets: 150,
        };
        s.publish_asset(OWNER, &domain, "src", &c, p).await.unwrap();
    }
    let first = copy(&s, &request(&domain, &["1.0", "1.1"])).await;
    assert_eq!(first.copies().count(), 2);

    // Another writer holds the package's lock: the identical copy plans without it, and its
    // plan is the one the write path gives once the lock is free.
    let held = s
        .write_scoped(WriteScope::package(OWNER, &domain, &c))
        .await
        .unwrap();
    let again = tokio::time::timeout(STUCK, copy(&s, &request(&domain, &["1.0", "1.1"])))
        .await
        .expect("an identical copy must not wait for the write lock");
    assert!(again.succeeds());
    assert_eq!(again.copies().count(), 0);
    drop(held);
    let third = copy(&s, &request(&domain, &["1.0", "1.1"])).await;
    assert_eq!(
        format!("{:?}", third.entries),
        format!("{:?}", again.entries)
    );

    // A copy with something to write takes the write path and writes it.
    let more = copy(&s, &request(&domain, &["1.1", "1.2"])).await;
    assert_eq!(more.copies().count(), 1);
    let after = copy(&s, &request(&domain, &["1.2"])).await;
    assert_eq!(after.copies().count(), 0);
}
