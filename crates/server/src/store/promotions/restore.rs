//! Applying a revert: versions the promotion added are removed, versions it overwrote are put
//! back exactly as they were (row, asset rows referencing the same blobs, deprecation), moved
//! dist-tags go back, and package records the promotion created are removed when left empty.

use super::super::packages::ensure_package;
use super::super::versions::{delete_versions, insert_asset, new_package_origin};
use super::super::{RepositoryRow, StoreError, StoreResult, origin_type_str};
use super::{RecordedVersion, VersionBefore};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;
use wharf_core::api::DistTagWrite;
use wharf_core::names::PackageCoordinate;

fn backend(e: impl Into<anyhow::Error>) -> StoreError {
    StoreError::Backend(e.into())
}

/// Puts `before` back as `version` of package `package_id` (whatever holds that version now is
/// replaced).
async fn restore_version(
    conn: &mut AnyConnection,
    package_id: i64,
    version: &str,
    before: &VersionBefore,
) -> StoreResult<()> {
    let metadata = serde_json::to_string(&before.metadata).map_err(backend)?;
    let id: i64 = sqlx::query(
        "INSERT INTO package_versions (package_id, version, revision, status, origin_type, \
         entry_repository, published_time, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         RETURNING id",
    )
    // Unprepared, as the record's inserts (`record.rs`): `entry_repository` may be NULL.
    .persistent(false)
    .bind(package_id)
    .bind(version)
    .bind(&before.revision)
    .bind(before.status.as_str())
    .bind(origin_type_str(before.origin_type))
    .bind(before.entry_repository.as_deref())
    .bind(before.published_time)
    .bind(metadata)
    .fetch_one(&mut *conn)
    .await?
    .get("id");
    for a in &before.assets {
        insert_asset(conn, id, a).await?;
    }
    if let Some(message) = &before.deprecated {
        sqlx::query("INSERT INTO npm_deprecations (version_id, message) VALUES ($1, $2)")
            .bind(id)
            .bind(message)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Undoes `versions` and `dist_tags` (the writes of one promotion) in `dest`, and removes the
/// `created` package records that are left with no version and no dist-tag.
pub(crate) async fn undo_writes(
    conn: &mut AnyConnection,
    dest: &RepositoryRow,
    versions: &[RecordedVersion],
    dist_tags: &[DistTagWrite],
    created: &[PackageCoordinate],
    packages: &BTreeMap<PackageCoordinate, i64>,
) -> StoreResult<()> {
    let mut by_package: BTreeMap<&PackageCoordinate, Vec<&RecordedVersion>> = BTreeMap::new();
    for v in versions {
        by_package.entry(&v.package).or_default().push(v);
    }
    for (c, writes) in &by_package {
        let package_id = match packages.get(*c) {
            Some(id) => *id,
            None => {
                let origin = writes
                    .iter()
                    .find_map(|w| w.before.as_ref().map(|b| b.origin_type))
                    .unwrap_or(wharf_core::api::PackageVersionOriginType::Internal);
                let (publish, upstream) = new_package_origin(origin);
                ensure_package(conn, dest.id, c, publish, upstream).await?
            }
        };
        let names: Vec<&str> = writes.iter().map(|w| w.version.as_str()).collect();
        delete_versions(conn, package_id, &names).await?;
        for w in writes {
            if let Some(before) = &w.before {
                restore_version(conn, package_id, &w.version, before).await?;
            }
        }
    }
    for t in dist_tags {
        let c = PackageCoordinate::parse(t.format.as_str(), t.namespace.as_deref(), &t.package)
            .map_err(|e| backend(anyhow::anyhow!("recorded package {}: {e:?}", t.package)))?;
        let Some(package_id) = packages.get(&c).copied() else {
            continue;
        };
        match &t.before {
            Some(v) => {
                sqlx::query(
                    "INSERT INTO dist_tags (package_id, tag, version) VALUES ($1, $2, $3) \
                     ON CONFLICT (package_id, tag) DO UPDATE SET version = excluded.version",
                )
                .bind(package_id)
                .bind(&t.tag)
                .bind(v)
                .execute(&mut *conn)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM dist_tags WHERE package_id = $1 AND tag = $2")
                    .bind(package_id)
                    .bind(&t.tag)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    // Tags left pointing at a removed version go, as DeletePackageVersions removes them.
    for c in by_package.keys() {
        if let Some(package_id) = packages.get(*c) {
            sqlx::query(
                "DELETE FROM dist_tags WHERE package_id = $1 AND version NOT IN \
                 (SELECT version FROM package_versions WHERE package_id = $2)",
            )
            .bind(*package_id)
            .bind(*package_id)
            .execute(&mut *conn)
            .await?;
        }
    }
    for c in created {
        if let Some(package_id) = packages.get(c) {
            sqlx::query(
                "DELETE FROM packages WHERE id = $1 \
                 AND NOT EXISTS (SELECT 1 FROM package_versions WHERE package_id = $2) \
                 AND NOT EXISTS (SELECT 1 FROM dist_tags WHERE package_id = $3)",
            )
            .bind(*package_id)
            .bind(*package_id)
            .bind(*package_id)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
