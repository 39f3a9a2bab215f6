//! The npm registry protocol at `/npm/DOMAIN/REPO/`, the URL GetRepositoryEndpoint returns for
//! format npm. One catch-all route authenticates the bearer token npm sends (from `.npmrc`'s
//! `//HOST/npm/DOMAIN/REPO/:_authToken=…`, as `aws codeartifact login --tool npm` writes it),
//! classifies the request (`access::NpmRequest`), checks the caller's permissions
//! (`access`: `ReadFromRepository` for reads, `PublishPackageVersion` for writes) and hands it
//! to `read` (packuments, tarballs, `dist-tag ls`) or `write` (publish, deprecate, `dist-tag
//! add/rm`, unpublish). The pure protocol logic lives in `wharf-npm`; here are only storage and
//! HTTP.
//!
//! Tokens of any key are accepted ([`crate::auth::verify_bearer`]): root's, and IAM users',
//! which carry their user's permissions and stop working when their key is revoked or their
//! user deleted. Every failure answers with npm's error shape, `{"error": "…"}`, and the status
//! npm expects (401 with `WWW-Authenticate: Bearer` for a missing, bad, expired or revoked
//! token, so npm asks to log in; 403 with the `AccessDeniedException` text for a refusal).

mod access;
mod pull;
mod read;
mod write;

use crate::auth::{Caller, Identity};
use crate::error::ApiError;
use crate::limits::{BodyFailure, stalled_message};
use crate::state::AppState;
use crate::store::StoreError;
use access::NpmRequest;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use base64::Engine;
use wharf_core::names::PackageCoordinate;
use wharf_npm::{NpmError, NpmName, NpmRoute, PublishLimits};

/// The npm routes; [`crate::app`] merges them next to the API.
pub fn routes() -> Router<AppState> {
    Router::new().route("/npm/{*rest}", any(handle))
}

/// A refused npm request: its status and the message npm prints.
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    message: String,
}

impl Failure {
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Self {
        Failure {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            message: message.into(),
        }
    }

    pub(crate) fn not_found() -> Self {
        Failure::new(404, "Not found")
    }
}

impl From<NpmError> for Failure {
    fn from(e: NpmError) -> Self {
        Failure::new(e.status(), e.to_string())
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => Failure::new(404, crate::error::words::missing(&m).message),
            StoreError::Conflict(c) => Failure::new(409, crate::error::words::clash(&c).message),
            StoreError::Quota(l) => Failure::new(402, crate::error::words::limit(&l).message),
            StoreError::Invalid(message) => Failure::new(400, message),
            StoreError::Upstreams(r) => Failure::new(400, crate::error::upstream_refusal(&r)),
            StoreError::Backend(e) => {
                tracing::error!("npm storage failed: {e:#}");
                Failure::new(500, "Internal server error")
            }
        }
    }
}

/// The API's errors in npm's shape: a refused authorization is 403 with the
/// `AccessDeniedException` text, an authentication failure (bad, expired or revoked token) 401.
impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::AccessDenied(message) => Failure::new(403, message),
            ApiError::Auth { message, .. } => {
                Failure::new(401, format!("Unable to authenticate: {message}"))
            }
            ApiError::Validation { message, .. } => Failure::new(400, message),
            ApiError::NotFound { message, .. } | ApiError::UnknownOperation(message) => {
                Failure::new(404, message)
            }
            ApiError::Conflict { message, .. } => Failure::new(409, message),
            ApiError::QuotaExceeded { message, .. } => Failure::new(402, message),
            e @ ApiError::TooLarge { .. } => Failure::new(413, e.to_string()),
            ApiError::RequestTimeout(message) => Failure::new(408, message),
            ApiError::Throttling(message) => Failure::new(429, message),
            ApiError::Internal(e) => {
                tracing::error!("npm request failed: {e:#}");
                Failure::new(500, "Internal server error")
            }
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message }).to_string();
        let mut r = json_response(self.status, "application/json", body);
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"wharf\""),
            );
        }
        r
    }
}

/// A JSON answer with the given status and content type.
pub(crate) fn json_response(
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// `{"ok": true, …}` with 200.
pub(crate) fn ok_response(extra: serde_json::Value) -> Response {
    let mut body = serde_json::json!({ "ok": true });
    if let (Some(b), serde_json::Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    json_response(StatusCode::OK, "application/json", body.to_string())
}

/// One npm request's repository and caller.
pub(crate) struct Ctx {
    pub(crate) state: AppState,
    pub(crate) owner: String,
    pub(crate) domain: String,
    pub(crate) repo: String,
    /// `http://HOST/npm/DOMAIN/REPO/`: where tarball URLs point.
    pub(crate) base: String,
    /// The access key behind the token.
    pub(crate) caller: Caller,
    /// Whose permissions the request has ([`access::authorise`] checks them).
    pub(crate) identity: Identity,
}

impl Ctx {
    /// The publish limits: the body limit is the service's (`--max-body-bytes`) capped by
    /// npm's, and a tarball may inflate to four times it, at most 1 GiB
    /// ([`PublishLimits::for_body_limit`]).
    pub(crate) fn publish_limits(&self) -> PublishLimits {
        PublishLimits::for_body_limit(self.state.config.max_body_bytes as u64)
    }

    /// The largest body accepted: the service's limit, capped by npm's publish limit.
    pub(crate) fn body_limit(&self) -> usize {
        usize::try_from(self.publish_limits().max_body_bytes).unwrap_or(usize::MAX)
    }

    /// The package's CodeArtifact coordinate.
    pub(crate) fn coordinate(name: &NpmName) -> PackageCoordinate {
        name.coordinate()
    }
}

/// The bearer token of a request: `Authorization: Bearer T`, or Basic auth whose password is
/// the token (as `_auth`/`_password` configurations send it).
fn token_of(headers: &HeaderMap) -> Option<String> {
    let h = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    if let Some(t) = h.strip_prefix("Bearer ") {
        return Some(t.trim().to_owned());
    }
    let basic = h.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(basic.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    text.split_once(':').map(|(_, p)| p.to_owned())
}

/// The caller of an npm request: a token of any key (root's or a user's) that is signed,
/// unexpired, and whose key is still active (checked in the store on every request).
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Caller, Identity), Failure> {
    let token = token_of(headers).ok_or_else(|| {
        Failure::new(
            401,
            "Unable to authenticate: this registry needs a token (aws codeartifact login --tool npm)",
        )
    })?;
    Ok(crate::auth::verify_bearer(state, &token).await?)
}

/// Reads a request body up to the npm limit (413 in npm's shape beyond it).
pub(crate) async fn read_body(
    ctx: &Ctx,
    headers: &HeaderMap,
    body: Body,
) -> Result<Bytes, Failure> {
    let limit = ctx.body_limit();
    let too_large = |size: u64| NpmError::TooLarge {
        what: "request body",
        size,
        limit: limit as u64,
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > limit as u64) {
        return Err(too_large(n).into());
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|e| match BodyFailure::of(&e) {
            BodyFailure::TooLarge => too_large(limit as u64 + 1).into(),
            BodyFailure::Stalled => Failure::new(408, stalled_message(&ctx.state.config.limits)),
            BodyFailure::Broken(e) => {
                Failure::new(400, format!("Could not read the request body: {e}"))
            }
        })
}

async fn handle(State(state): State<AppState>, request: Request) -> Response {
    match dispatch(state, request).await {
        Ok(r) => r,
        Err(f) => f.into_response(),
    }
}

async fn dispatch(state: AppState, request: Request) -> Result<Response, Failure> {
    let (parts, body) = request.into_parts();
    let (caller, identity) = authenticate(&state, &parts.headers).await?;
    let path = parts.uri.path();
    let rest = path.strip_prefix("/npm/").ok_or_else(Failure::not_found)?;
    let (domain, rest) = rest.split_once('/').ok_or_else(Failure::not_found)?;
    let (repo, rest) = rest.split_once('/').ok_or_else(Failure::not_found)?;
    let base = crate::public_url::base(&state.config, &parts.headers);
    let ctx = Ctx {
        owner: state.config.account_id.clone(),
        domain: domain.to_owned(),
        repo: repo.to_owned(),
        base: format!("{base}/npm/{domain}/{repo}/"),
        caller,
        identity,
        state,
    };
    let request = NpmRequest::classify(&parts.method, rest)?;
    // Before the body is read or anything is stored: a refused request changes nothing.
    access::authorise(&ctx, &request).await?;
    let route = match request {
        NpmRequest::Route(route) => route,
        NpmRequest::Unpublish { name, kind } => {
            return write::unpublish(&ctx, &name, kind, &parts.headers, body).await;
        }
    };
    let accept = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|h| h.to_str().ok());
    match route {
        NpmRoute::Packument(name) => read::packument(&ctx, &name, accept).await,
        NpmRoute::Tarball(t) => read::tarball(&ctx, &t, &parts.headers).await,
        NpmRoute::DistTags(name) => read::dist_tags(&ctx, &name).await,
        NpmRoute::PutPackage(name) => {
            let bytes = read_body(&ctx, &parts.headers, body).await?;
            write::put_package(&ctx, &name, bytes).await
        }
        NpmRoute::DistTagSet { name, tag } => {
            let bytes = read_body(&ctx, &parts.headers, body).await?;
            write::dist_tag_set(&ctx, &name, &tag, &bytes).await
        }
        NpmRoute::DistTagRemove { name, tag } => write::dist_tag_remove(&ctx, &name, &tag).await,
        NpmRoute::Ping => {
            repository_exists(&ctx).await?;
            Ok(json_response(
                StatusCode::OK,
                "application/json",
                "{}".into(),
            ))
        }
        NpmRoute::Whoami => {
            repository_exists(&ctx).await?;
            // A user is named; root has no name, so its key id stands in.
            let username = match &ctx.identity {
                Identity::User(name) => name.as_str(),
                Identity::Root => ctx.caller.access_key_id.as_str(),
            };
            let body = serde_json::json!({ "username": username });
            Ok(json_response(
                StatusCode::OK,
                "application/json",
                body.to_string(),
            ))
        }
        NpmRoute::Unsupported(what) => Err(Failure::new(
            if parts.method == Method::GET {
                404
            } else {
                405
            },
            format!("{what} is not supported by this registry"),
        )),
    }
}

async fn repository_exists(ctx: &Ctx) -> Result<(), Failure> {
    ctx.state
        .store
        .repository(&ctx.owner, &ctx.domain, &ctx.repo)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
