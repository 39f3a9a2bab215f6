//! [`WriteScope`]: keys per package, and on PostgreSQL (`WHARF_TEST_BACKEND=postgres`) that a
//! package write does not wait for another package's and a deployment-wide write waits for both.

use super::{Backend, Store, WriteScope, package_lock_key};
use wharf_core::names::PackageCoordinate;

fn coord(name: &str) -> PackageCoordinate {
    PackageCoordinate::parse("npm", Some("scope"), name).unwrap()
}

#[test]
fn package_keys_are_sorted_deduplicated_and_ignore_case() {
    let s = WriteScope::package("1", "d", &coord("b"))
        .and_package("1", "d", &coord("a"))
        .and_package("1", "D", &coord("B"));
    assert_eq!(s.packages.len(), 2);
    assert!(s.packages.windows(2).all(|w| w[0] < w[1]));
    assert_ne!(
        package_lock_key("1", "d", &coord("a")),
        package_lock_key("1", "e", &coord("a"))
    );
    assert!(WriteScope::deployment().packages.is_empty());
}

async fn store() -> (Store, Option<tempfile::TempDir>) {
    let postgres = std::env::var("WHARF_TEST_BACKEND").is_ok_and(|b| b == "postgres");
    if postgres {
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

/// Waits until another session waits for an advisory lock (PostgreSQL).
async fn until_someone_waits(s: &Store) {
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        )
        .fetch_one(s.pool())
        .await
        .unwrap();
        if waiting > 0 {
            return;
        }
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disjoint_packages_write_at_once_and_the_deployment_waits() {
    let (s, _dir) = store().await;
    let a = s
        .write_scoped(WriteScope::package("1", "d", &coord("a")))
        .await
        .unwrap();
    if s.backend() == Backend::Sqlite {
        // One writer: a second write waits for the first to end.
        let s2 = s.clone();
        let second = tokio::spawn(async move { s2.write().await.map(|_| ()) });
        tokio::task::yield_now().await;
        assert!(s.write_lock.try_lock().is_err());
        drop(a);
        second.await.unwrap().unwrap();
        return;
    }
    // Another package's write is not held up by `a`.
    let b = s
        .write_scoped(WriteScope::package("1", "d", &coord("b")))
        .await
        .unwrap();
    let s2 = s.clone();
    let everything = tokio::spawn(async move { s2.write().await.map(drop) });
    until_someone_waits(&s).await;
    assert!(!everything.is_finished());
    b.commit().await.unwrap();
    assert!(!everything.is_finished());
    a.commit().await.unwrap();
    everything.await.unwrap().unwrap();
}
