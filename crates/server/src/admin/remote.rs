//! `wharf admin --endpoint-url URL`: sends an [`AdminOp`] to a running service's admin API
//! ([`super::service`]), signed with SigV4 ([`wharf_sigv4::sign`], as botocore signs) by the
//! root key pair, and returns the service's JSON, or its error as `Code: message`.

use super::ops::AdminOp;
use super::wire;
use reqwest::Url;
use serde_json::Value;
use std::time::Duration;

/// A root key pair to sign with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootCredentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret: String,
}

impl RootCredentials {
    /// The root key pair from the environment, looked up with `var`: `WHARF_ROOT_ACCESS_KEY_ID`
    /// and `WHARF_ROOT_SECRET_ACCESS_KEY` (the variables `wharf serve` reads) when both are set,
    /// else `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. A pair is never mixed from the two,
    /// and `AWS_SESSION_TOKEN` is not used (the root key pair has no session).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let pair = |id: &str, secret: &str| match (var(id), var(secret)) {
            (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => {
                Some(RootCredentials {
                    access_key_id: id,
                    secret,
                })
            }
            _ => None,
        };
        pair("WHARF_ROOT_ACCESS_KEY_ID", "WHARF_ROOT_SECRET_ACCESS_KEY")
            .or_else(|| pair("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "--endpoint-url needs the service's root key pair: set AWS_ACCESS_KEY_ID and \
                     AWS_SECRET_ACCESS_KEY (or WHARF_ROOT_ACCESS_KEY_ID and \
                     WHARF_ROOT_SECRET_ACCESS_KEY)"
                )
            })
    }
}

/// A running service's admin API.
pub struct Remote {
    client: reqwest::Client,
    endpoint: Url,
    region: String,
    credentials: RootCredentials,
}

impl Remote {
    /// A client for the service at `endpoint` (`http://HOST:PORT` or `https://…`), signing for
    /// `region`.
    pub fn new(endpoint: &str, region: &str, credentials: RootCredentials) -> anyhow::Result<Self> {
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
            .user_agent(concat!("wharf-admin/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Remote {
            client,
            endpoint,
            region: region.to_owned(),
            credentials,
        })
    }

    /// Sends `op` and returns the service's JSON result; an error response becomes
    /// `Code: message` (its `x-amzn-ErrorType` and `message`).
    pub async fn call(&self, op: &AdminOp) -> anyhow::Result<Value> {
        let request = wire::request_of(op);
        let mut url = self.endpoint.clone();
        let prefix = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{prefix}{}", request.path));
        url.set_query(
            Some(&request.query)
                .filter(|q| !q.is_empty())
                .map(|q| q.as_str()),
        );
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
        if !request.body.is_empty() {
            headers.push(("content-type", "application/json".to_owned()));
        }
        let refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let payload = wharf_sigv4::sha256_hex(&request.body);
        let parts = wharf_sigv4::RequestParts {
            method: request.method,
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
        )?;
        let method = reqwest::Method::from_bytes(request.method.as_bytes())?;
        let mut builder = self.client.request(method, url.clone());
        for (name, value) in &headers {
            builder = builder.header(*name, value);
        }
        let response = builder
            .header("authorization", authorization)
            .body(request.body)
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
        let bytes = response.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| {
                anyhow::anyhow!("{url} answered {status} with a body that is not JSON: {e}")
            });
        }
        Err(anyhow::anyhow!(
            "{}",
            error_text(status, error_type.as_deref(), &bytes)
        ))
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
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn wharf_root_variables_win_and_pairs_are_never_mixed() {
        let aws = [
            ("AWS_ACCESS_KEY_ID", "AKIAAWS"),
            ("AWS_SECRET_ACCESS_KEY", "aws-secret"),
        ];
        let c = RootCredentials::from_env(env(&aws)).unwrap();
        assert_eq!(
            (c.access_key_id.as_str(), c.secret.as_str()),
            ("AKIAAWS", "aws-secret")
        );

        let both = [
            aws[0],
            aws[1],
            ("WHARF_ROOT_ACCESS_KEY_ID", "AKIAROOT"),
            ("WHARF_ROOT_SECRET_ACCESS_KEY", "root-secret"),
        ];
        let c = RootCredentials::from_env(env(&both)).unwrap();
        assert_eq!(
            (c.access_key_id.as_str(), c.secret.as_str()),
            ("AKIAROOT", "root-secret")
        );

        // Half a WHARF pair (or an empty value) falls back to the whole AWS pair.
        let half = [
            aws[0],
            aws[1],
            ("WHARF_ROOT_ACCESS_KEY_ID", "AKIAROOT"),
            ("AWS_SESSION_TOKEN", "t"),
        ];
        let c = RootCredentials::from_env(env(&half)).unwrap();
        assert_eq!(c.access_key_id, "AKIAAWS");
        let empty = [
            ("AWS_ACCESS_KEY_ID", "AKIAAWS"),
            ("AWS_SECRET_ACCESS_KEY", ""),
        ];
        let e = RootCredentials::from_env(env(&empty))
            .unwrap_err()
            .to_string();
        assert!(e.contains("AWS_ACCESS_KEY_ID"), "{e}");
    }

    #[test]
    fn endpoints_must_be_http_urls() {
        let creds = RootCredentials {
            access_key_id: "AKIA".into(),
            secret: "s".into(),
        };
        for bad in ["127.0.0.1:7878", "ftp://host/", "http//x", ""] {
            assert!(
                Remote::new(bad, "us-east-1", creds.clone()).is_err(),
                "{bad}"
            );
        }
        assert!(Remote::new("https://wharf.example.com", "us-east-1", creds).is_ok());
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
