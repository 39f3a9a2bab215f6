//! Release promotion (Wharf's own API under `/wharf/v1/promotions`, not CodeArtifact's): the
//! request, the plan/result, the stored record with its writes, listing and revert.
//!
//! JSON members are camelCase; enum values SCREAMING_SNAKE_CASE. Like the CodeArtifact DTOs
//! these are plain data bags: [`crate::promotion::PromotionSpec::try_from`] validates a
//! [`PromotionRequest`], and [`crate::promotion::PromotionPlan::result`] builds a
//! [`PromotionResult`].

use super::copy::{DistTagChange, PackageView};
use crate::names::PackageFormat;
use crate::revision::{VersionContent, VersionDiff};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod record;
pub use record::*;

/// `POST /wharf/v1/promotions`: what to promote, from where to where. Exactly one of
/// `packages`, `lockfile`, `requirements` and `select` names the versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionRequest {
    /// The source domain (and the destination's, unless `destinationDomain` is given).
    #[serde(default)]
    pub domain: Option<String>,
    /// The domain's owner (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// The repository to promote from.
    #[serde(default)]
    pub source_repository: Option<String>,
    /// The destination's domain, when it differs from `domain` (cross-domain promotion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_domain: Option<String>,
    /// The repository to promote into.
    #[serde(default)]
    pub destination_repository: Option<String>,
    /// An explicit list of packages and versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages: Option<Vec<PackageSelection>>,
    /// The text of an npm `package-lock.json` (lockfileVersion 2 or 3, at most 20 MB): every
    /// registry package it pins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockfile: Option<String>,
    /// The text of a pip `requirements.txt`, a `uv.lock` or a `pylock.toml` (at most 20 MB):
    /// every version it pins, as pypi packages under their PEP 503 names. Its sha256 hashes
    /// (`--hash` options, lock files' file hashes) must match the stored files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<String>,
    /// Every package of the source repository that matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<PromotionSelect>,
    /// Add the highest source version satisfying each unsatisfied npm dependency range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_dependencies: Option<bool>,
    /// Apply even when a dependency range stays unsatisfied (it is still reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_unsatisfied: Option<bool>,
    /// Replace differing destination versions (as CopyPackageVersions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_overwrite: Option<bool>,
    /// Take versions from the source's upstreams too (as CopyPackageVersions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_from_upstream: Option<bool>,
    /// Plan only; write nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    /// Free text stored with the record ("release 2.3, CI run 1234"), at most 1,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One package of an explicit promotion: exactly one of `versions` and `versionRevisions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageSelection {
    /// The package format.
    #[serde(default)]
    pub format: Option<String>,
    /// The namespace (npm scope without `@`), where the format has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The package name.
    #[serde(default)]
    pub package: Option<String>,
    /// The versions to promote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<String>>,
    /// The versions to promote, each only at this revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_revisions: Option<BTreeMap<String, String>>,
}

/// A selection in the source repository: every package of `format` (in `namespace`, whose name
/// starts with `packagePrefix`), every version with `status` (default `Published`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionSelect {
    /// The format (required).
    #[serde(default)]
    pub format: Option<String>,
    /// Only packages in this namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Only packages whose name starts with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_prefix: Option<String>,
    /// Only versions with this status (default `Published`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A repository, by domain and name.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryRef {
    /// The domain.
    pub domain: String,
    /// The repository.
    pub repository: String,
}

/// Where a promotion (or its revert) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PromotionStatus {
    /// A dry run that would succeed.
    Planned,
    /// Written.
    Applied,
    /// The plan fails: nothing was (or would be) written.
    Failed,
}

/// What a promotion does to one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PromotionAction {
    /// New in the destination: copied.
    Copy,
    /// The destination's differing version is replaced (`allowOverwrite`).
    Overwrite,
    /// The destination holds it identical: nothing to write.
    Noop,
    /// It fails (see `errorCode`); the promotion writes nothing.
    Fail,
    /// It would have been written, but another version failed.
    Skipped,
}

/// Why a version fails: CopyPackageVersions' codes plus `UNSATISFIED_DEPENDENCY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PromotionErrorCode {
    /// The destination holds a different version with the same number.
    AlreadyExists,
    /// The version's revision is not the one the caller named.
    MismatchedRevision,
    /// The version's status does not allow copying it.
    MismatchedStatus,
    /// A policy does not allow the version into the destination.
    NotAllowed,
    /// The version is not in the source (nor, with `includeFromUpstream`, its upstreams).
    NotFound,
    /// Not attempted because another version failed.
    Skipped,
    /// A dependency range of this version is not satisfied in the destination.
    UnsatisfiedDependency,
}

impl From<super::common::PackageVersionErrorCode> for PromotionErrorCode {
    fn from(code: super::common::PackageVersionErrorCode) -> Self {
        use super::common::PackageVersionErrorCode as C;
        match code {
            C::AlreadyExists => PromotionErrorCode::AlreadyExists,
            C::MismatchedRevision => PromotionErrorCode::MismatchedRevision,
            C::MismatchedStatus => PromotionErrorCode::MismatchedStatus,
            C::NotAllowed => PromotionErrorCode::NotAllowed,
            C::NotFound => PromotionErrorCode::NotFound,
            C::Skipped => PromotionErrorCode::Skipped,
        }
    }
}

/// One version of a promotion's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotedVersion {
    /// The version (stored form).
    pub version: String,
    /// The source revision, when the version was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// What happens to it.
    pub action: PromotionAction,
    /// Why it fails or is skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<PromotionErrorCode>,
    /// A sentence for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Added by the planner because a promoted version depends on it (`withDependencies`).
    #[serde(default)]
    pub added_as_dependency: bool,
    /// What the destination holds of this version now, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_revision: Option<String>,
    /// The status the version has in the destination once the promotion is applied (the
    /// source's for `COPY` and `OVERWRITE`, the destination's for `NOOP`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::names::PackageVersionStatus>,
    /// How the source differs from the destination (destination → source), for conflicts whose
    /// assets and metadata the caller provided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<VersionDiff>,
}

/// One package of a promotion's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotedPackage {
    /// The format.
    pub format: PackageFormat,
    /// The namespace, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The package name.
    pub package: String,
    /// Requested versions in request order, then versions added as dependencies.
    pub versions: Vec<PromotedVersion>,
    /// npm dist-tags the promotion sets (empty when it fails).
    #[serde(default)]
    pub dist_tags: Vec<DistTagChange>,
}

/// Which manifest member a dependency range comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DependencyKind {
    /// `dependencies`.
    Dependencies,
    /// `peerDependencies` not marked optional in `peerDependenciesMeta`.
    PeerDependencies,
}

/// Why a dependency range stays unsatisfied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UnsatisfiedReason {
    /// No version in the destination (after the promotion) or its upstreams satisfies it, and
    /// none was added (no `withDependencies`, or no source version satisfies it).
    NoMatchingVersion,
    /// The spec is not a registry range (git URL, `file:`, `link:`, `npm:` alias,
    /// `workspace:`, a tarball URL): no registry can satisfy it.
    NotARegistryRange,
}

/// A dependency range the destination does not satisfy after the promotion.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnsatisfiedDependency {
    /// The dependency's npm name (`@scope/name`).
    pub package: String,
    /// The range (or spec) as the manifest gives it.
    pub range: String,
    /// `name@version` of the promoted version that requires it.
    pub required_by: String,
    /// Where the range is declared.
    pub kind: DependencyKind,
    /// Why it is unsatisfied.
    pub reason: UnsatisfiedReason,
}

/// A version the planner added to satisfy a range (`withDependencies`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddedDependency {
    /// The npm name (`@scope/name`).
    pub package: String,
    /// The version added.
    pub version: String,
    /// `name@version` of the version whose range it satisfies (the first one found).
    pub required_by: String,
}

/// The npm dependency closure of a promotion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClosureReport {
    /// Every unsatisfied range and what requires it.
    #[serde(default)]
    pub unsatisfied: Vec<UnsatisfiedDependency>,
    /// Every version added as a dependency.
    #[serde(default)]
    pub added: Vec<AddedDependency>,
}

/// Counts over a promotion's plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionCounts {
    /// Packages in the plan.
    pub packages: u64,
    /// Versions in the plan.
    pub versions: u64,
    /// `COPY` versions.
    pub copied: u64,
    /// `OVERWRITE` versions.
    pub overwritten: u64,
    /// `NOOP` versions.
    pub noop: u64,
    /// `FAIL` versions.
    pub failed: u64,
    /// `SKIPPED` versions.
    pub skipped: u64,
    /// Versions added as dependencies.
    pub added_as_dependencies: u64,
}

/// The answer to `POST /wharf/v1/promotions`: the plan, per package and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionResult {
    /// The record's id, when the promotion was applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_id: Option<String>,
    /// `PLANNED` (dry run that would succeed), `APPLIED` or `FAILED`.
    pub status: PromotionStatus,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Where versions come from.
    pub source: RepositoryRef,
    /// Where they go.
    pub destination: RepositoryRef,
    /// The plan, package by package (request order, then packages added as dependencies).
    pub packages: Vec<PromotedPackage>,
    /// The npm dependency closure.
    pub closure: ClosureReport,
    /// Counts.
    pub summary: PromotionCounts,
}

/// An npm version's dependency ranges, as its manifest (packument entry) gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NpmDependencies {
    /// `dependencies`: name → range.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dependencies: BTreeMap<String, String>,
    /// `peerDependencies`: name → range.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub peer_dependencies: BTreeMap<String, String>,
    /// `peerDependenciesMeta`: name → `{optional}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub peer_dependencies_meta: BTreeMap<String, PeerDependencyMeta>,
}

/// One entry of `peerDependenciesMeta`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerDependencyMeta {
    /// An optional peer need not be satisfied.
    #[serde(default)]
    pub optional: bool,
}

/// What a repository set holds of one package, for a client-side plan (`planPromotion`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionPackageView {
    /// The format.
    pub format: String,
    /// The namespace, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The package name.
    pub package: String,
    /// The source repository first, then its upstreams in search order.
    pub source: Vec<PackageView>,
    /// The destination repository.
    pub destination: PackageView,
    /// The destination's upstreams (they count for the dependency closure).
    #[serde(default)]
    pub destination_upstreams: Vec<PackageView>,
    /// npm only: each source version's dependency ranges.
    #[serde(default)]
    pub dependencies: BTreeMap<String, NpmDependencies>,
    /// Optional: source versions' assets and metadata, for conflict diffs.
    #[serde(default)]
    pub source_content: BTreeMap<String, VersionContent>,
    /// Optional: destination versions' assets and metadata, for conflict diffs.
    #[serde(default)]
    pub destination_content: BTreeMap<String, VersionContent>,
}

/// The input of `planPromotion`: the request and what the client knows of each package. A
/// package the planner needs but the input lacks counts as absent everywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionPreviewInput {
    /// The request.
    pub request: PromotionRequest,
    /// What the repositories hold, per package.
    #[serde(default)]
    pub packages: Vec<PromotionPackageView>,
}
