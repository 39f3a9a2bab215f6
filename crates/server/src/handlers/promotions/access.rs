//! Who may promote, revert and read records: the permissions CodeArtifact would check if each
//! package were copied on its own, decided with the caller's policies loaded once.
//!
//! - Promote: `codeartifact:ReadFromRepository` on the source repository, and
//!   `codeartifact:CopyPackageVersions` on the destination repository and on every destination
//!   package (CopyPackageVersions' own requirements, [`wharf_policy::requirements`]).
//! - Revert: the same, plus `codeartifact:DeletePackageVersions` on every destination package.
//! - List and describe: `codeartifact:ReadFromRepository` on the destination repository.
//!
//! Source and destination may be in different domains; each side's requirements are decided
//! with that domain's resource policies.

use crate::auth::Identity;
use crate::authz::{Access, Target, requirements_for};
use crate::error::ApiError;
use crate::state::AppState;
use wharf_core::api::RepositoryRef;
use wharf_core::names::PackageCoordinate;
use wharf_policy::arn::repository_arn;
use wharf_policy::{PolicyScope, Requirement};

/// The policies deciding one promotion or revert, and what it needs beyond the packages.
pub struct PromotionAccess {
    state: AppState,
    identity: Identity,
    owner: String,
    source: RepositoryRef,
    destination: RepositoryRef,
    source_access: Access,
    destination_access: Access,
    revert: bool,
}

fn scope(repository: &str) -> [PolicyScope; 2] {
    [
        PolicyScope::Domain,
        PolicyScope::Repository(repository.to_owned()),
    ]
}

impl PromotionAccess {
    /// Loads the caller's policies for a promotion (`revert: false`) or a revert between these
    /// repositories.
    pub async fn load(
        state: &AppState,
        identity: &Identity,
        owner: &str,
        source: RepositoryRef,
        destination: RepositoryRef,
        revert: bool,
    ) -> Result<Self, ApiError> {
        let load = |r: &RepositoryRef| {
            let scopes = scope(&r.repository);
            let domain = r.domain.clone();
            async move { Access::load(state, identity, owner, &domain, &scopes).await }
        };
        Ok(PromotionAccess {
            source_access: load(&source).await?,
            destination_access: load(&destination).await?,
            state: state.clone(),
            identity: identity.clone(),
            owner: owner.to_owned(),
            source,
            destination,
            revert,
        })
    }

    fn target(&self, domain: &str) -> Target {
        Target {
            owner: self.owner.clone(),
            domain: domain.to_owned(),
            ..Target::default()
        }
    }

    fn requirements(&self, op: &str, target: &Target) -> Result<Vec<Requirement>, String> {
        requirements_for(&self.state, &self.identity, op, target).map_err(|e| e.to_string())
    }

    /// Decides the whole operation for these destination packages (none: only what does not
    /// depend on the packages): `Err` is the `AccessDeniedException` message of the first
    /// refused requirement.
    pub fn check(&self, packages: &[PackageCoordinate]) -> Result<(), String> {
        let mut read = self.target(&self.source.domain);
        read.repository = Some(self.source.repository.clone());
        let reqs = self.requirements("ReadFromRepository", &read)?;
        self.source_access.check(&reqs).map_err(|d| d.to_string())?;
        // CopyPackageVersions on the destination repository, whatever the packages.
        let mut reqs = vec![Requirement {
            action: "codeartifact:CopyPackageVersions".to_owned(),
            resource: repository_arn(
                &self.state.config.region,
                &self.owner,
                &self.destination.domain,
                &self.destination.repository,
            ),
            scope: PolicyScope::Repository(self.destination.repository.clone()),
        }];
        for c in packages {
            let mut t = self.target(&self.destination.domain);
            t.format = Some(c.format.as_str().to_owned());
            t.namespace = c.namespace.as_ref().map(|n| n.to_string());
            t.package = Some(c.name.to_string());
            t.repository = Some(self.destination.repository.clone());
            // CopyPackageVersions' own requirements in the destination's domain; its read of
            // the source was decided above, in the source's domain.
            t.source_repository = Some(self.source.repository.clone());
            t.destination_repository = Some(self.destination.repository.clone());
            for r in self.requirements("CopyPackageVersions", &t)? {
                if r.action == "codeartifact:CopyPackageVersions" && !reqs.contains(&r) {
                    reqs.push(r);
                }
            }
            if self.revert {
                reqs.extend(self.requirements("DeletePackageVersions", &t)?);
            }
        }
        self.destination_access
            .check(&reqs)
            .map_err(|d| d.to_string())
    }
}

/// Whether the caller may read the records of promotions into `destination`
/// (`ReadFromRepository` on it): `Ok` or `AccessDeniedException`.
pub async fn check_read(
    state: &AppState,
    identity: &Identity,
    owner: &str,
    destination: &RepositoryRef,
) -> Result<(), ApiError> {
    let target = Target {
        owner: owner.to_owned(),
        domain: destination.domain.clone(),
        repository: Some(destination.repository.clone()),
        ..Target::default()
    };
    crate::authz::check_operation(state, identity, "ReadFromRepository", &target).await
}
