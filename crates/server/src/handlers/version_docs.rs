//! GetPackageVersionReadme and ListPackageVersionDependencies: what a version stored in the
//! repository (never one only upstream) says about itself. npm reads the stored manifest and,
//! for the readme, falls back to the tarball's `README*`; PyPI's dependencies are the version's
//! `Requires-Dist`; other formats have no readme and no dependencies in Wharf yet.

use super::package_versions::version_ref;
use super::packages::target;
use crate::authz::Target;
use crate::error::ApiError;
use crate::operation::{Cx, NoBody, Operation};
use crate::params::{self, Checks, PackageRef, package_query};
use crate::state::AppState;
use crate::store::VersionRow;
use crate::store::assets::AssetKey;
use axum::Json;
use serde_json::Value;
use wharf_core::api;
use wharf_core::error::FieldError;
use wharf_core::names::{PackageCoordinate, PackageFormat, PackageVersion};
use wharf_npm::docs;
use wharf_npm::tarball::TarballLimits;

/// The version named by the query, with its stored npm manifest (when npm) and tarball hash.
struct Found {
    p: PackageCoordinate,
    row: VersionRow,
    manifest: Option<Value>,
    tarball_sha256: Option<String>,
}

/// GetPackageVersionReadme or ListPackageVersionDependencies, read and checked: one stored
/// version.
pub struct VersionDocs {
    package: PackageRef,
    version: PackageVersion,
}

impl VersionDocs {
    fn parse(
        cx: &Cx<'_>,
        package: api::PackageQuery,
        version: &Option<String>,
        mut c: Checks,
    ) -> Result<Self, ApiError> {
        let (package, v) = version_ref(cx, package, version, &mut c)?;
        c.finish()?;
        Ok(VersionDocs {
            package,
            version: params::validated(v)?,
        })
    }
}

/// GetPackageVersionReadme, read and checked.
pub struct GetPackageVersionReadme(VersionDocs);

impl Operation for GetPackageVersionReadme {
    type Query = api::GetPackageVersionReadmeQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        VersionDocs::parse(cx, package_query!(q), &q.package_version, Checks::default()).map(Self)
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(&self.0.package))
    }
}

/// ListPackageVersionDependencies, read and checked.
pub struct ListPackageVersionDependencies(VersionDocs);

impl Operation for ListPackageVersionDependencies {
    type Query = api::ListPackageVersionDependenciesQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        if let Some(t) = &q.next_token {
            let mut c = Checks::default();
            c.push(FieldError::constraint(
                "nextToken",
                t,
                "be a token returned by a previous call (dependencies come in one page)",
            ));
            c.finish()?;
        }
        VersionDocs::parse(cx, package_query!(q), &q.package_version, Checks::default()).map(Self)
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(&self.0.package))
    }
}

async fn find(
    state: &AppState,
    VersionDocs {
        package: PackageRef { repo, package: p },
        version: v,
    }: VersionDocs,
) -> Result<Found, ApiError> {
    let (d, r) = (&repo.domain, &repo.name);
    let (_, pkg) = state
        .store
        .package(&d.owner, d.name.as_str(), r.as_str(), &p)
        .await?;
    let (row, assets) = state.store.version(pkg.id, &p, v.as_str()).await?;
    let mut found = Found {
        tarball_sha256: assets
            .iter()
            .find(|a| a.name == "package.tgz")
            .map(|a| a.sha256.clone()),
        p,
        row,
        manifest: None,
    };
    if found.p.format == PackageFormat::Npm {
        let views = state
            .store
            .npm_views(&d.owner, d.name.as_str(), r.as_str(), &found.p)
            .await?;
        found.manifest = views
            .iter()
            .find(|view| view.repository == r.as_str())
            .and_then(|view| view.version(v.as_str()))
            .and_then(|nv| nv.manifest.as_deref())
            .and_then(|m| serde_json::from_str(m).ok());
    }
    Ok(found)
}

/// `GET /v1/package/version/readme`: `readme` is left out when the version has none.
pub async fn get_package_version_readme(
    state: AppState,
    GetPackageVersionReadme(docs): GetPackageVersionReadme,
) -> Result<Json<api::GetPackageVersionReadmeResult>, ApiError> {
    let f = find(&state, docs).await?;
    let mut readme = f.manifest.as_ref().and_then(docs::manifest_readme);
    if readme.is_none()
        && f.p.format == PackageFormat::Npm
        && let Some(sha) = &f.tarball_sha256
    {
        let bytes = state
            .blobs
            .get(&AssetKey::sha256(sha).path())
            .await
            .map_err(|e| ApiError::Internal(e.into()))?
            .bytes()
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
        readme = crate::cpu::run(bytes.len(), move || {
            docs::tarball_readme(&bytes, &TarballLimits::default())
        })
        .await
        .unwrap_or_else(|e| {
            tracing::warn!("reading the readme of a stored tarball: {e}");
            None
        });
    }
    Ok(Json(api::GetPackageVersionReadmeResult {
        format: Some(f.p.format),
        namespace: f.p.namespace.as_ref().map(|n| n.to_string()),
        package: Some(f.p.name.to_string()),
        version: Some(f.row.version.clone()),
        version_revision: Some(f.row.revision.clone()),
        readme,
    }))
}

/// `POST /v1/package/version/dependencies`: one page, the direct dependencies as declared.
pub async fn list_package_version_dependencies(
    state: AppState,
    ListPackageVersionDependencies(docs): ListPackageVersionDependencies,
) -> Result<Json<api::ListPackageVersionDependenciesResult>, ApiError> {
    let f = find(&state, docs).await?;
    let dependencies = if f.p.format == PackageFormat::Pypi {
        // PyPI: the version's Requires-Dist, names PEP 503 normalised.
        wharf_pypi::metadata::dependencies(&f.row.metadata)
            .into_iter()
            .map(|d| api::PackageDependency {
                namespace: None,
                package: Some(d.project),
                dependency_type: Some(d.dependency_type.to_owned()),
                version_requirement: Some(d.requirement),
            })
            .collect()
    } else {
        f.manifest
            .as_ref()
            .map(docs::dependencies)
            .unwrap_or_default()
            .into_iter()
            .map(|d| api::PackageDependency {
                namespace: d.namespace,
                package: Some(d.name),
                dependency_type: Some(d.dependency_type.to_owned()),
                version_requirement: Some(d.version_requirement),
            })
            .collect()
    };
    Ok(Json(api::ListPackageVersionDependenciesResult {
        format: Some(f.p.format),
        namespace: f.p.namespace.as_ref().map(|n| n.to_string()),
        package: Some(f.p.name.to_string()),
        version: Some(f.row.version.clone()),
        version_revision: Some(f.row.revision.clone()),
        next_token: None,
        dependencies: Some(dependencies),
    }))
}
