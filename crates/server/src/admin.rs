//! `wharf admin`: principals (IAM users), their access key pairs and identity policies, managed
//! against the data directory or a running service. Output is JSON, like `aws iam`'s, so scripts
//! can read it, and it is the same in both modes.
//!
//! - `wharf admin --data-dir DIR …` opens the SQLite database the service uses (WAL journal,
//!   busy timeout), so it is safe while `wharf serve` runs on it; changes apply from the
//!   service's next request (a revoked key, a deleted user or a detached policy is refused).
//! - `wharf admin --endpoint-url URL …` sends the command to a running service's admin API
//!   ([`service`], under `/wharf/admin/`, root only), signed with the root key pair.
//!
//! Both run the same [`ops::execute`] on a store: [`cli`] turns the command line into an
//! [`AdminOp`], which either runs here or travels as [`wire`] describes and runs in the service.
//!
//! ```text
//! wharf admin user create promoter
//! wharf admin key create promoter            # prints the key pair, once
//! wharf admin policy attach promoter promote --document promoter.json
//! wharf admin --endpoint-url http://127.0.0.1:7878 user list
//! ```

pub mod activity;
pub mod backup;
pub mod cli;
pub mod ops;
pub mod remote;
pub mod service;
pub mod wire;

pub use cli::{
    AdminArgs, AdminCommand, BackupArgs, GcArgs, KeyCommand, PolicyCommand, RestoreArgs,
    UserCommand,
};
pub use ops::{AdminOp, execute, generate_key_pair};

use crate::error::ApiError;
use serde_json::Value;
use std::io::Write;

/// Runs an admin command (on the data directory, or against `--endpoint-url`) and prints its
/// JSON result; on failure, prints `wharf admin: Code: message` (or the local failure) to
/// standard error and exits with status 1.
pub async fn run(args: AdminArgs) -> anyhow::Result<()> {
    let out = match run_command(args).await {
        Ok(out) => out,
        Err(e) => {
            eprintln!("wharf admin: {e:#}");
            std::process::exit(1);
        }
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", serde_json::to_string_pretty(&out)?)?;
    Ok(())
}

async fn run_command(args: AdminArgs) -> anyhow::Result<Value> {
    match &args.command {
        AdminCommand::Gc(gc) => return run_gc(&args, gc).await,
        AdminCommand::Backup(b) => return run_backup(&args, &b.to, &b.blob_store, true).await,
        AdminCommand::Restore(r) => {
            return run_backup(&args, &r.from, &r.blob_store, false).await;
        }
        AdminCommand::Events(_) | AdminCommand::Webhook(_) => return run_activity(args).await,
        _ => {}
    }
    let op = args.command.into_op()?;
    if let Some(endpoint) = &args.endpoint_url {
        let credentials = remote::RootCredentials::from_env(|k| std::env::var(k).ok())?;
        return remote::Remote::new(endpoint, &args.region, credentials)?
            .call(&op)
            .await;
    }
    if args.database_url.is_none() || args.data_dir.exists() {
        crate::datadir::make_private(&args.data_dir)?;
    } else {
        crate::datadir::private_umask();
    }
    let keys = crate::auth::Keys::load(&args.data_dir, crate::auth::Keys::pair_from_env())?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the service's root key pair is needed to seal access keys: set \
                 WHARF_ROOT_ACCESS_KEY_ID and WHARF_ROOT_SECRET_ACCESS_KEY as for `wharf serve`, \
                 or use the data directory where `wharf serve` keeps root-credentials"
            )
        })?;
    let store =
        crate::open_store(args.database_url.as_deref(), &args.data_dir, keys.sealer()).await?;
    let report = store.seal_plaintext_secrets().await?;
    if report.readable == 0 && !report.unreadable.is_empty() {
        anyhow::bail!(
            "the root secret given does not decrypt any stored access key ({}): give wharf admin \
             the root key pair the service runs with",
            report.unreadable.join(", ")
        );
    }
    report.log();
    execute(&store, &args.account_id, op)
        .await
        .map_err(|e| match e {
            ApiError::Internal(source) => source,
            refused => anyhow::anyhow!("{}: {refused}", refused.code()),
        })
}

/// `wharf admin events` and `wharf admin webhook`: against `--endpoint-url`, or on the store
/// (opened with the root key pair, which seals webhook secrets).
async fn run_activity(args: AdminArgs) -> anyhow::Result<Value> {
    let store = match &args.endpoint_url {
        Some(_) => None,
        None => {
            crate::datadir::make_private(&args.data_dir)?;
            let keys = crate::auth::Keys::load(&args.data_dir, crate::auth::Keys::pair_from_env())?
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "the service's root key pair is needed to seal webhook secrets: set \
                             WHARF_ROOT_ACCESS_KEY_ID and WHARF_ROOT_SECRET_ACCESS_KEY"
                    )
                })?;
            Some(
                crate::open_store(args.database_url.as_deref(), &args.data_dir, keys.sealer())
                    .await?,
            )
        }
    };
    let store = store
        .as_ref()
        .map(|s| s as &dyn crate::store::MetadataStore);
    match &args.command {
        AdminCommand::Events(e) => activity::run_events(&args, e, store).await,
        AdminCommand::Webhook(w) => activity::run_webhook(&args, w, store).await,
        _ => unreachable!("only activity commands come here"),
    }
}

/// `wharf admin gc`: blob garbage collection on the data directory (or `--database-url` and
/// `--blob-store`), printing the [`crate::store::gc::GcReport`].
async fn run_gc(args: &AdminArgs, gc: &GcArgs) -> anyhow::Result<Value> {
    anyhow::ensure!(
        args.endpoint_url.is_none(),
        "wharf admin gc runs on the data directory (--data-dir, --database-url, --blob-store), \
         not against --endpoint-url"
    );
    if args.database_url.is_none() || args.data_dir.exists() {
        crate::datadir::make_private(&args.data_dir)?;
    }
    // Garbage collection reads no secret: any sealer opens the store.
    let store = crate::open_store(
        args.database_url.as_deref(),
        &args.data_dir,
        crate::secrets::Sealer::random(),
    )
    .await?;
    let mut config = crate::config::Config::with_data_dir(args.data_dir.clone());
    config.blob_store = gc.blob_store.clone();
    let blobs = crate::open_blobs(&config)?;
    let report = store.collect_garbage(&*blobs, gc.grace, gc.dry_run).await?;
    Ok(serde_json::to_value(report)?)
}

/// `wharf admin backup --to DIR` (`take`) or `wharf admin restore --from DIR`, on the data
/// directory, printing the backup's manifest.
async fn run_backup(
    args: &AdminArgs,
    dir: &std::path::Path,
    blob_store: &Option<String>,
    take: bool,
) -> anyhow::Result<Value> {
    anyhow::ensure!(
        args.endpoint_url.is_none(),
        "wharf admin backup/restore run on the data directory, not against --endpoint-url"
    );
    crate::datadir::make_private(&args.data_dir)?;
    let mut config = crate::config::Config::with_data_dir(args.data_dir.clone());
    config.blob_store = blob_store.clone();
    let blobs = crate::open_blobs(&config)?;
    let db = args.database_url.as_deref();
    let manifest = if take {
        backup::backup(&args.data_dir, db, &*blobs, dir).await?
    } else {
        backup::restore(&args.data_dir, db, &*blobs, dir).await?
    };
    Ok(serde_json::json!({
        "format": manifest.format,
        "created": manifest.created,
        "versions": manifest.versions,
        "blobs": manifest.blobs.len(),
        "rootCredentials": manifest.root_credentials,
    }))
}
