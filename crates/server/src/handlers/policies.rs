//! Put/Get/DeleteDomainPermissionsPolicy and Put/Get/DeleteRepositoryPermissionsPolicy: the
//! resource policies `crate::authz` evaluates. Documents are validated with `wharf-policy`
//! (its message is the `ValidationException` message) and stored as submitted; every write
//! gives a new revision, which `policyRevision` must match when given (`ConflictException`).

use super::arn;
use crate::error::ApiError;
use crate::extract::{AwsJson, AwsQuery};
use crate::params::{self, Checks, DomainRef};
use crate::state::AppState;
use crate::store::iam::{PolicyRow, PolicyTarget};
use axum::Json;
use axum::extract::State;
use wharf_core::api::{self, ResourcePolicy, ResourcePolicyResult};
use wharf_core::error::FieldError;
use wharf_core::names::RepositoryName;
use wharf_policy::PolicyDocument;

/// The longest `policyDocument` the model accepts.
const MAX_DOCUMENT_CHARS: usize = 7168;

fn result(
    state: &AppState,
    d: &DomainRef,
    repo: Option<&str>,
    p: PolicyRow,
) -> ResourcePolicyResult {
    let resource = match repo {
        None => format!("domain/{}", d.name),
        Some(r) => format!("repository/{}/{r}", d.name),
    };
    ResourcePolicyResult {
        policy: Some(ResourcePolicy {
            resource_arn: Some(arn(state, &d.owner, &resource)),
            revision: Some(p.revision),
            document: Some(p.document),
        }),
    }
}

fn revision(c: &mut Checks, value: &Option<String>) -> Option<String> {
    let v = value.as_ref()?;
    if v.is_empty() || v.chars().count() > 100 || v.chars().any(char::is_whitespace) {
        c.push(FieldError::constraint(
            "policyRevision",
            v,
            "have length between 1 and 100 and contain no whitespace",
        ));
    }
    Some(v.clone())
}

/// Checks `policyDocument` and validates it as a resource policy.
fn document(c: &mut Checks, value: &Option<String>) -> Option<String> {
    let Some(v) = value else {
        c.push(FieldError::missing("policyDocument"));
        return None;
    };
    if v.is_empty() || v.chars().count() > MAX_DOCUMENT_CHARS {
        c.push(FieldError::constraint(
            "policyDocument",
            "(the document)",
            "have length between 1 and 7168",
        ));
        return None;
    }
    Some(v.clone())
}

fn parse(document: &str) -> Result<(), ApiError> {
    PolicyDocument::parse_resource(document)
        .map(|_| ())
        .map_err(|e| ApiError::validation(e.to_string()))
}

fn repository_checked(
    state: &AppState,
    domain: &Option<String>,
    owner: &Option<String>,
    repository: &Option<String>,
    c: &mut Checks,
) -> (Option<DomainRef>, Option<RepositoryName>) {
    let d = params::domain(c, &state.config.account_id, domain, owner);
    let r = params::repository(c, repository);
    (d, r)
}

/// `PUT /v1/domain/permissions/policy` (every member in the body).
pub async fn put_domain_permissions_policy(
    State(state): State<AppState>,
    AwsJson(b): AwsJson<api::PutDomainPermissionsPolicyBody>,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &b.domain, &b.domain_owner);
    let rev = revision(&mut c, &b.policy_revision);
    let doc = document(&mut c, &b.policy_document);
    c.finish()?;
    let (d, doc) = (params::validated(d)?, params::validated(doc)?);
    parse(&doc)?;
    let p = state
        .store
        .put_resource_policy(
            &d.owner,
            d.name.as_str(),
            PolicyTarget::Domain,
            &doc,
            rev.as_deref(),
        )
        .await?;
    Ok(Json(result(&state, &d, None, p)))
}

/// `GET /v1/domain/permissions/policy`.
pub async fn get_domain_permissions_policy(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::DomainQuery>,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    c.finish()?;
    let d = params::validated(d)?;
    let p = state
        .store
        .resource_policy(&d.owner, d.name.as_str(), PolicyTarget::Domain)
        .await?
        .ok_or_else(|| missing("domain", d.name.as_str()))?;
    Ok(Json(result(&state, &d, None, p)))
}

/// `DELETE /v1/domain/permissions/policy`.
pub async fn delete_domain_permissions_policy(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::DeleteDomainPermissionsPolicyQuery>,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let rev = revision(&mut c, &q.policy_revision);
    c.finish()?;
    let d = params::validated(d)?;
    let p = state
        .store
        .delete_resource_policy(
            &d.owner,
            d.name.as_str(),
            PolicyTarget::Domain,
            rev.as_deref(),
        )
        .await?;
    Ok(Json(result(&state, &d, None, p)))
}

/// `PUT /v1/repository/permissions/policy`.
pub async fn put_repository_permissions_policy(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::RepositoryQuery>,
    AwsJson(b): AwsJson<api::PutRepositoryPermissionsPolicyBody>,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let mut c = Checks::default();
    let (d, r) = repository_checked(&state, &q.domain, &q.domain_owner, &q.repository, &mut c);
    let rev = revision(&mut c, &b.policy_revision);
    let doc = document(&mut c, &b.policy_document);
    c.finish()?;
    let (d, r, doc) = (
        params::validated(d)?,
        params::validated(r)?,
        params::validated(doc)?,
    );
    parse(&doc)?;
    let p = state
        .store
        .put_resource_policy(
            &d.owner,
            d.name.as_str(),
            PolicyTarget::Repository(r.as_str()),
            &doc,
            rev.as_deref(),
        )
        .await?;
    Ok(Json(result(&state, &d, Some(r.as_str()), p)))
}

/// `GET /v1/repository/permissions/policy`.
pub async fn get_repository_permissions_policy(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::RepositoryQuery>,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let mut c = Checks::default();
    let (d, r) = repository_checked(&state, &q.domain, &q.domain_owner, &q.repository, &mut c);
    c.finish()?;
    let (d, r) = (params::validated(d)?, params::validated(r)?);
    let p = state
        .store
        .resource_policy(
            &d.owner,
            d.name.as_str(),
            PolicyTarget::Repository(r.as_str()),
        )
        .await?
        .ok_or_else(|| missing("repository", r.as_str()))?;
    Ok(Json(result(&state, &d, Some(r.as_str()), p)))
}

/// `DELETE /v1/repository/permissions/policies` (the model's plural path).
pub async fn delete_repository_permissions_policy(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::DeleteRepositoryPermissionsPolicyQuery>,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let mut c = Checks::default();
    let (d, r) = repository_checked(&state, &q.domain, &q.domain_owner, &q.repository, &mut c);
    let rev = revision(&mut c, &q.policy_revision);
    c.finish()?;
    let (d, r) = (params::validated(d)?, params::validated(r)?);
    let p = state
        .store
        .delete_resource_policy(
            &d.owner,
            d.name.as_str(),
            PolicyTarget::Repository(r.as_str()),
            rev.as_deref(),
        )
        .await?;
    Ok(Json(result(&state, &d, Some(r.as_str()), p)))
}

fn missing(kind: &'static str, name: &str) -> ApiError {
    ApiError::not_found(
        kind,
        name,
        format!("No resource policy is set on {kind} {name}"),
    )
}
