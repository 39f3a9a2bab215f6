//! The service's metrics, exposed at `/metrics` in the Prometheus text exposition format
//! (OpenMetrics text 1.0, which Prometheus scrapes natively).
//!
//! One [`Metrics`] per service, in [`AppState`]. Label values are bounded: the operation is a
//! name from a fixed set ([`crate::observe::operation_label`]: CodeArtifact's operation names,
//! `NpmRead`/`NpmWrite`, `PypiRead`/`PypiWrite`, `Promotions`, `Admin`, `Health`, `Metrics`, `Console`, `Other`) and the
//! status an HTTP status code; never a raw path, package name or principal.
//!
//! Where `/metrics` is served ([`Exposure`], `--metrics` / `--metrics-listen`): by default on
//! the main port, behind authentication and for the root principal only ([`routes`]); with
//! `--metrics-listen ADDR` on that address only, without authentication, for a scraper on a
//! private network or loopback ([`serve_separately`]); or nowhere.

use crate::auth::{self, Identity};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

/// The path of the metrics endpoint, on whichever listener serves it.
pub const PATH: &str = "/metrics";

/// The content type of the exposition.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Where `/metrics` is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Exposure {
    /// On the main listener, to the root principal only (the default).
    #[default]
    MainPort,
    /// Only on this separate listener, without authentication (`--metrics-listen`).
    Separate(SocketAddr),
    /// Nowhere (`--metrics off`); requests are still counted, for nobody.
    Off,
}

/// The labels of a request's counter and latency histogram.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The operation ([`crate::observe::operation_label`]).
    pub operation: &'static str,
    /// The HTTP status of the response.
    pub status: u16,
}

/// The label of a webhook delivery attempt's counter.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DeliveryLabels {
    /// `delivered`, `retried` or `failed`.
    pub outcome: &'static str,
}

/// Latency buckets in seconds: 0.5 ms to 10 s.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// Every metric of one service, and the registry that renders them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram, fn() -> Histogram>,
    versions_copied: Counter,
    versions_promoted: Counter,
    blob_bytes_written: Counter,
    pool_connections: Gauge,
    pool_idle: Gauge,
    webhook_deliveries: Family<DeliveryLabels, Counter>,
    webhook_backlog: Gauge,
    pool: OnceLock<sqlx::AnyPool>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Every metric registered, at zero.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("wharf");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by operation and HTTP status",
            requests.clone(),
        );
        let latency = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's head to its response's head, by operation and HTTP status",
            latency.clone(),
        );
        let versions_copied = Counter::default();
        registry.register(
            "versions_copied",
            "Package versions written by CopyPackageVersions",
            versions_copied.clone(),
        );
        let versions_promoted = Counter::default();
        registry.register(
            "versions_promoted",
            "Package versions written by applied promotions (copied or overwritten)",
            versions_promoted.clone(),
        );
        let blob_bytes_written = Counter::default();
        registry.register(
            "blob_bytes_written",
            "Asset bytes written to the blob store (publishes and npm pull-through)",
            blob_bytes_written.clone(),
        );
        let pool_connections = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Connections open in the metadata database pool",
            pool_connections.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Idle connections in the metadata database pool",
            pool_idle.clone(),
        );
        let webhook_deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "webhook_deliveries",
            "Webhook delivery attempts, by outcome (filled by the delivery worker)",
            webhook_deliveries.clone(),
        );
        let webhook_backlog = Gauge::default();
        registry.register(
            "webhook_backlog",
            "Webhook deliveries waiting to be sent (set by the delivery worker)",
            webhook_backlog.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            versions_copied,
            versions_promoted,
            blob_bytes_written,
            pool_connections,
            pool_idle,
            webhook_deliveries,
            webhook_backlog,
            pool: OnceLock::new(),
        }
    }

    /// Counts an answered request and its latency.
    pub fn observe_request(&self, operation: &'static str, status: u16, latency: Duration) {
        let labels = RequestLabels { operation, status };
        self.requests.get_or_create(&labels).inc();
        self.latency
            .get_or_create(&labels)
            .observe(latency.as_secs_f64());
    }

    /// Counts versions written by a copy.
    pub fn versions_copied(&self, n: usize) {
        self.versions_copied.inc_by(n as u64);
    }

    /// Counts versions written by an applied promotion.
    pub fn versions_promoted(&self, n: u64) {
        self.versions_promoted.inc_by(n);
    }

    /// Counts bytes written to the blob store.
    pub fn blob_bytes_written(&self, n: usize) {
        self.blob_bytes_written.inc_by(n as u64);
    }

    /// Counts a webhook delivery attempt (`delivered`, `retried` or `failed`): for the delivery
    /// worker.
    pub fn webhook_delivery(&self, outcome: &'static str) {
        self.webhook_deliveries
            .get_or_create(&DeliveryLabels { outcome })
            .inc();
    }

    /// Sets the number of webhook deliveries waiting: for the delivery worker.
    pub fn set_webhook_backlog(&self, n: i64) {
        self.webhook_backlog.set(n);
    }

    /// The database pool whose use `/metrics` reports (the first one given is kept).
    pub fn watch_pool(&self, pool: sqlx::AnyPool) {
        let _ = self.pool.set(pool);
    }

    /// The exposition: every metric, the pool's gauges read now.
    pub fn render(&self) -> String {
        if let Some(pool) = self.pool.get() {
            self.pool_connections.set(i64::from(pool.size()));
            self.pool_idle
                .set(i64::try_from(pool.num_idle()).unwrap_or(i64::MAX));
        }
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

fn exposition(metrics: &Metrics) -> Response {
    let mut response = metrics.render().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    response
}

/// `/metrics` on the main listener (with [`Exposure::MainPort`]): authenticated like the API
/// (SigV4 or a bearer token), and answered only for the root principal; IAM users get
/// `AccessDeniedException` whatever their policies say (no policy action names metrics).
pub fn routes(state: &AppState) -> Router<AppState> {
    if state.config.metrics != Exposure::MainPort {
        return Router::new();
    }
    Router::new().route(
        PATH,
        get(root_only).layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        )),
    )
}

async fn root_only(State(state): State<AppState>, request: Request) -> Response {
    match request.extensions().get::<Identity>() {
        Some(Identity::Root) => exposition(&state.metrics),
        Some(user @ Identity::User(_)) => ApiError::AccessDenied(format!(
            "User: {} is not authorized to perform: wharf:GetMetrics: only the root principal \
             may read the metrics on the main port (use --metrics-listen for a scraper)",
            user.principal(&state.config.account_id).arn
        ))
        .into_response(),
        None => ApiError::AccessDenied("The request was not authenticated".into()).into_response(),
    }
}

/// Binds `addr` and serves `/metrics` there, without authentication, until the process ends
/// (with [`Exposure::Separate`]). Returns the bound address (port 0 picks one).
pub async fn serve_separately(state: &AppState, addr: SocketAddr) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen for metrics on {addr}: {e}"))?;
    let bound = listener.local_addr()?;
    let metrics = state.metrics.clone();
    let router = Router::new().route(PATH, get(move || async move { exposition(&metrics) }));
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!("the metrics listener stopped: {e}");
        }
    });
    Ok(bound)
}
