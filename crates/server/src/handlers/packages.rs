//! ListPackages, DescribePackage, DeletePackage, PutPackageOriginConfiguration.

use crate::error::ApiError;
use crate::extract::{AwsJson, AwsQuery};
use crate::params::{self, Checks, DomainRef};
use crate::state::AppState;
use crate::store::{PackageFilter, PackageRow};
use axum::Json;
use axum::extract::State;
use wharf_core::api::{
    self, AllowPublish, AllowUpstream, PackageOriginConfiguration, PackageOriginRestrictions,
    PackageSummary,
};
use wharf_core::error::FieldError;
use wharf_core::names::{PackageCoordinate, PackageFormat, RepositoryName};

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

/// Checks the members that name one package in one repository.
pub(crate) fn checked(
    state: &AppState,
    q: &api::PackageQuery,
) -> Result<(DomainRef, RepositoryName, PackageCoordinate), ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let r = params::repository(&mut c, &q.repository);
    let p = params::package(&mut c, &q.format, &q.namespace, &q.package);
    c.finish()?;
    Ok((
        params::validated(d)?,
        params::validated(r)?,
        params::validated(p)?,
    ))
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

/// `POST /v1/packages`.
pub async fn list_packages(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ListPackagesQuery>,
) -> Result<Json<api::ListPackagesResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let r = params::repository(&mut c, &q.repository);
    let format = c
        .optional(&q.format, "format", PackageFormat::parse_as)
        .flatten();
    let limit = params::max_results(&mut c, &q.max_results);
    let after: Option<(String, String, String)> = params::decode_token(&mut c, &q.next_token);
    let filter = PackageFilter {
        format,
        namespace_prefix: q.namespace.clone(),
        name_prefix: q.package_prefix.clone(),
        publish: allow_block(&mut c, "publish", &q.publish),
        upstream: allow_block(&mut c, "upstream", &q.upstream),
    };
    c.finish()?;
    let (d, r) = (params::validated(d)?, params::validated(r)?);
    let repo = state
        .store
        .repository(&d.owner, d.name.as_str(), r.as_str())
        .await?;
    let mut rows = state
        .store
        .packages(repo.id, &filter, after, limit + 1)
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
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::PackageQuery>,
) -> Result<Json<api::DescribePackageResult>, ApiError> {
    let (d, r, p) = checked(&state, &q)?;
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
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::PackageQuery>,
) -> Result<Json<api::DeletePackageResult>, ApiError> {
    let (d, r, p) = checked(&state, &q)?;
    let row = state
        .store
        .delete_package(&d.owner, d.name.as_str(), r.as_str(), &p)
        .await?;
    Ok(Json(api::DeletePackageResult {
        deleted_package: Some(summary(&row)),
    }))
}

/// `POST /v1/package`.
pub async fn put_package_origin_configuration(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::PackageQuery>,
    AwsJson(b): AwsJson<api::PutPackageOriginConfigurationBody>,
) -> Result<Json<api::PutPackageOriginConfigurationResult>, ApiError> {
    let (d, r, p) = checked(&state, &q)?;
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
    let row = state
        .store
        .put_origin_configuration(
            &d.owner,
            d.name.as_str(),
            r.as_str(),
            &p,
            &params::validated(publish)?,
            &params::validated(upstream)?,
        )
        .await?;
    Ok(Json(api::PutPackageOriginConfigurationResult {
        origin_configuration: Some(origin(&row)),
    }))
}
