//! npm writes: `npm publish` and `npm deprecate` (both `PUT /{name}`), `npm dist-tag add/rm`,
//! and `npm unpublish` (`PUT|DELETE /{name}/-rev/{rev}`, then `DELETE` of the tarball).

use super::access::UnpublishKind;
use super::read::{merged, views};
use super::{Ctx, Failure, json_response, ok_response, read_body};
use crate::store::AssetRow;
use crate::store::assets::put_blob;
use crate::store::npm::{NPM_ASSET, NpmPublishOutcome, NpmPublishRow};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use wharf_npm::deprecate::parse_deprecate;
use wharf_npm::dist_tags::{
    check_dist_tag_delete, check_tag_target, dist_tags_body, parse_dist_tag_put,
};
use wharf_npm::packument::is_listed;
use wharf_npm::{NpmError, NpmName, Publish, PutKind, parse_publish, put_kind};

/// `PUT /{name}`: a publish (with `_attachments`) or a deprecation (a packument without).
/// Parsing, hashing and gunzipping a publish run off the async workers (`crate::cpu`).
pub(crate) async fn put_package(
    ctx: &Ctx,
    name: &NpmName,
    body: Bytes,
) -> Result<Response, Failure> {
    let limits = ctx.publish_limits();
    let (url_name, input) = (name.clone(), body.clone());
    let parsed = crate::cpu::run(body.len(), move || match put_kind(&input)? {
        PutKind::Publish => parse_publish(&url_name, &input, &limits).map(Some),
        PutKind::MetadataUpdate => Ok(None),
    })
    .await?;
    match parsed {
        Some(p) => publish(ctx, name, p).await,
        None => deprecate(ctx, name, body).await,
    }
}

/// The `package.tgz` asset row of a checked publish.
fn tarball_row(p: &Publish) -> AssetRow {
    let d = &p.digests;
    AssetRow {
        name: NPM_ASSET.to_owned(),
        size: d.size as i64,
        md5: d.md5.clone(),
        sha1: d.sha1.clone(),
        sha256: d.sha256.clone(),
        sha512: d.sha512.clone(),
    }
}

/// Refuses what a publish met in storage; `Ok` for a new or identical version.
fn refuse(
    name: &NpmName,
    version: &str,
    outcome: Option<&NpmPublishOutcome>,
) -> Result<(), Failure> {
    match outcome {
        Some(NpmPublishOutcome::Exists(_)) => Err(NpmError::VersionExists {
            name: name.display(),
            version: version.to_owned(),
        }
        .into()),
        Some(NpmPublishOutcome::PublishBlocked) => Err(Failure::new(
            403,
            format!(
                "Publishing {} to this repository is blocked by its package origin controls (publish=BLOCK)",
                name.display()
            ),
        )),
        Some(NpmPublishOutcome::GroupBlocked(why)) => Err(Failure::new(403, why.clone())),
        _ => Ok(()),
    }
}

async fn publish(ctx: &Ctx, name: &NpmName, p: Publish) -> Result<Response, Failure> {
    let c = Ctx::coordinate(name);
    let version = p.version.to_string();
    let row = NpmPublishRow {
        version: version.clone(),
        revision: p.revision().to_string(),
        metadata: p.version_metadata(),
        tarball: tarball_row(&p),
        manifest: p.manifest.to_string(),
        dist_tags: p.dist_tags.clone(),
    };
    let store = &ctx.state.store;
    // Check before writing bytes, so refused input stores nothing.
    let before = store
        .npm_publish_check(
            &ctx.owner,
            &ctx.domain,
            &ctx.repo,
            &c,
            &version,
            &row.revision,
        )
        .await?;
    refuse(name, &version, before.as_ref())?;
    if before.is_none() {
        let size = p.tarball.len();
        put_blob(
            &*ctx.state.blobs,
            &row.tarball.sha256,
            Bytes::from(p.tarball),
        )
        .await
        .map_err(|e| {
            tracing::error!("storing tarball: {e}");
            Failure::new(500, "The tarball could not be stored")
        })?;
        ctx.state.metrics.blob_bytes_written(size);
    }
    let outcome = store
        .npm_publish(&ctx.owner, &ctx.domain, &ctx.repo, &c, &row)
        .await?;
    refuse(name, &version, Some(&outcome))?;
    Ok(ok_response(serde_json::json!({
        "id": name.display(),
        "version": version,
        "rev": row.revision,
    })))
}

async fn deprecate(ctx: &Ctx, name: &NpmName, body: Bytes) -> Result<Response, Failure> {
    let views = views(ctx, name).await?;
    let local = views
        .first()
        .filter(|v| v.repository == ctx.repo)
        .ok_or_else(Failure::not_found)?;
    let existing: BTreeMap<String, Option<String>> = local
        .versions
        .iter()
        .map(|v| (v.row.version.clone(), v.deprecated.clone()))
        .collect();
    let url_name = name.clone();
    let changes = crate::cpu::run(body.len(), move || {
        parse_deprecate(&url_name, &body, &existing)
    })
    .await?;
    if !changes.is_empty() {
        ctx.state
            .store
            .npm_set_deprecations(
                &ctx.owner,
                &ctx.domain,
                &ctx.repo,
                &Ctx::coordinate(name),
                &changes,
            )
            .await?;
    }
    Ok(ok_response(serde_json::json!({ "id": name.display() })))
}

/// `PUT /-/package/{name}/dist-tags/{tag}` with a JSON string: `npm dist-tag add`. The target
/// may be any version the repository's reads see (its own or an upstream's).
pub(crate) async fn dist_tag_set(
    ctx: &Ctx,
    name: &NpmName,
    tag: &str,
    body: &[u8],
) -> Result<Response, Failure> {
    let set = parse_dist_tag_put(tag, body)?;
    let views = views(ctx, name).await?;
    let (versions, mut tags) = merged(name, &views);
    check_tag_target(&set, versions.iter().map(|v| v.version.as_str()))?;
    ctx.state
        .store
        .npm_set_dist_tag(
            &ctx.owner,
            &ctx.domain,
            &ctx.repo,
            &Ctx::coordinate(name),
            &set.tag,
            &set.version,
        )
        .await?;
    tags.insert(set.tag, set.version);
    Ok(json_response(
        StatusCode::OK,
        "application/json",
        dist_tags_body(&tags),
    ))
}

/// `DELETE /-/package/{name}/dist-tags/{tag}`: `npm dist-tag rm` (never `latest`).
pub(crate) async fn dist_tag_remove(
    ctx: &Ctx,
    name: &NpmName,
    tag: &str,
) -> Result<Response, Failure> {
    check_dist_tag_delete(tag)?;
    let c = Ctx::coordinate(name);
    ctx.state
        .store
        .npm_remove_dist_tag(&ctx.owner, &ctx.domain, &ctx.repo, &c, tag)
        .await?;
    let views = views(ctx, name).await?;
    let (_, tags) = merged(name, &views);
    Ok(json_response(
        StatusCode::OK,
        "application/json",
        dist_tags_body(&tags),
    ))
}

#[derive(Deserialize)]
struct UnpublishBody {
    #[serde(default)]
    versions: Map<String, Value>,
    #[serde(rename = "dist-tags", default)]
    dist_tags: BTreeMap<String, Value>,
}

/// `npm unpublish`: `PUT /{name}/-rev/{rev}` with the packument minus the versions to remove
/// (only listed versions count: the client never saw the others),
/// `DELETE /{name}/-rev/{rev}` to remove the whole package from this repository, and `DELETE
/// /{name}/-/{file}.tgz/-rev/{rev}` for the tarball (its bytes are shared by content, so
/// there is nothing left to do once the version is gone). The method and path were classified,
/// and the permissions checked, before this runs (see `super::access`).
pub(crate) async fn unpublish(
    ctx: &Ctx,
    name: &NpmName,
    kind: UnpublishKind,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Failure> {
    let c = Ctx::coordinate(name);
    match kind {
        UnpublishKind::Tarball => Ok(ok_response(Value::Null)),
        UnpublishKind::Package => {
            ctx.state
                .store
                .delete_package(&ctx.owner, &ctx.domain, &ctx.repo, &c)
                .await?;
            Ok(ok_response(Value::Null))
        }
        UnpublishKind::Versions => {
            let bytes = read_body(ctx, headers, body).await?;
            let doc: UnpublishBody =
                serde_json::from_slice(&bytes).map_err(|e| NpmError::BadJson(e.to_string()))?;
            let views = views(ctx, name).await?;
            let local = views
                .first()
                .filter(|v| v.repository == ctx.repo)
                .ok_or_else(Failure::not_found)?;
            let removed: Vec<String> = local
                .versions
                .iter()
                .filter(|v| is_listed(v.row.status) && v.tarball.is_some())
                .map(|v| v.row.version.clone())
                .filter(|v| !doc.versions.contains_key(v))
                .collect();
            let tags: BTreeMap<String, String> = doc
                .dist_tags
                .into_iter()
                .filter_map(|(t, v)| v.as_str().map(|v| (t, v.to_owned())))
                .collect();
            if !removed.is_empty() {
                ctx.state
                    .store
                    .npm_unpublish(&ctx.owner, &ctx.domain, &ctx.repo, &c, &removed, &tags)
                    .await?;
            }
            Ok(ok_response(Value::Null))
        }
    }
}
