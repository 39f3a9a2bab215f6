//! Tags on resources, keyed by the resource's ARN so that any taggable resource (domain,
//! repository, package group) shares one table. The handlers check that the resource exists.

use super::{Store, StoreError, StoreResult};
use crate::store::Limit;
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use wharf_core::tags::{MAX_TAGS_PER_RESOURCE, merged_tags};

/// Tags by resource ARN.
#[async_trait]
pub trait TagStore: Send + Sync {
    /// The resource's tags, by key.
    async fn tags(&self, arn: &str) -> StoreResult<Vec<(String, String)>>;

    /// Adds tags (a present key takes the new value); `Quota` when the resource would carry
    /// more than 50, and then nothing changes.
    async fn tag_resource(&self, arn: &str, tags: &[(String, String)]) -> StoreResult<()>;

    /// Removes the given keys (absent ones are ignored).
    async fn untag_resource(&self, arn: &str, keys: &[String]) -> StoreResult<()>;

    /// Replaces every tag of the resource (`&[]` drops them: a deleted resource keeps none,
    /// and a new one starts with exactly its creation tags).
    async fn replace_tags(&self, arn: &str, tags: &[(String, String)]) -> StoreResult<()>;
}

async fn tags_in(conn: &mut AnyConnection, arn: &str) -> StoreResult<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT tag_key, tag_value FROM resource_tags WHERE resource_arn = $1 ORDER BY tag_key",
    )
    .bind(arn)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("tag_key"), r.get("tag_value")))
        .collect())
}

async fn upsert(conn: &mut AnyConnection, arn: &str, key: &str, value: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO resource_tags (resource_arn, tag_key, tag_value) VALUES ($1, $2, $3) \
         ON CONFLICT (resource_arn, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
    )
    .bind(arn)
    .bind(key)
    .bind(value)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn too_many(arn: &str, n: usize) -> StoreError {
    Limit::Tags {
        arn: arn.to_owned(),
        max: MAX_TAGS_PER_RESOURCE,
        would_have: n,
    }
    .into()
}

#[async_trait]
impl TagStore for Store {
    async fn tags(&self, arn: &str) -> StoreResult<Vec<(String, String)>> {
        let mut conn = self.pool().acquire().await?;
        tags_in(&mut conn, arn).await
    }

    async fn tag_resource(&self, arn: &str, tags: &[(String, String)]) -> StoreResult<()> {
        let mut w = self.write().await?;
        let current = tags_in(&mut w.tx, arn).await?;
        let after = merged_tags(&current, tags);
        if after.len() > MAX_TAGS_PER_RESOURCE {
            return Err(too_many(arn, after.len()));
        }
        for (k, v) in tags {
            upsert(&mut w.tx, arn, k, v).await?;
        }
        w.commit().await
    }

    async fn untag_resource(&self, arn: &str, keys: &[String]) -> StoreResult<()> {
        let mut w = self.write().await?;
        for k in keys {
            sqlx::query("DELETE FROM resource_tags WHERE resource_arn = $1 AND tag_key = $2")
                .bind(arn)
                .bind(k)
                .execute(&mut *w.tx)
                .await?;
        }
        w.commit().await
    }

    async fn replace_tags(&self, arn: &str, tags: &[(String, String)]) -> StoreResult<()> {
        let after = merged_tags(&[], tags);
        if after.len() > MAX_TAGS_PER_RESOURCE {
            return Err(too_many(arn, after.len()));
        }
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM resource_tags WHERE resource_arn = $1")
            .bind(arn)
            .execute(&mut *w.tx)
            .await?;
        for (k, v) in &after {
            upsert(&mut w.tx, arn, k, v).await?;
        }
        w.commit().await
    }
}
