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
