//! PyPI reads: a project's page (files merged by filename along the upstream search order,
//! first found wins, then what the `public:pypi` connection offers: `pull`) and file
//! downloads (a file found upstream is retained in the repository read; one only the external
//! index has is fetched and stored), with PEP 658 core metadata at a wheel's URL + `.metadata`.
//!
//! Status → index (spec §5, with one choice of ours): Published files are listed; Unlisted
//! ones are listed as yanked (PEP 592), so `pip install name==ver` still finds them and a
//! plain `pip install name` skips them; other statuses are absent and not downloadable.

use super::{Ctx, Failure};
use crate::download::{self, Freshness};
use crate::store::AssetRow;
use crate::store::pypi::{PypiFileRow, PypiPackageView};
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use wharf_core::names::PackageVersionStatus;
use wharf_pypi::metadata::REQUIRES_PYTHON;
use wharf_pypi::simple::{ProjectPage, SimpleFile, negotiate, render};

/// Whether files of a version in this status are served.
fn served(status: PackageVersionStatus) -> bool {
    matches!(
        status,
        PackageVersionStatus::Published | PackageVersionStatus::Unlisted
    )
}

async fn views(ctx: &Ctx, project: &str) -> Result<Vec<PypiPackageView>, Failure> {
    Ok(ctx
        .state
        .store
        .pypi_views(
            &ctx.owner,
            &ctx.domain,
            &ctx.repo,
            &Ctx::coordinate(project)?,
        )
        .await?)
}

/// `GET simple/{project}/`: the page, HTML or JSON by `Accept` (406 when neither is
/// acceptable), 404 when no repository on the search order has a served file.
pub(crate) async fn page(
    ctx: &Ctx,
    project: &str,
    accept: Option<&str>,
) -> Result<Response, Failure> {
    let format = negotiate(accept)?;
    let views = views(ctx, project).await?;
    let mut files: Vec<SimpleFile> = Vec::new();
    for view in &views {
        for v in view.versions.iter().filter(|v| served(v.row.status)) {
            let requires_python = v.row.metadata.attributes.get(REQUIRES_PYTHON).cloned();
            for f in &v.files {
                if files.iter().any(|s| s.filename == f.asset.name) {
                    continue;
                }
                files.push(SimpleFile {
                    filename: f.asset.name.clone(),
                    url: format!("{}/{}", v.row.version, f.asset.name),
                    sha256: f.asset.sha256.clone(),
                    size: f.asset.size.max(0) as u64,
                    version: v.row.version.clone(),
                    upload_time: f.upload_time.or(Some(v.row.published_time)),
                    requires_python: requires_python.clone(),
                    yanked: (v.row.status == PackageVersionStatus::Unlisted).then(String::new),
                    core_metadata_sha256: f.core_metadata_sha256.clone(),
                });
            }
        }
    }
    if let Some(offered) = super::pull::offered(ctx, project, &views).await? {
        for f in &offered.project.files {
            let Some(sha256) = f.sha256.clone() else {
                continue;
            };
            if files.iter().any(|s| s.filename == f.filename) {
                continue;
            }
            files.push(SimpleFile {
                filename: f.filename.clone(),
                url: format!("{}/{}", f.version, f.filename),
                sha256,
                size: f.size.unwrap_or(0),
                version: f.version.clone(),
                upload_time: None,
                requires_python: f.requires_python.clone(),
                yanked: f.yanked.clone(),
                core_metadata_sha256: None,
            });
        }
    }
    if files.is_empty() {
        return Err(Failure::not_found(format!(
            "no project {project} in this repository or its upstreams"
        )));
    }
    let body = render(
        &ProjectPage {
            name: wharf_pypi::name::normalize(project),
            files,
        },
        format,
    );
    let mut r = Response::new(Body::from(body));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=0"),
    );
    Ok(r)
}

/// `GET simple/{project}/{version}/{filename}` (or `….metadata`): the first served copy along
/// the search order; one found upstream is retained in the repository read. Files are answered
/// as npm tarballs are ([`download::respond`]): strong `ETag` (the SHA-256), `If-None-Match` →
/// 304, one `Range` → 206 (416 past the end), `private, no-cache` (a version may be deleted
/// and uploaded again with other bytes).
pub(crate) async fn file(
    ctx: &Ctx,
    project: &str,
    version: &str,
    filename: &str,
    headers: &HeaderMap,
) -> Result<Response, Failure> {
    let (name, metadata) = match filename.strip_suffix(".metadata") {
        Some(n) => (n, true),
        None => (filename, false),
    };
    let views = views(ctx, project).await?;
    let found = views.iter().find_map(|view| {
        let v = view.version(version).filter(|v| served(v.row.status))?;
        let f = v.files.iter().find(|f| f.asset.name == name)?;
        Some((view.repository.clone(), f.clone()))
    });
    let not_found = || Failure::not_found(format!("{project} {version} has no file {filename}"));
    let Some((from, f)) = found else {
        if metadata {
            return Err(not_found());
        }
        let offered = super::pull::offered(ctx, project, &views)
            .await?
            .ok_or_else(not_found)?;
        let (bytes, asset) = super::pull::fetch_file(ctx, project, &offered, version, name)
            .await?
            .ok_or_else(not_found)?;
        return Ok(fetched_response(bytes, &asset));
    };
    if metadata {
        return core_metadata(ctx, &f, filename).await;
    }
    if from != ctx.repo
        && let Err(e) = ctx
            .state
            .store
            .pypi_retain(
                &ctx.owner,
                &ctx.domain,
                &ctx.repo,
                &from,
                &Ctx::coordinate(project)?,
                version,
            )
            .await
    {
        tracing::warn!("retaining {project} {version} from {from}: {e}");
    }
    download::respond(
        &*ctx.state.blobs,
        headers,
        &f.asset.sha256,
        f.asset.size.max(0) as u64,
        Freshness::Revalidate,
    )
    .await
    .map_err(|e| {
        tracing::error!("reading {}: {e}", f.asset.sha256);
        Failure::new(500, "The file could not be read")
    })
}

/// A file fetched through the external connection just now: its bytes, length and validators
/// (later reads are answered by [`download::respond`]).
fn fetched_response(bytes: bytes::Bytes, asset: &AssetRow) -> Response {
    let mut r = Response::new(Body::from(bytes));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(asset.size.max(0) as u64),
    );
    if let Ok(v) = HeaderValue::from_str(&download::etag(&asset.sha256)) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    r
}

async fn core_metadata(ctx: &Ctx, f: &PypiFileRow, filename: &str) -> Result<Response, Failure> {
    let text = match &f.core_metadata_sha256 {
        Some(_) => ctx.state.store.pypi_core_metadata(&f.asset.sha256).await?,
        None => None,
    };
    let text =
        text.ok_or_else(|| Failure::not_found(format!("no core metadata for {filename}")))?;
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = StatusCode::OK;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, immutable"),
    );
    Ok(r)
}
