//! PyPI pull-through, as npm's (`npm/pull.rs`): a read goes to the external index of the first
//! repository in the search order that has the `public:pypi` connection. Its project page
//! (PEP 691 JSON preferred, PEP 503 HTML understood; cached for `--external-metadata-ttl`) is
//! merged into the page Wharf serves; a file is fetched only when asked for, checked against
//! the page's sha256, stored in the connection's repository with origin `EXTERNAL` (its
//! version created by its first file) and retained in the repository read.

use super::{Ctx, Failure};
use crate::external::{ExternalError, TARBALL_TIMEOUT};
use crate::handlers::publish::asset_row_with_sha256;
use crate::store::AssetRow;
use crate::store::pypi::{MAX_SEARCHED, PypiPackageView, PypiUploadRow};
use axum::body::Bytes;
use std::sync::Arc;
use wharf_core::external::PYPI_CONNECTION;
use wharf_core::groups::OriginRestrictionType;
use wharf_pypi::metadata::{CoreMetadata, parse_headers};
use wharf_pypi::upstream::{UpstreamFile, UpstreamProject};
use wharf_pypi::{DistKind, UploadLimits};

/// The repository whose external connection a read may use, and what its index offers.
pub(crate) struct Offered {
    /// The repository that has the connection.
    pub(crate) repository: String,
    /// The project page's URL (file URLs resolve against it).
    pub(crate) page_url: String,
    /// The index's base URL.
    base: String,
    /// The page.
    pub(crate) project: Arc<UpstreamProject>,
}

fn failure(e: &ExternalError) -> Failure {
    Failure::new(502, e.to_string())
}

fn malformed(reason: String) -> Failure {
    failure(&ExternalError::Malformed {
        connection: PYPI_CONNECTION.into(),
        reason,
    })
}

/// What the external index offers of `project`, when a fetch is allowed: `Ok(None)` when no
/// repository on the search order has the connection, origin controls (`upstream=BLOCK` in
/// the repository read or the connection's) or package groups keep external versions out, or
/// the index lacks the project. When the index is unavailable and nothing is cached, the
/// stored files are served (`Ok(None)`, logged) if there are any; otherwise 502.
pub(crate) async fn offered(
    ctx: &Ctx,
    project: &str,
    views: &[PypiPackageView],
) -> Result<Option<Offered>, Failure> {
    let store = &ctx.state.store;
    let order = store
        .search_order(&ctx.owner, &ctx.domain, &ctx.repo, MAX_SEARCHED)
        .await?;
    let Some((repository, base)) = order
        .into_iter()
        .find(|r| r.external_connection.as_deref() == Some(PYPI_CONNECTION))
        .and_then(|r| {
            let base = ctx.state.config.external_connection_url(PYPI_CONNECTION)?;
            Some((r.name, base))
        })
    else {
        return Ok(None);
    };
    let blocks = |repo: &str| {
        views
            .iter()
            .any(|v| v.repository == repo && v.package.origin_upstream == "BLOCK")
    };
    if blocks(&ctx.repo) || blocks(&repository) {
        return Ok(None);
    }
    let c = Ctx::coordinate(project)?;
    let groups = store
        .effective_origin_restrictions(&ctx.owner, &ctx.domain, &c)
        .await?;
    if let Some(why) = groups.refusal(
        OriginRestrictionType::ExternalUpstream,
        &repository,
        c.name.as_str(),
    ) {
        tracing::info!("not fetching through {PYPI_CONNECTION}: {why}");
        return Ok(None);
    }
    let ttl = ctx.state.config.external_metadata_ttl;
    match ctx
        .state
        .external
        .pypi_project(PYPI_CONNECTION, &base, project, ttl)
        .await
    {
        Ok(Some((page_url, project))) => Ok(Some(Offered {
            repository,
            page_url,
            base,
            project,
        })),
        Ok(None) => Ok(None),
        Err(e) if !views.is_empty() => {
            tracing::warn!("{e}; serving {project} from storage only");
            Ok(None)
        }
        Err(e) => Err(failure(&e)),
    }
}

/// A file's URL: relative ones resolve against the page. The index's own host may use http or
/// https; files elsewhere (PyPI keeps them on `files.pythonhosted.org`) must use https.
fn file_url(offered: &Offered, f: &UpstreamFile) -> Result<String, String> {
    let page = reqwest::Url::parse(&offered.page_url).map_err(|e| e.to_string())?;
    let base = reqwest::Url::parse(&offered.base).map_err(|e| e.to_string())?;
    let url = page
        .join(&f.url)
        .map_err(|e| format!("the URL of {} ({}): {e}", f.filename, f.url))?;
    let same_host = url.host_str() == base.host_str() && url.port() == base.port();
    if !(url.scheme() == "https" || (same_host && url.scheme() == "http")) {
        return Err(format!(
            "the URL of {} ({url}) is neither on the index's host nor https",
            f.filename
        ));
    }
    Ok(url.to_string())
}

/// Fetches, checks and stores the file `filename` of `version` through the connection, and
/// retains its version in the repository read; the bytes and the asset row. `Ok(None)` when
/// the index does not offer the file (or gives no sha256 for it); nothing is stored when a
/// check fails (502 naming the connection).
pub(crate) async fn fetch_file(
    ctx: &Ctx,
    project: &str,
    offered: &Offered,
    version: &str,
    filename: &str,
) -> Result<Option<(Bytes, AssetRow)>, Failure> {
    let Some(f) = offered.project.file(version, filename) else {
        return Ok(None);
    };
    let Some(expected) = f.sha256.clone() else {
        return Ok(None);
    };
    let url = file_url(offered, f).map_err(malformed)?;
    let limit = ctx.state.config.max_body_bytes;
    let Some(bytes) = ctx
        .state
        .external
        .get(
            PYPI_CONNECTION,
            &url,
            "application/octet-stream",
            limit,
            TARBALL_TIMEOUT,
        )
        .await
        .map_err(|e| failure(&e))?
    else {
        return Ok(None);
    };
    let (checked, name, kind) = (bytes.clone(), f.filename.clone(), f.kind);
    let max_inflated = UploadLimits {
        max_file_bytes: limit as u64,
    }
    .max_inflated();
    let (asset, core) = crate::cpu::run(bytes.len(), move || {
        let asset = asset_row_with_sha256(&name, &checked, None);
        let core = wharf_pypi::archive::core_metadata(kind, &checked, max_inflated);
        (asset, core)
    })
    .await;
    if asset.sha256 != expected {
        return Err(malformed(format!(
            "{url} has sha256 {}, but the index's page says {expected}",
            asset.sha256
        )));
    }
    let core = core.map_err(|e| malformed(format!("{url}: {e}")))?;
    let text = String::from_utf8_lossy(&core).into_owned();
    let fields = parse_headers(&text);
    let meta = CoreMetadata::from_fields(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    wharf_pypi::archive::check_agrees(&core, &f.filename, project, &f.version)
        .map_err(|e| malformed(format!("{url}: {e}")))?;
    let row = PypiUploadRow {
        version: f.version.clone(),
        metadata: meta.version_metadata(),
        file: asset.clone(),
        core_metadata: (kind == DistKind::Wheel && !text.contains('\0')).then_some(text),
        max_assets: ctx.state.config.max_assets_per_version,
    };
    crate::store::assets::put_blob(&*ctx.state.blobs, &asset.sha256, bytes.clone())
        .await
        .map_err(|e| {
            tracing::error!("storing a file fetched through {PYPI_CONNECTION}: {e}");
            Failure::new(500, "The file could not be stored")
        })?;
    ctx.state.metrics.blob_bytes_written(bytes.len());
    let store = &ctx.state.store;
    let c = Ctx::coordinate(project)?;
    let stored = store
        .pypi_ingest_external(
            &ctx.owner,
            &ctx.domain,
            &offered.repository,
            &c,
            &row,
            PYPI_CONNECTION,
        )
        .await?;
    // Not written: another read stored it meanwhile (serve it), or an origin control blocked
    // it meanwhile (do not).
    if !stored {
        let views = store
            .pypi_views(&ctx.owner, &ctx.domain, &offered.repository, &c)
            .await?;
        let held = views.iter().any(|v| {
            v.repository == offered.repository
                && v.version(&f.version)
                    .is_some_and(|v| v.files.iter().any(|x| x.asset.name == f.filename))
        });
        if !held {
            return Ok(None);
        }
    }
    if offered.repository != ctx.repo
        && let Err(e) = store
            .pypi_retain(
                &ctx.owner,
                &ctx.domain,
                &ctx.repo,
                &offered.repository,
                &c,
                &f.version,
            )
            .await
    {
        tracing::warn!(
            "retaining {project} {} from {}: {e}",
            f.version,
            offered.repository
        );
    }
    Ok(Some((bytes, asset)))
}
