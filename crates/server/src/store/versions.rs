//! Package versions: listing, publishing assets, applying copy plans and status changes.

use super::WriteScope;
use super::events::Change;
use super::packages::{ensure_package, find_package, package_missing};
use super::repositories::{repository_in, search_order_in};
use super::{
    AssetRow, RepositoryRow, Store, StoreError, StoreResult, VersionRow, now, origin_type_str,
    version_record_of, version_row,
};
use crate::store::{Clash, Limit, Missing};
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;
use wharf_core::api::PackageVersionOriginType;
use wharf_core::copy::{CopyPlan, PlanError, RepositoryPackage};
use wharf_core::names::{PackageCoordinate, PackageVersion, PackageVersionStatus, RepositoryName};
use wharf_core::revision::{VersionContent, VersionMetadata, compute_revision};

fn asset_row(r: &sqlx::any::AnyRow) -> AssetRow {
    AssetRow {
        name: r.get("name"),
        size: r.get("size"),
        md5: r.get("md5"),
        sha1: r.get("sha1"),
        sha256: r.get("sha256"),
        sha512: r.get("sha512"),
    }
}

/// How a copy is planned from what [`VersionStore::copy`] reads: the source views (source
/// first, then its upstreams in search order) and the destination's view. The service passes
/// the core's `plan_copy`.
/// A refusal of the whole request (the core's [`PlanError`]) comes back to the caller as the
/// inner `Err` of [`VersionStore::copy`], untranslated: the store does not speak for the API.
pub type CopyPlanner<'a> = &'a (
        dyn Fn(&[RepositoryPackage], &RepositoryPackage) -> Result<CopyPlan, PlanError>
            + Send
            + Sync
    );

/// Filters and order of ListPackageVersions.
#[derive(Debug, Default, Clone)]
pub struct VersionQuery {
    /// Only versions with this status.
    pub status: Option<PackageVersionStatus>,
    /// Only versions with this origin type.
    pub origin_type: Option<PackageVersionOriginType>,
    /// Newest first (`sortBy=PUBLISHED_TIME`); otherwise oldest first.
    pub newest_first: bool,
    /// Resume after this (published time, version).
    pub after: Option<(f64, String)>,
    /// Page size.
    pub limit: i64,
}

/// Where a page's statement starts and which way it walks: versions compared by
/// `(published_time, version) {cmp} ($time, $version)` and ordered `{order}` on both.
pub(crate) struct Keyset {
    /// `>` oldest first, `<` newest first.
    pub cmp: &'static str,
    /// `ASC` or `DESC`.
    pub order: &'static str,
    /// The published time the page starts after (the far end of the order on a first page).
    pub time: f64,
    /// The version it starts after at that time.
    pub version: String,
}

impl VersionQuery {
    /// The page's keyset: resuming after `after`, or from the start of the order.
    pub(crate) fn keyset(&self) -> Keyset {
        let (cmp, order) = if self.newest_first {
            ("<", "DESC")
        } else {
            (">", "ASC")
        };
        let (time, version) = match (&self.after, self.newest_first) {
            (Some((t, v)), _) => (*t, v.clone()),
            // Every version sorts below the highest code point.
            (None, true) => (f64::MAX, "\u{10FFFF}".to_owned()),
            (None, false) => (f64::MIN, String::new()),
        };
        Keyset {
            cmp,
            order,
            time,
            version,
        }
    }
}

async fn assets_of(conn: &mut AnyConnection, version_id: i64) -> StoreResult<Vec<AssetRow>> {
    let rows = sqlx::query("SELECT * FROM assets WHERE version_id = $1 ORDER BY name")
        .bind(version_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(asset_row).collect())
}

pub(super) async fn find_version(
    conn: &mut AnyConnection,
    package_id: i64,
    version: &str,
) -> StoreResult<Option<VersionRow>> {
    let row = sqlx::query("SELECT * FROM package_versions WHERE package_id = $1 AND version = $2")
        .bind(package_id)
        .bind(version)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(version_row).transpose()
}

/// Deletes these versions of a package (with their assets, by the foreign keys), in chunks
/// that stay under every backend's limit on bound parameters.
pub(super) async fn delete_versions(
    conn: &mut AnyConnection,
    package_id: i64,
    versions: &[&str],
) -> StoreResult<()> {
    for chunk in versions.chunks(900) {
        let sql = format!(
            "DELETE FROM package_versions WHERE package_id = $1 AND version IN ({})",
            placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(package_id);
        for v in chunk {
            q = q.bind(*v);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// `$first, $first+1, …` for `n` parameters.
pub(super) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of the `versions` of a package that exist, in one query (a copy names at most
/// 100 versions, well within both databases' parameter limits).
async fn find_versions(
    conn: &mut AnyConnection,
    package_id: i64,
    versions: &[String],
) -> StoreResult<Vec<VersionRow>> {
    if versions.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (2..versions.len() + 2).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT * FROM package_versions WHERE package_id = $1 AND version IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(package_id);
    for v in versions {
        query = query.bind(v);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter().map(version_row).collect()
}

async fn dist_tags_of(
    conn: &mut AnyConnection,
    package_id: i64,
) -> StoreResult<BTreeMap<String, String>> {
    let rows = sqlx::query("SELECT tag, version FROM dist_tags WHERE package_id = $1")
        .bind(package_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("tag"), r.get("version")))
        .collect())
}

/// The revision of a version from its assets and metadata.
pub(crate) fn revision_of(assets: &[AssetRow], metadata: &VersionMetadata) -> String {
    let content = VersionContent {
        assets: assets.iter().map(AssetRow::summary).collect(),
        metadata: metadata.clone(),
    };
    compute_revision(&content).to_string()
}

fn version_missing(c: &PackageCoordinate, version: &str) -> StoreError {
    Missing::Version {
        package: c.clone(),
        version: version.to_owned(),
    }
    .into()
}

/// What a publish adds.
#[derive(Debug, Clone)]
pub struct PublishAsset {
    /// The version.
    pub version: String,
    /// The asset (its bytes are already in the object store).
    pub asset: AssetRow,
    /// Keep the version `Unfinished`.
    pub unfinished: bool,
    /// The most assets a version may have.
    pub max_assets: usize,
}

/// Package versions: paging, lookup, publishing assets and copying.
#[async_trait]
pub trait VersionStore: Send + Sync {
    /// One page of a package's versions.
    async fn versions_page(
        &self,
        package_id: i64,
        q: &VersionQuery,
    ) -> StoreResult<Vec<VersionRow>>;

    /// A version with its assets.
    async fn version(
        &self,
        package_id: i64,
        c: &PackageCoordinate,
        version: &str,
    ) -> StoreResult<(VersionRow, Vec<AssetRow>)>;

    /// The package's npm dist-tags.
    async fn dist_tags(&self, package_id: i64) -> StoreResult<BTreeMap<String, String>>;

    /// The most recently published `Published` version.
    async fn latest_published(&self, package_id: i64) -> StoreResult<Option<String>>;

    /// Adds one asset to a generic version (creating the package and version as needed) and
    /// recomputes the revision, all in one transaction.
    async fn publish_asset(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        p: PublishAsset,
    ) -> StoreResult<(VersionRow, AssetRow)>;

    /// Plans and applies a copy in one write transaction: `plan` receives the source views
    /// (the source first, then, up to `searched` repositories in all, its upstreams in search
    /// order) and the destination view, and whatever plan it returns is applied by reference
    /// (rows only; asset blobs are shared). Everything is read inside the transaction, so
    /// concurrent copies behave as if run one after another.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site; the closure plans"
    )]
    async fn copy(
        &self,
        owner: &str,
        domain: &str,
        source: &str,
        searched: usize,
        destination: &str,
        c: &PackageCoordinate,
        wanted: &[String],
        plan: CopyPlanner<'_>,
    ) -> StoreResult<Result<CopyPlan, PlanError>>;
}

#[async_trait]
impl VersionStore for Store {
    async fn versions_page(
        &self,
        package_id: i64,
        q: &VersionQuery,
    ) -> StoreResult<Vec<VersionRow>> {
        let Keyset {
            cmp,
            order,
            time,
            version,
        } = q.keyset();
        let sql = format!(
            "SELECT * FROM package_versions WHERE package_id = $1 AND ($2 IS NULL OR status = $3) \
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
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(version_row).collect()
    }

    async fn version(
        &self,
        package_id: i64,
        c: &PackageCoordinate,
        version: &str,
    ) -> StoreResult<(VersionRow, Vec<AssetRow>)> {
        let mut conn = self.pool().acquire().await?;
        let row = find_version(&mut conn, package_id, version)
            .await?
            .ok_or_else(|| version_missing(c, version))?;
        let assets = assets_of(&mut conn, row.id).await?;
        Ok((row, assets))
    }

    async fn dist_tags(&self, package_id: i64) -> StoreResult<BTreeMap<String, String>> {
        let mut conn = self.pool().acquire().await?;
        dist_tags_of(&mut conn, package_id).await
    }

    async fn latest_published(&self, package_id: i64) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT version FROM package_versions WHERE package_id = $1 AND status = 'Published' ORDER BY published_time DESC, version DESC LIMIT 1")
            .bind(package_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.get("version")))
    }

    async fn publish_asset(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        p: PublishAsset,
    ) -> StoreResult<(VersionRow, AssetRow)> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        // A package first published here allows publishing and blocks upstream versions, as
        // CodeArtifact sets it for the first version published directly.
        let package_id = ensure_package(&mut w.tx, repo.id, c, "ALLOW", "BLOCK").await?;
        let existing = find_version(&mut w.tx, package_id, &p.version).await?;
        if existing.is_none()
            && let Some(why) = super::groups::origin_refusal(
                &mut w.tx,
                owner,
                domain,
                repository,
                c,
                wharf_core::groups::OriginRestrictionType::Publish,
            )
            .await?
        {
            return Err(super::groups::refused(c, why));
        }
        let version_id = match &existing {
            None => sqlx::query(
                "INSERT INTO package_versions (package_id, version, revision, status, origin_type, entry_repository, published_time) \
                 VALUES ($1, $2, '', 'Unfinished', 'INTERNAL', $3, $4) RETURNING id",
            )
            .bind(package_id)
            .bind(&p.version)
            .bind(&repo.name)
            .bind(now())
            .fetch_one(&mut *w.tx)
            .await?
            .get("id"),
            Some(v) => v.id,
        };
        let assets = assets_of(&mut w.tx, version_id).await?;
        if let Some(same) = assets.iter().find(|a| a.name == p.asset.name) {
            if same.sha256 == p.asset.sha256 {
                let row = existing.ok_or_else(|| version_missing(c, &p.version))?;
                return Ok((row, same.clone()));
            }
            return Err(Clash::AssetDiffers {
                version: p.version.clone(),
                asset: p.asset.name.clone(),
            }
            .into());
        }
        if let Some(v) = &existing
            && v.status != PackageVersionStatus::Unfinished
        {
            return Err(Clash::VersionNotUnfinished {
                version: p.version.clone(),
                status: v.status,
            }
            .into());
        }
        if assets.len() >= p.max_assets {
            return Err(Limit::Assets {
                version: p.version.clone(),
                count: assets.len(),
            }
            .into());
        }
        insert_asset(&mut w.tx, version_id, &p.asset).await?;
        let mut all = assets;
        all.push(p.asset.clone());
        let metadata = existing
            .as_ref()
            .map(|v| v.metadata.clone())
            .unwrap_or_default();
        let status = if p.unfinished {
            "Unfinished"
        } else {
            "Published"
        };
        sqlx::query("UPDATE package_versions SET revision = $1, status = $2 WHERE id = $3")
            .bind(revision_of(&all, &metadata))
            .bind(status)
            .bind(version_id)
            .execute(&mut *w.tx)
            .await?;
        let change = match existing {
            None => Change::Created,
            Some(_) => Change::Updated {
                status_changed: !p.unfinished,
                assets_added: 1,
            },
        };
        super::events::note(&mut w, repo.id, c, &p.version, change);
        let row = find_version(&mut w.tx, package_id, &p.version)
            .await?
            .ok_or_else(|| version_missing(c, &p.version))?;
        w.commit().await?;
        Ok((row, p.asset))
    }

    async fn copy(
        &self,
        owner: &str,
        domain: &str,
        source: &str,
        searched: usize,
        destination: &str,
        c: &PackageCoordinate,
        wanted: &[String],
        plan: CopyPlanner<'_>,
    ) -> StoreResult<Result<CopyPlan, PlanError>> {
        // First plan on a read snapshot, without the write lock: a copy that would change
        // nothing (every version already there, or refused) is answered from it. Its outcome
        // is the one it would have had run at the snapshot's moment, which lies between two
        // writes of the package (they are serial), so the copy stays serial-equivalent.
        // Otherwise the write path reads and plans again under the lock.
        {
            let mut snapshot = self.read_snapshot().await?;
            let (_, _, views, dest_view) = copy_views(
                &mut snapshot,
                owner,
                domain,
                source,
                searched,
                destination,
                c,
                wanted,
            )
            .await?;
            match plan(&views, &dest_view) {
                Err(refused) => return Ok(Err(refused)),
                Ok(planned) if !plan_writes(&planned) => return Ok(Ok(planned)),
                Ok(_) => {}
            }
            snapshot.rollback().await?;
        }
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let (repos, dest, views, dest_view) = copy_views(
            &mut w.tx,
            owner,
            domain,
            source,
            searched,
            destination,
            c,
            wanted,
        )
        .await?;
        let plan = match plan(&views, &dest_view) {
            Ok(plan) => plan,
            Err(refused) => return Ok(Err(refused)),
        };
        if plan_writes(&plan) {
            apply_copy(&mut w.tx, &repos, &dest, c, &plan).await?;
            super::events::note_copies(&mut w.notes, dest.id, c, &plan);
            w.commit().await?;
        }
        Ok(Ok(plan))
    }
}

/// Whether applying `plan` changes anything: it succeeds and copies a version or moves a
/// dist-tag.
fn plan_writes(plan: &CopyPlan) -> bool {
    plan.succeeds() && (plan.copies().next().is_some() || !plan.dist_tags.is_empty())
}

/// What a copy plans from, read on one connection (a read snapshot or the write transaction):
/// the source's search order, the destination, the source views and the destination's view.
#[expect(
    clippy::too_many_arguments,
    reason = "the members of one copy request, as VersionStore::copy takes them"
)]
async fn copy_views(
    conn: &mut AnyConnection,
    owner: &str,
    domain: &str,
    source: &str,
    searched: usize,
    destination: &str,
    c: &PackageCoordinate,
    wanted: &[String],
) -> StoreResult<(
    Vec<RepositoryRow>,
    RepositoryRow,
    Vec<RepositoryPackage>,
    RepositoryPackage,
)> {
    let repos = search_order_in(conn, owner, domain, source, searched.max(1)).await?;
    let dest = repository_in(conn, owner, domain, destination).await?;
    let views = Store::package_views(conn, &repos, c, wanted).await?;
    let dest_view = Store::package_views(conn, std::slice::from_ref(&dest), c, wanted)
        .await?
        .remove(0);
    Ok((repos, dest, views, dest_view))
}

impl Store {
    /// Reads what each repository holds of a package, as the copy planner needs it.
    /// Only the `wanted` versions are read (by their unique index), so planning a copy costs
    /// the same whatever the package's size.
    pub(crate) async fn package_views(
        conn: &mut AnyConnection,
        repos: &[RepositoryRow],
        c: &PackageCoordinate,
        wanted: &[String],
    ) -> StoreResult<Vec<RepositoryPackage>> {
        let mut out = Vec::with_capacity(repos.len());
        for repo in repos {
            let name = RepositoryName::parse(&repo.name)
                .map_err(|e| StoreError::Backend(anyhow::anyhow!("stored name: {e}")))?;
            let mut view = RepositoryPackage::absent(name);
            if let Some(pkg) = find_package(conn, repo.id, c).await? {
                view.exists = true;
                view.upstream_blocked = pkg.origin_upstream == "BLOCK";
                view.publish_blocked = pkg.origin_publish == "BLOCK";
                for r in find_versions(conn, pkg.id, wanted).await? {
                    let record = version_record_of(&r)?;
                    view.versions.insert(record.version.clone(), record);
                }
                for (tag, v) in dist_tags_of(conn, pkg.id).await? {
                    let parsed = PackageVersion::parse(&v).map_err(|e| {
                        StoreError::corrupt(
                            "dist_tags",
                            format!("{}/{tag}", pkg.id),
                            "version",
                            &v,
                            e,
                        )
                    })?;
                    view.dist_tags.insert(tag, parsed);
                }
            }
            out.push(view);
        }
        Ok(out)
    }
}

pub(super) async fn insert_asset(
    conn: &mut AnyConnection,
    version_id: i64,
    a: &AssetRow,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO assets (version_id, name, size, md5, sha1, sha256, sha512) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(version_id)
        .bind(&a.name)
        .bind(a.size)
        .bind(&a.md5)
        .bind(&a.sha1)
        .bind(&a.sha256)
        .bind(&a.sha512)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The origin controls of a package record that a copy creates, from the first copied
/// version's origin (spec §3.4): external versions may come from upstreams but not be
/// published; internal ones the reverse.
pub(super) fn new_package_origin(origin: PackageVersionOriginType) -> (&'static str, &'static str) {
    match origin {
        PackageVersionOriginType::External => ("BLOCK", "ALLOW"),
        PackageVersionOriginType::Internal | PackageVersionOriginType::Unknown => {
            ("ALLOW", "BLOCK")
        }
    }
}

/// Applies a successful copy plan on an open transaction: for each repository the plan copies
/// from, the destination's rows of those versions are replaced by copies of the source rows,
/// inside the database (`INSERT … SELECT`), so the cost is a handful of statements per package
/// whatever its number of versions and assets; then the dist-tags. Versions reference the same
/// content-addressed blobs: no bytes are copied. Promotions apply each package's plan with it.
pub(super) async fn apply_copy(
    conn: &mut AnyConnection,
    repos: &[RepositoryRow],
    dest: &RepositoryRow,
    c: &PackageCoordinate,
    plan: &CopyPlan,
) -> StoreResult<()> {
    let mut by_source: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for copy in plan.copies() {
        by_source
            .entry(copy.from.as_str())
            .or_default()
            .push(copy.record.version.as_str());
    }
    let mut dest_package: Option<i64> = None;
    if let Some(first) = plan.copies().next() {
        let origin = first
            .record
            .origin
            .as_ref()
            .and_then(|o| o.origin_type)
            .unwrap_or(PackageVersionOriginType::Internal);
        let (publish, upstream) = new_package_origin(origin);
        let package_id = ensure_package(conn, dest.id, c, publish, upstream).await?;
        dest_package = Some(package_id);
        let all: Vec<&str> = by_source.values().flatten().copied().collect();
        delete_versions(conn, package_id, &all).await?;
    }
    for (from_name, versions) in &by_source {
        let (Some(package_id), Some(from)) =
            (dest_package, repos.iter().find(|r| r.name == *from_name))
        else {
            return Err(StoreError::Backend(anyhow::anyhow!(
                "planned source {from_name} not loaded"
            )));
        };
        let src_pkg = find_package(conn, from.id, c)
            .await?
            .ok_or_else(|| package_missing(&from.name, c))?
            .id;
        for chunk in versions.chunks(900) {
            let list = placeholders(3, chunk.len());
            let sql = format!(
                "INSERT INTO package_versions (package_id, version, revision, status, origin_type, \
                 entry_repository, published_time, metadata) \
                 SELECT $1, version, revision, status, origin_type, entry_repository, \
                 published_time, metadata FROM package_versions \
                 WHERE package_id = $2 AND version IN ({list})"
            );
            let mut q = sqlx::query(&sql).bind(package_id).bind(src_pkg);
            for v in chunk {
                q = q.bind(*v);
            }
            let inserted = q.execute(&mut *conn).await?.rows_affected();
            if inserted != chunk.len() as u64 {
                return Err(version_missing(c, chunk.first().copied().unwrap_or("")));
            }
            let sql = format!(
                "INSERT INTO assets (version_id, name, size, md5, sha1, sha256, sha512) \
                 SELECT n.id, a.name, a.size, a.md5, a.sha1, a.sha256, a.sha512 \
                 FROM package_versions s JOIN assets a ON a.version_id = s.id \
                 JOIN package_versions n ON n.package_id = $1 AND n.version = s.version \
                 WHERE s.package_id = $2 AND s.version IN ({list})"
            );
            let mut q = sqlx::query(&sql).bind(package_id).bind(src_pkg);
            for v in chunk {
                q = q.bind(*v);
            }
            q.execute(&mut *conn).await?;
        }
    }
    if !plan.dist_tags.is_empty() {
        let package_id = match dest_package {
            Some(id) => id,
            None => ensure_package(conn, dest.id, c, "ALLOW", "ALLOW").await?,
        };
        for m in &plan.dist_tags {
            sqlx::query("INSERT INTO dist_tags (package_id, tag, version) VALUES ($1, $2, $3) ON CONFLICT (package_id, tag) DO UPDATE SET version = excluded.version")
                .bind(package_id)
                .bind(&m.tag)
                .bind(m.to.as_str())
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "copy_snapshot_tests.rs"]
mod copy_snapshot_tests;
