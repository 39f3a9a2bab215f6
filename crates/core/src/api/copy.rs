//! CopyPackageVersions: `POST /v1/package/versions/copy`.

use super::common::PackageVersionsOutcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The query-string members of CopyPackageVersions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CopyPackageVersionsQuery {
    /// `domain` (required).
    pub domain: Option<String>,
    /// `domain-owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `source-repository` (required).
    pub source_repository: Option<String>,
    /// `destination-repository` (required).
    pub destination_repository: Option<String>,
    /// `format` (required).
    pub format: Option<String>,
    /// `namespace` (required for maven, swift, generic; absent for pypi, nuget, ruby, cargo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `package` (required).
    pub package: Option<String>,
}

/// The JSON body members of CopyPackageVersions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopyPackageVersionsBody {
    /// The versions to copy (at most 100). Exactly one of this and `versionRevisions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<String>>,
    /// Version → revision pairs: copy each version only at that revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_revisions: Option<BTreeMap<String, String>>,
    /// Replace differing destination versions instead of failing with `ALREADY_EXISTS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_overwrite: Option<bool>,
    /// Also look for the versions in the source's upstream repositories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_from_upstream: Option<bool>,
}

/// Every member of CopyPackageVersions, as SDKs name them (the query and the body together).
/// This is the shape the console and the JavaScript façade pass around.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopyPackageVersionsRequest {
    /// The domain holding both repositories.
    #[serde(default)]
    pub domain: Option<String>,
    /// The domain's owning account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// The repository to copy from.
    #[serde(default)]
    pub source_repository: Option<String>,
    /// The repository to copy into.
    #[serde(default)]
    pub destination_repository: Option<String>,
    /// The package format.
    #[serde(default)]
    pub format: Option<String>,
    /// The package namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The package name.
    #[serde(default)]
    pub package: Option<String>,
    /// See [`CopyPackageVersionsBody::versions`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<String>>,
    /// See [`CopyPackageVersionsBody::version_revisions`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_revisions: Option<BTreeMap<String, String>>,
    /// See [`CopyPackageVersionsBody::allow_overwrite`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_overwrite: Option<bool>,
    /// See [`CopyPackageVersionsBody::include_from_upstream`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_from_upstream: Option<bool>,
}

impl CopyPackageVersionsRequest {
    /// Joins the query and body members as the server received them.
    pub fn from_parts(query: CopyPackageVersionsQuery, body: CopyPackageVersionsBody) -> Self {
        CopyPackageVersionsRequest {
            domain: query.domain,
            domain_owner: query.domain_owner,
            source_repository: query.source_repository,
            destination_repository: query.destination_repository,
            format: query.format,
            namespace: query.namespace,
            package: query.package,
            versions: body.versions,
            version_revisions: body.version_revisions,
            allow_overwrite: body.allow_overwrite,
            include_from_upstream: body.include_from_upstream,
        }
    }

    /// Splits the request into what travels in the query string and what in the body.
    pub fn into_parts(self) -> (CopyPackageVersionsQuery, CopyPackageVersionsBody) {
        (
            CopyPackageVersionsQuery {
                domain: self.domain,
                domain_owner: self.domain_owner,
                source_repository: self.source_repository,
                destination_repository: self.destination_repository,
                format: self.format,
                namespace: self.namespace,
                package: self.package,
            },
            CopyPackageVersionsBody {
                versions: self.versions,
                version_revisions: self.version_revisions,
                allow_overwrite: self.allow_overwrite,
                include_from_upstream: self.include_from_upstream,
            },
        )
    }
}

/// The response of CopyPackageVersions: `successfulVersions` and `failedVersions`.
pub type CopyPackageVersionsResult = PackageVersionsOutcome;

/// What a repository holds of one package, as the planner needs it: the versions
/// (ListPackageVersions entries of every status), the npm dist-tags and the package's origin
/// controls. The console builds it from API calls; the server from its store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageView {
    /// The repository's name.
    pub repository: String,
    /// False when the repository has no record of the package at all.
    #[serde(default = "yes")]
    pub exists: bool,
    /// Every version the repository holds.
    #[serde(default)]
    pub versions: Vec<super::common::PackageVersionSummary>,
    /// npm dist-tags: tag → version.
    #[serde(default)]
    pub dist_tags: BTreeMap<String, String>,
    /// The package's origin control `upstream=BLOCK` in this repository.
    #[serde(default)]
    pub upstream_blocked: bool,
    /// The package's origin control `publish=BLOCK` in this repository.
    #[serde(default)]
    pub publish_blocked: bool,
}

fn yes() -> bool {
    true
}

/// The input of a copy preview (`planCopy`): the request, the source repository followed by
/// its upstreams in search order, and the destination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopyPreviewInput {
    /// The CopyPackageVersions request as SDKs spell it.
    pub request: CopyPackageVersionsRequest,
    /// The source repository first, then its upstreams in depth-first priority order.
    pub source: Vec<PackageView>,
    /// The destination repository.
    pub destination: PackageView,
}

/// What the planner decided for one requested version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlannedAction {
    /// The version is new in the destination and will be copied.
    Copy,
    /// The destination's differing version will be replaced (`allowOverwrite`).
    Overwrite,
    /// The destination already holds the identical version: nothing to do.
    NoOp,
    /// The version fails (see the error code); nothing in the batch is written.
    Fail,
}

/// One row of a copy preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedVersion {
    /// The version (stored form).
    pub version: String,
    /// What will happen to it.
    pub action: PlannedAction,
    /// The repository it is copied from (the source or one of its upstreams).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_repository: Option<String>,
    /// Its source revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// The destination's revision of the same version, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_revision: Option<String>,
    /// Why it fails, for `FAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<super::common::PackageVersionError>,
}

/// An npm dist-tag the copy moves or creates in the destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistTagChange {
    /// The tag (`latest`).
    pub tag: String,
    /// The version it points at in the destination now, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The version it will point at.
    pub to: String,
}

/// A copy preview: exactly the CopyPackageVersionsResult the service would return, plus the
/// per-version actions and dist-tag changes behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopyPlanReport {
    /// What CopyPackageVersions returns for this request against this state.
    pub result: CopyPackageVersionsResult,
    /// One entry per requested version, in request order.
    pub versions: Vec<PlannedVersion>,
    /// npm dist-tag changes (empty unless the whole batch succeeds).
    pub dist_tags: Vec<DistTagChange>,
}
