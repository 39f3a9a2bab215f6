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
        Self::origin_of(self.origin_type, self.entry_repository.clone())
    }

    /// The origin the API reports for a version of this origin type and entry repository.
    pub fn origin_of(
        origin_type: PackageVersionOriginType,
        entry_repository: Option<String>,
    ) -> PackageVersionOrigin {
        PackageVersionOrigin {
            // An EXTERNAL version's entry point is the connection it was fetched through.
            domain_entry_point: Some(match origin_type {
                PackageVersionOriginType::External => DomainEntryPoint {
                    repository_name: None,
                    external_connection_name: entry_repository,
                },
                _ => DomainEntryPoint {
                    repository_name: entry_repository,
                    external_connection_name: None,
                },
            }),
            origin_type: Some(origin_type),
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

/// A stored row Wharf cannot read (an unknown status, metadata that is not JSON, a version
/// that does not parse): the error names the table, the row id, the column and what it holds.
/// It reaches clients as a logged 500 `InternalServerException`; nothing reads such a row as
/// something else (ARCHITECTURE.md, "No guessing over corrupt data").
#[derive(Debug, thiserror::Error)]
#[error("corrupt row: {table} id {id}, column {column} holds {value:?}: {problem}")]
pub struct CorruptRow {
    /// The table.
    pub table: &'static str,
    /// The row's id (or key).
    pub id: String,
    /// The column that does not read.
    pub column: &'static str,
    /// What it holds (truncated to 200 characters).
    pub value: String,
    /// Why it does not read.
    pub problem: String,
}

impl super::StoreError {
    /// The error for a stored row that cannot be read (see [`CorruptRow`]).
    pub fn corrupt(
        table: &'static str,
        id: impl std::fmt::Display,
        column: &'static str,
        value: &str,
        problem: impl std::fmt::Display,
    ) -> Self {
        super::StoreError::Backend(anyhow::Error::new(CorruptRow {
            table,
            id: id.to_string(),
            column,
            value: value.chars().take(200).collect(),
            problem: problem.to_string(),
        }))
    }
}

/// Parses a stored status; anything else is a [`CorruptRow`].
pub(crate) fn status_of(
    s: &str,
    table: &'static str,
    id: i64,
) -> super::StoreResult<PackageVersionStatus> {
    PackageVersionStatus::parse_as(s, "status")
        .map_err(|_| super::StoreError::corrupt(table, id, "status", s, "not a version status"))
}

/// Parses a stored origin type; anything else is a [`CorruptRow`].
pub(crate) fn origin_type_of(
    s: &str,
    table: &'static str,
    id: i64,
) -> super::StoreResult<PackageVersionOriginType> {
    match s {
        "INTERNAL" => Ok(PackageVersionOriginType::Internal),
        "EXTERNAL" => Ok(PackageVersionOriginType::External),
        "UNKNOWN" => Ok(PackageVersionOriginType::Unknown),
        _ => Err(super::StoreError::corrupt(
            table,
            id,
            "origin_type",
            s,
            "not an origin type",
        )),
    }
}

/// Parses stored version metadata (JSON); anything else is a [`CorruptRow`].
pub(crate) fn metadata_of(
    s: &str,
    table: &'static str,
    id: i64,
) -> super::StoreResult<VersionMetadata> {
    serde_json::from_str(s).map_err(|e| super::StoreError::corrupt(table, id, "metadata", s, e))
}

/// A `package_versions` row as `SELECT *` (plus anything) returns it; a value that does not
/// read is a [`CorruptRow`].
pub(crate) fn version_row(r: &sqlx::any::AnyRow) -> super::StoreResult<VersionRow> {
    use sqlx::Row;
    let id: i64 = r.get("id");
    const T: &str = "package_versions";
    Ok(VersionRow {
        id,
        version: r.get("version"),
        revision: r.get("revision"),
        status: status_of(&r.get::<String, _>("status"), T, id)?,
        origin_type: origin_type_of(&r.get::<String, _>("origin_type"), T, id)?,
        entry_repository: r.get("entry_repository"),
        published_time: r.get("published_time"),
        metadata: metadata_of(&r.get::<String, _>("metadata"), T, id)?,
    })
}

/// A stored version and revision, parsed for the planners; a row that does not parse is a
/// [`CorruptRow`] (skipping it would make the version look absent).
pub(crate) fn version_record_of(
    r: &VersionRow,
) -> super::StoreResult<wharf_core::copy::VersionRecord> {
    use wharf_core::names::{PackageVersion, Revision};
    const T: &str = "package_versions";
    let version = PackageVersion::parse(&r.version)
        .map_err(|e| super::StoreError::corrupt(T, r.id, "version", &r.version, e))?;
    let revision = Revision::parse(&r.revision)
        .map_err(|e| super::StoreError::corrupt(T, r.id, "revision", &r.revision, e))?;
    Ok(wharf_core::copy::VersionRecord {
        version,
        revision,
        status: r.status,
        origin: Some(r.origin()),
    })
}

/// The stored spelling of an origin type.
pub(crate) fn origin_type_str(t: PackageVersionOriginType) -> &'static str {
    match t {
        PackageVersionOriginType::Internal => "INTERNAL",
        PackageVersionOriginType::External => "EXTERNAL",
        PackageVersionOriginType::Unknown => "UNKNOWN",
    }
}
