//! External connections of repositories (one per repository) and the versions (npm) and
//! files (PyPI) ingested through them.

use super::WriteScope;
use super::npm::NpmPublishRow;
use super::npm::write::{insert_npm_version, upsert_tag};
use super::packages::{ensure_package, find_package};
use super::pypi::PypiUploadRow;
use super::pypi::write::add_file;
use super::repositories::repository_in;
use super::rows::PackageRow;
use super::{RepositoryRow, RepositoryStore, Store, StoreError, StoreResult};
use crate::store::Missing;
use async_trait::async_trait;
use wharf_core::groups::OriginRestrictionType;
use wharf_core::names::PackageCoordinate;

/// What CodeArtifact answers a second connection with (HTTP 400; sent as ValidationException).
pub const ONE_CONNECTION: &str = "ExternalConnections for repositories are currently limited to 1";

/// External connections and what enters a repository through them.
#[async_trait]
pub trait ExternalStore: Send + Sync {
    /// Gives a repository the external connection `name`; `Invalid` when it already has one.
    async fn associate_external_connection(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        name: &str,
    ) -> StoreResult<RepositoryRow>;

    /// Removes the external connection `name`; `NotFound` when the repository does not have
    /// it. Versions fetched through it stay.
    async fn disassociate_external_connection(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        name: &str,
    ) -> StoreResult<RepositoryRow>;

    /// Stores an npm version fetched through the external connection `connection` of
    /// `repository` (its bytes already in the object store): origin `EXTERNAL`, entry point the
    /// connection, Published. A new package record gets the defaults of an ingested package,
    /// `publish=BLOCK, upstream=ALLOW`. Nothing is written when the repository's package
    /// blocks upstream versions (`upstream=BLOCK`, checked again inside the transaction), the
    /// domain's package groups do not admit `EXTERNAL_UPSTREAM` into it, or the repository
    /// already holds the version. Returns whether the version was written.
    async fn npm_ingest_external(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        row: &NpmPublishRow,
        connection: &str,
    ) -> StoreResult<bool>;

    /// Stores one PyPI file fetched through the external connection `connection` of
    /// `repository` (its bytes already in the object store), as [`Self::npm_ingest_external`]
    /// stores an npm version: its version is created by its first file (origin `EXTERNAL`,
    /// entry point the connection, Published, `publish=BLOCK, upstream=ALLOW` for a new
    /// package); later files join it. Nothing is written when upstream versions are blocked
    /// (origin controls or package groups) or the version already has a file of that name.
    /// Returns whether the file was written.
    async fn pypi_ingest_external(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        row: &PypiUploadRow,
        connection: &str,
    ) -> StoreResult<bool>;
}

#[async_trait]
impl ExternalStore for Store {
    async fn associate_external_connection(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        name: &str,
    ) -> StoreResult<RepositoryRow> {
        let mut w = self.write().await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        if repo.external_connection.is_some() {
            return Err(StoreError::Invalid(ONE_CONNECTION.to_owned()));
        }
        sqlx::query("UPDATE repositories SET external_connection = $1 WHERE id = $2")
            .bind(name)
            .bind(repo.id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        self.repository(owner, domain, repository).await
    }

    async fn disassociate_external_connection(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        name: &str,
    ) -> StoreResult<RepositoryRow> {
        let mut w = self.write().await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        if repo.external_connection.as_deref() != Some(name) {
            return Err(Missing::ExternalConnection {
                repository: repository.to_owned(),
                connection: name.to_owned(),
            }
            .into());
        }
        sqlx::query("UPDATE repositories SET external_connection = NULL WHERE id = $1")
            .bind(repo.id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        self.repository(owner, domain, repository).await
    }

    async fn npm_ingest_external(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        p: &NpmPublishRow,
        connection: &str,
    ) -> StoreResult<bool> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let Some((repo, package)) =
            external_ingest_allowed(&mut w.tx, owner, domain, repository, c).await?
        else {
            return Ok(false);
        };
        if let Some(pkg) = package {
            let exists = sqlx::query(
                "SELECT 1 FROM package_versions WHERE package_id = $1 AND version = $2",
            )
            .bind(pkg.id)
            .bind(&p.version)
            .fetch_optional(&mut *w.tx)
            .await?;
            if exists.is_some() {
                return Ok(false);
            }
        }
        let package_id = ensure_package(&mut w.tx, repo.id, c, "BLOCK", "ALLOW").await?;
        insert_npm_version(&mut w.tx, package_id, p, "EXTERNAL", connection).await?;
        for (tag, version) in &p.dist_tags {
            upsert_tag(&mut w.tx, package_id, tag, version).await?;
        }
        w.commit().await?;
        Ok(true)
    }

    async fn pypi_ingest_external(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        p: &PypiUploadRow,
        connection: &str,
    ) -> StoreResult<bool> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let Some((repo, package)) =
            external_ingest_allowed(&mut w.tx, owner, domain, repository, c).await?
        else {
            return Ok(false);
        };
        if let Some(pkg) = package {
            let held = sqlx::query(
                "SELECT 1 FROM package_versions v JOIN assets a ON a.version_id = v.id \
                 WHERE v.package_id = $1 AND v.version = $2 AND a.name = $3",
            )
            .bind(pkg.id)
            .bind(&p.version)
            .bind(&p.file.name)
            .fetch_optional(&mut *w.tx)
            .await?;
            if held.is_some() {
                return Ok(false);
            }
        }
        let package_id = ensure_package(&mut w.tx, repo.id, c, "BLOCK", "ALLOW").await?;
        add_file(&mut w, &repo, package_id, c, p, ("EXTERNAL", connection)).await?;
        w.commit().await?;
        Ok(true)
    }
}

/// The repository an external ingest writes `c` into, with its package row if there is one;
/// `None` when the ingest must not write: a package group refuses external upstreams for the
/// package there, or the package blocks upstream versions (`origin upstream = BLOCK`).
async fn external_ingest_allowed(
    conn: &mut sqlx::AnyConnection,
    owner: &str,
    domain: &str,
    repository: &str,
    c: &PackageCoordinate,
) -> StoreResult<Option<(RepositoryRow, Option<PackageRow>)>> {
    let repo = repository_in(conn, owner, domain, repository).await?;
    let group_refuses = super::groups::origin_refusal(
        conn,
        owner,
        domain,
        repository,
        c,
        OriginRestrictionType::ExternalUpstream,
    )
    .await?;
    if group_refuses.is_some() {
        return Ok(None);
    }
    let package = find_package(conn, repo.id, c).await?;
    if package
        .as_ref()
        .is_some_and(|p| p.origin_upstream == "BLOCK")
    {
        return Ok(None);
    }
    Ok(Some((repo, package)))
}
