//! The resource policies of domains and repositories (Put/Get/Delete{Domain,Repository}
//! PermissionsPolicy), with revisions for optimistic locking.

use super::{PolicyRow, new_revision, policy_row};
use crate::store::{Clash, Missing, PolicyHolder};
use crate::store::{Store, StoreError, StoreResult};
use async_trait::async_trait;

/// Which resource a resource policy is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyTarget<'a> {
    /// A domain.
    Domain,
    /// A repository of the domain.
    Repository(&'a str),
}

impl PolicyTarget<'_> {
    /// Which kind of resource holds the policy.
    pub fn kind(self) -> PolicyHolder {
        match self {
            PolicyTarget::Domain => PolicyHolder::Domain,
            PolicyTarget::Repository(_) => PolicyHolder::Repository,
        }
    }
}

fn policy_missing(holder: PolicyHolder, name: &str) -> StoreError {
    Missing::ResourcePolicy {
        holder,
        name: name.to_owned(),
    }
    .into()
}

fn revision_mismatch(holder: PolicyHolder, name: &str, given: &str) -> StoreError {
    Clash::PolicyRevision {
        holder,
        name: name.to_owned(),
        given: given.to_owned(),
    }
    .into()
}

/// Domain and repository permission policies.
#[async_trait]
pub trait ResourcePolicyStore: Send + Sync {
    /// The resource policy of a domain or repository, if it has one (`NotFound` when the
    /// domain or repository does not exist).
    async fn resource_policy(
        &self,
        owner: &str,
        domain: &str,
        target: PolicyTarget<'_>,
    ) -> StoreResult<Option<PolicyRow>>;

    /// Sets the resource policy; with `expected_revision`, only if the current policy has that
    /// revision (`Conflict` otherwise, also when there is no policy yet).
    async fn put_resource_policy(
        &self,
        owner: &str,
        domain: &str,
        target: PolicyTarget<'_>,
        document: &str,
        expected_revision: Option<&str>,
    ) -> StoreResult<PolicyRow>;

    /// Removes the resource policy and returns it (`NotFound` when there is none, `Conflict`
    /// when `expected_revision` is not its revision).
    async fn delete_resource_policy(
        &self,
        owner: &str,
        domain: &str,
        target: PolicyTarget<'_>,
        expected_revision: Option<&str>,
    ) -> StoreResult<PolicyRow>;
}

#[async_trait]
impl ResourcePolicyStore for Store {
    async fn resource_policy(
        &self,
        owner: &str,
        domain: &str,
        target: PolicyTarget<'_>,
    ) -> StoreResult<Option<PolicyRow>> {
        let mut conn = self.pool().acquire().await?;
        let (table, id, name) = resolve(&mut conn, owner, domain, target).await?;
        let row = sqlx::query(&format!(
            "SELECT $1 AS name, document, revision FROM {table} WHERE {} = $2",
            key_column(table)
        ))
        .bind(name)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(row.as_ref().map(policy_row))
    }

    async fn put_resource_policy(
        &self,
        owner: &str,
        domain: &str,
        target: PolicyTarget<'_>,
        document: &str,
        expected_revision: Option<&str>,
    ) -> StoreResult<PolicyRow> {
        let mut w = self.write().await?;
        let (table, id, name) = resolve(&mut w.tx, owner, domain, target).await?;
        let current: Option<String> = sqlx::query_scalar(&format!(
            "SELECT revision FROM {table} WHERE {} = $1",
            key_column(table)
        ))
        .bind(id)
        .fetch_optional(&mut *w.tx)
        .await?;
        if let Some(given) = expected_revision
            && current.as_deref() != Some(given)
        {
            return Err(revision_mismatch(target.kind(), &name, given));
        }
        let revision = new_revision();
        sqlx::query(&format!(
            "INSERT INTO {table} ({col}, document, revision) VALUES ($1, $2, $3) \
             ON CONFLICT ({col}) DO UPDATE SET document = excluded.document, \
             revision = excluded.revision",
            col = key_column(table)
        ))
        .bind(id)
        .bind(document)
        .bind(&revision)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(PolicyRow {
            name,
            document: document.to_owned(),
            revision,
        })
    }

    async fn delete_resource_policy(
        &self,
        owner: &str,
        domain: &str,
        target: PolicyTarget<'_>,
        expected_revision: Option<&str>,
    ) -> StoreResult<PolicyRow> {
        let mut w = self.write().await?;
        let (table, id, name) = resolve(&mut w.tx, owner, domain, target).await?;
        let row = sqlx::query(&format!(
            "SELECT $1 AS name, document, revision FROM {table} WHERE {} = $2",
            key_column(table)
        ))
        .bind(&name)
        .bind(id)
        .fetch_optional(&mut *w.tx)
        .await?;
        let Some(policy) = row.as_ref().map(policy_row) else {
            return Err(policy_missing(target.kind(), &name));
        };
        if let Some(given) = expected_revision
            && given != policy.revision
        {
            return Err(revision_mismatch(target.kind(), &name, given));
        }
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE {} = $1",
            key_column(table)
        ))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(policy)
    }
}

fn key_column(table: &str) -> &'static str {
    if table == "domain_policies" {
        "domain_id"
    } else {
        "repository_id"
    }
}

/// The policy table, the row id of the domain or repository, and its name.
async fn resolve(
    conn: &mut sqlx::AnyConnection,
    owner: &str,
    domain: &str,
    target: PolicyTarget<'_>,
) -> StoreResult<(&'static str, i64, String)> {
    let d: Option<i64> =
        sqlx::query_scalar("SELECT id FROM domains WHERE owner = $1 AND name = $2")
            .bind(owner)
            .bind(domain)
            .fetch_optional(&mut *conn)
            .await?;
    let d = d.ok_or_else(|| crate::store::repositories::domain_missing(domain))?;
    match target {
        PolicyTarget::Domain => Ok(("domain_policies", d, domain.to_owned())),
        PolicyTarget::Repository(repo) => {
            let r: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM repositories WHERE domain_id = $1 AND name = $2",
            )
            .bind(d)
            .bind(repo)
            .fetch_optional(&mut *conn)
            .await?;
            let r =
                r.ok_or_else(|| crate::store::repositories::repository_missing(domain, repo))?;
            Ok(("repository_policies", r, repo.to_owned()))
        }
    }
}
