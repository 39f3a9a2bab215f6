//! Request ids: every response carries `x-amzn-RequestId`, as AWS's responses do, and the same
//! id is what logs, error reports and audit records name.
//!
//! [`assign`] is the outermost middleware. It makes a fresh id, puts it in the request's
//! extensions as a [`RequestId`] (for handlers and middleware that record it) and in a
//! task-local (for code that has no request at hand, such as turning an internal error or a
//! panic into a response: [`current`]), and sets the response header.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The id of the request being served, in the UUID form AWS uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// A fresh random id (UUID version 4 layout).
    pub fn new() -> Self {
        let bits = rand::random::<u128>();
        // Version 4 and the RFC 4122 variant, so that the id reads as a standard UUID.
        let bits = (bits & !(0xF << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
        let hex = format!("{bits:032x}");
        RequestId(format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        ))
    }
}

impl Default for RequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

tokio::task_local! {
    static CURRENT: RequestId;
}

/// The id of the request this task is serving, when it runs inside [`assign`].
pub fn current() -> Option<RequestId> {
    CURRENT.try_with(RequestId::clone).ok()
}

/// The response header that carries the id.
pub const HEADER: &str = "x-amzn-RequestId";

/// Middleware: gives the request its id and the response its `x-amzn-RequestId` header.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = RequestId::new();
    request.extensions_mut().insert(id.clone());
    let mut response = CURRENT.scope(id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_shaped_and_differ() {
        let a = RequestId::new();
        let b = RequestId::new();
        assert_ne!(a, b);
        let parts: Vec<&str> = a.0.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'), "version 4: {a}");
        assert!(
            matches!(&parts[3][..1], "8" | "9" | "a" | "b"),
            "variant: {a}"
        );
    }
}
