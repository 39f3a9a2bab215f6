//! `wharf admin events …` and `wharf admin webhook …`: the audit trail and webhooks, on the
//! data directory (the store directly) or against a running service (`--endpoint-url`: the
//! activity API under `/wharf/v1/`, signed with the root key pair). Output is the API's JSON
//! either way.

use super::AdminArgs;
use crate::handlers::activity::{EVENTS_PATH, WEBHOOKS_PATH, query_events};
use crate::signed_client::{CallError, Credentials, SignedClient};
use crate::store::MetadataStore;
use clap::Subcommand;
use serde_json::Value;
use wharf_core::api::{ListAuditEventsQuery, WebhookFilter};

/// `wharf admin events [filters]`: audit records, newest first.
#[derive(Debug, Clone, clap::Args)]
pub struct EventsArgs {
    /// Records at or after this time: RFC 3339 (`2024-05-01T10:00:00Z`) or epoch seconds.
    #[arg(long, value_parser = time_arg)]
    pub start_time: Option<f64>,
    /// Records before this time.
    #[arg(long, value_parser = time_arg)]
    pub end_time: Option<f64>,
    /// The principal's ARN.
    #[arg(long)]
    pub principal: Option<String>,
    /// The operation (`CopyPackageVersions`, `PublishPackageVersion`, …).
    #[arg(long)]
    pub event_name: Option<String>,
    /// The domain.
    #[arg(long)]
    pub domain: Option<String>,
    /// The repository (a copy's destination).
    #[arg(long)]
    pub repository: Option<String>,
    /// The package (`namespace/name` when it has a namespace).
    #[arg(long)]
    pub package: Option<String>,
    /// At most this many records (1-1000, default 100).
    #[arg(long)]
    pub max_results: Option<u32>,
    /// The `nextToken` of the previous page.
    #[arg(long)]
    pub next_token: Option<String>,
}

/// `wharf admin webhook …`.
#[derive(Debug, Clone, Subcommand)]
pub enum WebhookCommand {
    /// Creates a webhook; prints it with its signing secret (shown only now).
    Create {
        /// The receiver: https://…, or http:// on a loopback address.
        #[arg(long)]
        url: String,
        /// Only events of this domain.
        #[arg(long)]
        domain: Option<String>,
        /// Only events of this repository.
        #[arg(long)]
        repository: Option<String>,
        /// Only packages whose name starts with this (`namespace/name` with a namespace).
        #[arg(long)]
        package_prefix: Option<String>,
        /// Only these event types (`Created`, `Updated`, `Deleted`, or a `detail-type`);
        /// repeatable.
        #[arg(long = "event-type")]
        event_types: Vec<String>,
    },
    /// Lists webhooks with their delivery counts (never their secrets).
    List,
    /// Deletes a webhook and its pending deliveries.
    Delete {
        /// The webhook's id.
        id: String,
    },
    /// Lists a webhook's deliveries, newest first.
    Deliveries {
        /// The webhook's id.
        id: String,
        /// Only `pending`, `succeeded` or `failed` ones.
        #[arg(long)]
        status: Option<String>,
    },
    /// Sends a (failed) delivery again, with the same event id.
    Redeliver {
        /// The webhook's id.
        id: String,
        /// The delivery's id (from `deliveries`).
        delivery: i64,
    },
}

fn time_arg(text: &str) -> Result<f64, String> {
    if let Ok(n) = text.parse::<f64>() {
        return Ok(n);
    }
    humantime::parse_rfc3339_weak(text)
        .map_err(|e| format!("{text:?} is neither RFC 3339 nor epoch seconds: {e}"))
        .and_then(|t| {
            t.duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .map_err(|e| e.to_string())
        })
}

impl EventsArgs {
    fn query(&self) -> ListAuditEventsQuery {
        ListAuditEventsQuery {
            start_time: self.start_time,
            end_time: self.end_time,
            principal: self.principal.clone(),
            event_name: self.event_name.clone(),
            domain: self.domain.clone(),
            repository: self.repository.clone(),
            package: self.package.clone(),
            max_results: self.max_results,
            next_token: self.next_token.clone(),
        }
    }
}

fn client(args: &AdminArgs, endpoint: &str) -> anyhow::Result<SignedClient> {
    let root = super::remote::RootCredentials::from_env(|k| std::env::var(k).ok())?;
    let credentials = Credentials {
        access_key_id: root.access_key_id,
        secret: root.secret,
    };
    let agent = concat!("wharf-admin/", env!("CARGO_PKG_VERSION"));
    SignedClient::new(endpoint, &args.region, credentials, agent)
}

async fn remote(
    client: &SignedClient,
    method: &str,
    path: &str,
    query: &str,
    body: Vec<u8>,
) -> anyhow::Result<Value> {
    client
        .call(method, path, query, body)
        .await
        .map_err(|e| match e {
            CallError::Refused(text) => anyhow::anyhow!("{text}"),
            CallError::Transport(e) => e,
        })
}

/// Runs `wharf admin events` against the service or on `store`.
pub async fn run_events(
    args: &AdminArgs,
    events: &EventsArgs,
    store: Option<&dyn MetadataStore>,
) -> anyhow::Result<Value> {
    let q = events.query();
    match (&args.endpoint_url, store) {
        (Some(endpoint), _) => {
            let query = serde_urlencoded::to_string(&q)?;
            remote(&client(args, endpoint)?, "GET", EVENTS_PATH, &query, vec![]).await
        }
        (None, Some(store)) => {
            let out = query_events(store, &args.region, &args.account_id, q)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", e.code()))?;
            Ok(serde_json::to_value(out)?)
        }
        (None, None) => anyhow::bail!("no store to read"),
    }
}

/// Runs `wharf admin webhook …` against the service or on `store`.
pub async fn run_webhook(
    args: &AdminArgs,
    command: &WebhookCommand,
    store: Option<&dyn MetadataStore>,
) -> anyhow::Result<Value> {
    if let Some(endpoint) = &args.endpoint_url {
        let c = client(args, endpoint)?;
        return match command {
            WebhookCommand::Create { url, .. } => {
                let body = serde_json::json!({"url": url, "filter": filter_of(command)});
                remote(&c, "POST", WEBHOOKS_PATH, "", body.to_string().into_bytes()).await
            }
            WebhookCommand::List => remote(&c, "GET", WEBHOOKS_PATH, "", vec![]).await,
            WebhookCommand::Delete { id } => {
                remote(&c, "DELETE", &format!("{WEBHOOKS_PATH}/{id}"), "", vec![]).await
            }
            WebhookCommand::Deliveries { id, status } => {
                let query = status
                    .as_ref()
                    .map(|s| format!("status={s}"))
                    .unwrap_or_default();
                let path = format!("{WEBHOOKS_PATH}/{id}/deliveries");
                remote(&c, "GET", &path, &query, vec![]).await
            }
            WebhookCommand::Redeliver { id, delivery } => {
                let path = format!("{WEBHOOKS_PATH}/{id}/deliveries/{delivery}/redeliver");
                remote(&c, "POST", &path, "", vec![]).await
            }
        };
    }
    let store = store.ok_or_else(|| anyhow::anyhow!("no store to work on"))?;
    let out = match command {
        WebhookCommand::Create { url, .. } => {
            crate::webhooks::acceptable_url(url).map_err(|e| anyhow::anyhow!(e))?;
            let (webhook, secret) = store
                .create_webhook(url, &filter_of(command))
                .await
                .map_err(worded)?;
            serde_json::to_value(wharf_core::api::CreateWebhookResult { webhook, secret })?
        }
        WebhookCommand::List => {
            serde_json::json!({ "webhooks": store.webhooks().await.map_err(worded)? })
        }
        WebhookCommand::Delete { id } => {
            store.delete_webhook(id).await.map_err(worded)?;
            serde_json::json!({})
        }
        WebhookCommand::Deliveries { id, status } => {
            serde_json::json!({ "deliveries": store.deliveries(id, status.as_deref()).await.map_err(worded)? })
        }
        WebhookCommand::Redeliver { id, delivery } => {
            store.redeliver(id, *delivery).await.map_err(worded)?;
            serde_json::json!({})
        }
    };
    Ok(out)
}

/// A storage refusal in the words the API would use (storage words nothing itself).
fn worded(e: crate::store::StoreError) -> anyhow::Error {
    match crate::error::ApiError::from(e) {
        crate::error::ApiError::Internal(source) => source,
        refused => anyhow::anyhow!("{}: {refused}", refused.code()),
    }
}

fn filter_of(command: &WebhookCommand) -> WebhookFilter {
    match command {
        WebhookCommand::Create {
            domain,
            repository,
            package_prefix,
            event_types,
            ..
        } => WebhookFilter {
            domain: domain.clone(),
            repository: repository.clone(),
            package_prefix: package_prefix.clone(),
            event_types: event_types.clone(),
        },
        _ => WebhookFilter::default(),
    }
}
