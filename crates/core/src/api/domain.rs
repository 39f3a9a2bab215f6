//! Domains: CreateDomain (`POST /v1/domain`), DescribeDomain (`GET /v1/domain`), DeleteDomain
//! (`DELETE /v1/domain`) and ListDomains (`POST /v1/domains`).
//!
//! ListDomains is the only operation that paginates in the JSON body (`maxResults`,
//! `nextToken`) instead of the query string. CreateDomain takes no `domain-owner`: a domain is
//! always created in the caller's account.

use serde::{Deserialize, Serialize};

/// `DomainStatus`: `Active` or `Deleted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DomainStatus {
    /// The domain can be used.
    Active,
    /// The domain is being deleted.
    Deleted,
}

/// `Tag`: a key/value pair attached to a domain or repository. Both members are required by
/// the model; they are optional here so the server can report a missing one itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    /// `key` (required; 1–128 chars, `\P{C}+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `value` (required; 0–256 chars, `\P{C}*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The query-string members shared by DescribeDomain, DeleteDomain and
/// GetDomainPermissionsPolicy: `domain` and `domain-owner`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DomainQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
    /// `domain-owner` (12 digits, `[0-9]{12}`; defaults to the caller's account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_owner: Option<String>,
}

/// The result shared by CreateDomain, DescribeDomain and DeleteDomain: `{"domain": ...}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainResult {
    /// The domain as it is (or was, for DeleteDomain) after the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainDescription>,
}

/// The query-string members of CreateDomain: only `domain` (no `domain-owner`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CreateDomainQuery {
    /// `domain` (required; 2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    pub domain: Option<String>,
}

/// The JSON body members of CreateDomain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDomainBody {
    /// `encryptionKey`: the KMS key ARN (1–1011 chars, `\S+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key: Option<String>,
    /// `tags` (at most 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

/// The response of CreateDomain (`CreateDomainResult`).
pub type CreateDomainResult = DomainResult;

/// The query-string members of DescribeDomain.
pub type DescribeDomainQuery = DomainQuery;

/// The response of DescribeDomain (`DescribeDomainResult`).
pub type DescribeDomainResult = DomainResult;

/// The query-string members of DeleteDomain.
pub type DeleteDomainQuery = DomainQuery;

/// The response of DeleteDomain (`DeleteDomainResult`): the domain as it was deleted.
pub type DeleteDomainResult = DomainResult;

/// The JSON body members of ListDomains (it has no query string).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDomainsBody {
    /// `maxResults` (1–1000). A JSON number; signed so the server can report out-of-range
    /// values itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    /// `nextToken` (1–2000 chars, `\S+`): the token of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The response of ListDomains.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDomainsResult {
    /// The domains of this page.
    #[serde(default)]
    pub domains: Vec<DomainSummary>,
    /// The token of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `DomainDescription`: everything about a domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainDescription {
    /// `name` (2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `owner`: the owning account (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `arn` (1–1011 chars): `arn:aws:codeartifact:<region>:<owner>:domain/<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DomainStatus>,
    /// `createdTime`: epoch seconds, fractions allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<f64>,
    /// `encryptionKey`: the KMS key ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key: Option<String>,
    /// `repositoryCount` (integer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_count: Option<u32>,
    /// `assetSizeBytes` (long): the total size of the domain's assets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_size_bytes: Option<u64>,
    /// `s3BucketArn`: where the assets are stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_arn: Option<String>,
}

/// `DomainSummary`: one entry of ListDomains.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainSummary {
    /// `name` (2–50 chars, `[a-z][a-z0-9\-]{0,48}[a-z0-9]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `owner`: the owning account (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `arn` (1–1011 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DomainStatus>,
    /// `createdTime`: epoch seconds, fractions allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<f64>,
    /// `encryptionKey`: the KMS key ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key: Option<String>,
}
