//! Webhooks and their deliveries: the rows the delivery worker (`crate::webhooks`) works from.
//!
//! A delivery is taken by leasing it ([`WebhookStore::claim_due`]): only the oldest pending
//! delivery of each webhook may be taken (so each webhook receives its events in order), and
//! only when its lease has run out (so a process that died mid-delivery does not lose it). On
//! PostgreSQL the candidates are read `FOR UPDATE SKIP LOCKED`, so several Wharf processes never
//! take the same delivery. Secrets are sealed like users' secret keys ([`crate::secrets`]).

use super::{Backend, Store, StoreError, StoreResult, now};
use crate::store::Missing;
use async_trait::async_trait;
use base64::Engine;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;
use wharf_core::api::{WebhookDelivery, WebhookDescription, WebhookFilter};

/// A delivery taken by this process, with what sending it needs.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// The delivery's id.
    pub id: i64,
    /// The webhook's id.
    pub webhook_id: String,
    /// The receiver.
    pub url: String,
    /// The signing secret (`whsec_…`), opened.
    pub secret: String,
    /// The event's id (`webhook-id`).
    pub event_id: String,
    /// The event, as stored.
    pub body: String,
    /// Attempts before this one.
    pub attempts: i64,
    /// When the first attempt was made (`None` before it).
    pub first_attempt_time: Option<f64>,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptOutcome {
    /// A 2xx answer.
    Delivered,
    /// Try again at this time (epoch seconds).
    Retry {
        /// Why it failed.
        error: String,
        /// When to try again.
        at: f64,
    },
    /// Give up: the delivery is `failed` (listed, and can be redelivered by hand).
    Failed {
        /// Why it failed.
        error: String,
    },
}

/// Webhooks, their deliveries and the delivery queue.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Creates a webhook with a fresh secret; returns it with the secret (shown only now).
    async fn create_webhook(
        &self,
        url: &str,
        filter: &WebhookFilter,
    ) -> StoreResult<(WebhookDescription, String)>;
    /// Every webhook, oldest first, with delivery counts by status.
    async fn webhooks(&self) -> StoreResult<Vec<WebhookDescription>>;
    /// Deletes a webhook and its deliveries (`NotFound` when there is none).
    async fn delete_webhook(&self, id: &str) -> StoreResult<()>;
    /// A webhook's deliveries, newest first (at most 1000), optionally of one status.
    async fn deliveries(&self, id: &str, status: Option<&str>)
    -> StoreResult<Vec<WebhookDelivery>>;
    /// Puts a delivery back in the queue at once with a fresh retry window (same event id).
    async fn redeliver(&self, id: &str, delivery_id: i64) -> StoreResult<()>;
    /// Takes up to `limit` due deliveries (the oldest pending one of each webhook), leasing
    /// them until `lease_until`.
    async fn claim_due(&self, limit: i64, lease_until: f64) -> StoreResult<Vec<ClaimedDelivery>>;
    /// Records how an attempt ended.
    async fn finish_attempt(&self, delivery_id: i64, outcome: &AttemptOutcome) -> StoreResult<()>;
    /// How many deliveries wait to be made (due or not), over every webhook.
    async fn pending_deliveries(&self) -> StoreResult<i64>;
}

/// Every webhook's filter, for [`super::events::flush`].
pub(crate) async fn filters_in(
    conn: &mut AnyConnection,
) -> StoreResult<Vec<(String, WebhookFilter)>> {
    let rows = sqlx::query("SELECT id, filter FROM webhooks ORDER BY created_time, id")
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let filter: String = r.get("filter");
            (
                r.get("id"),
                serde_json::from_str(&filter).unwrap_or_default(),
            )
        })
        .collect())
}

/// Whether an event (its envelope) passes a filter.
pub fn matches(f: &WebhookFilter, event: &serde_json::Value) -> bool {
    let d = &event["detail"];
    let promotion = d.get("promotionId").is_some();
    let repository = if promotion {
        &d["destinationRepository"]
    } else {
        &d["repositoryName"]
    };
    let eq = |want: &Option<String>, got: &serde_json::Value| {
        want.as_deref().is_none_or(|w| got.as_str() == Some(w))
    };
    let package = match (d["packageNamespace"].as_str(), d["packageName"].as_str()) {
        (Some(ns), Some(n)) => Some(format!("{ns}/{n}")),
        (None, Some(n)) => Some(n.to_owned()),
        _ => None,
    };
    let package_ok = match (&f.package_prefix, package) {
        (None, _) => true,
        (Some(p), Some(name)) => name.starts_with(p.as_str()),
        (Some(_), None) => false,
    };
    let type_ok = f.event_types.is_empty()
        || f.event_types.iter().any(|t| {
            event["detail-type"].as_str() == Some(t) || d["operationType"].as_str() == Some(t)
        });
    eq(&f.domain, &d["domainName"]) && eq(&f.repository, repository) && package_ok && type_ok
}

fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn webhook_missing(id: &str) -> StoreError {
    Missing::Webhook { id: id.to_owned() }.into()
}

#[async_trait]
impl WebhookStore for Store {
    async fn create_webhook(
        &self,
        url: &str,
        filter: &WebhookFilter,
    ) -> StoreResult<(WebhookDescription, String)> {
        let id = format!("wh_{:020x}", rand::random::<u128>() >> 48);
        let secret = new_secret();
        let created = now();
        let filter_text =
            serde_json::to_string(filter).map_err(|e| StoreError::Backend(e.into()))?;
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO webhooks (id, url, filter, secret, created_time) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(url)
        .bind(&filter_text)
        .bind(self.sealer.seal(&id, &secret))
        .bind(created)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        let description = WebhookDescription {
            id,
            url: url.to_owned(),
            filter: filter.clone(),
            created_time: created,
            deliveries: BTreeMap::new(),
        };
        Ok((description, secret))
    }

    async fn webhooks(&self) -> StoreResult<Vec<WebhookDescription>> {
        let rows =
            sqlx::query("SELECT id, url, filter, created_time FROM webhooks ORDER BY created_time")
                .fetch_all(self.pool())
                .await?;
        let counts = sqlx::query(
            "SELECT webhook_id, status, COUNT(*) AS n FROM webhook_deliveries \
             GROUP BY webhook_id, status",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let id: String = r.get("id");
                let filter: String = r.get("filter");
                let deliveries = counts
                    .iter()
                    .filter(|c| c.get::<String, _>("webhook_id") == id)
                    .map(|c| (c.get("status"), c.get::<i64, _>("n") as u64))
                    .collect();
                WebhookDescription {
                    url: r.get("url"),
                    filter: serde_json::from_str(&filter).unwrap_or_default(),
                    created_time: r.get("created_time"),
                    deliveries,
                    id,
                }
            })
            .collect())
    }

    async fn delete_webhook(&self, id: &str) -> StoreResult<()> {
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        let gone = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if gone == 0 {
            return Err(webhook_missing(id));
        }
        w.commit().await
    }

    async fn deliveries(
        &self,
        id: &str,
        status: Option<&str>,
    ) -> StoreResult<Vec<WebhookDelivery>> {
        let exists = sqlx::query("SELECT id FROM webhooks WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        if exists.is_none() {
            return Err(webhook_missing(id));
        }
        let rows = sqlx::query(
            "SELECT d.id, e.event_id, d.status, d.attempts, d.last_error, d.next_attempt_time \
             FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_seq \
             WHERE d.webhook_id = $1 AND ($2 = '' OR d.status = $2) ORDER BY d.id DESC LIMIT 1000",
        )
        .bind(id)
        .bind(status.unwrap_or(""))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let status: String = r.get("status");
                WebhookDelivery {
                    delivery_id: r.get("id"),
                    event_id: r.get("event_id"),
                    next_attempt_time: (status == "pending").then(|| r.get("next_attempt_time")),
                    status,
                    attempts: r.get("attempts"),
                    last_error: r.get("last_error"),
                }
            })
            .collect())
    }

    async fn redeliver(&self, id: &str, delivery_id: i64) -> StoreResult<()> {
        let mut w = self.write().await?;
        let n = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_time = $1, \
             first_attempt_time = NULL, lease_until = 0 WHERE id = $2 AND webhook_id = $3",
        )
        .bind(now())
        .bind(delivery_id)
        .bind(id)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Missing::Delivery {
                webhook: id.to_owned(),
                delivery: delivery_id,
            }
            .into());
        }
        w.commit().await?;
        super::events::wake();
        Ok(())
    }

    async fn claim_due(&self, limit: i64, lease_until: f64) -> StoreResult<Vec<ClaimedDelivery>> {
        let t = now();
        let lock = if self.backend == Backend::Postgres {
            " FOR UPDATE OF d SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "SELECT d.id, d.webhook_id, d.attempts, d.first_attempt_time, e.event_id, e.body, \
             w.url, w.secret FROM webhook_deliveries d \
             JOIN outbox_events e ON e.id = d.event_seq JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.status = 'pending' AND d.next_attempt_time <= $1 AND d.lease_until <= $1 \
             AND d.id = (SELECT MIN(d2.id) FROM webhook_deliveries d2 \
                         WHERE d2.webhook_id = d.webhook_id AND d2.status = 'pending') \
             ORDER BY d.id LIMIT $2{lock}"
        );
        let mut w = self.bookkeeping().await?;
        let tx = &mut w.tx;
        let rows = sqlx::query(&sql)
            .bind(t)
            .bind(limit)
            .fetch_all(&mut **tx)
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let id: i64 = r.get("id");
            sqlx::query("UPDATE webhook_deliveries SET lease_until = $1 WHERE id = $2")
                .bind(lease_until)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            let webhook_id: String = r.get("webhook_id");
            let sealed: String = r.get("secret");
            let secret = self.sealer.open(&webhook_id, &sealed).map_err(|e| {
                StoreError::Backend(anyhow::anyhow!("webhook {webhook_id}'s secret: {e}"))
            })?;
            out.push(ClaimedDelivery {
                id,
                webhook_id,
                url: r.get("url"),
                secret,
                event_id: r.get("event_id"),
                body: r.get("body"),
                attempts: r.get("attempts"),
                first_attempt_time: r.get("first_attempt_time"),
            });
        }
        w.tx.commit().await?;
        Ok(out)
    }

    async fn finish_attempt(&self, delivery_id: i64, outcome: &AttemptOutcome) -> StoreResult<()> {
        // One statement per outcome, binding no NULL: sqlx's `Any` driver sends a NULL `f64` as
        // a `float4` parameter, and PostgreSQL then refuses the `float8` of the next use of the
        // same prepared statement on that connection ("incorrect binary data format").
        let t = now();
        let done = "attempts = attempts + 1, lease_until = 0";
        let sql = match outcome {
            AttemptOutcome::Delivered => format!(
                "UPDATE webhook_deliveries SET status = 'succeeded', last_error = NULL, \
                 next_attempt_time = $1, delivered_time = $1, {done}, \
                 first_attempt_time = COALESCE(first_attempt_time, $1) WHERE id = $2"
            ),
            AttemptOutcome::Retry { .. } => format!(
                "UPDATE webhook_deliveries SET status = 'pending', last_error = $1, \
                 next_attempt_time = $2, delivered_time = NULL, {done}, \
                 first_attempt_time = COALESCE(first_attempt_time, $3) WHERE id = $4"
            ),
            AttemptOutcome::Failed { .. } => format!(
                "UPDATE webhook_deliveries SET status = 'failed', last_error = $1, \
                 next_attempt_time = $2, delivered_time = NULL, {done}, \
                 first_attempt_time = COALESCE(first_attempt_time, $2) WHERE id = $3"
            ),
        };
        let query = match outcome {
            AttemptOutcome::Delivered => sqlx::query(&sql).bind(t),
            AttemptOutcome::Retry { error, at } => {
                sqlx::query(&sql).bind(error.as_str()).bind(*at).bind(t)
            }
            AttemptOutcome::Failed { error } => sqlx::query(&sql).bind(error.as_str()).bind(t),
        };
        let mut w = self.bookkeeping().await?;
        query.bind(delivery_id).execute(&mut *w.tx).await?;
        w.tx.commit().await?;
        Ok(())
    }

    async fn pending_deliveries(&self) -> StoreResult<i64> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'")
                .fetch_one(self.pool())
                .await?;
        Ok(row.get::<i64, _>("n"))
    }
}
