//! The ten package-group operations (spec `groups-connections-tags.md` §1): thin handlers over
//! `store::groups` and the core's `groups` hierarchy.

use crate::error::ApiError;
use crate::extract::{AwsJson, AwsQuery};
use crate::params::{self, Checks, DomainRef};
use crate::state::AppState;
use crate::store::groups::{DomainGroups, GroupRow, OriginChanges};
use axum::Json;
use axum::extract::State;
use std::collections::BTreeMap;
use wharf_core::api::{
    self, AllowedRepositoryUpdateType, PackageGroupDescription, PackageGroupOriginConfiguration,
    PackageGroupOriginRestriction, PackageGroupReference,
};
use wharf_core::error::FieldError;
use wharf_core::groups::{
    GroupSet, OriginRestrictionMode, OriginRestrictionType, PackageGroupPattern,
};
use wharf_core::names::{RepositoryName, escape_other_category, is_other_category};

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

/// Checks `contactInfo` / `description`: at most 1000 characters, no `\p{C}`.
fn text(c: &mut Checks, value: &Option<String>, field: &str) -> Option<String> {
    let v = value.as_ref()?;
    if v.chars().count() > 1000 {
        c.push(FieldError::constraint(
            field,
            &escape_other_category(v),
            "have length less than or equal to 1000",
        ));
    } else if v.chars().any(is_other_category) {
        c.push(FieldError::constraint(
            field,
            &escape_other_category(v),
            "satisfy regular expression pattern: \\P{C}*",
        ));
    }
    Some(v.clone())
}

fn pattern(c: &mut Checks, value: &Option<String>) -> Option<PackageGroupPattern> {
    c.required(value, "packageGroup", PackageGroupPattern::parse_as)
}

fn domain_and_group(
    state: &AppState,
    q: &api::PackageGroupQuery,
) -> Result<(DomainRef, PackageGroupPattern), ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let p = pattern(&mut c, &q.package_group);
    c.finish()?;
    Ok((params::validated(d)?, params::validated(p)?))
}

/// `POST /v1/package-group`.
pub async fn create_package_group(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::CreatePackageGroupQuery>,
    AwsJson(b): AwsJson<api::CreatePackageGroupBody>,
) -> Result<Json<api::CreatePackageGroupResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let p = pattern(&mut c, &b.package_group);
    let contact = text(&mut c, &b.contact_info, "contactInfo");
    let description = text(&mut c, &b.description, "description");
    if b.tags.as_ref().is_some_and(|t| t.len() > 200) {
        c.push(FieldError::rule(
            "tags",
            "Member must have length less than or equal to 200",
        ));
    }
    c.finish()?;
    let (d, p) = (params::validated(d)?, params::validated(p)?);
    // Checked before anything is created, so bad tags create nothing.
    let tags = super::tags::creation_tags(&b.tags)?;
    let groups = state
        .store
        .create_package_group(
            &d.owner,
            d.name.as_str(),
            &p,
            contact.as_deref(),
            description.as_deref(),
        )
        .await?;
    // Always written, so a group re-created under an old pattern starts without old tags.
    state
        .store
        .replace_tags(&tag_key(&state, &d, p.as_str())?, &tags)
        .await?;
    Ok(Json(api::PackageGroupResult {
        package_group: Some(described(&state, &d, &groups, p.as_str())?),
    }))
}

/// `GET /v1/package-group`.
pub async fn describe_package_group(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::DescribePackageGroupQuery>,
) -> Result<Json<api::DescribePackageGroupResult>, ApiError> {
    let (d, p) = domain_and_group(&state, &q)?;
    let groups = state
        .store
        .package_groups(&d.owner, d.name.as_str())
        .await?;
    Ok(Json(api::PackageGroupResult {
        package_group: Some(described(&state, &d, &groups, p.as_str())?),
    }))
}

/// `PUT /v1/package-group`.
pub async fn update_package_group(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::UpdatePackageGroupQuery>,
    AwsJson(b): AwsJson<api::UpdatePackageGroupBody>,
) -> Result<Json<api::UpdatePackageGroupResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let p = pattern(&mut c, &b.package_group);
    let contact = text(&mut c, &b.contact_info, "contactInfo");
    let description = text(&mut c, &b.description, "description");
    c.finish()?;
    let (d, p) = (params::validated(d)?, params::validated(p)?);
    let groups = state
        .store
        .update_package_group(
            &d.owner,
            d.name.as_str(),
            &p,
            contact.as_deref(),
            description.as_deref(),
        )
        .await?;
    Ok(Json(api::PackageGroupResult {
        package_group: Some(described(&state, &d, &groups, p.as_str())?),
    }))
}

/// `DELETE /v1/package-group`.
pub async fn delete_package_group(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::DeletePackageGroupQuery>,
) -> Result<Json<api::DeletePackageGroupResult>, ApiError> {
    let (d, p) = domain_and_group(&state, &q)?;
    if p.is_root() {
        return Err(ApiError::validation(
            "1 validation error detected: Value '/*' at 'packageGroup' failed to satisfy constraint: the root package group cannot be deleted",
        ));
    }
    let before = state
        .store
        .package_groups(&d.owner, d.name.as_str())
        .await?;
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

fn restriction_type(c: &mut Checks, field: &str, value: &str) -> Option<OriginRestrictionType> {
    let t = OriginRestrictionType::parse(value);
    if t.is_none() {
        c.push(FieldError::constraint(
            field,
            &escape_other_category(value),
            "satisfy enum value set: [EXTERNAL_UPSTREAM, INTERNAL_UPSTREAM, PUBLISH]",
        ));
    }
    t
}

fn entries(
    c: &mut Checks,
    field: &str,
    list: &Option<Vec<api::PackageGroupAllowedRepository>>,
) -> Vec<(OriginRestrictionType, String)> {
    let mut out = Vec::new();
    for e in list.iter().flatten() {
        let ty = match &e.origin_restriction_type {
            None => {
                c.push(FieldError::missing(&format!(
                    "{field}.member.originRestrictionType"
                )));
                None
            }
            Some(t) => restriction_type(c, &format!("{field}.member.originRestrictionType"), t),
        };
        let repo = c.required(
            &e.repository_name,
            &format!("{field}.member.repositoryName"),
            RepositoryName::parse_as,
        );
        if let (Some(t), Some(r)) = (ty, repo) {
            out.push((t, r.to_string()));
        }
    }
    out
}

/// `PUT /v1/package-group-origin-configuration`.
pub async fn update_package_group_origin_configuration(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::UpdatePackageGroupOriginConfigurationQuery>,
    AwsJson(b): AwsJson<api::UpdatePackageGroupOriginConfigurationBody>,
) -> Result<Json<api::UpdatePackageGroupOriginConfigurationResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let p = pattern(&mut c, &q.package_group);
    let mut changes = OriginChanges::default();
    for (k, v) in b.restrictions.iter().flatten() {
        let ty = restriction_type(&mut c, "restrictions.key", k);
        let mode = OriginRestrictionMode::parse(v);
        if mode.is_none() {
            c.push(FieldError::constraint(
                "restrictions.value",
                &escape_other_category(v),
                "satisfy enum value set: [ALLOW, ALLOW_SPECIFIC_REPOSITORIES, BLOCK, INHERIT]",
            ));
        }
        if let (Some(t), Some(m)) = (ty, mode) {
            if m == OriginRestrictionMode::Inherit && p.as_ref().is_some_and(|p| p.is_root()) {
                c.push(FieldError::rule(
                    "restrictions",
                    format!("The root package group /* cannot inherit: {t} must be ALLOW, BLOCK or ALLOW_SPECIFIC_REPOSITORIES"),
                ));
            }
            changes.modes.insert(t, m);
        }
    }
    changes.remove = entries(
        &mut c,
        "removeAllowedRepositories",
        &b.remove_allowed_repositories,
    );
    changes.add = entries(
        &mut c,
        "addAllowedRepositories",
        &b.add_allowed_repositories,
    );
    if changes.remove.len() + changes.add.len() > MAX_LIST_CHANGES {
        c.push(FieldError::rule(
            "addAllowedRepositories",
            format!("At most {MAX_LIST_CHANGES} allowed-repository entries can be added and removed in one call"),
        ));
    }
    c.finish()?;
    let (d, p) = (params::validated(d)?, params::validated(p)?);
    let groups = state
        .store
        .update_package_group_origin(&d.owner, d.name.as_str(), &p, &changes)
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
        package_group: Some(described(&state, &d, &groups, p.as_str())?),
        allowed_repository_updates: Some(updates),
    }))
}

/// A page of `items` after the token's key, and the next token.
fn page<T>(
    c: &mut Checks,
    token: &Option<String>,
    max: &Option<String>,
    items: Vec<(String, T)>,
) -> (Vec<T>, Option<String>) {
    let limit = params::max_results(c, max) as usize;
    let after: Option<String> = params::decode_token(c, token);
    let mut rest: Vec<(String, T)> = items
        .into_iter()
        .filter(|(k, _)| after.as_ref().is_none_or(|a| k > a))
        .collect();
    let next = (rest.len() > limit).then(|| {
        rest.truncate(limit);
        params::encode_token(&rest.last().expect("a full page").0)
    });
    (rest.into_iter().map(|(_, v)| v).collect(), next)
}

/// `POST /v1/package-groups`.
pub async fn list_package_groups(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ListPackageGroupsQuery>,
) -> Result<Json<api::ListPackageGroupsResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let prefix = text(&mut c, &q.prefix, "prefix").unwrap_or_default();
    c.finish()?;
    let d = params::validated(d)?;
    let groups = state
        .store
        .package_groups(&d.owner, d.name.as_str())
        .await?;
    let items = groups
        .rows
        .iter()
        .filter(|(p, _)| p.starts_with(&prefix))
        .map(|(p, row)| (p.clone(), describe(&state, &d, &groups.set, row)))
        .collect();
    let mut c = Checks::default();
    let (list, next_token) = page(&mut c, &q.next_token, &q.max_results, items);
    c.finish()?;
    Ok(Json(api::PackageGroupsPage {
        package_groups: Some(list),
        next_token,
    }))
}

/// `POST /v1/package-groups/sub-groups`: direct children only.
pub async fn list_sub_package_groups(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ListSubPackageGroupsQuery>,
) -> Result<Json<api::ListSubPackageGroupsResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let p = pattern(&mut c, &q.package_group);
    c.finish()?;
    let (d, p) = (params::validated(d)?, params::validated(p)?);
    let groups = state
        .store
        .package_groups(&d.owner, d.name.as_str())
        .await?;
    groups.get(p.as_str())?;
    let items = groups
        .set
        .children(&p)
        .into_iter()
        .map(|g| {
            let row = &groups.rows[g.pattern.as_str()];
            (
                g.pattern.as_str().to_owned(),
                describe(&state, &d, &groups.set, row),
            )
        })
        .collect();
    let mut c = Checks::default();
    let (list, next_token) = page(&mut c, &q.next_token, &q.max_results, items);
    c.finish()?;
    Ok(Json(api::PackageGroupsPage {
        package_groups: Some(list),
        next_token,
    }))
}

/// `GET /v1/get-associated-package-group`: needs no stored package (the root always matches).
pub async fn get_associated_package_group(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::GetAssociatedPackageGroupQuery>,
) -> Result<Json<api::GetAssociatedPackageGroupResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let coord = params::package(&mut c, &q.format, &q.namespace, &q.package);
    c.finish()?;
    let (d, coord) = (params::validated(d)?, params::validated(coord)?);
    let groups = state
        .store
        .package_groups(&d.owner, d.name.as_str())
        .await?;
    let (group, association) = groups.set.associated(
        coord.format,
        coord.namespace.as_ref().map(|n| n.as_str()),
        coord.name.as_str(),
    );
    Ok(Json(api::GetAssociatedPackageGroupResult {
        package_group: Some(described(&state, &d, &groups, group.pattern.as_str())?),
        association_type: Some(association),
    }))
}

/// `GET /v1/package-group-allowed-repositories`: the group's own list, sorted.
pub async fn list_allowed_repositories_for_group(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ListAllowedRepositoriesForGroupQuery>,
) -> Result<Json<api::ListAllowedRepositoriesForGroupResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let p = pattern(&mut c, &q.package_group);
    let ty = match &q.origin_restriction_type {
        None => {
            c.push(FieldError::missing("originRestrictionType"));
            None
        }
        Some(t) => restriction_type(&mut c, "originRestrictionType", t),
    };
    c.finish()?;
    let (d, p, ty) = (
        params::validated(d)?,
        params::validated(p)?,
        params::validated(ty)?,
    );
    let groups = state
        .store
        .package_groups(&d.owner, d.name.as_str())
        .await?;
    let row = groups.get(p.as_str())?;
    let items = row
        .config
        .allowed
        .get(&ty)
        .into_iter()
        .flatten()
        .map(|r| (r.clone(), r.clone()))
        .collect();
    let mut c = Checks::default();
    let (list, next_token) = page(&mut c, &q.next_token, &q.max_results, items);
    c.finish()?;
    Ok(Json(api::ListAllowedRepositoriesForGroupResult {
        allowed_repositories: Some(list),
        next_token,
    }))
}

/// `GET /v1/list-associated-packages`: the distinct packages stored in the domain whose group
/// is this one (with `preview=true`, as if the group existed).
pub async fn list_associated_packages(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ListAssociatedPackagesQuery>,
) -> Result<Json<api::ListAssociatedPackagesResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let p = pattern(&mut c, &q.package_group);
    let preview = match q.preview.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            c.push(FieldError::constraint("preview", other, "be true or false"));
            false
        }
    };
    c.finish()?;
    let (d, p) = (params::validated(d)?, params::validated(p)?);
    let groups = state
        .store
        .package_groups(&d.owner, d.name.as_str())
        .await?;
    let set = match groups.rows.contains_key(p.as_str()) {
        true => groups.set.clone(),
        false if preview => {
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
    let mut c = Checks::default();
    let (list, next_token) = page(&mut c, &q.next_token, &q.max_results, keyed);
    c.finish()?;
    Ok(Json(api::ListAssociatedPackagesResult {
        packages: Some(list),
        next_token,
    }))
}
