//! `wharf admin`: principals (IAM users), their access key pairs and identity policies, managed
//! against the data directory. Output is JSON, like `aws iam`'s, so scripts can read it.
//!
//! The commands open the SQLite database the service uses (WAL journal, busy timeout), so they
//! are safe while `wharf serve` runs on it; changes apply from the service's next request (a
//! revoked key, a deleted user or a detached policy is refused). [`cli`] turns the command line
//! into an [`AdminOp`], and [`ops::execute`] checks and runs it on the store. A running service
//! offers the same operations over HTTP ([`service`], under `/wharf/admin/`, root only, in the
//! wire form of [`wire`]), and runs the same [`ops::execute`].
//!
//! ```text
//! wharf admin user create promoter
//! wharf admin key create promoter            # prints the key pair, once
//! wharf admin policy attach promoter promote --document promoter.json
//! wharf admin user list
//! ```

pub mod cli;
pub mod ops;
pub mod service;
pub mod wire;

pub use cli::{AdminArgs, AdminCommand, KeyCommand, PolicyCommand, UserCommand};
pub use ops::{AdminOp, execute, generate_key_pair};

use crate::error::ApiError;
use crate::store::Store;
use serde_json::Value;
use std::io::Write;

/// Runs an admin command on the data directory and prints its JSON result; on failure, prints
/// `wharf admin: Code: message` (or the local failure) to standard error and exits with
/// status 1.
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
    let op = args.command.into_op()?;
    std::fs::create_dir_all(&args.data_dir)?;
    let store = Store::open(&args.data_dir.join("wharf.db")).await?;
    execute(&store, &args.account_id, op)
        .await
        .map_err(|e| match e {
            ApiError::Internal(source) => source,
            refused => anyhow::anyhow!("{}: {refused}", refused.code()),
        })
}
