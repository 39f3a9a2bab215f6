//! Resource policies: Put/Get/DeleteRepositoryPermissionsPolicy and
//! Put/Get/DeleteDomainPermissionsPolicy.
//!
//! Two wire quirks: DeleteRepositoryPermissionsPolicy's path is plural
//! (`/v1/repository/permissions/policies`), and PutDomainPermissionsPolicy has no query string
//! at all: `domain` and `domainOwner` travel in its JSON body. PutRepositoryPermissionsPolicy's
//! `policyRevision` is a body member too, while both Delete operations take it in the query
//! string as `policy-revision`.

use super::domain::DomainQuery;
use super::repository::RepositoryQuery;
use serde::{Deserialize, Serialize};

/// `ResourcePolicy`: a domain's or repository's resource policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePolicy {
    /// `resourceArn` (1–1011 chars, `\S+`): the domain or repository the policy is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_arn: Option<String>,
    /// `revision` (1–100 chars, `\S+`): changes whenever the policy does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// `document` (1–7168 chars, `[\P{C}\s]+`): the policy's JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

/// The result shared by the six policy operations: `{"policy": ...}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePolicyResult {
    /// `policy`: the policy now in force (or, for the Delete operations, the one deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<ResourcePolicy>,
}

/// The query-string members of PutRepositoryPermissionsPolicy.
pub type PutRepositoryPermissionsPolicyQuery = RepositoryQuery;

/// The JSON body members of PutRepositoryPermissionsPolicy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutRepositoryPermissionsPolicyBody {
    /// `policyRevision` (1–100 chars, `\S+`): replace only the policy at this revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_revision: Option<String>,
    /// `policyDocument` (required; 1–7168 chars, `[\P{C}\s]+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_document: Option<String>,
}

/// The response of PutRepositoryPermissionsPolicy.
pub type PutRepositoryPermissionsPolicyResult = ResourcePolicyResult;

/// The query-string members of GetRepositoryPermissionsPolicy.
pub type GetRepositoryPermissionsPolicyQuery = RepositoryQuery;

/// The response of GetRepositoryPermissionsPolicy.
pub type GetRepositoryPermissionsPolicyResult = ResourcePolicyResult;

/// The query-string members of DeleteRepositoryPermissionsPolicy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DeleteRepositoryPermissionsPolicyQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `repository` (required; 2–100 chars, `[A-Za-z0-9][A-Za-z0-9._\-]{1,99}`).
    pub repository: Option<String>,
    /// `policy-revision` (1–100 chars, `\S+`): delete only the policy at this revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_revision: Option<String>,
}

/// The response of DeleteRepositoryPermissionsPolicy.
pub type DeleteRepositoryPermissionsPolicyResult = ResourcePolicyResult;

/// The JSON body members of PutDomainPermissionsPolicy (it has no query string).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutDomainPermissionsPolicyBody {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// `domainOwner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `policyRevision` (1–100 chars, `\S+`): replace only the policy at this revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_revision: Option<String>,
    /// `policyDocument` (required; 1–7168 chars, `[\P{C}\s]+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_document: Option<String>,
}

/// The response of PutDomainPermissionsPolicy.
pub type PutDomainPermissionsPolicyResult = ResourcePolicyResult;

/// The query-string members of GetDomainPermissionsPolicy.
pub type GetDomainPermissionsPolicyQuery = DomainQuery;

/// The response of GetDomainPermissionsPolicy.
pub type GetDomainPermissionsPolicyResult = ResourcePolicyResult;

/// The query-string members of DeleteDomainPermissionsPolicy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DeleteDomainPermissionsPolicyQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
    /// `policy-revision` (1–100 chars, `\S+`): delete only the policy at this revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_revision: Option<String>,
}

/// The response of DeleteDomainPermissionsPolicy.
pub type DeleteDomainPermissionsPolicyResult = ResourcePolicyResult;
