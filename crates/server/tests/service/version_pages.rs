//! ListPackageVersions' page written as JSON by the database (`store::hot::page`) says what
//! the row reads say: for every order, filter, page size and position, its `versions` array
//! is what serde writes from `HotReadStore::version_summaries` (itself held to the full rows
//! in `hot_reads.rs`), its next position is the last row's when more rows follow, and its
//! latest published version is `VersionStore::latest_published`'s. Run on SQLite in memory
//! and on disk, and on PostgreSQL (ignored unless asked for, as in `store_conformance`).

use crate::support::db;
use serde_json::Value;
use std::sync::Arc;
use wharf_core::api::{PackageVersionOriginType, PackageVersionSummary};
use wharf_core::names::{PackageCoordinate, PackageVersionStatus};
use wharf_server::handlers::publish::asset_row;
use wharf_server::store::{ImportVersion, MetadataStore, VersionQuery, VersionRow};

const OWNER: &str = "000000000000";
const D: &str = "dom";

fn coordinate() -> PackageCoordinate {
    PackageCoordinate::parse("generic", Some("ns"), "p").unwrap()
}

/// 23 versions of every status and origin, some sharing a publish time (the version breaks
/// the tie), one with characters JSON must escape or may write raw.
async fn seeded(store: &dyn MetadataStore) -> i64 {
    store.create_domain(OWNER, D).await.unwrap();
    store
        .create_repository(OWNER, D, "repo", None, &[])
        .await
        .unwrap();
    let statuses = [
        PackageVersionStatus::Published,
        PackageVersionStatus::Unlisted,
        PackageVersionStatus::Archived,
        PackageVersionStatus::Published,
    ];
    let origins = [
        (PackageVersionOriginType::Internal, Some("repo")),
        (PackageVersionOriginType::External, Some("public:npmjs")),
        (PackageVersionOriginType::Unknown, None),
    ];
    for i in 0..23usize {
        let (origin_type, entry) = origins[i % 3];
        let version = if i == 7 {
            "1.7+b\u{e9}ta.\u{2603}".to_owned()
        } else {
            format!("1.{i}")
        };
        store
            .import_version(
                OWNER,
                D,
                "repo",
                &coordinate(),
                ImportVersion {
                    version: version.clone(),
                    status: statuses[i % 4],
                    origin_type,
                    entry_repository: entry.map(str::to_owned),
                    published_time: 1_700_000_000.25 + (i / 3) as f64 * 0.1,
                    metadata: Default::default(),
                    assets: vec![asset_row("a.bin", version.as_bytes())],
                },
            )
            .await
            .unwrap();
    }
    let (_, pkg) = store
        .package(OWNER, D, "repo", &coordinate())
        .await
        .unwrap();
    pkg.id
}

/// The page the row reads give: the `versions` array serde writes and the next position.
async fn from_rows(
    store: &dyn MetadataStore,
    package_id: i64,
    q: &VersionQuery,
) -> (Value, Option<(f64, String)>) {
    let mut rows = store
        .version_summaries(
            package_id,
            &VersionQuery {
                limit: q.limit + 1,
                ..q.clone()
            },
        )
        .await
        .unwrap();
    let more = rows.len() as i64 > q.limit;
    rows.truncate(q.limit as usize);
    let next = more.then(|| {
        let last = rows.last().unwrap();
        (last.published_time, last.version.clone())
    });
    let summaries: Vec<PackageVersionSummary> = rows
        .into_iter()
        .map(|v| PackageVersionSummary {
            version: v.version,
            revision: Some(v.revision),
            status: v.status,
            origin: Some(VersionRow::origin_of(v.origin_type, v.entry_repository)),
        })
        .collect();
    (serde_json::to_value(summaries).unwrap(), next)
}

async fn json_pages_match_the_rows(store: Arc<dyn MetadataStore>) {
    let package_id = seeded(&*store).await;
    let latest = store.latest_published(package_id).await.unwrap();
    assert!(latest.is_some());
    let mut pages = 0;
    for newest_first in [false, true] {
        for status in [None, Some(PackageVersionStatus::Published)] {
            for origin_type in [None, Some(PackageVersionOriginType::External)] {
                for limit in [1, 4, 23, 100] {
                    let mut q = VersionQuery {
                        status,
                        origin_type,
                        newest_first,
                        after: None,
                        limit,
                    };
                    loop {
                        let page = store
                            .version_page(OWNER, D, "repo", &coordinate(), &q, limit == 4)
                            .await
                            .unwrap()
                            .expect("the package exists");
                        pages += 1;
                        assert_eq!(page.package_id, package_id);
                        let (versions, next) = from_rows(&*store, package_id, &q).await;
                        let json: Value = serde_json::from_str(&page.versions_json)
                            .unwrap_or_else(|e| panic!("{e}: {}", page.versions_json));
                        assert_eq!(json, versions, "{q:?}");
                        assert_eq!(page.next, next, "{q:?}");
                        let expected_latest = if limit == 4 { latest.clone() } else { None };
                        assert_eq!(page.latest_published, expected_latest);
                        match page.next {
                            Some(after) => q.after = Some(after),
                            None => break,
                        }
                    }
                }
            }
        }
    }
    assert!(pages > 32, "{pages} pages");
}

async fn a_missing_package_has_no_page(store: Arc<dyn MetadataStore>) {
    seeded(&*store).await;
    let q = VersionQuery {
        limit: 10,
        ..Default::default()
    };
    let other = PackageCoordinate::parse("generic", Some("ns"), "other").unwrap();
    for (repo, c) in [("repo", &other), ("nope", &coordinate())] {
        let page = store
            .version_page(OWNER, D, repo, c, &q, true)
            .await
            .unwrap();
        assert_eq!(page, None);
    }
    let page = store
        .version_page(OWNER, "nodomain", "repo", &coordinate(), &q, true)
        .await
        .unwrap();
    assert_eq!(page, None);
}

macro_rules! on_every_backend {
    ($($check:ident),* $(,)?) => {
        mod in_memory {
            $(#[tokio::test]
            async fn $check() {
                super::$check(std::sync::Arc::new(
                    wharf_server::store::Store::in_memory().await.unwrap(),
                ))
                .await;
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
        /// Ignored unless asked for (`-- --include-ignored` with `WHARF_TEST_POSTGRES_URL`).
        mod postgres {
            $(#[tokio::test]
            #[ignore = "needs a PostgreSQL server: WHARF_TEST_POSTGRES_URL (scripts/pg-throwaway)"]
            async fn $check() {
                super::$check(super::db::fresh_postgres().await).await;
            })*
        }
    };
}

on_every_backend!(json_pages_match_the_rows, a_missing_package_has_no_page);
