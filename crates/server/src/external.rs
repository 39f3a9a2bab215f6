//! External connections at run time: the one HTTP client (reqwest, rustls) that reaches the
//! registries behind them, and the cache of package metadata fetched through them.
//!
//! Every fetch is bounded: a connect timeout and an overall timeout, a body size limit (read
//! chunk by chunk, refused past the limit whatever `Content-Length` says), and redirects only
//! to the same host (at most 5). A failure is an [`ExternalError`] naming the connection.
//! Metadata (an npm packument, a PyPI project page) is cached per connection and package for
//! `--external-metadata-ttl`; when a refresh fails, the stale entry is served.

use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The most bytes a packument may have (the largest public ones are tens of megabytes).
pub const MAX_METADATA_BYTES: usize = 64 << 20;

/// How long connecting to an external registry may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a metadata fetch may take in all: past it the registry counts as down.
pub const METADATA_TIMEOUT: Duration = Duration::from_secs(15);

/// How long a tarball fetch may take in all.
pub const TARBALL_TIMEOUT: Duration = Duration::from_secs(120);

/// The most entries the metadata cache holds; past it, the oldest is dropped.
const MAX_CACHED: usize = 10_000;

/// Why a fetch through an external connection failed.
#[derive(Debug, thiserror::Error)]
pub enum ExternalError {
    /// The registry could not be reached, timed out, or answered an error status.
    #[error("the external connection {connection} is unavailable: {reason}")]
    Unavailable {
        /// The connection's name.
        connection: String,
        /// What happened.
        reason: String,
    },
    /// The registry answered something that is not what was asked for (too large, not
    /// parseable, failing its integrity).
    #[error("the external connection {connection} answered a malformed response: {reason}")]
    Malformed {
        /// The connection's name.
        connection: String,
        /// What was wrong.
        reason: String,
    },
}

/// A cached answer: the parsed metadata (`None`: the registry does not have the package).
struct Entry<T> {
    fetched: Instant,
    value: Option<Arc<T>>,
}

/// The client and the metadata cache, shared by every request ([`crate::state::AppState`]).
pub struct ExternalRegistries {
    client: reqwest::Client,
    npm: Cache<wharf_npm::upstream::UpstreamPackument>,
    pypi: Cache<wharf_pypi::upstream::UpstreamProject>,
}

/// Parsed metadata by URL.
type Cache<T> = Mutex<HashMap<String, Entry<T>>>;

impl Default for ExternalRegistries {
    fn default() -> Self {
        Self::new()
    }
}

impl ExternalRegistries {
    /// A client that follows redirects only within one host.
    pub fn new() -> Self {
        let policy = reqwest::redirect::Policy::custom(|attempt| {
            let first_host = attempt
                .previous()
                .first()
                .and_then(|u| u.host_str().map(str::to_owned));
            if attempt.previous().len() > 5 {
                attempt.error("too many redirects")
            } else if attempt.url().host_str().map(str::to_owned) != first_host {
                attempt.error("a redirect to another host is not followed")
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .redirect(policy)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("wharf/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client's settings are valid");
        ExternalRegistries {
            client,
            npm: Mutex::new(HashMap::new()),
            pypi: Mutex::new(HashMap::new()),
        }
    }

    /// GETs `url` through `connection`: `Ok(None)` on 404, the body (at most `limit` bytes)
    /// on success, an error otherwise.
    pub async fn get(
        &self,
        connection: &str,
        url: &str,
        accept: &str,
        limit: usize,
        timeout: Duration,
    ) -> Result<Option<Bytes>, ExternalError> {
        let unavailable = |reason: String| ExternalError::Unavailable {
            connection: connection.to_owned(),
            reason,
        };
        let malformed = |reason: String| ExternalError::Malformed {
            connection: connection.to_owned(),
            reason,
        };
        let fetch = async {
            let mut resp = self
                .client
                .get(url)
                .header(reqwest::header::ACCEPT, accept)
                .send()
                .await
                .map_err(|e| unavailable(format!("{url}: {}", error_chain(&e))))?;
            if resp.status() == reqwest::StatusCode::NOT_FOUND {
                return Ok(None);
            }
            if !resp.status().is_success() {
                return Err(unavailable(format!("{url} answered {}", resp.status())));
            }
            if resp.content_length().is_some_and(|n| n > limit as u64) {
                return Err(malformed(format!("{url} is larger than {limit} bytes")));
            }
            let mut body = Vec::new();
            while let Some(chunk) = resp
                .chunk()
                .await
                .map_err(|e| unavailable(format!("{url}: {}", error_chain(&e))))?
            {
                if body.len() + chunk.len() > limit {
                    return Err(malformed(format!("{url} is larger than {limit} bytes")));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Some(Bytes::from(body)))
        };
        tokio::time::timeout(timeout, fetch)
            .await
            .map_err(|_| unavailable(format!("{url} took longer than {timeout:?}")))?
    }

    /// The npm metadata of `package` through `connection` at `base`: fresh from the cache
    /// (younger than `ttl`), else fetched; when the fetch fails, the stale cache entry if any
    /// (logged), else the error. `Ok(None)`: the registry does not have the package.
    pub async fn npm_packument(
        &self,
        connection: &str,
        base: &str,
        name: &wharf_npm::NpmName,
        ttl: Duration,
    ) -> Result<Option<Arc<wharf_npm::upstream::UpstreamPackument>>, ExternalError> {
        let url = format!("{base}{}", name.escaped());
        let fetch = Fetch {
            connection,
            url: &url,
            accept: "application/json",
            ttl,
        };
        self.cached(&self.npm, fetch, |b| {
            wharf_npm::upstream::parse_upstream_packument(name, b)
        })
        .await
    }

    /// A PyPI project's page through `connection` at `base` (`{base}simple/{project}/`, JSON
    /// preferred, HTML understood), cached as [`Self::npm_packument`] caches packuments.
    /// `Ok(None)`: the index does not have the project. Also returns the page's URL, against
    /// which the files' relative URLs resolve.
    pub async fn pypi_project(
        &self,
        connection: &str,
        base: &str,
        project: &str,
        ttl: Duration,
    ) -> Result<Option<(String, Arc<wharf_pypi::upstream::UpstreamProject>)>, ExternalError> {
        let project = wharf_pypi::name::normalize(project);
        let url = format!("{base}simple/{project}/");
        let fetch = Fetch {
            connection,
            url: &url,
            accept: wharf_pypi::upstream::ACCEPT,
            ttl,
        };
        let page = self
            .cached(&self.pypi, fetch, |b| {
                wharf_pypi::upstream::parse_project(&project, b)
            })
            .await?;
        Ok(page.map(|p| (url, p)))
    }

    /// The metadata at `fetch.url`, parsed by `parse`, from `cache` while fresh (see
    /// [`Self::npm_packument`]).
    async fn cached<T>(
        &self,
        cache: &Cache<T>,
        fetch: Fetch<'_>,
        parse: impl FnOnce(&[u8]) -> Result<T, String>,
    ) -> Result<Option<Arc<T>>, ExternalError> {
        let Fetch {
            connection,
            url,
            accept,
            ttl,
        } = fetch;
        let key = url.to_owned();
        let cached = {
            let cache = cache.lock().expect("cache lock");
            cache
                .get(&key)
                .map(|e| (e.fetched.elapsed() < ttl, e.value.clone()))
        };
        if let Some((true, value)) = &cached {
            return Ok(value.clone());
        }
        let fetched = self
            .get(
                connection,
                url,
                accept,
                MAX_METADATA_BYTES,
                METADATA_TIMEOUT,
            )
            .await
            .and_then(|body| {
                body.map(|b| {
                    parse(&b)
                        .map(Arc::new)
                        .map_err(|reason| ExternalError::Malformed {
                            connection: connection.to_owned(),
                            reason: format!("{url}: {reason}"),
                        })
                })
                .transpose()
            });
        match fetched {
            Ok(value) => {
                let mut cache = cache.lock().expect("cache lock");
                if cache.len() >= MAX_CACHED
                    && let Some(oldest) = cache
                        .iter()
                        .min_by_key(|(_, e)| e.fetched)
                        .map(|(k, _)| k.clone())
                {
                    cache.remove(&oldest);
                }
                cache.insert(
                    key,
                    Entry {
                        fetched: Instant::now(),
                        value: value.clone(),
                    },
                );
                Ok(value)
            }
            Err(e) => match cached {
                Some((_, value)) => {
                    tracing::warn!("{e}; serving the metadata cached earlier");
                    Ok(value)
                }
                None => Err(e),
            },
        }
    }
}

/// One metadata fetch: through which connection, from where, accepting what, fresh how long.
struct Fetch<'a> {
    connection: &'a str,
    url: &'a str,
    accept: &'a str,
    ttl: Duration,
}

/// An error with its causes, for messages (reqwest's own text omits the cause).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
