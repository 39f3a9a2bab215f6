//! Where clients reach the service: the scheme and host that GetRepositoryEndpoint and npm's
//! tarball URLs carry. By default the request's `Host` with `http`, or `https` when the service
//! itself terminates TLS (`--tls-cert`). Behind a proxy, `--public-url` fixes both, and a request
//! whose `Host` is another one is refused before anything runs (so nobody can make the service
//! hand out URLs that point elsewhere).

use crate::config::Config;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Checks a `--public-url` value: `http(s)://HOST[:PORT]`, with nothing after the authority but
/// an optional `/`. Returns it without the trailing slash.
pub fn parse(url: &str) -> Result<String, String> {
    let trimmed = url.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| format!("--public-url {url:?} must start with http:// or https://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return Err(format!(
            "--public-url {url:?} must be a scheme and a host (with an optional port), no path"
        ));
    }
    Ok(trimmed.to_owned())
}

/// The base URL (`scheme://host[:port]`, no trailing slash) of a request's answers.
pub fn base(config: &Config, headers: &HeaderMap) -> String {
    if let Some(url) = &config.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let scheme = if config.tls { "https" } else { "http" };
    format!("{scheme}://{host}")
}

fn authority(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, a)| a)
}

/// Middleware: with `--public-url`, a request whose `Host` is not its host is refused (400 in
/// CodeArtifact's format, npm's under `/npm/`). `/health` is exempt, for load balancers.
pub async fn check_host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(url) = &state.config.public_url else {
        return next.run(request).await;
    };
    if request.uri().path() == "/health" {
        return next.run(request).await;
    }
    let expected = authority(url);
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if host.eq_ignore_ascii_case(expected) {
        return next.run(request).await;
    }
    let message = format!(
        "The Host {host:?} is not this service's public address {expected:?} (--public-url)"
    );
    if request.uri().path().starts_with("/npm/") {
        crate::npm::Failure::new(400, message).into_response()
    } else {
        ApiError::validation(message).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_a_scheme_and_a_host() {
        assert_eq!(
            parse("https://pkg.example.com/").unwrap(),
            "https://pkg.example.com"
        );
        assert_eq!(
            parse("http://10.0.0.1:8443").unwrap(),
            "http://10.0.0.1:8443"
        );
        for bad in [
            "pkg.example.com",
            "ftp://x",
            "https://",
            "https://x/path",
            "https://u@x",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_base_is_the_public_url_else_the_host_with_the_scheme_served() {
        let mut config = Config::with_data_dir("unused".into());
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "wharf.test:7878".parse().unwrap());
        assert_eq!(base(&config, &headers), "http://wharf.test:7878");
        config.tls = true;
        assert_eq!(base(&config, &headers), "https://wharf.test:7878");
        config.public_url = Some("https://pkg.example.com".into());
        assert_eq!(base(&config, &headers), "https://pkg.example.com");
    }
}
