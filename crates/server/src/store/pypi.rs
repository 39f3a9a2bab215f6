//! PyPI storage: what the index pages read along a repository's upstream search order (each
//! version with all its files, their upload times and PEP 658 metadata hashes), and the writes
//! in [`write`]: an upload (one file added to a version, created on its first file) and the
//! retention of a file fetched through an upstream.
//!
//! A PyPI version is an ordinary version row whose assets are its files, named by filename;
//! copy and promotion move them by reference like any other assets. What PyPI adds per file
//! lives in `pypi_files`, keyed by the file's SHA-256 (migration `0011_pypi.sql`), so copies
//! and retained versions find it with no row of their own.

pub(crate) mod write;

pub use write::{PypiUploadOutcome, PypiUploadRow, PypiWriteStore};

use super::RepositoryStore;
use super::packages::held_along;
use super::{AssetRow, PackageRow, RepositoryRow, Store, StoreResult, VersionRow, version_row};
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use wharf_core::names::PackageCoordinate;

/// The most repositories one PyPI read searches (API §3.5, as npm).
pub const MAX_SEARCHED: usize = 25;

/// One file of a stored version.
#[derive(Debug, Clone)]
pub struct PypiFileRow {
    /// The asset (its name is the filename).
    pub asset: AssetRow,
    /// When it was first uploaded, Unix seconds.
    pub upload_time: Option<f64>,
    /// SHA-256 of its core metadata, when served (wheels).
    pub core_metadata_sha256: Option<String>,
}

/// One stored version with its files.
#[derive(Debug, Clone)]
pub struct PypiVersionRow {
    /// The version row.
    pub row: VersionRow,
    /// Its files, by filename.
    pub files: Vec<PypiFileRow>,
}

/// What one repository holds of a PyPI project.
#[derive(Debug, Clone)]
pub struct PypiPackageView {
    /// The repository's name.
    pub repository: String,
    /// The package record.
    pub package: PackageRow,
    /// Its versions, oldest first.
    pub versions: Vec<PypiVersionRow>,
}

impl PypiPackageView {
    /// The stored version with this version string.
    pub fn version(&self, version: &str) -> Option<&PypiVersionRow> {
        self.versions.iter().find(|v| v.row.version == version)
    }
}

/// Everything one repository holds of a package.
pub(crate) async fn load_view(
    conn: &mut AnyConnection,
    repository: &RepositoryRow,
    package: PackageRow,
) -> StoreResult<PypiPackageView> {
    let rows = sqlx::query(
        "SELECT v.id, v.version, v.revision, v.status, v.origin_type, v.entry_repository, \
         v.published_time, v.metadata, a.name AS asset_name, a.size AS asset_size, a.md5, \
         a.sha1, a.sha256, a.sha512, f.upload_time, f.core_metadata_sha256 \
         FROM package_versions v \
         LEFT JOIN assets a ON a.version_id = v.id \
         LEFT JOIN pypi_files f ON f.sha256 = a.sha256 \
         WHERE v.package_id = $1 ORDER BY v.published_time, v.id, a.name",
    )
    .bind(package.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut versions: Vec<PypiVersionRow> = Vec::new();
    for r in &rows {
        let id: i64 = r.get("id");
        if versions.last().is_none_or(|v| v.row.id != id) {
            versions.push(PypiVersionRow {
                row: version_row(r)?,
                files: Vec::new(),
            });
        }
        let asset_name: Option<String> = r.get("asset_name");
        if let (Some(name), Some(v)) = (asset_name, versions.last_mut()) {
            v.files.push(PypiFileRow {
                asset: AssetRow {
                    name,
                    size: r.get("asset_size"),
                    md5: r.get("md5"),
                    sha1: r.get("sha1"),
                    sha256: r.get("sha256"),
                    sha512: r.get("sha512"),
                },
                upload_time: r.get("upload_time"),
                core_metadata_sha256: r.get("core_metadata_sha256"),
            });
        }
    }
    Ok(PypiPackageView {
        repository: repository.name.clone(),
        package,
        versions,
    })
}

/// What the PyPI endpoints read.
#[async_trait]
pub trait PypiReadStore: Send + Sync {
    /// What the repository and its upstreams hold of a project, in search order (depth first,
    /// at most [`MAX_SEARCHED`] repositories), leaving out repositories without it. When the
    /// repository's own package blocks upstream versions (`upstream=BLOCK`), or a package group
    /// keeps upstream versions out of it, only the repository itself is read.
    async fn pypi_views(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<Vec<PypiPackageView>>;

    /// The core metadata stored for the file with this SHA-256, if any.
    async fn pypi_core_metadata(&self, file_sha256: &str) -> StoreResult<Option<String>>;
}

#[async_trait]
impl PypiReadStore for Store {
    async fn pypi_views(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<Vec<PypiPackageView>> {
        let order = self
            .search_order(owner, domain, repository, MAX_SEARCHED)
            .await?;
        let mut conn = self.pool().acquire().await?;
        let held = held_along(&mut conn, (owner, domain), &order, c).await?;
        let mut out = Vec::with_capacity(held.len());
        for (repo, pkg) in held {
            out.push(load_view(&mut conn, &repo, pkg).await?);
        }
        Ok(out)
    }

    async fn pypi_core_metadata(&self, file_sha256: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT core_metadata FROM pypi_files WHERE sha256 = $1")
            .bind(file_sha256)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.and_then(|r| r.get("core_metadata")))
    }
}
