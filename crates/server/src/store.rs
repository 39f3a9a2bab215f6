//! Metadata storage: the rows behind domains, repositories, packages, versions, assets and
//! dist-tags, and the errors storage reports by kind.
//!
//! [`Store`] runs on SQLite (one file, WAL) or PostgreSQL through sqlx's `Any` driver, with
//! embedded migrations per backend. Every write runs in one transaction under the write locks
//! of its [`WriteScope`] (one package, or the whole deployment), so a copy, a publish or a
//! status change is all or nothing and concurrent writers act as if serial. Asset bytes are not here: they live
//! in the object store under [`assets::AssetKey`], written before the rows that reference them.

pub mod assets;
pub mod audit;
mod audit_group;
pub mod batch;
mod error;
pub mod events;
pub mod external;
pub mod gc;
pub mod groups;
pub mod hot;
pub mod iam;
mod import;
pub mod npm;
mod packages;
pub mod promotions;
pub mod pypi;
mod repositories;
mod retain;
mod rows;
mod snapshot;
pub mod tags;
mod versions;
pub mod webhooks;

pub use audit::AuditStore;
pub use batch::BatchStore;
pub use error::{Clash, Limit, Missing, PolicyHolder, StoreError};
pub use external::ExternalStore;
pub use groups::PackageGroupStore;
pub use hot::HotReadStore;
pub use iam::ResourcePolicyStore;
pub use iam::{ActiveKey, IamStore, SecretsReport};
pub use import::{ImportStore, ImportVersion};
pub use npm::NpmReadStore;
pub use npm::NpmWriteStore;
pub use packages::{PackageFilter, PackageStore};
pub use promotions::PromotionStore;
pub use pypi::{PypiReadStore, PypiWriteStore};
pub use repositories::{MAX_UPSTREAMS, RepositoryStore, UpstreamRefusal};
pub use rows::*;
pub use tags::TagStore;
pub use versions::{CopyPlanner, PublishAsset, VersionQuery, VersionStore};
pub use webhooks::WebhookStore;

/// Everything the service keeps besides asset bytes, as one object: `AppState` holds an
/// `Arc<dyn MetadataStore>`. Each part is its own trait, defined next to its SQL in
/// `store/*.rs`; [`Store`] implements them all on SQLite and PostgreSQL, and
/// `tests/service/store_conformance.rs` is the suite any other implementation must pass.
pub trait MetadataStore:
    RepositoryStore
    + PackageStore
    + VersionStore
    + BatchStore
    + ImportStore
    + IamStore
    + ResourcePolicyStore
    + NpmReadStore
    + HotReadStore
    + NpmWriteStore
    + PypiReadStore
    + PypiWriteStore
    + PromotionStore
    + PackageGroupStore
    + ExternalStore
    + TagStore
    + AuditStore
    + WebhookStore
    + 'static
{
}

impl<T> MetadataStore for T where
    T: RepositoryStore
        + PackageStore
        + VersionStore
        + BatchStore
        + ImportStore
        + IamStore
        + ResourcePolicyStore
        + NpmReadStore
        + HotReadStore
        + NpmWriteStore
        + PypiReadStore
        + PypiWriteStore
        + PromotionStore
        + PackageGroupStore
        + ExternalStore
        + TagStore
        + AuditStore
        + WebhookStore
        + 'static
{
}

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use wharf_core::names::PackageCoordinate;

/// Storage results.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which SQL database a [`Store`] runs on. The SQL is written once, in the dialect both accept
/// (`$N` parameters, `RETURNING`, `ON CONFLICT`); only the schema migrations and the write locks
/// differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite: one file in the data directory (WAL), or memory for tests.
    Sqlite,
    /// PostgreSQL: a server shared by any number of Wharf processes.
    Postgres,
}

/// The metadata store: SQLite or PostgreSQL through sqlx's `Any` driver.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite's one writer in this process (PostgreSQL uses advisory locks, see [`WriteScope`]).
    write_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Seals users' secret access keys before they are written, and opens them when read.
    sealer: crate::secrets::Sealer,
    /// The group commit of audit records written apart from a change ([`audit_group`]).
    audit_queue: audit_group::AuditQueue,
}

/// The key of the PostgreSQL advisory lock that stands for the whole deployment ("WHARF" in
/// ASCII): a package write holds it shared, any other write exclusive.
const PG_WRITE_LOCK_KEY: i64 = 0x0057_4841_5246;

/// What a write transaction locks on PostgreSQL (SQLite has one writer at a time anyway).
///
/// A package write names its packages: it holds the deployment key shared and each package's
/// key exclusive, so writes to different packages run at once, in one process or many. A
/// promotion or revert is a package write too, naming every package it reads or writes in the
/// source and destination domains (see `store/promotions.rs`). Any other write (domains,
/// repositories, IAM, policies, package groups, tags, garbage collection) holds the deployment
/// key exclusive and so runs alone. A package's key is
/// derived from its domain and coordinate, not its repository: a copy, or an npm read that
/// retains a version from an upstream, reads and writes one coordinate in several repositories
/// of a domain under one key. Keys are taken in one order (the deployment key, then package
/// keys sorted), so two writers never wait for each other in a cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WriteScope {
    /// Sorted, without duplicates; empty means the whole deployment.
    packages: Vec<i64>,
}

impl WriteScope {
    /// Everything: the deployment key, exclusive.
    pub(crate) fn deployment() -> Self {
        WriteScope::default()
    }

    /// The package `c` of `domain` (in every repository of the domain).
    pub(crate) fn package(owner: &str, domain: &str, c: &PackageCoordinate) -> Self {
        WriteScope::default().and_package(owner, domain, c)
    }

    /// Whether this scope is the whole deployment (it names no package).
    pub(crate) fn is_deployment(&self) -> bool {
        self.packages.is_empty()
    }

    /// How many package keys it holds.
    pub(crate) fn package_count(&self) -> usize {
        self.packages.len()
    }

    /// This scope and the package `c` of `domain`.
    pub(crate) fn and_package(mut self, owner: &str, domain: &str, c: &PackageCoordinate) -> Self {
        let key = package_lock_key(owner, domain, c);
        if let Err(at) = self.packages.binary_search(&key) {
            self.packages.insert(at, key);
        }
        self
    }
}

/// The advisory-lock key of a package: the first 8 bytes of the SHA-256 of its domain and
/// coordinate, lower-cased (two spellings of one package must not get two keys; a collision
/// only serializes two packages).
fn package_lock_key(owner: &str, domain: &str, c: &PackageCoordinate) -> i64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        owner,
        domain,
        c.format.as_str(),
        c.namespace.as_ref().map_or("", |n| n.as_str()),
        c.name.as_str(),
    ] {
        h.update(part.to_lowercase().as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` and applies migrations. Users'
    /// secret access keys are sealed with `sealer` (see [`crate::secrets`]).
    pub async fn open(path: &std::path::Path, sealer: crate::secrets::Sealer) -> StoreResult<Self> {
        Self::connect(&format!("sqlite://{}?mode=rwc", path.display()), sealer).await
    }

    /// Connects to `url` and applies migrations: `sqlite://PATH` (created if missing with
    /// `?mode=rwc`), `sqlite::memory:`, or `postgres://USER:PASSWORD@HOST:PORT/DB`. Users'
    /// secret access keys are sealed with `sealer`: give every process of a deployment the one
    /// derived from the same root secret ([`crate::auth::Keys::sealer`]).
    pub async fn connect(url: &str, sealer: crate::secrets::Sealer) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Invalid(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://…",
                redact_url(url)
            )));
        };
        let memory = url.contains(":memory:");
        let pool = AnyPoolOptions::new()
            .max_connections(if memory { 1 } else { 8 })
            // sqlx pings an idle connection before lending it out, by default: a round trip
            // to the server that finds a PostgreSQL connection the server dropped, but on
            // SQLite only a round trip to the connection's worker thread per acquire (a file
            // does not hang up).
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; FULL makes a commit durable
                        // before it is acknowledged; other processes (`wharf admin`) wait for
                        // the write lock instead of failing.
                        for pragma in [
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA busy_timeout = 30000",
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL",
                        ] {
                            if memory && pragma.contains("journal_mode") {
                                continue;
                            }
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(e.into()))?;
        Ok(Store {
            pool,
            backend,
            write_lock: Default::default(),
            sealer,
            audit_queue: Default::default(),
        })
    }

    /// An in-memory SQLite database for tests (one connection, so every query sees the same
    /// data), sealing secrets with a random key that lives as long as it does.
    pub async fn in_memory() -> StoreResult<Self> {
        Self::connect("sqlite::memory:", crate::secrets::Sealer::random()).await
    }

    /// The database this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a write transaction that may touch anything: [`Store::write_scoped`] with
    /// [`WriteScope::deployment`].
    pub(crate) async fn write(&self) -> StoreResult<WriteTx<'_>> {
        self.write_scoped(WriteScope::deployment()).await
    }

    /// Starts a write transaction holding the locks of `scope`. On SQLite: the process-wide
    /// mutex (SQLite has one writer at a time; other processes wait on the database's own
    /// lock). On PostgreSQL: transaction-scoped advisory locks shared by every Wharf process,
    /// as [`WriteScope`] describes; no mutex, so disjoint package writes run at once.
    pub(crate) async fn write_scoped(&self, scope: WriteScope) -> StoreResult<WriteTx<'_>> {
        if self.backend == Backend::Sqlite {
            let guard = self.write_lock.lock().await;
            let tx = self.pool.begin().await?;
            return Ok(WriteTx {
                tx,
                notes: Vec::new(),
                _guard: Some(guard),
            });
        }
        let mut tx = self.pool.begin().await?;
        let deployment = if scope.packages.is_empty() {
            "SELECT pg_advisory_xact_lock($1)"
        } else {
            "SELECT pg_advisory_xact_lock_shared($1)"
        };
        sqlx::query(deployment)
            .bind(PG_WRITE_LOCK_KEY)
            .execute(&mut *tx)
            .await?;
        for key in &scope.packages {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(*key)
                .execute(&mut *tx)
                .await?;
        }
        Ok(WriteTx {
            tx,
            notes: Vec::new(),
            _guard: None,
        })
    }

    /// A transaction for bookkeeping rows that no package lock guards: audit records and
    /// webhook deliveries. On SQLite it still takes the process-wide writer mutex: SQLite has
    /// one writer at a time, and a second writer in this process fails at once with "database
    /// is locked" (a deferred transaction cannot wait for the lock it must upgrade to) instead
    /// of queueing. On PostgreSQL, row locks suffice, so it takes no advisory lock and never
    /// waits for package writes.
    pub(crate) async fn bookkeeping(&self) -> StoreResult<WriteTx<'_>> {
        let guard = self.bookkeeping_lock().await;
        Ok(WriteTx {
            tx: self.pool.begin().await?,
            notes: Vec::new(),
            _guard: guard,
        })
    }

    /// The lock a bookkeeping write holds: SQLite's process-wide writer mutex, nothing on
    /// PostgreSQL (see [`Store::bookkeeping`]). For a bookkeeping write of one statement,
    /// which needs no transaction of its own.
    pub(crate) async fn bookkeeping_lock(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_lock.lock().await),
            Backend::Postgres => None,
        }
    }

    /// The pool, for reads.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// `url` without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A write transaction; dropping it without `commit` rolls back.
pub(crate) struct WriteTx<'a> {
    pub(crate) tx: sqlx::Transaction<'static, sqlx::Any>,
    /// The version changes made so far, for the outbox and the audit record ([`events`]).
    pub(crate) notes: Vec<events::Note>,
    /// The process-wide mutex, on SQLite.
    _guard: Option<tokio::sync::MutexGuard<'a, ()>>,
}

impl WriteTx<'_> {
    /// Rolls the transaction back now (rather than when the connection is next used), which
    /// releases its advisory locks at once: for a write that gives up its locks to take others.
    pub(crate) async fn rollback(self) -> StoreResult<()> {
        self.tx.rollback().await?;
        Ok(())
    }

    /// Commits the transaction, with the outbox events of the versions it changed and the
    /// audit record of the request it serves (if any): both are written in this transaction,
    /// so they exist exactly when the change does.
    pub(crate) async fn commit(mut self) -> StoreResult<()> {
        let written = events::flush(&mut self.tx, &self.notes).await?;
        crate::audit::on_commit(&mut self.tx, &written).await?;
        self.tx.commit().await?;
        if !written.is_empty() {
            events::wake();
        }
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

#[cfg(test)]
#[path = "store/write_scope_tests.rs"]
mod write_scope_tests;
