//! AssociateExternalConnection and DisassociateExternalConnection
//! (`POST`/`DELETE /v1/repository/external-connection`).
//!
//! Every name of the model is accepted and stored; only `public:npmjs` does anything (the npm
//! endpoint fetches through it, `crate::npm::external`). One connection per repository.

use super::repositories::description;
use crate::authz::Target;
use crate::error::ApiError;
use crate::operation::{Cx, NoBody, Operation};
use crate::params::{self, Checks, RepositoryRef};
use crate::state::AppState;
use axum::Json;
use wharf_core::api;
use wharf_core::external::{ExternalConnection, parse_connection_name};

/// AssociateExternalConnection or DisassociateExternalConnection, read and checked.
pub struct ExternalConnectionOp {
    repo: RepositoryRef,
    connection: &'static ExternalConnection,
}

impl Operation for ExternalConnectionOp {
    type Query = api::ExternalConnectionQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let r = cx.repository(&mut c, &q.domain, &q.domain_owner, &q.repository);
        let e = c.required(
            &q.external_connection,
            "externalConnection",
            parse_connection_name,
        );
        c.finish()?;
        Ok(ExternalConnectionOp {
            repo: params::validated(r)?,
            connection: params::validated(e)?,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::repository(&self.repo.domain, &self.repo.name))
    }
}

/// `POST /v1/repository/external-connection`.
pub async fn associate_external_connection(
    state: AppState,
    ExternalConnectionOp { repo, connection }: ExternalConnectionOp,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let (d, r) = (&repo.domain, &repo.name);
    let row = state
        .store
        .associate_external_connection(&d.owner, d.name.as_str(), r.as_str(), connection.name)
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}

/// `DELETE /v1/repository/external-connection`. Versions fetched through it stay.
pub async fn disassociate_external_connection(
    state: AppState,
    ExternalConnectionOp { repo, connection }: ExternalConnectionOp,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let (d, r) = (&repo.domain, &repo.name);
    let row = state
        .store
        .disassociate_external_connection(&d.owner, d.name.as_str(), r.as_str(), connection.name)
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}
