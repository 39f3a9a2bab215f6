//! Recording a version whose asset bytes are already in the object store, in any format:
//! seeding, imports and tests. PublishPackageVersion goes through `publish_asset` instead.

use super::WriteScope;
use super::packages::ensure_package;
use super::repositories::repository_in;
use super::versions::{find_version, insert_asset, new_package_origin, revision_of};
use super::{AssetRow, Store, StoreError, StoreResult, VersionRow, origin_type_str};
use async_trait::async_trait;
use sqlx::Row;
use wharf_core::api::PackageVersionOriginType;
use wharf_core::names::{PackageCoordinate, PackageVersionStatus};
use wharf_core::revision::VersionMetadata;

/// A version to record as it is.
#[derive(Debug, Clone)]
pub struct ImportVersion {
    /// The version string (already normalised for the format).
    pub version: String,
    /// Its status.
    pub status: PackageVersionStatus,
    /// How it entered the domain.
    pub origin_type: PackageVersionOriginType,
    /// The repository it entered the domain through (the target repository when `None`).
    pub entry_repository: Option<String>,
    /// Publish time (epoch seconds).
    pub published_time: f64,
    /// Version-level metadata.
    pub metadata: VersionMetadata,
    /// Its assets; their bytes must already be stored under their SHA-256.
    pub assets: Vec<AssetRow>,
}

/// Versions that arrive whole (npm publishes through the API's import path, demo data).
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Records a version (replacing one with the same string) with its assets and computed
    /// revision in one transaction, creating the package record if needed with the origin
    /// controls a copy would give it.
    async fn import_version(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        v: ImportVersion,
    ) -> StoreResult<VersionRow>;
}

#[async_trait]
impl ImportStore for Store {
    async fn import_version(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        v: ImportVersion,
    ) -> StoreResult<VersionRow> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        let (publish, upstream) = new_package_origin(v.origin_type);
        let package_id = ensure_package(&mut w.tx, repo.id, c, publish, upstream).await?;
        sqlx::query("DELETE FROM package_versions WHERE package_id = $1 AND version = $2")
            .bind(package_id)
            .bind(&v.version)
            .execute(&mut *w.tx)
            .await?;
        let metadata =
            serde_json::to_string(&v.metadata).map_err(|e| StoreError::Backend(e.into()))?;
        let id: i64 = sqlx::query(
            "INSERT INTO package_versions (package_id, version, revision, status, origin_type, entry_repository, published_time, metadata) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(package_id)
        .bind(&v.version)
        .bind(revision_of(&v.assets, &v.metadata))
        .bind(v.status.as_str())
        .bind(origin_type_str(v.origin_type))
        .bind(v.entry_repository.as_deref().unwrap_or(&repo.name))
        .bind(v.published_time)
        .bind(metadata)
        .fetch_one(&mut *w.tx)
        .await?
        .get("id");
        for a in &v.assets {
            insert_asset(&mut w.tx, id, a).await?;
        }
        super::events::note(
            &mut w,
            repo.id,
            c,
            &v.version,
            super::events::Change::Created,
        );
        let row = find_version(&mut w.tx, package_id, &v.version)
            .await?
            .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("imported version vanished")))?;
        w.commit().await?;
        Ok(row)
    }
}
