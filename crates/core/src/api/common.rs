//! Shapes shared by several operations: per-version outcomes, origins, asset summaries and the
//! error envelope.

use crate::names::PackageVersionStatus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `PackageVersionErrorCode`: why one version of a batch operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PackageVersionErrorCode {
    /// The destination holds a different version with the same number.
    AlreadyExists,
    /// The version's revision is not the one the caller named.
    MismatchedRevision,
    /// The version's status does not allow the operation.
    MismatchedStatus,
    /// A policy does not allow the version into the destination.
    NotAllowed,
    /// The version does not exist where it was looked for.
    NotFound,
    /// Not attempted because another version of the batch failed.
    Skipped,
}

impl PackageVersionErrorCode {
    /// The wire spelling (`ALREADY_EXISTS`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PackageVersionErrorCode::AlreadyExists => "ALREADY_EXISTS",
            PackageVersionErrorCode::MismatchedRevision => "MISMATCHED_REVISION",
            PackageVersionErrorCode::MismatchedStatus => "MISMATCHED_STATUS",
            PackageVersionErrorCode::NotAllowed => "NOT_ALLOWED",
            PackageVersionErrorCode::NotFound => "NOT_FOUND",
            PackageVersionErrorCode::Skipped => "SKIPPED",
        }
    }
}

/// `PackageVersionError`: the code and message of one failed version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageVersionError {
    /// Why it failed.
    pub error_code: PackageVersionErrorCode,
    /// A sentence for people.
    pub error_message: String,
}

/// `SuccessfulPackageVersionInfo`: the revision and resulting status of one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuccessfulPackageVersionInfo {
    /// The revision of the version (unchanged by copies).
    pub revision: String,
    /// The status the version has after the operation.
    pub status: PackageVersionStatus,
}

/// The `{successfulVersions, failedVersions}` result of Copy, UpdateStatus, Delete and Dispose.
/// Both maps are always present, possibly empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageVersionsOutcome {
    /// Versions the operation succeeded for, keyed by version string.
    #[serde(default)]
    pub successful_versions: BTreeMap<String, SuccessfulPackageVersionInfo>,
    /// Versions that failed, keyed by version string.
    #[serde(default)]
    pub failed_versions: BTreeMap<String, PackageVersionError>,
}

/// `PackageVersionOriginType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PackageVersionOriginType {
    /// Published directly to a repository of the domain.
    Internal,
    /// Ingested from an external connection.
    External,
    /// Not known.
    Unknown,
}

/// `DomainEntryPoint`: where a version first entered the domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainEntryPoint {
    /// The repository the version was published to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_name: Option<String>,
    /// The external connection it was ingested from (`public:npmjs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_connection_name: Option<String>,
}

/// `PackageVersionOrigin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageVersionOrigin {
    /// Where the version entered the domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_entry_point: Option<DomainEntryPoint>,
    /// How it entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_type: Option<PackageVersionOriginType>,
}

/// `AssetSummary`: an asset's name, size and hashes (lowercase hex keyed by `MD5`, `SHA-1`,
/// `SHA-256`, `SHA-512`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetSummary {
    /// The asset's file name.
    pub name: String,
    /// Its size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Its hashes.
    #[serde(default)]
    pub hashes: BTreeMap<String, String>,
}

/// `PackageVersionSummary`: one entry of ListPackageVersions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageVersionSummary {
    /// The version string.
    pub version: String,
    /// Its revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Its status.
    pub status: PackageVersionStatus,
    /// Where it entered the domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<PackageVersionOrigin>,
}

/// The JSON body of every error response, with the modelled extra members of the exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The exception name, for clients that read it from the body (`__type`).
    #[serde(rename = "__type", default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// The message.
    pub message: String,
    /// `ResourceNotFoundException`, `ConflictException`, `ServiceQuotaExceededException`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// `domain`, `repository`, `package`, `package-version` or `asset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// `ValidationException` reason (`FIELD_VALIDATION_FAILED`, `CANNOT_PARSE`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
