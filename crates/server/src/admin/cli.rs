//! The command line of `wharf admin`: where to work ([`AdminArgs`]) and what to do
//! ([`AdminCommand`]), turned into the transport-neutral [`AdminOp`].

use super::ops::AdminOp;
use clap::Subcommand;
use std::io::Read;
use std::path::PathBuf;

/// `wharf admin [--data-dir DIR | --endpoint-url URL] …`.
#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    /// The data directory of the service (where `wharf.db` lives), opened directly.
    #[arg(
        long,
        env = "WHARF_DATA_DIR",
        default_value = "./wharf-data",
        help_heading = "On the data directory"
    )]
    pub data_dir: PathBuf,
    /// The service's database instead of DATA_DIR/wharf.db (its `--database-url`:
    /// sqlite://PATH or postgres://…), opened directly.
    #[arg(
        long,
        env = "WHARF_DATABASE_URL",
        value_name = "URL",
        help_heading = "On the data directory"
    )]
    pub database_url: Option<String>,
    /// The service's account, for the ARNs printed (a running service uses its own).
    #[arg(
        long,
        env = "WHARF_ACCOUNT_ID",
        default_value = "000000000000",
        help_heading = "On the data directory"
    )]
    pub account_id: String,
    /// A running service to send the commands to instead of the data directory
    /// (`http://HOST:PORT`), signed with its root key pair from WHARF_ROOT_ACCESS_KEY_ID /
    /// WHARF_ROOT_SECRET_ACCESS_KEY, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
    // No clap conflict with --data-dir: WHARF_DATA_DIR in the environment would trip it.
    #[arg(long, value_name = "URL", help_heading = "Against a running service")]
    pub endpoint_url: Option<String>,
    /// The region the service runs in (its `--region`), which requests are signed for.
    #[arg(
        long,
        env = "WHARF_REGION",
        default_value = "us-east-1",
        help_heading = "Against a running service"
    )]
    pub region: String,
    /// What to do.
    #[command(subcommand)]
    pub command: AdminCommand,
}

/// The resource an admin command manages.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// IAM users.
    #[command(subcommand)]
    User(UserCommand),
    /// Access key pairs.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Identity policies attached to users.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Removes asset bytes that no row references (on the data directory only; safe while
    /// the service runs: see `store::gc`).
    Gc(GcArgs),
    /// Takes a consistent copy of a running SQLite deployment: the database, the blobs it
    /// references, `root-credentials`, and a manifest.
    Backup(BackupArgs),
    /// Restores a backup into a data directory that has no database yet (service stopped).
    Restore(RestoreArgs),
    /// The audit trail, newest first (filters: time range, principal, operation, domain,
    /// repository, package).
    Events(super::activity::EventsArgs),
    /// Webhooks that receive package-version events.
    #[command(subcommand)]
    Webhook(super::activity::WebhookCommand),
}

/// `wharf admin backup --to DIR`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The backup directory (created; it must not hold a backup).
    #[arg(long, value_name = "DIR")]
    pub to: std::path::PathBuf,
    /// The service's asset store (its `--blob-store`), else DATA_DIR/blobs.
    #[arg(long, env = "WHARF_BLOB_STORE", value_name = "URL")]
    pub blob_store: Option<String>,
}

/// `wharf admin restore --from DIR`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup directory (with its manifest.json).
    #[arg(long, value_name = "DIR")]
    pub from: std::path::PathBuf,
    /// The asset store to restore the blobs into, else DATA_DIR/blobs.
    #[arg(long, env = "WHARF_BLOB_STORE", value_name = "URL")]
    pub blob_store: Option<String>,
}

/// `wharf admin gc [--dry-run] [--grace DURATION] [--blob-store URL]`.
#[derive(Debug, clap::Args)]
pub struct GcArgs {
    /// Print what would be removed, remove nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Keep unreferenced blobs written within this long (`90s`, `30m`, `1h`, `2d`): a
    /// publish uploads its bytes before it commits its rows.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    pub grace: std::time::Duration,
    /// The service's asset store (its `--blob-store`), else DATA_DIR/blobs.
    #[arg(long, env = "WHARF_BLOB_STORE", value_name = "URL")]
    pub blob_store: Option<String>,
}

/// `wharf admin user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Creates a user (with no keys and no policies: it can do nothing yet).
    Create {
        /// The user name (1-64 of letters, digits and `+=,.@_-`).
        name: String,
    },
    /// Deletes a user with its keys and policies; its tokens stop working.
    Delete {
        /// The user name.
        name: String,
    },
    /// Lists users with their keys (secrets hidden) and policy names.
    List,
}

/// `wharf admin key …`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Creates an access key pair for a user and prints it (the secret is shown only now).
    Create {
        /// The user name.
        user: String,
    },
    /// Revokes an access key: requests signed with it and tokens it issued are refused.
    Revoke {
        /// The access key id.
        key_id: String,
    },
}

/// `wharf admin policy …`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Attaches (or replaces) an identity policy, validated first.
    Attach {
        /// The user name.
        user: String,
        /// The policy's name for this user.
        name: String,
        /// The JSON document: a file, or `-` for standard input.
        #[arg(long)]
        document: String,
    },
    /// Detaches an identity policy.
    Detach {
        /// The user name.
        user: String,
        /// The policy's name.
        name: String,
    },
    /// Prints a user's identity policies.
    List {
        /// The user name.
        user: String,
    },
}

impl AdminCommand {
    /// The operation this command asks for; reads the policy document of `policy attach` (a
    /// file, or standard input for `-`).
    pub fn into_op(self) -> anyhow::Result<AdminOp> {
        Ok(match self {
            AdminCommand::User(UserCommand::Create { name }) => AdminOp::CreateUser { user: name },
            AdminCommand::User(UserCommand::Delete { name }) => AdminOp::DeleteUser { user: name },
            AdminCommand::User(UserCommand::List) => AdminOp::ListUsers,
            AdminCommand::Key(KeyCommand::Create { user }) => AdminOp::CreateAccessKey { user },
            AdminCommand::Key(KeyCommand::Revoke { key_id }) => AdminOp::RevokeAccessKey {
                access_key_id: key_id,
            },
            AdminCommand::Policy(PolicyCommand::Attach {
                user,
                name,
                document,
            }) => AdminOp::PutUserPolicy {
                user,
                policy: name,
                document: read_document(&document)?,
            },
            AdminCommand::Policy(PolicyCommand::Detach { user, name }) => {
                AdminOp::DeleteUserPolicy { user, policy: name }
            }
            AdminCommand::Policy(PolicyCommand::List { user }) => {
                AdminOp::ListUserPolicies { user }
            }
            AdminCommand::Gc(_) | AdminCommand::Backup(_) | AdminCommand::Restore(_) => {
                anyhow::bail!("this command runs on the data directory")
            }
            AdminCommand::Events(_) | AdminCommand::Webhook(_) => {
                anyhow::bail!("this command is no admin operation: see admin::activity")
            }
        })
    }
}

fn read_document(source: &str) -> anyhow::Result<String> {
    if source == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| anyhow::anyhow!("cannot read the policy document {source}: {e}"))
    }
}
