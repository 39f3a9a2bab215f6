//! The metadata store a test runs on: in-memory SQLite by default, or a fresh database on the
//! PostgreSQL server named by `WHARF_TEST_POSTGRES_URL` when `WHARF_TEST_BACKEND=postgres`
//! (`scripts/test` runs the router and conformance suites both ways).
#![allow(dead_code, missing_docs)]

use sqlx::Connection;
use std::sync::Arc;
use wharf_server::secrets::Sealer;
use wharf_server::store::{MetadataStore, Store};

/// Which backend the suites run on, from `WHARF_TEST_BACKEND`.
pub fn postgres_selected() -> bool {
    std::env::var("WHARF_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// A store with no data on the selected backend.
pub async fn fresh_store() -> Arc<dyn MetadataStore> {
    if postgres_selected() {
        fresh_postgres().await
    } else {
        Arc::new(Store::in_memory().await.expect("in-memory store"))
    }
}

/// A store on a new, empty database of the test PostgreSQL server. Panics when the server is
/// not configured, so a run that asked for PostgreSQL never passes on SQLite by accident.
pub async fn fresh_postgres() -> Arc<dyn MetadataStore> {
    Arc::new(
        Store::connect(&fresh_postgres_url().await, Sealer::random())
            .await
            .expect("PostgreSQL store"),
    )
}

/// The URL of a new, empty database on the test PostgreSQL server (panics when the server is
/// not configured).
pub async fn fresh_postgres_url() -> String {
    let base = std::env::var("WHARF_TEST_POSTGRES_URL").expect(
        "WHARF_TEST_POSTGRES_URL (e.g. from scripts/pg-throwaway) is required for PostgreSQL tests",
    );
    let name = format!("wharf_test_{:016x}", rand::random::<u64>());
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let (server, _) = base.rsplit_once('/').expect("URL with a database");
    format!("{server}/{name}")
}
