//! Who may do what through the npm endpoints: every classified npm request is mapped to the
//! CodeArtifact operations it needs, and [`authorise`] checks them with
//! [`authz::check_operation`] (the same evaluation the API layer runs) before the handler reads
//! the body or touches storage, so a refused request changes nothing.
//!
//! The mapping follows CodeArtifact's publishing-permissions table ("npm:
//! `codeartifact:PublishPackageVersion`", on the package resource) and its read permission
//! (`codeartifact:ReadFromRepository`, on the repository):
//!
//! | npm request | operations (resource) |
//! |---|---|
//! | packument, tarball, `dist-tag ls`, `ping`, `whoami`, unsupported endpoints | `ReadFromRepository` (repository) |
//! | `npm publish`, `npm deprecate` (both `PUT /{name}`), `dist-tag add`, `dist-tag rm` | `PublishPackageVersion` (package) |
//! | `npm unpublish NAME@VERSION` (`PUT /{name}/-rev/…`, then the tarball `DELETE`) | `PublishPackageVersion` and `DeletePackageVersions` (package) |
//! | `npm unpublish NAME --force` (`DELETE /{name}/-rev/…`) | `PublishPackageVersion` and `DeletePackage` (package) |
//!
//! Why:
//!
//! - Reads name only the repository addressed, as CodeArtifact does: reading through upstreams
//!   (and the retention of a version found upstream in the repository read) needs
//!   `ReadFromRepository` on that repository alone, not on its upstreams.
//! - Deprecations and dist-tags are package metadata that a publish already sets (a publish
//!   moves `latest`), and npm sends a deprecation on the very route of a publish (`PUT
//!   /{name}`), so checking before the body is read is only possible if both need the same
//!   thing. They therefore need what a publish needs, `PublishPackageVersion` on the package,
//!   rather than `PutPackageMetadata`, which CodeArtifact asks for only from Maven.
//! - Unpublish removes versions. CodeArtifact's npm endpoints do not serve it (versions are
//!   removed with DeletePackageVersions or DeletePackage), so no AWS policy was written with it
//!   in mind: an author who granted `PublishPackageVersion` for npm publishes did not mean to
//!   grant deletion. Unpublish therefore needs the API operation with the same effect as well,
//!   so it is never allowed to someone the API would refuse.
//! - A package resource is `package/DOMAIN/REPO/npm/SCOPE/NAME`, the scope without `@` as
//!   Wharf stores it (`npm//NAME` when unscoped), the ARN the API's operations on the same
//!   package are checked against.
//!
//! A refusal is 403 in npm's shape, `{"error": "User: arn:aws:iam::…:user/NAME is not authorized
//! to perform: codeartifact:ACTION on resource: ARN"}`, the text of the API's
//! `AccessDeniedException`. The root key pair is allowed everything.

use super::{Ctx, Failure};
use crate::authz::{self, Target};
use axum::http::Method;
use wharf_npm::{NpmError, NpmName, NpmRoute};

/// What npm asked for, classified from the method and the path alone (before any storage is
/// read).
pub(crate) enum NpmRequest {
    /// One of [`wharf_npm::route`]'s routes.
    Route(NpmRoute),
    /// `npm unpublish`: a request with `/-rev/` in its path.
    Unpublish {
        /// The package.
        name: NpmName,
        /// Which of unpublish's requests this is.
        kind: UnpublishKind,
    },
}

/// The three requests of `npm unpublish`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnpublishKind {
    /// `PUT /{name}/-rev/{rev}` with the packument minus the versions to remove.
    Versions,
    /// `DELETE /{name}/-/{file}.tgz/-rev/{rev}`, which follows [`UnpublishKind::Versions`].
    Tarball,
    /// `DELETE /{name}/-rev/{rev}`: the whole package.
    Package,
}

impl NpmRequest {
    /// Classifies a request by method and path (relative to the repository base). Unknown
    /// paths are 404 and wrong methods 405, as [`wharf_npm::route`] answers them.
    pub(crate) fn classify(method: &Method, rest: &str) -> Result<Self, Failure> {
        let Some((target, _rev)) = rest.split_once("/-rev/") else {
            return Ok(NpmRequest::Route(wharf_npm::route(method.as_str(), rest)?));
        };
        let (package, kind) = match (target.split_once("/-/"), method) {
            (Some((package, _)), &Method::DELETE) => (package, UnpublishKind::Tarball),
            (None, &Method::PUT) => (target, UnpublishKind::Versions),
            (None, &Method::DELETE) => (target, UnpublishKind::Package),
            _ => return Err(NpmError::MethodNotAllowed(format!("{method} {target}")).into()),
        };
        let name = NpmName::from_path(package).map_err(|_| Failure::not_found())?;
        Ok(NpmRequest::Unpublish { name, kind })
    }

    /// The operations the request needs, in the order they are checked, each with the
    /// package it concerns (`None`: the repository).
    pub(crate) fn needs(&self) -> Vec<(&'static str, Option<&NpmName>)> {
        const READ: &str = "ReadFromRepository";
        const PUBLISH: &str = "PublishPackageVersion";
        match self {
            NpmRequest::Route(route) => match route {
                NpmRoute::Packument(_)
                | NpmRoute::Tarball(_)
                | NpmRoute::DistTags(_)
                | NpmRoute::Ping
                | NpmRoute::Whoami
                | NpmRoute::Unsupported(_) => vec![(READ, None)],
                NpmRoute::PutPackage(name)
                | NpmRoute::DistTagSet { name, .. }
                | NpmRoute::DistTagRemove { name, .. } => vec![(PUBLISH, Some(name))],
            },
            NpmRequest::Unpublish { name, kind } => {
                let delete = match kind {
                    UnpublishKind::Versions | UnpublishKind::Tarball => "DeletePackageVersions",
                    UnpublishKind::Package => "DeletePackage",
                };
                vec![(PUBLISH, Some(name)), (delete, Some(name))]
            }
        }
    }
}

/// The identifiers the policy check needs: the repository addressed and, for a package
/// operation, the package's npm coordinate as stored (scope without `@`).
fn target(ctx: &Ctx, package: Option<&NpmName>) -> Target {
    let coordinate = package.map(NpmName::coordinate);
    Target {
        owner: ctx.owner.clone(),
        domain: ctx.domain.clone(),
        repository: Some(ctx.repo.clone()),
        format: coordinate.as_ref().map(|c| c.format.as_str().to_owned()),
        namespace: coordinate
            .as_ref()
            .and_then(|c| c.namespace.as_ref())
            .map(|n| n.as_str().to_owned()),
        package: coordinate.as_ref().map(|c| c.name.as_str().to_owned()),
        ..Target::default()
    }
}

/// Checks every operation `request` needs for the caller: `Ok`, or the first refusal as a 403
/// naming principal, action and resource.
pub(crate) async fn authorise(ctx: &Ctx, request: &NpmRequest) -> Result<(), Failure> {
    for (operation, package) in request.needs() {
        authz::check_operation(&ctx.state, &ctx.identity, operation, &target(ctx, package)).await?;
    }
    Ok(())
}
