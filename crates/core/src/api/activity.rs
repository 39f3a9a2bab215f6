//! Wharf's own activity API (not CodeArtifact's): the audit trail under `/wharf/v1/events`
//! (ListAuditEvents) and webhooks under `/wharf/v1/webhooks` (CreateWebhook, ListWebhooks,
//! DeleteWebhook, ListWebhookDeliveries, RedeliverWebhookDelivery). Records follow CloudTrail's
//! record shape; webhook bodies are EventBridge's "CodeArtifact Package Version State Change"
//! envelope. Query members are kebab-case, bodies and responses camelCase, as elsewhere.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The query-string members of ListAuditEvents (`GET` or `POST /wharf/v1/events`); every filter
/// is optional and they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListAuditEventsQuery {
    /// Records at or after this time (epoch seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<f64>,
    /// Records before this time (epoch seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    /// The principal's ARN, exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The operation (`CopyPackageVersions`, `PublishPackageVersion`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    /// The domain named by the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The repository named by the request (the destination of a copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The package named by the request (`namespace/name` when it has a namespace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// At most this many records (1–1000, default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<u32>,
    /// The `nextToken` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Who made a recorded request (CloudTrail's `userIdentity`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    /// `Root`, `IAMUser`, or `Unknown` when the request was not authenticated.
    #[serde(rename = "type")]
    pub kind: String,
    /// The principal's ARN (empty when unknown).
    pub arn: String,
    /// The account.
    pub account_id: String,
    /// The access key id the request was signed with or its token was issued for (the one it
    /// claimed, for a refused signature; may be empty).
    pub access_key_id: String,
}

/// One audit record, in CloudTrail's shape (spec events-audit §2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// `"1.08"`.
    pub event_version: String,
    /// A GUID per record.
    #[serde(rename = "eventID")]
    pub event_id: String,
    /// When the request completed, ISO-8601 UTC (`2024-05-01T10:00:03Z`).
    pub event_time: String,
    /// The same time in epoch seconds.
    pub event_time_epoch: f64,
    /// `codeartifact.amazonaws.com`, or `wharf` for Wharf's own APIs.
    pub event_source: String,
    /// The operation, or the IAM action checked for a package-manager request.
    pub event_name: String,
    /// The region.
    pub aws_region: String,
    /// The client's address.
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: String,
    /// The `User-Agent` as sent (at most 1 KB).
    pub user_agent: String,
    /// The principal.
    pub user_identity: UserIdentity,
    /// The request's parameters, with secrets replaced by `HIDDEN_DUE_TO_SECURITY_REASONS`.
    pub request_parameters: serde_json::Value,
    /// What a write wrote (`versionsWritten`), `null` for reads and failures.
    pub response_elements: Option<serde_json::Value>,
    /// The `x-amzn-RequestId` the response carried.
    #[serde(rename = "requestID")]
    pub request_id: String,
    /// `AwsApiCall`.
    pub event_type: String,
    /// Whether the operation only reads.
    pub read_only: bool,
    /// The error code of a failed request (`AccessDeniedException`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Its message (at most 1 KB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// The response of ListAuditEvents: newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAuditEventsResult {
    /// The records of this page.
    pub events: Vec<AuditEvent>,
    /// The token of the next page, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Which events a webhook receives: every member given must match (lists match any value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookFilter {
    /// Only events of this domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Only events of this repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Only packages whose name (`namespace/name` with a namespace) starts with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_prefix: Option<String>,
    /// Only these `detail-type`s or `operationType`s (`Created`, `Updated`, `Deleted`,
    /// `Wharf Promotion State Change`); empty for all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_types: Vec<String>,
}

/// The JSON body of CreateWebhook (`POST /wharf/v1/webhooks`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateWebhookBody {
    /// Where deliveries are POSTed: `https://…`, or `http://` on a loopback address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Which events it receives.
    #[serde(default)]
    pub filter: WebhookFilter,
}

/// A webhook as listed (never with its secret).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDescription {
    /// `wh_` + 20 hex digits.
    pub id: String,
    /// The receiver's URL.
    pub url: String,
    /// Its filter.
    pub filter: WebhookFilter,
    /// When it was created (epoch seconds).
    pub created_time: f64,
    /// Deliveries by status (`pending`, `succeeded`, `failed`).
    pub deliveries: BTreeMap<String, u64>,
}

/// The response of CreateWebhook: the webhook and its signing secret, shown only now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWebhookResult {
    /// The new webhook.
    pub webhook: WebhookDescription,
    /// `whsec_` + base64 of 32 random bytes: the HMAC key is the decoded bytes.
    pub secret: String,
}

/// The response of ListWebhooks (`GET /wharf/v1/webhooks`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListWebhooksResult {
    /// Every webhook, oldest first.
    pub webhooks: Vec<WebhookDescription>,
}

/// One delivery of one event to one webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    /// The delivery's number (for RedeliverWebhookDelivery).
    pub delivery_id: i64,
    /// The event's id: the `webhook-id` header, the same on every attempt.
    pub event_id: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The next attempt (epoch seconds), while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_time: Option<f64>,
}

/// The response of ListWebhookDeliveries (`GET /wharf/v1/webhooks/{id}/deliveries[?status=]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListWebhookDeliveriesResult {
    /// The deliveries, newest first (at most 1000).
    pub deliveries: Vec<WebhookDelivery>,
}
