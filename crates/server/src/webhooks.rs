//! Webhook delivery (spec events-audit §3.3): the worker `wharf serve` runs, sending the
//! transactional outbox's events ([`crate::store::events`]) to the webhooks whose filters match.
//!
//! - **Signing** (Standard Webhooks `v1`): headers `webhook-id` (the event's `id`, the same on
//!   every attempt, so receivers drop duplicates), `webhook-timestamp` (Unix seconds of this
//!   attempt) and `webhook-signature: v1,<base64 HMAC-SHA256>` over `{id}.{timestamp}.{body}`,
//!   keyed by the base64-decoded part of the secret after `whsec_`.
//! - **At least once, in order per webhook**: a delivery is leased before it is sent
//!   ([`crate::store::WebhookStore::claim_due`]); only the oldest pending delivery of a webhook is
//!   taken, so a webhook's events arrive in outbox order, and a lease that runs out (the process
//!   died) lets any process take it again.
//! - **Retries**: any answer but 2xx (or no answer within the timeout) is retried with
//!   exponential backoff (base × 2^attempt, capped, ±20 % jitter; `retry-after` honoured up to
//!   an hour) until the retry window (24 h) has passed since the first attempt; then the delivery
//!   is `failed`, listed, and can be redelivered by hand.
//! - **Isolation**: each delivery runs in its own task with a timeout, so a slow or dead
//!   receiver holds up only its own webhook.

use crate::state::AppState;
use crate::store::now;
use crate::store::webhooks::{AttemptOutcome, ClaimedDelivery};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// How deliveries are made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeliverySettings {
    /// Run the delivery worker in `wharf serve`.
    pub enabled: bool,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// The first retry's delay; each further one doubles it.
    pub retry_base: Duration,
    /// The longest delay between attempts.
    pub retry_max: Duration,
    /// How long after the first attempt a delivery is retried before it is `failed`.
    pub retry_window: Duration,
    /// How often the worker looks for due deliveries when nothing wakes it.
    pub poll: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            enabled: true,
            timeout: Duration::from_secs(15),
            retry_base: Duration::from_secs(5),
            retry_max: Duration::from_secs(3600),
            retry_window: Duration::from_secs(24 * 3600),
            poll: Duration::from_secs(1),
        }
    }
}

/// The `webhook-signature` header value for a message (Standard Webhooks `v1`).
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Whether a URL may receive webhooks: `https://`, or `http://` on a loopback host.
pub fn acceptable_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    let host = parsed.host_str().unwrap_or("");
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" if !host.is_empty() => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(format!(
            "{url:?} must be an https:// URL (http:// only on a loopback address)"
        )),
    }
}

/// The event as sent: the stored envelope with this service's region and the resource ARNs.
fn outgoing_body(stored: &str, region: &str) -> Vec<u8> {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(stored) else {
        return stored.as_bytes().to_vec();
    };
    let d = v["detail"].clone();
    let s = |k: &str| d[k].as_str().unwrap_or("").to_owned();
    v["region"] = region.into();
    v["resources"] = if d.get("promotionId").is_some() {
        serde_json::json!([
            format!(
                "arn:aws:codeartifact:{region}:{}:repository/{}/{}",
                s("domainOwner"),
                s("domainName"),
                s("sourceRepository")
            ),
            format!(
                "arn:aws:codeartifact:{region}:{}:repository/{}/{}",
                s("domainOwner"),
                s("domainName"),
                s("destinationRepository")
            ),
        ])
    } else {
        serde_json::json!([format!(
            "arn:aws:codeartifact:{region}:{}:package/{}/{}/{}/{}/{}",
            s("domainOwner"),
            s("domainName"),
            s("repositoryName"),
            s("packageFormat"),
            s("packageNamespace"),
            s("packageName")
        )])
    };
    serde_json::to_vec(&v).unwrap_or_default()
}

/// The delay before retry number `attempts` (1 for the first retry), with ±20 % jitter.
pub fn backoff(settings: &DeliverySettings, attempts: i64) -> Duration {
    let exp = 2f64.powi(attempts.clamp(1, 30) as i32 - 1);
    let base = (settings.retry_base.as_secs_f64() * exp).min(settings.retry_max.as_secs_f64());
    let jitter = 0.8 + rand::random::<f64>() * 0.4;
    Duration::from_secs_f64(base * jitter)
}

/// Starts the delivery worker (when enabled) for as long as the service runs.
pub fn spawn_worker(state: AppState) {
    let settings = state.config.webhooks;
    if !settings.enabled {
        return;
    }
    let client = match reqwest::Client::builder()
        .timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("wharf-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhook delivery is off: no HTTP client");
            return;
        }
    };
    tokio::spawn(async move {
        loop {
            let lease = now() + settings.timeout.as_secs_f64() * 2.0 + 30.0;
            match state.store.claim_due(64, lease).await {
                Ok(claimed) => {
                    for d in claimed {
                        tokio::spawn(deliver(state.clone(), client.clone(), d));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "taking webhook deliveries failed"),
            }
            if let Ok(n) = state.store.pending_deliveries().await {
                state.metrics.set_webhook_backlog(n);
            }
            tokio::select! {
                () = crate::store::events::WAKE.notified() => {}
                () = tokio::time::sleep(settings.poll) => {}
            }
        }
    });
}

/// Makes one attempt and records its outcome; wakes the worker so that the webhook's next
/// event (or this one's retry) is taken without waiting for the next poll.
async fn deliver(state: AppState, client: reqwest::Client, d: ClaimedDelivery) {
    let settings = state.config.webhooks;
    let body = outgoing_body(&d.body, &state.config.region);
    let timestamp = crate::auth::epoch_now();
    let outcome = match sign(&d.secret, &d.event_id, timestamp, &body) {
        None => AttemptOutcome::Failed {
            error: "the webhook's secret is not a whsec_ secret".into(),
        },
        Some(signature) => {
            let sent = client
                .post(&d.url)
                .header("content-type", "application/json")
                .header("webhook-id", &d.event_id)
                .header("webhook-timestamp", timestamp.to_string())
                .header("webhook-signature", signature)
                .body(body)
                .send()
                .await;
            let (error, retry_after) = match sent {
                Ok(r) if r.status().is_success() => (None, None),
                Ok(r) => {
                    let after = r
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(|s| Duration::from_secs(s.min(3600)));
                    (Some(format!("HTTP {}", r.status().as_u16())), after)
                }
                Err(e) if e.is_timeout() => (
                    Some(format!("no answer within {:?}", settings.timeout)),
                    None,
                ),
                Err(e) => (Some(format!("cannot reach the receiver: {e}")), None),
            };
            match error {
                None => AttemptOutcome::Delivered,
                Some(error) => {
                    let first = d.first_attempt_time.unwrap_or_else(now);
                    let delay = retry_after.unwrap_or_else(|| backoff(&settings, d.attempts + 1));
                    let at = now() + delay.as_secs_f64();
                    if at - first > settings.retry_window.as_secs_f64() {
                        AttemptOutcome::Failed { error }
                    } else {
                        AttemptOutcome::Retry { error, at }
                    }
                }
            }
        }
    };
    if let AttemptOutcome::Retry { error, .. } | AttemptOutcome::Failed { error } = &outcome {
        tracing::info!(webhook = %d.webhook_id, delivery = d.id, %error, "webhook delivery failed");
    }
    state.metrics.webhook_delivery(match &outcome {
        AttemptOutcome::Delivered => "delivered",
        AttemptOutcome::Retry { .. } => "retried",
        AttemptOutcome::Failed { .. } => "failed",
    });
    if let Err(e) = state.store.finish_attempt(d.id, &outcome).await {
        tracing::warn!(error = %e, "recording a webhook delivery failed");
    }
    crate::store::events::wake();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_vector() {
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(
            sig.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let s = DeliverySettings::default();
        for attempt in 1..6 {
            let d = backoff(&s, attempt).as_secs_f64();
            let nominal = 5.0 * 2f64.powi(attempt as i32 - 1);
            assert!(d >= nominal * 0.8 && d <= nominal * 1.2, "{attempt}: {d}");
        }
        assert!(backoff(&s, 40).as_secs_f64() <= 3600.0 * 1.2);
    }

    #[test]
    fn only_https_or_loopback_http() {
        assert!(acceptable_url("https://hooks.example.com/x").is_ok());
        assert!(acceptable_url("http://127.0.0.1:9/x").is_ok());
        assert!(acceptable_url("http://[::1]:9/x").is_ok());
        assert!(acceptable_url("http://hooks.example.com/x").is_err());
        assert!(acceptable_url("ftp://127.0.0.1/").is_err());
    }
}
