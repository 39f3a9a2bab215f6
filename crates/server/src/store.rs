//! Metadata storage: the rows behind domains, repositories, packages, versions, assets and
//! dist-tags, and the errors storage reports by kind.
//!
//! [`Store`] is the SQLite implementation (sqlx, WAL, embedded migrations). Every write runs in
//! one transaction under a process-wide write lock, so a copy, a publish or a status change is
//! all or nothing and concurrent writers never interleave. Asset bytes are not here: they live
//! in the object store under [`assets::AssetKey`], written before the rows that reference them.

pub mod assets;
pub mod batch;
pub mod iam;
mod import;
pub mod npm;
mod packages;
mod repositories;
mod rows;
mod versions;

pub use import::ImportVersion;
pub use packages::PackageFilter;
pub use rows::*;
pub use versions::{PublishAsset, VersionQuery};

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// What went wrong in storage, by kind (never by operation).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A domain, repository, package, version or asset that does not exist.
    #[error("{message}")]
    NotFound {
        /// `domain`, `repository`, `package`, `package-version` or `asset`.
        resource_type: &'static str,
        /// Its name.
        id: String,
        /// A sentence for people.
        message: String,
    },
    /// The change conflicts with what exists.
    #[error("{message}")]
    Conflict {
        /// The resource type.
        resource_type: &'static str,
        /// Its name.
        id: String,
        /// A sentence for people.
        message: String,
    },
    /// A limit would be exceeded.
    #[error("{message}")]
    Quota {
        /// The resource type.
        resource_type: &'static str,
        /// Its name.
        id: String,
        /// A sentence for people.
        message: String,
    },
    /// The request is invalid given what is stored (an upstream cycle, a bad page token, ...).
    #[error("{0}")]
    Invalid(String),
    /// The database failed.
    #[error(transparent)]
    Backend(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Backend(e.into())
    }
}

impl StoreError {
    /// A `NotFound` with a message.
    pub fn not_found(
        resource_type: &'static str,
        id: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        StoreError::NotFound {
            resource_type,
            id: id.into(),
            message: message.into(),
        }
    }

    /// A `Conflict` with a message.
    pub fn conflict(
        resource_type: &'static str,
        id: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        StoreError::Conflict {
            resource_type,
            id: id.into(),
            message: message.into(),
        }
    }
}

/// Storage results.
pub type StoreResult<T> = Result<T, StoreError>;

/// The SQLite metadata store.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    write_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies migrations.
    pub async fn open(path: &std::path::Path) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(|e| StoreError::Backend(e.into()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Self::migrate(pool).await
    }

    /// An in-memory database for tests (one connection, so every query sees the same data).
    pub async fn in_memory() -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(|e| StoreError::Backend(e.into()))?
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        Self::migrate(pool).await
    }

    async fn migrate(pool: SqlitePool) -> StoreResult<Self> {
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(e.into()))?;
        Ok(Store {
            pool,
            write_lock: Default::default(),
        })
    }

    /// Starts a write transaction while holding the process-wide write lock.
    pub(crate) async fn write(&self) -> StoreResult<WriteTx<'_>> {
        let guard = self.write_lock.lock().await;
        let tx = self.pool.begin().await?;
        Ok(WriteTx { tx, _guard: guard })
    }

    /// The pool, for reads.
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// A write transaction; dropping it without `commit` rolls back.
pub(crate) struct WriteTx<'a> {
    pub(crate) tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    _guard: tokio::sync::MutexGuard<'a, ()>,
}

impl WriteTx<'_> {
    /// Commits the transaction.
    pub(crate) async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// Seconds since the Unix epoch, as the API reports times.
pub fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
