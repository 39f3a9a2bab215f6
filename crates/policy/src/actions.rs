//! What each operation must be authorized for: `(action, resource ARN, governing resource policy)`.
//!
//! [`requirements`] covers the 48 CodeArtifact API operations of spec Appendix A plus two
//! data-plane operations that package managers perform through repository endpoints
//! ([`DATA_PLANE_OPERATIONS`]). The action of every API operation is `codeartifact:{Operation}`;
//! resources follow the Service Authorization Reference resource types (spec §7):
//!
//! | Resource | Operations |
//! |---|---|
//! | `*` | ListDomains, ListRepositories (no resource type) |
//! | domain | Describe/Delete Domain, GetAuthorizationToken, Get/Put/Delete DomainPermissionsPolicy, ListRepositoriesInDomain, ListPackageGroups, GetAssociatedPackageGroup, CreateDomain (the new domain) |
//! | repository | CreateRepository (the new one), Describe/Update/Delete Repository, GetRepositoryEndpoint, Get/Put/Delete RepositoryPermissionsPolicy, Associate/Disassociate ExternalConnection, ListPackages, ReadFromRepository |
//! | package | DescribePackage, DeletePackage, PutPackageOriginConfiguration, DescribePackageVersion, ListPackageVersions, ListPackageVersionAssets, ListPackageVersionDependencies, GetPackageVersionAsset, GetPackageVersionReadme, Update/Delete/Dispose PackageVersions, PublishPackageVersion, PutPackageMetadata |
//! | package group | Create/Describe/Update/Delete PackageGroup, UpdatePackageGroupOriginConfiguration, ListAllowedRepositoriesForGroup, ListAssociatedPackages, ListSubPackageGroups |
//! | the given ARN | TagResource, UntagResource, ListTagsForResource |
//!
//! Multi-requirement operations:
//!
//! - **CopyPackageVersions**: `ReadFromRepository` on the source repository, and
//!   `CopyPackageVersions` on the destination repository **and** the destination package.
//! - **PublishPackageVersion** (and package-manager publishes): `PublishPackageVersion` on the
//!   package, plus `PutPackageMetadata` on the package for Maven and `ReadFromRepository` on the
//!   repository for NuGet (spec §7.4).
//! - **CreateRepository / UpdateRepository**: `AssociateWithDownstreamRepository` on every
//!   repository in [`RequestContext::upstreams`] (pass only the upstreams being added).
//!
//! Decisions (deviations from AWS): GetAuthorizationToken requires only
//! `codeartifact:GetAuthorizationToken` on the domain (Wharf has no STS, so
//! `sts:GetServiceBearerToken` is not modelled). CreateDomain, CreateRepository and
//! CreatePackageGroup have no resource type in the SAR (policies must say `"*"`); Wharf checks them
//! against the ARN of the resource being created, which `"*"` also matches, so that domain
//! policies can govern them. GetAssociatedPackageGroup is checked on the domain, because the
//! package group is only known after the lookup.

use crate::arn::{ResourceArn, domain_arn, package_arn, package_group_arn, repository_arn};

/// Which resource policy governs a requirement (the caller looks it up and passes it to
/// [`crate::authorize`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PolicyScope {
    /// The domain's resource policy (the domain named in the request context).
    Domain,
    /// The resource policy of this repository (in the request context's domain).
    Repository(String),
    /// No resource policy: identity policies only. Used for `ListDomains`, `ListRepositories`,
    /// `CreateDomain` and `PutRepositoryPermissionsPolicy` (which ignores the repository's own
    /// policy, so an owner cannot lock themselves out, spec §7.3).
    IdentityOnly,
}

/// One thing the caller must be allowed to do.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Requirement {
    /// The IAM action, e.g. `codeartifact:CopyPackageVersions`.
    pub action: String,
    /// The resource ARN (or `*`).
    pub resource: String,
    /// The resource policy that applies.
    pub scope: PolicyScope,
}

impl Requirement {
    /// `(action, resource)` as [`crate::authorize`] takes it.
    pub fn as_pair(&self) -> (&str, &str) {
        (&self.action, &self.resource)
    }
}

/// The identifiers of a request, as the server parsed them (names already normalised).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestContext<'a> {
    /// Region of the service, e.g. `us-west-2`.
    pub region: &'a str,
    /// The domain owner account (`domain-owner`, defaulting to the caller's account).
    pub owner: &'a str,
    /// Domain name (unused by `ListDomains`, `ListRepositories` and the tagging operations).
    pub domain: &'a str,
    /// `repository`.
    pub repository: Option<&'a str>,
    /// `source-repository` (CopyPackageVersions).
    pub source_repository: Option<&'a str>,
    /// `destination-repository` (CopyPackageVersions).
    pub destination_repository: Option<&'a str>,
    /// `format`, lower case as on the wire.
    pub format: Option<&'a str>,
    /// `namespace`; `None` or empty for none.
    pub namespace: Option<&'a str>,
    /// `package`.
    pub package: Option<&'a str>,
    /// `package-group` (or the `packageGroup` body member), a pattern such as `/npm/scope/*`.
    pub package_group: Option<&'a str>,
    /// `resourceArn` (TagResource, UntagResource, ListTagsForResource).
    pub resource_arn: Option<&'a str>,
    /// Upstream repositories being added by CreateRepository/UpdateRepository.
    pub upstreams: &'a [&'a str],
}

/// Why [`requirements`] could not produce a list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequirementError {
    /// Not one of [`API_OPERATIONS`] or [`DATA_PLANE_OPERATIONS`].
    #[error("Unknown operation {0:?}")]
    UnknownOperation(String),
    /// A field the operation needs is missing or empty in the context.
    #[error("{operation} needs {field} to be authorized")]
    MissingField {
        /// The operation.
        operation: &'static str,
        /// The context field.
        field: &'static str,
    },
    /// `resource_arn` is not a CodeArtifact ARN.
    #[error("{0}")]
    BadResourceArn(#[from] crate::arn::ArnError),
}

/// The resource shape of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Global,
    NewDomain,
    Domain,
    NewRepository,
    Repository,
    RepositoryPolicyWrite,
    UpdateRepository,
    Package,
    Publish,
    Copy,
    PackageGroup,
    Tagging,
}

/// The 48 CodeArtifact API operations (spec Appendix A) with their resource shapes.
const TABLE: &[(&str, Shape)] = &[
    ("AssociateExternalConnection", Shape::Repository),
    ("CopyPackageVersions", Shape::Copy),
    ("CreateDomain", Shape::NewDomain),
    ("CreatePackageGroup", Shape::PackageGroup),
    ("CreateRepository", Shape::NewRepository),
    ("DeleteDomain", Shape::Domain),
    ("DeleteDomainPermissionsPolicy", Shape::Domain),
    ("DeletePackage", Shape::Package),
    ("DeletePackageGroup", Shape::PackageGroup),
    ("DeletePackageVersions", Shape::Package),
    ("DeleteRepository", Shape::Repository),
    ("DeleteRepositoryPermissionsPolicy", Shape::Repository),
    ("DescribeDomain", Shape::Domain),
    ("DescribePackage", Shape::Package),
    ("DescribePackageGroup", Shape::PackageGroup),
    ("DescribePackageVersion", Shape::Package),
    ("DescribeRepository", Shape::Repository),
    ("DisassociateExternalConnection", Shape::Repository),
    ("DisposePackageVersions", Shape::Package),
    ("GetAssociatedPackageGroup", Shape::Domain),
    ("GetAuthorizationToken", Shape::Domain),
    ("GetDomainPermissionsPolicy", Shape::Domain),
    ("GetPackageVersionAsset", Shape::Package),
    ("GetPackageVersionReadme", Shape::Package),
    ("GetRepositoryEndpoint", Shape::Repository),
    ("GetRepositoryPermissionsPolicy", Shape::Repository),
    ("ListAllowedRepositoriesForGroup", Shape::PackageGroup),
    ("ListAssociatedPackages", Shape::PackageGroup),
    ("ListDomains", Shape::Global),
    ("ListPackageGroups", Shape::Domain),
    ("ListPackageVersionAssets", Shape::Package),
    ("ListPackageVersionDependencies", Shape::Package),
    ("ListPackageVersions", Shape::Package),
    ("ListPackages", Shape::Repository),
    ("ListRepositories", Shape::Global),
    ("ListRepositoriesInDomain", Shape::Domain),
    ("ListSubPackageGroups", Shape::PackageGroup),
    ("ListTagsForResource", Shape::Tagging),
    ("PublishPackageVersion", Shape::Publish),
    ("PutDomainPermissionsPolicy", Shape::Domain),
    ("PutPackageOriginConfiguration", Shape::Package),
    (
        "PutRepositoryPermissionsPolicy",
        Shape::RepositoryPolicyWrite,
    ),
    ("TagResource", Shape::Tagging),
    ("UntagResource", Shape::Tagging),
    ("UpdatePackageGroup", Shape::PackageGroup),
    ("UpdatePackageGroupOriginConfiguration", Shape::PackageGroup),
    ("UpdatePackageVersionsStatus", Shape::Package),
    ("UpdateRepository", Shape::UpdateRepository),
];

/// The names of the 48 CodeArtifact API operations, in Appendix A order.
pub const API_OPERATIONS: [&str; 48] = {
    let mut names = [""; 48];
    let mut i = 0;
    while i < 48 {
        names[i] = TABLE[i].0;
        i += 1;
    }
    names
};

/// Data-plane operations (package-manager traffic on repository endpoints): a read
/// (`ReadFromRepository`, on the repository) and a metadata write (`PutPackageMetadata`, on the
/// package). Package-manager publishes use `PublishPackageVersion` with the format set.
pub const DATA_PLANE_OPERATIONS: [&str; 2] = ["ReadFromRepository", "PutPackageMetadata"];

/// Everything `operation` must be authorized for, in the order to check it.
///
/// `operation` is an API operation name as in Appendix A (`"CopyPackageVersions"`) or one of
/// [`DATA_PLANE_OPERATIONS`]. Never returns an empty list.
pub fn requirements(
    operation: &str,
    ctx: &RequestContext<'_>,
) -> Result<Vec<Requirement>, RequirementError> {
    let (name, shape) = TABLE
        .iter()
        .copied()
        .chain([
            ("ReadFromRepository", Shape::Repository),
            ("PutPackageMetadata", Shape::Package),
        ])
        .find(|(name, _)| *name == operation)
        .ok_or_else(|| RequirementError::UnknownOperation(operation.to_owned()))?;
    let b = Builder { op: name, ctx };
    let action = format!("codeartifact:{name}");
    let reqs = match shape {
        Shape::Global => vec![req(action, "*".to_owned(), PolicyScope::IdentityOnly)],
        Shape::NewDomain => vec![req(action, b.domain()?, PolicyScope::IdentityOnly)],
        Shape::Domain => vec![req(action, b.domain()?, PolicyScope::Domain)],
        Shape::NewRepository => {
            let repo = b.field(ctx.repository, "repository")?;
            let mut v = vec![req(action, b.repository(repo)?, PolicyScope::Domain)];
            v.extend(b.upstreams()?);
            v
        }
        Shape::Repository => {
            let repo = b.field(ctx.repository, "repository")?;
            vec![req(action, b.repository(repo)?, b.scope(repo))]
        }
        Shape::RepositoryPolicyWrite => {
            let repo = b.field(ctx.repository, "repository")?;
            vec![req(action, b.repository(repo)?, PolicyScope::IdentityOnly)]
        }
        Shape::UpdateRepository => {
            let repo = b.field(ctx.repository, "repository")?;
            let mut v = vec![req(action, b.repository(repo)?, b.scope(repo))];
            v.extend(b.upstreams()?);
            v
        }
        Shape::Package => {
            let repo = b.field(ctx.repository, "repository")?;
            vec![req(action, b.package(repo)?, b.scope(repo))]
        }
        Shape::Publish => {
            let repo = b.field(ctx.repository, "repository")?;
            let package = b.package(repo)?;
            let mut v = vec![req(action, package.clone(), b.scope(repo))];
            match ctx.format {
                Some("maven") => v.push(req(
                    "codeartifact:PutPackageMetadata".to_owned(),
                    package,
                    b.scope(repo),
                )),
                Some("nuget") => v.push(req(
                    "codeartifact:ReadFromRepository".to_owned(),
                    b.repository(repo)?,
                    b.scope(repo),
                )),
                _ => {}
            }
            v
        }
        Shape::Copy => {
            let source = b.field(ctx.source_repository, "source_repository")?;
            let dest = b.field(ctx.destination_repository, "destination_repository")?;
            vec![
                req(
                    "codeartifact:ReadFromRepository".to_owned(),
                    b.repository(source)?,
                    b.scope(source),
                ),
                req(action.clone(), b.repository(dest)?, b.scope(dest)),
                req(action, b.package(dest)?, b.scope(dest)),
            ]
        }
        Shape::PackageGroup => {
            let group = b.field(ctx.package_group, "package_group")?;
            let arn = package_group_arn(b.region()?, b.owner()?, b.domain_name()?, group);
            vec![req(action, arn, PolicyScope::Domain)]
        }
        Shape::Tagging => {
            let arn = b.field(ctx.resource_arn, "resource_arn")?;
            let parsed = ResourceArn::parse(arn)?;
            let scope = match &parsed {
                ResourceArn::Repository { repository, .. }
                | ResourceArn::Package { repository, .. } => {
                    PolicyScope::Repository(repository.clone())
                }
                ResourceArn::Domain { .. } | ResourceArn::PackageGroup { .. } => {
                    PolicyScope::Domain
                }
            };
            vec![req(action, arn.to_owned(), scope)]
        }
    };
    Ok(reqs)
}

fn req(action: String, resource: String, scope: PolicyScope) -> Requirement {
    Requirement {
        action,
        resource,
        scope,
    }
}

struct Builder<'c, 'a> {
    op: &'static str,
    ctx: &'c RequestContext<'a>,
}

impl<'a> Builder<'_, 'a> {
    fn field(
        &self,
        value: Option<&'a str>,
        field: &'static str,
    ) -> Result<&'a str, RequirementError> {
        value
            .filter(|v| !v.is_empty())
            .ok_or(RequirementError::MissingField {
                operation: self.op,
                field,
            })
    }

    fn region(&self) -> Result<&'a str, RequirementError> {
        self.field(Some(self.ctx.region), "region")
    }

    fn owner(&self) -> Result<&'a str, RequirementError> {
        self.field(Some(self.ctx.owner), "owner")
    }

    fn domain_name(&self) -> Result<&'a str, RequirementError> {
        self.field(Some(self.ctx.domain), "domain")
    }

    fn scope(&self, repository: &str) -> PolicyScope {
        PolicyScope::Repository(repository.to_owned())
    }

    fn domain(&self) -> Result<String, RequirementError> {
        Ok(domain_arn(
            self.region()?,
            self.owner()?,
            self.domain_name()?,
        ))
    }

    fn repository(&self, repository: &str) -> Result<String, RequirementError> {
        Ok(repository_arn(
            self.region()?,
            self.owner()?,
            self.domain_name()?,
            repository,
        ))
    }

    fn package(&self, repository: &str) -> Result<String, RequirementError> {
        let format = self.field(self.ctx.format, "format")?;
        let package = self.field(self.ctx.package, "package")?;
        Ok(package_arn(
            self.region()?,
            self.owner()?,
            self.domain_name()?,
            repository,
            format,
            self.ctx.namespace,
            package,
        ))
    }

    fn upstreams(&self) -> Result<Vec<Requirement>, RequirementError> {
        self.ctx
            .upstreams
            .iter()
            .map(|up| {
                Ok(req(
                    "codeartifact:AssociateWithDownstreamRepository".to_owned(),
                    self.repository(up)?,
                    self.scope(up),
                ))
            })
            .collect()
    }
}
