//! A client for a running Wharf service, signing every request with SigV4
//! ([`wharf_sigv4::sign`], as botocore signs). `wharf admin --endpoint-url`
//! ([`crate::admin::remote`]) and `wharf promote` / `wharf promotions` ([`crate::promote_cli`])
//! send their requests through it, so both sign, time out and read errors the same way.

use reqwest::Url;
use serde_json::Value;
use std::time::Duration;

/// A key pair to sign with (`AWS_SESSION_TOKEN` is never sent: Wharf's keys have no session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret: String,
}

/// Why a call failed: the service refused it (its error JSON), or it never answered usably.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The service answered with an error: `Code: message` (its `x-amzn-ErrorType` and
    /// `message`), or its status and the start of a body that is not the service's error JSON.
    #[error("{0}")]
    Refused(String),
    /// The request could not be sent, or the answer was not JSON.
    #[error(transparent)]
    Transport(#[from] anyhow::Error),
}

/// A service at one endpoint, signing for one region with one key pair.
pub struct SignedClient {
    client: reqwest::Client,
    endpoint: Url,
    region: String,
    credentials: Credentials,
}

impl SignedClient {
    /// A client for the service at `endpoint` (`http://HOST:PORT` or `https://…`, possibly with
    /// a path prefix), signing for `region`, sending `user_agent`.
    pub fn new(
        endpoint: &str,
        region: &str,
        credentials: Credentials,
        user_agent: &str,
    ) -> anyhow::Result<Self> {
        let endpoint = Url::parse(endpoint)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "--endpoint-url must be an http:// or https:// URL, not {endpoint:?}"
                )
            })?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .user_agent(user_agent)
            .build()?;
        Ok(SignedClient {
            client,
            endpoint,
            region: region.to_owned(),
            credentials,
        })
    }

    /// Sends a signed `method` request to `path` (after the endpoint's own path) with `query`
    /// (form-encoded, without `?`) and `body` (empty, or JSON), and returns the JSON of a 2xx
    /// answer.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: Vec<u8>,
    ) -> Result<Value, CallError> {
        let mut url = self.endpoint.clone();
        let prefix = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{prefix}{path}"));
        url.set_query(Some(query).filter(|q| !q.is_empty()));
        url.set_fragment(None);
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let mut headers = vec![
            ("host", host),
            (
                "x-amz-date",
                wharf_sigv4::format_amz_date(crate::auth::epoch_now()),
            ),
        ];
        if !body.is_empty() {
            headers.push(("content-type", "application/json".to_owned()));
        }
        let refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let payload = wharf_sigv4::sha256_hex(&body);
        let parts = wharf_sigv4::RequestParts {
            method,
            path: url.path(),
            query: url.query().unwrap_or(""),
            headers: &refs,
            payload_sha256: &payload,
        };
        let authorization = wharf_sigv4::sign(
            &parts,
            &self.credentials.access_key_id,
            &self.credentials.secret,
            &self.region,
        )
        .map_err(anyhow::Error::from)?;
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(anyhow::Error::from)?;
        let mut builder = self.client.request(method, url.clone());
        for (name, value) in &headers {
            builder = builder.header(*name, value);
        }
        let response = builder
            .header("authorization", authorization)
            .body(body)
            .send()
            .await
            .map_err(|e| {
                anyhow::Error::new(e).context(format!("cannot reach {}", self.endpoint))
            })?;
        let status = response.status();
        let error_type = response
            .headers()
            .get("x-amzn-ErrorType")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await.map_err(anyhow::Error::from)?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| {
                CallError::Transport(anyhow::anyhow!(
                    "{url} answered {status} with a body that is not JSON: {e}"
                ))
            });
        }
        Err(CallError::Refused(error_text(
            status,
            error_type.as_deref(),
            &bytes,
        )))
    }
}

/// `Code: message` of an error response; a response that is not the service's error JSON (a
/// proxy's page, say) is described by its status and the start of its body.
fn error_text(status: reqwest::StatusCode, error_type: Option<&str>, body: &[u8]) -> String {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let code = error_type.or_else(|| json["__type"].as_str());
    match (code, json["message"].as_str()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => format!("{code} (HTTP {status})"),
        (None, _) => {
            let text = String::from_utf8_lossy(body);
            let text: String = text.trim().chars().take(200).collect();
            format!("HTTP {status}: {text}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_http_urls() {
        let creds = Credentials {
            access_key_id: "AKIA".into(),
            secret: "s".into(),
        };
        for bad in ["127.0.0.1:7878", "ftp://host/", "http//x", ""] {
            assert!(
                SignedClient::new(bad, "us-east-1", creds.clone(), "t").is_err(),
                "{bad}"
            );
        }
        assert!(SignedClient::new("https://wharf.example.com", "us-east-1", creds, "t").is_ok());
    }

    #[test]
    fn errors_read_as_code_and_message() {
        let s = reqwest::StatusCode::FORBIDDEN;
        let body = br#"{"__type": "AccessDeniedException", "message": "no"}"#;
        assert_eq!(error_text(s, None, body), "AccessDeniedException: no");
        assert_eq!(
            error_text(s, Some("AccessDeniedException"), b""),
            "AccessDeniedException (HTTP 403 Forbidden)"
        );
        let s = reqwest::StatusCode::BAD_GATEWAY;
        assert_eq!(
            error_text(s, None, b"<html>bad gateway</html>\n"),
            "HTTP 502 Bad Gateway: <html>bad gateway</html>"
        );
    }
}
