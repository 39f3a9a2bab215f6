//! Put/Get/DeleteDomainPermissionsPolicy and Put/Get/DeleteRepositoryPermissionsPolicy: the
//! resource policies `crate::authz` evaluates. Documents are validated with `wharf-policy`
//! (its message is the `ValidationException` message) and stored as submitted; every write
//! gives a new revision, which `policyRevision` must match when given (`ConflictException`).

use super::arn;
use crate::authz::Target;
use crate::error::ApiError;
use crate::extract::AwsJson;
use crate::operation::{Cx, NoBody, NoQuery, Operation};
use crate::params::{self, Checks, DomainRef, RepositoryRef};
use crate::state::AppState;
use crate::store::iam::{PolicyRow, PolicyTarget};
use axum::Json;
use wharf_core::api::{self, ResourcePolicy, ResourcePolicyResult};
use wharf_core::error::FieldError;
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

/// PutDomainPermissionsPolicy, read and checked (every member travels in the body).
pub struct PutDomainPermissionsPolicy {
    domain: DomainRef,
    revision: Option<String>,
    document: String,
}

impl Operation for PutDomainPermissionsPolicy {
    type Query = NoQuery;
    type Body = AwsJson<api::PutDomainPermissionsPolicyBody>;

    fn parse(cx: &Cx<'_>, _: NoQuery, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let d = cx.domain(&mut c, &b.domain, &b.domain_owner);
        let revision = revision(&mut c, &b.policy_revision);
        let doc = document(&mut c, &b.policy_document);
        c.finish()?;
        let (domain, document) = (params::validated(d)?, params::validated(doc)?);
        parse(&document)?;
        Ok(PutDomainPermissionsPolicy {
            domain,
            revision,
            document,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::domain(&self.domain))
    }
}

/// `PUT /v1/domain/permissions/policy` (every member in the body).
pub async fn put_domain_permissions_policy(
    state: AppState,
    op: PutDomainPermissionsPolicy,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let d = &op.domain;
    let p = state
        .store
        .put_resource_policy(
            &d.owner,
            d.name.as_str(),
            PolicyTarget::Domain,
            &op.document,
            op.revision.as_deref(),
        )
        .await?;
    Ok(Json(result(&state, d, None, p)))
}

/// `GET /v1/domain/permissions/policy`.
pub async fn get_domain_permissions_policy(
    state: AppState,
    d: DomainRef,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let p = state
        .store
        .resource_policy(&d.owner, d.name.as_str(), PolicyTarget::Domain)
        .await?
        .ok_or_else(|| missing("domain", d.name.as_str()))?;
    Ok(Json(result(&state, &d, None, p)))
}

/// DeleteDomainPermissionsPolicy, read and checked.
pub struct DeleteDomainPermissionsPolicy {
    domain: DomainRef,
    revision: Option<String>,
}

impl Operation for DeleteDomainPermissionsPolicy {
    type Query = api::DeleteDomainPermissionsPolicyQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let d = cx.domain(&mut c, &q.domain, &q.domain_owner);
        let revision = revision(&mut c, &q.policy_revision);
        c.finish()?;
        Ok(DeleteDomainPermissionsPolicy {
            domain: params::validated(d)?,
            revision,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::domain(&self.domain))
    }
}

/// `DELETE /v1/domain/permissions/policy`.
pub async fn delete_domain_permissions_policy(
    state: AppState,
    op: DeleteDomainPermissionsPolicy,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let d = &op.domain;
    let p = state
        .store
        .delete_resource_policy(
            &d.owner,
            d.name.as_str(),
            PolicyTarget::Domain,
            op.revision.as_deref(),
        )
        .await?;
    Ok(Json(result(&state, d, None, p)))
}

/// PutRepositoryPermissionsPolicy, read and checked.
pub struct PutRepositoryPermissionsPolicy {
    repo: RepositoryRef,
    revision: Option<String>,
    document: String,
}

impl Operation for PutRepositoryPermissionsPolicy {
    type Query = api::RepositoryQuery;
    type Body = AwsJson<api::PutRepositoryPermissionsPolicyBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let r = cx.repository(&mut c, &q.domain, &q.domain_owner, &q.repository);
        let revision = revision(&mut c, &b.policy_revision);
        let doc = document(&mut c, &b.policy_document);
        c.finish()?;
        let (repo, document) = (params::validated(r)?, params::validated(doc)?);
        parse(&document)?;
        Ok(PutRepositoryPermissionsPolicy {
            repo,
            revision,
            document,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::repository(&self.repo.domain, &self.repo.name))
    }
}

/// `PUT /v1/repository/permissions/policy`.
pub async fn put_repository_permissions_policy(
    state: AppState,
    op: PutRepositoryPermissionsPolicy,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let (d, r) = (&op.repo.domain, &op.repo.name);
    let p = state
        .store
        .put_resource_policy(
            &d.owner,
            d.name.as_str(),
            PolicyTarget::Repository(r.as_str()),
            &op.document,
            op.revision.as_deref(),
        )
        .await?;
    Ok(Json(result(&state, d, Some(r.as_str()), p)))
}

/// `GET /v1/repository/permissions/policy`.
pub async fn get_repository_permissions_policy(
    state: AppState,
    RepositoryRef { domain: d, name: r }: RepositoryRef,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
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

/// DeleteRepositoryPermissionsPolicy, read and checked.
pub struct DeleteRepositoryPermissionsPolicy {
    repo: RepositoryRef,
    revision: Option<String>,
}

impl Operation for DeleteRepositoryPermissionsPolicy {
    type Query = api::DeleteRepositoryPermissionsPolicyQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let r = cx.repository(&mut c, &q.domain, &q.domain_owner, &q.repository);
        let revision = revision(&mut c, &q.policy_revision);
        c.finish()?;
        Ok(DeleteRepositoryPermissionsPolicy {
            repo: params::validated(r)?,
            revision,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::repository(&self.repo.domain, &self.repo.name))
    }
}

/// `DELETE /v1/repository/permissions/policies` (the model's plural path).
pub async fn delete_repository_permissions_policy(
    state: AppState,
    op: DeleteRepositoryPermissionsPolicy,
) -> Result<Json<ResourcePolicyResult>, ApiError> {
    let (d, r) = (&op.repo.domain, &op.repo.name);
    let p = state
        .store
        .delete_resource_policy(
            &d.owner,
            d.name.as_str(),
            PolicyTarget::Repository(r.as_str()),
            op.revision.as_deref(),
        )
        .await?;
    Ok(Json(result(&state, d, Some(r.as_str()), p)))
}

fn missing(kind: &'static str, name: &str) -> ApiError {
    ApiError::not_found(
        kind,
        name,
        format!("No resource policy is set on {kind} {name}"),
    )
}
