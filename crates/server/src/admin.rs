//! `wharf admin`: principals and their identity policies, managed against the data directory.
//!
//! The commands open the same SQLite database the service uses (WAL journal, busy timeout), so
//! they are safe while `wharf serve` runs on it, and take effect on the service's next request:
//! a revoked key, a deleted user or a detached policy is refused from then on. Output is JSON,
//! like `aws iam`'s, so scripts can read it.
//!
//! ```text
//! wharf admin user create promoter
//! wharf admin key create promoter            # prints the key pair, once
//! wharf admin policy attach promoter promote --document promoter.json
//! wharf admin user list
//! ```

use crate::store::{IamStore, Store};
use clap::Subcommand;
use rand::Rng;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::PathBuf;
use wharf_policy::{PolicyDocument, Principal};

/// `wharf admin [--data-dir DIR] …`.
#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    /// The data directory of the service (where `wharf.db` lives).
    #[arg(long, env = "WHARF_DATA_DIR", default_value = "./wharf-data")]
    pub data_dir: PathBuf,
    /// The service's account (for the ARNs printed).
    #[arg(long, env = "WHARF_ACCOUNT_ID", default_value = "000000000000")]
    pub account_id: String,
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

/// Runs an admin command against the data directory and prints its JSON result; on failure,
/// prints `wharf admin: REASON` to standard error and exits with status 1.
pub async fn run(args: AdminArgs) -> anyhow::Result<()> {
    if let Err(e) = run_command(args).await {
        eprintln!("wharf admin: {e:#}");
        std::process::exit(1);
    }
    Ok(())
}

async fn run_command(args: AdminArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.data_dir)?;
    let store = Store::open(&args.data_dir.join("wharf.db")).await?;
    let out = execute(&store, &args.account_id, args.command).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", serde_json::to_string_pretty(&out)?)?;
    Ok(())
}

fn check_name(what: &str, name: &str, max: usize) -> anyhow::Result<()> {
    let ok = !name.is_empty()
        && name.len() <= max
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    anyhow::ensure!(
        ok,
        "{what} {name:?} must be 1-{max} of letters, digits and +=,.@_-"
    );
    Ok(())
}

fn random_string(alphabet: &[u8], n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// A new key pair in AWS's shapes: `AKIA` + 16 base32 characters, and a 40-character secret.
pub fn generate_key_pair() -> (String, String) {
    let id = format!(
        "AKIA{}",
        random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    let secret = random_string(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        40,
    );
    (id, secret)
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

/// Runs one command on `store` and returns what to print.
pub async fn execute(store: &Store, account: &str, command: AdminCommand) -> anyhow::Result<Value> {
    let arn = |user: &str| Principal::user(account, user).arn;
    Ok(match command {
        AdminCommand::User(UserCommand::Create { name }) => {
            check_name("user name", &name, 64)?;
            let user = store.create_user(&name).await?;
            json!({"user": {"userName": user.name, "arn": arn(&user.name),
                            "createDate": user.created_time}})
        }
        AdminCommand::User(UserCommand::Delete { name }) => {
            store.delete_user(&name).await?;
            json!({"deleted": name})
        }
        AdminCommand::User(UserCommand::List) => {
            let mut users = Vec::new();
            for user in store.users().await? {
                let keys: Vec<Value> = store
                    .access_keys(&user.name)
                    .await?
                    .into_iter()
                    .map(|k| {
                        json!({"accessKeyId": k.id, "createDate": k.created_time,
                               "status": if k.revoked_time.is_some() { "Revoked" } else { "Active" }})
                    })
                    .collect();
                let policies: Vec<String> = store
                    .user_policies(&user.name)
                    .await?
                    .into_iter()
                    .map(|p| p.name)
                    .collect();
                users.push(json!({"userName": user.name, "arn": arn(&user.name),
                                  "createDate": user.created_time, "accessKeys": keys,
                                  "policies": policies}));
            }
            json!({ "users": users })
        }
        AdminCommand::Key(KeyCommand::Create { user }) => {
            let (id, secret) = generate_key_pair();
            let key = store.create_access_key(&user, &id, &secret).await?;
            json!({"accessKey": {"userName": key.user, "accessKeyId": key.id,
                                 "secretAccessKey": key.secret, "status": "Active",
                                 "createDate": key.created_time}})
        }
        AdminCommand::Key(KeyCommand::Revoke { key_id }) => {
            store.revoke_access_key(&key_id).await?;
            json!({ "revoked": key_id })
        }
        AdminCommand::Policy(PolicyCommand::Attach {
            user,
            name,
            document,
        }) => {
            check_name("policy name", &name, 128)?;
            let text = read_document(&document)?;
            PolicyDocument::parse_identity(&text)
                .map_err(|e| anyhow::anyhow!("the policy document is not valid: {e}"))?;
            let p = store.put_user_policy(&user, &name, &text).await?;
            json!({"userName": user, "policyName": p.name, "revision": p.revision})
        }
        AdminCommand::Policy(PolicyCommand::Detach { user, name }) => {
            store.delete_user_policy(&user, &name).await?;
            json!({"userName": user, "detached": name})
        }
        AdminCommand::Policy(PolicyCommand::List { user }) => {
            let policies: Vec<Value> = store
                .user_policies(&user)
                .await?
                .into_iter()
                .map(|p| {
                    let document: Value =
                        serde_json::from_str(&p.document).unwrap_or(Value::String(p.document));
                    json!({"policyName": p.name, "revision": p.revision, "document": document})
                })
                .collect();
            json!({"userName": user, "policies": policies})
        }
    })
}
