//! Promotion records: writing one (the row, every version write with its before-state, every
//! dist-tag move, the package records it created) in a few multi-row statements, and reading
//! them back for listing, describing and reverting.

use super::super::packages::ns_of;
use super::super::versions::placeholders;
use super::super::{AssetRow, StoreError, StoreResult, origin_type_of, origin_type_str, status_of};
use super::{RecordedVersion, StoredPromotion, VersionBefore};
use crate::store::Missing;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use wharf_core::api::{
    DistTagWrite, PromotedPackage, PromotionRecordStatus, PromotionSummary, RepositoryRef,
};
use wharf_core::names::{PackageCoordinate, PackageFormat};

/// Rows per multi-row `INSERT` (at most 15 parameters a row, well within both databases'
/// limits).
const ROWS: usize = 60;

/// An asset row as `before_assets` stores it.
#[derive(Serialize, Deserialize)]
struct StoredAsset {
    name: String,
    size: i64,
    md5: String,
    sha1: String,
    sha256: String,
    sha512: String,
}

/// A record to write.
pub(crate) struct NewRecord<'a> {
    /// The public id.
    pub id: &'a str,
    /// The domains' owner.
    pub owner: &'a str,
    /// Epoch seconds.
    pub created_time: f64,
    /// Who applied it.
    pub principal: &'a str,
    /// Where versions came from (for a revert: the reverted promotion's source).
    pub source: &'a RepositoryRef,
    /// Where they went.
    pub destination: &'a RepositoryRef,
    /// Free text.
    pub reason: Option<&'a str>,
    /// For a revert: the promotion undone.
    pub revert_of: Option<&'a str>,
    /// The applied plan per package (empty for a revert).
    pub packages: &'a [PromotedPackage],
    /// Versions written.
    pub versions: &'a [RecordedVersion],
    /// Dist-tags moved.
    pub dist_tags: &'a [DistTagWrite],
    /// Destination package records created.
    pub created_packages: &'a [PackageCoordinate],
}

fn backend(e: impl Into<anyhow::Error>) -> StoreError {
    StoreError::Backend(e.into())
}

/// Writes a record in the current transaction.
pub(crate) async fn insert_record(conn: &mut AnyConnection, r: &NewRecord<'_>) -> StoreResult<()> {
    let report = serde_json::to_string(r.packages).map_err(backend)?;
    // Not a cached prepared statement: sqlx's Any driver binds a NULL as `int4` on PostgreSQL,
    // so a statement first prepared with a NULL (no reason, no `revert_of`, no before-state)
    // would refuse a later non-NULL value of the real type ("incorrect binary data format").
    // Unprepared, each execution is typed by its own values.
    let seq: i64 = sqlx::query(
        "INSERT INTO promotions (id, owner, created_time, principal, source_domain, \
         source_repository, destination_domain, destination_repository, reason, status, \
         revert_of, version_count, report) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'APPLIED', $10, $11, $12) RETURNING seq",
    )
    .persistent(false)
    .bind(r.id)
    .bind(r.owner)
    .bind(r.created_time)
    .bind(r.principal)
    .bind(&r.source.domain)
    .bind(&r.source.repository)
    .bind(&r.destination.domain)
    .bind(&r.destination.repository)
    .bind(r.reason)
    .bind(r.revert_of)
    .bind(r.versions.len() as i64)
    .bind(report)
    .fetch_one(&mut *conn)
    .await?
    .get("seq");
    for chunk in r.versions.chunks(ROWS) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(1 + i * 15, 15)))
            .collect();
        let sql = format!(
            "INSERT INTO promotion_versions (promotion_seq, format, namespace, package, version, \
             after_revision, after_status, before_revision, before_status, before_origin_type, \
             before_entry_repository, before_published_time, before_metadata, before_assets, \
             before_deprecated) VALUES {}",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql).persistent(false);
        for v in chunk {
            let b = v.before.as_ref();
            let metadata = b
                .map(|b| serde_json::to_string(&b.metadata))
                .transpose()
                .map_err(backend)?;
            let assets = b
                .map(|b| serde_json::to_string(&b.assets.iter().map(stored).collect::<Vec<_>>()))
                .transpose()
                .map_err(backend)?;
            q = q
                .bind(seq)
                .bind(v.package.format.as_str())
                .bind(ns_of(&v.package).to_owned())
                .bind(v.package.name.as_str().to_owned())
                .bind(v.version.clone())
                .bind(v.after.as_ref().map(|a| a.0.clone()))
                .bind(v.after.as_ref().map(|a| a.1.as_str()))
                .bind(b.map(|b| b.revision.clone()))
                .bind(b.map(|b| b.status.as_str()))
                .bind(b.map(|b| origin_type_str(b.origin_type)))
                .bind(b.and_then(|b| b.entry_repository.clone()))
                .bind(b.map(|b| b.published_time))
                .bind(metadata)
                .bind(assets)
                .bind(b.and_then(|b| b.deprecated.clone()));
        }
        q.execute(&mut *conn).await?;
    }
    for chunk in r.dist_tags.chunks(ROWS) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(1 + i * 7, 7)))
            .collect();
        let sql = format!(
            "INSERT INTO promotion_dist_tags (promotion_seq, format, namespace, package, tag, \
             before_version, after_version) VALUES {}",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql).persistent(false);
        for t in chunk {
            q = q
                .bind(seq)
                .bind(t.format.as_str())
                .bind(t.namespace.clone().unwrap_or_default())
                .bind(t.package.clone())
                .bind(t.tag.clone())
                .bind(t.before.clone())
                .bind(t.after.clone());
        }
        q.execute(&mut *conn).await?;
    }
    for chunk in r.created_packages.chunks(ROWS) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(1 + i * 4, 4)))
            .collect();
        let sql = format!(
            "INSERT INTO promotion_packages (promotion_seq, format, namespace, package) VALUES {}",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql).persistent(false);
        for c in chunk {
            q = q
                .bind(seq)
                .bind(c.format.as_str())
                .bind(ns_of(c).to_owned())
                .bind(c.name.as_str().to_owned());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

fn stored(a: &AssetRow) -> StoredAsset {
    StoredAsset {
        name: a.name.clone(),
        size: a.size,
        md5: a.md5.clone(),
        sha1: a.sha1.clone(),
        sha256: a.sha256.clone(),
        sha512: a.sha512.clone(),
    }
}

/// Marks a promotion reverted by `by`.
pub(crate) async fn mark_reverted(conn: &mut AnyConnection, seq: i64, by: &str) -> StoreResult<()> {
    sqlx::query("UPDATE promotions SET status = 'REVERTED', reverted_by = $1 WHERE seq = $2")
        .bind(by)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A `promotions` row as listed.
pub(crate) fn summary_of(r: &sqlx::any::AnyRow) -> PromotionSummary {
    let status: String = r.get("status");
    let created: f64 = r.get("created_time");
    let count: i64 = r.get("version_count");
    PromotionSummary {
        promotion_id: r.get("id"),
        created_time: created.floor() as i64,
        principal: r.get("principal"),
        source: RepositoryRef {
            domain: r.get("source_domain"),
            repository: r.get("source_repository"),
        },
        destination: RepositoryRef {
            domain: r.get("destination_domain"),
            repository: r.get("destination_repository"),
        },
        reason: r.get("reason"),
        status: if status == "REVERTED" {
            PromotionRecordStatus::Reverted
        } else {
            PromotionRecordStatus::Applied
        },
        revert_of: r.get("revert_of"),
        reverted_by: r.get("reverted_by"),
        version_count: count.max(0) as u64,
    }
}

/// One page of records into `domain` (and `repository`), newest first, after the record
/// with sequence `before` (exclusive): `(seq, summary)` pairs, `limit` at most.
pub(crate) async fn list_records(
    conn: &mut AnyConnection,
    owner: &str,
    domain: &str,
    repository: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<(i64, PromotionSummary)>> {
    let rows = sqlx::query(
        "SELECT seq, id, created_time, principal, source_domain, source_repository, \
         destination_domain, destination_repository, reason, status, revert_of, reverted_by, \
         version_count FROM promotions \
         WHERE owner = $1 AND destination_domain = $2 \
         AND ($3 IS NULL OR destination_repository = $4) AND seq < $5 \
         ORDER BY seq DESC LIMIT $6",
    )
    .bind(owner)
    .bind(domain)
    .bind(repository)
    .bind(repository)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(|r| (r.get("seq"), summary_of(r))).collect())
}

fn coordinate(format: &str, namespace: &str, package: &str) -> StoreResult<PackageCoordinate> {
    let ns = (!namespace.is_empty()).then_some(namespace);
    PackageCoordinate::parse(format, ns, package)
        .map_err(|e| backend(anyhow::anyhow!("stored package {package}: {e:?}")))
}

/// A whole record by id, or `NotFound`.
pub(crate) async fn read_record(
    conn: &mut AnyConnection,
    owner: &str,
    id: &str,
) -> StoreResult<StoredPromotion> {
    let row = sqlx::query("SELECT * FROM promotions WHERE owner = $1 AND id = $2")
        .bind(owner)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Missing::Promotion { id: id.to_owned() })?;
    let seq: i64 = row.get("seq");
    let report: String = row.get("report");
    let packages: Vec<PromotedPackage> = serde_json::from_str(&report).map_err(backend)?;
    let mut versions = Vec::new();
    let rows = sqlx::query(
        "SELECT * FROM promotion_versions WHERE promotion_seq = $1 \
         ORDER BY format, namespace, package, version",
    )
    .bind(seq)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let package = coordinate(
            &r.get::<String, _>("format"),
            &r.get::<String, _>("namespace"),
            &r.get::<String, _>("package"),
        )?;
        let after_revision: Option<String> = r.get("after_revision");
        let after_status: Option<String> = r.get("after_status");
        let before_revision: Option<String> = r.get("before_revision");
        let before = match before_revision {
            None => None,
            Some(revision) => {
                let metadata: Option<String> = r.get("before_metadata");
                let assets: Option<String> = r.get("before_assets");
                let assets: Vec<StoredAsset> =
                    serde_json::from_str(assets.as_deref().unwrap_or("[]")).map_err(backend)?;
                Some(VersionBefore {
                    revision,
                    status: status_of(
                        &r.get::<Option<String>, _>("before_status")
                            .unwrap_or_default(),
                        "promotion_versions",
                        seq,
                    )?,
                    origin_type: origin_type_of(
                        &r.get::<Option<String>, _>("before_origin_type")
                            .unwrap_or_default(),
                        "promotion_versions",
                        seq,
                    )?,
                    entry_repository: r.get("before_entry_repository"),
                    published_time: r
                        .get::<Option<f64>, _>("before_published_time")
                        .unwrap_or(0.0),
                    metadata: serde_json::from_str(metadata.as_deref().unwrap_or("{}"))
                        .map_err(backend)?,
                    assets: assets
                        .into_iter()
                        .map(|a| AssetRow {
                            name: a.name,
                            size: a.size,
                            md5: a.md5,
                            sha1: a.sha1,
                            sha256: a.sha256,
                            sha512: a.sha512,
                        })
                        .collect(),
                    deprecated: r.get("before_deprecated"),
                })
            }
        };
        versions.push(RecordedVersion {
            package,
            version: r.get("version"),
            before,
            after: match (after_revision, after_status) {
                (Some(rev), Some(s)) => Some((rev, status_of(&s, "promotion_versions", seq)?)),
                _ => None,
            },
        });
    }
    let rows = sqlx::query(
        "SELECT * FROM promotion_dist_tags WHERE promotion_seq = $1 \
         ORDER BY format, namespace, package, tag",
    )
    .bind(seq)
    .fetch_all(&mut *conn)
    .await?;
    let mut dist_tags = Vec::new();
    for r in &rows {
        let format: String = r.get("format");
        let namespace: String = r.get("namespace");
        dist_tags.push(DistTagWrite {
            format: PackageFormat::parse_as(&format, "format")
                .map_err(|e| backend(anyhow::anyhow!("{e}")))?,
            namespace: (!namespace.is_empty()).then_some(namespace),
            package: r.get("package"),
            tag: r.get("tag"),
            before: r.get("before_version"),
            after: r.get("after_version"),
        });
    }
    let rows = sqlx::query("SELECT * FROM promotion_packages WHERE promotion_seq = $1")
        .bind(seq)
        .fetch_all(&mut *conn)
        .await?;
    let mut created_packages = Vec::new();
    for r in &rows {
        created_packages.push(coordinate(
            &r.get::<String, _>("format"),
            &r.get::<String, _>("namespace"),
            &r.get::<String, _>("package"),
        )?);
    }
    Ok(StoredPromotion {
        seq,
        summary: summary_of(&row),
        packages,
        versions,
        dist_tags,
        created_packages,
    })
}
