//! The Python package index protocols at `/pypi/DOMAIN/REPO/`, the URL GetRepositoryEndpoint
//! returns for format pypi (spec `pypi.md` §1): the Simple Repository API under `simple/`
//! (`read`) and twine's legacy upload at the endpoint itself (`write`). One catch-all route
//! authenticates the caller, classifies the request ([`PypiRequest`]), checks permissions
//! with [`authz::check_operation`] (`ReadFromRepository` on the repository for reads,
//! `PublishPackageVersion` on the package for uploads) and dispatches. The protocol logic is
//! in `wharf-pypi`; here are only storage and HTTP.
//!
//! Authentication is what `aws codeartifact login --tool pip|twine` configures: HTTP Basic
//! with user `aws` and a token from GetAuthorizationToken as the password; `Bearer <token>` is
//! accepted too. A missing or bad token, or another user name, is 401 with `WWW-Authenticate:
//! Basic realm="DOMAIN/REPO"` (which pip and urllib-based clients can answer); a refusal is
//! 403 with the `AccessDeniedException` text. Errors are plain text, or JSON
//! (`{"message","code","title"}`) when the client prefers JSON, and the message is also the
//! HTTP reason phrase, where twine prints it.

mod read;
pub(crate) mod versions;
mod write;

use crate::auth::{Caller, Identity};
use crate::authz::{self, Target};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::StoreError;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use base64::Engine;
use wharf_core::names::PackageCoordinate;
use wharf_pypi::PypiError;

/// The PyPI routes; [`crate::app`] merges them next to the API.
pub fn routes() -> Router<AppState> {
    Router::new().route("/pypi/{*rest}", any(handle))
}

/// A refused PyPI request: its status and the message twine and pip print.
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    message: String,
    /// `DOMAIN/REPO` for the Basic challenge of a 401.
    realm: Option<String>,
    /// Answer `{"message","code","title"}` rather than plain text.
    json: bool,
}

impl Failure {
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Self {
        Failure {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            message: message.into(),
            realm: None,
            json: false,
        }
    }

    pub(crate) fn not_found(what: impl std::fmt::Display) -> Self {
        Failure::new(404, format!("Not Found: {what}"))
    }
}

impl From<PypiError> for Failure {
    fn from(e: PypiError) -> Self {
        Failure::new(e.status(), e.to_string())
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => Failure::new(404, crate::error::words::missing(&m).message),
            StoreError::Conflict(c) => Failure::new(409, crate::error::words::clash(&c).message),
            StoreError::Quota(l) => Failure::new(400, crate::error::words::limit(&l).message),
            StoreError::Invalid(message) => Failure::new(400, message),
            StoreError::Upstreams(r) => Failure::new(400, crate::error::upstream_refusal(&r)),
            StoreError::Backend(e) => {
                tracing::error!("pypi storage failed: {e:#}");
                Failure::new(500, "Internal server error")
            }
        }
    }
}

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
            ApiError::QuotaExceeded { message, .. } => Failure::new(400, message),
            e @ ApiError::TooLarge { .. } => Failure::new(413, e.to_string()),
            ApiError::RequestTimeout(message) => Failure::new(408, message),
            ApiError::Throttling(message) => Failure::new(429, message),
            ApiError::Internal(e) => {
                tracing::error!("pypi request failed: {e:#}");
                Failure::new(500, "Internal server error")
            }
        }
    }
}

/// The message as an HTTP/1.1 reason phrase: printable ASCII, at most 1,000 characters.
fn reason_phrase(message: &str) -> Option<hyper::ext::ReasonPhrase> {
    let safe: String = message
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '?'
            }
        })
        .take(1000)
        .collect();
    hyper::ext::ReasonPhrase::try_from(safe.into_bytes()).ok()
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let code = format!(
            "{} {}",
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or("Error")
        );
        let (content_type, body) = if self.json {
            let body = serde_json::json!({
                "message": self.message,
                "code": format!("{} {}", self.status.as_u16(), self.message),
                "title": self.status.canonical_reason().unwrap_or("Error"),
            });
            ("application/json", body.to_string())
        } else {
            (
                "text/plain; charset=utf-8",
                format!("{code}\n\n{}\n", self.message),
            )
        };
        let mut r = (self.status, body).into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        h.insert(header::VARY, HeaderValue::from_static("Accept"));
        if self.status == StatusCode::UNAUTHORIZED {
            let realm = self.realm.as_deref().unwrap_or("wharf").replace('"', "");
            if let Ok(v) = HeaderValue::from_str(&format!("Basic realm=\"{realm}\"")) {
                h.insert(header::WWW_AUTHENTICATE, v);
            }
        }
        if let Some(p) = reason_phrase(&self.message) {
            r.extensions_mut().insert(p);
        }
        r
    }
}

/// One PyPI request's repository and caller.
pub(crate) struct Ctx {
    pub(crate) state: AppState,
    pub(crate) owner: String,
    pub(crate) domain: String,
    pub(crate) repo: String,
    /// `http://HOST/pypi/DOMAIN/REPO/`.
    pub(crate) base: String,
    /// Whose permissions the request has.
    pub(crate) identity: Identity,
}

impl Ctx {
    /// The CodeArtifact coordinate of a project (any spelling; stored normalised).
    pub(crate) fn coordinate(project: &str) -> Result<PackageCoordinate, Failure> {
        let name = wharf_pypi::name::normalize(project);
        PackageCoordinate::parse("pypi", None, &name).map_err(|errors| {
            let why: Vec<String> = errors.iter().map(ToString::to_string).collect();
            Failure::new(
                400,
                format!("Invalid project name {project}: {}", why.join("; ")),
            )
        })
    }

    /// Checks that the caller may perform `operation` here (on the project when given).
    pub(crate) async fn authorise(
        &self,
        operation: &str,
        project: Option<&str>,
    ) -> Result<(), Failure> {
        let target = Target {
            owner: self.owner.clone(),
            domain: self.domain.clone(),
            repository: Some(self.repo.clone()),
            format: project.map(|_| "pypi".to_owned()),
            package: project.map(wharf_pypi::name::normalize),
            ..Target::default()
        };
        authz::check_operation(&self.state, &self.identity, operation, &target).await?;
        Ok(())
    }
}

/// What a PyPI request asks for, from its method and path relative to the repository.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PypiRequest {
    /// `POST /`: twine's upload.
    Upload,
    /// `GET simple/{project}/`: a project page (the name as sent).
    Page(String),
    /// `GET simple/{project}/{version}/{filename}` (`.metadata` included: PEP 658).
    File {
        project: String,
        version: String,
        filename: String,
    },
    /// A page asked for without its slash or by a non-normalised name: 301 to this path.
    Redirect(String),
    /// Known path, wrong method (405), or nothing here (404), with the message.
    Refused(u16, String),
}

impl PypiRequest {
    /// Classifies a request (spec §1.1): `POST` to the endpoint uploads; pages and files are
    /// read with GET or HEAD; `POST` anywhere under `simple/` is 405 (uv then says the index
    /// URL was used for uploading). The project list `simple/` is not served (spec §2.5).
    pub(crate) fn classify(method: &Method, rest: &str) -> Self {
        let read = method == Method::GET || method == Method::HEAD;
        if rest.is_empty() {
            return match *method {
                Method::POST => PypiRequest::Upload,
                _ if read => PypiRequest::Refused(
                    404,
                    "This is the upload URL; pip and uv read the index at simple/".into(),
                ),
                _ => PypiRequest::Refused(405, format!("{method} is not allowed here")),
            };
        }
        let Some(under) = rest.strip_prefix("simple/") else {
            return PypiRequest::Refused(404, format!("Not Found: {rest}"));
        };
        if !read {
            return PypiRequest::Refused(
                405,
                format!(
                    "{method} is not allowed on the index (simple/); upload to the repository URL"
                ),
            );
        }
        let parts: Vec<&str> = under.split('/').collect();
        match parts.as_slice() {
            [""] => PypiRequest::Refused(
                404,
                "This index does not list its projects; ask for simple/<project>/".into(),
            ),
            [p] => PypiRequest::Redirect(format!("simple/{}/", wharf_pypi::name::normalize(p))),
            [p, ""] if wharf_pypi::name::normalize(p) != *p => {
                PypiRequest::Redirect(format!("simple/{}/", wharf_pypi::name::normalize(p)))
            }
            [p, ""] => PypiRequest::Page((*p).to_owned()),
            [p, v, f] if !f.is_empty() => PypiRequest::File {
                project: (*p).to_owned(),
                version: (*v).to_owned(),
                filename: (*f).to_owned(),
            },
            _ => PypiRequest::Refused(404, format!("Not Found: {rest}")),
        }
    }
}

/// The token of a request: `Bearer T`, or Basic `aws:T`. `Err` for Basic with another user.
fn token_of(headers: &HeaderMap) -> Result<Option<String>, String> {
    let Some(h) = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
    else {
        return Ok(None);
    };
    let h = h.trim();
    if let Some(t) = h.strip_prefix("Bearer ") {
        return Ok(Some(t.trim().to_owned()));
    }
    let Some(basic) = h.strip_prefix("Basic ") else {
        return Ok(None);
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(basic.trim())
        .map_err(|_| "malformed Basic credentials".to_owned())?;
    let text = String::from_utf8(decoded).map_err(|_| "malformed Basic credentials".to_owned())?;
    match text.split_once(':') {
        Some(("aws", token)) => Ok(Some(token.to_owned())),
        Some((user, _)) => Err(format!(
            "user '{user}' is not accepted: log in with user 'aws' and a token as password \
             (aws codeartifact login --tool pip|twine)"
        )),
        None => Err("malformed Basic credentials".to_owned()),
    }
}

async fn handle(State(state): State<AppState>, request: Request) -> Response {
    let json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|h| h.to_str().ok())
        .is_some_and(prefers_json);
    let realm = realm_of(request.uri().path());
    match dispatch(state, request).await {
        Ok(r) => r,
        Err(mut f) => {
            f.json = json;
            f.realm = realm;
            f.into_response()
        }
    }
}

/// Whether an upload client asked for JSON errors (uv sends `application/json;q=0.9, …`).
fn prefers_json(accept: &str) -> bool {
    let first = accept.split(',').next().unwrap_or("").trim();
    first.starts_with("application/json")
}

fn realm_of(path: &str) -> Option<String> {
    let mut parts = path.strip_prefix("/pypi/")?.splitn(3, '/');
    Some(format!("{}/{}", parts.next()?, parts.next()?))
}

async fn dispatch(state: AppState, request: Request) -> Result<Response, Failure> {
    let path = request.uri().path().to_owned();
    let rest = path
        .strip_prefix("/pypi/")
        .ok_or_else(|| Failure::not_found(&path))?;
    let (domain, rest) = rest
        .split_once('/')
        .ok_or_else(|| Failure::not_found(&path))?;
    let (repo, rest) = match rest.split_once('/') {
        Some(split) => split,
        // `POST E` without the slash is served (twine aborts on redirects).
        None => (rest, ""),
    };
    let token = token_of(request.headers())
        .map_err(|why| Failure::new(401, format!("Unable to authenticate: {why}")))?
        .ok_or_else(|| {
            Failure::new(
                401,
                "Unable to authenticate: this index needs a token \
                 (aws codeartifact login --tool pip, or --tool twine)",
            )
        })?;
    let (_caller, identity): (Caller, Identity) =
        crate::auth::verify_bearer(&state, &token).await?;
    let base = crate::public_url::base(&state.config, request.headers());
    let ctx = Ctx {
        owner: state.config.account_id.clone(),
        domain: domain.to_owned(),
        repo: repo.to_owned(),
        base: format!("{base}/pypi/{domain}/{repo}/"),
        identity,
        state,
    };
    let classified = PypiRequest::classify(request.method(), rest);
    if classified != PypiRequest::Upload {
        // Reads (and refusals) need ReadFromRepository, checked before storage is touched.
        ctx.authorise("ReadFromRepository", None).await?;
    }
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    match classified {
        PypiRequest::Upload => write::upload(&ctx, request).await,
        PypiRequest::Page(project) => read::page(&ctx, &project, accept.as_deref()).await,
        PypiRequest::File {
            project,
            version,
            filename,
        } => read::file(&ctx, &project, &version, &filename).await,
        PypiRequest::Redirect(to) => {
            ctx.state
                .store
                .repository(&ctx.owner, &ctx.domain, &ctx.repo)
                .await?;
            let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
            let location = format!("{}{to}", ctx.base);
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r.headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Accept"));
            Ok(r)
        }
        PypiRequest::Refused(status, message) => Err(Failure::new(status, message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_routes() {
        let get = Method::GET;
        assert_eq!(
            PypiRequest::classify(&Method::POST, ""),
            PypiRequest::Upload
        );
        assert_eq!(
            PypiRequest::classify(&get, "simple/demo/"),
            PypiRequest::Page("demo".into())
        );
        assert_eq!(
            PypiRequest::classify(&get, "simple/My_Pkg/"),
            PypiRequest::Redirect("simple/my-pkg/".into())
        );
        assert_eq!(
            PypiRequest::classify(&get, "simple/demo"),
            PypiRequest::Redirect("simple/demo/".into())
        );
        assert!(matches!(
            PypiRequest::classify(&get, "simple/demo/1.0/demo-1.0.tar.gz"),
            PypiRequest::File { .. }
        ));
        assert_eq!(
            PypiRequest::classify(&Method::POST, "simple/demo/"),
            PypiRequest::Refused(
                405,
                "POST is not allowed on the index (simple/); upload to the repository URL".into()
            )
        );
        assert!(matches!(
            PypiRequest::classify(&get, "simple/"),
            PypiRequest::Refused(404, _)
        ));
    }

    #[test]
    fn basic_auth_needs_user_aws() {
        let mut h = HeaderMap::new();
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        h.insert(
            header::AUTHORIZATION,
            format!("Basic {}", b64("aws:tok")).parse().unwrap(),
        );
        assert_eq!(token_of(&h), Ok(Some("tok".into())));
        h.insert(
            header::AUTHORIZATION,
            format!("Basic {}", b64("bob:tok")).parse().unwrap(),
        );
        assert!(token_of(&h).unwrap_err().contains("'bob'"));
        h.insert(header::AUTHORIZATION, "Bearer tok2".parse().unwrap());
        assert_eq!(token_of(&h), Ok(Some("tok2".into())));
    }
}
