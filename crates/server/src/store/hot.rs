//! Focused reads for the hottest paths: one version's one asset (a download) instead of a
//! package's whole view, the change stamps that key the npm packument cache, and
//! ListPackageVersions' page as the few columns it shows.
//!
//! Every function here answers a question another read also answers (`package` + `version`,
//! `npm_views`, `versions_page`), with fewer rows and columns; the tests in
//! `tests/service/hot_reads.rs` hold them to the same answers.

mod page;

use super::npm::{MAX_SEARCHED, NPM_ASSET};
use super::packages::ns_of;
use super::repositories::search_order_in;
use super::versions::Keyset;
use super::{AssetRow, RepositoryRow, Store, StoreResult, VersionQuery};
use super::{origin_type_of, origin_type_str, status_of};
use async_trait::async_trait;
pub use page::VersionPage;
use sqlx::{AnyConnection, Row};
use wharf_core::api::PackageVersionOriginType;
use wharf_core::names::{PackageCoordinate, PackageVersionStatus};

/// One version's asset, as a download needs it.
#[derive(Debug, Clone)]
pub struct AssetHit {
    /// The version string.
    pub version: String,
    /// Its revision.
    pub revision: String,
    /// Its status.
    pub status: PackageVersionStatus,
    /// The asset.
    pub asset: AssetRow,
}

/// A repository along an npm read's search order that holds the version asked for.
#[derive(Debug, Clone)]
pub struct TarballHit {
    /// The repository's name.
    pub repository: String,
    /// The version's status there.
    pub status: PackageVersionStatus,
    /// Its `package.tgz` (absent once disposed).
    pub tarball: Option<AssetRow>,
}

/// What an npm read of a package sees, as stamps: the repositories that hold the package along
/// the search order (after package groups and `upstream=BLOCK`), each with its package's
/// change stamp (migration 0012: a fresh random number on every write to the package).
/// Two equal `NpmStamps` of one deployment mean the same stored versions and dist-tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpmStamps {
    /// `(repository id, package id, change stamp)` in search order.
    pub packages: Vec<(i64, i64, i64)>,
    /// Whether a repository of the search order has an external connection (whose offer is
    /// not in the stamps).
    pub external: bool,
}

/// One row of a ListPackageVersions page: the columns the page shows, nothing else.
#[derive(Debug, Clone)]
pub struct VersionSummaryRow {
    /// Version string.
    pub version: String,
    /// Revision.
    pub revision: String,
    /// Status.
    pub status: PackageVersionStatus,
    /// Origin type.
    pub origin_type: PackageVersionOriginType,
    /// The repository (or connection) it entered the domain through.
    pub entry_repository: Option<String>,
    /// Publish time (the page token's first half).
    pub published_time: f64,
}

/// Focused reads for downloads, the packument cache and version pages.
#[async_trait]
pub trait HotReadStore: Send + Sync {
    /// The asset `asset` of version `version` of package `c` in one repository, in one query;
    /// `None` when the domain, repository, package, version or asset is missing (callers
    /// that need to say which ask the other reads).
    async fn version_asset(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        version: &str,
        asset: &str,
    ) -> StoreResult<Option<AssetHit>>;

    /// The repositories along the npm search order ([`super::NpmReadStore::npm_views`]'s)
    /// that hold `version` of `c`, in that order, with its status and tarball there.
    async fn npm_tarball_hits(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        version: &str,
    ) -> StoreResult<Vec<TarballHit>>;

    /// The change stamps of what an npm read of `c` sees ([`NpmStamps`]).
    async fn npm_stamps(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<NpmStamps>;

    /// One page of a package's versions as [`VersionSummaryRow`]s: the rows and order of
    /// [`super::VersionStore::versions_page`], read from the covering index.
    async fn version_summaries(
        &self,
        package_id: i64,
        q: &VersionQuery,
    ) -> StoreResult<Vec<VersionSummaryRow>>;

    /// ListPackageVersions' page of at most `q.limit` rows in one statement, its JSON written
    /// by the database ([`page`]): the rows and order of
    /// [`HotReadStore::version_summaries`], and when `latest` is set the package's
    /// [`super::VersionStore::latest_published`]. `None` when the domain, repository or
    /// package is missing (the caller asks [`super::PackageStore::package`] which).
    async fn version_page(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        q: &VersionQuery,
        latest: bool,
    ) -> StoreResult<Option<VersionPage>>;
}

/// A package found along the npm search order.
struct Searched {
    repository: RepositoryRow,
    package_id: i64,
    stamp: i64,
}

/// The packages an npm read of `c` sees, in search order, as `npm_views` finds them (package
/// groups and `upstream=BLOCK` applied), and whether the order has an external connection.
async fn npm_searched(
    conn: &mut AnyConnection,
    owner: &str,
    domain: &str,
    repository: &str,
    c: &PackageCoordinate,
) -> StoreResult<(Vec<Searched>, bool)> {
    let order = search_order_in(conn, owner, domain, repository, MAX_SEARCHED).await?;
    let external = order.iter().any(|r| r.external_connection.is_some());
    let groups_block_upstream = order.len() > 1
        && super::groups::origin_refusal(
            conn,
            owner,
            domain,
            repository,
            c,
            wharf_core::groups::OriginRestrictionType::InternalUpstream,
        )
        .await?
        .is_some();
    let take = if groups_block_upstream {
        1
    } else {
        order.len()
    };
    let mut out = Vec::new();
    for (i, repo) in order.into_iter().take(take).enumerate() {
        let row = sqlx::query(
            "SELECT id, origin_upstream, change_stamp FROM packages \
             WHERE repository_id = $1 AND format = $2 AND namespace = $3 AND name = $4",
        )
        .bind(repo.id)
        .bind(c.format.as_str())
        .bind(ns_of(c))
        .bind(c.name.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else { continue };
        let blocks_upstream = i == 0 && row.get::<String, _>("origin_upstream") == "BLOCK";
        out.push(Searched {
            repository: repo,
            package_id: row.get("id"),
            stamp: row.get("change_stamp"),
        });
        if blocks_upstream {
            break;
        }
    }
    Ok((out, external))
}

fn asset_of(r: &sqlx::any::AnyRow) -> AssetRow {
    AssetRow {
        name: r.get("asset_name"),
        size: r.get("size"),
        md5: r.get("md5"),
        sha1: r.get("sha1"),
        sha256: r.get("sha256"),
        sha512: r.get("sha512"),
    }
}

#[async_trait]
impl HotReadStore for Store {
    async fn version_asset(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        version: &str,
        asset: &str,
    ) -> StoreResult<Option<AssetHit>> {
        let row = sqlx::query(
            "SELECT v.id, v.version, v.revision, v.status, a.name AS asset_name, a.size, a.md5, \
             a.sha1, a.sha256, a.sha512 \
             FROM domains d JOIN repositories r ON r.domain_id = d.id \
             JOIN packages p ON p.repository_id = r.id \
             JOIN package_versions v ON v.package_id = p.id \
             JOIN assets a ON a.version_id = v.id \
             WHERE d.owner = $1 AND d.name = $2 AND r.name = $3 AND p.format = $4 \
             AND p.namespace = $5 AND p.name = $6 AND v.version = $7 AND a.name = $8",
        )
        .bind(owner)
        .bind(domain)
        .bind(repository)
        .bind(c.format.as_str())
        .bind(ns_of(c))
        .bind(c.name.as_str())
        .bind(version)
        .bind(asset)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let id: i64 = r.get("id");
        Ok(Some(AssetHit {
            version: r.get("version"),
            revision: r.get("revision"),
            status: status_of(&r.get::<String, _>("status"), "package_versions", id)?,
            asset: asset_of(&r),
        }))
    }

    async fn npm_tarball_hits(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        version: &str,
    ) -> StoreResult<Vec<TarballHit>> {
        let mut conn = self.pool().acquire().await?;
        let (searched, _) = npm_searched(&mut conn, owner, domain, repository, c).await?;
        let mut hits = Vec::new();
        for s in searched {
            let row = sqlx::query(
                "SELECT v.id, v.status, a.name AS asset_name, a.size, a.md5, a.sha1, a.sha256, \
                 a.sha512 FROM package_versions v \
                 LEFT JOIN assets a ON a.version_id = v.id AND a.name = $1 \
                 WHERE v.package_id = $2 AND v.version = $3",
            )
            .bind(NPM_ASSET)
            .bind(s.package_id)
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?;
            let Some(r) = row else { continue };
            let id: i64 = r.get("id");
            let has_asset = r.get::<Option<String>, _>("asset_name").is_some();
            hits.push(TarballHit {
                repository: s.repository.name,
                status: status_of(&r.get::<String, _>("status"), "package_versions", id)?,
                tarball: has_asset.then(|| asset_of(&r)),
            });
        }
        Ok(hits)
    }

    async fn npm_stamps(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<NpmStamps> {
        let mut conn = self.pool().acquire().await?;
        let (searched, external) = npm_searched(&mut conn, owner, domain, repository, c).await?;
        Ok(NpmStamps {
            packages: searched
                .iter()
                .map(|s| (s.repository.id, s.package_id, s.stamp))
                .collect(),
            external,
        })
    }

    async fn version_summaries(
        &self,
        package_id: i64,
        q: &VersionQuery,
    ) -> StoreResult<Vec<VersionSummaryRow>> {
        let mut conn = self.pool().acquire().await?;
        summaries_in(&mut conn, package_id, q).await
    }

    async fn version_page(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        q: &VersionQuery,
        latest: bool,
    ) -> StoreResult<Option<VersionPage>> {
        let mut conn = self.pool().acquire().await?;
        page::version_page_in(
            &mut conn,
            self.backend(),
            owner,
            domain,
            repository,
            c,
            q,
            latest,
        )
        .await
    }
}

/// [`HotReadStore::version_summaries`] on an open connection.
async fn summaries_in(
    conn: &mut AnyConnection,
    package_id: i64,
    q: &VersionQuery,
) -> StoreResult<Vec<VersionSummaryRow>> {
    let Keyset {
        cmp,
        order,
        time,
        version,
    } = q.keyset();
    let sql = format!(
        "SELECT version, revision, status, origin_type, entry_repository, published_time, id \
         FROM package_versions WHERE package_id = $1 AND ($2 IS NULL OR status = $3) \
         AND ($4 IS NULL OR origin_type = $5) AND (published_time, version) {cmp} ($6, $7) \
         ORDER BY published_time {order}, version {order} LIMIT $8"
    );
    let status = q.status.map(|s| s.as_str());
    let origin = q.origin_type.map(origin_type_str);
    let rows = sqlx::query(&sql)
        .bind(package_id)
        .bind(status)
        .bind(status)
        .bind(origin)
        .bind(origin)
        .bind(time)
        .bind(version)
        .bind(q.limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            // Rows are read by position: the column names are the query's, and a lookup by
            // name per column per row is what this read exists to avoid.
            let version: String = r.get(0);
            let status: &str = r.get(2);
            let origin: &str = r.get(3);
            let id: i64 = r.get(6);
            const T: &str = "package_versions";
            Ok(VersionSummaryRow {
                status: status_of(status, T, id)?,
                origin_type: origin_type_of(origin, T, id)?,
                revision: r.get(1),
                entry_repository: r.get(4),
                published_time: r.get(5),
                version,
            })
        })
        .collect()
}

impl Store {
    /// A read-only transaction whose reads all see one committed state: on SQLite (WAL) a
    /// deferred transaction's snapshot, taken at its first read; on PostgreSQL `REPEATABLE
    /// READ`, whose snapshot is taken at its first statement. It takes no write lock, so it
    /// never waits for a writer. Dropping it rolls back.
    pub(crate) async fn read_snapshot(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend() {
            super::Backend::Sqlite => self.pool().begin().await?,
            super::Backend::Postgres => {
                self.pool()
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?
            }
        })
    }
}
