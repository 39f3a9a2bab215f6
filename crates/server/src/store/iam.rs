//! Principals and permissions: IAM users, their access keys and identity policies, and the
//! resource policies of domains and repositories (migration `0003_iam.sql`).
//!
//! Documents are stored as submitted (validated by the caller with `wharf-policy`); every
//! write gives the policy a new random revision, which Put/Delete compare for optimistic
//! locking (`policyRevision`). Secret access keys are stored sealed ([`crate::secrets`]): the
//! store seals them on the way in and opens them only for authentication
//! ([`IamStore::active_access_key`]); listing keys never reads a secret.

mod resource;

use super::{Store, StoreError, StoreResult, now};
use crate::store::{Clash, Missing};
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

/// An access key of a user, without its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessKeyRow {
    /// The access key id (`AKIA…`).
    pub id: String,
    /// The user it belongs to.
    pub user: String,
    /// Creation time.
    pub created_time: f64,
    /// When it was revoked, if it was.
    pub revoked_time: Option<f64>,
}

/// An access key that may authenticate: its user and its secret, opened.
#[derive(Clone, PartialEq, Eq)]
pub struct ActiveKey {
    /// The user it belongs to.
    pub user: String,
    /// The secret access key, in clear (never logged: `Debug` leaves it out).
    pub secret: String,
}

impl std::fmt::Debug for ActiveKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActiveKey")
            .field("user", &self.user)
            .field("secret", &"***")
            .finish()
    }
}

/// What [`Store::seal_plaintext_secrets`] found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretsReport {
    /// Keys whose secret was stored in clear and is now sealed.
    pub sealed_now: Vec<String>,
    /// Keys whose sealed secret this store's key opens.
    pub readable: usize,
    /// Keys whose sealed secret this store's key does not open (sealed under another root
    /// secret, or damaged): they cannot authenticate.
    pub unreadable: Vec<String>,
}

impl SecretsReport {
    /// Logs what was done (one line) and, loudly, every key that cannot authenticate.
    pub fn log(&self) {
        if !self.sealed_now.is_empty() {
            tracing::info!(
                keys = self.sealed_now.len(),
                "sealed the secret access keys stored in clear (encrypted at rest from now on)"
            );
        }
        for id in &self.unreadable {
            tracing::error!(
                access_key_id = %id,
                "the stored secret of this access key does not decrypt with the key derived from \
                 the root secret (was the root key pair changed?): requests signed with it, and \
                 its tokens, fail until it is revoked and replaced"
            );
        }
    }
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
    Missing::User {
        user: name.to_owned(),
    }
    .into()
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

    /// Stores a new key pair for `user`, the secret sealed (`NotFound` if there is no such
    /// user).
    async fn create_access_key(
        &self,
        user: &str,
        id: &str,
        secret: &str,
    ) -> StoreResult<AccessKeyRow>;

    /// Revokes a key (`NotFound` if unknown; revoking twice keeps the first time).
    async fn revoke_access_key(&self, id: &str) -> StoreResult<()>;

    /// The keys of a user (revoked ones included), oldest first, without their secrets.
    async fn access_keys(&self, user: &str) -> StoreResult<Vec<AccessKeyRow>>;

    /// The user and opened secret of the key with this id if it exists and is not revoked (its
    /// user exists, by the foreign key). Authentication calls this on every request by a
    /// non-root key. A secret that does not open is an error naming the key, never a guess.
    async fn active_access_key(&self, id: &str) -> StoreResult<Option<ActiveKey>>;

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
            return Err(Clash::UserExists {
                user: name.to_owned(),
            }
            .into());
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
        .bind(self.sealer.seal(id, secret))
        .bind(user)
        .bind(created_time)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(AccessKeyRow {
            id: id.to_owned(),
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
            return Err(Missing::AccessKey { id: id.to_owned() }.into());
        }
        w.commit().await
    }

    async fn access_keys(&self, user: &str) -> StoreResult<Vec<AccessKeyRow>> {
        let rows = sqlx::query(
            "SELECT id, user_name, created_time, revoked_time FROM iam_access_keys \
             WHERE user_name = $1 ORDER BY created_time, id",
        )
        .bind(user)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(key_row).collect())
    }

    async fn active_access_key(&self, id: &str) -> StoreResult<Option<ActiveKey>> {
        let row = sqlx::query(
            "SELECT secret, user_name FROM iam_access_keys WHERE id = $1 AND revoked_time IS NULL",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let secret = self
            .sealer
            .open(id, row.get("secret"))
            .map_err(|e| StoreError::Backend(e.into()))?;
        Ok(Some(ActiveKey {
            user: row.get("user_name"),
            secret,
        }))
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
            return Err(Missing::UserPolicy {
                user: user.to_owned(),
                policy: name.to_owned(),
            }
            .into());
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

impl Store {
    /// Seals the secrets still stored in clear (from before encryption) and reports the keys
    /// whose sealed secret this store's key does not open. Run at every start, by `wharf serve`
    /// and `wharf admin`; a second run has nothing left to seal. When sealed secrets exist and
    /// none of them opens, the key is not the deployment's (another root secret), so nothing is
    /// sealed with it: the report's `unreadable` says so.
    pub async fn seal_plaintext_secrets(&self) -> StoreResult<SecretsReport> {
        let mut w = self.write().await?;
        let rows = sqlx::query("SELECT id, secret FROM iam_access_keys ORDER BY id")
            .fetch_all(&mut *w.tx)
            .await?;
        let mut report = SecretsReport::default();
        let mut plaintext = Vec::new();
        for row in &rows {
            let (id, stored): (String, String) = (row.get("id"), row.get("secret"));
            if !crate::secrets::Sealer::is_sealed(&stored) {
                plaintext.push((id, stored));
            } else if self.sealer.open(&id, &stored).is_ok() {
                report.readable += 1;
            } else {
                report.unreadable.push(id);
            }
        }
        if report.readable == 0 && !report.unreadable.is_empty() {
            return Ok(report);
        }
        for (id, secret) in plaintext {
            sqlx::query("UPDATE iam_access_keys SET secret = $1 WHERE id = $2")
                .bind(self.sealer.seal(&id, &secret))
                .bind(&id)
                .execute(&mut *w.tx)
                .await?;
            report.sealed_now.push(id);
        }
        w.commit().await?;
        Ok(report)
    }
}

fn key_row(r: &sqlx::any::AnyRow) -> AccessKeyRow {
    AccessKeyRow {
        id: r.get("id"),
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
