//! Blob garbage collection: removes asset bytes that no row references (`wharf admin gc`).
//!
//! Bytes are written before the rows that reference them (a publish uploads, then inserts in
//! its write transaction), so "unreferenced" alone does not mean "garbage": a publish may have
//! uploaded and not yet committed. Two rules keep every referenced blob:
//!
//! - **Grace period.** Only blobs last written more than `grace` ago are candidates. Writing
//!   content that already exists refreshes its time ([`super::assets::put_blob`] rewrites the
//!   same bytes), so a publish of old, unreferenced content makes it young again before its rows
//!   are inserted.
//! - **Decided under the write lock.** The candidates are re-checked inside a write
//!   transaction (the process's write lock, PostgreSQL's advisory lock, SQLite's database write
//!   lock): the referenced set is read again there, and each blob's time is read again just
//!   before it is removed. A copy or a publish commits its rows either before (the blob is
//!   referenced, kept) or after (it waits for the lock; its blob is young, kept).
//!
//! Referenced means: an `assets` row, or an asset in a promotion record's before-state (a
//! revert restores those rows, so their bytes must stay).

use super::{Store, StoreResult};
use futures::TryStreamExt;
use object_store::ObjectStore;
use object_store::path::Path;
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeSet;
use std::time::Duration;

/// What one collection found and did (printed as JSON by `wharf admin gc`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct GcReport {
    /// Whether this was a dry run (nothing removed).
    pub dry_run: bool,
    /// Blobs in the object store.
    pub blobs: usize,
    /// Distinct SHA-256 values the rows reference.
    pub referenced: usize,
    /// Unreferenced blobs kept because they were written within the grace period.
    pub kept_young: usize,
    /// The SHA-256 of every blob removed (or, in a dry run, that would be).
    pub removed: Vec<String>,
    /// Their total size in bytes.
    pub removed_bytes: u64,
}

impl Store {
    /// Every SHA-256 that a row references (assets and promotion records' before-states).
    pub async fn referenced_blobs(&self) -> StoreResult<BTreeSet<String>> {
        let mut conn = self.pool().acquire().await?;
        referenced_in(&mut conn).await
    }

    /// Removes (unless `dry_run`) every blob that no row references and that was last written
    /// more than `grace` ago; see the module documentation for why this is safe beside running
    /// publishes and copies.
    pub async fn collect_garbage(
        &self,
        blobs: &dyn ObjectStore,
        grace: Duration,
        dry_run: bool,
    ) -> anyhow::Result<GcReport> {
        let mut report = GcReport {
            dry_run,
            ..GcReport::default()
        };
        let referenced = self.referenced_blobs().await?;
        report.referenced = referenced.len();
        let cutoff = chrono::Utc::now() - grace;
        let mut candidates = Vec::new();
        let mut listing = blobs.list(Some(&Path::from("sha256")));
        while let Some(meta) = listing.try_next().await? {
            report.blobs += 1;
            let Some(sha) = meta.location.filename().map(str::to_owned) else {
                continue;
            };
            if referenced.contains(&sha) {
                continue;
            }
            if meta.last_modified > cutoff {
                report.kept_young += 1;
                continue;
            }
            candidates.push((sha, meta.location, meta.size));
        }
        if candidates.is_empty() {
            return Ok(report);
        }
        let mut w = self.write().await?;
        // A write statement takes SQLite's database write lock now (a deferred transaction
        // would only take it at its first write), so no other process commits rows meanwhile.
        sqlx::query("DELETE FROM assets WHERE 1 = 0")
            .execute(&mut *w.tx)
            .await?;
        let referenced = referenced_in(&mut w.tx).await?;
        let cutoff = chrono::Utc::now() - grace;
        for (sha, location, size) in candidates {
            if referenced.contains(&sha) {
                continue;
            }
            match blobs.head(&location).await {
                Ok(meta) if meta.last_modified <= cutoff => {}
                Ok(_) => {
                    report.kept_young += 1;
                    continue;
                }
                Err(object_store::Error::NotFound { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
            if !dry_run {
                match blobs.delete(&location).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            report.removed.push(sha);
            report.removed_bytes += size;
        }
        w.commit().await?;
        if !dry_run && !report.removed.is_empty() {
            tracing::info!(
                removed = report.removed.len(),
                bytes = report.removed_bytes,
                "blob garbage collected"
            );
        }
        Ok(report)
    }
}

async fn referenced_in(conn: &mut sqlx::AnyConnection) -> StoreResult<BTreeSet<String>> {
    let mut out: BTreeSet<String> = sqlx::query("SELECT DISTINCT sha256 FROM assets")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.get::<String, _>("sha256").to_ascii_lowercase())
        .collect();
    let records = sqlx::query(
        "SELECT promotion_seq, before_assets FROM promotion_versions WHERE before_assets IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    #[derive(serde::Deserialize)]
    struct Sha {
        sha256: String,
    }
    for r in records {
        let text: String = r.get("before_assets");
        let assets: Vec<Sha> = serde_json::from_str(&text).map_err(|e| {
            super::StoreError::corrupt(
                "promotion_versions",
                r.get::<i64, _>("promotion_seq"),
                "before_assets",
                &text,
                e,
            )
        })?;
        out.extend(assets.into_iter().map(|a| a.sha256.to_ascii_lowercase()));
    }
    Ok(out)
}
