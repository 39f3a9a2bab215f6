//! CreateRepository, DescribeRepository, UpdateRepository, DeleteRepository,
//! ListRepositories, ListRepositoriesInDomain, GetRepositoryEndpoint.

use super::arn;
use crate::authz::Target;
use crate::error::ApiError;
use crate::extract::AwsJson;
use crate::operation::{Cx, NoBody, Operation};
use crate::params::{self, Checks, DomainRef, RepositoryRef};
use crate::state::AppState;
use crate::store::{MAX_UPSTREAMS, RepositoryRow};
use axum::Json;
use wharf_core::api::{
    self, ExternalConnectionStatus, RepositoryDescription, RepositoryExternalConnectionInfo,
    RepositorySummary, UpstreamRepository, UpstreamRepositoryInfo,
};
use wharf_core::error::FieldError;
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

/// Checks `upstreams`: each a repository name, at most [`MAX_UPSTREAMS`], none twice.
fn upstream_names(
    c: &mut Checks,
    upstreams: &Option<Vec<UpstreamRepository>>,
) -> Option<Vec<String>> {
    let list = upstreams.as_ref()?;
    let names: Vec<String> = list
        .iter()
        .filter_map(|u| {
            c.required(
                &u.repository_name,
                "upstreams.repositoryName",
                RepositoryName::parse_as,
            )
        })
        .map(|r| r.to_string())
        .collect();
    if list.len() > MAX_UPSTREAMS {
        c.push(FieldError::rule(
            "upstreams",
            format!(
                "Value at 'upstreams' failed to satisfy constraint: Member must have length less than or equal to {MAX_UPSTREAMS}"
            ),
        ));
    }
    for (i, up) in names.iter().enumerate() {
        if names[..i].contains(up) {
            c.push(FieldError::rule(
                "upstreams",
                format!("Value at 'upstreams' failed to satisfy constraint: Upstream {up} is listed more than once"),
            ));
        }
    }
    Some(names)
}

/// CreateRepository, read and checked.
pub struct CreateRepository {
    repo: RepositoryRef,
    description: Option<String>,
    upstreams: Vec<String>,
    tags: Vec<(String, String)>,
}

impl Operation for CreateRepository {
    type Query = api::RepositoryQuery;
    type Body = AwsJson<api::CreateRepositoryBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let repo = RepositoryRef::parse(cx, q, NoBody)?;
        let mut c = Checks::default();
        let upstreams = upstream_names(&mut c, &b.upstreams).unwrap_or_default();
        c.finish()?;
        Ok(CreateRepository {
            repo,
            description: b.description,
            upstreams,
            // Checked before anything is created, so bad tags create nothing.
            tags: super::tags::creation_tags(&b.tags)?,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target {
            upstreams: self.upstreams.clone(),
            ..Target::repository(&self.repo.domain, &self.repo.name)
        })
    }
}

/// `POST /v1/repository`.
pub async fn create_repository(
    state: AppState,
    op: CreateRepository,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let (d, r) = (&op.repo.domain, &op.repo.name);
    let row = state
        .store
        .create_repository(
            &d.owner,
            d.name.as_str(),
            r.as_str(),
            op.description.as_deref(),
            &op.upstreams,
        )
        .await?;
    state
        .store
        .replace_tags(&repository_arn(&state, &row), &op.tags)
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}

impl Operation for RepositoryRef {
    type Query = api::RepositoryQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let r = cx.repository(&mut c, &q.domain, &q.domain_owner, &q.repository);
        c.finish()?;
        params::validated(r)
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::repository(&self.domain, &self.name))
    }
}

/// `GET /v1/repository`.
pub async fn describe_repository(
    state: AppState,
    RepositoryRef { domain: d, name: r }: RepositoryRef,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let row = state
        .store
        .repository(&d.owner, d.name.as_str(), r.as_str())
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}

/// UpdateRepository, read and checked.
pub struct UpdateRepository {
    repo: RepositoryRef,
    description: Option<String>,
    upstreams: Option<Vec<String>>,
}

impl Operation for UpdateRepository {
    type Query = api::RepositoryQuery;
    type Body = AwsJson<api::UpdateRepositoryBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let repo = RepositoryRef::parse(cx, q, NoBody)?;
        let mut c = Checks::default();
        let upstreams = upstream_names(&mut c, &b.upstreams);
        c.finish()?;
        Ok(UpdateRepository {
            repo,
            description: b.description,
            upstreams,
        })
    }

    /// The upstreams being added (those not already upstreams) need their own permission.
    async fn target(&self, state: &AppState) -> Result<Target, ApiError> {
        let (d, r) = (&self.repo.domain, &self.repo.name);
        let mut added = self.upstreams.clone().unwrap_or_default();
        if let Ok(current) = state
            .store
            .repository(&d.owner, d.name.as_str(), r.as_str())
            .await
        {
            added.retain(|u| !current.upstreams.contains(u));
        }
        Ok(Target {
            upstreams: added,
            ..Target::repository(d, r)
        })
    }
}

/// `PUT /v1/repository`.
pub async fn update_repository(
    state: AppState,
    op: UpdateRepository,
) -> Result<Json<api::RepositoryResult>, ApiError> {
    let (d, r) = (&op.repo.domain, &op.repo.name);
    let row = state
        .store
        .update_repository(
            &d.owner,
            d.name.as_str(),
            r.as_str(),
            op.description.as_deref(),
            op.upstreams.as_deref(),
        )
        .await?;
    Ok(Json(api::RepositoryResult {
        repository: Some(description(&state, &row)),
    }))
}

/// `DELETE /v1/repository`.
pub async fn delete_repository(
    state: AppState,
    RepositoryRef { domain: d, name: r }: RepositoryRef,
) -> Result<Json<api::RepositoryResult>, ApiError> {
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

/// ListRepositories, read and checked.
pub struct ListRepositories {
    limit: usize,
    after: Option<(String, String)>,
    prefix: String,
}

impl Operation for ListRepositories {
    type Query = api::ListRepositoriesQuery;
    type Body = NoBody;

    fn parse(_: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let (limit, after) = paging(&mut c, &q.max_results, &q.next_token);
        c.finish()?;
        Ok(ListRepositories {
            limit,
            after,
            prefix: q.repository_prefix.unwrap_or_default(),
        })
    }

    async fn target(&self, state: &AppState) -> Result<Target, ApiError> {
        Ok(Target::account(&state.config.account_id))
    }
}

/// `POST /v1/repositories`.
pub async fn list_repositories(
    state: AppState,
    op: ListRepositories,
) -> Result<Json<api::ListRepositoriesResult>, ApiError> {
    let rows = state
        .store
        .repositories(&state.config.account_id, None, &op.prefix)
        .await?;
    Ok(Json(page(&state, rows, op.limit, op.after)))
}

/// ListRepositoriesInDomain, read and checked.
pub struct ListRepositoriesInDomain {
    domain: DomainRef,
    list: ListRepositories,
    administrator_account: Option<String>,
}

impl Operation for ListRepositoriesInDomain {
    type Query = api::ListRepositoriesInDomainQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let d = cx.domain(&mut c, &q.domain, &q.domain_owner);
        let (limit, after) = paging(&mut c, &q.max_results, &q.next_token);
        c.finish()?;
        Ok(ListRepositoriesInDomain {
            domain: params::validated(d)?,
            list: ListRepositories {
                limit,
                after,
                prefix: q.repository_prefix.unwrap_or_default(),
            },
            administrator_account: q.administrator_account,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::domain(&self.domain))
    }
}

/// `POST /v1/domain/repositories`.
pub async fn list_repositories_in_domain(
    state: AppState,
    op: ListRepositoriesInDomain,
) -> Result<Json<api::ListRepositoriesResult>, ApiError> {
    let d = &op.domain;
    let mut rows = state
        .store
        .repositories(&d.owner, Some(d.name.as_str()), &op.list.prefix)
        .await?;
    if let Some(admin) = &op.administrator_account {
        rows.retain(|r| &r.owner == admin);
    }
    Ok(Json(page(&state, rows, op.list.limit, op.list.after)))
}

/// GetRepositoryEndpoint, read and checked, with the base URL the request's host gives.
pub struct GetRepositoryEndpoint {
    repo: RepositoryRef,
    format: PackageFormat,
    base: String,
}

impl Operation for GetRepositoryEndpoint {
    type Query = api::GetRepositoryEndpointQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let repo = cx.repository(&mut c, &q.domain, &q.domain_owner, &q.repository);
        let f = c.required(&q.format, "format", PackageFormat::parse_as);
        c.finish()?;
        Ok(GetRepositoryEndpoint {
            repo: params::validated(repo)?,
            format: params::validated(f)?,
            base: crate::public_url::base(&cx.state.config, &cx.parts.headers),
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::repository(&self.repo.domain, &self.repo.name))
    }
}

/// `GET /v1/repository/endpoint`: the package-manager URL of a repository, on this host.
pub async fn get_repository_endpoint(
    state: AppState,
    op: GetRepositoryEndpoint,
) -> Result<Json<api::GetRepositoryEndpointResult>, ApiError> {
    let (d, r) = (&op.repo.domain, &op.repo.name);
    state
        .store
        .repository(&d.owner, d.name.as_str(), r.as_str())
        .await?;
    Ok(Json(api::GetRepositoryEndpointResult {
        repository_endpoint: Some(format!("{}/{}/{}/{}/", op.base, op.format, d.name, r)),
    }))
}
