//! npm storage: what the registry protocol reads along a repository's upstream search order
//! (versions with their `package.tgz`, manifest and deprecation, and dist-tags), and its writes
//! (publish, retaining a version fetched through an upstream, dist-tags, deprecation,
//! unpublish) in [`write`].
//!
//! Manifests live in `npm_manifests`, keyed by the tarball's SHA-256, so a copy (which shares
//! the asset row's bytes) finds its manifest without a row of its own. Deprecations live in
//! `npm_deprecations`, one per stored version.

pub(crate) mod write;

pub use write::{NpmPublishOutcome, NpmPublishRow, NpmWriteStore};

use super::RepositoryStore;
use super::packages::held_along;
use super::{AssetRow, PackageRow, RepositoryRow, Store, StoreResult, VersionRow, version_row};
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;
use wharf_core::names::PackageCoordinate;

/// The single asset of an npm version.
pub const NPM_ASSET: &str = "package.tgz";

/// The most repositories one npm read searches (spec §3.5).
pub const MAX_SEARCHED: usize = 25;

/// One stored npm version with what the registry protocol needs.
#[derive(Debug, Clone)]
pub struct NpmVersionRow {
    /// The version row.
    pub row: VersionRow,
    /// Its `package.tgz` (absent once disposed).
    pub tarball: Option<AssetRow>,
    /// The manifest as published (JSON text), when known.
    pub manifest: Option<String>,
    /// The deprecation message, if deprecated.
    pub deprecated: Option<String>,
}

/// What one repository holds of an npm package.
#[derive(Debug, Clone)]
pub struct NpmPackageView {
    /// The repository's name.
    pub repository: String,
    /// The package record.
    pub package: PackageRow,
    /// Its versions, oldest first.
    pub versions: Vec<NpmVersionRow>,
    /// Its dist-tags.
    pub dist_tags: BTreeMap<String, String>,
}

impl NpmPackageView {
    /// The stored version with this version string.
    pub fn version(&self, version: &str) -> Option<&NpmVersionRow> {
        self.versions.iter().find(|v| v.row.version == version)
    }
}

fn npm_version_row(r: &sqlx::any::AnyRow) -> StoreResult<NpmVersionRow> {
    let asset_name: Option<String> = r.get("asset_name");
    Ok(NpmVersionRow {
        row: version_row(r)?,
        tarball: asset_name.map(|name| AssetRow {
            name,
            size: r.get("asset_size"),
            md5: r.get("md5"),
            sha1: r.get("sha1"),
            sha256: r.get("sha256"),
            sha512: r.get("sha512"),
        }),
        manifest: r.get("manifest"),
        deprecated: r.get("deprecated"),
    })
}

/// Everything one repository holds of a package.
pub(crate) async fn load_view(
    conn: &mut AnyConnection,
    repository: &RepositoryRow,
    package: PackageRow,
) -> StoreResult<NpmPackageView> {
    let rows = sqlx::query(
        "SELECT v.id, v.version, v.revision, v.status, v.origin_type, v.entry_repository, \
         v.published_time, v.metadata, a.name AS asset_name, a.size AS asset_size, a.md5, a.sha1, \
         a.sha256, a.sha512, m.manifest, d.message AS deprecated \
         FROM package_versions v \
         LEFT JOIN assets a ON a.version_id = v.id AND a.name = $1 \
         LEFT JOIN npm_manifests m ON m.sha256 = a.sha256 \
         LEFT JOIN npm_deprecations d ON d.version_id = v.id \
         WHERE v.package_id = $2 ORDER BY v.published_time, v.version",
    )
    .bind(NPM_ASSET)
    .bind(package.id)
    .fetch_all(&mut *conn)
    .await?;
    let tags = sqlx::query("SELECT tag, version FROM dist_tags WHERE package_id = $1")
        .bind(package.id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(NpmPackageView {
        repository: repository.name.clone(),
        package,
        versions: rows
            .iter()
            .map(npm_version_row)
            .collect::<StoreResult<_>>()?,
        dist_tags: tags
            .iter()
            .map(|r| (r.get("tag"), r.get("version")))
            .collect(),
    })
}

/// What the npm registry endpoints read.
#[async_trait]
pub trait NpmReadStore: Send + Sync {
    /// What the repository and its upstreams hold of an npm package, in search order (spec
    /// §3.5: depth first, at most [`MAX_SEARCHED`] repositories), leaving out repositories
    /// without the package. When the repository's own package blocks upstream versions
    /// (`upstream=BLOCK`), only the repository itself is read.
    async fn npm_views(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<Vec<NpmPackageView>>;
}

#[async_trait]
impl NpmReadStore for Store {
    async fn npm_views(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<Vec<NpmPackageView>> {
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
}
