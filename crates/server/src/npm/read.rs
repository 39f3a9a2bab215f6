//! npm reads: the packument (versions and dist-tags merged along the upstream search order,
//! then the external connection's, `pull`), tarballs (retaining a version found upstream in
//! the repository read, or fetching it through the external connection), and `dist-tag ls`.

use super::packument_cache::PackumentKey;
use super::{Ctx, Failure, json_response};
use crate::download::{self, Freshness};
use crate::store::npm::{NpmPackageView, NpmVersionRow};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use wharf_npm::dist_tags::{dist_tags_body, merge_dist_tags, merge_versions};
use wharf_npm::metadata::integrity_from_sha512_hex;
use wharf_npm::packument::{FULL_CONTENT_TYPE, is_installable, packument_for_accept};
use wharf_npm::{NpmName, PackumentInput, PackumentVersion, TarballRef};

/// A stored version as the packument needs it (`None` without a tarball, e.g. disposed).
pub(crate) fn packument_version(name: &NpmName, v: &NpmVersionRow) -> Option<PackumentVersion> {
    let tarball = v.tarball.as_ref()?;
    let mut manifest = v
        .manifest
        .as_deref()
        .and_then(|m| serde_json::from_str::<Value>(m).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({"name": name.display(), "version": v.row.version}));
    wharf_npm::deprecate::apply_deprecation(&mut manifest, v.deprecated.as_deref());
    Some(PackumentVersion {
        version: v.row.version.clone(),
        manifest,
        shasum: tarball.sha1.clone(),
        integrity: integrity_from_sha512_hex(&tarball.sha512).unwrap_or_default(),
        published: v.row.published_time.max(0.0) as u64,
        status: v.row.status,
    })
}

/// The versions and dist-tags a read sees: versions first-found along the search order, tags
/// folded so the more upstream repository wins (spec §4).
pub(crate) fn merged(
    name: &NpmName,
    views: &[NpmPackageView],
) -> (Vec<PackumentVersion>, BTreeMap<String, String>) {
    let versions = merge_versions(
        views.iter().map(|view| {
            view.versions
                .iter()
                .filter_map(|v| packument_version(name, v))
                .collect::<Vec<_>>()
        }),
        |v| v.version.as_str(),
    );
    let tags: Vec<BTreeMap<String, String>> = views.iter().map(|v| v.dist_tags.clone()).collect();
    (versions, merge_dist_tags(&tags))
}

/// What the repository and its upstreams hold of a package (possibly nothing).
async fn stored_views(ctx: &Ctx, name: &NpmName) -> Result<Vec<NpmPackageView>, Failure> {
    Ok(ctx
        .state
        .store
        .npm_views(&ctx.owner, &ctx.domain, &ctx.repo, &Ctx::coordinate(name))
        .await?)
}

/// What the repository and its upstreams hold of a package; 404 when none has it.
pub(crate) async fn views(ctx: &Ctx, name: &NpmName) -> Result<Vec<NpmPackageView>, Failure> {
    let views = stored_views(ctx, name).await?;
    if views.is_empty() {
        return Err(package_not_found(ctx, name).await);
    }
    Ok(views)
}

/// The 404 for a package nothing serves, naming the package group when one keeps upstream
/// versions out of this repository.
async fn package_not_found(ctx: &Ctx, name: &NpmName) -> Failure {
    match group_note(ctx, name).await {
        Some(why) => Failure::new(404, format!("Not found: {} ({why})", name.display())),
        None => Failure::not_found(),
    }
}

/// When package groups keep upstream versions out of this repository, the sentence that says
/// so (naming the group), for a 404's message.
async fn group_note(ctx: &Ctx, name: &NpmName) -> Option<String> {
    let r = ctx
        .state
        .store
        .effective_origin_restrictions(&ctx.owner, &ctx.domain, &Ctx::coordinate(name))
        .await
        .ok()?;
    r.refusal(
        wharf_core::groups::OriginRestrictionType::InternalUpstream,
        &ctx.repo,
        &name.display(),
    )
}

/// A revision marker for the full packument (`_rev`), which `npm unpublish` echoes back.
fn packument_rev(versions: &[PackumentVersion], tags: &BTreeMap<String, String>) -> String {
    let mut h = Sha256::new();
    for v in versions {
        h.update(v.version.as_bytes());
        h.update(v.integrity.as_bytes());
        h.update([0]);
    }
    h.update(dist_tags_body(tags).as_bytes());
    format!(
        "{}-{}",
        versions.len().max(1),
        &hex::encode(h.finalize())[..32]
    )
}

/// `GET /{name}`: the packument, full or abbreviated by `Accept`.
pub(crate) async fn packument(
    ctx: &Ctx,
    name: &NpmName,
    accept: Option<&str>,
) -> Result<Response, Failure> {
    // The stamps are read before anything else: a body rendered from what is read after them
    // is at least as new as they are (`packument_cache`).
    let stamps = ctx
        .state
        .store
        .npm_stamps(&ctx.owner, &ctx.domain, &ctx.repo, &Ctx::coordinate(name))
        .await?;
    let key = PackumentKey {
        repository: (ctx.owner.clone(), ctx.domain.clone(), ctx.repo.clone()),
        package: name.display(),
        accept: accept.map(str::to_owned),
        base: ctx.base.clone(),
    };
    if let Some((content_type, body)) = ctx.state.packuments.get(&key, &stamps) {
        return Ok(packument_response(content_type, body));
    }
    let views = stored_views(ctx, name).await?;
    let external = if stamps.external {
        super::pull::offered(ctx, name, &views).await?
    } else {
        None
    };
    if views.is_empty() && external.is_none() {
        return Err(package_not_found(ctx, name).await);
    }
    let (mut versions, mut tags) = merged(name, &views);
    if let Some((_, offer)) = &external {
        // The registry is the most upstream source: its versions come after the stored ones,
        // and its tags win a clash (spec §4).
        for v in offer.versions.values() {
            if !versions.iter().any(|s| s.version == v.version) {
                versions.push(super::pull::packument_version(v));
            }
        }
        tags.extend(offer.dist_tags.clone());
    }
    let input = PackumentInput {
        name,
        versions: &versions,
        dist_tags: &tags,
        tarball_base: &ctx.base,
        modified: None,
    };
    let (content_type, mut doc) = packument_for_accept(&input, accept);
    if content_type == FULL_CONTENT_TYPE
        && let Value::Object(m) = &mut doc
    {
        m.insert("_rev".into(), json!(packument_rev(&versions, &tags)));
    }
    let body = Bytes::from(doc.to_string());
    ctx.state
        .packuments
        .put(key, stamps, content_type, body.clone());
    Ok(packument_response(content_type, body))
}

/// A packument's 200.
fn packument_response(content_type: &'static str, body: Bytes) -> Response {
    let mut r = Response::new(Body::from(body));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// `GET /{name}/-/{file}.tgz`: the first installable copy along the search order. A version
/// found upstream is retained in the repository read (spec §3.5), keeping its origin. A stored
/// tarball honours `If-None-Match` and a single `Range` ([`crate::download`]).
pub(crate) async fn tarball(
    ctx: &Ctx,
    t: &TarballRef,
    headers: &HeaderMap,
) -> Result<Response, Failure> {
    let version = t.version.to_string();
    // Only the version asked for is read, in each repository along the search order.
    let hits = ctx
        .state
        .store
        .npm_tarball_hits(
            &ctx.owner,
            &ctx.domain,
            &ctx.repo,
            &Ctx::coordinate(&t.name),
            &version,
        )
        .await?;
    let found = hits.into_iter().find_map(|hit| {
        let asset = hit.tarball.filter(|_| is_installable(hit.status))?;
        Some((hit.repository, asset))
    });
    let Some((from, asset)) = found else {
        // A version stored anywhere along the search order (in any status) is never fetched.
        let views = stored_views(ctx, &t.name).await?;
        if !views.iter().any(|v| v.version(&version).is_some())
            && let Some((conn, offer)) = super::pull::offered(ctx, &t.name, &views).await?
            && let Some((bytes, asset)) =
                super::pull::fetch_tarball(ctx, &t.name, &conn, &offer, &version).await?
        {
            return Ok(tarball_response(Body::from(bytes), &asset));
        }
        let why = group_note(ctx, &t.name)
            .await
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        return Err(Failure::new(
            404,
            format!("Not found: {}@{version}{why}", t.name.display()),
        ));
    };
    if from != ctx.repo
        && let Err(e) = ctx
            .state
            .store
            .npm_retain(
                &ctx.owner,
                &ctx.domain,
                &ctx.repo,
                &from,
                &Ctx::coordinate(&t.name),
                &version,
            )
            .await
    {
        tracing::warn!("retaining {}@{version} from {from}: {e}", t.name.display());
    }
    download::respond(
        &*ctx.state.blobs,
        headers,
        &asset.sha256,
        asset.size as u64,
        Freshness::Revalidate,
    )
    .await
    .map_err(|e| {
        tracing::error!("reading tarball {}: {e}", asset.sha256);
        Failure::new(500, "The tarball could not be read")
    })
}

/// A tarball fetched from an external connection just now: its bytes, length and validators.
fn tarball_response(body: Body, asset: &crate::store::AssetRow) -> Response {
    let mut r = Response::new(body);
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(asset.size as u64));
    if let Ok(v) = HeaderValue::from_str(&download::etag(&asset.sha256)) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    r
}

/// `GET /-/package/{name}/dist-tags`: the merged tags (`npm dist-tag ls`).
pub(crate) async fn dist_tags(ctx: &Ctx, name: &NpmName) -> Result<Response, Failure> {
    let views = views(ctx, name).await?;
    let (_, tags) = merged(name, &views);
    Ok(json_response(
        StatusCode::OK,
        "application/json",
        dist_tags_body(&tags),
    ))
}
