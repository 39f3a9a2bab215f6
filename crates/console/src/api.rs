//! [`ApiClient`]: the one place that talks HTTP. One `async fn` per CodeArtifact operation the
//! console uses, taking and returning `wharf_core::api` types; method and path come from
//! [`wharf_core::api::OPERATIONS`], query members are serialised with `serde_urlencoded`, and
//! failures are decoded into [`ClientError`]. Components never build URLs.

mod activity;
mod error;
mod groups;
mod promotions;

pub use activity::EVENTS_PATH;
pub use error::{ClientError, fields_of_message};
pub use promotions::{PROMOTIONS_PATH, promotions_url, wharf_url};

use gloo_net::http::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use wharf_core::api::{self as wire, PackageVersionSummary};

/// The most pages a "fetch everything" helper reads before giving up.
pub const MAX_PAGES: usize = 200;

/// A client for one endpoint with one bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    endpoint: String,
    token: String,
}

/// The method and path of an operation, from the wire model.
pub fn operation(name: &str) -> Option<(&'static str, &'static str)> {
    wire::OPERATIONS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, m, p)| (*m, *p))
}

/// The full URL of an operation: `{endpoint}{path}?{query}`.
pub fn operation_url<Q: Serialize>(endpoint: &str, name: &str, query: &Q) -> Option<String> {
    let (_, path) = operation(name)?;
    let q = serde_urlencoded::to_string(query).ok()?;
    let base = endpoint.trim_end_matches('/');
    Some(if q.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{q}")
    })
}

/// The npm dist-tags URL of a package under a repository's npm endpoint (which ends in `/`):
/// scoped names are sent as `@scope%2fname`.
pub fn npm_dist_tags_url(endpoint: &str, namespace: Option<&str>, package: &str) -> String {
    let base = endpoint.trim_end_matches('/');
    let name = match namespace {
        Some(ns) if !ns.is_empty() => format!(
            "@{}%2f{}",
            crate::route::encode_segment(ns),
            crate::route::encode_segment(package)
        ),
        _ => crate::route::encode_segment(package),
    };
    format!("{base}/-/package/{name}/dist-tags")
}

/// An empty query string.
#[derive(Serialize)]
struct NoQuery {}

/// A refused request: its status, `x-amzn-ErrorType` header and body text.
pub(crate) struct Refused {
    status: u16,
    error_type: Option<String>,
    text: String,
}

/// A request body as JSON text.
fn to_json<B: Serialize>(body: &B) -> Result<String, ClientError> {
    serde_json::to_string(body).map_err(|e| ClientError::Unreachable(e.to_string()))
}

/// An answer's JSON text read as `R`; `what` names the call in the error. The browser's
/// `JSON.parse` reads the text and serde-wasm-bindgen the parsed value: serde_json's parser,
/// instantiated once per answer type, was the largest part of the console's wasm.
fn from_json<R: DeserializeOwned>(text: &str, what: &str) -> Result<R, ClientError> {
    let unreadable =
        |why: String| ClientError::Unreachable(format!("unreadable answer to {what}: {why}"));
    let value = js_sys::JSON::parse(text)
        .map_err(|e| unreadable(js_sys::Error::from(e).message().into()))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| unreadable(e.to_string()))
}

impl ApiClient {
    /// A client for `endpoint` (`https://wharf.example.com`) sending `token`.
    pub fn new(endpoint: impl Into<String>, token: impl Into<String>) -> Self {
        ApiClient {
            endpoint: endpoint.into(),
            token: token.into(),
        }
    }

    /// The error of a request that got no answer at all: the service is down, the address is
    /// wrong, or (from another origin) CORS refused it.
    fn no_answer(&self, e: &gloo_net::Error) -> ClientError {
        ClientError::Unreachable(format!(
            "no answer from {} ({e}). Check that Wharf is running there, then try again.",
            self.endpoint
        ))
    }

    /// The endpoint this client calls.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Serialises an operation's query and body, sends it, and reads the answer as `R`. Only
    /// the serialising and the parsing are generic: the request itself goes through the one
    /// non-generic [`ApiClient::send`], so each operation adds its types' serde code and no
    /// copy of the HTTP future.
    async fn call<Q: Serialize, B: Serialize, R: DeserializeOwned>(
        &self,
        name: &str,
        query: &Q,
        body: Option<&B>,
    ) -> Result<R, ClientError> {
        let target = operation(name)
            .and_then(|(method, _)| Some((method, operation_url(&self.endpoint, name, query)?)));
        let body = body.map(to_json).transpose()?;
        let text = match target {
            Some((method, url)) => self.send(method, &url, body).await?,
            None => {
                return Err(ClientError::Unreachable(format!(
                    "unknown operation {name}"
                )));
            }
        };
        let text = if text.trim().is_empty() { "{}" } else { &text };
        from_json(text, name)
    }

    /// Sends one request with the bearer token (and `body` as JSON; `Accept: application/json`
    /// when asked) and returns the answer's text, or the refusal's status, error type and text
    /// for the caller to decode. The one HTTP future of the client: it is not generic.
    pub(crate) async fn send_raw(
        &self,
        method: &str,
        url: &str,
        body: Option<String>,
        accept_json: bool,
    ) -> Result<Result<String, Refused>, ClientError> {
        let unknown = || ClientError::Unreachable(format!("unknown method {method}"));
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| unknown())?;
        let mut builder = RequestBuilder::new(url)
            .method(method)
            .header("Authorization", &format!("Bearer {}", self.token));
        if accept_json {
            builder = builder.header("Accept", "application/json");
        }
        let request = match body {
            Some(b) => builder.header("Content-Type", "application/json").body(b),
            None => builder.build(),
        }
        .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        let response = request.send().await.map_err(|e| self.no_answer(&e))?;
        let text = response
            .text()
            .await
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        if response.ok() {
            return Ok(Ok(text));
        }
        Ok(Err(Refused {
            status: response.status(),
            error_type: response.headers().get("x-amzn-ErrorType"),
            text,
        }))
    }

    /// [`ApiClient::send_raw`], with a refusal decoded by [`ClientError::decode`].
    pub(crate) async fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<String>,
    ) -> Result<String, ClientError> {
        match self.send_raw(method, url, body, false).await? {
            Ok(text) => Ok(text),
            Err(r) => Err(ClientError::decode(
                r.status,
                r.error_type.as_deref(),
                &r.text,
            )),
        }
    }

    /// ListDomains (`POST /v1/domains`).
    pub async fn list_domains(
        &self,
        body: &wire::ListDomainsBody,
    ) -> Result<wire::ListDomainsResult, ClientError> {
        self.call("ListDomains", &NoQuery {}, Some(body)).await
    }

    /// ListRepositoriesInDomain (`POST /v1/domain/repositories`).
    pub async fn list_repositories_in_domain(
        &self,
        query: &wire::ListRepositoriesInDomainQuery,
    ) -> Result<wire::ListRepositoriesInDomainResult, ClientError> {
        self.call("ListRepositoriesInDomain", query, None::<&()>)
            .await
    }

    /// DescribeRepository (`GET /v1/repository`).
    pub async fn describe_repository(
        &self,
        query: &wire::DescribeRepositoryQuery,
    ) -> Result<wire::DescribeRepositoryResult, ClientError> {
        self.call("DescribeRepository", query, None::<&()>).await
    }

    /// ListPackages (`POST /v1/packages`).
    pub async fn list_packages(
        &self,
        query: &wire::ListPackagesQuery,
    ) -> Result<wire::ListPackagesResult, ClientError> {
        self.call("ListPackages", query, None::<&()>).await
    }

    /// ListPackageVersions (`POST /v1/package/versions`).
    pub async fn list_package_versions(
        &self,
        query: &wire::ListPackageVersionsQuery,
    ) -> Result<wire::ListPackageVersionsResult, ClientError> {
        self.call("ListPackageVersions", query, None::<&()>).await
    }

    /// Every page of ListPackageVersions for `query` (its `next_token` is ignored).
    pub async fn list_all_package_versions(
        &self,
        query: &wire::ListPackageVersionsQuery,
    ) -> Result<Vec<PackageVersionSummary>, ClientError> {
        let mut query = wire::ListPackageVersionsQuery {
            next_token: None,
            max_results: Some("1000".to_owned()),
            ..query.clone()
        };
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = self.list_package_versions(&query).await?;
            all.extend(page.versions);
            match page.next_token {
                Some(t) => query.next_token = Some(t),
                None => break,
            }
        }
        Ok(all)
    }

    /// DescribePackageVersion (`GET /v1/package/version`).
    pub async fn describe_package_version(
        &self,
        query: &wire::DescribePackageVersionQuery,
    ) -> Result<wire::DescribePackageVersionResult, ClientError> {
        self.call("DescribePackageVersion", query, None::<&()>)
            .await
    }

    /// ListPackageVersionAssets (`POST /v1/package/version/assets`).
    pub async fn list_package_version_assets(
        &self,
        query: &wire::ListPackageVersionAssetsQuery,
    ) -> Result<wire::ListPackageVersionAssetsResult, ClientError> {
        self.call("ListPackageVersionAssets", query, None::<&()>)
            .await
    }

    /// Every asset of a version, all pages.
    pub async fn list_all_package_version_assets(
        &self,
        query: &wire::ListPackageVersionAssetsQuery,
    ) -> Result<Vec<wire::AssetSummary>, ClientError> {
        let mut query = wire::ListPackageVersionAssetsQuery {
            next_token: None,
            ..query.clone()
        };
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = self.list_package_version_assets(&query).await?;
            all.extend(page.assets);
            match page.next_token {
                Some(t) => query.next_token = Some(t),
                None => break,
            }
        }
        Ok(all)
    }

    /// GetRepositoryEndpoint (`GET /v1/repository/endpoint`).
    pub async fn get_repository_endpoint(
        &self,
        query: &wire::GetRepositoryEndpointQuery,
    ) -> Result<wire::GetRepositoryEndpointResult, ClientError> {
        self.call("GetRepositoryEndpoint", query, None::<&()>).await
    }

    /// An npm package's dist-tags (tag → version) in one repository, read from the
    /// repository's npm endpoint (`GET {endpoint}-/package/{name}/dist-tags`), since the
    /// CodeArtifact API itself has no dist-tag operation.
    pub async fn npm_dist_tags(
        &self,
        domain: &str,
        repository: &str,
        namespace: Option<&str>,
        package: &str,
    ) -> Result<BTreeMap<String, String>, ClientError> {
        let endpoint = self
            .get_repository_endpoint(&wire::GetRepositoryEndpointQuery {
                domain: Some(domain.to_owned()),
                repository: Some(repository.to_owned()),
                format: Some("npm".to_owned()),
                ..Default::default()
            })
            .await?
            .repository_endpoint
            .ok_or_else(|| ClientError::Unreachable("no npm endpoint".to_owned()))?;
        let url = npm_dist_tags_url(&endpoint, namespace, package);
        match self.send_raw("GET", &url, None, true).await? {
            Ok(text) => from_json(&text, "dist-tags"),
            // A bare 404 (no error type, no JSON) means the service has no npm endpoint at
            // all: the package simply has no dist-tags to show.
            Err(r)
                if r.status == 404
                    && r.error_type.is_none()
                    && serde_json::from_str::<serde::de::IgnoredAny>(&r.text).is_err() =>
            {
                Err(ClientError::NotFound {
                    resource_type: Some("npm-endpoint".to_owned()),
                    message: "This service does not serve npm dist-tags".to_owned(),
                })
            }
            Err(r) => Err(ClientError::decode_npm(r.status, &r.text)),
        }
    }

    /// CopyPackageVersions (`POST /v1/package/versions/copy`).
    pub async fn copy_package_versions(
        &self,
        request: &wire::CopyPackageVersionsRequest,
    ) -> Result<wire::CopyPackageVersionsResult, ClientError> {
        let (query, body) = request.clone().into_parts();
        self.call("CopyPackageVersions", &query, Some(&body)).await
    }
}

#[cfg(test)]
mod tests;
