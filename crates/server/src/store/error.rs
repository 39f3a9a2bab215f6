//! What storage reports when it refuses: typed values that name the resource and its
//! identifiers. Storage words nothing for people; the handler layer (`crate::error::words`)
//! turns these into CodeArtifact's, npm's or PyPI's messages.

use super::repositories::UpstreamRefusal;
use wharf_core::names::{PackageCoordinate, PackageVersionStatus};
use wharf_core::promotion::revert::Conflict as RevertConflict;

/// What went wrong in storage, by kind (never by operation).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A domain, repository, package, version, asset or other resource that does not exist.
    #[error("not found: {0:?}")]
    NotFound(Missing),
    /// The change conflicts with what exists.
    #[error("conflict: {0:?}")]
    Conflict(Clash),
    /// A limit would be exceeded.
    #[error("limit exceeded: {0:?}")]
    Quota(Limit),
    /// The request is invalid given what is stored (an upstream cycle, a bad page token, ...).
    #[error("{0}")]
    Invalid(String),
    /// A repository's upstream list that the stored graph refuses.
    #[error("upstreams refused: {0:?}")]
    Upstreams(UpstreamRefusal),
    /// The database failed.
    #[error(transparent)]
    Backend(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Backend(e.into())
    }
}

impl From<Missing> for StoreError {
    fn from(m: Missing) -> Self {
        StoreError::NotFound(m)
    }
}

impl From<Clash> for StoreError {
    fn from(c: Clash) -> Self {
        StoreError::Conflict(c)
    }
}

impl From<Limit> for StoreError {
    fn from(l: Limit) -> Self {
        StoreError::Quota(l)
    }
}

/// Which resource a resource policy hangs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyHolder {
    /// A domain's policy.
    Domain,
    /// A repository's policy.
    Repository,
}

/// The resource that does not exist, with the identifiers that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No such domain.
    Domain {
        /// Its name.
        domain: String,
    },
    /// No such repository in the domain.
    Repository {
        /// The domain looked in.
        domain: String,
        /// The repository's name.
        repository: String,
    },
    /// No such package in the repository.
    Package {
        /// The repository looked in.
        repository: String,
        /// The package.
        package: PackageCoordinate,
    },
    /// No such version of the package.
    Version {
        /// The package.
        package: PackageCoordinate,
        /// The version.
        version: String,
    },
    /// No such IAM user.
    User {
        /// The user's name.
        user: String,
    },
    /// No such access key.
    AccessKey {
        /// The access key id.
        id: String,
    },
    /// The user has no identity policy of this name.
    UserPolicy {
        /// The user.
        user: String,
        /// The policy's name.
        policy: String,
    },
    /// The domain or repository has no resource policy.
    ResourcePolicy {
        /// What kind of resource.
        holder: PolicyHolder,
        /// Its name.
        name: String,
    },
    /// No such webhook.
    Webhook {
        /// The webhook's id.
        id: String,
    },
    /// The webhook has no such delivery.
    Delivery {
        /// The webhook's id.
        webhook: String,
        /// The delivery's id.
        delivery: i64,
    },
    /// The repository has no such external connection.
    ExternalConnection {
        /// The repository.
        repository: String,
        /// The connection's name.
        connection: String,
    },
    /// No such promotion record.
    Promotion {
        /// The promotion's id.
        id: String,
    },
    /// No such package group.
    PackageGroup {
        /// The group's pattern.
        pattern: String,
    },
}

/// What a refused change conflicts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clash {
    /// The domain exists already.
    DomainExists {
        /// Its name.
        domain: String,
    },
    /// The domain still holds repositories.
    DomainNotEmpty {
        /// Its name.
        domain: String,
        /// How many repositories it holds.
        repositories: i64,
    },
    /// The repository exists already in the domain.
    RepositoryExists {
        /// The domain.
        domain: String,
        /// The repository.
        repository: String,
    },
    /// The repository is an upstream of another repository.
    RepositoryIsUpstream {
        /// The repository to be deleted.
        repository: String,
        /// A repository that lists it among its upstreams.
        downstream: String,
    },
    /// The IAM user exists already.
    UserExists {
        /// The user's name.
        user: String,
    },
    /// A resource policy's revision is not the one the request expected.
    PolicyRevision {
        /// What kind of resource holds the policy.
        holder: PolicyHolder,
        /// Its name.
        name: String,
        /// The revision the request gave.
        given: String,
    },
    /// The promotion was reverted already.
    PromotionReverted {
        /// The promotion.
        id: String,
        /// The promotion that reverted it.
        by: String,
    },
    /// The promotion's writes changed since, so it cannot be reverted.
    PromotionIrreversible {
        /// The promotion.
        id: String,
        /// What changed since.
        conflicts: Vec<RevertConflict>,
    },
    /// The version already has an asset of this name with other content.
    AssetDiffers {
        /// The version.
        version: String,
        /// The asset's name.
        asset: String,
    },
    /// Assets can be added only while a version is Unfinished.
    VersionNotUnfinished {
        /// The version.
        version: String,
        /// Its status.
        status: PackageVersionStatus,
    },
    /// The package group exists already.
    PackageGroupExists {
        /// Its pattern.
        pattern: String,
    },
    /// A package group's origin restrictions block the package in this repository.
    BlockedByGroup {
        /// The package.
        package: PackageCoordinate,
        /// The refusal as `wharf_core`'s group resolution words it (shared with npm and PyPI).
        refusal: String,
    },
}

/// The limit a refused change would exceed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limit {
    /// Too many tags on one resource.
    Tags {
        /// The resource's ARN.
        arn: String,
        /// The most a resource may have.
        max: usize,
        /// How many it would have.
        would_have: usize,
    },
    /// Too many assets on one version.
    Assets {
        /// The version.
        version: String,
        /// How many it has (the most it may have).
        count: usize,
    },
}
