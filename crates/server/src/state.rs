//! The state every handler shares.

use crate::auth::Keys;
use crate::config::Config;
use crate::store::MetadataStore;
use object_store::ObjectStore;
use std::sync::Arc;

/// Shared, cheaply cloned service state.
#[derive(Clone)]
pub struct AppState {
    /// Metadata (SQLite or PostgreSQL).
    pub store: Arc<dyn MetadataStore>,
    /// Asset bytes, content-addressed.
    pub blobs: Arc<dyn ObjectStore>,
    /// Configuration.
    pub config: Arc<Config>,
    /// Credentials and the token key.
    pub keys: Arc<Keys>,
    /// The client and metadata cache of external connections.
    pub external: Arc<crate::external::ExternalRegistries>,
    /// What `/metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Rendered npm packuments, checked against the store's change stamps on every read.
    pub packuments: Arc<crate::npm::PackumentCache>,
}
