//! Authentication: every API request is signed with SigV4 by the root key pair or an IAM user's
//! key pair (`wharf admin key create`), or carries a bearer token that GetAuthorizationToken
//! issued. Nothing but `/health` and the console's static files is served to anonymous callers.
//! A user's key is looked up in the store on every request, so a revoked key (and every token
//! it issued) is refused from the next request on. [`authenticate`] records the [`Caller`] and
//! its [`Identity`]; `crate::authz` then checks the caller's policies.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The root key pair and the key that signs bearer tokens.
#[derive(Clone)]
pub struct Keys {
    /// Root access key id.
    pub access_key_id: String,
    /// Root secret access key.
    pub secret: String,
    token_key: [u8; 32],
}

/// Who made a request, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The access key id behind the request (directly or through a token).
    pub access_key_id: String,
    /// When the bearer token the request carried expires (epoch seconds); `None` for a request
    /// signed with SigV4. A token minted with a token ends no later than it
    /// (`handlers::tokens`), and the admin API refuses tokens altogether.
    pub token_expires: Option<i64>,
}

impl Caller {
    /// A caller that signed with SigV4 (no token), e.g. to issue a token for a key.
    pub fn signed(access_key_id: impl Into<String>) -> Self {
        Caller {
            access_key_id: access_key_id.into(),
            token_expires: None,
        }
    }
}

/// The SHA-256 (lowercase hex) of a SigV4-signed request's body, computed once when the
/// signature was checked, for handlers that need it again (PublishPackageVersion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadSha256(pub String);

/// Whom a request's access key belongs to, resolved at authentication (`crate::authz` decides
/// from it what the request may do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// The root key pair (`WHARF_ROOT_*` or the data directory's `root-credentials`): allowed
    /// everything.
    Root,
    /// An IAM user (`wharf admin user create NAME`), allowed what its policies allow.
    User(String),
}

impl Identity {
    /// The IAM principal, in the service's account.
    pub fn principal(&self, account: &str) -> wharf_policy::Principal {
        match self {
            Identity::Root => wharf_policy::Principal::root(account),
            Identity::User(name) => wharf_policy::Principal::user(account, name),
        }
    }
}

const CREDENTIALS_FILE: &str = "root-credentials";

fn invalid_token() -> ApiError {
    ApiError::Auth {
        code: "UnrecognizedClientException",
        status: 400,
        message: "The security token included in the request is invalid.".into(),
    }
}

/// The identity and secret of an access key: the root pair, or a user's key that is not revoked.
pub async fn key_owner(
    state: &AppState,
    access_key_id: &str,
) -> Result<Option<(Identity, String)>, ApiError> {
    if access_key_id == state.keys.access_key_id {
        return Ok(Some((Identity::Root, state.keys.secret.clone())));
    }
    let key = state.store.active_access_key(access_key_id).await?;
    Ok(key.map(|k| (Identity::User(k.user), k.secret)))
}

/// Checks a bearer token issued for any key (root or user) and that its key is still active.
pub async fn verify_bearer(state: &AppState, token: &str) -> Result<(Caller, Identity), ApiError> {
    let caller = state.keys.verify_any_token(token, epoch_now())?;
    let (identity, _) = key_owner(state, &caller.access_key_id)
        .await?
        .ok_or_else(invalid_token)?;
    noted(state, &caller, &identity);
    Ok((caller, identity))
}

/// Tells the request's log line who called ([`crate::observe::note_principal`]).
fn noted(state: &AppState, caller: &Caller, identity: &Identity) {
    crate::audit::note_caller(caller, identity);
    crate::observe::note_principal(
        identity.principal(&state.config.account_id).arn,
        &caller.access_key_id,
    );
}

/// A new key pair in AWS's shapes: `AKIA` + 16 base32 characters, and a 40-character secret.
pub fn generate_key_pair() -> (String, String) {
    let id = format!(
        "AKIA{}",
        random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    let secret = random_string(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        40,
    );
    (id, secret)
}

fn random_string(alphabet: &[u8], n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

impl Keys {
    /// Keys from the given pair.
    pub fn new(access_key_id: String, secret: String) -> Self {
        let token_key: [u8; 32] = Sha256::digest(format!("wharf-token-key\0{secret}")).into();
        Keys {
            access_key_id,
            secret,
            token_key,
        }
    }

    /// The root key pair named by `WHARF_ROOT_ACCESS_KEY_ID` and `WHARF_ROOT_SECRET_ACCESS_KEY`,
    /// when both are set and not empty.
    pub fn pair_from_env() -> Option<(String, String)> {
        match (
            std::env::var("WHARF_ROOT_ACCESS_KEY_ID"),
            std::env::var("WHARF_ROOT_SECRET_ACCESS_KEY"),
        ) {
            (Ok(id), Ok(secret)) if !id.is_empty() && !secret.is_empty() => Some((id, secret)),
            _ => None,
        }
    }

    /// The sealer of users' secret access keys at rest: its key is derived from the root
    /// secret ([`crate::secrets`]), so every process with the same root key pair shares it.
    pub fn sealer(&self) -> crate::secrets::Sealer {
        crate::secrets::Sealer::derive(&self.secret)
    }

    /// The root keys from the environment when given, else from the data directory's
    /// `root-credentials`, else `None` (`wharf admin` never generates them).
    pub fn load(
        data_dir: &Path,
        from_env: Option<(String, String)>,
    ) -> anyhow::Result<Option<Self>> {
        if let Some((id, secret)) = from_env {
            return Ok(Some(Keys::new(id, secret)));
        }
        let path = data_dir.join(CREDENTIALS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        };
        let v: serde_json::Value = serde_json::from_str(&text)?;
        let get = |k: &str| {
            v[k].as_str()
                .map(str::to_owned)
                .ok_or_else(|| anyhow::anyhow!("{} lacks {k}", path.display()))
        };
        Ok(Some(Keys::new(
            get("accessKeyId")?,
            get("secretAccessKey")?,
        )))
    }

    /// The root keys: from the environment when given, else from the data directory, else
    /// generated and stored there (mode 0600). Returns whether they were just generated.
    pub fn load_or_generate(
        data_dir: &Path,
        from_env: Option<(String, String)>,
    ) -> anyhow::Result<(Self, bool)> {
        if let Some(keys) = Keys::load(data_dir, from_env)? {
            return Ok((keys, false));
        }
        let path = data_dir.join(CREDENTIALS_FILE);
        let (id, secret) = generate_key_pair();
        let text = serde_json::json!({"accessKeyId": id, "secretAccessKey": secret}).to_string();
        write_private(&path, &text)?;
        Ok((Keys::new(id, secret), true))
    }

    /// Issues a bearer token for `caller` that expires at `expires` (epoch seconds).
    pub fn issue_token(&self, caller: &Caller, expires: i64) -> String {
        let payload = URL_SAFE_NO_PAD
            .encode(serde_json::json!({"k": caller.access_key_id, "e": expires}).to_string());
        format!("{payload}.{}", URL_SAFE_NO_PAD.encode(self.mac(&payload)))
    }

    /// Checks a bearer token's signature and expiry, and that the root key issued it (tokens of
    /// users' keys need the store: see [`verify_bearer`]).
    pub fn verify_token(&self, token: &str, now: i64) -> Result<Caller, ApiError> {
        let caller = self.verify_any_token(token, now)?;
        if caller.access_key_id != self.access_key_id {
            return Err(invalid_token());
        }
        Ok(caller)
    }

    /// Checks a bearer token's signature and expiry, whichever key it was issued for; whether
    /// that key is still active is for the caller to check ([`verify_bearer`] does).
    pub fn verify_any_token(&self, token: &str, now: i64) -> Result<Caller, ApiError> {
        let refused = |m: &str| ApiError::Auth {
            code: "UnrecognizedClientException",
            status: 400,
            message: m.to_owned(),
        };
        let (payload, sig) = token
            .split_once('.')
            .ok_or_else(|| refused("The security token included in the request is invalid."))?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| refused("The security token included in the request is invalid."))?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.token_key).expect("any key length");
        mac.update(payload.as_bytes());
        mac.verify_slice(&sig)
            .map_err(|_| refused("The security token included in the request is invalid."))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| refused("The security token included in the request is invalid."))?;
        let v: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| refused("The security token included in the request is invalid."))?;
        let (Some(key), Some(expires)) = (v["k"].as_str(), v["e"].as_i64()) else {
            return Err(refused(
                "The security token included in the request is invalid.",
            ));
        };
        if expires <= now {
            return Err(ApiError::Auth {
                code: "ExpiredTokenException",
                status: 403,
                message: "The security token included in the request is expired".into(),
            });
        }
        Ok(Caller {
            access_key_id: key.to_owned(),
            token_expires: Some(expires),
        })
    }

    fn mac(&self, payload: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.token_key).expect("any key length");
        mac.update(payload.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())?;
    Ok(())
}

/// Seconds since the epoch.
pub fn epoch_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Middleware: authenticates the request (buffering its body to hash it) and records the
/// [`Caller`] for handlers, or answers with the error botocore expects.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match check(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

async fn check(state: &AppState, request: Request) -> Result<Request, ApiError> {
    let (mut parts, body) = request.into_parts();
    let header = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match header.as_deref() {
        Some(h) if h.starts_with("Bearer ") => {
            let (caller, identity) = verify_bearer(state, h["Bearer ".len()..].trim()).await?;
            parts.extensions.insert(caller);
            parts.extensions.insert(identity);
            Ok(Request::from_parts(parts, body))
        }
        None => Err(ApiError::Auth {
            code: "MissingAuthenticationTokenException",
            status: 403,
            message: "Missing Authentication Token".into(),
        }),
        Some(_) => {
            let bytes = crate::extract::read_body(body, &state.config).await?;
            let headers: Vec<(String, String)> = parts
                .headers
                .iter()
                .filter_map(|(k, v)| {
                    v.to_str()
                        .ok()
                        .map(|v| (k.as_str().to_owned(), v.to_owned()))
                })
                .collect();
            let header_refs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let host = parts
                .headers
                .get(http::header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let mut with_host = header_refs.clone();
            if !header_refs
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("host"))
                && !host.is_empty()
            {
                with_host.push(("host", host));
            }
            let hashed = bytes.clone();
            let payload =
                crate::cpu::run(bytes.len(), move || wharf_sigv4::sha256_hex(&hashed)).await;
            let rp = wharf_sigv4::RequestParts {
                method: parts.method.as_str(),
                path: parts.uri.path(),
                query: parts.uri.query().unwrap_or(""),
                headers: &with_host,
                payload_sha256: &payload,
            };
            // The lookup is async (user keys live in the store), the verifier's is not: find the
            // key named by the header first.
            let owner = match wharf_sigv4::parse_authorization(header.as_deref().unwrap_or("")) {
                Ok(parsed) => key_owner(state, &parsed.access_key_id)
                    .await?
                    .map(|(identity, secret)| (parsed.access_key_id, identity, secret)),
                Err(_) => None,
            };
            let verified = wharf_sigv4::verify(&rp, epoch_now(), |id| {
                owner
                    .as_ref()
                    .filter(|(key, _, _)| key == id)
                    .map(|(_, _, secret)| secret.clone())
            })
            .map_err(|e| match e {
                wharf_sigv4::SigV4Error::PayloadHashMismatch { .. } => {
                    ApiError::validation(e.to_string())
                }
                other => ApiError::Auth {
                    code: other.aws_error_code(),
                    status: other.http_status(),
                    message: other.to_string(),
                },
            })?;
            if verified.region != state.config.region {
                return Err(ApiError::Auth {
                    code: "InvalidSignatureException",
                    status: 403,
                    message: format!(
                        "Credential should be scoped to a valid region, not '{}'. This service runs in '{}'.",
                        verified.region, state.config.region
                    ),
                });
            }
            let identity = owner
                .filter(|(key, _, _)| *key == verified.access_key_id)
                .map(|(_, identity, _)| identity)
                .ok_or_else(invalid_token)?;
            let caller = Caller::signed(verified.access_key_id);
            noted(state, &caller, &identity);
            parts.extensions.insert(caller);
            parts.extensions.insert(identity);
            parts.extensions.insert(PayloadSha256(payload));
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
    }
}
