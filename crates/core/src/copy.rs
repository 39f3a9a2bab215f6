//! CopyPackageVersions: the validated request and the planner that decides, per version,
//! what a copy does.
//!
//! [`CopyRequest::try_from`] applies every rule of the request surface at once (required
//! members, patterns, exactly one of `versions` and `versionRevisions`, at most 100, no
//! duplicates, distinct repositories, the format's namespace rule). [`plan_copy`] is a pure
//! function from the request and what the repositories hold to a [`CopyPlan`]; the service
//! executes that plan in one transaction and the console shows it as a dry run.

mod plan;

pub use plan::{
    CopyPlan, DistTagMove, MAX_REPOSITORIES_SEARCHED, PlanError, PlanOptions, PlannedCopy,
    PreviewError, RepositoryPackage, VersionOutcome, VersionRecord, plan_copy, preview,
};

use crate::api::CopyPackageVersionsRequest;
use crate::error::{Collector, FieldError, ValidationErrors};
use crate::names::{
    AccountId, DomainName, PackageCoordinate, PackageFormat, PackageVersion, RepositoryName,
    Revision,
};
use std::collections::{BTreeMap, BTreeSet};

/// The most versions one CopyPackageVersions call may name (model `max: 100`; the same limit
/// is applied to `versionRevisions`, for which the model sets none).
pub const MAX_VERSIONS_PER_CALL: usize = 100;

/// Which versions to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSelection {
    /// These versions, in request order.
    Versions(Vec<PackageVersion>),
    /// These versions, each only at the given revision.
    Revisions(BTreeMap<PackageVersion, Revision>),
}

impl VersionSelection {
    /// The requested versions in the order the plan reports them.
    pub fn versions(&self) -> Vec<&PackageVersion> {
        match self {
            VersionSelection::Versions(v) => v.iter().collect(),
            VersionSelection::Revisions(m) => m.keys().collect(),
        }
    }

    /// The revision the caller requires for `version`, if any.
    pub fn expected_revision(&self, version: &PackageVersion) -> Option<&Revision> {
        match self {
            VersionSelection::Versions(_) => None,
            VersionSelection::Revisions(m) => m.get(version),
        }
    }
}

/// A CopyPackageVersions request that has passed every request-level rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyRequest {
    /// The domain holding both repositories.
    pub domain: DomainName,
    /// The domain's owner, when the caller named it.
    pub domain_owner: Option<AccountId>,
    /// The repository to copy from.
    pub source: RepositoryName,
    /// The repository to copy into.
    pub destination: RepositoryName,
    /// The package (format, namespace, name), normalised as stored.
    pub package: PackageCoordinate,
    /// The versions to copy, normalised as stored.
    pub selection: VersionSelection,
    /// Replace differing destination versions.
    pub allow_overwrite: bool,
    /// Look for versions in the source's upstreams too.
    pub include_from_upstream: bool,
}

pub(crate) fn required<'a>(
    c: &mut Collector,
    value: &'a Option<String>,
    field: &str,
) -> Option<&'a str> {
    if value.is_none() {
        c.push(FieldError::missing(field));
    }
    value.as_deref()
}

/// Checks each version string and normalises it for the format. The result is aligned with
/// the input: `None` where the version is invalid or repeats an earlier one (after
/// normalisation); both are recorded as violations.
pub(crate) fn check_versions<'a>(
    c: &mut Collector,
    format: Option<PackageFormat>,
    field: &str,
    versions: impl Iterator<Item = &'a String>,
) -> Vec<Option<PackageVersion>> {
    let mut seen = BTreeSet::new();
    versions
        .enumerate()
        .map(|(i, raw)| {
            let item_field = format!("{field}.{}.member", i + 1);
            let v = c.take(PackageVersion::parse_as(raw, &item_field))?;
            let stored = format.map_or_else(|| raw.clone(), |f| f.normalize_version(raw));
            let v = PackageVersion::parse_as(&stored, &item_field).unwrap_or(v);
            if seen.insert(v.clone()) {
                Some(v)
            } else {
                c.push(FieldError::rule(
                    field,
                    format!(
                        "Value '{raw}' at '{field}' failed to satisfy constraint: \
                         Member must not contain duplicate versions"
                    ),
                ));
                None
            }
        })
        .collect()
}

fn check_count(c: &mut Collector, field: &str, shown: &str, n: usize) {
    if n == 0 {
        c.push(FieldError::constraint(
            field,
            shown,
            "have length greater than or equal to 1",
        ));
    } else if n > MAX_VERSIONS_PER_CALL {
        c.push(FieldError::constraint(
            field,
            &format!("[{n} versions]"),
            &format!("have length less than or equal to {MAX_VERSIONS_PER_CALL}"),
        ));
    }
}

impl TryFrom<&CopyPackageVersionsRequest> for CopyRequest {
    type Error = ValidationErrors;

    fn try_from(r: &CopyPackageVersionsRequest) -> Result<Self, ValidationErrors> {
        let mut c = Collector::default();
        let domain = required(&mut c, &r.domain, "domain")
            .and_then(|d| c.take(DomainName::parse_as(d, "domain")));
        let domain_owner = match &r.domain_owner {
            Some(o) => c.take(AccountId::parse_as(o, "domainOwner")).map(Some),
            None => Some(None),
        };
        let source = required(&mut c, &r.source_repository, "sourceRepository")
            .and_then(|s| c.take(RepositoryName::parse_as(s, "sourceRepository")));
        let destination = required(&mut c, &r.destination_repository, "destinationRepository")
            .and_then(|d| c.take(RepositoryName::parse_as(d, "destinationRepository")));
        let format_raw = required(&mut c, &r.format, "format");
        let package_raw = required(&mut c, &r.package, "package");
        let format = format_raw.and_then(|f| PackageFormat::parse_as(f, "format").ok());
        let package = match (format_raw, package_raw) {
            (Some(f), Some(p)) => match PackageCoordinate::parse(f, r.namespace.as_deref(), p) {
                Ok(coordinate) => Some(coordinate),
                Err(errors) => {
                    errors.into_iter().for_each(|e| c.push(e));
                    None
                }
            },
            _ => None,
        };
        if let (Some(s), Some(d)) = (&source, &destination)
            && s == d
        {
            c.push(FieldError::rule(
                "destinationRepository",
                format!(
                    "Value '{d}' at 'destinationRepository' failed to satisfy constraint: \
                     The source and destination repositories must be different"
                ),
            ));
        }
        let selection = match (&r.versions, &r.version_revisions) {
            (Some(_), Some(_)) | (None, None) => {
                c.push(FieldError::rule(
                    "versions",
                    "Exactly one of versions and versionRevisions must be specified",
                ));
                None
            }
            (Some(list), None) => {
                check_count(&mut c, "versions", "[]", list.len());
                let versions = check_versions(&mut c, format, "versions", list.iter());
                Some(VersionSelection::Versions(
                    versions.into_iter().flatten().collect(),
                ))
            }
            (None, Some(map)) => {
                check_count(&mut c, "versionRevisions", "{}", map.len());
                let versions = check_versions(&mut c, format, "versionRevisions", map.keys());
                let mut pairs = BTreeMap::new();
                for (v, (raw, rev)) in versions.into_iter().zip(map.iter()) {
                    let field = format!("versionRevisions.{raw}");
                    if let (Some(v), Some(rev)) = (v, c.take(Revision::parse_as(rev, &field))) {
                        pairs.insert(v, rev);
                    }
                }
                Some(VersionSelection::Revisions(pairs))
            }
        };
        c.check()?;
        let (
            Some(domain),
            Some(domain_owner),
            Some(source),
            Some(destination),
            Some(package),
            Some(selection),
        ) = (
            domain,
            domain_owner,
            source,
            destination,
            package,
            selection,
        )
        else {
            // Every member is present when no violation was recorded; this is a guard only.
            return Err(ValidationErrors::single(FieldError::rule(
                "request",
                "Invalid request",
            )));
        };
        Ok(CopyRequest {
            domain,
            domain_owner,
            source,
            destination,
            package,
            selection,
            allow_overwrite: r.allow_overwrite.unwrap_or(false),
            include_from_upstream: r.include_from_upstream.unwrap_or(false),
        })
    }
}

impl From<&CopyRequest> for CopyPackageVersionsRequest {
    /// The request in stored form (normalised names and versions), as the service sees it.
    fn from(r: &CopyRequest) -> Self {
        let (versions, version_revisions) = match &r.selection {
            VersionSelection::Versions(v) => {
                (Some(v.iter().map(|v| v.to_string()).collect()), None)
            }
            VersionSelection::Revisions(m) => (
                None,
                Some(
                    m.iter()
                        .map(|(v, r)| (v.to_string(), r.to_string()))
                        .collect(),
                ),
            ),
        };
        CopyPackageVersionsRequest {
            domain: Some(r.domain.to_string()),
            domain_owner: r.domain_owner.as_ref().map(|o| o.to_string()),
            source_repository: Some(r.source.to_string()),
            destination_repository: Some(r.destination.to_string()),
            format: Some(r.package.format.to_string()),
            namespace: r.package.namespace.as_ref().map(|n| n.to_string()),
            package: Some(r.package.name.to_string()),
            versions,
            version_revisions,
            allow_overwrite: Some(r.allow_overwrite),
            include_from_upstream: Some(r.include_from_upstream),
        }
    }
}

/// Validates a CopyPackageVersions request, returning every violation at once.
pub fn validate_copy_request(
    request: &CopyPackageVersionsRequest,
) -> Result<CopyRequest, ValidationErrors> {
    CopyRequest::try_from(request)
}

// Property tests need proptest, which is native-only; the browser runs tests/wasm.rs.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
