//! Repositories: Create/Describe/Update/DeleteRepository (`POST/GET/PUT/DELETE /v1/repository`),
//! ListRepositories (`POST /v1/repositories`), ListRepositoriesInDomain
//! (`POST /v1/domain/repositories`) and GetRepositoryEndpoint (`GET /v1/repository/endpoint`).
//!
//! GetRepositoryEndpoint's `endpointType` is the one camelCase query parameter here.

use super::domain::Tag;
use crate::names::PackageFormat;
use serde::{Deserialize, Serialize};

/// `ExternalConnectionStatus`: only `Available`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ExternalConnectionStatus {
    /// The connection can be used.
    Available,
}

/// The query-string members shared by Create/Describe/Update/DeleteRepository and
/// Get/PutRepositoryPermissionsPolicy: `domain`, `domain-owner` and `repository`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RepositoryQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`; defaults to the caller's account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
}

/// The result shared by Create/Describe/Update/DeleteRepository: `{"repository": ...}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryResult {
    /// The repository as it is (or was, for DeleteRepository) after the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<RepositoryDescription>,
}

/// `UpstreamRepository`: one upstream named in CreateRepository or UpdateRepository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpstreamRepository {
    /// `repositoryName` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_name: Option<String>,
}

/// The query-string members of CreateRepository.
pub type CreateRepositoryQuery = RepositoryQuery;

/// The JSON body members of CreateRepository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRepositoryBody {
    /// `description` (at most 1000 chars, `\P{C}*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `upstreams`, in search-priority order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstreams: Option<Vec<UpstreamRepository>>,
    /// `tags` (at most 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

/// The response of CreateRepository (`CreateRepositoryResult`).
pub type CreateRepositoryResult = RepositoryResult;

/// The query-string members of DescribeRepository.
pub type DescribeRepositoryQuery = RepositoryQuery;

/// The response of DescribeRepository (`DescribeRepositoryResult`).
pub type DescribeRepositoryResult = RepositoryResult;

/// The query-string members of UpdateRepository.
pub type UpdateRepositoryQuery = RepositoryQuery;

/// The JSON body members of UpdateRepository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRepositoryBody {
    /// `description` (at most 1000 chars, `\P{C}*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `upstreams`: replaces the whole list, in search-priority order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstreams: Option<Vec<UpstreamRepository>>,
}

/// The response of UpdateRepository (`UpdateRepositoryResult`).
pub type UpdateRepositoryResult = RepositoryResult;

/// The query-string members of DeleteRepository.
pub type DeleteRepositoryQuery = RepositoryQuery;

/// The response of DeleteRepository (`DeleteRepositoryResult`): the repository as it was.
pub type DeleteRepositoryResult = RepositoryResult;

/// The query-string members of AssociateExternalConnection and
/// DisassociateExternalConnection (`POST`/`DELETE /v1/repository/external-connection`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ExternalConnectionQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`; defaults to the caller's account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
    /// `external-connection` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-:]{1,99}`,
    /// e.g. `public:npmjs`).
    pub external_connection: Option<String>,
}

/// The query-string members of AssociateExternalConnection.
pub type AssociateExternalConnectionQuery = ExternalConnectionQuery;

/// The response of AssociateExternalConnection: the repository with its connection.
pub type AssociateExternalConnectionResult = RepositoryResult;

/// The query-string members of DisassociateExternalConnection.
pub type DisassociateExternalConnectionQuery = ExternalConnectionQuery;

/// The response of DisassociateExternalConnection: the repository without its connection.
pub type DisassociateExternalConnectionResult = RepositoryResult;

/// The query-string members of ListRepositories (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListRepositoriesQuery {
    /// `repository-prefix` (2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_prefix: Option<String>,
    /// `max-results` (integer 1–1000), kept as text so the server reports bad values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<String>,
    /// `next-token` (1–2000 chars, `\S+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The response of ListRepositories.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRepositoriesResult {
    /// The repositories of this page.
    #[serde(default)]
    pub repositories: Vec<RepositorySummary>,
    /// The token of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The query-string members of ListRepositoriesInDomain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListRepositoriesInDomainQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `administrator-account` (12 digits): only repositories this account administers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator_account: Option<String>,
    /// `repository-prefix` (2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_prefix: Option<String>,
    /// `max-results` (integer 1–1000), kept as text so the server reports bad values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<String>,
    /// `next-token` (1–2000 chars, `\S+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The response of ListRepositoriesInDomain (same members as ListRepositories').
pub type ListRepositoriesInDomainResult = ListRepositoriesResult;

/// The query-string members of GetRepositoryEndpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct GetRepositoryEndpointQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
    /// `format` (required; `npm|pypi|maven|nuget|generic|ruby|swift|cargo`).
    pub format: Option<String>,
    /// `endpointType` (camelCase on the wire; `dualstack|ipv4`).
    #[serde(
        rename = "endpointType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub endpoint_type: Option<String>,
}

/// The response of GetRepositoryEndpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetRepositoryEndpointResult {
    /// `repositoryEndpoint`: the package manager's URL of the repository, ending in `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_endpoint: Option<String>,
}

/// `UpstreamRepositoryInfo`: one upstream of a repository, as described.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpstreamRepositoryInfo {
    /// `repositoryName` (2–100 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_name: Option<String>,
}

/// `RepositoryExternalConnectionInfo`: an external connection of a repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryExternalConnectionInfo {
    /// `externalConnectionName` (2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-:]{1,99}`, e.g.
    /// `public:npmjs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_connection_name: Option<String>,
    /// `packageFormat`: the format the connection serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_format: Option<PackageFormat>,
    /// `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ExternalConnectionStatus>,
}

/// `RepositoryDescription`: everything about a repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryDescription {
    /// `name` (2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `administratorAccount` (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator_account: Option<String>,
    /// `domainName` (2–50 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// `domainOwner` (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `arn`: `arn:aws:codeartifact:<region>:<owner>:repository/<domain>/<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `description` (at most 1000 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `upstreams`, in search-priority order.
    #[serde(default)]
    pub upstreams: Vec<UpstreamRepositoryInfo>,
    /// `externalConnections`.
    #[serde(default)]
    pub external_connections: Vec<RepositoryExternalConnectionInfo>,
    /// `createdTime`: epoch seconds, fractions allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<f64>,
}

/// `RepositorySummary`: one entry of ListRepositories and ListRepositoriesInDomain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositorySummary {
    /// `name` (2–100 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `administratorAccount` (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator_account: Option<String>,
    /// `domainName` (2–50 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// `domainOwner` (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `arn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `description` (at most 1000 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `createdTime`: epoch seconds, fractions allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<f64>,
}
