//! The validated promotion request: [`PromotionSpec::try_from`] checks every member of an
//! [`api::PromotionRequest`] at once, with CopyPackageVersions' rules for names and versions and
//! the promotion's own limits.

use super::PackageKey;
use super::lockfile;
use crate::api::{self, PackageSelection};
use crate::copy::{CopyRequest, VersionSelection, check_versions, required};
use crate::error::{Collector, FieldError, ValidationErrors};
use crate::names::{
    AccountId, DomainName, Namespace, PackageCoordinate, PackageFormat, PackageVersionStatus,
    RepositoryName, Revision,
};
use std::collections::{BTreeMap, BTreeSet};

/// The most versions one promotion may hold (requested and added as dependencies).
pub const MAX_VERSIONS: usize = 10_000;
/// The most packages one promotion may hold.
pub const MAX_PACKAGES: usize = 1_000;
/// The largest lockfile accepted, in bytes (20 MB).
pub const MAX_LOCKFILE_BYTES: usize = 20 * 1024 * 1024;
/// The longest `reason`, in characters.
pub const MAX_REASON_CHARS: usize = 1_000;

/// One requested package and its versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageRequest {
    /// The package, normalised as stored.
    pub key: PackageKey,
    /// Its versions, normalised as stored.
    pub versions: VersionSelection,
}

/// `select`: packages of the source repository, chosen by the server's listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectFilter {
    /// Their format.
    pub format: PackageFormat,
    /// Only this namespace, if given.
    pub namespace: Option<Namespace>,
    /// Only names starting with this, if given.
    pub package_prefix: Option<String>,
    /// Only versions with this status.
    pub status: PackageVersionStatus,
}

impl SelectFilter {
    /// Whether a package of the source repository is selected.
    pub fn matches(&self, key: &PackageKey) -> bool {
        key.format == self.format
            && (self.namespace.is_none() || key.namespace == self.namespace)
            && self
                .package_prefix
                .as_deref()
                .is_none_or(|p| key.name.as_str().starts_with(p))
    }
}

/// How the request names its versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Explicit packages, or every registry package a lockfile pins.
    Packages(Vec<PackageRequest>),
    /// Every package of the source that matches, listed by the server.
    Select(SelectFilter),
}

/// A promotion request that has passed every request-level rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionSpec {
    /// The source domain.
    pub domain: DomainName,
    /// The domain's owner, when the caller named it.
    pub domain_owner: Option<AccountId>,
    /// The source repository.
    pub source: RepositoryName,
    /// The destination domain (`domain` unless `destinationDomain` was given).
    pub destination_domain: DomainName,
    /// The destination repository.
    pub destination: RepositoryName,
    /// The versions to promote.
    pub selection: Selection,
    /// Add missing npm dependencies from the source.
    pub with_dependencies: bool,
    /// Apply despite unsatisfied dependency ranges.
    pub allow_unsatisfied: bool,
    /// Replace differing destination versions.
    pub allow_overwrite: bool,
    /// Take versions from the source's upstreams too.
    pub include_from_upstream: bool,
    /// Plan only.
    pub dry_run: bool,
    /// The caller's free text.
    pub reason: Option<String>,
}

impl PromotionSpec {
    /// The CopyPackageVersions request the promotion makes for one package: the planner
    /// decides each package with [`crate::copy::plan_copy`] on it.
    pub fn copy_request(&self, key: &PackageKey, versions: VersionSelection) -> CopyRequest {
        CopyRequest {
            domain: self.domain.clone(),
            domain_owner: self.domain_owner.clone(),
            source: self.source.clone(),
            destination: self.destination.clone(),
            package: key.clone(),
            selection: versions,
            allow_overwrite: self.allow_overwrite,
            include_from_upstream: self.include_from_upstream,
        }
    }

    /// The source as the wire names it.
    pub fn source_ref(&self) -> api::RepositoryRef {
        api::RepositoryRef {
            domain: self.domain.to_string(),
            repository: self.source.to_string(),
        }
    }

    /// The destination as the wire names it.
    pub fn destination_ref(&self) -> api::RepositoryRef {
        api::RepositoryRef {
            domain: self.destination_domain.to_string(),
            repository: self.destination.to_string(),
        }
    }
}

/// Re-labels a member's error under the list item it belongs to (`packages.2.package`).
fn nested(e: FieldError, prefix: &str) -> FieldError {
    let field = format!("{prefix}.{}", e.field);
    let message = e
        .message
        .replace(&format!("at '{}'", e.field), &format!("at '{field}'"));
    FieldError { field, message }
}

/// Checks one package of `packages` (or of a parsed lockfile) as `prefix`.
fn check_package(c: &mut Collector, p: &PackageSelection, prefix: &str) -> Option<PackageRequest> {
    let mut inner = Collector::default();
    let format_raw = required(&mut inner, &p.format, "format");
    let package_raw = required(&mut inner, &p.package, "package");
    let format = format_raw.and_then(|f| PackageFormat::parse_as(f, "format").ok());
    let key = match (format_raw, package_raw) {
        (Some(f), Some(name)) => PackageCoordinate::parse(f, p.namespace.as_deref(), name)
            .map_err(|errors| errors.into_iter().for_each(|e| inner.push(e)))
            .ok(),
        _ => None,
    };
    let versions = match (&p.versions, &p.version_revisions) {
        (Some(_), Some(_)) | (None, None) => {
            inner.push(FieldError::rule(
                "versions",
                "Exactly one of versions and versionRevisions must be specified",
            ));
            None
        }
        (Some(list), None) if list.is_empty() => {
            inner.push(FieldError::constraint(
                "versions",
                "[]",
                "have length greater than or equal to 1",
            ));
            None
        }
        (None, Some(map)) if map.is_empty() => {
            inner.push(FieldError::constraint(
                "versionRevisions",
                "{}",
                "have length greater than or equal to 1",
            ));
            None
        }
        (Some(list), None) => {
            let checked = check_versions(&mut inner, format, "versions", list.iter());
            Some(VersionSelection::Versions(
                checked.into_iter().flatten().collect(),
            ))
        }
        (None, Some(map)) => {
            let checked = check_versions(&mut inner, format, "versionRevisions", map.keys());
            let mut pairs = BTreeMap::new();
            for (v, (raw, rev)) in checked.into_iter().zip(map.iter()) {
                let field = format!("versionRevisions.{raw}");
                if let (Some(v), Some(rev)) = (v, inner.take(Revision::parse_as(rev, &field))) {
                    pairs.insert(v, rev);
                }
            }
            Some(VersionSelection::Revisions(pairs))
        }
    };
    match inner.check() {
        Ok(()) => Some(PackageRequest {
            key: key?,
            versions: versions?,
        }),
        Err(errors) => {
            for e in errors.errors {
                c.push(nested(e, prefix));
            }
            None
        }
    }
}

fn check_packages(
    c: &mut Collector,
    list: &[PackageSelection],
    field: &str,
) -> Vec<PackageRequest> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let prefix = format!("{field}.{}", i + 1);
        if let Some(req) = check_package(c, p, &prefix) {
            if seen.insert(req.key.clone()) {
                out.push(req);
            } else {
                c.push(FieldError::rule(
                    field,
                    format!(
                        "Package {} is named more than once in '{field}'",
                        req.key.display_name()
                    ),
                ));
            }
        }
    }
    out
}

fn check_select(c: &mut Collector, s: &api::PromotionSelect) -> Option<SelectFilter> {
    let format = required(c, &s.format, "select.format")
        .and_then(|f| c.take(PackageFormat::parse_as(f, "select.format")));
    let namespace = match &s.namespace {
        Some(ns) => c
            .take(Namespace::parse_as(ns, "select.namespace"))
            .map(Some),
        None => Some(None),
    };
    if let (Some(format), Some(Some(ns))) = (format, &namespace)
        && format.namespace_rule() == crate::names::NamespaceRule::Forbidden
    {
        c.push(FieldError::rule(
            "select.namespace",
            format!(
                "Value '{ns}' at 'select.namespace' failed to satisfy constraint: {format} packages do not have a namespace"
            ),
        ));
    }
    let status = match &s.status {
        Some(st) => c.take(PackageVersionStatus::parse_as(st, "select.status")),
        None => Some(PackageVersionStatus::Published),
    };
    if let Some(p) = &s.package_prefix
        && (p.is_empty()
            || p.chars()
                .any(|ch| ch == '#' || ch == '/' || ch.is_whitespace()))
    {
        c.push(FieldError::constraint(
            "select.packagePrefix",
            p,
            "satisfy regular expression pattern: [^#/\\s]+",
        ));
    }
    Some(SelectFilter {
        format: format?,
        namespace: namespace?,
        package_prefix: s.package_prefix.clone(),
        status: status?,
    })
}

fn check_limits(c: &mut Collector, field: &str, packages: &[PackageRequest]) {
    let versions: usize = packages.iter().map(|p| p.versions.versions().len()).sum();
    if packages.len() > MAX_PACKAGES {
        c.push(FieldError::rule(
            field,
            format!(
                "A promotion may hold at most {MAX_PACKAGES} packages; this one names {}",
                packages.len()
            ),
        ));
    }
    if versions > MAX_VERSIONS {
        c.push(FieldError::rule(
            field,
            format!(
                "A promotion may hold at most {MAX_VERSIONS} versions; this one names {versions}"
            ),
        ));
    }
}

impl TryFrom<&api::PromotionRequest> for PromotionSpec {
    type Error = ValidationErrors;

    fn try_from(r: &api::PromotionRequest) -> Result<Self, ValidationErrors> {
        let mut c = Collector::default();
        let domain = required(&mut c, &r.domain, "domain")
            .and_then(|d| c.take(DomainName::parse_as(d, "domain")));
        let domain_owner = match &r.domain_owner {
            Some(o) => c.take(AccountId::parse_as(o, "domainOwner")).map(Some),
            None => Some(None),
        };
        let source = required(&mut c, &r.source_repository, "sourceRepository")
            .and_then(|s| c.take(RepositoryName::parse_as(s, "sourceRepository")));
        let destination_domain = match &r.destination_domain {
            Some(d) => c.take(DomainName::parse_as(d, "destinationDomain")),
            None => domain.clone(),
        };
        let destination = required(&mut c, &r.destination_repository, "destinationRepository")
            .and_then(|d| c.take(RepositoryName::parse_as(d, "destinationRepository")));
        if let (Some(s), Some(d), Some(sd), Some(dd)) =
            (&source, &destination, &domain, &destination_domain)
            && s == d
            && sd == dd
        {
            c.push(FieldError::rule(
                "destinationRepository",
                format!(
                    "Value '{d}' at 'destinationRepository' failed to satisfy constraint: \
                     The source and destination repositories must be different"
                ),
            ));
        }
        if let Some(reason) = &r.reason
            && reason.chars().count() > MAX_REASON_CHARS
        {
            c.push(FieldError::constraint(
                "reason",
                "[reason]",
                &format!("have length less than or equal to {MAX_REASON_CHARS}"),
            ));
        }
        let given = [
            r.packages.is_some(),
            r.lockfile.is_some(),
            r.requirements.is_some(),
            r.select.is_some(),
        ];
        let selection = if given.iter().filter(|g| **g).count() != 1 {
            c.push(FieldError::rule(
                "packages",
                "Exactly one of packages, lockfile, requirements and select must be specified",
            ));
            None
        } else if let Some(list) = &r.packages {
            if list.is_empty() {
                c.push(FieldError::constraint(
                    "packages",
                    "[]",
                    "have length greater than or equal to 1",
                ));
            }
            let packages = check_packages(&mut c, list, "packages");
            check_limits(&mut c, "packages", &packages);
            Some(Selection::Packages(packages))
        } else if let Some(text) = &r.lockfile {
            match lockfile::parse(text) {
                Ok(list) => {
                    let packages = check_packages(&mut c, &list, "lockfile");
                    check_limits(&mut c, "lockfile", &packages);
                    Some(Selection::Packages(packages))
                }
                Err(errors) => {
                    errors.errors.into_iter().for_each(|e| c.push(e));
                    None
                }
            }
        } else if let Some(text) = &r.requirements {
            match super::requirements::parse(text) {
                Ok(list) => {
                    let packages = check_packages(&mut c, &list, "requirements");
                    check_limits(&mut c, "requirements", &packages);
                    Some(Selection::Packages(packages))
                }
                Err(errors) => {
                    errors.errors.into_iter().for_each(|e| c.push(e));
                    None
                }
            }
        } else {
            r.select
                .as_ref()
                .and_then(|s| check_select(&mut c, s))
                .map(Selection::Select)
        };
        c.check()?;
        let (
            Some(domain),
            Some(domain_owner),
            Some(source),
            Some(destination_domain),
            Some(destination),
            Some(selection),
        ) = (
            domain,
            domain_owner,
            source,
            destination_domain,
            destination,
            selection,
        )
        else {
            // Every member is present when no violation was recorded; this is a guard only.
            return Err(ValidationErrors::single(FieldError::rule(
                "request",
                "Invalid request",
            )));
        };
        Ok(PromotionSpec {
            domain,
            domain_owner,
            source,
            destination_domain,
            destination,
            selection,
            with_dependencies: r.with_dependencies.unwrap_or(false),
            allow_unsatisfied: r.allow_unsatisfied.unwrap_or(false),
            allow_overwrite: r.allow_overwrite.unwrap_or(false),
            include_from_upstream: r.include_from_upstream.unwrap_or(false),
            dry_run: r.dry_run.unwrap_or(false),
            reason: r.reason.clone(),
        })
    }
}
