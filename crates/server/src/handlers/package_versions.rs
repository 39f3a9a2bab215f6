//! ListPackageVersions, DescribePackageVersion, ListPackageVersionAssets,
//! GetPackageVersionAsset, UpdatePackageVersionsStatus, DeletePackageVersions,
//! DisposePackageVersions.

use super::packages::checked;
use crate::error::ApiError;
use crate::extract::{AwsJson, AwsQuery};
use crate::params::{self, Checks};
use crate::state::AppState;
use crate::store::VersionQuery;
use crate::store::assets::AssetKey;
use crate::store::batch::{BatchOp, Selection};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use futures::TryStreamExt;
use std::collections::BTreeMap;
use wharf_core::api::{
    self, LicenseInfo, PackageVersionOriginType, PackageVersionSummary, PackageVersionsOutcome,
};
use wharf_core::error::FieldError;
use wharf_core::names::{PackageFormat, PackageVersionStatus};

/// The members that name a package, taken from any version-level query struct (they all share
/// `domain`, `domain-owner`, `repository`, `format`, `namespace` and `package`).
macro_rules! package_query {
    ($q:expr) => {
        api::PackageQuery {
            domain: $q.domain.clone(),
            domain_owner: $q.domain_owner.clone(),
            repository: $q.repository.clone(),
            format: $q.format.clone(),
            namespace: $q.namespace.clone(),
            package: $q.package.clone(),
        }
    };
}

/// `POST /v1/package/versions`.
pub async fn list_package_versions(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ListPackageVersionsQuery>,
) -> Result<Json<api::ListPackageVersionsResult>, ApiError> {
    let pq = package_query!(q);
    let (d, r, p) = checked(&state, &pq)?;
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
    let (_, pkg) = state
        .store
        .package(&d.owner, d.name.as_str(), r.as_str(), &p)
        .await?;
    let query = VersionQuery {
        status,
        origin_type,
        newest_first,
        after,
        limit: limit + 1,
    };
    // PyPI's default order is PEP 440's (`crate::pypi::versions`); its token names the last
    // version of the page.
    let pep440 = p.format == PackageFormat::Pypi && !newest_first;
    let (rows, next_token) = if pep440 {
        let after = query.after.as_ref().map(|(_, v)| v.as_str());
        let (rows, more) =
            crate::pypi::versions::page(&state, pkg.id, &query, after, limit as usize).await?;
        let token = more
            .then(|| {
                rows.last()
                    .map(|l| params::encode_token(&(0u64, l.version.clone())))
            })
            .flatten();
        (rows, token)
    } else {
        let mut rows = state.store.versions_page(pkg.id, &query).await?;
        let next_token = (rows.len() as i64 > limit).then(|| {
            rows.truncate(limit as usize);
            let last = rows.last().expect("a full page");
            params::encode_token(&(last.published_time.to_bits(), last.version.clone()))
        });
        (rows, next_token)
    };
    let tagged = if p.format == PackageFormat::Npm {
        state.store.dist_tags(pkg.id).await?.remove("latest")
    } else {
        None
    };
    let default_display_version = match tagged {
        Some(v) => Some(v),
        None if p.format == PackageFormat::Pypi => {
            crate::pypi::versions::default_display(&state, pkg.id).await?
        }
        None => state.store.latest_published(pkg.id).await?,
    };
    Ok(Json(api::ListPackageVersionsResult {
        default_display_version,
        format: Some(p.format),
        namespace: p.namespace.as_ref().map(|n| n.to_string()),
        package: Some(p.name.to_string()),
        versions: rows
            .iter()
            .map(|v| PackageVersionSummary {
                version: v.version.clone(),
                revision: Some(v.revision.clone()),
                status: v.status,
                origin: Some(v.origin()),
            })
            .collect(),
        next_token,
    }))
}

/// `GET /v1/package/version`.
pub async fn describe_package_version(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::PackageVersionQuery>,
) -> Result<Json<api::DescribePackageVersionResult>, ApiError> {
    let (d, r, p) = checked(&state, &package_query!(q))?;
    let mut c = Checks::default();
    let v = params::version(&mut c, &q.package_version, "packageVersion", Some(&p));
    c.finish()?;
    let (_, pkg) = state
        .store
        .package(&d.owner, d.name.as_str(), r.as_str(), &p)
        .await?;
    let (row, _) = state
        .store
        .version(pkg.id, &p, params::validated(v)?.as_str())
        .await?;
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

/// `POST /v1/package/version/assets`.
pub async fn list_package_version_assets(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::ListPackageVersionAssetsQuery>,
) -> Result<Json<api::ListPackageVersionAssetsResult>, ApiError> {
    let pq = package_query!(q);
    let (d, r, p) = checked(&state, &pq)?;
    let mut c = Checks::default();
    let v = params::version(&mut c, &q.package_version, "packageVersion", Some(&p));
    let limit = params::max_results(&mut c, &q.max_results) as usize;
    let after: Option<String> = params::decode_token(&mut c, &q.next_token);
    c.finish()?;
    let (_, pkg) = state
        .store
        .package(&d.owner, d.name.as_str(), r.as_str(), &p)
        .await?;
    let (row, assets) = state
        .store
        .version(pkg.id, &p, params::validated(v)?.as_str())
        .await?;
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

/// `GET /v1/package/version/asset`: the bytes, streamed, with the version's headers.
pub async fn get_package_version_asset(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::GetPackageVersionAssetQuery>,
) -> Result<Response, ApiError> {
    let pq = package_query!(q);
    let (d, r, p) = checked(&state, &pq)?;
    let mut c = Checks::default();
    let v = params::version(&mut c, &q.package_version, "packageVersion", Some(&p));
    let name = c.required(
        &q.asset_name,
        "asset",
        wharf_core::names::AssetName::parse_as,
    );
    c.finish()?;
    let (v, name) = (params::validated(v)?, params::validated(name)?);
    let (_, pkg) = state
        .store
        .package(&d.owner, d.name.as_str(), r.as_str(), &p)
        .await?;
    let (row, assets) = state.store.version(pkg.id, &p, v.as_str()).await?;
    if let Some(want) = q
        .package_version_revision
        .as_ref()
        .filter(|w| **w != row.revision)
    {
        return Err(ApiError::not_found(
            "package-version",
            v.as_str(),
            format!("Version {v} has revision {}, not {want}", row.revision),
        ));
    }
    let asset = assets
        .iter()
        .find(|a| a.name == name.as_str())
        .ok_or_else(|| {
            ApiError::not_found(
                "asset",
                name.as_str(),
                format!("Asset {name} not found in version {v}"),
            )
        })?;
    let got = state
        .blobs
        .get(&AssetKey::sha256(&asset.sha256).path())
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let stream = got.into_stream().map_err(std::io::Error::other);
    let mut response = Response::new(Body::from_stream(stream));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(asset.size as u64));
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

fn version_list(
    c: &mut Checks,
    versions: &Option<Vec<String>>,
    revisions: &Option<BTreeMap<String, String>>,
) -> Vec<String> {
    let mut list: Vec<String> = versions.clone().unwrap_or_default();
    for v in revisions.iter().flat_map(|m| m.keys()) {
        if !list.contains(v) {
            list.push(v.clone());
        }
    }
    if list.is_empty() {
        c.push(FieldError::missing("versions"));
    } else if list.len() > 100 {
        c.push(FieldError::constraint(
            "versions",
            &format!("[{} versions]", list.len()),
            "have length less than or equal to 100",
        ));
    }
    list
}

async fn run_batch(
    state: &AppState,
    q: &api::PackageQuery,
    op: BatchOp,
    versions: &Option<Vec<String>>,
    revisions: &Option<BTreeMap<String, String>>,
    expected: &Option<String>,
    mut c: Checks,
) -> Result<Json<PackageVersionsOutcome>, ApiError> {
    let (d, r, p) = checked(state, q)?;
    let list = version_list(&mut c, versions, revisions);
    let expected = c
        .optional(expected, "expectedStatus", PackageVersionStatus::parse_as)
        .flatten();
    c.finish()?;
    let selection = Selection {
        versions: list.iter().map(|v| p.format.normalize_version(v)).collect(),
        revisions: revisions
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|(v, r)| (p.format.normalize_version(&v), r))
            .collect(),
        expected,
    };
    let outcome = state
        .store
        .batch(&d.owner, d.name.as_str(), r.as_str(), &p, op, &selection)
        .await?;
    Ok(Json(outcome))
}

/// `POST /v1/package/versions/update_status`.
pub async fn update_package_versions_status(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::PackageQuery>,
    AwsJson(b): AwsJson<api::UpdatePackageVersionsStatusBody>,
) -> Result<Json<PackageVersionsOutcome>, ApiError> {
    let mut c = Checks::default();
    let target = c.required(
        &b.target_status,
        "targetStatus",
        PackageVersionStatus::parse_as,
    );
    let target = match target {
        Some(
            t @ (PackageVersionStatus::Published
            | PackageVersionStatus::Unlisted
            | PackageVersionStatus::Archived),
        ) => Some(t),
        Some(t) => {
            c.push(FieldError::constraint("targetStatus", t.as_str(), "be one of Published, Unlisted, Archived (use DisposePackageVersions or DeletePackageVersions)"));
            None
        }
        None => None,
    };
    let op = BatchOp::SetStatus(target.unwrap_or(PackageVersionStatus::Published));
    run_batch(
        &state,
        &q,
        op,
        &b.versions,
        &b.version_revisions,
        &b.expected_status,
        c,
    )
    .await
}

/// `POST /v1/package/versions/delete`.
pub async fn delete_package_versions(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::PackageQuery>,
    AwsJson(b): AwsJson<api::DeletePackageVersionsBody>,
) -> Result<Json<PackageVersionsOutcome>, ApiError> {
    run_batch(
        &state,
        &q,
        BatchOp::Delete,
        &b.versions,
        &None,
        &b.expected_status,
        Checks::default(),
    )
    .await
}

/// `POST /v1/package/versions/dispose`.
pub async fn dispose_package_versions(
    State(state): State<AppState>,
    AwsQuery(q): AwsQuery<api::PackageQuery>,
    AwsJson(b): AwsJson<api::DisposePackageVersionsBody>,
) -> Result<Json<PackageVersionsOutcome>, ApiError> {
    run_batch(
        &state,
        &q,
        BatchOp::Dispose,
        &b.versions,
        &b.version_revisions,
        &b.expected_status,
        Checks::default(),
    )
    .await
}
