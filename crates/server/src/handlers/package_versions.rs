//! ListPackageVersions, DescribePackageVersion, ListPackageVersionAssets,
//! GetPackageVersionAsset, UpdatePackageVersionsStatus, DeletePackageVersions,
//! DisposePackageVersions.

mod batch;
mod list;

pub use list::{ListPackageVersions, list_package_versions};

pub use batch::{
    DeletePackageVersions, DisposePackageVersions, UpdatePackageVersionsStatus, VersionsBatch,
    delete_package_versions, dispose_package_versions, update_package_versions_status,
};

use super::packages::target;
use crate::authz::Target;
use crate::download::{self, Freshness};
use crate::error::ApiError;
use crate::operation::{Cx, NoBody, Operation};
use crate::params::{self, Checks, PackageRef, package_query};
use crate::state::AppState;
use axum::Json;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use wharf_core::api::{self, LicenseInfo};
use wharf_core::names::{AssetName, PackageVersion};

/// A package version named by a query: the package's members, then `version`.
pub(crate) fn version_ref(
    cx: &Cx<'_>,
    package: api::PackageQuery,
    version: &Option<String>,
    c: &mut Checks,
) -> Result<(PackageRef, Option<PackageVersion>), ApiError> {
    let package = PackageRef::parse(cx, package, NoBody)?;
    let v = params::version(c, version, "packageVersion", Some(&package.package));
    Ok((package, v))
}

/// DescribePackageVersion, read and checked.
pub struct DescribePackageVersion {
    package: PackageRef,
    version: PackageVersion,
}

impl Operation for DescribePackageVersion {
    type Query = api::PackageVersionQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let (package, v) = version_ref(cx, package_query!(q), &q.package_version, &mut c)?;
        c.finish()?;
        Ok(DescribePackageVersion {
            package,
            version: params::validated(v)?,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(&self.package))
    }
}

/// `GET /v1/package/version`.
pub async fn describe_package_version(
    state: AppState,
    op: DescribePackageVersion,
) -> Result<Json<api::DescribePackageVersionResult>, ApiError> {
    let (d, r, p) = (
        &op.package.repo.domain,
        &op.package.repo.name,
        &op.package.package,
    );
    let (_, pkg) = state
        .store
        .package(&d.owner, d.name.as_str(), r.as_str(), p)
        .await?;
    let (row, _) = state.store.version(pkg.id, p, op.version.as_str()).await?;
    let m = &row.metadata;
    Ok(Json(api::DescribePackageVersionResult {
        package_version: api::PackageVersionDescription {
            format: Some(p.format),
            namespace: p.namespace.as_ref().map(|n| n.to_string()),
            package_name: Some(p.name.to_string()),
            display_name: Some(p.display_name()),
            version: Some(row.version.clone()),
            summary: m.summary.clone(),
            home_page: m.home_page.clone(),
            source_code_repository: m.source_code_repository.clone(),
            published_time: Some(row.published_time),
            licenses: m
                .licenses
                .iter()
                .map(|l| LicenseInfo {
                    name: l.name.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            revision: Some(row.revision.clone()),
            status: Some(row.status),
            origin: Some(row.origin()),
        },
    }))
}

/// ListPackageVersionAssets, read and checked.
pub struct ListPackageVersionAssets {
    package: PackageRef,
    version: PackageVersion,
    limit: usize,
    after: Option<String>,
}

impl Operation for ListPackageVersionAssets {
    type Query = api::ListPackageVersionAssetsQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let (package, v) = version_ref(cx, package_query!(q), &q.package_version, &mut c)?;
        let limit = params::max_results(&mut c, &q.max_results) as usize;
        let after = params::decode_token(&mut c, &q.next_token);
        c.finish()?;
        Ok(ListPackageVersionAssets {
            package,
            version: params::validated(v)?,
            limit,
            after,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(&self.package))
    }
}

/// `POST /v1/package/version/assets`.
pub async fn list_package_version_assets(
    state: AppState,
    op: ListPackageVersionAssets,
) -> Result<Json<api::ListPackageVersionAssetsResult>, ApiError> {
    let (d, r, p) = (
        &op.package.repo.domain,
        &op.package.repo.name,
        &op.package.package,
    );
    let (limit, after) = (op.limit, op.after);
    let (_, pkg) = state
        .store
        .package(&d.owner, d.name.as_str(), r.as_str(), p)
        .await?;
    let (row, assets) = state.store.version(pkg.id, p, op.version.as_str()).await?;
    let rest: Vec<_> = assets
        .iter()
        .filter(|a| after.as_ref().is_none_or(|n| a.name > *n))
        .collect();
    let next_token = (rest.len() > limit).then(|| params::encode_token(&rest[limit - 1].name));
    Ok(Json(api::ListPackageVersionAssetsResult {
        format: Some(p.format),
        namespace: p.namespace.as_ref().map(|n| n.to_string()),
        package: Some(p.name.to_string()),
        version: Some(row.version.clone()),
        version_revision: Some(row.revision.clone()),
        next_token,
        assets: rest.iter().take(limit).map(|a| a.summary()).collect(),
    }))
}

/// GetPackageVersionAsset, read and checked.
pub struct GetPackageVersionAsset {
    package: PackageRef,
    version: PackageVersion,
    asset: AssetName,
    revision: Option<String>,
    /// The request's headers, for `If-None-Match`, `Range` and `If-Range`.
    conditions: HeaderMap,
}

impl Operation for GetPackageVersionAsset {
    type Query = api::GetPackageVersionAssetQuery;
    type Body = NoBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, _: NoBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let (package, v) = version_ref(cx, package_query!(q), &q.package_version, &mut c)?;
        let name = c.required(&q.asset_name, "asset", AssetName::parse_as);
        c.finish()?;
        Ok(GetPackageVersionAsset {
            package,
            version: params::validated(v)?,
            asset: params::validated(name)?,
            revision: q.package_version_revision,
            conditions: cx.parts.headers.clone(),
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(target(&self.package))
    }
}

/// The error for an asset [`crate::store::HotReadStore::version_asset`] did not find: which of
/// the domain, repository, package, version or asset is missing.
async fn missing_asset(state: &AppState, op: &GetPackageVersionAsset) -> ApiError {
    let (d, r, p) = (
        &op.package.repo.domain,
        &op.package.repo.name,
        &op.package.package,
    );
    let (v, name) = (&op.version, &op.asset);
    let found = async {
        let (_, pkg) = state
            .store
            .package(&d.owner, d.name.as_str(), r.as_str(), p)
            .await?;
        state.store.version(pkg.id, p, v.as_str()).await
    };
    match found.await {
        Err(e) => e.into(),
        Ok((row, _)) if op.revision.as_ref().is_some_and(|w| *w != row.revision) => {
            ApiError::not_found(
                "package-version",
                v.as_str(),
                format!(
                    "Version {v} has revision {}, not {}",
                    row.revision,
                    op.revision.as_deref().unwrap_or_default()
                ),
            )
        }
        // The version exists (it may have been published between the two reads): the asset
        // is what is missing.
        Ok(_) => ApiError::not_found(
            "asset",
            name.as_str(),
            format!("Asset {name} not found in version {v}"),
        ),
    }
}

/// `GET /v1/package/version/asset`: the bytes, streamed, with the version's headers; `ETag`,
/// `If-None-Match` and single `Range`s as [`download`] describes.
pub async fn get_package_version_asset(
    state: AppState,
    op: GetPackageVersionAsset,
) -> Result<Response, ApiError> {
    let (d, r, p) = (
        &op.package.repo.domain,
        &op.package.repo.name,
        &op.package.package,
    );
    let (v, name) = (&op.version, &op.asset);
    // One query for the one asset; only when it is missing do the other reads say what is.
    let hit = state
        .store
        .version_asset(
            &d.owner,
            d.name.as_str(),
            r.as_str(),
            p,
            v.as_str(),
            name.as_str(),
        )
        .await?;
    let Some(hit) = hit else {
        return Err(missing_asset(&state, &op).await);
    };
    if let Some(want) = op.revision.as_ref().filter(|w| **w != hit.revision) {
        return Err(ApiError::not_found(
            "package-version",
            v.as_str(),
            format!("Version {v} has revision {}, not {want}", hit.revision),
        ));
    }
    let (asset, row) = (&hit.asset, &hit);
    let freshness = if op.revision.is_some() {
        Freshness::Pinned
    } else {
        Freshness::Revalidate
    };
    let mut response = download::respond(
        &*state.blobs,
        &op.conditions,
        &asset.sha256,
        asset.size as u64,
        freshness,
    )
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    let h = response.headers_mut();
    for (k, v) in [
        (api::HEADER_ASSET_NAME, asset.name.as_str()),
        (api::HEADER_PACKAGE_VERSION, row.version.as_str()),
        (api::HEADER_PACKAGE_VERSION_REVISION, row.revision.as_str()),
    ] {
        if let (Ok(k), Ok(v)) = (
            header::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            h.insert(k, v);
        }
    }
    Ok(response)
}
