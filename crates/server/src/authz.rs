//! Authorization: what an authenticated IAM user may do, decided by `wharf-policy` as CodeArtifact
//! decides it (spec §7).
//!
//! The root key pair is allowed everything. Every API request is read once into its operation's
//! typed value (`crate::operation`); that value's [`Target`] (the identifiers it names, already
//! validated, built with the constructors below and never from the raw request) goes to
//! [`check_operation`], which asks [`wharf_policy::requirements`] what the operation needs and
//! checks every requirement against the user's identity policies and the governing domain or
//! repository policy. A refusal is an `AccessDeniedException` whose message is the
//! [`wharf_policy::Denial`] text; the handler never runs, so a refused request changes nothing.
//!
//! Fail-closed choices: a path that is no known operation gets `UnknownOperationException`
//! without reaching a handler; an operation `wharf-policy` does not know is denied; a request
//! missing an identifier the check needs gets a `ValidationException`; a stored policy that no
//! longer parses denies. Package-manager endpoints call [`check_operation`] with the data-plane
//! operations (`ReadFromRepository`, `PublishPackageVersion`).

use crate::auth::Identity;
use crate::error::ApiError;
use crate::params::DomainRef;
use crate::state::AppState;
use crate::store::iam::PolicyTarget;
use std::collections::HashMap;
use wharf_core::api;
use wharf_core::names::{PackageCoordinate, RepositoryName};
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

impl Target {
    /// A request that names no domain: the service's account only (ListDomains,
    /// ListRepositories).
    pub fn account(account: &str) -> Target {
        Target {
            owner: account.to_owned(),
            ..Target::default()
        }
    }

    /// A request on a domain.
    pub fn domain(d: &DomainRef) -> Target {
        Target {
            owner: d.owner.clone(),
            domain: d.name.to_string(),
            ..Target::default()
        }
    }

    /// A request on a repository.
    pub fn repository(d: &DomainRef, r: &RepositoryName) -> Target {
        Target {
            repository: Some(r.to_string()),
            ..Target::domain(d)
        }
    }

    /// A request on a package in a repository (format lower case, names normalised as stored).
    pub fn package(d: &DomainRef, r: &RepositoryName, p: &PackageCoordinate) -> Target {
        Target::repository(d, r).with_package(p)
    }

    /// This target with `p`'s format, namespace and name.
    pub fn with_package(self, p: &PackageCoordinate) -> Target {
        Target {
            format: Some(p.format.as_str().to_owned()),
            namespace: p.namespace.as_ref().map(|n| n.as_str().to_owned()),
            package: Some(p.name.as_str().to_owned()),
            ..self
        }
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
