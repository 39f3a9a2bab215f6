//! ListPackageVersions: the request read and checked, the page read by the store (its JSON
//! written by the database for every order but PyPI's PEP 440 one: `store::hot::page`), and
//! the response's envelope written around it.

use super::target;
use crate::authz::Target;
use crate::error::ApiError;
use crate::operation::{Cx, NoBody, Operation};
use crate::params::{self, Checks, PackageRef, package_query};
use crate::state::AppState;
use crate::store::VersionQuery;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use wharf_core::api::{self, PackageVersionOriginType, PackageVersionSummary};
use wharf_core::error::FieldError;
use wharf_core::names::{PackageCoordinate, PackageFormat, PackageVersionStatus};

/// ListPackageVersions, read and checked.
pub struct ListPackageVersions {
    package: PackageRef,
    query: VersionQuery,
}

impl Operation for ListPackageVersions {
    type Query = api::ListPackageVersionsQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let package = PackageRef::parse(cx, package_query!(q), NoBody)?;
        let mut c = Checks::default();
        let status = c
            .optional(&q.status, "status", PackageVersionStatus::parse_as)
            .flatten();
        let newest_first = match q.sort_by.as_deref() {
            None => false,
            Some("PUBLISHED_TIME") => true,
            Some(other) => {
                c.push(FieldError::constraint(
                    "sortBy",
                    other,
                    "satisfy enum value set: [PUBLISHED_TIME]",
                ));
                false
            }
        };
        let origin_type = match q.origin_type.as_deref() {
            None => None,
            Some("INTERNAL") => Some(PackageVersionOriginType::Internal),
            Some("EXTERNAL") => Some(PackageVersionOriginType::External),
            Some("UNKNOWN") => Some(PackageVersionOriginType::Unknown),
            Some(other) => {
                c.push(FieldError::constraint(
                    "originType",
                    other,
                    "satisfy enum value set: [INTERNAL, EXTERNAL, UNKNOWN]",
                ));
                None
            }
        };
        let limit = params::max_results(&mut c, &q.max_results);
        // The token carries the publish time's exact bits: a decimal float may not round-trip.
        let after: Option<(u64, String)> = params::decode_token(&mut c, &q.next_token);
        let after = after.map(|(bits, v)| (f64::from_bits(bits), v));
        c.finish()?;
        Ok(ListPackageVersions {
            package,
            query: VersionQuery {
                status,
                origin_type,
                newest_first,
                after,
                limit,
            },
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(&self.package))
    }
}

/// `POST /v1/package/versions`.
pub async fn list_package_versions(
    state: AppState,
    ListPackageVersions { package, query }: ListPackageVersions,
) -> Result<Response, ApiError> {
    let (d, r, p) = (&package.repo.domain, &package.repo.name, &package.package);
    // npm's default display version is its `latest` dist-tag, PyPI's PEP 440's latest; every
    // other format's is the latest published, read with the page.
    let latest_with_page = !matches!(p.format, PackageFormat::Npm | PackageFormat::Pypi);
    let (package_id, versions_json, next_token, latest) =
        if p.format == PackageFormat::Pypi && !query.newest_first {
            pep440_page(&state, &package, query).await?
        } else {
            let read = || {
                state.store.version_page(
                    &d.owner,
                    d.name.as_str(),
                    r.as_str(),
                    p,
                    &query,
                    latest_with_page,
                )
            };
            let page = match read().await? {
                Some(page) => page,
                None => {
                    // Names which of the domain, repository or package is missing; a package
                    // created since the first read is read again.
                    state
                        .store
                        .package(&d.owner, d.name.as_str(), r.as_str(), p)
                        .await?;
                    read().await?.ok_or_else(|| {
                        ApiError::Internal(anyhow::anyhow!("the package vanished between reads"))
                    })?
                }
            };
            let token = page
                .next
                .map(|(time, version)| params::encode_token(&(time.to_bits(), version)));
            (
                page.package_id,
                page.versions_json,
                token,
                page.latest_published,
            )
        };
    let default_display_version = match p.format {
        PackageFormat::Npm => match state.store.dist_tags(package_id).await?.remove("latest") {
            Some(v) => Some(v),
            None => state.store.latest_published(package_id).await?,
        },
        PackageFormat::Pypi => crate::pypi::versions::default_display(&state, package_id).await?,
        _ => latest,
    };
    let body = envelope(
        default_display_version.as_deref(),
        p,
        &versions_json,
        next_token.as_deref(),
    );
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// A PyPI page in PEP 440's order (`crate::pypi::versions`), whose token names the last
/// version of the page: the package's id, the `versions` array, the token, no latest.
async fn pep440_page(
    state: &AppState,
    package: &PackageRef,
    mut query: VersionQuery,
) -> Result<(i64, String, Option<String>, Option<String>), ApiError> {
    let (d, r, p) = (&package.repo.domain, &package.repo.name, &package.package);
    let (_, pkg) = state
        .store
        .package(&d.owner, d.name.as_str(), r.as_str(), p)
        .await?;
    let limit = query.limit;
    query.limit = limit + 1;
    let after = query.after.as_ref().map(|(_, v)| v.as_str());
    let (rows, more) =
        crate::pypi::versions::page(state, pkg.id, &query, after, limit as usize).await?;
    let token = more
        .then(|| {
            rows.last()
                .map(|l| params::encode_token(&(0u64, l.version.clone())))
        })
        .flatten();
    let summaries: Vec<PackageVersionSummary> = rows
        .iter()
        .map(|v| PackageVersionSummary {
            version: v.version.clone(),
            revision: Some(v.revision.clone()),
            status: v.status,
            origin: Some(v.origin()),
        })
        .collect();
    let json = serde_json::to_string(&summaries).map_err(|e| ApiError::Internal(e.into()))?;
    Ok((pkg.id, json, token, None))
}

/// The `ListPackageVersionsResult` object around a `versions` array already written as JSON:
/// the members and order serde gives [`api::ListPackageVersionsResult`].
fn envelope(
    default_display_version: Option<&str>,
    p: &PackageCoordinate,
    versions_json: &str,
    next_token: Option<&str>,
) -> Vec<u8> {
    fn member(out: &mut Vec<u8>, name: &str, value: &str) {
        if out.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(format!("\"{name}\":").as_bytes());
        serde_json::to_writer(&mut *out, value).expect("a string serializes");
    }
    let mut out = Vec::with_capacity(versions_json.len() + 256);
    out.push(b'{');
    if let Some(v) = default_display_version {
        member(&mut out, "defaultDisplayVersion", v);
    }
    member(&mut out, "format", p.format.as_str());
    if let Some(ns) = &p.namespace {
        member(&mut out, "namespace", ns.as_str());
    }
    member(&mut out, "package", p.name.as_str());
    out.extend_from_slice(b",\"versions\":");
    out.extend_from_slice(versions_json.as_bytes());
    if let Some(token) = next_token {
        member(&mut out, "nextToken", token);
    }
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The envelope is what serde writes for the same result.
    #[test]
    fn the_envelope_is_serdes_result() {
        let summary = PackageVersionSummary {
            version: "1.0".into(),
            revision: Some("r\"1".into()),
            status: PackageVersionStatus::Published,
            origin: None,
        };
        let versions = serde_json::to_string(&vec![summary.clone()]).unwrap();
        for (format, namespace, display, token) in [
            (
                PackageFormat::Generic,
                Some("ns"),
                Some("1.0"),
                Some("t0k\u{e9}n"),
            ),
            (PackageFormat::Npm, None, None, None),
        ] {
            let p = PackageCoordinate::parse(format.as_str(), namespace, "pkg").unwrap();
            let ours: serde_json::Value =
                serde_json::from_slice(&envelope(display, &p, &versions, token)).unwrap();
            let serdes = serde_json::to_value(api::ListPackageVersionsResult {
                default_display_version: display.map(str::to_owned),
                format: Some(format),
                namespace: namespace.map(str::to_owned),
                package: Some("pkg".into()),
                versions: vec![summary.clone()],
                next_token: token.map(str::to_owned),
            })
            .unwrap();
            assert_eq!(ours, serdes);
        }
    }
}
