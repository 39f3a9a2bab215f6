//! UpdatePackageVersionsStatus, DeletePackageVersions and DisposePackageVersions: the requests,
//! read and checked once, the store's batch, and its outcome in CodeArtifact's words.

use super::target;
use crate::authz::Target;
use crate::error::ApiError;
use crate::extract::AwsJson;
use crate::operation::{Cx, NoBody, Operation};
use crate::params::{Checks, PackageRef};
use crate::state::AppState;
use crate::store::batch::{BatchOp, BatchOutcome, Refusal, Selection};
use axum::Json;
use std::collections::BTreeMap;
use wharf_core::api::{
    self, PackageVersionError, PackageVersionErrorCode as Code, PackageVersionsOutcome,
    SuccessfulPackageVersionInfo,
};
use wharf_core::error::FieldError;
use wharf_core::names::PackageVersionStatus;

fn version_list(
    c: &mut Checks,
    versions: &Option<Vec<String>>,
    revisions: &Option<BTreeMap<String, String>>,
) -> Vec<String> {
    let mut list: Vec<String> = versions.clone().unwrap_or_default();
    for v in revisions.iter().flat_map(|m| m.keys()) {
        if !list.contains(v) {
            list.push(v.clone());
        }
    }
    if list.is_empty() {
        c.push(FieldError::missing("versions"));
    } else if list.len() > 100 {
        c.push(FieldError::constraint(
            "versions",
            &format!("[{} versions]", list.len()),
            "have length less than or equal to 100",
        ));
    }
    list
}

/// UpdatePackageVersionsStatus, DeletePackageVersions or DisposePackageVersions, read and
/// checked: the package, what to do and to which versions.
pub struct VersionsBatch {
    package: PackageRef,
    op: BatchOp,
    selection: Selection,
}

impl VersionsBatch {
    #[allow(clippy::too_many_arguments)]
    fn parse(
        cx: &Cx<'_>,
        q: api::PackageQuery,
        op: BatchOp,
        versions: &Option<Vec<String>>,
        revisions: &Option<BTreeMap<String, String>>,
        expected: &Option<String>,
        mut c: Checks,
    ) -> Result<Self, ApiError> {
        let package = PackageRef::parse(cx, q, NoBody)?;
        let list = version_list(&mut c, versions, revisions);
        let expected = c
            .optional(expected, "expectedStatus", PackageVersionStatus::parse_as)
            .flatten();
        c.finish()?;
        let format = package.package.format;
        let selection = Selection {
            versions: list.iter().map(|v| format.normalize_version(v)).collect(),
            revisions: revisions
                .clone()
                .unwrap_or_default()
                .into_iter()
                .map(|(v, r)| (format.normalize_version(&v), r))
                .collect(),
            expected,
        };
        Ok(VersionsBatch {
            package,
            op,
            selection,
        })
    }
}

/// Runs a checked batch.
async fn run_batch(
    state: &AppState,
    VersionsBatch {
        package,
        op,
        selection,
    }: VersionsBatch,
) -> Result<Json<PackageVersionsOutcome>, ApiError> {
    let (d, r, p) = (&package.repo.domain, &package.repo.name, &package.package);
    let outcome = state
        .store
        .batch(&d.owner, d.name.as_str(), r.as_str(), p, op, &selection)
        .await?;
    Ok(Json(wire_outcome(outcome)))
}

/// The wire form of a batch's outcome, each refusal in CodeArtifact's words.
fn wire_outcome(outcome: BatchOutcome) -> PackageVersionsOutcome {
    let failed = outcome.failed.into_iter().map(|(v, refusal)| {
        let (error_code, error_message) = match refusal {
            Refusal::NotFound => (Code::NotFound, format!("Could not find version {v}")),
            Refusal::MismatchedRevision { current, expected } => (
                Code::MismatchedRevision,
                format!("current revision: {current}, expected revision: {expected}"),
            ),
            Refusal::MismatchedStatus {
                current,
                expected: Some(e),
            } => (
                Code::MismatchedStatus,
                format!("current status: {current}, expected status: {e}"),
            ),
            Refusal::MismatchedStatus {
                current,
                expected: None,
            } => (Code::MismatchedStatus, format!("current status: {current}")),
            Refusal::Skipped => (Code::Skipped, format!("version {v} is skipped")),
        };
        let error = PackageVersionError {
            error_code,
            error_message,
        };
        (v, error)
    });
    PackageVersionsOutcome {
        successful_versions: outcome
            .succeeded
            .into_iter()
            .map(|(v, c)| {
                let info = SuccessfulPackageVersionInfo {
                    revision: c.revision,
                    status: c.status,
                };
                (v, info)
            })
            .collect(),
        failed_versions: failed.collect(),
    }
}

/// UpdatePackageVersionsStatus, read and checked.
pub struct UpdatePackageVersionsStatus(VersionsBatch);

impl Operation for UpdatePackageVersionsStatus {
    type Query = api::PackageQuery;
    type Body = AwsJson<api::UpdatePackageVersionsStatusBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let target = c.required(
            &b.target_status,
            "targetStatus",
            PackageVersionStatus::parse_as,
        );
        let target = match target {
            Some(
                t @ (PackageVersionStatus::Published
                | PackageVersionStatus::Unlisted
                | PackageVersionStatus::Archived),
            ) => Some(t),
            Some(t) => {
                c.push(FieldError::constraint("targetStatus", t.as_str(), "be one of Published, Unlisted, Archived (use DisposePackageVersions or DeletePackageVersions)"));
                None
            }
            None => None,
        };
        let op = BatchOp::SetStatus(target.unwrap_or(PackageVersionStatus::Published));
        let (versions, revisions) = (&b.versions, &b.version_revisions);
        VersionsBatch::parse(cx, q, op, versions, revisions, &b.expected_status, c).map(Self)
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(&self.0.package))
    }
}

/// `POST /v1/package/versions/update_status`.
pub async fn update_package_versions_status(
    state: AppState,
    op: UpdatePackageVersionsStatus,
) -> Result<Json<PackageVersionsOutcome>, ApiError> {
    run_batch(&state, op.0).await
}

/// DeletePackageVersions, read and checked.
pub struct DeletePackageVersions(VersionsBatch);

impl Operation for DeletePackageVersions {
    type Query = api::PackageQuery;
    type Body = AwsJson<api::DeletePackageVersionsBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let (op, c) = (BatchOp::Delete, Checks::default());
        VersionsBatch::parse(cx, q, op, &b.versions, &None, &b.expected_status, c).map(Self)
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(&self.0.package))
    }
}

/// `POST /v1/package/versions/delete`.
pub async fn delete_package_versions(
    state: AppState,
    op: DeletePackageVersions,
) -> Result<Json<PackageVersionsOutcome>, ApiError> {
    run_batch(&state, op.0).await
}

/// DisposePackageVersions, read and checked.
pub struct DisposePackageVersions(VersionsBatch);

impl Operation for DisposePackageVersions {
    type Query = api::PackageQuery;
    type Body = AwsJson<api::DisposePackageVersionsBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let (op, c) = (BatchOp::Dispose, Checks::default());
        let (versions, revisions) = (&b.versions, &b.version_revisions);
        VersionsBatch::parse(cx, q, op, versions, revisions, &b.expected_status, c).map(Self)
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(&self.0.package))
    }
}

/// `POST /v1/package/versions/dispose`.
pub async fn dispose_package_versions(
    state: AppState,
    op: DisposePackageVersions,
) -> Result<Json<PackageVersionsOutcome>, ApiError> {
    run_batch(&state, op.0).await
}
