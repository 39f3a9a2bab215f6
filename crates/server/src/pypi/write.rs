//! twine's upload: the multipart form read (bounded by `--max-body-bytes`), the caller's
//! `PublishPackageVersion` on the named project checked before anything is validated or
//! stored, the form and file checked by `wharf_pypi::check_upload`, then the file stored as an
//! asset of its version (spec §3). Same file, same bytes: 200 and nothing changes; same
//! filename, other bytes: 409; refused input stores nothing, not even bytes.

use super::{Ctx, Failure};
use crate::handlers::publish::asset_row_with_sha256;
use crate::store::assets::put_blob;
use crate::store::pypi::{PypiUploadOutcome, PypiUploadRow};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use wharf_core::names::AssetName;
use wharf_pypi::{DistKind, UploadForm, UploadLimits, check_upload};

fn multipart_failure(status: StatusCode, text: String) -> Failure {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        Failure::new(413, "The upload is larger than this repository accepts")
    } else {
        Failure::new(
            400,
            format!("The upload is not a valid multipart form: {text}"),
        )
    }
}

/// Reads the form: text fields in order, and the `content` part's filename and bytes (other
/// file parts, such as `gpg_signature`, are read and ignored).
async fn read_form(ctx: &Ctx, request: Request) -> Result<(UploadForm, Bytes), Failure> {
    let limit = ctx.state.config.max_body_bytes as u64;
    if let Some(n) = crate::limits::declared_length(request.headers()).filter(|n| *n > limit) {
        return Err(wharf_pypi::PypiError::TooLarge { size: n, limit }.into());
    }
    let mut mp = Multipart::from_request(request, &ctx.state)
        .await
        .map_err(|e| multipart_failure(e.status(), e.body_text()))?;
    let mut form = UploadForm::default();
    let mut content = Bytes::new();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| multipart_failure(e.status(), e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| multipart_failure(e.status(), e.body_text()))?;
        if name == "content" {
            form.filename = file_name;
            content = bytes;
        } else if file_name.is_none() {
            form.fields
                .push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Ok((form, content))
}

/// Turns what storage met into the answer twine expects; `Ok` to go on.
fn refuse(
    outcome: Option<&PypiUploadOutcome>,
    filename: &str,
    version: &str,
) -> Result<(), Failure> {
    match outcome {
        Some(PypiUploadOutcome::FileExists) => Err(Failure::new(
            409,
            format!(
                "File already exists: {filename} is stored with other content; a filename never gets other bytes"
            ),
        )),
        Some(PypiUploadOutcome::VersionClosed(status)) => Err(Failure::new(
            409,
            format!(
                "Version {version} is {status}; files can be added only to Published or Unlisted versions"
            ),
        )),
        Some(PypiUploadOutcome::TooManyFiles(n)) => Err(Failure::new(
            400,
            format!("Version {version} already has {n} files, the most a version may have"),
        )),
        Some(PypiUploadOutcome::PublishBlocked) => Err(Failure::new(
            403,
            "Publishing this package to this repository is blocked by its package origin controls (publish=BLOCK)",
        )),
        Some(PypiUploadOutcome::GroupBlocked(why)) => Err(Failure::new(403, why.clone())),
        Some(PypiUploadOutcome::Stored | PypiUploadOutcome::Identical) | None => Ok(()),
    }
}

fn ok() -> Response {
    let mut r = (StatusCode::OK, "OK\n").into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// `POST /pypi/DOMAIN/REPO/` with `:action=file_upload`.
pub(crate) async fn upload(ctx: &Ctx, request: Request) -> Result<Response, Failure> {
    let (form, content) = read_form(ctx, request).await?;
    // Permission on the project named, before the rest of the form is judged or anything
    // stored.
    let name = form
        .get("name")
        .ok_or_else(|| Failure::new(400, "The upload has no 'name' field"))?;
    wharf_pypi::name::check(name)?;
    ctx.authorise("PublishPackageVersion", Some(name)).await?;
    let limits = UploadLimits {
        max_file_bytes: ctx.state.config.max_body_bytes as u64,
    };
    let bytes = content.clone();
    let up = crate::cpu::run(content.len(), move || check_upload(&form, &bytes, &limits)).await?;
    AssetName::parse(&up.filename).map_err(|e| Failure::new(400, e.to_string()))?;
    let c = Ctx::coordinate(&up.project)?;
    let store = &ctx.state.store;
    // An upload whose version equals a stored one under PEP 440 (1.0 and 1.0.0) joins it.
    let version = store
        .pypi_views(&ctx.owner, &ctx.domain, &ctx.repo, &c)
        .await?
        .into_iter()
        .find(|v| v.repository == ctx.repo)
        .and_then(|view| {
            view.versions
                .iter()
                .map(|v| v.row.version.clone())
                .find(|v| same(v, &up.version))
        })
        .unwrap_or_else(|| up.version.clone());
    let file = {
        let (name, bytes, sha) = (up.filename.clone(), content.clone(), up.sha256.clone());
        crate::cpu::run(content.len(), move || {
            asset_row_with_sha256(&name, &bytes, Some(sha))
        })
        .await
    };
    let core_metadata = (up.kind == DistKind::Wheel)
        .then(|| String::from_utf8(up.core_metadata.clone()).ok())
        .flatten()
        .filter(|m| !m.contains('\0'));
    let row = PypiUploadRow {
        version: version.clone(),
        metadata: up.metadata.clone(),
        file,
        core_metadata,
        max_assets: ctx.state.config.max_assets_per_version,
    };
    let before = store
        .pypi_upload_check(&ctx.owner, &ctx.domain, &ctx.repo, &c, &row)
        .await?;
    refuse(before.as_ref(), &up.filename, &version)?;
    if before == Some(PypiUploadOutcome::Identical) {
        return Ok(ok());
    }
    let size = content.len();
    put_blob(&*ctx.state.blobs, &row.file.sha256, content)
        .await
        .map_err(|e| {
            tracing::error!("storing {}: {e}", up.filename);
            Failure::new(500, "The file could not be stored")
        })?;
    ctx.state.metrics.blob_bytes_written(size);
    let outcome = store
        .pypi_upload(&ctx.owner, &ctx.domain, &ctx.repo, &c, &row)
        .await?;
    refuse(Some(&outcome), &up.filename, &version)?;
    Ok(ok())
}

/// Whether two version strings are one PEP 440 version.
fn same(a: &str, b: &str) -> bool {
    matches!(
        (wharf_pypi::version::parse(a), wharf_pypi::version::parse(b)),
        (Ok(x), Ok(y)) if x == y
    )
}
