//! The audit trail (spec events-audit §2): one CloudTrail-shaped record per request that
//! changes something, is refused (AccessDenied, bad signature: always), or reads (only with
//! `--audit all` / `--audit-reads`). `--audit off` turns the trail off: the middleware then
//! passes every request through, and with no [`Scope`] nothing else records either.
//!
//! [`record`] is a middleware just inside `request_id::assign`. It builds the record's request
//! half (operation, principal, source IP, user agent, redacted parameters), and runs the request
//! inside a task-local [`Scope`]. Authentication and authorization fill in the caller
//! ([`note_caller`]) and, for package-manager requests, the IAM action checked
//! ([`note_operation`]). When the request commits a write, `WriteTx::commit` calls
//! [`on_commit`], which writes the record with the versions written **in that transaction**, so
//! a record claiming success exists exactly when the change does. A request that committed
//! nothing (a refusal, a failed write, a read) is recorded after its response, on its own; a
//! refusal writes nothing else.
//!
//! Secrets never reach a record: members whose names speak of tokens, secrets, passwords,
//! signatures, credentials, cookies or authorization are replaced by
//! `HIDDEN_DUE_TO_SECURITY_REASONS`; headers are never recorded; package-manager requests are
//! recorded without their query string and body; other bodies only when they are JSON, and then
//! from the value the route parsed ([`note_body`], called by `extract::AwsJson`): the body is
//! read once, by the operation, and the record shows what the operation was given.

use crate::auth::{Caller, Identity};
use crate::authz::Target;
use crate::state::AppState;
use crate::store::audit::AuditRow;
use crate::store::{StoreResult, now};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http_body::Body as _;
use serde_json::{Map, Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// What replaces a secret in a record (CloudTrail's marker).
pub const HIDDEN: &str = "HIDDEN_DUE_TO_SECURITY_REASONS";

/// What `wharf serve --audit` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AuditMode {
    /// Nothing: no audit trail at all.
    Off,
    /// Every request that changes something, and every refusal (the default).
    #[default]
    Writes,
    /// Reads too.
    All,
}

/// The audit settings of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditSettings {
    /// Keep an audit trail at all (`--audit off` turns it off: nothing is recorded, not even
    /// refusals; for measuring its cost, or where requests are audited in front of Wharf).
    pub enabled: bool,
    /// Record reads too (`--audit all` or `--audit-reads`); writes and refusals are always
    /// recorded while the trail is on.
    pub reads: bool,
    /// Days records are kept (`--audit-retention-days`).
    pub retention_days: u32,
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            enabled: true,
            reads: false,
            retention_days: 365,
        }
    }
}

/// The record of the request being served, as far as it is known.
#[derive(Debug)]
pub struct Scope {
    pending: Mutex<Pending>,
}

#[derive(Debug)]
struct Pending {
    row: AuditRow,
    /// The request's parameters so far (the query string, then the parsed body), unredacted:
    /// `row.request_parameters` holds their redacted text.
    params: Map<String, Value>,
    account: String,
    written: Vec<Value>,
    committed: bool,
    operation_known: bool,
}

tokio::task_local! {
    static SCOPE: Arc<Scope>;
}

fn with_pending(f: impl FnOnce(&mut Pending)) {
    let _ = SCOPE.try_with(|s| {
        if let Ok(mut p) = s.pending.lock() {
            f(&mut p);
        }
    });
}

/// Notes who is calling (from authentication).
pub fn note_caller(caller: &Caller, identity: &Identity) {
    with_pending(|p| {
        p.row.principal_arn = identity.principal(&p.account).arn;
        p.row.access_key_id = caller.access_key_id.clone();
    });
}

/// Notes an operation being authorized and what it names: for package-manager requests the
/// IAM action is the record's `eventName`; the first target fills the record's domain,
/// repository and package.
pub fn note_operation(operation: &str, target: &Target) {
    with_pending(|p| {
        if !p.operation_known {
            p.operation_known = true;
            p.row.event_name = operation.to_owned();
            p.row.read_only = is_read(operation, "");
        }
        if p.row.domain.is_empty() {
            p.row.domain = target.domain.clone();
        }
        if p.row.repository.is_empty() {
            p.row.repository = target
                .destination_repository
                .clone()
                .or_else(|| target.repository.clone())
                .unwrap_or_default();
        }
        if p.row.package.is_empty()
            && let Some(name) = &target.package
        {
            p.row.package = match &target.namespace {
                Some(ns) if !ns.is_empty() => format!("{ns}/{name}"),
                _ => name.clone(),
            };
        }
    });
}

/// Called by `WriteTx::commit` before it commits: writes the request's record, with everything
/// it has written so far (`written`, from the outbox), on the same transaction. Outside a
/// request (e.g. `wharf admin --data-dir`) it does nothing.
pub(crate) async fn on_commit(
    conn: &mut sqlx::AnyConnection,
    written: &[Value],
) -> StoreResult<()> {
    let mut row = None;
    with_pending(|p| {
        p.committed = true;
        p.written.extend(written.iter().cloned());
        p.row.event_time = now();
        p.row.response_elements = Some(json!({ "versionsWritten": p.written }).to_string());
        row = Some(p.row.clone());
    });
    match row {
        Some(row) => crate::store::audit::upsert_in(conn, &row).await,
        None => Ok(()),
    }
}

/// Whether an operation only reads.
pub fn is_read(operation: &str, method: &str) -> bool {
    (["List", "Describe", "Get"]
        .iter()
        .any(|p| operation.starts_with(p))
        && operation != "GetAuthorizationToken")
        || operation == "ReadFromRepository"
        || matches!(method, "GET" | "HEAD")
}

/// The service and operation a request calls, or `None` for what is not recorded (`/health`,
/// the console's files). The operation is `None` for package-manager requests, which learn it
/// from authorization.
fn classify(method: &str, path: &str) -> Option<(&'static str, Option<String>)> {
    const CA: &str = "codeartifact.amazonaws.com";
    if path.starts_with("/v1/") {
        let op = crate::authz::operation_of(method, path).unwrap_or("UnknownOperation");
        return Some((CA, Some(op.to_owned())));
    }
    if package_manager(path).is_some() {
        return Some((CA, None));
    }
    if path.starts_with(crate::admin::wire::ADMIN_PREFIX) {
        let op = crate::admin::wire::operation_name(method, path).unwrap_or("UnknownOperation");
        return Some(("wharf", Some(op.to_owned())));
    }
    if let Some(rest) = path.strip_prefix(crate::handlers::promotions::PROMOTIONS_PATH) {
        let op = match (method, rest) {
            ("POST", "" | "/") => "Promote",
            ("GET", "" | "/") => "ListPromotions",
            ("POST", r) if r.ends_with("/revert") => "RevertPromotion",
            ("GET", _) => "DescribePromotion",
            _ => "UnknownOperation",
        };
        return Some(("wharf", Some(op.to_owned())));
    }
    if path.starts_with("/wharf/") {
        let op =
            crate::handlers::activity::operation_of(method, path).unwrap_or("UnknownOperation");
        return Some(("wharf", Some(op.to_owned())));
    }
    None
}

/// The package-manager endpoints (`/FORMAT/DOMAIN/REPO/…`): their requests are recorded without
/// query string or body, and named by the IAM action their authorization checks.
pub const PACKAGE_MANAGER_PREFIXES: &[&str] = &["npm", "pypi", "maven", "nuget"];

/// The format and the rest of the path (`DOMAIN/REPO/…`) of a package-manager request.
fn package_manager(path: &str) -> Option<(&'static str, &str)> {
    PACKAGE_MANAGER_PREFIXES.iter().find_map(|f| {
        path.strip_prefix('/')
            .and_then(|p| p.strip_prefix(f))
            .and_then(|p| p.strip_prefix('/'))
            .map(|rest| (*f, rest))
    })
}

/// What a member's name contains, in any case, when its value is a secret.
const SECRET_WORDS: [&str; 7] = [
    "token",
    "secret",
    "password",
    "authorization",
    "signature",
    "credential",
    "cookie",
];

/// Whether a member named `key` holds a secret (`nextToken`, a page token, does not).
fn secret_member(key: &str) -> bool {
    let key = key.as_bytes();
    !key.eq_ignore_ascii_case(b"nexttoken")
        && SECRET_WORDS.iter().any(|word| {
            key.windows(word.len())
                .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
        })
}

/// Whether anything in `value` would be hidden by [`redact`].
fn holds_secret(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| secret_member(k) || holds_secret(v)),
        Value::Array(items) => items.iter().any(holds_secret),
        _ => false,
    }
}

/// Replaces secret-looking members (recursively) by [`HIDDEN`].
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if secret_member(k) {
                    *v = Value::String(HIDDEN.into());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// The largest JSON body whose members are recorded.
pub const MAX_RECORDED_BODY: u64 = 64 * 1024;

/// The parameters' text as recorded: secrets replaced by [`HIDDEN`].
fn redacted(params: &Map<String, Value>) -> String {
    // Most requests carry no secret: write them as they are, without a copy.
    if !params
        .iter()
        .any(|(k, v)| secret_member(k) || holds_secret(v))
    {
        return serde_json::to_string(params).unwrap_or_default();
    }
    let mut value = Value::Object(params.clone());
    redact(&mut value);
    value.to_string()
}

/// Fills the record's domain, repository and package from the parameters, where still empty.
fn name_target(row: &mut AuditRow, params: &Map<String, Value>) {
    let text = |k: &str| {
        params
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    if row.domain.is_empty() {
        row.domain = text("domain");
    }
    if row.repository.is_empty() {
        row.repository = [
            "destination-repository",
            "destinationRepository",
            "repository",
        ]
        .iter()
        .map(|k| text(k))
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    }
    if row.package.is_empty() {
        row.package = match (text("namespace"), text("package")) {
            (_, p) if p.is_empty() => String::new(),
            (ns, p) if ns.is_empty() => p,
            (ns, p) => format!("{ns}/{p}"),
        };
    }
}

/// Notes the request's JSON body, as the route parsed it (`len` bytes): its members join the
/// record's parameters (redacted like the rest), so the record shows the value the operation
/// was given rather than a second reading of the body. Bodies over [`MAX_RECORDED_BODY`] are
/// recorded by their length only; a body that is not an object adds nothing.
pub fn note_body(body: &Value, len: usize) {
    with_pending(|p| {
        if len as u64 > MAX_RECORDED_BODY {
            p.params.insert("contentLength".into(), len.into());
        } else if let Value::Object(members) = body {
            p.params
                .extend(members.iter().map(|(k, v)| (k.clone(), v.clone())));
        } else {
            return;
        }
        let params = std::mem::take(&mut p.params);
        name_target(&mut p.row, &params);
        p.row.request_parameters = redacted(&params);
        p.params = params;
    });
}

fn truncate(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

/// The access key id a SigV4 `Authorization` header claims (for records of refused signatures).
fn claimed_key(header: &str) -> String {
    header
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split('/').next())
        .map(|k| truncate(k, 128))
        .unwrap_or_default()
}

/// `@scope/name` or `name` of an npm request path after `/npm/DOMAIN/REPO/`, as
/// `scope/name`.
fn npm_package(rest: &str) -> String {
    let rest = rest.strip_prefix("-/package/").unwrap_or(rest);
    if rest.starts_with("-/") {
        return String::new();
    }
    let decoded: String =
        form_urlencoded::parse(format!("p={}", rest.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
    let mut parts = decoded.split('/');
    match parts.next() {
        Some(scope) if scope.starts_with('@') => {
            format!("{}/{}", &scope[1..], parts.next().unwrap_or(""))
        }
        Some(name) => name.to_owned(),
        None => String::new(),
    }
}

/// Middleware: records the request (see the module documentation).
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    if !state.config.audit.enabled {
        return next.run(request).await;
    }
    let Some((source, operation)) = classify(&method, &path) else {
        return next.run(request).await;
    };
    if method == "OPTIONS" {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let mut params = Map::new();
    let mut row = AuditRow {
        event_id: crate::request_id::RequestId::new().0,
        event_source: source.to_owned(),
        request_id: parts
            .extensions
            .get::<crate::request_id::RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default(),
        access_key_id: claimed_key(&header("authorization")),
        source_ip: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_default(),
        user_agent: truncate(&header("user-agent"), 1024),
        ..AuditRow::default()
    };
    if let Some((format, rest)) = package_manager(&path) {
        let mut it = rest.splitn(3, '/');
        let (domain, repo, rest) = (
            it.next().unwrap_or(""),
            it.next().unwrap_or(""),
            it.next().unwrap_or(""),
        );
        row.domain = domain.to_owned();
        row.repository = repo.to_owned();
        // Other formats' package names come from authorization (`note_operation`).
        row.package = if format == "npm" {
            npm_package(rest)
        } else {
            String::new()
        };
        params.insert("domainName".into(), domain.into());
        params.insert("repositoryName".into(), repo.into());
        params.insert("packageFormat".into(), format.into());
        if !row.package.is_empty() {
            params.insert("packageName".into(), row.package.clone().into());
        }
        params.insert("httpMethod".into(), method.clone().into());
        params.insert("requestUri".into(), path.clone().into());
    } else {
        for (k, v) in form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()) {
            params.insert(k.into_owned(), Value::String(v.into_owned()));
        }
        // A JSON body's members join the parameters when the route parses it, from that one
        // parsed value (`note_body`, called by `extract::AwsJson` and the admin API); other
        // bodies, and JSON too large to record, only by their length.
        let json_body = header("content-type").contains("json");
        if let Some(n) = body.size_hint().exact().filter(|n| *n > 0)
            && (!json_body || n > MAX_RECORDED_BODY)
        {
            params.insert("contentLength".into(), n.into());
        }
        name_target(&mut row, &params);
    }
    row.request_parameters = redacted(&params);
    row.event_name = operation.clone().unwrap_or_else(|| {
        if matches!(method.as_str(), "GET" | "HEAD") {
            "ReadFromRepository".into()
        } else {
            "PublishPackageVersion".into()
        }
    });
    row.read_only = is_read(
        &row.event_name,
        if operation.is_some() { "" } else { &method },
    );
    let scope = Arc::new(Scope {
        pending: Mutex::new(Pending {
            row,
            params,
            account: state.config.account_id.clone(),
            written: Vec::new(),
            committed: false,
            operation_known: operation.is_some(),
        }),
    });
    let request = Request::from_parts(parts, body);
    let response = SCOPE.scope(scope.clone(), next.run(request)).await;
    finish(&state, &scope, response).await
}

/// Records the request after its response when it committed nothing (or failed after
/// committing), and returns the response unchanged.
async fn finish(state: &AppState, scope: &Scope, response: Response) -> Response {
    let status = response.status();
    let denied = matches!(status.as_u16(), 401 | 403);
    let failed = status.is_client_error() || status.is_server_error();
    // The request is over: its record is taken, not copied, and only when it is wanted.
    let row = match scope.pending.lock() {
        Ok(mut p) => {
            let wanted = if p.committed {
                failed
            } else {
                denied || !p.row.read_only || state.config.audit.reads
            };
            wanted.then(|| std::mem::take(&mut p.row))
        }
        Err(_) => None,
    };
    let Some(mut row) = row else {
        return response;
    };
    let (response, code, message) = error_of(response).await;
    row.event_time = now();
    if failed {
        row.error_code = Some(code.unwrap_or_else(|| format!("HTTP{}", status.as_u16())));
        row.error_message = message.map(|m| truncate(&m, 1024));
    }
    // A refusal is on record before the caller hears of it; other requests that changed
    // nothing are recorded within milliseconds after (`store/audit_group.rs`).
    let written = if denied {
        state.store.record_audit(&row).await
    } else {
        state.store.queue_audit(row).await
    };
    if let Err(e) = written {
        tracing::error!(error = %e, "could not write an audit record");
    }
    response
}

/// The error code and message of an error response (reading its body when it is small).
async fn error_of(response: Response) -> (Response, Option<String>, Option<String>) {
    if response.status().is_success() {
        return (response, None, None);
    }
    let code = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(':').next().unwrap_or(v).to_owned());
    let (parts, body) = response.into_parts();
    let small = body.size_hint().exact().is_some_and(|n| n <= 16 * 1024);
    if !small {
        return (Response::from_parts(parts, body), code, None);
    }
    let bytes = axum::body::to_bytes(body, 16 * 1024)
        .await
        .unwrap_or_default();
    let message = serde_json::from_slice::<Value>(&bytes).ok().and_then(|v| {
        v.get("message")
            .or_else(|| v.get("Message"))
            .or_else(|| v.get("error"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let code = code.or_else(|| match parts.status.as_u16() {
        401 => Some("UnauthorizedException".to_owned()),
        403 => Some("AccessDeniedException".to_owned()),
        404 => Some("ResourceNotFoundException".to_owned()),
        409 => Some("ConflictException".to_owned()),
        _ => None,
    });
    (
        Response::from_parts(parts, Body::from(bytes)),
        code,
        message,
    )
}

/// The wire form of a stored record.
pub fn to_api(row: AuditRow, region: &str, account: &str) -> wharf_core::api::AuditEvent {
    let kind = if row.principal_arn.is_empty() {
        "Unknown"
    } else if row.principal_arn.ends_with(":root") {
        "Root"
    } else {
        "IAMUser"
    };
    let parse = |s: &str| serde_json::from_str(s).unwrap_or(Value::Null);
    wharf_core::api::AuditEvent {
        event_version: "1.08".into(),
        event_id: row.event_id,
        event_time: crate::store::events::iso_time(row.event_time),
        event_time_epoch: row.event_time,
        event_source: row.event_source,
        event_name: row.event_name,
        aws_region: region.to_owned(),
        source_ip_address: row.source_ip,
        user_agent: row.user_agent,
        user_identity: wharf_core::api::UserIdentity {
            kind: kind.into(),
            arn: row.principal_arn,
            account_id: account.to_owned(),
            access_key_id: row.access_key_id,
        },
        request_parameters: parse(&row.request_parameters),
        response_elements: row.response_elements.as_deref().map(parse),
        request_id: row.request_id,
        event_type: "AwsApiCall".into(),
        read_only: row.read_only,
        error_code: row.error_code,
        error_message: row.error_message,
    }
}

/// Prunes records past the retention now and then every hour, in batches of 500 (each its own
/// short transaction), for as long as the service runs.
pub fn spawn_retention(state: AppState) {
    tokio::spawn(async move {
        loop {
            let days = f64::from(state.config.audit.retention_days);
            let before = now() - days * 86_400.0;
            let mut total = 0;
            loop {
                match state.store.prune_audit(before, 500).await {
                    Ok(n) => {
                        total += n;
                        if n < 500 {
                            break;
                        }
                        tokio::task::yield_now().await;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "pruning the audit trail failed");
                        break;
                    }
                }
            }
            if total > 0 {
                tracing::info!(records = total, "pruned audit records past the retention");
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden_at_any_depth() {
        let mut v = json!({"authorizationToken": "t", "nested": [{"SecretAccessKey": "s"}],
                           "X-Amz-Signature": "x", "nextToken": "n", "domain": "d"});
        redact(&mut v);
        assert_eq!(v["authorizationToken"], HIDDEN);
        assert_eq!(v["nested"][0]["SecretAccessKey"], HIDDEN);
        assert_eq!(v["X-Amz-Signature"], HIDDEN);
        assert_eq!(v["nextToken"], "n");
        assert_eq!(v["domain"], "d");
    }

    #[test]
    fn parameters_without_secrets_are_written_as_they_are() {
        let mut params = Map::new();
        params.insert("domain".into(), "d".into());
        params.insert("nextToken".into(), "n".into());
        assert_eq!(redacted(&params), r#"{"domain":"d","nextToken":"n"}"#);
        params.insert("nested".into(), json!([{"Password": "p"}]));
        assert_eq!(
            redacted(&params),
            format!(r#"{{"domain":"d","nested":[{{"Password":"{HIDDEN}"}}],"nextToken":"n"}}"#)
        );
    }

    #[test]
    fn package_manager_paths_are_recognised_by_prefix() {
        assert_eq!(package_manager("/npm/d/r/x"), Some(("npm", "d/r/x")));
        assert_eq!(
            package_manager("/pypi/d/r/simple/x/"),
            Some(("pypi", "d/r/simple/x/"))
        );
        assert_eq!(package_manager("/npmx/d"), None);
        assert_eq!(package_manager("/v1/domain"), None);
    }

    #[test]
    fn npm_paths_name_their_package() {
        assert_eq!(npm_package("@types%2fnode"), "types/node");
        assert_eq!(npm_package("@types/node/-/node-1.0.0.tgz"), "types/node");
        assert_eq!(npm_package("lodash"), "lodash");
        assert_eq!(npm_package("-/package/left-pad/dist-tags"), "left-pad");
        assert_eq!(npm_package("-/whoami"), "");
    }

    #[test]
    fn claimed_keys_come_from_the_credential() {
        let h = "AWS4-HMAC-SHA256 Credential=AKIAX/20240101/us-east-1/codeartifact/aws4_request, SignedHeaders=host, Signature=abc";
        assert_eq!(claimed_key(h), "AKIAX");
        assert_eq!(claimed_key("Bearer x"), "");
    }
}
