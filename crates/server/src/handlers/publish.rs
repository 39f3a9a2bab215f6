//! PublishPackageVersion (generic format): store the bytes by content, then the rows.

use crate::auth::PayloadSha256;
use crate::authz::Target;
use crate::cpu;
use crate::error::ApiError;
use crate::extract::AwsBody;
use crate::operation::{Cx, Operation};
use crate::params::{self, Checks, PackageRef};
use crate::state::AppState;
use crate::store::{AssetRow, PublishAsset, assets};
use axum::Json;
use axum::body::Bytes;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use wharf_core::ValidationErrors;
use wharf_core::api;
use wharf_core::error::FieldError;
use wharf_core::names::{AssetName, PackageFormat, PackageVersion};

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

/// PublishPackageVersion, read and checked: the coordinates, the asset's bytes and the SHA-256
/// the request declares (and, when SigV4 hashed the body, the one it computed).
pub struct PublishPackageVersion {
    package: PackageRef,
    version: PackageVersion,
    asset: AssetName,
    unfinished: bool,
    declared_sha256: String,
    signed_sha256: Option<String>,
    body: Bytes,
}

impl Operation for PublishPackageVersion {
    type Query = api::PublishPackageVersionQuery;
    type Body = AwsBody;

    fn parse(cx: &Cx<'_>, q: Self::Query, AwsBody(body): AwsBody) -> Result<Self, ApiError> {
        let mut c = Checks::default();
        let r = cx.repository(&mut c, &q.domain, &q.domain_owner, &q.repository);
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
        let sha = cx
            .parts
            .headers
            .get(api::HEADER_ASSET_SHA256)
            .and_then(|h| h.to_str().ok())
            .map(str::to_ascii_lowercase);
        let signed_sha256 = cx
            .parts
            .extensions
            .get::<PayloadSha256>()
            .map(|PayloadSha256(s)| s.clone());
        match &sha {
            None => c.push(FieldError::missing("assetSHA256")),
            Some(s) if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) => {
                c.push(FieldError::constraint(
                    "assetSHA256",
                    s,
                    "satisfy regular expression pattern: [0-9a-f]+ with length 64",
                ))
            }
            Some(s) => {
                if let Some(computed) = signed_sha256.as_ref().filter(|c| *c != s) {
                    c.push(sha_mismatch(computed, s));
                }
            }
        }
        c.finish()?;
        Ok(PublishPackageVersion {
            package: PackageRef {
                repo: params::validated(r)?,
                package: params::validated(p)?,
            },
            version: params::validated(v)?,
            asset: params::validated(name)?,
            unfinished,
            declared_sha256: params::validated(sha)?,
            signed_sha256,
            body,
        })
    }

    async fn target(&self, _: &AppState) -> Result<Target, ApiError> {
        Ok(super::packages::target(&self.package))
    }
}

fn sha_mismatch(computed: &str, declared: &str) -> FieldError {
    FieldError::rule(
        "assetSHA256",
        format!("The asset's SHA-256 is {computed}, not {declared} as the request says"),
    )
}

/// `POST /v1/package/version/publish`.
pub async fn publish_package_version(
    state: AppState,
    op: PublishPackageVersion,
) -> Result<Json<api::PublishPackageVersionResult>, ApiError> {
    let (d, r, p) = (
        &op.package.repo.domain,
        &op.package.repo.name,
        &op.package.package,
    );
    let (v, name, body) = (&op.version, &op.asset, op.body);
    // SigV4 hashed the body already; a bearer request's body is hashed here, off the workers.
    let computed = match op.signed_sha256 {
        Some(sha) => sha,
        None => {
            let hashed = body.clone();
            let computed = cpu::run(body.len(), move || hex::encode(Sha256::digest(&hashed))).await;
            if computed != op.declared_sha256 {
                return Err(
                    ValidationErrors::single(sha_mismatch(&computed, &op.declared_sha256)).into(),
                );
            }
            computed
        }
    };
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
        unfinished: op.unfinished,
        max_assets: state.config.max_assets_per_version,
    };
    let (version, asset) = state
        .store
        .publish_asset(&d.owner, d.name.as_str(), r.as_str(), p, publish)
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
