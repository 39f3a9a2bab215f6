//! npm pull-through: a read that misses in the repository and its internal upstreams goes to
//! the external registry of the first repository in the search order that has the
//! `public:npmjs` connection (spec `groups-connections-tags.md` §2).
//!
//! The packument's external versions are offered next to the stored ones (tarball URLs point
//! at Wharf); a tarball is fetched only when asked for, checked against the registry's
//! integrity, stored in the connection's repository with origin `EXTERNAL` (entry point the
//! connection; a new package there gets `publish=BLOCK, upstream=ALLOW`), and retained in the
//! repository read, as versions from internal upstreams are. Whether a fetch may happen at all
//! is decided in one place, [`external_fetch_allowed`].

use super::{Ctx, Failure};
use crate::external::{ExternalError, TARBALL_TIMEOUT};
use crate::store::AssetRow;
use crate::store::npm::{MAX_SEARCHED, NPM_ASSET, NpmPackageView, NpmPublishRow};
use axum::body::Bytes;
use std::collections::BTreeMap;
use std::sync::Arc;
use wharf_core::external::NPM_CONNECTION;
use wharf_core::groups::OriginRestrictionType;
use wharf_npm::NpmName;
use wharf_npm::upstream::{UpstreamPackument, UpstreamVersion, verify_tarball};

/// The repository whose external connection a read may use, and the connection's registry.
pub(crate) struct Connection {
    /// The repository that has the connection.
    pub(crate) repository: String,
    /// The registry's base URL (ending in `/`).
    pub(crate) base: String,
}

/// Whether a version of the package may be fetched from outside into `connection`'s
/// repository, given what the repositories read hold of it (`views`, in search order).
///
/// Refused when the package's origin controls block upstream versions (`upstream=BLOCK`) in
/// the repository read or in the repository that has the connection, or when the domain's
/// package groups do not admit `EXTERNAL_UPSTREAM` into the connection's repository (logged
/// with the group's name; the store asks the groups again inside its write transaction).
pub(crate) async fn external_fetch_allowed(
    ctx: &Ctx,
    name: &NpmName,
    views: &[NpmPackageView],
    connection: &Connection,
) -> Result<bool, Failure> {
    let blocks = |repo: &str| {
        views
            .iter()
            .any(|v| v.repository == repo && v.package.origin_upstream == "BLOCK")
    };
    if blocks(&ctx.repo) || blocks(&connection.repository) {
        return Ok(false);
    }
    let groups = ctx
        .state
        .store
        .effective_origin_restrictions(&ctx.owner, &ctx.domain, &name.coordinate())
        .await?;
    if let Some(why) = groups.refusal(
        OriginRestrictionType::ExternalUpstream,
        &connection.repository,
        &name.display().to_string(),
    ) {
        tracing::info!("not fetching through {NPM_CONNECTION}: {why}");
        return Ok(false);
    }
    Ok(true)
}

/// The first repository in the search order with the npm external connection, if any.
pub(crate) async fn connection(ctx: &Ctx) -> Result<Option<Connection>, Failure> {
    let order = ctx
        .state
        .store
        .search_order(&ctx.owner, &ctx.domain, &ctx.repo, MAX_SEARCHED)
        .await?;
    Ok(order
        .into_iter()
        .find(|r| r.external_connection.as_deref() == Some(NPM_CONNECTION))
        .and_then(|r| {
            let base = ctx.state.config.external_connection_url(NPM_CONNECTION)?;
            Some(Connection {
                repository: r.name,
                base,
            })
        }))
}

fn failure(e: &ExternalError) -> Failure {
    Failure::new(502, e.to_string())
}

/// What the external registry offers of the package, when a fetch is allowed: `Ok(None)` when
/// there is no connection, the fetch is not allowed, or the registry lacks the package. When
/// the registry is unavailable and nothing is cached, the repositories' own versions are
/// served (`Ok(None)`, logged) if they have any; otherwise 502 naming the connection.
pub(crate) async fn offered(
    ctx: &Ctx,
    name: &NpmName,
    views: &[NpmPackageView],
) -> Result<Option<(Connection, Arc<UpstreamPackument>)>, Failure> {
    let Some(conn) = connection(ctx).await? else {
        return Ok(None);
    };
    if !external_fetch_allowed(ctx, name, views, &conn).await? {
        return Ok(None);
    }
    match ctx
        .state
        .external
        .npm_packument(
            NPM_CONNECTION,
            &conn.base,
            name,
            ctx.state.config.external_metadata_ttl,
        )
        .await
    {
        Ok(Some(p)) => Ok(Some((conn, p))),
        Ok(None) => Ok(None),
        Err(e) if !views.is_empty() => {
            tracing::warn!("{e}; serving {} from storage only", name.display());
            Ok(None)
        }
        Err(e) => Err(failure(&e)),
    }
}

/// Fetches, checks and stores `version` through the connection, retaining it in the
/// repository read; the tarball's bytes and asset row. 404 when the registry does not offer
/// the version; nothing is stored when the check fails.
pub(crate) async fn fetch_tarball(
    ctx: &Ctx,
    name: &NpmName,
    conn: &Connection,
    packument: &UpstreamPackument,
    version: &str,
) -> Result<Option<(Bytes, AssetRow)>, Failure> {
    let Some(v) = packument.versions.get(version) else {
        return Ok(None);
    };
    let url = tarball_url(&conn.base, v).map_err(|reason| {
        failure(&ExternalError::Malformed {
            connection: NPM_CONNECTION.into(),
            reason,
        })
    })?;
    let limit = ctx.body_limit();
    let Some(bytes) = ctx
        .state
        .external
        .get(
            NPM_CONNECTION,
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
    let (checked, version_row) = (bytes.clone(), v.clone());
    let digests = crate::cpu::run(bytes.len(), move || verify_tarball(&checked, &version_row))
        .await
        .map_err(|reason| {
            failure(&ExternalError::Malformed {
                connection: NPM_CONNECTION.into(),
                reason,
            })
        })?;
    let tarball = AssetRow {
        name: NPM_ASSET.to_owned(),
        size: digests.size as i64,
        md5: digests.md5.clone(),
        sha1: digests.sha1.clone(),
        sha256: digests.sha256.clone(),
        sha512: digests.sha512.clone(),
    };
    let row = NpmPublishRow {
        version: version.to_owned(),
        revision: wharf_npm::metadata::revision(&v.manifest, &digests).to_string(),
        metadata: wharf_npm::metadata::version_metadata(&v.manifest),
        tarball: tarball.clone(),
        manifest: v.manifest.to_string(),
        // The registry's tags that name this version, so that `latest` is known once the
        // registry is gone.
        dist_tags: packument
            .dist_tags
            .iter()
            .filter(|(_, t)| *t == version)
            .map(|(k, t)| (k.clone(), t.clone()))
            .collect::<BTreeMap<_, _>>(),
    };
    crate::store::assets::put_blob(&*ctx.state.blobs, &tarball.sha256, bytes.clone())
        .await
        .map_err(|e| {
            tracing::error!("storing a tarball fetched through {NPM_CONNECTION}: {e}");
            Failure::new(500, "The tarball could not be stored")
        })?;
    ctx.state.metrics.blob_bytes_written(bytes.len());
    let store = &ctx.state.store;
    let c = name.coordinate();
    let stored = store
        .npm_ingest_external(
            &ctx.owner,
            &ctx.domain,
            &conn.repository,
            &c,
            &row,
            NPM_CONNECTION,
        )
        .await?;
    // Not written: either another read stored it meanwhile, or an origin control blocked it
    // meanwhile (checked again in the store's transaction); only the first may be served.
    if !stored {
        let views = store
            .npm_views(&ctx.owner, &ctx.domain, &conn.repository, &c)
            .await?;
        let held = views
            .iter()
            .any(|v| v.repository == conn.repository && v.version(version).is_some());
        if !held {
            return Ok(None);
        }
    }
    if conn.repository != ctx.repo
        && let Err(e) = store
            .npm_retain(
                &ctx.owner,
                &ctx.domain,
                &ctx.repo,
                &conn.repository,
                &c,
                version,
            )
            .await
    {
        tracing::warn!(
            "retaining {}@{version} from {}: {e}",
            name.display(),
            conn.repository
        );
    }
    Ok(Some((bytes, tarball)))
}

/// The tarball's URL: `dist.tarball` when it is on the registry's host (else refused: a
/// packument must not send Wharf to fetch from another host).
fn tarball_url(base: &str, v: &UpstreamVersion) -> Result<String, String> {
    let base = reqwest::Url::parse(base).map_err(|e| format!("{base}: {e}"))?;
    let url = base
        .join(&v.tarball_url)
        .map_err(|e| format!("tarball URL {}: {e}", v.tarball_url))?;
    if url.host_str() != base.host_str() || !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the tarball URL of {} ({url}) is not on the registry's host",
            v.version
        ));
    }
    Ok(url.to_string())
}

/// A packument version for an external version not stored yet (tarball URL on Wharf).
pub(crate) fn packument_version(v: &UpstreamVersion) -> wharf_npm::PackumentVersion {
    let sha512 = v
        .integrity
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .find(|t| t.starts_with("sha512-"))
        .map(str::to_owned);
    wharf_npm::PackumentVersion {
        version: v.version.clone(),
        manifest: v.manifest.clone(),
        shasum: v.shasum.clone().unwrap_or_default(),
        integrity: sha512.or_else(|| v.integrity.clone()).unwrap_or_default(),
        published: v.published,
        status: wharf_core::names::PackageVersionStatus::Published,
    }
}
