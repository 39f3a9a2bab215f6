//! The ten package-group operations (spec `groups-connections-tags.md` §1): thin handlers over
//! `store::groups` and the core's `groups` hierarchy.

mod ops;

pub use ops::{
    CreatePackageGroup, DeletePackageGroup, GetAssociatedPackageGroup, GroupRef,
    ListAllowedRepositoriesForGroup, ListAssociatedPackages, ListPackageGroups,
    ListSubPackageGroups, UpdatePackageGroup, UpdatePackageGroupOriginConfiguration,
};

use crate::error::ApiError;
use crate::params::{self, DomainRef, Paging};
use crate::state::AppState;
use crate::store::groups::{DomainGroups, GroupRow};
use axum::Json;
use std::collections::BTreeMap;
use wharf_core::api::{
    self, AllowedRepositoryUpdateType, PackageGroupDescription, PackageGroupOriginConfiguration,
    PackageGroupOriginRestriction, PackageGroupReference,
};
use wharf_core::groups::{GroupSet, OriginRestrictionType};

/// Most allowed-repository entries one UpdatePackageGroupOriginConfiguration may change.
pub const MAX_LIST_CHANGES: usize = 100;

fn reference(state: &AppState, d: &DomainRef, pattern: &str) -> PackageGroupReference {
    PackageGroupReference {
        arn: Some(group_arn(state, d, pattern)),
        pattern: Some(pattern.to_owned()),
    }
}

/// The group's ARN, as IAM policies name it.
pub fn group_arn(state: &AppState, d: &DomainRef, pattern: &str) -> String {
    wharf_policy::arn::package_group_arn(&state.config.region, &d.owner, d.name.as_str(), pattern)
}

/// The key of the group's tags: its ARN in the canonical form TagResource stores under.
fn tag_key(state: &AppState, d: &DomainRef, pattern: &str) -> Result<String, ApiError> {
    let arn = group_arn(state, d, pattern);
    wharf_policy::ResourceArn::parse(&arn)
        .map(|a| a.to_string())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("the group's own ARN {arn}: {e}")))
}

/// The wire description of `row` within `groups`.
pub(crate) fn describe(
    state: &AppState,
    d: &DomainRef,
    set: &GroupSet,
    row: &GroupRow,
) -> PackageGroupDescription {
    let pattern = row.config.pattern.as_str();
    let restrictions = OriginRestrictionType::ALL
        .into_iter()
        .map(|t| {
            let eff = set.effective(&row.config, t);
            let own = row.config.allowed.get(&t).map_or(0, |l| l.len());
            (
                t,
                PackageGroupOriginRestriction {
                    mode: Some(row.config.mode(t)),
                    effective_mode: Some(eff.mode),
                    inherited_from: eff.inherited_from.map(|p| reference(state, d, &p)),
                    repositories_count: Some(own as i64),
                },
            )
        })
        .collect();
    PackageGroupDescription {
        arn: Some(group_arn(state, d, pattern)),
        pattern: Some(pattern.to_owned()),
        domain_name: Some(d.name.to_string()),
        domain_owner: Some(d.owner.clone()),
        created_time: Some(row.created_time),
        contact_info: row.contact_info.clone().filter(|s| !s.is_empty()),
        description: row.description.clone().filter(|s| !s.is_empty()),
        origin_configuration: Some(PackageGroupOriginConfiguration {
            restrictions: Some(restrictions),
        }),
        parent: set
            .parent(&row.config.pattern)
            .map(|p| reference(state, d, p.pattern.as_str())),
    }
}

fn described(
    state: &AppState,
    d: &DomainRef,
    groups: &DomainGroups,
    pattern: &str,
) -> Result<PackageGroupDescription, ApiError> {
    Ok(describe(state, d, &groups.set, groups.get(pattern)?))
}

/// A page of `items` after the token's key, and the next token.
fn page<T>(paging: &Paging, items: Vec<(String, T)>) -> (Vec<T>, Option<String>) {
    let mut rest: Vec<(String, T)> = items
        .into_iter()
        .filter(|(k, _)| paging.after.as_ref().is_none_or(|a| k > a))
        .collect();
    let next = (rest.len() > paging.limit).then(|| {
        rest.truncate(paging.limit);
        params::encode_token(&rest.last().expect("a full page").0)
    });
    (rest.into_iter().map(|(_, v)| v).collect(), next)
}

/// The domain's groups.
async fn groups_in(state: &AppState, d: &DomainRef) -> Result<DomainGroups, ApiError> {
    Ok(state
        .store
        .package_groups(&d.owner, d.name.as_str())
        .await?)
}

/// `POST /v1/package-group`.
pub async fn create_package_group(
    state: AppState,
    CreatePackageGroup(w): CreatePackageGroup,
) -> Result<Json<api::CreatePackageGroupResult>, ApiError> {
    let (d, p) = (&w.group.domain, &w.group.pattern);
    let groups = state
        .store
        .create_package_group(
            &d.owner,
            d.name.as_str(),
            p,
            w.contact.as_deref(),
            w.description.as_deref(),
        )
        .await?;
    // Always written, so a group re-created under an old pattern starts without old tags.
    state
        .store
        .replace_tags(&tag_key(&state, d, p.as_str())?, &w.tags)
        .await?;
    Ok(Json(api::PackageGroupResult {
        package_group: Some(described(&state, d, &groups, p.as_str())?),
    }))
}

/// `GET /v1/package-group`.
pub async fn describe_package_group(
    state: AppState,
    GroupRef { domain: d, pattern }: GroupRef,
) -> Result<Json<api::DescribePackageGroupResult>, ApiError> {
    let groups = groups_in(&state, &d).await?;
    Ok(Json(api::PackageGroupResult {
        package_group: Some(described(&state, &d, &groups, pattern.as_str())?),
    }))
}

/// `PUT /v1/package-group`.
pub async fn update_package_group(
    state: AppState,
    UpdatePackageGroup(w): UpdatePackageGroup,
) -> Result<Json<api::UpdatePackageGroupResult>, ApiError> {
    let (d, p) = (&w.group.domain, &w.group.pattern);
    let groups = state
        .store
        .update_package_group(
            &d.owner,
            d.name.as_str(),
            p,
            w.contact.as_deref(),
            w.description.as_deref(),
        )
        .await?;
    Ok(Json(api::PackageGroupResult {
        package_group: Some(described(&state, d, &groups, p.as_str())?),
    }))
}

/// `DELETE /v1/package-group`.
pub async fn delete_package_group(
    state: AppState,
    DeletePackageGroup(GroupRef {
        domain: d,
        pattern: p,
    }): DeletePackageGroup,
) -> Result<Json<api::DeletePackageGroupResult>, ApiError> {
    let before = groups_in(&state, &d).await?;
    let described = described(&state, &d, &before, p.as_str())?;
    state
        .store
        .delete_package_group(&d.owner, d.name.as_str(), &p)
        .await?;
    state
        .store
        .replace_tags(&tag_key(&state, &d, p.as_str())?, &[])
        .await?;
    Ok(Json(api::PackageGroupResult {
        package_group: Some(described),
    }))
}

/// `PUT /v1/package-group-origin-configuration`.
pub async fn update_package_group_origin_configuration(
    state: AppState,
    op: UpdatePackageGroupOriginConfiguration,
) -> Result<Json<api::UpdatePackageGroupOriginConfigurationResult>, ApiError> {
    let (d, p, changes) = (&op.group.domain, &op.group.pattern, &op.changes);
    let groups = state
        .store
        .update_package_group_origin(&d.owner, d.name.as_str(), p, changes)
        .await?;
    let mut updates: BTreeMap<
        OriginRestrictionType,
        BTreeMap<AllowedRepositoryUpdateType, Vec<String>>,
    > = BTreeMap::new();
    for (kind, list) in [
        (AllowedRepositoryUpdateType::Removed, &changes.remove),
        (AllowedRepositoryUpdateType::Added, &changes.add),
    ] {
        for (t, r) in list {
            updates
                .entry(*t)
                .or_default()
                .entry(kind)
                .or_default()
                .push(r.clone());
        }
    }
    Ok(Json(api::UpdatePackageGroupOriginConfigurationResult {
        package_group: Some(described(&state, d, &groups, p.as_str())?),
        allowed_repository_updates: Some(updates),
    }))
}

/// `POST /v1/package-groups`.
pub async fn list_package_groups(
    state: AppState,
    op: ListPackageGroups,
) -> Result<Json<api::ListPackageGroupsResult>, ApiError> {
    let d = &op.domain;
    let groups = groups_in(&state, d).await?;
    let items = groups
        .rows
        .iter()
        .filter(|(p, _)| p.starts_with(&op.prefix))
        .map(|(p, row)| (p.clone(), describe(&state, d, &groups.set, row)))
        .collect();
    let (list, next_token) = page(&op.paging, items);
    Ok(Json(api::PackageGroupsPage {
        package_groups: Some(list),
        next_token,
    }))
}

/// `POST /v1/package-groups/sub-groups`: direct children only.
pub async fn list_sub_package_groups(
    state: AppState,
    op: ListSubPackageGroups,
) -> Result<Json<api::ListSubPackageGroupsResult>, ApiError> {
    let (d, p) = (&op.group.domain, &op.group.pattern);
    let groups = groups_in(&state, d).await?;
    groups.get(p.as_str())?;
    let items = groups
        .set
        .children(p)
        .into_iter()
        .map(|g| {
            let row = &groups.rows[g.pattern.as_str()];
            (
                g.pattern.as_str().to_owned(),
                describe(&state, d, &groups.set, row),
            )
        })
        .collect();
    let (list, next_token) = page(&op.paging, items);
    Ok(Json(api::PackageGroupsPage {
        package_groups: Some(list),
        next_token,
    }))
}

/// `GET /v1/get-associated-package-group`: needs no stored package (the root always matches).
pub async fn get_associated_package_group(
    state: AppState,
    GetAssociatedPackageGroup { domain: d, package }: GetAssociatedPackageGroup,
) -> Result<Json<api::GetAssociatedPackageGroupResult>, ApiError> {
    let groups = groups_in(&state, &d).await?;
    let (group, association) = groups.set.associated(
        package.format,
        package.namespace.as_ref().map(|n| n.as_str()),
        package.name.as_str(),
    );
    Ok(Json(api::GetAssociatedPackageGroupResult {
        package_group: Some(described(&state, &d, &groups, group.pattern.as_str())?),
        association_type: Some(association),
    }))
}

/// `GET /v1/package-group-allowed-repositories`: the group's own list, sorted.
pub async fn list_allowed_repositories_for_group(
    state: AppState,
    op: ListAllowedRepositoriesForGroup,
) -> Result<Json<api::ListAllowedRepositoriesForGroupResult>, ApiError> {
    let groups = groups_in(&state, &op.group.domain).await?;
    let row = groups.get(op.group.pattern.as_str())?;
    let items = row
        .config
        .allowed
        .get(&op.restriction)
        .into_iter()
        .flatten()
        .map(|r| (r.clone(), r.clone()))
        .collect();
    let (list, next_token) = page(&op.paging, items);
    Ok(Json(api::ListAllowedRepositoriesForGroupResult {
        allowed_repositories: Some(list),
        next_token,
    }))
}

/// `GET /v1/list-associated-packages`: the distinct packages stored in the domain whose group
/// is this one (with `preview=true`, as if the group existed).
pub async fn list_associated_packages(
    state: AppState,
    op: ListAssociatedPackages,
) -> Result<Json<api::ListAssociatedPackagesResult>, ApiError> {
    let (d, p) = (&op.group.domain, &op.group.pattern);
    let groups = groups_in(&state, d).await?;
    let set = match groups.rows.contains_key(p.as_str()) {
        true => groups.set.clone(),
        false if op.preview => {
            let mut all: Vec<_> = groups.set.groups().to_vec();
            all.push(wharf_core::groups::GroupConfig::new(p.clone()));
            GroupSet::new(all)
        }
        false => return Err(groups.get(p.as_str()).expect_err("missing").into()),
    };
    let packages = state
        .store
        .domain_packages(&d.owner, d.name.as_str())
        .await?;
    // Paged by position in the store's (format, namespace, name) order.
    let keyed: Vec<(String, api::AssociatedPackage)> = packages
        .into_iter()
        .filter_map(|(format, ns, name)| {
            let (g, association) = set.associated(format, ns.as_deref(), &name);
            (g.pattern.as_str() == p.as_str()).then_some(api::AssociatedPackage {
                format: Some(format),
                namespace: ns,
                package: Some(name),
                association_type: Some(association),
            })
        })
        .enumerate()
        .map(|(i, v)| (format!("{i:010}"), v))
        .collect();
    let (list, next_token) = page(&op.paging, keyed);
    Ok(Json(api::ListAssociatedPackagesResult {
        packages: Some(list),
        next_token,
    }))
}
