//! The package-group operations' requests, read and checked once (see `crate::operation`):
//! every member the handlers in `super` use, validated, and the [`Target`] each is authorized
//! for.

use super::MAX_LIST_CHANGES;
use crate::authz::Target;
use crate::error::ApiError;
use crate::extract::AwsJson;
use crate::operation::{Cx, NoBody, Operation};
use crate::params::{self, Checks, DomainRef, Paging};
use crate::state::AppState;
use crate::store::groups::OriginChanges;
use wharf_core::api;
use wharf_core::error::FieldError;
use wharf_core::groups::{OriginRestrictionMode, OriginRestrictionType, PackageGroupPattern};
use wharf_core::names::{
    PackageCoordinate, RepositoryName, escape_other_category, is_other_category,
};

/// One package group: its domain and pattern.
pub struct GroupRef {
    /// The domain.
    pub domain: DomainRef,
    /// The group's pattern.
    pub pattern: PackageGroupPattern,
}

impl GroupRef {
    /// Checks `domain`, `domain-owner` and the pattern (`packageGroup`) together, with `more`
    /// checks of the same request, so one `ValidationException` lists every violation.
    fn checked(
        cx: &Cx<'_>,
        domain: &Option<String>,
        owner: &Option<String>,
        pattern: &Option<String>,
        more: impl FnOnce(&mut Checks, Option<&PackageGroupPattern>),
    ) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let d = cx.domain(&mut c, domain, owner);
        let p = c.required(pattern, "packageGroup", PackageGroupPattern::parse_as);
        more(&mut c, p.as_ref());
        c.finish()?;
        Ok(GroupRef {
            domain: params::validated(d)?,
            pattern: params::validated(p)?,
        })
    }

    fn target(&self) -> Target {
        Target {
            package_group: Some(self.pattern.as_str().to_owned()),
            ..Target::domain(&self.domain)
        }
    }
}

impl Operation for GroupRef {
    type Query = api::PackageGroupQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        GroupRef::checked(cx, &q.domain, &q.domain_owner, &q.package_group, |_, _| {})
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(GroupRef::target(self))
    }
}

/// Checks `contactInfo` / `description`: at most 1000 characters, no `\p{C}`.
pub(super) fn text(c: &mut Checks, value: &Option<String>, field: &str) -> Option<String> {
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

/// CreatePackageGroup or UpdatePackageGroup, read and checked (the pattern is in the body).
pub struct GroupWrite {
    /// The group.
    pub group: GroupRef,
    /// `contactInfo`.
    pub contact: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `tags` (CreatePackageGroup only), checked.
    pub tags: Vec<(String, String)>,
}

/// CreatePackageGroup, read and checked.
pub struct CreatePackageGroup(pub GroupWrite);

impl Operation for CreatePackageGroup {
    type Query = api::CreatePackageGroupQuery;
    type Body = AwsJson<api::CreatePackageGroupBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let (mut contact, mut description) = (None, None);
        let group = GroupRef::checked(cx, &q.domain, &q.domain_owner, &b.package_group, |c, _| {
            contact = text(c, &b.contact_info, "contactInfo");
            description = text(c, &b.description, "description");
            if b.tags.as_ref().is_some_and(|t| t.len() > 200) {
                c.push(FieldError::rule(
                    "tags",
                    "Member must have length less than or equal to 200",
                ));
            }
        })?;
        Ok(CreatePackageGroup(GroupWrite {
            group,
            contact,
            description,
            // Checked before anything is created, so bad tags create nothing.
            tags: crate::handlers::tags::creation_tags(&b.tags)?,
        }))
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(self.0.group.target())
    }
}

/// UpdatePackageGroup, read and checked.
pub struct UpdatePackageGroup(pub GroupWrite);

impl Operation for UpdatePackageGroup {
    type Query = api::UpdatePackageGroupQuery;
    type Body = AwsJson<api::UpdatePackageGroupBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let (mut contact, mut description) = (None, None);
        let group = GroupRef::checked(cx, &q.domain, &q.domain_owner, &b.package_group, |c, _| {
            contact = text(c, &b.contact_info, "contactInfo");
            description = text(c, &b.description, "description");
        })?;
        Ok(UpdatePackageGroup(GroupWrite {
            group,
            contact,
            description,
            tags: Vec::new(),
        }))
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(self.0.group.target())
    }
}

/// DeletePackageGroup, read and checked (never the root group).
pub struct DeletePackageGroup(pub GroupRef);

impl Operation for DeletePackageGroup {
    type Query = api::DeletePackageGroupQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let group = GroupRef::parse(cx, q, NoBody)?;
        if group.pattern.is_root() {
            return Err(ApiError::validation(
                "1 validation error detected: Value '/*' at 'packageGroup' failed to satisfy constraint: the root package group cannot be deleted",
            ));
        }
        Ok(DeletePackageGroup(group))
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(self.0.target())
    }
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

/// UpdatePackageGroupOriginConfiguration, read and checked.
pub struct UpdatePackageGroupOriginConfiguration {
    /// The group.
    pub group: GroupRef,
    /// The modes and allowed-repository entries to change.
    pub changes: OriginChanges,
}

impl Operation for UpdatePackageGroupOriginConfiguration {
    type Query = api::UpdatePackageGroupOriginConfigurationQuery;
    type Body = AwsJson<api::UpdatePackageGroupOriginConfigurationBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let mut changes = OriginChanges::default();
        let group = GroupRef::checked(cx, &q.domain, &q.domain_owner, &q.package_group, |c, p| {
            for (k, v) in b.restrictions.iter().flatten() {
                let ty = restriction_type(c, "restrictions.key", k);
                let mode = OriginRestrictionMode::parse(v);
                if mode.is_none() {
                    c.push(FieldError::constraint(
                        "restrictions.value",
                        &escape_other_category(v),
                        "satisfy enum value set: [ALLOW, ALLOW_SPECIFIC_REPOSITORIES, BLOCK, INHERIT]",
                    ));
                }
                if let (Some(t), Some(m)) = (ty, mode) {
                    if m == OriginRestrictionMode::Inherit && p.is_some_and(|p| p.is_root()) {
                        c.push(FieldError::rule(
                            "restrictions",
                            format!("The root package group /* cannot inherit: {t} must be ALLOW, BLOCK or ALLOW_SPECIFIC_REPOSITORIES"),
                        ));
                    }
                    changes.modes.insert(t, m);
                }
            }
            changes.remove = entries(
                c,
                "removeAllowedRepositories",
                &b.remove_allowed_repositories,
            );
            changes.add = entries(c, "addAllowedRepositories", &b.add_allowed_repositories);
            if changes.remove.len() + changes.add.len() > MAX_LIST_CHANGES {
                c.push(FieldError::rule(
                    "addAllowedRepositories",
                    format!("At most {MAX_LIST_CHANGES} allowed-repository entries can be added and removed in one call"),
                ));
            }
        })?;
        Ok(UpdatePackageGroupOriginConfiguration { group, changes })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(self.group.target())
    }
}

/// ListPackageGroups, read and checked.
pub struct ListPackageGroups {
    /// The domain.
    pub domain: DomainRef,
    /// `prefix` (empty: every group).
    pub prefix: String,
    /// The page asked for.
    pub paging: Paging,
}

impl Operation for ListPackageGroups {
    type Query = api::ListPackageGroupsQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let d = cx.domain(&mut c, &q.domain, &q.domain_owner);
        let prefix = text(&mut c, &q.prefix, "prefix").unwrap_or_default();
        let paging = params::paging(&mut c, &q.max_results, &q.next_token);
        c.finish()?;
        Ok(ListPackageGroups {
            domain: params::validated(d)?,
            prefix,
            paging,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::domain(&self.domain))
    }
}

/// ListSubPackageGroups, read and checked.
pub struct ListSubPackageGroups {
    /// The parent group.
    pub group: GroupRef,
    /// The page asked for.
    pub paging: Paging,
}

impl Operation for ListSubPackageGroups {
    type Query = api::ListSubPackageGroupsQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut paging = Paging::default();
        let group = GroupRef::checked(cx, &q.domain, &q.domain_owner, &q.package_group, |c, _| {
            paging = params::paging(c, &q.max_results, &q.next_token);
        })?;
        Ok(ListSubPackageGroups { group, paging })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(self.group.target())
    }
}

/// GetAssociatedPackageGroup, read and checked.
pub struct GetAssociatedPackageGroup {
    /// The domain.
    pub domain: DomainRef,
    /// The package (which need not be stored).
    pub package: PackageCoordinate,
}

impl Operation for GetAssociatedPackageGroup {
    type Query = api::GetAssociatedPackageGroupQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let d = cx.domain(&mut c, &q.domain, &q.domain_owner);
        let coord = params::package(&mut c, &q.format, &q.namespace, &q.package);
        c.finish()?;
        Ok(GetAssociatedPackageGroup {
            domain: params::validated(d)?,
            package: params::validated(coord)?,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::domain(&self.domain).with_package(&self.package))
    }
}

/// ListAllowedRepositoriesForGroup, read and checked.
pub struct ListAllowedRepositoriesForGroup {
    /// The group.
    pub group: GroupRef,
    /// `originRestrictionType`.
    pub restriction: OriginRestrictionType,
    /// The page asked for.
    pub paging: Paging,
}

impl Operation for ListAllowedRepositoriesForGroup {
    type Query = api::ListAllowedRepositoriesForGroupQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let (mut ty, mut paging) = (None, Paging::default());
        let group = GroupRef::checked(cx, &q.domain, &q.domain_owner, &q.package_group, |c, _| {
            ty = match &q.origin_restriction_type {
                None => {
                    c.push(FieldError::missing("originRestrictionType"));
                    None
                }
                Some(t) => restriction_type(c, "originRestrictionType", t),
            };
            paging = params::paging(c, &q.max_results, &q.next_token);
        })?;
        Ok(ListAllowedRepositoriesForGroup {
            group,
            restriction: params::validated(ty)?,
            paging,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(self.group.target())
    }
}

/// ListAssociatedPackages, read and checked.
pub struct ListAssociatedPackages {
    /// The group.
    pub group: GroupRef,
    /// `preview`: as if the group existed.
    pub preview: bool,
    /// The page asked for.
    pub paging: Paging,
}

impl Operation for ListAssociatedPackages {
    type Query = api::ListAssociatedPackagesQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let (mut preview, mut paging) = (false, Paging::default());
        let group = GroupRef::checked(cx, &q.domain, &q.domain_owner, &q.package_group, |c, _| {
            preview = match q.preview.as_deref() {
                None | Some("false") => false,
                Some("true") => true,
                Some(other) => {
                    c.push(FieldError::constraint("preview", other, "be true or false"));
                    false
                }
            };
            paging = params::paging(c, &q.max_results, &q.next_token);
        })?;
        Ok(ListAssociatedPackages {
            group,
            preview,
            paging,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(self.group.target())
    }
}
