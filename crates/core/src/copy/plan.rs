//! The copy planner: from a validated request and what the repositories hold, the outcome of
//! every requested version and the npm dist-tags that follow, with no I/O.

use super::CopyRequest;
use crate::api::{
    self, CopyPackageVersionsResult, PackageVersionError, PackageVersionErrorCode,
    PackageVersionOrigin, PlannedAction, SuccessfulPackageVersionInfo,
};
use crate::error::{Collector, FieldError, ValidationErrors};
use crate::names::{
    PackageCoordinate, PackageFormat, PackageVersion, PackageVersionStatus, RepositoryName,
    Revision,
};
use std::collections::BTreeMap;

/// The most repositories one resolution searches (the source and its upstream closure).
pub const MAX_REPOSITORIES_SEARCHED: usize = 25;

/// One version as a repository holds it, as far as planning is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    /// The version string (stored form).
    pub version: PackageVersion,
    /// Its revision.
    pub revision: Revision,
    /// Its status.
    pub status: PackageVersionStatus,
    /// Where it entered the domain; a copy keeps it.
    pub origin: Option<PackageVersionOrigin>,
}

/// What one repository holds of the package being copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryPackage {
    /// The repository.
    pub repository: RepositoryName,
    /// False when the repository has no record of the package.
    pub exists: bool,
    /// Its versions, by version string.
    pub versions: BTreeMap<PackageVersion, VersionRecord>,
    /// npm dist-tags: tag → version.
    pub dist_tags: BTreeMap<String, PackageVersion>,
    /// The package's origin control `upstream=BLOCK` here.
    pub upstream_blocked: bool,
    /// The package's origin control `publish=BLOCK` here.
    pub publish_blocked: bool,
}

impl RepositoryPackage {
    /// A repository with no record of the package.
    pub fn absent(repository: RepositoryName) -> Self {
        RepositoryPackage {
            repository,
            exists: false,
            versions: BTreeMap::new(),
            dist_tags: BTreeMap::new(),
            upstream_blocked: false,
            publish_blocked: false,
        }
    }
}

/// Planner settings that a deployment chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanOptions {
    /// Refuse versions (`NOT_ALLOWED`) when the destination package has `publish=BLOCK`.
    /// Off by default, as CodeArtifact's documented workflows copy into such packages.
    pub enforce_origin_controls: bool,
}

/// A version the plan copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCopy {
    /// The repository holding the version that is copied (the source or an upstream).
    pub from: RepositoryName,
    /// The version as the source holds it; the destination gets the same record.
    pub record: VersionRecord,
    /// The destination revision this copy replaces (`allowOverwrite`), if any.
    pub replaces: Option<Revision>,
}

/// The outcome of one requested version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionOutcome {
    /// Copy it.
    Copy(PlannedCopy),
    /// The destination already holds it, identical: nothing to write.
    NoOp {
        /// The shared revision.
        revision: Revision,
    },
    /// It fails with this error; nothing in the batch is written.
    Failed(PackageVersionError),
}

/// An npm dist-tag that the copy sets in the destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistTagMove {
    /// The tag.
    pub tag: String,
    /// Where it points in the destination now.
    pub from: Option<PackageVersion>,
    /// Where it will point.
    pub to: PackageVersion,
}

/// The planner's decision for a whole request. All or nothing: when any version fails, every
/// version that would have been copied is `SKIPPED` and the plan writes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyPlan {
    /// The package copied.
    pub package: PackageCoordinate,
    /// The destination repository.
    pub destination: RepositoryName,
    /// One outcome per requested version, in request order.
    pub entries: Vec<(PackageVersion, VersionOutcome)>,
    /// npm dist-tags to set in the destination (empty when the batch fails).
    pub dist_tags: Vec<DistTagMove>,
}

impl CopyPlan {
    /// True when no version fails: the plan may be applied.
    pub fn succeeds(&self) -> bool {
        !self
            .entries
            .iter()
            .any(|(_, o)| matches!(o, VersionOutcome::Failed(_)))
    }

    /// The versions to write, in request order (none when the batch fails).
    pub fn copies(&self) -> impl Iterator<Item = &PlannedCopy> {
        self.entries.iter().filter_map(|(_, o)| match o {
            VersionOutcome::Copy(c) => Some(c),
            VersionOutcome::NoOp { .. } | VersionOutcome::Failed(_) => None,
        })
    }

    /// The plan with its per-version actions, as the console and widget show it.
    pub fn report(&self) -> api::CopyPlanReport {
        let versions = self
            .entries
            .iter()
            .map(|(v, o)| {
                let (action, from, revision, dst, error) = match o {
                    VersionOutcome::Copy(c) => (
                        if c.replaces.is_some() {
                            PlannedAction::Overwrite
                        } else {
                            PlannedAction::Copy
                        },
                        Some(c.from.to_string()),
                        Some(c.record.revision.to_string()),
                        c.replaces.as_ref().map(Revision::to_string),
                        None,
                    ),
                    VersionOutcome::NoOp { revision } => (
                        PlannedAction::NoOp,
                        None,
                        Some(revision.to_string()),
                        Some(revision.to_string()),
                        None,
                    ),
                    VersionOutcome::Failed(e) => {
                        (PlannedAction::Fail, None, None, None, Some(e.clone()))
                    }
                };
                api::PlannedVersion {
                    version: v.to_string(),
                    action,
                    from_repository: from,
                    revision,
                    destination_revision: dst,
                    error,
                }
            })
            .collect();
        let dist_tags = self
            .dist_tags
            .iter()
            .map(|m| api::DistTagChange {
                tag: m.tag.clone(),
                from: m.from.as_ref().map(PackageVersion::to_string),
                to: m.to.to_string(),
            })
            .collect();
        api::CopyPlanReport {
            result: self.into(),
            versions,
            dist_tags,
        }
    }
}

impl From<&CopyPlan> for CopyPackageVersionsResult {
    fn from(plan: &CopyPlan) -> Self {
        let mut result = CopyPackageVersionsResult::default();
        for (v, outcome) in &plan.entries {
            match outcome {
                VersionOutcome::Copy(c) => {
                    result.successful_versions.insert(
                        v.to_string(),
                        SuccessfulPackageVersionInfo {
                            revision: c.record.revision.to_string(),
                            status: c.record.status,
                        },
                    );
                }
                VersionOutcome::NoOp { .. } => {}
                VersionOutcome::Failed(e) => {
                    result.failed_versions.insert(v.to_string(), e.clone());
                }
            }
        }
        result
    }
}

/// A request-level reason the copy cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The package is in none of the repositories searched (`ResourceNotFoundException`).
    #[error("Package {package} not found in repository {repository}")]
    PackageNotFound {
        /// The package's display name.
        package: String,
        /// The source repository.
        repository: String,
    },
}

fn fail(code: PackageVersionErrorCode, message: String) -> VersionOutcome {
    VersionOutcome::Failed(PackageVersionError {
        error_code: code,
        error_message: message,
    })
}

/// The repositories a request may take versions from: the source alone, or with
/// `includeFromUpstream` its upstream closure in search order (never for generic packages, nor
/// when the source package blocks upstream versions), at most 25.
fn searched<'a>(req: &CopyRequest, source: &'a [RepositoryPackage]) -> &'a [RepositoryPackage] {
    let upstreams_allowed = req.include_from_upstream
        && req.package.format != PackageFormat::Generic
        && source.first().is_some_and(|s| !s.upstream_blocked);
    let n = if upstreams_allowed {
        source.len().min(MAX_REPOSITORIES_SEARCHED)
    } else {
        source.len().min(1)
    };
    &source[..n]
}

/// Decides the outcome of every requested version (spec §3.3): `NOT_FOUND`, then
/// `MISMATCHED_REVISION`, `MISMATCHED_STATUS`, `NOT_ALLOWED`, no-op or `ALREADY_EXISTS`, else
/// copy; then, if anything failed, turns every copy into `SKIPPED`. `source` is the source
/// repository followed by its upstreams in depth-first priority order.
pub fn plan_copy(
    req: &CopyRequest,
    source: &[RepositoryPackage],
    destination: &RepositoryPackage,
    options: PlanOptions,
) -> Result<CopyPlan, PlanError> {
    let repos = searched(req, source);
    if !repos.iter().any(|r| r.exists) {
        return Err(PlanError::PackageNotFound {
            package: req.package.display_name(),
            repository: req.source.to_string(),
        });
    }
    let mut entries = Vec::new();
    for v in req.selection.versions() {
        let found = repos.iter().find_map(|r| {
            r.versions
                .get(v)
                .filter(|rec| rec.status != PackageVersionStatus::Deleted)
                .map(|rec| (r, rec))
        });
        let dst = destination.versions.get(v);
        let outcome = match found {
            None => fail(
                PackageVersionErrorCode::NotFound,
                format!("Could not find version {v}"),
            ),
            Some((_, rec))
                if req
                    .selection
                    .expected_revision(v)
                    .is_some_and(|e| *e != rec.revision) =>
            {
                fail(
                    PackageVersionErrorCode::MismatchedRevision,
                    format!(
                        "current revision: {}, expected revision: {}",
                        rec.revision,
                        req.selection
                            .expected_revision(v)
                            .map(Revision::as_str)
                            .unwrap_or_default()
                    ),
                )
            }
            Some((_, rec)) if !rec.status.is_copyable() => fail(
                PackageVersionErrorCode::MismatchedStatus,
                format!("current status: {}", rec.status),
            ),
            Some(_) if options.enforce_origin_controls && destination.publish_blocked => fail(
                PackageVersionErrorCode::NotAllowed,
                format!(
                    "Version {v} is not allowed in repository {}: the package's origin configuration blocks publishing",
                    destination.repository
                ),
            ),
            Some((_, rec)) if dst.is_some_and(|d| d.revision == rec.revision) => {
                VersionOutcome::NoOp {
                    revision: rec.revision.clone(),
                }
            }
            Some(_) if dst.is_some() && !req.allow_overwrite => fail(
                PackageVersionErrorCode::AlreadyExists,
                format!("Version {v} already exists"),
            ),
            Some((repo, rec)) => VersionOutcome::Copy(PlannedCopy {
                from: repo.repository.clone(),
                record: rec.clone(),
                replaces: dst.map(|d| d.revision.clone()),
            }),
        };
        entries.push((v.clone(), outcome));
    }
    let mut plan = CopyPlan {
        package: req.package.clone(),
        destination: destination.repository.clone(),
        entries,
        dist_tags: Vec::new(),
    };
    if plan.succeeds() {
        plan.dist_tags = dist_tag_moves(req, repos, destination, &plan);
    } else {
        for (v, outcome) in &mut plan.entries {
            if matches!(outcome, VersionOutcome::Copy(_)) {
                *outcome = fail(
                    PackageVersionErrorCode::Skipped,
                    format!("Version {v} was skipped"),
                );
            }
        }
    }
    Ok(plan)
}

/// npm only: every source tag that points at a copied or identical version is set in the
/// destination (spec §4). Tags are read as npm would see them from the source: with upstreams,
/// folded in search order so that the more upstream repository wins a clash.
fn dist_tag_moves(
    req: &CopyRequest,
    repos: &[RepositoryPackage],
    destination: &RepositoryPackage,
    plan: &CopyPlan,
) -> Vec<DistTagMove> {
    if req.package.format != PackageFormat::Npm {
        return Vec::new();
    }
    let mut tags: BTreeMap<&String, &PackageVersion> = BTreeMap::new();
    for repo in repos {
        tags.extend(repo.dist_tags.iter());
    }
    let carried: Vec<&PackageVersion> = plan
        .entries
        .iter()
        .filter(|(_, o)| !matches!(o, VersionOutcome::Failed(_)))
        .map(|(v, _)| v)
        .collect();
    tags.into_iter()
        .filter(|(_, v)| carried.contains(v))
        .filter(|(tag, v)| destination.dist_tags.get(*tag) != Some(*v))
        .map(|(tag, v)| DistTagMove {
            tag: tag.clone(),
            from: destination.dist_tags.get(tag).cloned(),
            to: v.clone(),
        })
        .collect()
}

impl TryFrom<&api::PackageView> for RepositoryPackage {
    type Error = ValidationErrors;

    /// Validates a view built by a client (the console, the widget's host page).
    fn try_from(view: &api::PackageView) -> Result<Self, ValidationErrors> {
        let mut c = Collector::default();
        let repository = c.take(RepositoryName::parse_as(&view.repository, "repository"));
        let mut versions = BTreeMap::new();
        for s in &view.versions {
            let version = c.take(PackageVersion::parse_as(&s.version, "versions.version"));
            let revision = match &s.revision {
                Some(r) => c.take(Revision::parse_as(r, "versions.revision")),
                None => {
                    c.push(FieldError::missing("versions.revision"));
                    None
                }
            };
            if let (Some(version), Some(revision)) = (version, revision) {
                let record = VersionRecord {
                    version: version.clone(),
                    revision,
                    status: s.status,
                    origin: s.origin.clone(),
                };
                versions.insert(version, record);
            }
        }
        let mut dist_tags = BTreeMap::new();
        for (tag, v) in &view.dist_tags {
            if let Some(v) = c.take(PackageVersion::parse_as(v, "distTags")) {
                dist_tags.insert(tag.clone(), v);
            }
        }
        c.check()?;
        let repository = repository
            .ok_or_else(|| ValidationErrors::single(FieldError::missing("repository")))?;
        Ok(RepositoryPackage {
            repository,
            exists: view.exists,
            versions,
            dist_tags,
            upstream_blocked: view.upstream_blocked,
            publish_blocked: view.publish_blocked,
        })
    }
}

/// Why a copy preview could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    /// The request or a view is invalid (`ValidationException`).
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The package is in none of the searched repositories (`ResourceNotFoundException`).
    #[error(transparent)]
    NotFound(#[from] PlanError),
}

/// Validates and plans a copy from client-side data: what the console's dry run and the
/// widget's `planCopy` compute.
pub fn preview(
    input: &api::CopyPreviewInput,
    options: PlanOptions,
) -> Result<api::CopyPlanReport, PreviewError> {
    let req = CopyRequest::try_from(&input.request)?;
    let source: Vec<RepositoryPackage> = input
        .source
        .iter()
        .map(RepositoryPackage::try_from)
        .collect::<Result<_, _>>()?;
    let destination = RepositoryPackage::try_from(&input.destination)?;
    if source.first().map(|s| &s.repository) != Some(&req.source) {
        return Err(ValidationErrors::single(FieldError::rule(
            "source",
            format!(
                "The first source view must be the source repository {}",
                req.source
            ),
        ))
        .into());
    }
    if destination.repository != req.destination {
        return Err(ValidationErrors::single(FieldError::rule(
            "destination",
            format!(
                "The destination view must be the destination repository {}",
                req.destination
            ),
        ))
        .into());
    }
    Ok(plan_copy(&req, &source, &destination, options)?.report())
}
