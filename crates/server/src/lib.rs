//! # wharf-server
//!
//! The Wharf service: CodeArtifact's REST-JSON API over axum, metadata in SQLite (sqlx), asset
//! bytes in a content-addressed object store (object_store; local files by default). Handlers
//! are thin: they check members, call [`store::Store`] and the core's planner, and map rows to
//! `wharf_core::api` shapes. [`app`] builds the router (tests drive it directly); [`serve`]
//! runs it.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod config;
pub mod cpu;
pub mod datadir;
pub mod demo;
mod download;
pub mod error;
pub mod external;
pub mod extract;
pub mod handlers;
pub mod limits;
pub mod metrics;
pub mod npm;
pub mod observe;
pub mod operation;
pub mod params;
pub mod promote_cli;
mod protocol_error;
pub mod public_url;
pub mod pypi;
pub mod request_id;
pub mod routes;
pub mod secrets;
pub mod serve;
pub mod server_timing;
pub mod signed_client;
pub mod state;
pub mod store;
pub mod sweep;
pub mod tls;
pub mod webhooks;

use crate::auth::Keys;
use crate::config::Config;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::Store;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware;
use axum::routing::{any, get};
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The whole service for a state: API routes behind authentication, `/health`, the console's
/// files when configured, and CORS for the configured origins.
pub fn app(state: AppState) -> Router {
    let api = routes::api()
        .route("/v1/{*rest}", any(unknown_operation))
        .method_not_allowed_fallback(unknown_operation)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ));
    let mut router = Router::new()
        .route(
            "/health",
            get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }),
        )
        .merge(api)
        .merge(admin::service::routes(&state))
        .merge(handlers::promotions::routes(&state))
        .merge(handlers::activity::routes(&state))
        .merge(npm::routes())
        .merge(pypi::routes())
        .merge(metrics::routes(&state));
    if let Some(dir) = &state.config.console_dir {
        router = router.fallback_service(
            tower_http::services::ServeDir::new(dir).append_index_html_on_directories(true),
        );
    }
    limits::body_limits(router, &state)
        .layer(cors(&state.config))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            public_url::check_host,
        ))
        .layer(middleware::from_fn(server_timing::stamp))
        .layer(error::catch_panics())
        .layer(middleware::from_fn_with_state(state.clone(), audit::record))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            observe::record,
        ))
        .layer(middleware::from_fn(request_id::assign))
        .with_state(state)
}

async fn unknown_operation() -> ApiError {
    ApiError::UnknownOperation("No operation matches this method and path".into())
}

fn cors(config: &Config) -> CorsLayer {
    let origins: Vec<HeaderValue> = config
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            HeaderName::from_static("authorization"),
            HeaderName::from_static("content-type"),
            HeaderName::from_static("x-amz-date"),
            HeaderName::from_static("x-amz-content-sha256"),
        ])
        .expose_headers([
            HeaderName::from_static("x-amzn-errortype"),
            HeaderName::from_static("x-amzn-requestid"),
            HeaderName::from_static("x-assetname"),
            HeaderName::from_static("x-packageversion"),
            HeaderName::from_static("x-packageversionrevision"),
        ])
}

/// Opens the storage the configuration names (by default SQLite and local files under the data
/// directory) and builds the state.
pub async fn open_state(config: Config, keys: Keys) -> anyhow::Result<AppState> {
    let store = open_store(
        config.database_url.as_deref(),
        &config.data_dir,
        keys.sealer(),
    )
    .await?;
    store.seal_plaintext_secrets().await?.log();
    let blobs = open_blobs(&config)?;
    let metrics = metrics::Metrics::new();
    metrics.watch_pool(store.pool().clone());
    tracing::info!(
        database = ?store.backend(),
        blobs = %blobs,
        "storage open"
    );
    if let Some(schedule) = config.gc_sweep {
        tracing::info!(
            interval = %humantime::format_duration(schedule.interval),
            grace = %humantime::format_duration(schedule.grace),
            "periodic blob sweep on"
        );
        sweep::spawn(store.clone(), blobs.clone(), schedule);
    }
    Ok(AppState {
        store: Arc::new(store),
        blobs,
        config: Arc::new(config),
        keys: Arc::new(keys),
        external: Arc::new(external::ExternalRegistries::new()),
        metrics: Arc::new(metrics),
        packuments: Default::default(),
    })
}

/// The metadata store: `--database-url`, else `DATA_DIR/wharf.db` (`wharf serve` and
/// `wharf admin` open it the same way), sealing users' secrets with `sealer`.
pub async fn open_store(
    database_url: Option<&str>,
    data_dir: &std::path::Path,
    sealer: secrets::Sealer,
) -> anyhow::Result<Store> {
    Ok(match database_url {
        Some(url) => Store::connect(url, sealer).await.map_err(|e| {
            anyhow::anyhow!("cannot open the database {}: {e}", store::redact_url(url))
        })?,
        None => {
            std::fs::create_dir_all(data_dir)?;
            Store::open(&data_dir.join("wharf.db"), sealer).await?
        }
    })
}

/// The asset store: `--blob-store` (`file:///DIR` or `s3://BUCKET[/PREFIX]`), else
/// `DATA_DIR/blobs`. Assets are content-addressed, so any number of services may share one.
pub fn open_blobs(config: &Config) -> anyhow::Result<Arc<dyn ObjectStore>> {
    let local = |dir: &std::path::Path| -> anyhow::Result<Arc<dyn ObjectStore>> {
        std::fs::create_dir_all(dir)?;
        Ok(Arc::new(LocalFileSystem::new_with_prefix(dir)?))
    };
    let Some(url) = &config.blob_store else {
        return local(&config.data_dir.join("blobs"));
    };
    if let Some(dir) = url.strip_prefix("file://") {
        return local(std::path::Path::new(dir));
    }
    let Some(rest) = url.strip_prefix("s3://") else {
        anyhow::bail!("unsupported blob store {url:?}: use file:///DIR or s3://BUCKET[/PREFIX]");
    };
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    anyhow::ensure!(
        !bucket.is_empty(),
        "the blob store URL {url:?} names no bucket"
    );
    let s3 = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .build()
        .map_err(|e| anyhow::anyhow!("cannot use the blob store {url}: {e}"))?;
    let prefix = prefix.trim_matches('/');
    Ok(if prefix.is_empty() {
        Arc::new(s3)
    } else {
        Arc::new(PrefixStore::new(s3, prefix))
    })
}

/// Binds, calls `on_listening` with the address, and serves (over TLS with `tls`, see
/// [`tls::acceptor`]) until Ctrl-C or SIGTERM within the configured connection limits
/// ([`serve::run`]).
pub async fn serve(
    state: AppState,
    tls: Option<tokio_rustls::TlsAcceptor>,
    on_listening: impl FnOnce(std::net::SocketAddr),
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.config.listen).await?;
    on_listening(listener.local_addr()?);
    let limits = state.config.limits;
    webhooks::spawn_worker(state.clone());
    audit::spawn_retention(state.clone());
    let store = state.store.clone();
    serve::run(listener, app(state), limits, tls, shutdown()).await?;
    // Audit records of the last requests may still be queued.
    store.flush_audit().await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
