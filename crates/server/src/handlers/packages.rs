//! ListPackages, DescribePackage, DeletePackage, PutPackageOriginConfiguration.

use crate::authz::Target;
use crate::error::ApiError;
use crate::extract::AwsJson;
use crate::operation::{Cx, NoBody, Operation};
use crate::params::{self, Checks, PackageRef, RepositoryRef};
use crate::state::AppState;
use crate::store::{PackageFilter, PackageRow};
use axum::Json;
use wharf_core::api::{
    self, AllowPublish, AllowUpstream, PackageOriginConfiguration, PackageOriginRestrictions,
    PackageSummary,
};
use wharf_core::error::FieldError;
use wharf_core::names::PackageFormat;

fn origin(p: &PackageRow) -> PackageOriginConfiguration {
    PackageOriginConfiguration {
        restrictions: Some(PackageOriginRestrictions {
            publish: if p.origin_publish == "BLOCK" {
                AllowPublish::Block
            } else {
                AllowPublish::Allow
            },
            upstream: if p.origin_upstream == "BLOCK" {
                AllowUpstream::Block
            } else {
                AllowUpstream::Allow
            },
        }),
    }
}

fn summary(p: &PackageRow) -> PackageSummary {
    PackageSummary {
        format: Some(p.format),
        namespace: p.namespace.clone(),
        package: Some(p.name.clone()),
        origin_configuration: Some(origin(p)),
    }
}

impl Operation for PackageRef {
    type Query = api::PackageQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let p = params::package_ref(&mut c, cx.account(), &q);
        c.finish()?;
        params::validated(p)
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(self))
    }
}

/// The identifiers of a request on one package.
pub(crate) fn target(p: &PackageRef) -> Target {
    Target::package(&p.repo.domain, &p.repo.name, &p.package)
}

fn allow_block(c: &mut Checks, field: &str, v: &Option<String>) -> Option<String> {
    match v.as_deref() {
        None => None,
        Some(s @ ("ALLOW" | "BLOCK")) => Some(s.to_owned()),
        Some(other) => {
            c.push(FieldError::constraint(
                field,
                other,
                "satisfy enum value set: [ALLOW, BLOCK]",
            ));
            None
        }
    }
}

/// ListPackages, read and checked.
pub struct ListPackages {
    repo: RepositoryRef,
    filter: PackageFilter,
    limit: i64,
    after: Option<(String, String, String)>,
}

impl Operation for ListPackages {
    type Query = api::ListPackagesQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let r = cx.repository(&mut c, &q.domain, &q.domain_owner, &q.repository);
        let format = c
            .optional(&q.format, "format", PackageFormat::parse_as)
            .flatten();
        let limit = params::max_results(&mut c, &q.max_results);
        let after = params::decode_token(&mut c, &q.next_token);
        let filter = PackageFilter {
            format,
            namespace_prefix: q.namespace.clone(),
            name_prefix: q.package_prefix.clone(),
            publish: allow_block(&mut c, "publish", &q.publish),
            upstream: allow_block(&mut c, "upstream", &q.upstream),
        };
        c.finish()?;
        Ok(ListPackages {
            repo: params::validated(r)?,
            filter,
            limit,
            after,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(Target::repository(&self.repo.domain, &self.repo.name))
    }
}

/// `POST /v1/packages`.
pub async fn list_packages(
    state: AppState,
    op: ListPackages,
) -> Result<Json<api::ListPackagesResult>, ApiError> {
    let (d, r, limit) = (&op.repo.domain, &op.repo.name, op.limit);
    let repo = state
        .store
        .repository(&d.owner, d.name.as_str(), r.as_str())
        .await?;
    let mut rows = state
        .store
        .packages(repo.id, &op.filter, op.after, limit + 1)
        .await?;
    let next_token = (rows.len() as i64 > limit).then(|| {
        rows.truncate(limit as usize);
        let last = rows.last().expect("a full page");
        params::encode_token(&(
            last.format.as_str(),
            last.namespace.clone().unwrap_or_default(),
            last.name.clone(),
        ))
    });
    Ok(Json(api::ListPackagesResult {
        packages: rows.iter().map(summary).collect(),
        next_token,
    }))
}

/// `GET /v1/package`.
pub async fn describe_package(
    state: AppState,
    PackageRef { repo, package: p }: PackageRef,
) -> Result<Json<api::DescribePackageResult>, ApiError> {
    let (d, r) = (&repo.domain, &repo.name);
    let (_, row) = state
        .store
        .package(&d.owner, d.name.as_str(), r.as_str(), &p)
        .await?;
    Ok(Json(api::DescribePackageResult {
        package: api::PackageDescription {
            format: Some(row.format),
            namespace: row.namespace.clone(),
            name: Some(row.name.clone()),
            origin_configuration: Some(origin(&row)),
        },
    }))
}

/// `DELETE /v1/package`.
pub async fn delete_package(
    state: AppState,
    PackageRef { repo, package: p }: PackageRef,
) -> Result<Json<api::DeletePackageResult>, ApiError> {
    let (d, r) = (&repo.domain, &repo.name);
    let row = state
        .store
        .delete_package(&d.owner, d.name.as_str(), r.as_str(), &p)
        .await?;
    Ok(Json(api::DeletePackageResult {
        deleted_package: Some(summary(&row)),
    }))
}

/// PutPackageOriginConfiguration, read and checked.
pub struct PutPackageOriginConfiguration {
    package: PackageRef,
    publish: String,
    upstream: String,
}

impl Operation for PutPackageOriginConfiguration {
    type Query = api::PackageQuery;
    type Body = AwsJson<api::PutPackageOriginConfigurationBody>;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsJson(b): Self::Body) -> Result<Self, ApiError> {
        let package = PackageRef::parse(cx, q, NoBody)?;
        let mut c = Checks::default();
        let restrictions = b.restrictions.unwrap_or_default();
        let publish = allow_block(&mut c, "restrictions.publish", &restrictions.publish);
        let upstream = allow_block(&mut c, "restrictions.upstream", &restrictions.upstream);
        if publish.is_none() && restrictions.publish.is_none() {
            c.push(FieldError::missing("restrictions.publish"));
        }
        if upstream.is_none() && restrictions.upstream.is_none() {
            c.push(FieldError::missing("restrictions.upstream"));
        }
        c.finish()?;
        Ok(PutPackageOriginConfiguration {
            package,
            publish: params::validated(publish)?,
            upstream: params::validated(upstream)?,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(&self.package))
    }
}

/// `POST /v1/package`.
pub async fn put_package_origin_configuration(
    state: AppState,
    op: PutPackageOriginConfiguration,
) -> Result<Json<api::PutPackageOriginConfigurationResult>, ApiError> {
    let (d, r, p) = (
        &op.package.repo.domain,
        &op.package.repo.name,
        &op.package.package,
    );
    let row = state
        .store
        .put_origin_configuration(
            &d.owner,
            d.name.as_str(),
            r.as_str(),
            p,
            &op.publish,
            &op.upstream,
        )
        .await?;
    Ok(Json(api::PutPackageOriginConfigurationResult {
        origin_configuration: Some(origin(&row)),
    }))
}
