//! Service configuration: what `wharf serve` was started with.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The settings of one running service.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where SQLite and asset files live (unless the two settings below move them).
    pub data_dir: PathBuf,
    /// The metadata database: `None` for `DATA_DIR/wharf.db`, else `sqlite://PATH` or
    /// `postgres://USER:PASSWORD@HOST:PORT/DB`.
    pub database_url: Option<String>,
    /// The asset store: `None` for `DATA_DIR/blobs`, else `file:///DIR` or
    /// `s3://BUCKET[/PREFIX]` (credentials, region and endpoint from the standard `AWS_*`
    /// environment variables).
    pub blob_store: Option<String>,
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The account that owns every domain (12 digits).
    pub account_id: String,
    /// The region signatures must be scoped to.
    pub region: String,
    /// The largest request body accepted (asset uploads included).
    pub max_body_bytes: usize,
    /// The most assets one package version may have.
    pub max_assets_per_version: usize,
    /// Origins allowed to call the API from a browser (CORS).
    pub cors_origins: Vec<String>,
    /// The console's built files, served at `/` when present.
    pub console_dir: Option<PathBuf>,
    /// Connection limits and timeouts of the serve loop and request bodies.
    pub limits: crate::limits::ConnectionLimits,
    /// `scheme://host[:port]` that returned URLs carry, and the only `Host` accepted
    /// (`--public-url`, see [`crate::public_url`]).
    pub public_url: Option<String>,
    /// Whether the service itself terminates TLS (`--tls-cert`/`--tls-key`).
    pub tls: bool,
    /// External connections pointed elsewhere than their public registry (name → URL).
    pub external_connections: BTreeMap<String, String>,
    /// How long package metadata fetched through an external connection stays fresh.
    pub external_metadata_ttl: Duration,
    /// The periodic blob sweep (`--gc-interval`, `--gc-grace`); off when `None`.
    pub gc_sweep: Option<crate::sweep::SweepSchedule>,
    /// What the audit trail records and keeps (`--audit-reads`, `--audit-retention-days`).
    pub audit: crate::audit::AuditSettings,
    /// How webhook deliveries are made (`--webhook-*`).
    pub webhooks: crate::webhooks::DeliverySettings,
    /// Where `/metrics` is served (`--metrics`, `--metrics-listen`).
    pub metrics: crate::metrics::Exposure,
}

impl Config {
    /// A configuration for tests and embedding: defaults with the given data directory.
    pub fn with_data_dir(data_dir: PathBuf) -> Self {
        Config {
            data_dir,
            database_url: None,
            blob_store: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 7878)),
            account_id: "000000000000".into(),
            region: "us-east-1".into(),
            max_body_bytes: 1 << 30,
            max_assets_per_version: 150,
            cors_origins: Vec::new(),
            console_dir: None,
            limits: crate::limits::ConnectionLimits::default(),
            public_url: None,
            tls: false,
            external_connections: BTreeMap::new(),
            external_metadata_ttl: Duration::from_secs(30 * 60),
            gc_sweep: None,
            audit: Default::default(),
            webhooks: Default::default(),
            metrics: crate::metrics::Exposure::MainPort,
        }
    }

    /// The registry URL of an external connection: the override, else its public registry
    /// (ending in `/`); `None` for a name the model does not know.
    pub fn external_connection_url(&self, name: &str) -> Option<String> {
        let url = match self.external_connections.get(name) {
            Some(u) => u.clone(),
            None => wharf_core::external::external_connection(name)?
                .default_url
                .to_owned(),
        };
        Some(if url.ends_with('/') {
            url
        } else {
            format!("{url}/")
        })
    }
}

/// Parses `--external-connection NAME=URL` values: a name the model knows and an http(s) URL.
pub fn external_connection_urls(args: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for arg in args.iter().filter(|a| !a.trim().is_empty()) {
        let (name, url) = arg
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--external-connection {arg:?}: expected NAME=URL"))?;
        let (name, url) = (name.trim(), url.trim());
        if wharf_core::external::external_connection(name).is_none() {
            anyhow::bail!(
                "--external-connection {arg:?}: {name} is not an external connection name CodeArtifact knows"
            );
        }
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| anyhow::anyhow!("--external-connection {arg:?}: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            anyhow::bail!(
                "--external-connection {arg:?}: the URL must be http or https with a host"
            );
        }
        out.insert(name.to_owned(), url.to_owned());
    }
    Ok(out)
}
