//! Package groups: their rows, the domain's [`GroupSet`], and the origin gate every write that
//! brings a version into a repository asks (spec `groups-connections-tags.md` §1).

use super::repositories::domain_missing;
use super::{Store, StoreError, StoreResult, now};
use crate::store::{Clash, Missing};
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};
use wharf_core::groups::{
    EffectiveRestrictions, GroupConfig, GroupSet, OriginRestrictionMode, OriginRestrictionType,
    PackageGroupPattern,
};
use wharf_core::names::{PackageCoordinate, PackageFormat};

/// A stored package group (or the root's defaults, when the root has no row yet).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRow {
    /// Contact information.
    pub contact_info: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Creation time (epoch seconds; the domain's for a root without a row).
    pub created_time: f64,
    /// Pattern, modes and allowed lists.
    pub config: GroupConfig,
}

/// Every group of a domain.
#[derive(Debug, Clone)]
pub struct DomainGroups {
    /// The rows, by pattern (the root always among them).
    pub rows: BTreeMap<String, GroupRow>,
    /// The same groups as the core's hierarchy.
    pub set: GroupSet,
}

impl DomainGroups {
    /// The group with this pattern, or `ResourceNotFoundException` naming it.
    pub fn get(&self, pattern: &str) -> StoreResult<&GroupRow> {
        self.rows.get(pattern).ok_or_else(|| group_missing(pattern))
    }
}

/// Changes of UpdatePackageGroupOriginConfiguration, checked.
#[derive(Debug, Clone, Default)]
pub struct OriginChanges {
    /// New modes (partial).
    pub modes: BTreeMap<OriginRestrictionType, OriginRestrictionMode>,
    /// Entries to remove, applied first.
    pub remove: Vec<(OriginRestrictionType, String)>,
    /// Entries to add.
    pub add: Vec<(OriginRestrictionType, String)>,
}

/// A package group that does not exist.
pub fn group_missing(pattern: &str) -> StoreError {
    Missing::PackageGroup {
        pattern: pattern.to_owned(),
    }
    .into()
}

/// Package groups in storage.
#[async_trait]
pub trait PackageGroupStore: Send + Sync {
    /// Every group of the domain (`ResourceNotFoundException` for a missing domain).
    async fn package_groups(&self, owner: &str, domain: &str) -> StoreResult<DomainGroups>;

    /// Creates a group (`ConflictException` when the pattern exists, `/*` included).
    async fn create_package_group(
        &self,
        owner: &str,
        domain: &str,
        pattern: &PackageGroupPattern,
        contact_info: Option<&str>,
        description: Option<&str>,
    ) -> StoreResult<DomainGroups>;

    /// Sets contact information and description (`None` = unchanged, `""` clears).
    async fn update_package_group(
        &self,
        owner: &str,
        domain: &str,
        pattern: &PackageGroupPattern,
        contact_info: Option<&str>,
        description: Option<&str>,
    ) -> StoreResult<DomainGroups>;

    /// Changes modes and allowed lists; listed repositories must exist in the domain.
    async fn update_package_group_origin(
        &self,
        owner: &str,
        domain: &str,
        pattern: &PackageGroupPattern,
        changes: &OriginChanges,
    ) -> StoreResult<DomainGroups>;

    /// Deletes a group (never the root); its children fall to its parent. Returns the group
    /// as it was and the groups after.
    async fn delete_package_group(
        &self,
        owner: &str,
        domain: &str,
        pattern: &PackageGroupPattern,
    ) -> StoreResult<(GroupRow, DomainGroups)>;

    /// Every distinct package stored in the domain, sorted.
    async fn domain_packages(
        &self,
        owner: &str,
        domain: &str,
    ) -> StoreResult<Vec<(PackageFormat, Option<String>, String)>>;

    /// **The origin gate for callers outside the store** (the external-connection fetch): what
    /// the domain's package groups allow for this package. Ask
    /// `.allows(OriginRestrictionType::ExternalUpstream, repository)` or `.refusal(..)`, which
    /// names the group.
    async fn effective_origin_restrictions(
        &self,
        owner: &str,
        domain: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<EffectiveRestrictions>;
}

fn mode_of(s: &str) -> OriginRestrictionMode {
    OriginRestrictionMode::parse(s).unwrap_or(OriginRestrictionMode::Inherit)
}

fn column(ty: OriginRestrictionType) -> &'static str {
    match ty {
        OriginRestrictionType::Publish => "publish",
        OriginRestrictionType::ExternalUpstream => "external_upstream",
        OriginRestrictionType::InternalUpstream => "internal_upstream",
    }
}

async fn domain_row(
    conn: &mut AnyConnection,
    owner: &str,
    domain: &str,
) -> StoreResult<(i64, f64)> {
    let row = sqlx::query("SELECT id, created_time FROM domains WHERE owner = $1 AND name = $2")
        .bind(owner)
        .bind(domain)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| domain_missing(domain))?;
    Ok((row.get("id"), row.get("created_time")))
}

/// Every group of a domain on an open connection (inside a write transaction for the gate).
pub(crate) async fn groups_in(
    conn: &mut AnyConnection,
    owner: &str,
    domain: &str,
) -> StoreResult<(i64, DomainGroups)> {
    let (domain_id, domain_created) = domain_row(conn, owner, domain).await?;
    let rows = sqlx::query(
        "SELECT id, pattern, contact_info, description, created_time, publish, external_upstream, \
         internal_upstream FROM package_groups WHERE domain_id = $1",
    )
    .bind(domain_id)
    .fetch_all(&mut *conn)
    .await?;
    let allowed = sqlx::query(
        "SELECT a.group_id, a.restriction_type, r.name FROM package_group_allowed_repositories a \
         JOIN package_groups g ON g.id = a.group_id JOIN repositories r ON r.id = a.repository_id \
         WHERE g.domain_id = $1",
    )
    .bind(domain_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut lists: BTreeMap<i64, BTreeMap<OriginRestrictionType, BTreeSet<String>>> =
        BTreeMap::new();
    for a in &allowed {
        if let Some(ty) = OriginRestrictionType::parse(&a.get::<String, _>("restriction_type")) {
            lists
                .entry(a.get("group_id"))
                .or_default()
                .entry(ty)
                .or_default()
                .insert(a.get("name"));
        }
    }
    let mut out = BTreeMap::new();
    for r in &rows {
        let text: String = r.get("pattern");
        let Ok(pattern) = PackageGroupPattern::parse(&text) else {
            tracing::error!("stored package group pattern {text:?} no longer parses; ignored");
            continue;
        };
        let id: i64 = r.get("id");
        let modes = OriginRestrictionType::ALL
            .into_iter()
            .map(|t| (t, mode_of(&r.get::<String, _>(column(t)))))
            .collect();
        out.insert(
            text,
            GroupRow {
                contact_info: r.get("contact_info"),
                description: r.get("description"),
                created_time: r.get("created_time"),
                config: GroupConfig {
                    pattern,
                    modes,
                    allowed: lists.remove(&id).unwrap_or_default(),
                },
            },
        );
    }
    let root = PackageGroupPattern::root();
    out.entry(root.as_str().to_owned())
        .or_insert_with(|| GroupRow {
            contact_info: None,
            description: None,
            created_time: domain_created,
            config: GroupConfig::new(root),
        });
    let set = GroupSet::new(out.values().map(|g| g.config.clone()).collect());
    Ok((domain_id, DomainGroups { rows: out, set }))
}

/// The group's row id, inserting the root's row on its first change.
async fn group_id(
    conn: &mut AnyConnection,
    domain_id: i64,
    groups: &DomainGroups,
    pattern: &PackageGroupPattern,
) -> StoreResult<i64> {
    let row = groups.get(pattern.as_str())?;
    let existing =
        sqlx::query("SELECT id FROM package_groups WHERE domain_id = $1 AND pattern = $2")
            .bind(domain_id)
            .bind(pattern.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(r) = existing {
        return Ok(r.get("id"));
    }
    insert_group(conn, domain_id, pattern.as_str(), row).await
}

async fn insert_group(
    conn: &mut AnyConnection,
    domain_id: i64,
    pattern: &str,
    g: &GroupRow,
) -> StoreResult<i64> {
    let m = |t| g.config.mode(t).as_str();
    Ok(sqlx::query(
        "INSERT INTO package_groups (domain_id, pattern, contact_info, description, created_time, \
         publish, external_upstream, internal_upstream) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         RETURNING id",
    )
    .bind(domain_id)
    .bind(pattern)
    .bind(g.contact_info.as_deref().unwrap_or(""))
    .bind(g.description.as_deref().unwrap_or(""))
    .bind(g.created_time)
    .bind(m(OriginRestrictionType::Publish))
    .bind(m(OriginRestrictionType::ExternalUpstream))
    .bind(m(OriginRestrictionType::InternalUpstream))
    .fetch_one(&mut *conn)
    .await?
    .get("id"))
}

/// The refusal (naming the group) when the domain's package groups do not let a new version of
/// `c` enter `repository` by `ty`; `None` when they do.
pub(crate) async fn origin_refusal(
    conn: &mut AnyConnection,
    owner: &str,
    domain: &str,
    repository: &str,
    c: &PackageCoordinate,
    ty: OriginRestrictionType,
) -> StoreResult<Option<String>> {
    let (_, groups) = groups_in(conn, owner, domain).await?;
    let r = restrictions(&groups.set, c);
    Ok(r.refusal(ty, repository, &c.display_name()))
}

fn restrictions(set: &GroupSet, c: &PackageCoordinate) -> EffectiveRestrictions {
    set.restrictions_for(
        c.format,
        c.namespace.as_ref().map(|n| n.as_str()),
        c.name.as_str(),
    )
}

/// A publish refused by a package group: `ConflictException` whose message names the group.
pub(crate) fn refused(c: &PackageCoordinate, message: String) -> StoreError {
    Clash::BlockedByGroup {
        package: c.clone(),
        refusal: message,
    }
    .into()
}

#[async_trait]
impl PackageGroupStore for Store {
    async fn package_groups(&self, owner: &str, domain: &str) -> StoreResult<DomainGroups> {
        let mut conn = self.pool().acquire().await?;
        Ok(groups_in(&mut conn, owner, domain).await?.1)
    }

    async fn create_package_group(
        &self,
        owner: &str,
        domain: &str,
        pattern: &PackageGroupPattern,
        contact_info: Option<&str>,
        description: Option<&str>,
    ) -> StoreResult<DomainGroups> {
        let mut w = self.write().await?;
        let (domain_id, groups) = groups_in(&mut w.tx, owner, domain).await?;
        if groups.rows.contains_key(pattern.as_str()) {
            return Err(Clash::PackageGroupExists {
                pattern: pattern.to_string(),
            }
            .into());
        }
        let row = GroupRow {
            contact_info: contact_info.map(str::to_owned),
            description: description.map(str::to_owned),
            created_time: now(),
            config: GroupConfig::new(pattern.clone()),
        };
        insert_group(&mut w.tx, domain_id, pattern.as_str(), &row).await?;
        let (_, after) = groups_in(&mut w.tx, owner, domain).await?;
        w.commit().await?;
        Ok(after)
    }

    async fn update_package_group(
        &self,
        owner: &str,
        domain: &str,
        pattern: &PackageGroupPattern,
        contact_info: Option<&str>,
        description: Option<&str>,
    ) -> StoreResult<DomainGroups> {
        let mut w = self.write().await?;
        let (domain_id, groups) = groups_in(&mut w.tx, owner, domain).await?;
        let id = group_id(&mut w.tx, domain_id, &groups, pattern).await?;
        for (col, value) in [("contact_info", contact_info), ("description", description)] {
            if let Some(v) = value {
                sqlx::query(&format!(
                    "UPDATE package_groups SET {col} = $1 WHERE id = $2"
                ))
                .bind(v)
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
            }
        }
        let (_, after) = groups_in(&mut w.tx, owner, domain).await?;
        w.commit().await?;
        Ok(after)
    }

    async fn update_package_group_origin(
        &self,
        owner: &str,
        domain: &str,
        pattern: &PackageGroupPattern,
        changes: &OriginChanges,
    ) -> StoreResult<DomainGroups> {
        let mut w = self.write().await?;
        let (domain_id, groups) = groups_in(&mut w.tx, owner, domain).await?;
        groups.get(pattern.as_str())?;
        let mut repo_ids = BTreeMap::new();
        for (_, name) in changes.remove.iter().chain(&changes.add) {
            if repo_ids.contains_key(name) {
                continue;
            }
            let r = sqlx::query("SELECT id FROM repositories WHERE domain_id = $1 AND name = $2")
                .bind(domain_id)
                .bind(name)
                .fetch_optional(&mut *w.tx)
                .await?
                .ok_or_else(|| super::repositories::repository_missing(domain, name))?;
            repo_ids.insert(name.clone(), r.get::<i64, _>("id"));
        }
        let id = group_id(&mut w.tx, domain_id, &groups, pattern).await?;
        for (ty, mode) in &changes.modes {
            sqlx::query(&format!(
                "UPDATE package_groups SET {} = $1 WHERE id = $2",
                column(*ty)
            ))
            .bind(mode.as_str())
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        }
        for (ty, name) in &changes.remove {
            sqlx::query(
                "DELETE FROM package_group_allowed_repositories WHERE group_id = $1 \
                 AND restriction_type = $2 AND repository_id = $3",
            )
            .bind(id)
            .bind(ty.as_str())
            .bind(repo_ids[name])
            .execute(&mut *w.tx)
            .await?;
        }
        for (ty, name) in &changes.add {
            sqlx::query(
                "INSERT INTO package_group_allowed_repositories (group_id, restriction_type, \
                 repository_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(ty.as_str())
            .bind(repo_ids[name])
            .execute(&mut *w.tx)
            .await?;
        }
        let (_, after) = groups_in(&mut w.tx, owner, domain).await?;
        w.commit().await?;
        Ok(after)
    }

    async fn delete_package_group(
        &self,
        owner: &str,
        domain: &str,
        pattern: &PackageGroupPattern,
    ) -> StoreResult<(GroupRow, DomainGroups)> {
        let mut w = self.write().await?;
        let (domain_id, groups) = groups_in(&mut w.tx, owner, domain).await?;
        let row = groups.get(pattern.as_str())?.clone();
        sqlx::query("DELETE FROM package_groups WHERE domain_id = $1 AND pattern = $2")
            .bind(domain_id)
            .bind(pattern.as_str())
            .execute(&mut *w.tx)
            .await?;
        let (_, after) = groups_in(&mut w.tx, owner, domain).await?;
        w.commit().await?;
        Ok((row, after))
    }

    async fn domain_packages(
        &self,
        owner: &str,
        domain: &str,
    ) -> StoreResult<Vec<(PackageFormat, Option<String>, String)>> {
        let mut conn = self.pool().acquire().await?;
        let (domain_id, _) = domain_row(&mut conn, owner, domain).await?;
        let rows = sqlx::query(
            "SELECT DISTINCT p.format, p.namespace, p.name FROM packages p \
             JOIN repositories r ON r.id = p.repository_id WHERE r.domain_id = $1 \
             ORDER BY p.format, p.namespace, p.name",
        )
        .bind(domain_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let format =
                    PackageFormat::parse_as(&r.get::<String, _>("format"), "format").ok()?;
                let ns: String = r.get("namespace");
                Some((format, (!ns.is_empty()).then_some(ns), r.get("name")))
            })
            .collect())
    }

    async fn effective_origin_restrictions(
        &self,
        owner: &str,
        domain: &str,
        c: &PackageCoordinate,
    ) -> StoreResult<EffectiveRestrictions> {
        let groups = self.package_groups(owner, domain).await?;
        Ok(restrictions(&groups.set, c))
    }
}
