//! CreateDomain, DescribeDomain, ListDomains, DeleteDomain.

use super::arn;
use crate::error::ApiError;
use crate::extract::{AwsJson, AwsQuery};
use crate::params::{self, Checks};
use crate::state::AppState;
use crate::store::DomainRow;
use axum::Json;
use axum::extract::State;
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

/// `POST /v1/domain`.
pub async fn create_domain(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::CreateDomainQuery>,
    AwsJson(b): AwsJson<api::CreateDomainBody>,
) -> Result<Json<api::DomainResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &None);
    c.finish()?;
    let d = params::validated(d)?;
    // Checked before anything is created, so bad tags create nothing.
    let tags = super::tags::creation_tags(&b.tags)?;
    let row = state.store.create_domain(&d.owner, d.name.as_str()).await?;
    let resource = arn(&state, &row.owner, &format!("domain/{}", row.name));
    state.store.replace_tags(&resource, &tags).await?;
    Ok(Json(api::DomainResult {
        domain: Some(description(&state, &row)),
    }))
}

/// `GET /v1/domain`.
pub async fn describe_domain(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::DomainQuery>,
) -> Result<Json<api::DomainResult>, ApiError> {
    let d = checked(&state, &q)?;
    let row = state.store.domain(&d.owner, d.name.as_str()).await?;
    Ok(Json(api::DomainResult {
        domain: Some(description(&state, &row)),
    }))
}

/// `DELETE /v1/domain`.
pub async fn delete_domain(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::DomainQuery>,
) -> Result<Json<api::DomainResult>, ApiError> {
    let d = checked(&state, &q)?;
    let row = state.store.delete_domain(&d.owner, d.name.as_str()).await?;
    let resource = arn(&state, &row.owner, &format!("domain/{}", row.name));
    state.store.replace_tags(&resource, &[]).await?;
    let mut desc = description(&state, &row);
    desc.status = Some(DomainStatus::Deleted);
    Ok(Json(api::DomainResult { domain: Some(desc) }))
}

/// `POST /v1/domains` (paging in the body).
pub async fn list_domains(
    State(state): State<AppState>,
    AwsJson(b): AwsJson<api::ListDomainsBody>,
) -> Result<Json<api::ListDomainsResult>, ApiError> {
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

fn checked(state: &AppState, q: &api::DomainQuery) -> Result<params::DomainRef, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    c.finish()?;
    params::validated(d)
}
