//! CopyPackageVersions: validate with the core, plan and apply in one transaction.

use crate::error::ApiError;
use crate::extract::{AwsJson, AwsQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use wharf_core::api::{self, CopyPackageVersionsRequest};
use wharf_core::copy::{CopyRequest, MAX_REPOSITORIES_SEARCHED, PlanError, PlanOptions, plan_copy};

/// `POST /v1/package/versions/copy`.
pub async fn copy_package_versions(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::CopyPackageVersionsQuery>,
    AwsJson(b): AwsJson<api::CopyPackageVersionsBody>,
) -> Result<Json<api::CopyPackageVersionsResult>, ApiError> {
    let req = CopyRequest::try_from(&CopyPackageVersionsRequest::from_parts(q, b))?;
    let owner = req
        .domain_owner
        .as_ref()
        .map_or(state.config.account_id.clone(), |o| o.to_string());
    let searched = if req.include_from_upstream {
        MAX_REPOSITORIES_SEARCHED
    } else {
        1
    };
    let plan = state
        .store
        .copy(
            &owner,
            req.domain.as_str(),
            req.source.as_str(),
            searched,
            req.destination.as_str(),
            &req.package,
            &req.selection
                .versions()
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>(),
            &|source, destination| plan_copy(&req, source, destination, PlanOptions::default()),
        )
        .await?
        .map_err(|e| match e {
            PlanError::PackageNotFound { .. } => {
                ApiError::not_found("package", req.package.name.as_str(), e.to_string())
            }
        })?;
    let result: api::CopyPackageVersionsResult = (&plan).into();
    state
        .metrics
        .versions_copied(result.successful_versions.len());
    Ok(Json(result))
}
