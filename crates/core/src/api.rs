//! The wire contract: request and response shapes of every operation Wharf serves, exactly as
//! CodeArtifact's REST-JSON protocol (2018-09-22) spells them.
//!
//! These are plain data bags (strings, options, maps) shared by the server (which deserialises
//! requests), the console (which serialises them) and the JavaScript façade. Casing is declared
//! on each type: query-string members are kebab-case (`domain-owner`), JSON bodies and
//! responses are camelCase (`versionRevisions`). Maps are `BTreeMap` so output is deterministic.
//! Validation happens when a DTO is converted into a domain type (`TryFrom`), never here.

pub mod activity;
pub mod auth;
pub mod common;
pub mod copy;
pub mod domain;
pub mod package;
pub mod package_group;
pub mod package_version;
pub mod policy;
pub mod promotion;
pub mod repository;
pub mod tags;
pub mod version_docs;

pub use activity::*;
pub use auth::*;
pub use common::*;
pub use copy::*;
pub use domain::*;
pub use package::*;
pub use package_group::*;
pub use package_version::*;
pub use policy::*;
pub use promotion::*;
pub use repository::*;
pub use tags::*;
pub use version_docs::*;

#[cfg(test)]
mod tests;

/// Every operation Wharf serves, as `(operation, HTTP method, path)` exactly as the model's
/// `http` trait gives them. Paths are fixed (identity travels in the query string), and one path
/// may carry several methods (`/v1/package`, `/v1/domain`, `/v1/repository`). The server builds
/// its router from this table; `tests/wire_model.rs` checks it against botocore's model.
pub const OPERATIONS: &[(&str, &str, &str)] = &[
    ("CopyPackageVersions", "POST", "/v1/package/versions/copy"),
    ("CreateDomain", "POST", "/v1/domain"),
    ("DescribeDomain", "GET", "/v1/domain"),
    ("DeleteDomain", "DELETE", "/v1/domain"),
    ("ListDomains", "POST", "/v1/domains"),
    ("CreateRepository", "POST", "/v1/repository"),
    ("DescribeRepository", "GET", "/v1/repository"),
    ("UpdateRepository", "PUT", "/v1/repository"),
    ("DeleteRepository", "DELETE", "/v1/repository"),
    ("ListRepositories", "POST", "/v1/repositories"),
    (
        "ListRepositoriesInDomain",
        "POST",
        "/v1/domain/repositories",
    ),
    ("GetRepositoryEndpoint", "GET", "/v1/repository/endpoint"),
    ("ListPackages", "POST", "/v1/packages"),
    ("DescribePackage", "GET", "/v1/package"),
    ("DeletePackage", "DELETE", "/v1/package"),
    ("PutPackageOriginConfiguration", "POST", "/v1/package"),
    ("ListPackageVersions", "POST", "/v1/package/versions"),
    ("DescribePackageVersion", "GET", "/v1/package/version"),
    (
        "ListPackageVersionAssets",
        "POST",
        "/v1/package/version/assets",
    ),
    ("GetPackageVersionAsset", "GET", "/v1/package/version/asset"),
    (
        "PublishPackageVersion",
        "POST",
        "/v1/package/version/publish",
    ),
    (
        "UpdatePackageVersionsStatus",
        "POST",
        "/v1/package/versions/update_status",
    ),
    (
        "DeletePackageVersions",
        "POST",
        "/v1/package/versions/delete",
    ),
    (
        "DisposePackageVersions",
        "POST",
        "/v1/package/versions/dispose",
    ),
    ("GetAuthorizationToken", "POST", "/v1/authorization-token"),
    (
        "PutDomainPermissionsPolicy",
        "PUT",
        "/v1/domain/permissions/policy",
    ),
    (
        "GetDomainPermissionsPolicy",
        "GET",
        "/v1/domain/permissions/policy",
    ),
    (
        "DeleteDomainPermissionsPolicy",
        "DELETE",
        "/v1/domain/permissions/policy",
    ),
    (
        "PutRepositoryPermissionsPolicy",
        "PUT",
        "/v1/repository/permissions/policy",
    ),
    (
        "GetRepositoryPermissionsPolicy",
        "GET",
        "/v1/repository/permissions/policy",
    ),
    // The model's one plural path: Put and Get use `.../policy`, Delete `.../policies`.
    (
        "DeleteRepositoryPermissionsPolicy",
        "DELETE",
        "/v1/repository/permissions/policies",
    ),
    ("CreatePackageGroup", "POST", "/v1/package-group"),
    ("DescribePackageGroup", "GET", "/v1/package-group"),
    ("UpdatePackageGroup", "PUT", "/v1/package-group"),
    ("DeletePackageGroup", "DELETE", "/v1/package-group"),
    (
        "UpdatePackageGroupOriginConfiguration",
        "PUT",
        "/v1/package-group-origin-configuration",
    ),
    ("ListPackageGroups", "POST", "/v1/package-groups"),
    (
        "ListSubPackageGroups",
        "POST",
        "/v1/package-groups/sub-groups",
    ),
    (
        "GetAssociatedPackageGroup",
        "GET",
        "/v1/get-associated-package-group",
    ),
    (
        "ListAllowedRepositoriesForGroup",
        "GET",
        "/v1/package-group-allowed-repositories",
    ),
    (
        "ListAssociatedPackages",
        "GET",
        "/v1/list-associated-packages",
    ),
    (
        "GetPackageVersionReadme",
        "GET",
        "/v1/package/version/readme",
    ),
    (
        "ListPackageVersionDependencies",
        "POST",
        "/v1/package/version/dependencies",
    ),
    (
        "AssociateExternalConnection",
        "POST",
        "/v1/repository/external-connection",
    ),
    (
        "DisassociateExternalConnection",
        "DELETE",
        "/v1/repository/external-connection",
    ),
    ("TagResource", "POST", "/v1/tag"),
    ("UntagResource", "POST", "/v1/untag"),
    ("ListTagsForResource", "POST", "/v1/tags"),
];
