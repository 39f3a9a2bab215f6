//! npm writes, each in one write transaction: publish, retaining a version fetched through an
//! upstream, dist-tags, deprecation and unpublish.

use super::super::WriteScope;
use super::super::events;
use super::super::packages::{ensure_package, find_package, package_missing};
use super::super::repositories::repository_in;
use super::super::retain::retain_version;
use super::super::{AssetRow, Store, StoreError, StoreResult, now};
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;
use wharf_core::groups::OriginRestrictionType;
use wharf_core::names::PackageCoordinate;
use wharf_core::revision::VersionMetadata;

/// A checked `npm publish`, ready to store (the tarball's bytes are already in the object
/// store).
#[derive(Debug, Clone)]
pub struct NpmPublishRow {
    /// The version.
    pub version: String,
    /// Its revision.
    pub revision: String,
    /// Its version metadata (summary, home page, licenses, source repository, attributes).
    pub metadata: VersionMetadata,
    /// The `package.tgz` asset.
    pub tarball: AssetRow,
    /// The manifest as published, without `dist` (JSON text).
    pub manifest: String,
    /// The dist-tags to point at the version.
    pub dist_tags: BTreeMap<String, String>,
}

/// What a publish did, or why it did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NpmPublishOutcome {
    /// Stored as a new version.
    Created,
    /// The same content was already stored: only the dist-tags were applied.
    Identical,
    /// The version exists with other content (its revision).
    Exists(String),
    /// The package's origin controls block publishing to this repository.
    PublishBlocked,
    /// A package group blocks publishing to this repository (the message names it).
    GroupBlocked(String),
}

/// [`decide`], then, for a new version, the package groups' PUBLISH restriction.
async fn decide_with_groups(
    conn: &mut AnyConnection,
    (owner, domain): (&str, &str),
    repo: &super::super::RepositoryRow,
    c: &PackageCoordinate,
    version: &str,
    revision: &str,
) -> StoreResult<Option<NpmPublishOutcome>> {
    let outcome = decide(conn, repo.id, c, version, revision).await?;
    if outcome.is_some() {
        return Ok(outcome);
    }
    let refusal = super::super::groups::origin_refusal(
        conn,
        owner,
        domain,
        &repo.name,
        c,
        OriginRestrictionType::Publish,
    )
    .await?;
    Ok(refusal.map(NpmPublishOutcome::GroupBlocked))
}

/// What publishing `version` with `revision` to a repository would meet; `None` = a new version.
async fn decide(
    conn: &mut AnyConnection,
    repository_id: i64,
    c: &PackageCoordinate,
    version: &str,
    revision: &str,
) -> StoreResult<Option<NpmPublishOutcome>> {
    let Some(pkg) = find_package(conn, repository_id, c).await? else {
        return Ok(None);
    };
    let existing =
        sqlx::query("SELECT revision FROM package_versions WHERE package_id = $1 AND version = $2")
            .bind(pkg.id)
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match existing.map(|r| r.get::<String, _>("revision")) {
        Some(r) if r == revision => Some(NpmPublishOutcome::Identical),
        Some(r) => Some(NpmPublishOutcome::Exists(r)),
        None if pkg.origin_publish == "BLOCK" => Some(NpmPublishOutcome::PublishBlocked),
        None => None,
    })
}

/// Inserts a Published npm version of the package with its tarball asset and manifest: origin
/// `INTERNAL` for a publish (entry point the repository) or `EXTERNAL` for a version fetched
/// through an external connection (entry point the connection's name). Returns its row id.
pub(crate) async fn insert_npm_version(
    conn: &mut AnyConnection,
    package_id: i64,
    p: &NpmPublishRow,
    origin_type: &str,
    entry_repository: &str,
) -> StoreResult<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO package_versions (package_id, version, revision, status, origin_type, \
         entry_repository, published_time, metadata) \
         VALUES ($1, $2, $3, 'Published', $4, $5, $6, $7) RETURNING id",
    )
    .bind(package_id)
    .bind(&p.version)
    .bind(&p.revision)
    .bind(origin_type)
    .bind(entry_repository)
    .bind(now())
    .bind(serde_json::to_string(&p.metadata).map_err(backend)?)
    .fetch_one(&mut *conn)
    .await?
    .get("id");
    let a = &p.tarball;
    sqlx::query(
        "INSERT INTO assets (version_id, name, size, md5, sha1, sha256, sha512) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(&a.name)
    .bind(a.size)
    .bind(&a.md5)
    .bind(&a.sha1)
    .bind(&a.sha256)
    .bind(&a.sha512)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO npm_manifests (sha256, manifest) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(&a.sha256)
    .bind(&p.manifest)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Sets npm dist-tag `tag` of the package to `version`.
pub(crate) async fn upsert_tag(
    conn: &mut AnyConnection,
    package_id: i64,
    tag: &str,
    version: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO dist_tags (package_id, tag, version) VALUES ($1, $2, $3) \
         ON CONFLICT (package_id, tag) DO UPDATE SET version = excluded.version",
    )
    .bind(package_id)
    .bind(tag)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn version_id(
    conn: &mut AnyConnection,
    package_id: i64,
    version: &str,
) -> StoreResult<Option<i64>> {
    let row = sqlx::query("SELECT id FROM package_versions WHERE package_id = $1 AND version = $2")
        .bind(package_id)
        .bind(version)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.get("id")))
}

fn backend(e: impl Into<anyhow::Error>) -> StoreError {
    StoreError::Backend(e.into())
}

/// What the npm registry endpoints write.
#[async_trait]
pub trait NpmWriteStore: Send + Sync {
    /// What publishing would meet, without writing (so refused input stores nothing, not even
    /// bytes): `None` = a new version.
    async fn npm_publish_check(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        version: &str,
        revision: &str,
    ) -> StoreResult<Option<NpmPublishOutcome>>;

    /// Publishes an npm version: the version (Published, origin INTERNAL, entering the domain
    /// here), its `package.tgz`, its manifest and its dist-tags. An identical version only gets
    /// its dist-tags; a version with other content, or a package blocking publishes, is left
    /// alone.
    async fn npm_publish(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        p: &NpmPublishRow,
    ) -> StoreResult<NpmPublishOutcome>;

    /// Retains in `into` a version that a read found in the upstream repository `from`: the
    /// same revision, status, origin (entry point and origin type, which a version keeps for
    /// life), publish time, metadata, assets (by reference) and deprecation. Returns whether
    /// anything was written (false when `into` already has the version).
    async fn npm_retain(
        &self,
        owner: &str,
        domain: &str,
        into: &str,
        from: &str,
        c: &PackageCoordinate,
        version: &str,
    ) -> StoreResult<bool>;

    /// `npm dist-tag add`: points `tag` at `version` in this repository (creating the package
    /// record when the package so far lives only upstream).
    async fn npm_set_dist_tag(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        tag: &str,
        version: &str,
    ) -> StoreResult<()>;

    /// `npm dist-tag rm`: removes `tag` from this repository's package (no error when absent).
    async fn npm_remove_dist_tag(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        tag: &str,
    ) -> StoreResult<()>;

    /// `npm deprecate`: sets (`Some`) or clears (`None`) versions' deprecation messages. The
    /// revision is unchanged: deprecation is registry state, not version content.
    async fn npm_set_deprecations(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        changes: &[(String, Option<String>)],
    ) -> StoreResult<()>;

    /// `npm unpublish pkg@version`: deletes the versions from this repository with the tags
    /// that pointed at them, then re-points those of the removed tags that `tags` (what the
    /// client sent back, e.g. `latest` moved to the highest remaining version) names with a
    /// target this repository still holds.
    async fn npm_unpublish(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        versions: &[String],
        tags: &BTreeMap<String, String>,
    ) -> StoreResult<()>;
}

#[async_trait]
impl NpmWriteStore for Store {
    async fn npm_publish_check(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        version: &str,
        revision: &str,
    ) -> StoreResult<Option<NpmPublishOutcome>> {
        let mut conn = self.pool().acquire().await?;
        let repo = repository_in(&mut conn, owner, domain, repository).await?;
        decide_with_groups(&mut conn, (owner, domain), &repo, c, version, revision).await
    }

    async fn npm_publish(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        p: &NpmPublishRow,
    ) -> StoreResult<NpmPublishOutcome> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        let outcome = decide_with_groups(
            &mut w.tx,
            (owner, domain),
            &repo,
            c,
            &p.version,
            &p.revision,
        )
        .await?;
        if matches!(
            outcome,
            Some(
                NpmPublishOutcome::Exists(_)
                    | NpmPublishOutcome::PublishBlocked
                    | NpmPublishOutcome::GroupBlocked(_)
            )
        ) {
            return Ok(outcome.expect("matched"));
        }
        let package_id = ensure_package(&mut w.tx, repo.id, c, "ALLOW", "ALLOW").await?;
        if outcome.is_none() {
            insert_npm_version(&mut w.tx, package_id, p, "INTERNAL", &repo.name).await?;
            events::note(&mut w, repo.id, c, &p.version, events::Change::Created);
        }
        for (tag, version) in &p.dist_tags {
            upsert_tag(&mut w.tx, package_id, tag, version).await?;
        }
        w.commit().await?;
        Ok(outcome.unwrap_or(NpmPublishOutcome::Created))
    }

    async fn npm_retain(
        &self,
        owner: &str,
        domain: &str,
        into: &str,
        from: &str,
        c: &PackageCoordinate,
        version: &str,
    ) -> StoreResult<bool> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let Some(retained) =
            retain_version(&mut w, (owner, domain), into, from, c, version).await?
        else {
            return Ok(false);
        };
        if !retained.created {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO npm_deprecations (version_id, message) \
             SELECT $1, message FROM npm_deprecations WHERE version_id = $2",
        )
        .bind(retained.version_id)
        .bind(retained.upstream_version_id)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(true)
    }

    async fn npm_set_dist_tag(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        tag: &str,
        version: &str,
    ) -> StoreResult<()> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        let package_id = ensure_package(&mut w.tx, repo.id, c, "ALLOW", "ALLOW").await?;
        upsert_tag(&mut w.tx, package_id, tag, version).await?;
        w.commit().await
    }

    async fn npm_remove_dist_tag(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        tag: &str,
    ) -> StoreResult<()> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        if let Some(pkg) = find_package(&mut w.tx, repo.id, c).await? {
            sqlx::query("DELETE FROM dist_tags WHERE package_id = $1 AND tag = $2")
                .bind(pkg.id)
                .bind(tag)
                .execute(&mut *w.tx)
                .await?;
        }
        w.commit().await
    }

    async fn npm_set_deprecations(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        changes: &[(String, Option<String>)],
    ) -> StoreResult<()> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        let pkg = find_package(&mut w.tx, repo.id, c)
            .await?
            .ok_or_else(|| package_missing(repository, c))?;
        for (version, message) in changes {
            let Some(id) = version_id(&mut w.tx, pkg.id, version).await? else {
                continue;
            };
            match message {
                Some(m) => {
                    sqlx::query(
                        "INSERT INTO npm_deprecations (version_id, message) VALUES ($1, $2) \
                         ON CONFLICT (version_id) DO UPDATE SET message = excluded.message",
                    )
                    .bind(id)
                    .bind(m)
                    .execute(&mut *w.tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM npm_deprecations WHERE version_id = $1")
                        .bind(id)
                        .execute(&mut *w.tx)
                        .await?;
                }
            }
        }
        w.commit().await
    }

    async fn npm_unpublish(
        &self,
        owner: &str,
        domain: &str,
        repository: &str,
        c: &PackageCoordinate,
        versions: &[String],
        tags: &BTreeMap<String, String>,
    ) -> StoreResult<()> {
        let mut w = self
            .write_scoped(WriteScope::package(owner, domain, c))
            .await?;
        let repo = repository_in(&mut w.tx, owner, domain, repository).await?;
        let pkg = find_package(&mut w.tx, repo.id, c)
            .await?
            .ok_or_else(|| package_missing(repository, c))?;
        let mut moved = Vec::new();
        for v in versions {
            let pointing =
                sqlx::query("SELECT tag FROM dist_tags WHERE package_id = $1 AND version = $2")
                    .bind(pkg.id)
                    .bind(v)
                    .fetch_all(&mut *w.tx)
                    .await?;
            moved.extend(pointing.iter().map(|r| r.get::<String, _>("tag")));
            events::note_removed(&mut w, repo.id, c, v, events::Change::Deleted).await?;
            sqlx::query("DELETE FROM package_versions WHERE package_id = $1 AND version = $2")
                .bind(pkg.id)
                .bind(v)
                .execute(&mut *w.tx)
                .await?;
            sqlx::query("DELETE FROM dist_tags WHERE package_id = $1 AND version = $2")
                .bind(pkg.id)
                .bind(v)
                .execute(&mut *w.tx)
                .await?;
        }
        for (tag, v) in tags.iter().filter(|(t, _)| moved.contains(t)) {
            if version_id(&mut w.tx, pkg.id, v).await?.is_some() {
                upsert_tag(&mut w.tx, pkg.id, tag, v).await?;
            }
        }
        w.commit().await
    }
}
