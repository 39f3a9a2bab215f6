//! A copy larger than one CopyPackageVersions call (more than 100 versions) runs as one
//! all-or-nothing promotion (`POST /wharf/v1/promotions`) instead of several calls that could
//! each go through or fail on their own. This module is the pure part: whether a form runs
//! that way, the promotion request it sends, the plan made all-or-nothing the way the service's
//! promotion planner makes it, and the promotion's answer read back as a copy result, so the
//! plan and outcome views stay the copy page's own.

use crate::form::{CopyForm, VersionInput};
use wharf_core::api::promotion::{
    PackageSelection, PromotionAction, PromotionErrorCode, PromotionRequest, PromotionResult,
};
use wharf_core::api::{
    CopyPackageVersionsResult, CopyPlanReport, PackageVersionError, PackageVersionErrorCode,
    PlannedAction, SuccessfulPackageVersionInfo,
};

/// True when the form names more versions than one call may carry: its run is one promotion.
pub fn runs_as_promotion(form: &CopyForm) -> bool {
    form.batches().len() > 1
}

/// The promotion a large copy sends: the form's package and versions (or version and revision
/// pairs), overwrite and upstream as set, and no dependency closure (`allowUnsatisfied`), so
/// that it does exactly what the copy would, in one step.
pub fn promotion_request(form: &CopyForm, dry_run: bool) -> PromotionRequest {
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let (versions, version_revisions) = match form.version_input() {
        VersionInput::Revisions(pairs) => (None, Some(pairs.into_iter().collect())),
        VersionInput::Versions(v) => (Some(v), None),
        VersionInput::Mixed => (None, None),
    };
    let count = form.batches().iter().map(Vec::len).sum::<usize>();
    PromotionRequest {
        domain: opt(&form.domain),
        source_repository: opt(&form.source),
        destination_repository: opt(&form.destination),
        packages: Some(vec![PackageSelection {
            format: opt(&form.format),
            namespace: opt(&form.namespace),
            package: opt(&form.package),
            versions,
            version_revisions,
        }]),
        with_dependencies: Some(false),
        allow_unsatisfied: Some(true),
        allow_overwrite: Some(form.overwrite),
        include_from_upstream: Some(form.upstream),
        dry_run: Some(dry_run),
        reason: Some(format!(
            "Console copy of {count} versions of {} from {} to {}",
            form.package.trim(),
            form.source.trim(),
            form.destination.trim()
        )),
        ..PromotionRequest::default()
    }
}

/// Makes a merged plan all-or-nothing, as one promotion is: when any version fails, every
/// version that would have been copied is `SKIPPED` instead, and no dist-tag moves.
pub fn all_or_nothing(report: &mut CopyPlanReport) {
    if !report
        .versions
        .iter()
        .any(|v| v.action == PlannedAction::Fail)
    {
        return;
    }
    report.dist_tags.clear();
    for v in &mut report.versions {
        if matches!(v.action, PlannedAction::Copy | PlannedAction::Overwrite) {
            let error = PackageVersionError {
                error_code: PackageVersionErrorCode::Skipped,
                error_message: format!("Version {} was skipped", v.version),
            };
            v.action = PlannedAction::Fail;
            v.error = Some(error.clone());
            report.result.successful_versions.remove(&v.version);
            report
                .result
                .failed_versions
                .insert(v.version.clone(), error);
        }
    }
}

/// A promotion's answer as the CopyPackageVersions result the outcome view reads: written
/// versions are successful, identical ones are left out (unchanged), failing and skipped ones
/// are failed with their code. A written version without its revision or status is an error
/// that names it, never a guess.
pub fn copy_result(result: &PromotionResult) -> Result<CopyPackageVersionsResult, String> {
    let mut out = CopyPackageVersionsResult::default();
    for v in result.packages.iter().flat_map(|p| &p.versions) {
        match v.action {
            PromotionAction::Copy | PromotionAction::Overwrite => {
                let (Some(revision), Some(status)) = (&v.revision, v.status) else {
                    return Err(format!(
                        "the promotion's answer gives no revision or status for version {}",
                        v.version
                    ));
                };
                out.successful_versions.insert(
                    v.version.clone(),
                    SuccessfulPackageVersionInfo {
                        revision: revision.clone(),
                        status,
                    },
                );
            }
            PromotionAction::Noop => {}
            PromotionAction::Fail | PromotionAction::Skipped => {
                let error_code = match v.error_code {
                    Some(PromotionErrorCode::AlreadyExists) => {
                        PackageVersionErrorCode::AlreadyExists
                    }
                    Some(PromotionErrorCode::MismatchedRevision) => {
                        PackageVersionErrorCode::MismatchedRevision
                    }
                    Some(PromotionErrorCode::MismatchedStatus) => {
                        PackageVersionErrorCode::MismatchedStatus
                    }
                    Some(PromotionErrorCode::NotFound) => PackageVersionErrorCode::NotFound,
                    Some(PromotionErrorCode::Skipped) | None => PackageVersionErrorCode::Skipped,
                    Some(
                        PromotionErrorCode::NotAllowed | PromotionErrorCode::UnsatisfiedDependency,
                    ) => PackageVersionErrorCode::NotAllowed,
                };
                out.failed_versions.insert(
                    v.version.clone(),
                    PackageVersionError {
                        error_code,
                        error_message: v.error_message.clone().unwrap_or_default(),
                    },
                );
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
