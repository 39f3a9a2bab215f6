//! Domains and repositories, with upstream lists kept acyclic.

use super::{Clash, DomainRow, Missing, RepositoryRow, Store, StoreError, StoreResult, now};
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};

/// The most direct upstreams one repository may have.
pub const MAX_UPSTREAMS: usize = 10;

const DOMAIN_SELECT: &str = "SELECT d.id, d.name, d.owner, d.created_time, \
    (SELECT COUNT(*) FROM repositories r WHERE r.domain_id = d.id) AS repository_count, \
    (SELECT CAST(COALESCE(SUM(a.size), 0) AS BIGINT) FROM assets a JOIN package_versions v ON v.id = a.version_id \
       JOIN packages p ON p.id = v.package_id JOIN repositories r ON r.id = p.repository_id \
       WHERE r.domain_id = d.id) AS asset_size_bytes FROM domains d";

fn domain_row(r: &sqlx::any::AnyRow) -> DomainRow {
    DomainRow {
        id: r.get("id"),
        name: r.get("name"),
        owner: r.get("owner"),
        created_time: r.get("created_time"),
        repository_count: r.get("repository_count"),
        asset_size_bytes: r.get("asset_size_bytes"),
    }
}

/// Why a repository's new upstream list is refused (the API words it; see
/// `crate::error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpstreamRefusal {
    /// More than [`MAX_UPSTREAMS`].
    TooMany,
    /// This repository is listed twice.
    Repeated(String),
    /// This repository would be its own upstream.
    Cycle(String),
}

pub(crate) fn domain_missing(name: &str) -> StoreError {
    Missing::Domain {
        domain: name.to_owned(),
    }
    .into()
}

pub(crate) fn repository_missing(domain: &str, name: &str) -> StoreError {
    Missing::Repository {
        domain: domain.to_owned(),
        repository: name.to_owned(),
    }
    .into()
}

async fn upstreams_of(conn: &mut AnyConnection, id: i64) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT r.name FROM upstreams u JOIN repositories r ON r.id = u.upstream_id \
         WHERE u.repository_id = $1 ORDER BY u.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(|r| r.get("name")).collect())
}

/// Domains and repositories, with upstreams and the search order through them.
#[async_trait]
pub trait RepositoryStore: Send + Sync {
    /// Creates a domain.
    async fn create_domain(&self, owner: &str, name: &str) -> StoreResult<DomainRow>;

    /// A domain by owner and name.
    async fn domain(&self, owner: &str, name: &str) -> StoreResult<DomainRow>;

    /// Every domain of an owner, by name.
    async fn domains(&self, owner: &str) -> StoreResult<Vec<DomainRow>>;

    /// Deletes a domain that has no repositories left.
    async fn delete_domain(&self, owner: &str, name: &str) -> StoreResult<DomainRow>;

    /// A repository of a domain, with its upstreams.
    async fn repository(&self, owner: &str, domain: &str, name: &str)
    -> StoreResult<RepositoryRow>;

    /// Every repository, optionally of one domain, whose name starts with `prefix`.
    async fn repositories(
        &self,
        owner: &str,
        domain: Option<&str>,
        prefix: &str,
    ) -> StoreResult<Vec<RepositoryRow>>;

    /// Creates a repository with upstreams (each in the same domain, at most 10).
    async fn create_repository(
        &self,
        owner: &str,
        domain: &str,
        name: &str,
        description: Option<&str>,
        upstreams: &[String],
    ) -> StoreResult<RepositoryRow>;

    /// Changes a repository's description and, when given, its upstreams.
    async fn update_repository(
        &self,
        owner: &str,
        domain: &str,
        name: &str,
        description: Option<&str>,
        upstreams: Option<&[String]>,
    ) -> StoreResult<RepositoryRow>;

    /// Deletes a repository that is no other repository's upstream, with its packages.
    async fn delete_repository(
        &self,
        owner: &str,
        domain: &str,
        name: &str,
    ) -> StoreResult<RepositoryRow>;

    /// The repository and its upstream closure in CodeArtifact's search order: depth first,
    /// upstreams in priority order, each repository once, at most `limit` repositories.
    async fn search_order(
        &self,
        owner: &str,
        domain: &str,
        name: &str,
        limit: usize,
    ) -> StoreResult<Vec<RepositoryRow>>;
}

#[async_trait]
impl RepositoryStore for Store {
    async fn create_domain(&self, owner: &str, name: &str) -> StoreResult<DomainRow> {
        let mut w = self.write().await?;
        let exists = sqlx::query("SELECT 1 FROM domains WHERE owner = $1 AND name = $2")
            .bind(owner)
            .bind(name)
            .fetch_optional(&mut *w.tx)
            .await?;
        if exists.is_some() {
            return Err(Clash::DomainExists {
                domain: name.to_owned(),
            }
            .into());
        }
        sqlx::query("INSERT INTO domains (name, owner, created_time) VALUES ($1, $2, $3)")
            .bind(name)
            .bind(owner)
            .bind(now())
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        self.domain(owner, name).await
    }

    async fn domain(&self, owner: &str, name: &str) -> StoreResult<DomainRow> {
        let row = sqlx::query(&format!(
            "{DOMAIN_SELECT} WHERE d.owner = $1 AND d.name = $2"
        ))
        .bind(owner)
        .bind(name)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref()
            .map(domain_row)
            .ok_or_else(|| domain_missing(name))
    }

    async fn domains(&self, owner: &str) -> StoreResult<Vec<DomainRow>> {
        let rows = sqlx::query(&format!(
            "{DOMAIN_SELECT} WHERE d.owner = $1 ORDER BY d.name"
        ))
        .bind(owner)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(domain_row).collect())
    }

    async fn delete_domain(&self, owner: &str, name: &str) -> StoreResult<DomainRow> {
        // The count is read inside the write transaction: a repository created between a read
        // outside it and the DELETE would turn the conflict into a foreign-key failure.
        let mut w = self.write().await?;
        let domain = sqlx::query(&format!(
            "{DOMAIN_SELECT} WHERE d.owner = $1 AND d.name = $2"
        ))
        .bind(owner)
        .bind(name)
        .fetch_optional(&mut *w.tx)
        .await?
        .as_ref()
        .map(domain_row)
        .ok_or_else(|| domain_missing(name))?;
        if domain.repository_count > 0 {
            return Err(Clash::DomainNotEmpty {
                domain: name.to_owned(),
                repositories: domain.repository_count,
            }
            .into());
        }
        sqlx::query("DELETE FROM domains WHERE id = $1")
            .bind(domain.id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(domain)
    }

    async fn repository(
        &self,
        owner: &str,
        domain: &str,
        name: &str,
    ) -> StoreResult<RepositoryRow> {
        let mut conn = self.pool().acquire().await?;
        repository_in(&mut conn, owner, domain, name).await
    }

    async fn repositories(
        &self,
        owner: &str,
        domain: Option<&str>,
        prefix: &str,
    ) -> StoreResult<Vec<RepositoryRow>> {
        if let Some(d) = domain {
            self.domain(owner, d).await?;
        }
        let mut conn = self.pool().acquire().await?;
        let rows = sqlx::query(
            "SELECT r.id, r.name, r.description, r.created_time, r.external_connection, d.name AS domain, d.owner \
             FROM repositories r JOIN domains d ON d.id = r.domain_id \
             WHERE d.owner = $1 AND ($2 IS NULL OR d.name = $3) AND substr(r.name, 1, length($4)) = $5 \
             ORDER BY d.name, r.name",
        )
        .bind(owner)
        .bind(domain)
        .bind(domain)
        .bind(prefix)
        .bind(prefix)
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.get("id");
            out.push(RepositoryRow {
                id,
                domain: r.get("domain"),
                owner: r.get("owner"),
                name: r.get("name"),
                description: r.get("description"),
                created_time: r.get("created_time"),
                upstreams: upstreams_of(&mut conn, id).await?,
                external_connection: r.get("external_connection"),
            });
        }
        Ok(out)
    }

    async fn create_repository(
        &self,
        owner: &str,
        domain: &str,
        name: &str,
        description: Option<&str>,
        upstreams: &[String],
    ) -> StoreResult<RepositoryRow> {
        let mut w = self.write().await?;
        let d = domain_id_in(&mut w.tx, owner, domain).await?;
        if find_repository(&mut w.tx, d, name).await?.is_some() {
            return Err(Clash::RepositoryExists {
                domain: domain.to_owned(),
                repository: name.to_owned(),
            }
            .into());
        }
        let id: i64 = sqlx::query("INSERT INTO repositories (domain_id, name, description, created_time) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(d)
            .bind(name)
            .bind(description)
            .bind(now())
            .fetch_one(&mut *w.tx)
            .await?
            .get("id");
        set_upstreams(&mut w.tx, d, domain, id, name, upstreams).await?;
        w.commit().await?;
        self.repository(owner, domain, name).await
    }

    async fn update_repository(
        &self,
        owner: &str,
        domain: &str,
        name: &str,
        description: Option<&str>,
        upstreams: Option<&[String]>,
    ) -> StoreResult<RepositoryRow> {
        let mut w = self.write().await?;
        let d = domain_id_in(&mut w.tx, owner, domain).await?;
        let id = find_repository(&mut w.tx, d, name)
            .await?
            .ok_or_else(|| repository_missing(domain, name))?;
        if let Some(desc) = description {
            sqlx::query("UPDATE repositories SET description = $1 WHERE id = $2")
                .bind(desc)
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
        }
        if let Some(ups) = upstreams {
            sqlx::query("DELETE FROM upstreams WHERE repository_id = $1")
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
            set_upstreams(&mut w.tx, d, domain, id, name, ups).await?;
        }
        w.commit().await?;
        self.repository(owner, domain, name).await
    }

    async fn delete_repository(
        &self,
        owner: &str,
        domain: &str,
        name: &str,
    ) -> StoreResult<RepositoryRow> {
        let mut w = self.write().await?;
        let repo = repository_in(&mut w.tx, owner, domain, name).await?;
        let downstream = sqlx::query("SELECT r.name FROM upstreams u JOIN repositories r ON r.id = u.repository_id WHERE u.upstream_id = $1 LIMIT 1")
            .bind(repo.id)
            .fetch_optional(&mut *w.tx)
            .await?;
        if let Some(d) = downstream {
            let d: String = d.get("name");
            return Err(Clash::RepositoryIsUpstream {
                repository: name.to_owned(),
                downstream: d,
            }
            .into());
        }
        sqlx::query("DELETE FROM repositories WHERE id = $1")
            .bind(repo.id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(repo)
    }

    async fn search_order(
        &self,
        owner: &str,
        domain: &str,
        name: &str,
        limit: usize,
    ) -> StoreResult<Vec<RepositoryRow>> {
        let mut conn = self.pool().acquire().await?;
        search_order_in(&mut conn, owner, domain, name, limit).await
    }
}

/// [`Store::search_order`] on an open connection (inside a transaction, for copies).
pub(crate) async fn search_order_in(
    conn: &mut AnyConnection,
    owner: &str,
    domain: &str,
    name: &str,
    limit: usize,
) -> StoreResult<Vec<RepositoryRow>> {
    let mut order: Vec<RepositoryRow> = Vec::new();
    let mut stack = vec![name.to_owned()];
    while let Some(next) = stack.pop() {
        if order.len() >= limit || order.iter().any(|r| r.name == next) {
            continue;
        }
        let repo = repository_in(conn, owner, domain, &next).await?;
        stack.extend(repo.upstreams.iter().rev().cloned());
        order.push(repo);
    }
    Ok(order)
}

/// A domain's id on an open connection (inside the write transaction, so that a concurrent
/// DeleteDomain cannot leave the caller holding the id of a deleted domain).
async fn domain_id_in(conn: &mut AnyConnection, owner: &str, name: &str) -> StoreResult<i64> {
    let row = sqlx::query("SELECT id FROM domains WHERE owner = $1 AND name = $2")
        .bind(owner)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| r.get("id")).ok_or_else(|| domain_missing(name))
}

/// A repository's id within a domain.
pub(crate) async fn find_repository(
    conn: &mut AnyConnection,
    domain_id: i64,
    name: &str,
) -> StoreResult<Option<i64>> {
    let row = sqlx::query("SELECT id FROM repositories WHERE domain_id = $1 AND name = $2")
        .bind(domain_id)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.get("id")))
}

/// A repository by owner, domain and name on an open connection.
pub(crate) async fn repository_in(
    conn: &mut AnyConnection,
    owner: &str,
    domain: &str,
    name: &str,
) -> StoreResult<RepositoryRow> {
    let row = sqlx::query(
        "SELECT r.id, r.name, r.description, r.created_time, r.external_connection FROM repositories r \
         JOIN domains d ON d.id = r.domain_id WHERE d.owner = $1 AND d.name = $2 AND r.name = $3",
    )
    .bind(owner)
    .bind(domain)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else {
        let d = sqlx::query("SELECT 1 FROM domains WHERE owner = $1 AND name = $2")
            .bind(owner)
            .bind(domain)
            .fetch_optional(&mut *conn)
            .await?;
        return Err(if d.is_none() {
            domain_missing(domain)
        } else {
            repository_missing(domain, name)
        });
    };
    let id: i64 = r.get("id");
    Ok(RepositoryRow {
        id,
        domain: domain.to_owned(),
        owner: owner.to_owned(),
        name: r.get("name"),
        description: r.get("description"),
        created_time: r.get("created_time"),
        upstreams: upstreams_of(conn, id).await?,
        external_connection: r.get("external_connection"),
    })
}

async fn set_upstreams(
    conn: &mut AnyConnection,
    domain_id: i64,
    domain: &str,
    id: i64,
    name: &str,
    upstreams: &[String],
) -> StoreResult<()> {
    if upstreams.len() > MAX_UPSTREAMS {
        return Err(StoreError::Upstreams(UpstreamRefusal::TooMany));
    }
    for (position, up) in upstreams.iter().enumerate() {
        if upstreams[..position].contains(up) {
            return Err(StoreError::Upstreams(UpstreamRefusal::Repeated(up.clone())));
        }
        let up_id = find_repository(conn, domain_id, up)
            .await?
            .ok_or_else(|| repository_missing(domain, up))?;
        sqlx::query(
            "INSERT INTO upstreams (repository_id, position, upstream_id) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(up_id)
        .execute(&mut *conn)
        .await?;
    }
    // A cycle exists when the repository is reachable from itself.
    let cycle = sqlx::query(
        "WITH RECURSIVE reach(id) AS (SELECT upstream_id FROM upstreams WHERE repository_id = $1 \
         UNION SELECT u.upstream_id FROM upstreams u JOIN reach ON u.repository_id = reach.id) \
         SELECT 1 FROM reach WHERE id = $1 LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if cycle.is_some() {
        return Err(StoreError::Upstreams(UpstreamRefusal::Cycle(
            name.to_owned(),
        )));
    }
    Ok(())
}
