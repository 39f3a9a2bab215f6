//! Packages: ListPackages (`POST /v1/packages`), DescribePackage (`GET /v1/package`),
//! DeletePackage (`DELETE /v1/package`) and PutPackageOriginConfiguration (`POST /v1/package`),
//! plus the package-level origin controls (`publish`, `upstream`: `ALLOW|BLOCK`).

use crate::names::PackageFormat;
use serde::{Deserialize, Serialize};

/// `AllowPublish`: whether versions of a package may be published to the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AllowPublish {
    /// `ALLOW`.
    Allow,
    /// `BLOCK`.
    Block,
}

/// `AllowUpstream`: whether versions of a package may be fetched from upstreams and external
/// connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AllowUpstream {
    /// `ALLOW`.
    Allow,
    /// `BLOCK`.
    Block,
}

/// `PackageOriginRestrictions` as Wharf reports it: both members are required by the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageOriginRestrictions {
    /// `publish` (required).
    pub publish: AllowPublish,
    /// `upstream` (required).
    pub upstream: AllowUpstream,
}

/// `PackageOriginRestrictions` as a caller sends it to PutPackageOriginConfiguration: plain
/// strings, so the server reports missing or unknown values itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageOriginRestrictionsInput {
    /// `publish` (required; `ALLOW|BLOCK`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish: Option<String>,
    /// `upstream` (required; `ALLOW|BLOCK`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<String>,
}

/// `PackageOriginConfiguration`: the origin controls of a package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageOriginConfiguration {
    /// `restrictions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrictions: Option<PackageOriginRestrictions>,
}

/// The query-string members that name one package: DescribePackage, DeletePackage,
/// PutPackageOriginConfiguration and the batch version operations (UpdatePackageVersionsStatus,
/// DeletePackageVersions, DisposePackageVersions).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PackageQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
    /// `format` (required; `npm|pypi|maven|nuget|generic|ruby|swift|cargo`).
    pub format: Option<String>,
    /// `namespace` (1–255 chars, `[^#/\s]+`; required for maven, swift, generic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (required; 1–255 chars, `[^#/\s]+`).
    pub package: Option<String>,
}

/// The query-string members of ListPackages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListPackagesQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
    /// `format` (`npm|pypi|maven|nuget|generic|ruby|swift|cargo`): only this format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// `namespace` (1–255 chars, `[^#/\s]+`): only namespaces starting with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package-prefix` (1–255 chars, `[^#/\s]+`): only names starting with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_prefix: Option<String>,
    /// `max-results` (integer 1–1000), kept as text so the server reports bad values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<String>,
    /// `next-token` (1–2000 chars, `\S+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// `publish` (`ALLOW|BLOCK`): only packages with this publish restriction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish: Option<String>,
    /// `upstream` (`ALLOW|BLOCK`): only packages with this upstream restriction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<String>,
}

/// `PackageSummary`: one entry of ListPackages, and DeletePackage's `deletedPackage`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageSummary {
    /// `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<PackageFormat>,
    /// `namespace` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package`: the name (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// `originConfiguration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_configuration: Option<PackageOriginConfiguration>,
}

/// The response of ListPackages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPackagesResult {
    /// The packages of this page.
    #[serde(default)]
    pub packages: Vec<PackageSummary>,
    /// The token of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `PackageDescription`: DescribePackage's `package`. Note `name`, where summaries say
/// `package`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageDescription {
    /// `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<PackageFormat>,
    /// `namespace` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `name` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `originConfiguration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_configuration: Option<PackageOriginConfiguration>,
}

/// The query-string members of DescribePackage.
pub type DescribePackageQuery = PackageQuery;

/// The response of DescribePackage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribePackageResult {
    /// `package` (required).
    pub package: PackageDescription,
}

/// The query-string members of DeletePackage.
pub type DeletePackageQuery = PackageQuery;

/// The response of DeletePackage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletePackageResult {
    /// `deletedPackage`: the package as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_package: Option<PackageSummary>,
}

/// The query-string members of PutPackageOriginConfiguration.
pub type PutPackageOriginConfigurationQuery = PackageQuery;

/// The JSON body members of PutPackageOriginConfiguration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutPackageOriginConfigurationBody {
    /// `restrictions` (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrictions: Option<PackageOriginRestrictionsInput>,
}

/// The response of PutPackageOriginConfiguration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutPackageOriginConfigurationResult {
    /// `originConfiguration`: the controls now in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_configuration: Option<PackageOriginConfiguration>,
}
