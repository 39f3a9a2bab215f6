//! CreateDomain, DescribeDomain, ListDomains, DeleteDomain.

use super::arn;
use crate::authz::Target;
use crate::error::ApiError;
use crate::extract::AwsJson;
use crate::operation::{Cx, NoBody, NoQuery, Operation};
use crate::params::{self, Checks, DomainRef};
use crate::state::AppState;
use crate::store::DomainRow;
use axum::Json;
use wharf_core::api::{self, DomainDescription, DomainStatus, DomainSummary};
use wharf_core::error::FieldError;

fn description(state: &AppState, d: &DomainRow) -> DomainDescription {
    DomainDescription {
        name: Some(d.name.clone()),
        owner: Some(d.owner.clone()),
        arn: Some(arn(state, &d.owner, &format!("domain/{}", d.name))),
        status: Some(DomainStatus::Active),
        created_time: Some(d.created_time),
        encryption_key: None,
        repository_count: Some(d.repository_count as u32),
        asset_size_bytes: Some(d.asset_size_bytes as u64),
        s3_bucket_arn: None,
    }
}

/// CreateDomain, read and checked.
pub struct CreateDomain {
    domain: DomainRef,
    tags: Vec<(String, String)>,
}

impl Operation for CreateDomain {
    type Query = api::CreateDomainQuery;
    type Body = AwsJson<api::CreateDomainBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let d = cx.domain(&mut c, &q.domain, &None);
        c.finish()?;
        Ok(CreateDomain {
            domain: params::validated(d)?,
            // Checked before anything is created, so bad tags create nothing.
            tags: super::tags::creation_tags(&b.tags)?,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::domain(&self.domain))
    }
}

/// `POST /v1/domain`.
pub async fn create_domain(
    state: AppState,
    CreateDomain { domain: d, tags }: CreateDomain,
) -> Result<Json<api::DomainResult>, ApiError> {
    let row = state.store.create_domain(&d.owner, d.name.as_str()).await?;
    let resource = arn(&state, &row.owner, &format!("domain/{}", row.name));
    state.store.replace_tags(&resource, &tags).await?;
    Ok(Json(api::DomainResult {
        domain: Some(description(&state, &row)),
    }))
}

impl Operation for DomainRef {
    type Query = api::DomainQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let d = cx.domain(&mut c, &q.domain, &q.domain_owner);
        c.finish()?;
        params::validated(d)
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::domain(self))
    }
}

/// `GET /v1/domain`.
pub async fn describe_domain(
    state: AppState,
    d: DomainRef,
) -> Result<Json<api::DomainResult>, ApiError> {
    let row = state.store.domain(&d.owner, d.name.as_str()).await?;
    Ok(Json(api::DomainResult {
        domain: Some(description(&state, &row)),
    }))
}

/// `DELETE /v1/domain`.
pub async fn delete_domain(
    state: AppState,
    d: DomainRef,
) -> Result<Json<api::DomainResult>, ApiError> {
    let row = state.store.delete_domain(&d.owner, d.name.as_str()).await?;
    let resource = arn(&state, &row.owner, &format!("domain/{}", row.name));
    state.store.replace_tags(&resource, &[]).await?;
    let mut desc = description(&state, &row);
    desc.status = Some(DomainStatus::Deleted);
    Ok(Json(api::DomainResult { domain: Some(desc) }))
}

/// ListDomains, read and checked: the page size and where the page starts.
pub struct ListDomains {
    limit: usize,
    after: Option<String>,
}

impl Operation for ListDomains {
    type Query = NoQuery;
    type Body = AwsJson<api::ListDomainsBody>;

    fn parse(_: &Cx<'_>, _: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let limit = match b.max_results {
            None => 50,
            Some(n) if (1..=1000).contains(&n) => n as usize,
            Some(n) => {
                c.push(FieldError::constraint(
                    "maxResults",
                    &n.to_string(),
                    "have value between 1 and 1000",
                ));
                50
            }
        };
        let after: Option<String> = params::decode_token(&mut c, &b.next_token);
        c.finish()?;
        Ok(ListDomains { limit, after })
    }

    async fn target(&self, state: &AppState) -> Result<Target, ApiError> {
        Ok(Target::account(&state.config.account_id))
    }
}

/// `POST /v1/domains` (paging in the body).
pub async fn list_domains(
    state: AppState,
    ListDomains { limit, after }: ListDomains,
) -> Result<Json<api::ListDomainsResult>, ApiError> {
    let rows = state.store.domains(&state.config.account_id).await?;
    let rest: Vec<&DomainRow> = rows
        .iter()
        .filter(|d| after.as_ref().is_none_or(|a| d.name > *a))
        .collect();
    let page: Vec<DomainSummary> = rest
        .iter()
        .take(limit)
        .map(|d| DomainSummary {
            name: Some(d.name.clone()),
            owner: Some(d.owner.clone()),
            arn: Some(arn(&state, &d.owner, &format!("domain/{}", d.name))),
            status: Some(DomainStatus::Active),
            created_time: Some(d.created_time),
            encryption_key: None,
        })
        .collect();
    let next_token = (rest.len() > limit)
        .then(|| params::encode_token(&page.last().and_then(|d| d.name.clone())));
    Ok(Json(api::ListDomainsResult {
        domains: page,
        next_token,
    }))
}
