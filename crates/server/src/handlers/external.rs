//! AssociateExternalConnection and DisassociateExternalConnection
//! (`POST`/`DELETE /v1/repository/external-connection`).
//!
//! Every name of the model is accepted and stored; only `public:npmjs` does anything (the npm
//! endpoint fetches through it, `crate::npm::external`). One connection per repository.

use super::repositories::description;
use crate::error::ApiError;
use crate::extract::AwsQuery;
use crate::params::{self, Checks};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use wharf_core::api;
use wharf_core::external::{ExternalConnection, parse_connection_name};
use wharf_core::names::RepositoryName;

fn checked(
    state: &AppState,
    q: &api::ExternalConnectionQuery,
) -> Result<
    (
        params::DomainRef,
        RepositoryName,
        &'static ExternalConnection,
    ),
    ApiError,
> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let r = params::repository(&mut c, &q.repository);
    let e = c.required(
        &q.external_connection,
        "externalConnection",
        parse_connection_name,
    );
    c.finish()?;
    Ok((
        params::validated(d)?,
        params::validated(r)?,
        params::validated(e)?,
    ))
}

/// `POST /v1/repository/external-connection`.
pub async fn associate_external_connection(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ExternalConnectionQuery>,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let (d, r, e) = checked(&state, &q)?;
    let row = state
        .store
        .associate_external_connection(&d.owner, d.name.as_str(), r.as_str(), e.name)
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}

/// `DELETE /v1/repository/external-connection`. Versions fetched through it stay.
pub async fn disassociate_external_connection(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ExternalConnectionQuery>,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let (d, r, e) = checked(&state, &q)?;
    let row = state
        .store
        .disassociate_external_connection(&d.owner, d.name.as_str(), r.as_str(), e.name)
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}
