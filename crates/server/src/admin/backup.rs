//! `wharf admin backup --to DIR` and `wharf admin restore --from DIR`: a consistent copy of a
//! SQLite deployment, taken while the service runs.
//!
//! The backup is `VACUUM INTO` (SQLite's online copy: one read transaction, so one snapshot
//! however many writers run), then every blob that snapshot references, each checked against
//! its SHA-256 as it is copied, then `manifest.json` last (a directory without one is an
//! unfinished backup, and restore refuses it). Blobs are immutable and addressed by content, so
//! copying them after the snapshot is consistent, provided no `wharf admin gc` with a short
//! grace runs meanwhile. The data directory's `root-credentials` is copied too: users' secret
//! access keys are sealed with a key derived from the root secret. Everything is private (0700
//! directories, 0600 files, by the process umask).
//!
//! PostgreSQL deployments use `pg_dump` and the bucket's versioning instead (README).

use crate::store::Store;
use crate::store::assets::{AssetKey, put_blob};
use object_store::ObjectStore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The manifest's format name.
pub const FORMAT: &str = "wharf-backup/1";
const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "wharf.db";
const CREDENTIALS: &str = "root-credentials";

/// `manifest.json`: what the backup holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When the snapshot was taken (epoch seconds).
    pub created: f64,
    /// Package versions in the snapshot.
    pub versions: i64,
    /// Every blob, by SHA-256, with its size.
    pub blobs: BTreeMap<String, u64>,
    /// Whether `root-credentials` was copied.
    pub root_credentials: bool,
}

fn sqlite_only(database_url: Option<&str>) -> anyhow::Result<()> {
    if let Some(url) = database_url
        && !url.starts_with("sqlite:")
    {
        anyhow::bail!(
            "wharf admin backup/restore copy a SQLite data directory; back up PostgreSQL with \
             pg_dump and the blob bucket with its versioning (see README)"
        );
    }
    Ok(())
}

fn database_path(data_dir: &Path, database_url: Option<&str>) -> PathBuf {
    match database_url.and_then(|u| u.strip_prefix("sqlite://")) {
        Some(path) => PathBuf::from(path.split('?').next().unwrap_or(path)),
        None => data_dir.join(DATABASE),
    }
}

/// Takes a backup of the deployment into `to` (created; it must not hold a backup already).
pub async fn backup(
    data_dir: &Path,
    database_url: Option<&str>,
    blobs: &dyn ObjectStore,
    to: &Path,
) -> anyhow::Result<Manifest> {
    sqlite_only(database_url)?;
    anyhow::ensure!(
        !to.join(MANIFEST).exists() && !to.join(DATABASE).exists(),
        "{} already holds a backup",
        to.display()
    );
    std::fs::create_dir_all(to)?;
    let source = Store::connect(
        &format!(
            "sqlite://{}",
            database_path(data_dir, database_url).display()
        ),
        crate::secrets::Sealer::random(),
    )
    .await?;
    let copy = to.join(DATABASE);
    source.vacuum_into(&copy).await?;
    let created = crate::store::now();
    let snapshot = Store::connect(
        &format!("sqlite://{}", copy.display()),
        crate::secrets::Sealer::random(),
    )
    .await?;
    let versions = snapshot.version_count().await?;
    let mut manifest = Manifest {
        format: FORMAT.into(),
        created,
        versions,
        blobs: BTreeMap::new(),
        root_credentials: false,
    };
    for sha in snapshot.referenced_blobs().await? {
        let bytes = blobs
            .get(&AssetKey::sha256(&sha).path())
            .await
            .map_err(|e| anyhow::anyhow!("blob {sha}, referenced by the snapshot: {e}"))?
            .bytes()
            .await?;
        check(&sha, &bytes)?;
        let path = blob_file(to, &sha);
        std::fs::create_dir_all(path.parent().unwrap_or(to))?;
        std::fs::write(&path, &bytes)?;
        manifest.blobs.insert(sha, bytes.len() as u64);
    }
    let credentials = data_dir.join(CREDENTIALS);
    if credentials.exists() {
        std::fs::copy(&credentials, to.join(CREDENTIALS))?;
        manifest.root_credentials = true;
    }
    std::fs::write(to.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

/// Restores the backup in `from` into a data directory (and blob store) that has no database
/// yet; the service must not be running on it.
pub async fn restore(
    data_dir: &Path,
    database_url: Option<&str>,
    blobs: &dyn ObjectStore,
    from: &Path,
) -> anyhow::Result<Manifest> {
    sqlite_only(database_url)?;
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(from.join(MANIFEST))
            .map_err(|e| anyhow::anyhow!("{} is not a finished backup: {e}", from.display()))?,
    )?;
    anyhow::ensure!(
        manifest.format == FORMAT,
        "unknown backup format {:?}",
        manifest.format
    );
    let target = database_path(data_dir, database_url);
    anyhow::ensure!(
        !target.exists(),
        "{} exists: restore into a new data directory (or move the database away first)",
        target.display()
    );
    // Every blob is checked before anything is written.
    for (sha, size) in &manifest.blobs {
        let bytes = std::fs::read(blob_file(from, sha))?;
        check(sha, &bytes)?;
        anyhow::ensure!(bytes.len() as u64 == *size, "blob {sha} has the wrong size");
    }
    for sha in manifest.blobs.keys() {
        let bytes = std::fs::read(blob_file(from, sha))?;
        put_blob(blobs, sha, bytes.into()).await?;
    }
    if manifest.root_credentials && !data_dir.join(CREDENTIALS).exists() {
        std::fs::copy(from.join(CREDENTIALS), data_dir.join(CREDENTIALS))?;
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // The database last: a restore that stopped early leaves no database to start on.
    let partial = target.with_extension("db.restoring");
    std::fs::copy(from.join(DATABASE), &partial)?;
    std::fs::rename(&partial, &target)?;
    Ok(manifest)
}

fn blob_file(root: &Path, sha: &str) -> PathBuf {
    root.join("blobs")
        .join(AssetKey::sha256(sha).path().as_ref())
}

fn check(sha: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let actual = hex::encode(Sha256::digest(bytes));
    anyhow::ensure!(
        actual.eq_ignore_ascii_case(sha),
        "blob {sha} holds content with SHA-256 {actual}"
    );
    Ok(())
}
