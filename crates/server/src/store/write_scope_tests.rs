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

/// A store on a database of its own: a new one on the PostgreSQL server when
/// `WHARF_TEST_BACKEND=postgres` (advisory locks are per database, so tests running at once
/// never queue behind each other's locks), else a SQLite file.
async fn store() -> (Store, Option<tempfile::TempDir>) {
    let postgres = std::env::var("WHARF_TEST_BACKEND").is_ok_and(|b| b == "postgres");
    if postgres {
        use sqlx::Connection;
        let base = std::env::var("WHARF_TEST_POSTGRES_URL").expect("WHARF_TEST_POSTGRES_URL");
        sqlx::any::install_default_drivers();
        let name = format!("wharf_unit_{:016x}", rand::random::<u64>());
        let mut admin = sqlx::AnyConnection::connect(&base).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let (server, _) = base.rsplit_once('/').expect("URL with a database");
        let url = format!("{server}/{name}");
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

// Promotions and reverts lock their packages, not the deployment: they run beside writes of
// other packages, wait for writes of their own, and two over overlapping packages (named in
// opposite orders) take their locks in one order, so they never deadlock and apply one after
// the other.

use super::promotions::{Outcome, Promote, PromotionStore, Revert};
use super::repositories::RepositoryStore;
use super::versions::{PublishAsset, VersionStore};
use wharf_core::api::{self, PromotionStatus};
use wharf_core::promotion::PromotionSpec;

const OWNER: &str = "000000000000";

fn generic(name: &str) -> PackageCoordinate {
    PackageCoordinate::parse("generic", Some("ns"), name).unwrap()
}

/// A new domain with staging holding a, b and c at
/// 1.0.0, candidate holding a and b at 1.0.0 with other contents, and an empty release.
async fn staged(s: &Store) -> String {
    let d = format!("d{:012x}", rand::random::<u64>() >> 16);
    s.create_domain(OWNER, &d).await.unwrap();
    for r in ["staging", "candidate", "release"] {
        s.create_repository(OWNER, &d, r, None, &[]).await.unwrap();
    }
    let held = [
        ("staging", "a"),
        ("staging", "b"),
        ("staging", "c"),
        ("candidate", "a"),
        ("candidate", "b"),
    ];
    for (r, p) in held {
        let bytes = format!("{p} from {r}");
        let publish = PublishAsset {
            version: "1.0.0".into(),
            asset: crate::handlers::publish::asset_row("a.bin", bytes.as_bytes()),
            unfinished: false,
            max_assets: 150,
        };
        s.publish_asset(OWNER, &d, r, &generic(p), publish)
            .await
            .unwrap();
    }
    d
}

/// Promoting 1.0.0 of `packages`, in this order, from `source` to release of `domain`.
fn spec(domain: &str, source: &str, packages: &[&str]) -> PromotionSpec {
    let selections: Vec<serde_json::Value> = packages
        .iter()
        .map(|p| serde_json::json!({"format": "generic", "namespace": "ns", "package": p, "versions": ["1.0.0"]}))
        .collect();
    let request: api::PromotionRequest = serde_json::from_value(serde_json::json!({
        "domain": domain, "sourceRepository": source, "destinationRepository": "release",
        "packages": selections,
    }))
    .unwrap();
    PromotionSpec::try_from(&request).unwrap()
}

async fn promote(s: &Store, spec: &PromotionSpec) -> api::PromotionResult {
    let gate = |_: &[PackageCoordinate]| -> Result<(), String> { Ok(()) };
    let p = Promote {
        owner: OWNER,
        spec,
        principal: "arn:aws:iam::000000000000:root",
        gate: &gate,
    };
    match s.promote(&p).await.unwrap() {
        Outcome::Done(result) => result,
        Outcome::Refused(m) => panic!("refused: {m}"),
    }
}

async fn revert(s: &Store, id: &str) -> api::RevertResult {
    let gate = |_: &[PackageCoordinate]| -> Result<(), String> { Ok(()) };
    let r = Revert {
        owner: OWNER,
        id,
        principal: "arn:aws:iam::000000000000:root",
        reason: None,
        dry_run: false,
        gate: &gate,
    };
    match s.revert_promotion(&r).await.unwrap() {
        Outcome::Done(result) => result,
        Outcome::Refused(m) => panic!("refused: {m}"),
    }
}

/// How many sessions wait for an advisory lock in this test's database: for the lock of a
/// package of `domain` named in `names`, or for any when `names` is empty (PostgreSQL shows a
/// bigint key as its high and low 32 bits).
async fn waiting_for(s: &Store, domain: &str, names: &[&str]) -> i64 {
    let waiting = "SELECT (classid::bigint - CASE WHEN classid::bigint >= 2147483648 \
         THEN 4294967296 ELSE 0 END) * 4294967296 + objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1 \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    let keys: Vec<i64> = sqlx::query_scalar(waiting)
        .fetch_all(s.pool())
        .await
        .unwrap();
    let wanted: Vec<i64> = names
        .iter()
        .map(|n| package_lock_key(OWNER, domain, &generic(n)))
        .collect();
    let counted = keys
        .iter()
        .filter(|k| wanted.is_empty() || wanted.contains(k))
        .count();
    counted as i64
}

/// Waits until `at_least` sessions wait for the locks of `names` in `domain`.
async fn until_waiting(s: &Store, domain: &str, names: &[&str], at_least: i64) {
    while waiting_for(s, domain, names).await < at_least {
        tokio::task::yield_now().await;
    }
}

/// Waits for `task` to finish, failing if it ever waits for a lock (the test holds only
/// another package's).
async fn finishes_without_waiting<T>(s: &Store, task: tokio::task::JoinHandle<T>) -> T {
    while !task.is_finished() {
        assert_eq!(
            waiting_for(s, "", &[]).await,
            0,
            "it waits for a write of another package"
        );
        tokio::task::yield_now().await;
    }
    task.await.unwrap()
}

async fn versions_in(s: &Store, domain: &str, repo: &str, name: &str) -> Vec<String> {
    let q = sqlx::query_scalar(
        "SELECT v.revision FROM package_versions v JOIN packages p ON p.id = v.package_id \
         JOIN repositories r ON r.id = p.repository_id JOIN domains d ON d.id = r.domain_id \
         WHERE d.name = $1 AND r.name = $2 AND p.name = $3 ORDER BY v.version",
    );
    q.bind(domain)
        .bind(repo)
        .bind(name)
        .fetch_all(s.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promotion_runs_beside_another_packages_write_and_waits_for_its_own() {
    let (s, _dir) = store().await;
    let d = staged(&s).await;
    if s.backend() == Backend::Sqlite {
        // One writer: nothing overlaps; the promotions still apply.
        for p in ["a", "b"] {
            let done = promote(&s, &spec(&d, "staging", &[p])).await;
            assert_eq!(done.status, PromotionStatus::Applied);
        }
        return;
    }
    // A copy of c is under way (it holds c's lock): promoting a does not wait for it.
    let copy_of_c = s
        .write_scoped(WriteScope::package(OWNER, &d, &generic("c")))
        .await
        .unwrap();
    let (s2, a) = (s.clone(), spec(&d, "staging", &["a"]));
    let promotion = tokio::spawn(async move { promote(&s2, &a).await });
    let done = finishes_without_waiting(&s, promotion).await;
    assert_eq!(done.status, PromotionStatus::Applied);
    // A write of b holds b: promoting b waits for it, then applies.
    let write_of_b = s
        .write_scoped(WriteScope::package(OWNER, &d, &generic("b")))
        .await
        .unwrap();
    let (s2, b) = (s.clone(), spec(&d, "staging", &["b"]));
    let promotion = tokio::spawn(async move { promote(&s2, &b).await });
    until_waiting(&s, &d, &["b"], 1).await;
    assert!(!promotion.is_finished());
    write_of_b.commit().await.unwrap();
    assert_eq!(promotion.await.unwrap().status, PromotionStatus::Applied);
    copy_of_c.commit().await.unwrap();
    assert_eq!(
        versions_in(&s, &d, "release", "b").await,
        versions_in(&s, &d, "staging", "b").await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promotions_of_overlapping_packages_in_opposite_orders_apply_one_after_the_other() {
    let (s, _dir) = store().await;
    let d = staged(&s).await;
    // Holding b lines both up on PostgreSQL: each waits for a or b, whichever key comes first.
    let hold = match s.backend() {
        Backend::Postgres => Some(
            s.write_scoped(WriteScope::package(OWNER, &d, &generic("b")))
                .await
                .unwrap(),
        ),
        Backend::Sqlite => None,
    };
    let (s1, ab) = (s.clone(), spec(&d, "staging", &["a", "b"]));
    let (s2, ba) = (s.clone(), spec(&d, "candidate", &["b", "a"]));
    let first = tokio::spawn(async move { promote(&s1, &ab).await });
    let second = tokio::spawn(async move { promote(&s2, &ba).await });
    if let Some(hold) = hold {
        until_waiting(&s, &d, &[], 2).await;
        hold.commit().await.unwrap();
    }
    let (first, second) = (first.await.unwrap(), second.await.unwrap());
    // They conflict on both packages: one applies whole, the other fails and writes nothing.
    let winner = match (first.status, second.status) {
        (PromotionStatus::Applied, PromotionStatus::Failed) => "staging",
        (PromotionStatus::Failed, PromotionStatus::Applied) => "candidate",
        other => panic!("exactly one of two conflicting promotions applies: {other:?}"),
    };
    for p in ["a", "b"] {
        assert_eq!(
            versions_in(&s, &d, "release", p).await,
            versions_in(&s, &d, winner, p).await,
            "{p} comes from the promotion that applied"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revert_runs_beside_another_packages_write_and_waits_for_its_own() {
    let (s, _dir) = store().await;
    let d = staged(&s).await;
    let of_a = promote(&s, &spec(&d, "staging", &["a"])).await;
    let of_b = promote(&s, &spec(&d, "staging", &["b"])).await;
    let (id_a, id_b) = (of_a.promotion_id.unwrap(), of_b.promotion_id.unwrap());
    if s.backend() == Backend::Sqlite {
        revert(&s, &id_a).await;
        revert(&s, &id_b).await;
        assert!(versions_in(&s, &d, "release", "a").await.is_empty());
        return;
    }
    let copy_of_c = s
        .write_scoped(WriteScope::package(OWNER, &d, &generic("c")))
        .await
        .unwrap();
    let s2 = s.clone();
    let reverting = tokio::spawn(async move { revert(&s2, &id_a).await });
    finishes_without_waiting(&s, reverting).await;
    assert!(versions_in(&s, &d, "release", "a").await.is_empty());
    let write_of_b = s
        .write_scoped(WriteScope::package(OWNER, &d, &generic("b")))
        .await
        .unwrap();
    let s2 = s.clone();
    let reverting = tokio::spawn(async move { revert(&s2, &id_b).await });
    until_waiting(&s, &d, &["b"], 1).await;
    assert!(!reverting.is_finished());
    write_of_b.commit().await.unwrap();
    reverting.await.unwrap();
    copy_of_c.commit().await.unwrap();
    assert!(versions_in(&s, &d, "release", "b").await.is_empty());
}
