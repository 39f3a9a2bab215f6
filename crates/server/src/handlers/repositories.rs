//! CreateRepository, DescribeRepository, UpdateRepository, DeleteRepository,
//! ListRepositories, ListRepositoriesInDomain, GetRepositoryEndpoint.

use super::arn;
use crate::error::ApiError;
use crate::extract::{AwsJson, AwsQuery};
use crate::params::{self, Checks, DomainRef};
use crate::state::AppState;
use crate::store::RepositoryRow;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use wharf_core::api::{
    self, ExternalConnectionStatus, RepositoryDescription, RepositoryExternalConnectionInfo,
    RepositorySummary, UpstreamRepository, UpstreamRepositoryInfo,
};
use wharf_core::external::external_connection;
use wharf_core::names::{PackageFormat, RepositoryName};

/// The repository's ARN (its tags are stored under it).
fn repository_arn(state: &AppState, r: &RepositoryRow) -> String {
    arn(
        state,
        &r.owner,
        &format!("repository/{}/{}", r.domain, r.name),
    )
}

/// The wire description of a repository (shared by the external-connection operations).
pub(crate) fn description(state: &AppState, r: &RepositoryRow) -> RepositoryDescription {
    RepositoryDescription {
        name: Some(r.name.clone()),
        administrator_account: Some(r.owner.clone()),
        domain_name: Some(r.domain.clone()),
        domain_owner: Some(r.owner.clone()),
        arn: Some(repository_arn(state, r)),
        description: r.description.clone(),
        upstreams: r
            .upstreams
            .iter()
            .map(|u| UpstreamRepositoryInfo {
                repository_name: Some(u.clone()),
            })
            .collect(),
        external_connections: r
            .external_connection
            .iter()
            .map(|name| RepositoryExternalConnectionInfo {
                external_connection_name: Some(name.clone()),
                package_format: external_connection(name).map(|c| c.format),
                status: Some(ExternalConnectionStatus::Available),
            })
            .collect(),
        created_time: Some(r.created_time),
    }
}

pub(crate) fn checked(
    state: &AppState,
    q: &api::RepositoryQuery,
) -> Result<(DomainRef, RepositoryName), ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let r = params::repository(&mut c, &q.repository);
    c.finish()?;
    Ok((params::validated(d)?, params::validated(r)?))
}

fn upstream_names(
    c: &mut Checks,
    upstreams: &Option<Vec<UpstreamRepository>>,
) -> Option<Vec<String>> {
    let list = upstreams.as_ref()?;
    Some(
        list.iter()
            .filter_map(|u| {
                c.required(
                    &u.repository_name,
                    "upstreams.repositoryName",
                    RepositoryName::parse_as,
                )
            })
            .map(|r| r.to_string())
            .collect(),
    )
}

/// `POST /v1/repository`.
pub async fn create_repository(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::RepositoryQuery>,
    AwsJson(b): AwsJson<api::CreateRepositoryBody>,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let (d, r) = checked(&state, &q)?;
    let mut c = Checks::default();
    let ups = upstream_names(&mut c, &b.upstreams).unwrap_or_default();
    c.finish()?;
    // Checked before anything is created, so bad tags create nothing.
    let tags = super::tags::creation_tags(&b.tags)?;
    let row = state
        .store
        .create_repository(
            &d.owner,
            d.name.as_str(),
            r.as_str(),
            b.description.as_deref(),
            &ups,
        )
        .await?;
    state
        .store
        .replace_tags(&repository_arn(&state, &row), &tags)
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}

/// `GET /v1/repository`.
pub async fn describe_repository(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::RepositoryQuery>,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let (d, r) = checked(&state, &q)?;
    let row = state
        .store
        .repository(&d.owner, d.name.as_str(), r.as_str())
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}

/// `PUT /v1/repository`.
pub async fn update_repository(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::RepositoryQuery>,
    AwsJson(b): AwsJson<api::UpdateRepositoryBody>,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let (d, r) = checked(&state, &q)?;
    let mut c = Checks::default();
    let ups = upstream_names(&mut c, &b.upstreams);
    c.finish()?;
    let row = state
        .store
        .update_repository(
            &d.owner,
            d.name.as_str(),
            r.as_str(),
            b.description.as_deref(),
            ups.as_deref(),
        )
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}

/// `DELETE /v1/repository`.
pub async fn delete_repository(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::RepositoryQuery>,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let (d, r) = checked(&state, &q)?;
    let row = state
        .store
        .delete_repository(&d.owner, d.name.as_str(), r.as_str())
        .await?;
    state
        .store
        .replace_tags(&repository_arn(&state, &row), &[])
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}

/// Checks `max-results` and `next-token` of a repository listing.
fn paging(
    c: &mut Checks,
    max: &Option<String>,
    token: &Option<String>,
) -> (usize, Option<(String, String)>) {
    (
        params::max_results(c, max) as usize,
        params::decode_token(c, token),
    )
}

fn page(
    state: &AppState,
    rows: Vec<RepositoryRow>,
    limit: usize,
    after: Option<(String, String)>,
) -> api::ListRepositoriesResult {
    let rest: Vec<RepositoryRow> = rows
        .into_iter()
        .filter(|r| {
            after
                .as_ref()
                .is_none_or(|a| (r.domain.clone(), r.name.clone()) > *a)
        })
        .collect();
    let next_token = (rest.len() > limit).then(|| {
        params::encode_token(&(rest[limit - 1].domain.clone(), rest[limit - 1].name.clone()))
    });
    let repositories = rest
        .iter()
        .take(limit)
        .map(|r| {
            let d = description(state, r);
            RepositorySummary {
                name: d.name,
                administrator_account: d.administrator_account,
                domain_name: d.domain_name,
                domain_owner: d.domain_owner,
                arn: d.arn,
                description: d.description,
                created_time: d.created_time,
            }
        })
        .collect();
    api::ListRepositoriesResult {
        repositories,
        next_token,
    }
}

/// `POST /v1/repositories`.
pub async fn list_repositories(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ListRepositoriesQuery>,
) -> Result<Json<api::ListRepositoriesResult>, ApiError> {
    let mut c = Checks::default();
    let (limit, after) = paging(&mut c, &q.max_results, &q.next_token);
    c.finish()?;
    let rows = state
        .store
        .repositories(
            &state.config.account_id,
            None,
            q.repository_prefix.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(Json(page(&state, rows, limit, after)))
}

/// `POST /v1/domain/repositories`.
pub async fn list_repositories_in_domain(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ListRepositoriesInDomainQuery>,
) -> Result<Json<api::ListRepositoriesResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let (limit, after) = paging(&mut c, &q.max_results, &q.next_token);
    c.finish()?;
    let d = params::validated(d)?;
    let mut rows = state
        .store
        .repositories(
            &d.owner,
            Some(d.name.as_str()),
            q.repository_prefix.as_deref().unwrap_or(""),
        )
        .await?;
    if let Some(admin) = &q.administrator_account {
        rows.retain(|r| &r.owner == admin);
    }
    Ok(Json(page(&state, rows, limit, after)))
}

/// `GET /v1/repository/endpoint`: the package-manager URL of a repository, on this host.
pub async fn get_repository_endpoint(
    State(state): State<AppState>,
    headers: HeaderMap,
    AwsQuery(q): AwsQuery<api::GetRepositoryEndpointQuery>,
) -> Result<Json<api::GetRepositoryEndpointResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let r = params::repository(&mut c, &q.repository);
    let f = c.required(&q.format, "format", PackageFormat::parse_as);
    c.finish()?;
    let (d, r, f) = (
        params::validated(d)?,
        params::validated(r)?,
        params::validated(f)?,
    );
    state
        .store
        .repository(&d.owner, d.name.as_str(), r.as_str())
        .await?;
    let base = crate::public_url::base(&state.config, &headers);
    Ok(Json(api::GetRepositoryEndpointResult {
        repository_endpoint: Some(format!("{base}/{f}/{}/{}/", d.name, r)),
    }))
}
