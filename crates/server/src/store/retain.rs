//! Retention, shared by the package-manager endpoints: a version a read found in an upstream
//! repository is kept in the repository read (npm tarballs, PyPI files), inside the caller's
//! write transaction, so each format adds only what it keeps besides versions and assets.

use super::events::{self, Change};
use super::groups::origin_refusal;
use super::packages::{ensure_package, find_package, package_missing};
use super::repositories::repository_in;
use super::versions::find_version;
use super::{StoreResult, WriteTx};
use sqlx::Row;
use wharf_core::groups::OriginRestrictionType;
use wharf_core::names::PackageCoordinate;

/// What [`retain_version`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Retained {
    /// The version row in the repository read.
    pub(crate) version_id: i64,
    /// The version row upstream.
    pub(crate) upstream_version_id: i64,
    /// The version row was created (it was not held).
    pub(crate) created: bool,
    /// How many assets were added.
    pub(crate) assets_added: u64,
}

/// Keeps in `into` the version `version` of `c` held by `from`: the version row as it is
/// upstream (revision, status, origin, publish time, metadata) when `into` lacks it, then every
/// asset `into`'s copy lacks, by reference; the revision becomes upstream's once every asset is
/// held. The first version of a package retained leaves both origins open (`ALLOW`, `ALLOW`).
/// `None` when a package group keeps upstream versions out of `into` (logged) or `from` lacks
/// the version; the version event is noted in `w`.
pub(crate) async fn retain_version(
    w: &mut WriteTx<'_>,
    (owner, domain): (&str, &str),
    into: &str,
    from: &str,
    c: &PackageCoordinate,
    version: &str,
) -> StoreResult<Option<Retained>> {
    let dest = repository_in(&mut w.tx, owner, domain, into).await?;
    let src = repository_in(&mut w.tx, owner, domain, from).await?;
    // Package groups may forbid retaining upstream versions here (reads leave such upstreams
    // out already; this keeps the rule where the write is).
    if let Some(why) = origin_refusal(
        &mut w.tx,
        owner,
        domain,
        into,
        c,
        OriginRestrictionType::InternalUpstream,
    )
    .await?
    {
        tracing::info!("{why}");
        return Ok(None);
    }
    let src_pkg = find_package(&mut w.tx, src.id, c)
        .await?
        .ok_or_else(|| package_missing(from, c))?;
    let Some(src_version) = find_version(&mut w.tx, src_pkg.id, version).await? else {
        return Ok(None);
    };
    let package_id = ensure_package(&mut w.tx, dest.id, c, "ALLOW", "ALLOW").await?;
    let existing = find_version(&mut w.tx, package_id, version).await?;
    let created = existing.is_none();
    let version_id = match existing {
        Some(v) => v.id,
        None => sqlx::query(
            "INSERT INTO package_versions (package_id, version, revision, status, \
             origin_type, entry_repository, published_time, metadata) \
             SELECT $1, version, revision, status, origin_type, entry_repository, \
             published_time, metadata FROM package_versions WHERE id = $2 RETURNING id",
        )
        .bind(package_id)
        .bind(src_version.id)
        .fetch_one(&mut *w.tx)
        .await?
        .get("id"),
    };
    let assets_added = sqlx::query(
        "INSERT INTO assets (version_id, name, size, md5, sha1, sha256, sha512) \
         SELECT $1, a.name, a.size, a.md5, a.sha1, a.sha256, a.sha512 FROM assets a \
         WHERE a.version_id = $2 AND a.name NOT IN \
         (SELECT name FROM assets WHERE version_id = $1)",
    )
    .bind(version_id)
    .bind(src_version.id)
    .execute(&mut *w.tx)
    .await?
    .rows_affected();
    if assets_added > 0 && !created {
        // The revision follows the assets now held (upstream's when all are here).
        let rev: Option<String> = sqlx::query(
            "SELECT s.revision FROM package_versions s WHERE s.id = $1 AND \
             (SELECT COUNT(*) FROM assets WHERE version_id = $1) = \
             (SELECT COUNT(*) FROM assets WHERE version_id = $2)",
        )
        .bind(src_version.id)
        .bind(version_id)
        .fetch_optional(&mut *w.tx)
        .await?
        .map(|r| r.get("revision"));
        if let Some(rev) = rev {
            sqlx::query("UPDATE package_versions SET revision = $1 WHERE id = $2")
                .bind(rev)
                .bind(version_id)
                .execute(&mut *w.tx)
                .await?;
        }
    }
    if created {
        events::note(w, dest.id, c, version, Change::Created);
    } else if assets_added > 0 {
        let change = Change::Updated {
            status_changed: false,
            assets_added: i64::try_from(assets_added).unwrap_or(i64::MAX),
        };
        events::note(w, dest.id, c, version, change);
    }
    Ok(Some(Retained {
        version_id,
        upstream_version_id: src_version.id,
        created,
        assets_added,
    }))
}
