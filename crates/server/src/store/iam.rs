//! Principals and permissions: IAM users, their access keys and identity policies, and the
//! resource policies of domains and repositories (migration `0003_iam.sql`).
//!
//! Documents are stored as submitted (validated by the caller with `wharf-policy`); every
//! write gives the policy a new random revision, which Put/Delete compare for optimistic
//! locking (`policyRevision`).

mod resource;

use super::{Store, StoreError, StoreResult, now};
use async_trait::async_trait;

pub use resource::{PolicyTarget, ResourcePolicyStore};
use sqlx::Row;

/// An IAM user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    /// The user name.
    pub name: String,
    /// Creation time (epoch seconds).
    pub created_time: f64,
}

/// An access key pair of a user.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessKeyRow {
    /// The access key id (`AKIA…`).
    pub id: String,
    /// The secret access key.
    pub secret: String,
    /// The user it belongs to.
    pub user: String,
    /// Creation time.
    pub created_time: f64,
    /// When it was revoked, if it was.
    pub revoked_time: Option<f64>,
}

/// A stored policy document and its revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRow {
    /// The policy name (identity policies) or the resource name (resource policies).
    pub name: String,
    /// The JSON text as submitted.
    pub document: String,
    /// Changes on every write.
    pub revision: String,
}

fn new_revision() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn user_missing(name: &str) -> StoreError {
    StoreError::not_found("user", name, format!("User {name} not found"))
}

/// IAM users, their access keys and identity policies.
#[async_trait]
pub trait IamStore: Send + Sync {
    /// Creates a user (`Conflict` if the name is taken).
    async fn create_user(&self, name: &str) -> StoreResult<UserRow>;

    /// Deletes a user with its keys and policies; tokens its keys issued stop working.
    async fn delete_user(&self, name: &str) -> StoreResult<()>;

    /// Every user, by name.
    async fn users(&self) -> StoreResult<Vec<UserRow>>;

    /// Stores a new key pair for `user` (`NotFound` if there is no such user).
    async fn create_access_key(
        &self,
        user: &str,
        id: &str,
        secret: &str,
    ) -> StoreResult<AccessKeyRow>;

    /// Revokes a key (`NotFound` if unknown; revoking twice keeps the first time).
    async fn revoke_access_key(&self, id: &str) -> StoreResult<()>;

    /// The keys of a user (revoked ones included), oldest first.
    async fn access_keys(&self, user: &str) -> StoreResult<Vec<AccessKeyRow>>;

    /// The key with this id if it exists and is not revoked (its user exists, by the foreign
    /// key). Authentication calls this on every request by a non-root key.
    async fn active_access_key(&self, id: &str) -> StoreResult<Option<AccessKeyRow>>;

    /// Attaches (or replaces) the identity policy `name` of `user`.
    async fn put_user_policy(
        &self,
        user: &str,
        name: &str,
        document: &str,
    ) -> StoreResult<PolicyRow>;

    /// Detaches the identity policy `name` of `user`.
    async fn delete_user_policy(&self, user: &str, name: &str) -> StoreResult<()>;

    /// The identity policies of a user, by name.
    async fn user_policies(&self, user: &str) -> StoreResult<Vec<PolicyRow>>;
}

#[async_trait]
impl IamStore for Store {
    async fn create_user(&self, name: &str) -> StoreResult<UserRow> {
        let mut w = self.write().await?;
        let exists = sqlx::query("SELECT 1 FROM iam_users WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *w.tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::conflict(
                "user",
                name,
                format!("User {name} already exists"),
            ));
        }
        let created_time = now();
        sqlx::query("INSERT INTO iam_users (name, created_time) VALUES ($1, $2)")
            .bind(name)
            .bind(created_time)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(UserRow {
            name: name.to_owned(),
            created_time,
        })
    }

    async fn delete_user(&self, name: &str) -> StoreResult<()> {
        let mut w = self.write().await?;
        let done = sqlx::query("DELETE FROM iam_users WHERE name = $1")
            .bind(name)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(user_missing(name));
        }
        w.commit().await
    }

    async fn users(&self) -> StoreResult<Vec<UserRow>> {
        let rows = sqlx::query("SELECT name, created_time FROM iam_users ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .iter()
            .map(|r| UserRow {
                name: r.get("name"),
                created_time: r.get("created_time"),
            })
            .collect())
    }

    async fn create_access_key(
        &self,
        user: &str,
        id: &str,
        secret: &str,
    ) -> StoreResult<AccessKeyRow> {
        let mut w = self.write().await?;
        let exists = sqlx::query("SELECT 1 FROM iam_users WHERE name = $1")
            .bind(user)
            .fetch_optional(&mut *w.tx)
            .await?;
        if exists.is_none() {
            return Err(user_missing(user));
        }
        let created_time = now();
        sqlx::query(
            "INSERT INTO iam_access_keys (id, secret, user_name, created_time) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(secret)
        .bind(user)
        .bind(created_time)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(AccessKeyRow {
            id: id.to_owned(),
            secret: secret.to_owned(),
            user: user.to_owned(),
            created_time,
            revoked_time: None,
        })
    }

    async fn revoke_access_key(&self, id: &str) -> StoreResult<()> {
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE iam_access_keys SET revoked_time = COALESCE(revoked_time, $1) WHERE id = $2",
        )
        .bind(now())
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(
                "access-key",
                id,
                format!("Access key {id} not found"),
            ));
        }
        w.commit().await
    }

    async fn access_keys(&self, user: &str) -> StoreResult<Vec<AccessKeyRow>> {
        let rows = sqlx::query(
            "SELECT id, secret, user_name, created_time, revoked_time FROM iam_access_keys \
             WHERE user_name = $1 ORDER BY created_time, id",
        )
        .bind(user)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(key_row).collect())
    }

    async fn active_access_key(&self, id: &str) -> StoreResult<Option<AccessKeyRow>> {
        let row = sqlx::query(
            "SELECT id, secret, user_name, created_time, revoked_time FROM iam_access_keys \
             WHERE id = $1 AND revoked_time IS NULL",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(key_row))
    }

    async fn put_user_policy(
        &self,
        user: &str,
        name: &str,
        document: &str,
    ) -> StoreResult<PolicyRow> {
        let mut w = self.write().await?;
        let exists = sqlx::query("SELECT 1 FROM iam_users WHERE name = $1")
            .bind(user)
            .fetch_optional(&mut *w.tx)
            .await?;
        if exists.is_none() {
            return Err(user_missing(user));
        }
        let revision = new_revision();
        sqlx::query(
            "INSERT INTO iam_user_policies (user_name, name, document, revision) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_name, name) DO UPDATE SET document = excluded.document, \
             revision = excluded.revision",
        )
        .bind(user)
        .bind(name)
        .bind(document)
        .bind(&revision)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(PolicyRow {
            name: name.to_owned(),
            document: document.to_owned(),
            revision,
        })
    }

    async fn delete_user_policy(&self, user: &str, name: &str) -> StoreResult<()> {
        let mut w = self.write().await?;
        let done = sqlx::query("DELETE FROM iam_user_policies WHERE user_name = $1 AND name = $2")
            .bind(user)
            .bind(name)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(
                "policy",
                name,
                format!("User {user} has no policy named {name}"),
            ));
        }
        w.commit().await
    }

    async fn user_policies(&self, user: &str) -> StoreResult<Vec<PolicyRow>> {
        let rows = sqlx::query(
            "SELECT name, document, revision FROM iam_user_policies WHERE user_name = $1 ORDER BY name",
        )
        .bind(user)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(policy_row).collect())
    }
}

fn key_row(r: &sqlx::any::AnyRow) -> AccessKeyRow {
    AccessKeyRow {
        id: r.get("id"),
        secret: r.get("secret"),
        user: r.get("user_name"),
        created_time: r.get("created_time"),
        revoked_time: r.get("revoked_time"),
    }
}

fn policy_row(r: &sqlx::any::AnyRow) -> PolicyRow {
    PolicyRow {
        name: r.get("name"),
        document: r.get("document"),
        revision: r.get("revision"),
    }
}
