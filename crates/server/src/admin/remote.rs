//! `wharf admin --endpoint-url URL`: sends an [`AdminOp`] to a running service's admin API
//! ([`super::service`]), signed with SigV4 ([`wharf_sigv4::sign`], as botocore signs) by the
//! root key pair through the shared [`SignedClient`], and returns the service's JSON, or its
//! error as `Code: message`.

use super::ops::AdminOp;
use super::wire;
use crate::signed_client::{CallError, Credentials, SignedClient};
use serde_json::Value;

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
    client: SignedClient,
}

impl Remote {
    /// A client for the service at `endpoint` (`http://HOST:PORT` or `https://…`), signing for
    /// `region`.
    pub fn new(endpoint: &str, region: &str, credentials: RootCredentials) -> anyhow::Result<Self> {
        let credentials = Credentials {
            access_key_id: credentials.access_key_id,
            secret: credentials.secret,
        };
        let user_agent = concat!("wharf-admin/", env!("CARGO_PKG_VERSION"));
        Ok(Remote {
            client: SignedClient::new(endpoint, region, credentials, user_agent)?,
        })
    }

    /// Sends `op` and returns the service's JSON result; an error response becomes
    /// `Code: message` (its `x-amzn-ErrorType` and `message`).
    pub async fn call(&self, op: &AdminOp) -> anyhow::Result<Value> {
        let request = wire::request_of(op);
        self.client
            .call(request.method, request.path, &request.query, request.body)
            .await
            .map_err(|e| match e {
                CallError::Refused(text) => anyhow::anyhow!("{text}"),
                CallError::Transport(e) => e,
            })
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
        assert!(Remote::new("127.0.0.1:7878", "us-east-1", creds.clone()).is_err());
        assert!(Remote::new("https://wharf.example.com", "us-east-1", creds).is_ok());
    }
}
