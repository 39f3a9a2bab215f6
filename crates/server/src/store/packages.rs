//! Packages within a repository: lookup, listing, deletion and origin controls.

use super::WriteScope;
use super::repositories::repository_in;
use super::{PackageRow, RepositoryRow, Store, StoreError, StoreResult};
use crate::store::Missing;
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use wharf_core::names::{PackageCoordinate, PackageFormat};

/// A `packages` row; a format Wharf does not know is a corrupt row, never a guess.
pub(crate) fn package_row(r: &sqlx::any::AnyRow) -> StoreResult<PackageRow> {
    let ns: String = r.get("namespace");
    let format: String = r.get("format");
    let id: i64 = r.get("id");
    Ok(PackageRow {
        id,
        format: PackageFormat::parse_as(&format, "format")
            .map_err(|_| StoreError::corrupt("packages", id, "format", &format, "not a format"))?,
        namespace: (!ns.is_empty()).then_some(ns),
        name: r.get("name"),
        origin_publish: r.get("origin_publish"),
        origin_upstream: r.get("origin_upstream"),
    })
}

/// The stored namespace column for a coordinate (empty when none).
pub(crate) fn ns_of(c: &PackageCoordinate) -> &str {
    c.namespace.as_ref().map(|n| n.as_str()).unwrap_or("")
}

/// A package of a repository, if it exists.
pub(crate) async fn find_package(
    conn: &mut AnyConnection,
    repository_id: i64,
    c: &PackageCoordinate,
) -> StoreResult<Option<PackageRow>> {
    let row = sqlx::query("SELECT * FROM packages WHERE repository_id = $1 AND format = $2 AND namespace = $3 AND name = $4")
        .bind(repository_id)
        .bind(c.format.as_str())
        .bind(ns_of(c))
        .bind(c.name.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(package_row).transpose()
}

/// The error for a package missing from a repository.
pub(crate) fn package_missing(repository: &str, c: &PackageCoordinate) -> StoreError {
    Missing::Package {
        repository: repository.to_owned(),
        package: c.clone(),
    }
    .into()
}

/// Filters of ListPackages.
#[derive(Debug, Default, Clone)]
pub struct PackageFilter {
    /// Only this format.
    pub format: Option<PackageFormat>,
    /// Namespace prefix.
    pub namespace_prefix: Option<String>,
    /// Name prefix.
    pub name_prefix: Option<String>,
    /// Only this `publish` origin control.
    pub publish: Option<String>,
    /// Only this `upstream` origin control.
    pub upstream: Option<String>,
}

/// Package records: lookup, listing, deletion and origin controls.
#[async_trait]
pub trait PackageStore: Send + Sync {
    /// A package of a repository (with the repository).
    async fn package(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<(RepositoryRow, PackageRow)>;

    /// The packages of a repository after `after` (format, namespace, name), in that order.
    async fn packages(
        &self,
        repository_id: i64,
        filter: &PackageFilter,
        after: Option<(String, String, String)>,
        limit: i64,
    ) -> StoreResult<Vec<PackageRow>>;

    /// Deletes a package with all its versions.
    async fn delete_package(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<PackageRow>;

    /// Sets a package's origin controls, creating the package record if needed.
    async fn put_origin_configuration(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        publish: &str,
        upstream: &str,
    ) -> StoreResult<PackageRow>;
}

#[async_trait]
impl PackageStore for Store {
    async fn package(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<(RepositoryRow, PackageRow)> {
        let mut conn = self.pool().acquire().await?;
        let repo = repository_in(&mut conn, owner, domain, repository).await?;
        let pkg = find_package(&mut conn, repo.id, c)
            .await?
            .ok_or_else(|| package_missing(repository, c))?;
        Ok((repo, pkg))
    }

    async fn packages(
        &self,
        repository_id: i64,
        filter: &PackageFilter,
        after: Option<(String, String, String)>,
        limit: i64,
    ) -> StoreResult<Vec<PackageRow>> {
        let (af, an, ap) = after.unwrap_or_default();
        let rows = sqlx::query(
            "SELECT * FROM packages WHERE repository_id = $1 \
             AND ($2 IS NULL OR format = $3) \
             AND ($4 IS NULL OR substr(namespace, 1, length($5)) = $6) \
             AND ($7 IS NULL OR substr(name, 1, length($8)) = $9) \
             AND ($10 IS NULL OR origin_publish = $11) AND ($12 IS NULL OR origin_upstream = $13) \
             AND (format, namespace, name) > ($14, $15, $16) \
             ORDER BY format, namespace, name LIMIT $17",
        )
        .bind(repository_id)
        .bind(filter.format.map(|f| f.as_str()))
        .bind(filter.format.map(|f| f.as_str()))
        .bind(&filter.namespace_prefix)
        .bind(&filter.namespace_prefix)
        .bind(&filter.namespace_prefix)
        .bind(&filter.name_prefix)
        .bind(&filter.name_prefix)
        .bind(&filter.name_prefix)
        .bind(&filter.publish)
        .bind(&filter.publish)
        .bind(&filter.upstream)
        .bind(&filter.upstream)
        .bind(af)
        .bind(an)
        .bind(ap)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(package_row).collect()
    }

    async fn delete_package(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<PackageRow> {
        // Looked up inside the write transaction: a package read before it could be gone (or
        // re-created under a new id) by the time the DELETE runs.
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        let pkg = find_package(&mut w.tx, repo.id, c)
            .await?
            .ok_or_else(|| package_missing(repository, c))?;
        super::events::note_package_deleted(&mut w, repo.id, c).await?;
        sqlx::query("DELETE FROM packages WHERE id = $1")
            .bind(pkg.id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(pkg)
    }

    async fn put_origin_configuration(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        publish: &str,
        upstream: &str,
    ) -> StoreResult<PackageRow> {
        let mut w = self.write().await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        let id = ensure_package(&mut w.tx, repo.id, c, publish, upstream).await?;
        sqlx::query("UPDATE packages SET origin_publish = $1, origin_upstream = $2 WHERE id = $3")
            .bind(publish)
            .bind(upstream)
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        let row = find_package(&mut w.tx, repo.id, c)
            .await?
            .ok_or_else(|| package_missing(repository, c))?;
        w.commit().await?;
        Ok(row)
    }
}

/// The package's id, creating it with the given origin controls if it does not exist.
pub(crate) async fn ensure_package(
    conn: &mut AnyConnection,
    repository_id: i64,
    c: &PackageCoordinate,
    publish: &str,
    upstream: &str,
) -> StoreResult<i64> {
    if let Some(p) = find_package(conn, repository_id, c).await? {
        return Ok(p.id);
    }
    let row = sqlx::query(
        "INSERT INTO packages (repository_id, format, namespace, name, origin_publish, origin_upstream) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(repository_id)
    .bind(c.format.as_str())
    .bind(ns_of(c))
    .bind(c.name.as_str())
    .bind(publish)
    .bind(upstream)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.get("id"))
}

/// The repositories a package-manager read (npm, PyPI) takes `c` from, with the package record
/// each holds, along `order` (the search order of `order[0]`, as
/// [`super::RepositoryStore::search_order`] gives it), leaving out repositories without it.
/// Only the first is read when its package blocks upstream versions (`upstream=BLOCK`), or
/// when a package group does not let upstream versions into it (`INTERNAL_UPSTREAM`, asked
/// only when there are upstreams to read).
pub(crate) async fn held_along(
    conn: &mut AnyConnection,
    (owner, domain): (&str, &str),
    order: &[RepositoryRow],
    c: &PackageCoordinate,
) -> StoreResult<Vec<(RepositoryRow, PackageRow)>> {
    let Some(first) = order.first() else {
        return Ok(Vec::new());
    };
    let groups_block_upstream = order.len() > 1
        && super::groups::origin_refusal(
            &mut *conn,
            owner,
            domain,
            &first.name,
            c,
            wharf_core::groups::OriginRestrictionType::InternalUpstream,
        )
        .await?
        .is_some();
    let order = if groups_block_upstream {
        &order[..1]
    } else {
        order
    };
    let mut out = Vec::new();
    for (i, repo) in order.iter().enumerate() {
        let Some(pkg) = find_package(&mut *conn, repo.id, c).await? else {
            continue;
        };
        let blocks_upstream = i == 0 && pkg.origin_upstream == "BLOCK";
        out.push((repo.clone(), pkg));
        if blocks_upstream {
            break;
        }
    }
    Ok(out)
}
