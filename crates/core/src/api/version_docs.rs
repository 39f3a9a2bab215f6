//! What a stored version says about itself: GetPackageVersionReadme
//! (`GET /v1/package/version/readme`) and ListPackageVersionDependencies
//! (`POST /v1/package/version/dependencies`).

use crate::api::PackageVersionQuery;
use crate::names::PackageFormat;
use serde::{Deserialize, Serialize};

/// GetPackageVersionReadme's query: the members that name one version.
pub type GetPackageVersionReadmeQuery = PackageVersionQuery;

/// GetPackageVersionReadme's result. `readme` is absent when the version has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetPackageVersionReadmeResult {
    /// `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<PackageFormat>,
    /// `namespace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// `version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `versionRevision`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_revision: Option<String>,
    /// `readme`: the text as the package wrote it (Markdown or reStructuredText).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readme: Option<String>,
}

/// ListPackageVersionDependencies' query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListPackageVersionDependenciesQuery {
    /// `domain` (required).
    pub domain: Option<String>,
    /// `domain-owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required).
    pub repository: Option<String>,
    /// `format` (required).
    pub format: Option<String>,
    /// `namespace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (required).
    pub package: Option<String>,
    /// `packageVersion`, sent as `version` (required).
    #[serde(rename = "version")]
    pub package_version: Option<String>,
    /// `next-token` (Wharf answers in one page, so any token is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `PackageDependency`: one direct dependency as the manifest declares it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageDependency {
    /// `namespace` (an npm scope without `@`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// `dependencyType`: for npm `regular`, `dev`, `peer` or `optional`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependency_type: Option<String>,
    /// `versionRequirement`: the range as written (`^1.2.3`, `4.x`, a URL, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_requirement: Option<String>,
}

/// ListPackageVersionDependencies' result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPackageVersionDependenciesResult {
    /// `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<PackageFormat>,
    /// `namespace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// `version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `versionRevision`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_revision: Option<String>,
    /// `nextToken` (never set: one page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// `dependencies`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependencies: Option<Vec<PackageDependency>>,
}
