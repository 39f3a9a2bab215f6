//! Package groups: CreatePackageGroup, DeletePackageGroup, DescribePackageGroup,
//! UpdatePackageGroup (`/v1/package-group`), UpdatePackageGroupOriginConfiguration,
//! ListPackageGroups, ListSubPackageGroups, GetAssociatedPackageGroup,
//! ListAllowedRepositoriesForGroup and ListAssociatedPackages.
//!
//! Patterns travel percent-encoded in the query string (`package-group`) and as plain JSON
//! strings in bodies (`packageGroup`). Enum-valued members are plain strings in requests (the
//! server reports unknown values) and the `crate::groups` enums in responses.

use crate::api::Tag;
use crate::groups::{AssociationType, OriginRestrictionMode, OriginRestrictionType};
use crate::names::PackageFormat;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The query of operations that name a domain only (CreatePackageGroup, UpdatePackageGroup).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PackageGroupDomainQuery {
    /// `domain` (required).
    pub domain: Option<String>,
    /// `domain-owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
}

/// CreatePackageGroup's query.
pub type CreatePackageGroupQuery = PackageGroupDomainQuery;
/// UpdatePackageGroup's query.
pub type UpdatePackageGroupQuery = PackageGroupDomainQuery;

/// The query of operations that name one group (Delete, Describe, ListSubPackageGroups needs
/// paging too and has its own type).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PackageGroupQuery {
    /// `domain` (required).
    pub domain: Option<String>,
    /// `domain-owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `package-group` (required): the pattern.
    pub package_group: Option<String>,
}

/// DeletePackageGroup's query.
pub type DeletePackageGroupQuery = PackageGroupQuery;
/// DescribePackageGroup's query.
pub type DescribePackageGroupQuery = PackageGroupQuery;
/// UpdatePackageGroupOriginConfiguration's query.
pub type UpdatePackageGroupOriginConfigurationQuery = PackageGroupQuery;

/// CreatePackageGroup's body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePackageGroupBody {
    /// `packageGroup` (required): the pattern.
    pub package_group: Option<String>,
    /// `contactInfo` (0–1000 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_info: Option<String>,
    /// `description` (0–1000 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `tags` (stored by the tagging part of Wharf).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

/// UpdatePackageGroup's body: an omitted member is unchanged, `""` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePackageGroupBody {
    /// `packageGroup` (required): the pattern.
    pub package_group: Option<String>,
    /// `contactInfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_info: Option<String>,
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `PackageGroupAllowedRepository`: one entry of an allowed-repository change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageGroupAllowedRepository {
    /// `repositoryName` (required by Wharf).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_name: Option<String>,
    /// `originRestrictionType` (required by Wharf; `PUBLISH|EXTERNAL_UPSTREAM|INTERNAL_UPSTREAM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_restriction_type: Option<String>,
}

/// UpdatePackageGroupOriginConfiguration's body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePackageGroupOriginConfigurationBody {
    /// `restrictions`: type → mode, partial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrictions: Option<BTreeMap<String, String>>,
    /// `addAllowedRepositories`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_allowed_repositories: Option<Vec<PackageGroupAllowedRepository>>,
    /// `removeAllowedRepositories`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_allowed_repositories: Option<Vec<PackageGroupAllowedRepository>>,
}

/// `PackageGroupReference`: a group named by ARN and pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageGroupReference {
    /// `arn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `pattern`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

/// `PackageGroupOriginRestriction`: one restriction type of a group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageGroupOriginRestriction {
    /// `mode`: the group's own setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<OriginRestrictionMode>,
    /// `effectiveMode`: after inheritance (never `INHERIT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_mode: Option<OriginRestrictionMode>,
    /// `inheritedFrom`: the ancestor whose mode applies, when `mode` is `INHERIT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<PackageGroupReference>,
    /// `repositoriesCount`: the size of the group's own allowed list for this type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repositories_count: Option<i64>,
}

/// `PackageGroupOriginConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageGroupOriginConfiguration {
    /// `restrictions`: type → restriction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrictions: Option<BTreeMap<OriginRestrictionType, PackageGroupOriginRestriction>>,
}

/// `PackageGroupDescription` (the model's `PackageGroupSummary` has the same members).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageGroupDescription {
    /// `arn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `pattern`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `domainName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// `domainOwner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `createdTime` (epoch seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<f64>,
    /// `contactInfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_info: Option<String>,
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `originConfiguration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_configuration: Option<PackageGroupOriginConfiguration>,
    /// `parent`: the most specific group containing this one (absent for the root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<PackageGroupReference>,
}

/// `PackageGroupSummary`: the same members as the description.
pub type PackageGroupSummary = PackageGroupDescription;

/// `{"packageGroup": PackageGroupDescription}`: the result of Create, Delete, Describe and
/// UpdatePackageGroup.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageGroupResult {
    /// `packageGroup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_group: Option<PackageGroupDescription>,
}

/// CreatePackageGroup's result.
pub type CreatePackageGroupResult = PackageGroupResult;
/// DeletePackageGroup's result.
pub type DeletePackageGroupResult = PackageGroupResult;
/// DescribePackageGroup's result.
pub type DescribePackageGroupResult = PackageGroupResult;
/// UpdatePackageGroup's result.
pub type UpdatePackageGroupResult = PackageGroupResult;

/// UpdatePackageGroupOriginConfiguration's result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePackageGroupOriginConfigurationResult {
    /// `packageGroup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_group: Option<PackageGroupDescription>,
    /// `allowedRepositoryUpdates`: type → `ADDED`/`REMOVED` → repositories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_repository_updates:
        Option<BTreeMap<OriginRestrictionType, BTreeMap<AllowedRepositoryUpdateType, Vec<String>>>>,
}

/// `PackageGroupAllowedRepositoryUpdateType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AllowedRepositoryUpdateType {
    /// `ADDED`.
    Added,
    /// `REMOVED`.
    Removed,
}

/// ListPackageGroups' query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListPackageGroupsQuery {
    /// `domain` (required).
    pub domain: Option<String>,
    /// `domain-owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `max-results` (1–1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<String>,
    /// `next-token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// `prefix`: a literal pattern prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// ListSubPackageGroups' query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListSubPackageGroupsQuery {
    /// `domain` (required).
    pub domain: Option<String>,
    /// `domain-owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `package-group` (required).
    pub package_group: Option<String>,
    /// `max-results` (1–1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<String>,
    /// `next-token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The result of ListPackageGroups and ListSubPackageGroups.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageGroupsPage {
    /// `packageGroups`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_groups: Option<Vec<PackageGroupSummary>>,
    /// `nextToken`, absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// ListPackageGroups' result.
pub type ListPackageGroupsResult = PackageGroupsPage;
/// ListSubPackageGroups' result.
pub type ListSubPackageGroupsResult = PackageGroupsPage;

/// GetAssociatedPackageGroup's query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct GetAssociatedPackageGroupQuery {
    /// `domain` (required).
    pub domain: Option<String>,
    /// `domain-owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `format` (required).
    pub format: Option<String>,
    /// `namespace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (required).
    pub package: Option<String>,
}

/// GetAssociatedPackageGroup's result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetAssociatedPackageGroupResult {
    /// `packageGroup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_group: Option<PackageGroupDescription>,
    /// `associationType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_type: Option<AssociationType>,
}

/// ListAllowedRepositoriesForGroup's query (`originRestrictionType` is camelCase on the wire).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListAllowedRepositoriesForGroupQuery {
    /// `domain` (required).
    pub domain: Option<String>,
    /// `domain-owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `package-group` (required).
    pub package_group: Option<String>,
    /// `originRestrictionType` (required).
    #[serde(rename = "originRestrictionType")]
    pub origin_restriction_type: Option<String>,
    /// `max-results` (1–1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<String>,
    /// `next-token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// ListAllowedRepositoriesForGroup's result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAllowedRepositoriesForGroupResult {
    /// `allowedRepositories`: repository names, sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_repositories: Option<Vec<String>>,
    /// `nextToken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// ListAssociatedPackages' query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListAssociatedPackagesQuery {
    /// `domain` (required).
    pub domain: Option<String>,
    /// `domain-owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `package-group` (required).
    pub package_group: Option<String>,
    /// `max-results` (1–1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<String>,
    /// `next-token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// `preview` (`true|false`): answer as if the group existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
}

/// `AssociatedPackage`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociatedPackage {
    /// `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<PackageFormat>,
    /// `namespace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// `associationType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_type: Option<AssociationType>,
}

/// ListAssociatedPackages' result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAssociatedPackagesResult {
    /// `packages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages: Option<Vec<AssociatedPackage>>,
    /// `nextToken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}
