//! Secrets at rest, on the stored rows themselves: users' secret access keys are sealed in the
//! database, open again in a new process given the same root secret, are a loud error (naming
//! the key) under another one, and secrets stored in clear by an older Wharf are sealed at start,
//! once. Runs on SQLite on disk, and on PostgreSQL when `WHARF_TEST_BACKEND=postgres`.

use crate::support::db;

use sqlx::Row;
use wharf_server::secrets::Sealer;
use wharf_server::store::{IamStore, SecretsReport, Store};

const ID: &str = "AKIAALICE00000000000";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// A database URL for a fresh database on each backend the run covers.
async fn databases(dir: &std::path::Path) -> Vec<String> {
    let mut urls = vec![format!(
        "sqlite://{}?mode=rwc",
        dir.join("wharf.db").display()
    )];
    if db::postgres_selected() {
        urls.push(db::fresh_postgres_url().await);
    }
    urls
}

/// The `secret` column of key `ID`, read with plain SQL beside the store.
async fn stored_secret(url: &str) -> String {
    let pool = sqlx::AnyPool::connect(url).await.expect("raw connection");
    let row = sqlx::query("SELECT secret FROM iam_access_keys WHERE id = $1")
        .bind(ID)
        .fetch_one(&pool)
        .await
        .expect("the key's row");
    let secret = row.get("secret");
    pool.close().await;
    secret
}

async fn set_stored_secret(url: &str, value: &str) {
    let pool = sqlx::AnyPool::connect(url).await.expect("raw connection");
    sqlx::query("UPDATE iam_access_keys SET secret = $1 WHERE id = $2")
        .bind(value)
        .bind(ID)
        .execute(&pool)
        .await
        .expect("update");
    pool.close().await;
}

#[tokio::test]
async fn the_stored_column_is_sealed_and_opens_after_a_restart_with_the_same_root_secret() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(dir.path()).await {
        let store = Store::connect(&url, Sealer::derive("root secret A"))
            .await
            .unwrap();
        store.create_user("alice").await.unwrap();
        store.create_access_key("alice", ID, SECRET).await.unwrap();
        let stored = stored_secret(&url).await;
        assert_ne!(stored, SECRET, "{url}");
        assert!(stored.starts_with("v1:"), "{stored}");
        assert!(!stored.contains(SECRET));

        // "Restart": a new store on the same database, with the same root secret.
        drop(store);
        let again = Store::connect(&url, Sealer::derive("root secret A"))
            .await
            .unwrap();
        assert_eq!(
            again.seal_plaintext_secrets().await.unwrap(),
            SecretsReport {
                readable: 1,
                ..Default::default()
            }
        );
        let key = again.active_access_key(ID).await.unwrap().expect("active");
        assert_eq!((key.user.as_str(), key.secret.as_str()), ("alice", SECRET));
    }
}

#[tokio::test]
async fn another_root_secret_is_a_loud_error_naming_the_key_and_seals_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(dir.path()).await {
        let store = Store::connect(&url, Sealer::derive("root secret A"))
            .await
            .unwrap();
        store.create_user("alice").await.unwrap();
        store.create_access_key("alice", ID, SECRET).await.unwrap();
        store
            .create_access_key("alice", "AKIAOLD0000000000000", "oldsecret")
            .await
            .unwrap();
        drop(store);
        // An older row in clear, as if from before encryption.
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::query("UPDATE iam_access_keys SET secret = $1 WHERE id = $2")
            .bind("oldsecret")
            .bind("AKIAOLD0000000000000")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;

        let other = Store::connect(&url, Sealer::derive("root secret B"))
            .await
            .unwrap();
        let err = other
            .active_access_key(ID)
            .await
            .expect_err("never a guess");
        assert!(err.to_string().contains(ID), "{err}");
        let report = other.seal_plaintext_secrets().await.unwrap();
        assert_eq!(
            report,
            SecretsReport {
                sealed_now: vec![],
                readable: 0,
                unreadable: vec![ID.into()],
            },
            "a key that opens nothing seals nothing"
        );
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let row = sqlx::query("SELECT secret FROM iam_access_keys WHERE id = $1")
            .bind("AKIAOLD0000000000000")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(row.get::<String, _>("secret"), "oldsecret");
        pool.close().await;
    }
}

#[tokio::test]
async fn secrets_stored_in_clear_are_sealed_at_start_once() {
    let dir = tempfile::tempdir().unwrap();
    for url in databases(dir.path()).await {
        let store = Store::connect(&url, Sealer::derive("root secret A"))
            .await
            .unwrap();
        store.create_user("alice").await.unwrap();
        store.create_access_key("alice", ID, SECRET).await.unwrap();
        set_stored_secret(&url, SECRET).await;
        let err = store
            .active_access_key(ID)
            .await
            .expect_err("plaintext is not opened");
        assert!(err.to_string().contains(ID), "{err}");

        let report = store.seal_plaintext_secrets().await.unwrap();
        assert_eq!(report.sealed_now, [ID]);
        let stored = stored_secret(&url).await;
        assert!(
            stored.starts_with("v1:") && !stored.contains(SECRET),
            "{stored}"
        );
        let key = store.active_access_key(ID).await.unwrap().expect("active");
        assert_eq!(key.secret, SECRET);

        let second = store.seal_plaintext_secrets().await.unwrap();
        assert_eq!(
            second,
            SecretsReport {
                readable: 1,
                ..Default::default()
            },
            "idempotent"
        );
        assert_eq!(stored_secret(&url).await, stored, "left as it was");
    }
}
