//! CopyPackageVersions: validate with the core, plan and apply in one transaction.

use crate::authz::Target;
use crate::error::ApiError;
use crate::extract::AwsJson;
use crate::operation::{Cx, Operation};
use crate::params::{self, Checks};
use crate::state::AppState;
use axum::Json;
use wharf_core::api::{self, CopyPackageVersionsRequest};
use wharf_core::copy::{CopyRequest, MAX_REPOSITORIES_SEARCHED, PlanError, PlanOptions, plan_copy};
use wharf_core::names::RepositoryName;

/// CopyPackageVersions, read once: its identifiers checked, then the whole request checked by
/// the core's `CopyRequest` (every request rule). A request whose identifiers are valid but
/// whose other members are not is authorized before it is refused (`req` holds the refusal),
/// so a copy naming no version tells its caller whether it may copy: the console's permission
/// check (ARCHITECTURE.md, "The console's copy run").
pub struct CopyPackageVersions {
    target: Target,
    req: Result<CopyRequest, ApiError>,
}

impl Operation for CopyPackageVersions {
    type Query = api::CopyPackageVersionsQuery;
    type Body = AwsJson<api::CopyPackageVersionsBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let d = cx.domain(&mut c, &q.domain, &q.domain_owner);
        let source = c.required(
            &q.source_repository,
            "sourceRepository",
            RepositoryName::parse_as,
        );
        let destination = c.required(
            &q.destination_repository,
            "destinationRepository",
            RepositoryName::parse_as,
        );
        let p = params::package(&mut c, &q.format, &q.namespace, &q.package);
        let identifiers = c.finish();
        let req = CopyRequest::try_from(&CopyPackageVersionsRequest::from_parts(q, b))
            .map_err(ApiError::from);
        if let Err(e) = identifiers {
            // The core's wording, which lists every violation of the request.
            return Err(req.err().unwrap_or(e));
        }
        let d = params::validated(d)?;
        let target = Target {
            source_repository: Some(params::validated(source)?.to_string()),
            destination_repository: Some(params::validated(destination)?.to_string()),
            ..Target::domain(&d)
        }
        .with_package(&params::validated(p)?);
        Ok(CopyPackageVersions { target, req })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(self.target.clone())
    }
}

/// `POST /v1/package/versions/copy`.
pub async fn copy_package_versions(
    state: AppState,
    op: CopyPackageVersions,
) -> Result<Json<api::CopyPackageVersionsResult>, ApiError> {
    let (owner, req) = (op.target.owner, op.req?);
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
