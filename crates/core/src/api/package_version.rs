//! Package versions: ListPackageVersions, DescribePackageVersion, ListPackageVersionAssets,
//! GetPackageVersionAsset, PublishPackageVersion and the batch status operations
//! (UpdatePackageVersionsStatus, DeletePackageVersions, DisposePackageVersions).
//!
//! Several query members travel under a name that is not the kebab-case of the member:
//! `packageVersion` is `version`, `packageVersionRevision` is `revision`, `assetName` is
//! `asset`, and ListPackageVersions' `sortBy` and `originType` stay camelCase. Fields keep the
//! model's member name and carry an explicit `rename`.

use super::common::{
    AssetSummary, PackageVersionOrigin, PackageVersionSummary, PackageVersionsOutcome,
};
use super::package::PackageQuery;
use crate::names::{PackageFormat, PackageVersionStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// GetPackageVersionAsset response header: the asset's name (`assetName`).
pub const HEADER_ASSET_NAME: &str = "X-AssetName";
/// GetPackageVersionAsset response header: the version string (`packageVersion`).
pub const HEADER_PACKAGE_VERSION: &str = "X-PackageVersion";
/// GetPackageVersionAsset response header: the version's revision (`packageVersionRevision`).
pub const HEADER_PACKAGE_VERSION_REVISION: &str = "X-PackageVersionRevision";
/// PublishPackageVersion request header (`assetSHA256`, required): the asset's SHA-256 as 64
/// lowercase hex digits (`[0-9a-f]+`), which is also the SigV4 payload hash.
pub const HEADER_ASSET_SHA256: &str = "x-amz-content-sha256";

/// The query-string members of ListPackageVersions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListPackageVersionsQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
    /// `format` (required; `npm|pypi|maven|nuget|generic|ruby|swift|cargo`).
    pub format: Option<String>,
    /// `namespace` (1–255 chars, `[^#/\s]+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (required; 1–255 chars, `[^#/\s]+`).
    pub package: Option<String>,
    /// `status` (`Published|Unfinished|Unlisted|Archived|Disposed|Deleted`): only this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `sortBy` (camelCase on the wire; only `PUBLISHED_TIME`, newest first).
    #[serde(rename = "sortBy", default, skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
    /// `max-results` (integer 1–1000, default 50), kept as text so the server reports bad
    /// values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<String>,
    /// `next-token` (1–2000 chars, `\S+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// `originType` (camelCase on the wire; `INTERNAL|EXTERNAL|UNKNOWN`).
    #[serde(
        rename = "originType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub origin_type: Option<String>,
}

/// The response of ListPackageVersions. `nextToken` is omitted on the last page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPackageVersionsResult {
    /// `defaultDisplayVersion` (1–255 chars): the version a package manager shows by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_display_version: Option<String>,
    /// `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<PackageFormat>,
    /// `namespace` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// `versions` of this page.
    #[serde(default)]
    pub versions: Vec<PackageVersionSummary>,
    /// `nextToken` (1–2000 chars): the token of the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The query-string members that name one package version (DescribePackageVersion).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PackageVersionQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
    /// `format` (required; `npm|pypi|maven|nuget|generic|ruby|swift|cargo`).
    pub format: Option<String>,
    /// `namespace` (1–255 chars, `[^#/\s]+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (required; 1–255 chars, `[^#/\s]+`).
    pub package: Option<String>,
    /// `packageVersion`, sent as `version` (required; 1–255 chars, `[^#/\s]+`).
    #[serde(rename = "version")]
    pub package_version: Option<String>,
}

/// The query-string members of DescribePackageVersion.
pub type DescribePackageVersionQuery = PackageVersionQuery;

/// `LicenseInfo`: one license of a package version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseInfo {
    /// `name`, e.g. `MIT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `url` of the license text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `PackageVersionDescription`: DescribePackageVersion's `packageVersion`. Note `packageName`
/// (the user guide's samples wrongly show `package`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageVersionDescription {
    /// `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<PackageFormat>,
    /// `namespace` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `packageName` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    /// `displayName` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `version` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `summary`: the package's one-line description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// `homePage` URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_page: Option<String>,
    /// `sourceCodeRepository` URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_code_repository: Option<String>,
    /// `publishedTime`: epoch seconds, fractions allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_time: Option<f64>,
    /// `licenses`.
    #[serde(default)]
    pub licenses: Vec<LicenseInfo>,
    /// `revision` (1–50 chars, `\S+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PackageVersionStatus>,
    /// `origin`: where the version entered the domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<PackageVersionOrigin>,
}

/// The response of DescribePackageVersion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribePackageVersionResult {
    /// `packageVersion` (required).
    pub package_version: PackageVersionDescription,
}

/// The query-string members of ListPackageVersionAssets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListPackageVersionAssetsQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
    /// `format` (required; `npm|pypi|maven|nuget|generic|ruby|swift|cargo`).
    pub format: Option<String>,
    /// `namespace` (1–255 chars, `[^#/\s]+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (required; 1–255 chars, `[^#/\s]+`).
    pub package: Option<String>,
    /// `packageVersion`, sent as `version` (required; 1–255 chars, `[^#/\s]+`).
    #[serde(rename = "version")]
    pub package_version: Option<String>,
    /// `max-results` (integer 1–1000), kept as text so the server reports bad values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<String>,
    /// `next-token` (1–2000 chars, `\S+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The response of ListPackageVersionAssets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPackageVersionAssetsResult {
    /// `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<PackageFormat>,
    /// `namespace` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// `version` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `versionRevision` (1–50 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_revision: Option<String>,
    /// `nextToken` (1–2000 chars): the token of the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// `assets` of this page.
    #[serde(default)]
    pub assets: Vec<AssetSummary>,
}

/// The query-string members of GetPackageVersionAsset. The response is the raw asset bytes
/// with [`HEADER_ASSET_NAME`], [`HEADER_PACKAGE_VERSION`] and
/// [`HEADER_PACKAGE_VERSION_REVISION`]; there is no JSON result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct GetPackageVersionAssetQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
    /// `format` (required; `npm|pypi|maven|nuget|generic|ruby|swift|cargo`).
    pub format: Option<String>,
    /// `namespace` (1–255 chars, `[^#/\s]+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (required; 1–255 chars, `[^#/\s]+`).
    pub package: Option<String>,
    /// `packageVersion`, sent as `version` (required; 1–255 chars, `[^#/\s]+`).
    #[serde(rename = "version")]
    pub package_version: Option<String>,
    /// `assetName`, sent as `asset` (required; 1–255 chars, `\P{C}+`).
    #[serde(rename = "asset")]
    pub asset_name: Option<String>,
    /// `packageVersionRevision`, sent as `revision` (1–50 chars, `\S+`): pins the revision.
    #[serde(rename = "revision", default, skip_serializing_if = "Option::is_none")]
    pub package_version_revision: Option<String>,
}

/// The query-string members of PublishPackageVersion. The body is the raw asset and the
/// [`HEADER_ASSET_SHA256`] header carries its hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PublishPackageVersionQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
    /// `format` (required; only `generic` is accepted).
    pub format: Option<String>,
    /// `namespace` (1–255 chars, `[^#/\s]+`; required for generic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (required; 1–255 chars, `[^#/\s]+`).
    pub package: Option<String>,
    /// `packageVersion`, sent as `version` (required; 1–255 chars, `[^#/\s]+`).
    #[serde(rename = "version")]
    pub package_version: Option<String>,
    /// `assetName`, sent as `asset` (required; 1–255 chars, `\P{C}+`).
    #[serde(rename = "asset")]
    pub asset_name: Option<String>,
    /// `unfinished` (boolean, sent as `true`/`false`): keep the version `Unfinished`. Kept
    /// as text so the server reports bad values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfinished: Option<String>,
}

/// The response of PublishPackageVersion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishPackageVersionResult {
    /// `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<PackageFormat>,
    /// `namespace` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// `version` (1–255 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `versionRevision` (1–50 chars): the revision after this asset was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_revision: Option<String>,
    /// `status`: `Unfinished` or `Published`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PackageVersionStatus>,
    /// `asset`: the asset just published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<AssetSummary>,
}

/// The query-string members of UpdatePackageVersionsStatus.
pub type UpdatePackageVersionsStatusQuery = PackageQuery;

/// The JSON body members of UpdatePackageVersionsStatus.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePackageVersionsStatusBody {
    /// `versions` (required; at most 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<String>>,
    /// `versionRevisions`: version → revision the version must have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_revisions: Option<BTreeMap<String, String>>,
    /// `expectedStatus` (a `PackageVersionStatus`): the status each version must have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_status: Option<String>,
    /// `targetStatus` (required; `Published|Unlisted|Archived` are accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_status: Option<String>,
}

/// The response of UpdatePackageVersionsStatus: `successfulVersions` and `failedVersions`.
pub type UpdatePackageVersionsStatusResult = PackageVersionsOutcome;

/// The query-string members of DeletePackageVersions.
pub type DeletePackageVersionsQuery = PackageQuery;

/// The JSON body members of DeletePackageVersions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletePackageVersionsBody {
    /// `versions` (required; at most 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<String>>,
    /// `expectedStatus` (a `PackageVersionStatus`): the status each version must have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_status: Option<String>,
}

/// The response of DeletePackageVersions: `successfulVersions` and `failedVersions`.
pub type DeletePackageVersionsResult = PackageVersionsOutcome;

/// The query-string members of DisposePackageVersions.
pub type DisposePackageVersionsQuery = PackageQuery;

/// The JSON body members of DisposePackageVersions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisposePackageVersionsBody {
    /// `versions` (required; at most 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<String>>,
    /// `versionRevisions`: version → revision the version must have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_revisions: Option<BTreeMap<String, String>>,
    /// `expectedStatus` (a `PackageVersionStatus`): the status each version must have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_status: Option<String>,
}

/// The response of DisposePackageVersions: `successfulVersions` and `failedVersions`.
pub type DisposePackageVersionsResult = PackageVersionsOutcome;
