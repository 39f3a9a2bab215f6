//! Authorization: what an authenticated IAM user may do, decided by `wharf-policy` as CodeArtifact
//! decides it (spec §7). Layered inside [`crate::auth::authenticate`], so every API request
//! reaches it with a [`Caller`](crate::auth::Caller) and an [`Identity`].
//!
//! The root key pair is allowed everything. For a user, [`authorize`] maps the request to its
//! operation (method + path, as in [`wharf_core::api::OPERATIONS`]) and the identifiers it
//! names ([`Target`]: query parameters, and the JSON body where an operation carries them
//! there), asks [`wharf_policy::requirements`] what that needs, and checks every requirement
//! against the user's identity policies and the governing domain or repository policy. A
//! refusal is an `AccessDeniedException` whose message is the [`wharf_policy::Denial`] text; the
//! handler never runs, so a refused request changes nothing.
//!
//! Fail-closed choices: a path that is no known operation gets `UnknownOperationException`
//! without reaching a handler; an operation `wharf-policy` does not know is denied; a request
//! missing an identifier the check needs gets a `ValidationException`; a stored policy that no
//! longer parses denies. Package-manager endpoints call [`check_operation`] with the data-plane
//! operations (`ReadFromRepository`, `PublishPackageVersion`).

use crate::auth::Identity;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::iam::PolicyTarget;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use wharf_core::api;
use wharf_core::names::PackageCoordinate;
use wharf_policy::{PolicyDocument, PolicyScope, RequestContext, Requirement, RequirementError};

/// The identifiers of a request that authorization needs, owned (see [`RequestContext`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// The domain owner (`domain-owner`, else the service's account).
    pub owner: String,
    /// `domain` (empty when the operation names none).
    pub domain: String,
    /// `repository`.
    pub repository: Option<String>,
    /// `source-repository`.
    pub source_repository: Option<String>,
    /// `destination-repository`.
    pub destination_repository: Option<String>,
    /// `format`, lower case.
    pub format: Option<String>,
    /// `namespace`, normalised as stored.
    pub namespace: Option<String>,
    /// `package`, normalised as stored.
    pub package: Option<String>,
    /// Upstreams being added (CreateRepository, UpdateRepository).
    pub upstreams: Vec<String>,
    /// `package-group` (or the `packageGroup` body member of Create/UpdatePackageGroup).
    pub package_group: Option<String>,
    /// `resourceArn` (TagResource, UntagResource, ListTagsForResource).
    pub resource_arn: Option<String>,
}

/// Middleware: lets the request through when the caller's policies allow its operation, or
/// answers `AccessDeniedException`.
pub async fn authorize(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match check(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// The operation a method and path name, from [`api::OPERATIONS`] (`HEAD` as `GET`).
pub fn operation_of(method: &str, path: &str) -> Option<&'static str> {
    let method = if method == "HEAD" { "GET" } else { method };
    api::OPERATIONS
        .iter()
        .find(|(_, m, p)| *m == method && *p == path)
        .map(|(name, _, _)| *name)
}

async fn check(state: &AppState, request: Request) -> Result<Request, ApiError> {
    let identity = request
        .extensions()
        .get::<Identity>()
        .cloned()
        .ok_or_else(|| ApiError::AccessDenied("The request was not authenticated".into()))?;
    if identity == Identity::Root {
        return Ok(request);
    }
    let operation =
        operation_of(request.method().as_str(), request.uri().path()).ok_or_else(|| {
            ApiError::UnknownOperation("No operation matches this method and path".into())
        })?;
    let (parts, body) = request.into_parts();
    let query = query_map(parts.uri.query().unwrap_or(""))?;
    let (body, bytes) = if matches!(
        operation,
        "PutDomainPermissionsPolicy"
            | "CreateRepository"
            | "UpdateRepository"
            | "CreatePackageGroup"
            | "UpdatePackageGroup"
    ) {
        let bytes = crate::extract::read_body(body, &state.config).await?;
        (Body::from(bytes.clone()), Some(bytes))
    } else {
        (body, None)
    };
    let target = target_of(state, operation, &query, bytes.as_ref()).await?;
    check_operation(state, &identity, operation, &target).await?;
    Ok(Request::from_parts(parts, body))
}

/// Decides whether `identity` may perform `operation` (an API operation or one of
/// [`wharf_policy::DATA_PLANE_OPERATIONS`]) on `target`: `Ok` or `AccessDeniedException`.
pub async fn check_operation(
    state: &AppState,
    identity: &Identity,
    operation: &str,
    target: &Target,
) -> Result<(), ApiError> {
    crate::audit::note_operation(operation, target);
    let Identity::User(_) = identity else {
        return Ok(());
    };
    let reqs = requirements_for(state, identity, operation, target)?;
    let scopes: Vec<PolicyScope> = reqs.iter().map(|r| r.scope.clone()).collect();
    let access = Access::load(state, identity, &target.owner, &target.domain, &scopes).await?;
    access
        .check(&reqs)
        .map_err(|denial| ApiError::AccessDenied(denial.to_string()))
}

/// What `operation` on `target` must be authorized for (see [`wharf_policy::requirements`]),
/// with request-level problems as API errors.
pub fn requirements_for(
    state: &AppState,
    identity: &Identity,
    operation: &str,
    target: &Target,
) -> Result<Vec<Requirement>, ApiError> {
    let principal = identity.principal(&state.config.account_id);
    let upstreams: Vec<&str> = target.upstreams.iter().map(String::as_str).collect();
    let ctx = RequestContext {
        region: &state.config.region,
        owner: &target.owner,
        domain: &target.domain,
        repository: target.repository.as_deref(),
        source_repository: target.source_repository.as_deref(),
        destination_repository: target.destination_repository.as_deref(),
        format: target.format.as_deref(),
        namespace: target.namespace.as_deref(),
        package: target.package.as_deref(),
        package_group: target.package_group.as_deref(),
        resource_arn: target.resource_arn.as_deref(),
        upstreams: &upstreams,
    };
    wharf_policy::requirements(operation, &ctx).map_err(|e| match e {
        RequirementError::UnknownOperation(_) => ApiError::AccessDenied(format!(
            "User: {} is not authorized to perform: codeartifact:{operation}",
            principal.arn
        )),
        RequirementError::MissingField { field, .. } => {
            ApiError::validation(format!("1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null", wire_name(field)))
        }
        RequirementError::BadResourceArn(e) => ApiError::validation(e.to_string()),
    })
}

/// The policies that decide a caller's requests in one domain, loaded once so that many
/// requirements (a promotion checks some per package) are decided without further reads.
pub struct Access {
    principal: wharf_policy::Principal,
    /// `None` for the root key pair, which is allowed everything.
    identity_policies: Option<Vec<PolicyDocument>>,
    domain_policy: Option<PolicyDocument>,
    repository_policies: HashMap<String, Option<PolicyDocument>>,
}

impl Access {
    /// Loads the caller's identity policies and the resource policies of `scopes` in `domain`
    /// (nothing for the root key pair).
    pub async fn load(
        state: &AppState,
        identity: &Identity,
        owner: &str,
        domain: &str,
        scopes: &[PolicyScope],
    ) -> Result<Access, ApiError> {
        let mut access = Access {
            principal: identity.principal(&state.config.account_id),
            identity_policies: None,
            domain_policy: None,
            repository_policies: HashMap::new(),
        };
        let Identity::User(user) = identity else {
            return Ok(access);
        };
        access.identity_policies = Some(
            state
                .store
                .user_policies(user)
                .await?
                .iter()
                .map(|p| PolicyDocument::parse_identity(&p.document))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| stored_policy_broken(&format!("an identity policy of {user}"), e))?,
        );
        let mut domain_loaded = false;
        for scope in scopes {
            let (scope_target, key) = match scope {
                PolicyScope::IdentityOnly => continue,
                PolicyScope::Domain if domain_loaded => continue,
                PolicyScope::Domain => (PolicyTarget::Domain, None),
                PolicyScope::Repository(r) if access.repository_policies.contains_key(r) => {
                    continue;
                }
                PolicyScope::Repository(r) => (PolicyTarget::Repository(r), Some(r.clone())),
            };
            let stored = match state
                .store
                .resource_policy(owner, domain, scope_target)
                .await
            {
                Ok(p) => p,
                // No such domain or repository: no policy (the handler reports it missing).
                Err(crate::store::StoreError::NotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            };
            let parsed = stored
                .map(|p| PolicyDocument::parse_resource(&p.document))
                .transpose()
                .map_err(|e| stored_policy_broken("a resource policy", e))?;
            match key {
                None => {
                    domain_loaded = true;
                    access.domain_policy = parsed;
                }
                Some(r) => {
                    access.repository_policies.insert(r, parsed);
                }
            }
        }
        Ok(access)
    }

    /// Decides every requirement (whose scopes were loaded) in order: the first refused one
    /// is the [`wharf_policy::Denial`].
    pub fn check(&self, reqs: &[Requirement]) -> Result<(), wharf_policy::Denial> {
        let Some(identity_policies) = &self.identity_policies else {
            return Ok(());
        };
        wharf_policy::authorize_all(
            &self.principal,
            reqs,
            identity_policies,
            |scope| match scope {
                PolicyScope::Domain => self.domain_policy.as_ref(),
                PolicyScope::Repository(r) => {
                    self.repository_policies.get(r).and_then(Option::as_ref)
                }
                PolicyScope::IdentityOnly => None,
            },
        )
    }
}

fn stored_policy_broken(what: &str, e: wharf_policy::PolicyError) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("{what} no longer parses: {e}"))
}

fn wire_name(field: &str) -> &str {
    match field {
        "source_repository" => "sourceRepository",
        "destination_repository" => "destinationRepository",
        "package_group" => "packageGroup",
        "resource_arn" => "resourceArn",
        other => other,
    }
}

/// The query string's members (first value of each; the handlers refuse duplicates anyway,
/// and so does this when the values differ).
fn query_map(query: &str) -> Result<HashMap<String, String>, ApiError> {
    let mut map = HashMap::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match map.get(k.as_ref()) {
            Some(existing) if *existing != v => {
                return Err(ApiError::validation(format!(
                    "The query parameter {k} is given more than once"
                )));
            }
            Some(_) => {}
            None => {
                map.insert(k.into_owned(), v.into_owned());
            }
        }
    }
    Ok(map)
}

/// The identifiers of an API request, named as the handlers read them.
async fn target_of(
    state: &AppState,
    operation: &str,
    query: &HashMap<String, String>,
    body: Option<&Bytes>,
) -> Result<Target, ApiError> {
    let get = |k: &str| query.get(k).cloned();
    let mut target = Target {
        owner: get("domain-owner").unwrap_or_else(|| state.config.account_id.clone()),
        domain: get("domain").unwrap_or_default(),
        repository: get("repository"),
        source_repository: get("source-repository"),
        destination_repository: get("destination-repository"),
        format: get("format"),
        namespace: get("namespace"),
        package: get("package"),
        upstreams: Vec::new(),
        package_group: get("package-group"),
        resource_arn: get("resourceArn"),
    };
    // A tagged resource's owner and domain come from its ARN (whose policies then apply).
    if let Some(parsed) = target
        .resource_arn
        .as_deref()
        .and_then(|a| wharf_policy::ResourceArn::parse(a).ok())
    {
        target.owner = parsed.owner().to_owned();
        target.domain = parsed.domain().to_owned();
    }
    if let (Some(f), Some(p)) = (&target.format, &target.package)
        && let Ok(coord) = PackageCoordinate::parse(f, target.namespace.as_deref(), p)
    {
        target.format = Some(coord.format.as_str().to_owned());
        target.namespace = coord.namespace.map(|n| n.as_str().to_owned());
        target.package = Some(coord.name.as_str().to_owned());
    }
    let Some(bytes) = body.filter(|b| !b.iter().all(u8::is_ascii_whitespace)) else {
        return Ok(target);
    };
    match operation {
        "PutDomainPermissionsPolicy" => {
            let b: api::PutDomainPermissionsPolicyBody =
                serde_json::from_slice(bytes).unwrap_or_default();
            target.domain = b.domain.unwrap_or_default();
            target.owner = b
                .domain_owner
                .unwrap_or_else(|| state.config.account_id.clone());
        }
        "CreateRepository" => {
            let b: api::CreateRepositoryBody = serde_json::from_slice(bytes).unwrap_or_default();
            target.upstreams = names(b.upstreams);
        }
        "UpdateRepository" => {
            let b: api::UpdateRepositoryBody = serde_json::from_slice(bytes).unwrap_or_default();
            let mut added = names(b.upstreams);
            if let Some(repo) = &target.repository
                && let Ok(current) = state
                    .store
                    .repository(&target.owner, &target.domain, repo)
                    .await
            {
                added.retain(|u| !current.upstreams.contains(u));
            }
            target.upstreams = added;
        }
        "CreatePackageGroup" | "UpdatePackageGroup" => {
            #[derive(serde::Deserialize, Default)]
            #[serde(rename_all = "camelCase")]
            struct GroupBody {
                package_group: Option<String>,
            }
            let b: GroupBody = serde_json::from_slice(bytes).unwrap_or_default();
            target.package_group = b.package_group;
        }
        _ => {}
    }
    Ok(target)
}

fn names(upstreams: Option<Vec<api::UpstreamRepository>>) -> Vec<String> {
    upstreams
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| u.repository_name)
        .collect()
}
