//! The records storage returns.

use std::collections::BTreeMap;
use wharf_core::api::{
    AssetSummary, DomainEntryPoint, PackageVersionOrigin, PackageVersionOriginType,
};
use wharf_core::names::{PackageFormat, PackageVersionStatus};
use wharf_core::revision::VersionMetadata;

/// A domain.
#[derive(Debug, Clone)]
pub struct DomainRow {
    /// Row id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The owning account.
    pub owner: String,
    /// Creation time (epoch seconds).
    pub created_time: f64,
    /// How many repositories it has.
    pub repository_count: i64,
    /// Total size of the assets its repositories reference.
    pub asset_size_bytes: i64,
}

/// A repository.
#[derive(Debug, Clone)]
pub struct RepositoryRow {
    /// Row id.
    pub id: i64,
    /// Its domain's name.
    pub domain: String,
    /// Its domain's owner.
    pub owner: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// Creation time.
    pub created_time: f64,
    /// Upstream repository names in priority order.
    pub upstreams: Vec<String>,
    /// The external connection's name (e.g. `public:npmjs`), at most one.
    pub external_connection: Option<String>,
}

/// A package in a repository.
#[derive(Debug, Clone)]
pub struct PackageRow {
    /// Row id.
    pub id: i64,
    /// Format.
    pub format: PackageFormat,
    /// Namespace, if any.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Origin control for publishing (`ALLOW` or `BLOCK`).
    pub origin_publish: String,
    /// Origin control for upstream versions (`ALLOW` or `BLOCK`).
    pub origin_upstream: String,
}

/// A package version.
#[derive(Debug, Clone)]
pub struct VersionRow {
    /// Row id.
    pub id: i64,
    /// Version string.
    pub version: String,
    /// Revision.
    pub revision: String,
    /// Status.
    pub status: PackageVersionStatus,
    /// `INTERNAL`, `EXTERNAL` or `UNKNOWN`.
    pub origin_type: PackageVersionOriginType,
    /// The repository it entered the domain through.
    pub entry_repository: Option<String>,
    /// Publish time.
    pub published_time: f64,
    /// Version-level metadata.
    pub metadata: VersionMetadata,
}

impl VersionRow {
    /// The version's origin as the API reports it.
    pub fn origin(&self) -> PackageVersionOrigin {
        PackageVersionOrigin {
            // An EXTERNAL version's entry point is the connection it was fetched through.
            domain_entry_point: Some(match self.origin_type {
                PackageVersionOriginType::External => DomainEntryPoint {
                    repository_name: None,
                    external_connection_name: self.entry_repository.clone(),
                },
                _ => DomainEntryPoint {
                    repository_name: self.entry_repository.clone(),
                    external_connection_name: None,
                },
            }),
            origin_type: Some(self.origin_type),
        }
    }
}

/// An asset of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    /// MD5 (hex).
    pub md5: String,
    /// SHA-1 (hex).
    pub sha1: String,
    /// SHA-256 (hex); also the blob's address.
    pub sha256: String,
    /// SHA-512 (hex).
    pub sha512: String,
}

impl AssetRow {
    /// The asset as ListPackageVersionAssets reports it.
    pub fn summary(&self) -> AssetSummary {
        AssetSummary {
            name: self.name.clone(),
            size: Some(self.size as u64),
            hashes: BTreeMap::from([
                ("MD5".to_owned(), self.md5.clone()),
                ("SHA-1".to_owned(), self.sha1.clone()),
                ("SHA-256".to_owned(), self.sha256.clone()),
                ("SHA-512".to_owned(), self.sha512.clone()),
            ]),
        }
    }
}

/// Parses a stored status.
pub(crate) fn status_of(s: &str) -> PackageVersionStatus {
    PackageVersionStatus::parse_as(s, "status").unwrap_or(PackageVersionStatus::Published)
}

/// Parses a stored origin type.
pub(crate) fn origin_type_of(s: &str) -> PackageVersionOriginType {
    match s {
        "INTERNAL" => PackageVersionOriginType::Internal,
        "EXTERNAL" => PackageVersionOriginType::External,
        _ => PackageVersionOriginType::Unknown,
    }
}

/// The stored spelling of an origin type.
pub(crate) fn origin_type_str(t: PackageVersionOriginType) -> &'static str {
    match t {
        PackageVersionOriginType::Internal => "INTERNAL",
        PackageVersionOriginType::External => "EXTERNAL",
        PackageVersionOriginType::Unknown => "UNKNOWN",
    }
}
