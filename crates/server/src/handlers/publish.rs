//! PublishPackageVersion (generic format): store the bytes by content, then the rows.

use crate::auth::PayloadSha256;
use crate::cpu;
use crate::error::ApiError;
use crate::extract::{AwsBody, AwsQuery};
use crate::params::{self, Checks};
use crate::state::AppState;
use crate::store::{AssetRow, PublishAsset, assets};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::{Extension, Json};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use wharf_core::api;
use wharf_core::error::FieldError;
use wharf_core::names::{AssetName, PackageFormat};

/// The four hashes and size of some bytes.
pub fn asset_row(name: &str, bytes: &[u8]) -> AssetRow {
    asset_row_with_sha256(name, bytes, None)
}

/// The four hashes and size of some bytes, reusing a SHA-256 already computed. One pass over
/// the bytes, a megabyte at a time through every hash, so each byte is read from memory once.
pub fn asset_row_with_sha256(name: &str, bytes: &[u8], sha256: Option<String>) -> AssetRow {
    let (mut md5, mut sha1, mut sha512) = (Md5::new(), Sha1::new(), Sha512::new());
    let mut sha256_hasher = sha256.is_none().then(Sha256::new);
    for chunk in bytes.chunks(1 << 20) {
        md5.update(chunk);
        sha1.update(chunk);
        sha512.update(chunk);
        if let Some(h) = &mut sha256_hasher {
            h.update(chunk);
        }
    }
    AssetRow {
        name: name.to_owned(),
        size: bytes.len() as i64,
        md5: hex::encode(md5.finalize()),
        sha1: hex::encode(sha1.finalize()),
        sha256: sha256
            .unwrap_or_else(|| hex::encode(sha256_hasher.expect("no SHA-256 given").finalize())),
        sha512: hex::encode(sha512.finalize()),
    }
}

/// `POST /v1/package/version/publish`.
pub async fn publish_package_version(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Option<Extension<PayloadSha256>>,
    AwsQuery(q): AwsQuery<api::PublishPackageVersionQuery>,
    AwsBody(body): AwsBody,
) -> Result<Json<api::PublishPackageVersionResult>, ApiError> {
    let mut c = Checks::default();
    let d = params::domain(&mut c, &state.config.account_id, &q.domain, &q.domain_owner);
    let r = params::repository(&mut c, &q.repository);
    let p = params::package(&mut c, &q.format, &q.namespace, &q.package);
    let v = params::version(&mut c, &q.package_version, "packageVersion", p.as_ref());
    let name = c.required(&q.asset_name, "assetName", AssetName::parse_as);
    if let Some(n) = &name {
        c.take(n.check_generic());
    }
    if let Some(p) = &p
        && p.format != PackageFormat::Generic
    {
        c.push(FieldError::rule(
            "format",
            format!(
                "PublishPackageVersion supports only the generic format, not {}",
                p.format
            ),
        ));
    }
    let unfinished = match q.unfinished.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            c.push(FieldError::constraint(
                "unfinished",
                other,
                "be true or false",
            ));
            false
        }
    };
    let sha = headers
        .get(api::HEADER_ASSET_SHA256)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    // SigV4 hashed the body already; a bearer request's body is hashed here, off the workers.
    let computed = match signed {
        Some(Extension(PayloadSha256(sha))) => sha,
        None => {
            let hashed = body.clone();
            cpu::run(body.len(), move || hex::encode(Sha256::digest(&hashed))).await
        }
    };
    match &sha {
        None => c.push(FieldError::missing("assetSHA256")),
        Some(s) if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) => {
            c.push(FieldError::constraint(
                "assetSHA256",
                s,
                "satisfy regular expression pattern: [0-9a-f]+ with length 64",
            ))
        }
        Some(s) if *s != computed => c.push(FieldError::rule(
            "assetSHA256",
            format!("The asset's SHA-256 is {computed}, not {s} as the request says"),
        )),
        Some(_) => {}
    }
    c.finish()?;
    let (d, r, p, v, name) = (
        params::validated(d)?,
        params::validated(r)?,
        params::validated(p)?,
        params::validated(v)?,
        params::validated(name)?,
    );
    // Fail fast on a missing repository before writing any bytes.
    state
        .store
        .repository(&d.owner, d.name.as_str(), r.as_str())
        .await?;
    let row = {
        let (name, hashed) = (name.as_str().to_owned(), body.clone());
        cpu::run(body.len(), move || {
            asset_row_with_sha256(&name, &hashed, Some(computed))
        })
        .await
    };
    let size = body.len();
    assets::put_blob(&*state.blobs, &row.sha256, body)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    state.metrics.blob_bytes_written(size);
    let publish = PublishAsset {
        version: v.to_string(),
        asset: row,
        unfinished,
        max_assets: state.config.max_assets_per_version,
    };
    let (version, asset) = state
        .store
        .publish_asset(&d.owner, d.name.as_str(), r.as_str(), &p, publish)
        .await?;
    Ok(Json(api::PublishPackageVersionResult {
        format: Some(p.format),
        namespace: p.namespace.as_ref().map(|n| n.to_string()),
        package: Some(p.name.to_string()),
        version: Some(version.version.clone()),
        version_revision: Some(version.revision.clone()),
        status: Some(version.status),
        asset: Some(asset.summary()),
    }))
}
