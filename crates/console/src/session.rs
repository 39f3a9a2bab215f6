//! The signed-in session. The token lives in the tab's `sessionStorage`: it survives a reload of
//! the tab, but not closing it, and other tabs and windows never see it (a bearer token is a
//! credential). Only the endpoint, which is no secret, is remembered across tabs in
//! `localStorage`, to prefill the sign-in form.

use crate::state::Session;

const ENDPOINT_KEY: &str = "wharf.endpoint";
const TOKEN_KEY: &str = "wharf.token";

/// The tab's storage, for the session and its token.
fn tab() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The origin's lasting storage, for the last endpoint only.
fn lasting() -> Option<web_sys::Storage> {
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
    [tab(), lasting()]
        .into_iter()
        .flatten()
        .find_map(|s| s.get_item(ENDPOINT_KEY).ok().flatten())
        .filter(|e| !e.is_empty())
        .unwrap_or_else(default_endpoint)
}

/// The tab's session, if there is one. A token an older console left in `localStorage` is
/// removed, never used.
pub fn load() -> Option<Session> {
    if let Some(old) = lasting() {
        let _ = old.remove_item(TOKEN_KEY);
    }
    let s = tab()?;
    let token = s.get_item(TOKEN_KEY).ok().flatten()?;
    let endpoint = s
        .get_item(ENDPOINT_KEY)
        .ok()
        .flatten()
        .unwrap_or_else(default_endpoint);
    (!token.is_empty()).then_some(Session { endpoint, token })
}

/// Stores `session` in the tab, or forgets the token when it is `None` (the endpoint is kept).
pub fn store(session: Option<&Session>) {
    let Some(s) = tab() else { return };
    match session {
        Some(session) => {
            let _ = s.set_item(ENDPOINT_KEY, &session.endpoint);
            let _ = s.set_item(TOKEN_KEY, &session.token);
            if let Some(l) = lasting() {
                let _ = l.set_item(ENDPOINT_KEY, &session.endpoint);
            }
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
