//! PyPI writes, each in one write transaction: an upload (a file added to a version) and the
//! retention of a version's files found upstream.

use super::super::events::{self, Change};
use super::super::packages::{ensure_package, find_package};
use super::super::repositories::repository_in;
use super::super::retain::retain_version;
use super::super::versions::{find_version, insert_asset, revision_of};
use super::super::{AssetRow, RepositoryRow, Store, StoreResult, WriteScope, WriteTx, now};
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use wharf_core::groups::OriginRestrictionType;
use wharf_core::names::{PackageCoordinate, PackageVersionStatus};
use wharf_core::revision::VersionMetadata;

/// A checked upload, ready to store (the file's bytes are already in the object store).
#[derive(Debug, Clone)]
pub struct PypiUploadRow {
    /// The version (normalised, or the stored spelling of an equal version).
    pub version: String,
    /// The version's metadata, used when this upload creates the version.
    pub metadata: VersionMetadata,
    /// The file.
    pub file: AssetRow,
    /// A wheel's core metadata (PEP 658), UTF-8.
    pub core_metadata: Option<String>,
    /// The most files a version may have.
    pub max_assets: usize,
}

/// What an upload did, or why it did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PypiUploadOutcome {
    /// The file was added (to a new or an existing version).
    Stored,
    /// The same file (name and bytes) was already there: nothing changed.
    Identical,
    /// A file of that name exists with other bytes.
    FileExists,
    /// The version exists in a status that takes no new files.
    VersionClosed(PackageVersionStatus),
    /// The version has as many files as a version may have.
    TooManyFiles(usize),
    /// The package's origin controls block publishing to this repository.
    PublishBlocked,
    /// A package group blocks publishing to this repository (the message names it).
    GroupBlocked(String),
}

async fn files_of(conn: &mut AnyConnection, version_id: i64) -> StoreResult<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT name, sha256 FROM assets WHERE version_id = $1")
        .bind(version_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("name"), r.get("sha256")))
        .collect())
}

/// What storing `p` would meet; `None` = it would be stored.
async fn decide(
    conn: &mut AnyConnection,
    (owner, domain): (&str, &str),
    repo: &RepositoryRow,
    c: &PackageCoordinate,
    p: &PypiUploadRow,
) -> StoreResult<Option<PypiUploadOutcome>> {
    let pkg = find_package(conn, repo.id, c).await?;
    let existing = match &pkg {
        Some(pkg) => find_version(conn, pkg.id, &p.version).await?,
        None => None,
    };
    if let Some(v) = existing {
        let files = files_of(conn, v.id).await?;
        if let Some((_, sha)) = files.iter().find(|(n, _)| *n == p.file.name) {
            return Ok(Some(if *sha == p.file.sha256 {
                PypiUploadOutcome::Identical
            } else {
                PypiUploadOutcome::FileExists
            }));
        }
        if !matches!(
            v.status,
            PackageVersionStatus::Published | PackageVersionStatus::Unlisted
        ) {
            return Ok(Some(PypiUploadOutcome::VersionClosed(v.status)));
        }
        if files.len() >= p.max_assets {
            return Ok(Some(PypiUploadOutcome::TooManyFiles(files.len())));
        }
        return Ok(None);
    }
    if pkg.is_some_and(|p| p.origin_publish == "BLOCK") {
        return Ok(Some(PypiUploadOutcome::PublishBlocked));
    }
    let refusal = super::super::groups::origin_refusal(
        conn,
        owner,
        domain,
        &repo.name,
        c,
        OriginRestrictionType::Publish,
    )
    .await?;
    Ok(refusal.map(PypiUploadOutcome::GroupBlocked))
}

/// Records what PyPI keeps of a file (first writer wins: same bytes, same file).
async fn insert_file_info(
    conn: &mut AnyConnection,
    sha256: &str,
    upload_time: f64,
    core_metadata: Option<&str>,
) -> StoreResult<()> {
    use sha2::{Digest, Sha256};
    let meta_sha = core_metadata.map(|m| hex::encode(Sha256::digest(m.as_bytes())));
    sqlx::query(
        "INSERT INTO pypi_files (sha256, upload_time, core_metadata, core_metadata_sha256) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(sha256)
    .bind(upload_time)
    .bind(core_metadata)
    .bind(meta_sha)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds `p.file` to version `p.version` of the package `package_id` in `repo` and recomputes
/// the version's revision from all its files. The version is created by its first file:
/// Published, with `p.metadata`, origin and entry point as given (`INTERNAL` and the
/// repository for an upload; `EXTERNAL` and the connection for a fetch through one).
pub(crate) async fn add_file(
    w: &mut WriteTx<'_>,
    repo: &RepositoryRow,
    package_id: i64,
    c: &PackageCoordinate,
    p: &PypiUploadRow,
    (origin, entry): (&str, &str),
) -> StoreResult<()> {
    let time = now();
    let existing = find_version(&mut w.tx, package_id, &p.version).await?;
    let change = match existing {
        Some(_) => Change::Updated {
            status_changed: false,
            assets_added: 1,
        },
        None => Change::Created,
    };
    let (version_id, metadata) = match existing {
        Some(v) => (v.id, v.metadata),
        None => {
            let id: i64 = sqlx::query(
                "INSERT INTO package_versions (package_id, version, revision, status, \
                     origin_type, entry_repository, published_time, metadata) \
                     VALUES ($1, $2, '', 'Published', $3, $4, $5, $6) RETURNING id",
            )
            .bind(package_id)
            .bind(&p.version)
            .bind(origin)
            .bind(entry)
            .bind(time)
            .bind(
                serde_json::to_string(&p.metadata)
                    .map_err(|e| super::super::StoreError::Backend(e.into()))?,
            )
            .fetch_one(&mut *w.tx)
            .await?
            .get("id");
            (id, p.metadata.clone())
        }
    };
    insert_asset(&mut w.tx, version_id, &p.file).await?;
    insert_file_info(&mut w.tx, &p.file.sha256, time, p.core_metadata.as_deref()).await?;
    let rows = sqlx::query(
        "SELECT name, size, md5, sha1, sha256, sha512 FROM assets WHERE version_id = $1",
    )
    .bind(version_id)
    .fetch_all(&mut *w.tx)
    .await?;
    let all: Vec<AssetRow> = rows
        .iter()
        .map(|r| AssetRow {
            name: r.get("name"),
            size: r.get("size"),
            md5: r.get("md5"),
            sha1: r.get("sha1"),
            sha256: r.get("sha256"),
            sha512: r.get("sha512"),
        })
        .collect();
    sqlx::query("UPDATE package_versions SET revision = $1 WHERE id = $2")
        .bind(revision_of(&all, &metadata))
        .bind(version_id)
        .execute(&mut *w.tx)
        .await?;
    events::note(w, repo.id, c, &p.version, change);
    Ok(())
}

/// What the PyPI endpoints write.
#[async_trait]
pub trait PypiWriteStore: Send + Sync {
    /// What an upload would meet, without writing (so refused input stores nothing, not even
    /// bytes): `None` = it would be stored.
    async fn pypi_upload_check(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        p: &PypiUploadRow,
    ) -> StoreResult<Option<PypiUploadOutcome>>;

    /// Adds a file to a version: the version is created (Published, origin INTERNAL, entering
    /// the domain here, with `p.metadata`) by its first file; the revision is recomputed from
    /// all files. A package created here gets `publish=ALLOW, upstream=BLOCK`, as CodeArtifact
    /// sets it for a first version published directly.
    async fn pypi_upload(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        p: &PypiUploadRow,
    ) -> StoreResult<PypiUploadOutcome>;

    /// Retains in `into` the files of `version` that a read found in the upstream repository
    /// `from`: the version row as it is upstream (revision, status, origin, publish time,
    /// metadata) when `into` lacks it, and every file `into`'s copy lacks, by reference.
    /// Returns whether anything was written.
    async fn pypi_retain(
        &self,
        owner: &str,
        domain: &str,
        into: &str,
        from: &str,
        c: &PackageCoordinate,
        version: &str,
    ) -> StoreResult<bool>;
}

#[async_trait]
impl PypiWriteStore for Store {
    async fn pypi_upload_check(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        p: &PypiUploadRow,
    ) -> StoreResult<Option<PypiUploadOutcome>> {
        let mut conn = self.pool().acquire().await?;
        let repo = repository_in(&mut conn, owner, domain, repository).await?;
        decide(&mut conn, (owner, domain), &repo, c, p).await
    }

    async fn pypi_upload(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        p: &PypiUploadRow,
    ) -> StoreResult<PypiUploadOutcome> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        if let Some(outcome) = decide(&mut w.tx, (owner, domain), &repo, c, p).await? {
            return Ok(outcome);
        }
        let package_id = ensure_package(&mut w.tx, repo.id, c, "ALLOW", "BLOCK").await?;
        add_file(&mut w, &repo, package_id, c, p, ("INTERNAL", &repo.name)).await?;
        w.commit().await?;
        Ok(PypiUploadOutcome::Stored)
    }

    async fn pypi_retain(
        &self,
        owner: &str,
        domain: &str,
        into: &str,
        from: &str,
        c: &PackageCoordinate,
        version: &str,
    ) -> StoreResult<bool> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let retained = retain_version(&mut w, (owner, domain), into, from, c, version).await?;
        w.commit().await?;
        Ok(retained.is_some_and(|r| r.assets_added > 0))
    }
}
