//! The signed-in session in `localStorage`, so it survives a reload.

use crate::state::Session;

const ENDPOINT_KEY: &str = "wharf.endpoint";
const TOKEN_KEY: &str = "wharf.token";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The page's origin: the default endpoint, as the service serves the console itself.
pub fn default_endpoint() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The endpoint last signed in to, or the page's origin.
pub fn last_endpoint() -> String {
    storage()
        .and_then(|s| s.get_item(ENDPOINT_KEY).ok().flatten())
        .filter(|e| !e.is_empty())
        .unwrap_or_else(default_endpoint)
}

/// The stored session, if there is one.
pub fn load() -> Option<Session> {
    let s = storage()?;
    let token = s.get_item(TOKEN_KEY).ok().flatten()?;
    let endpoint = s
        .get_item(ENDPOINT_KEY)
        .ok()
        .flatten()
        .unwrap_or_else(default_endpoint);
    (!token.is_empty()).then_some(Session { endpoint, token })
}

/// Stores `session`, or forgets the token when it is `None` (the endpoint is kept).
pub fn store(session: Option<&Session>) {
    let Some(s) = storage() else { return };
    match session {
        Some(session) => {
            let _ = s.set_item(ENDPOINT_KEY, &session.endpoint);
            let _ = s.set_item(TOKEN_KEY, &session.token);
        }
        None => {
            let _ = s.remove_item(TOKEN_KEY);
        }
    }
}

/// What a bearer token says about itself: the access key that issued it and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The access key ID the token acts for.
    pub access_key_id: String,
    /// When it expires (epoch seconds).
    pub expires: i64,
}

/// Reads a Wharf bearer token's payload (`base64url(JSON).signature`) without checking it:
/// only to show who is signed in and until when. `None` for any other kind of token.
pub fn token_info(token: &str) -> Option<TokenInfo> {
    use base64::Engine;
    let payload = token.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    Some(TokenInfo {
        access_key_id: v.get("k")?.as_str()?.to_owned(),
        expires: v.get("e")?.as_i64()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_tells_its_key_and_expiry() {
        // base64url of {"k":"AKIAEXAMPLE","e":1800000000}
        let token = "eyJrIjoiQUtJQUVYQU1QTEUiLCJlIjoxODAwMDAwMDAwfQ.c2ln";
        assert_eq!(
            token_info(token),
            Some(TokenInfo {
                access_key_id: "AKIAEXAMPLE".into(),
                expires: 1_800_000_000
            })
        );
        assert_eq!(token_info("not-a-token"), None);
    }
}
